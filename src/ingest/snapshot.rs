//! Snapshots of an ingest in progress, for follow mode: the trace as read so far, taken between
//! polls without ending any source. Invariant: taking a snapshot changes nothing in the session,
//! and a snapshot after the last byte equals the one-shot read of the same bytes.

use super::builder::TraceBuilder;
use super::{pflow, RecordKind, Session, SourceState};
use crate::model::{FileIdx, Trace};

impl Session {
    /// The trace as read so far, without ending any source: what follow mode shows between
    /// polls. Records already read are not parsed again (the builder is copied and finished);
    /// a half-written last line waits for the rest of its bytes and is never reported as cut
    /// off; pflow nodes still running and runs without `run.complete` are included, marked
    /// `RUNNING`; spans of open sources whose parent has not arrived yet are shown as roots
    /// without a diagnostic. Feeding the rest of the bytes and finishing gives the same trace
    /// as a one-shot read.
    pub fn snapshot(&self) -> Trace {
        let mut builder = self.builder.clone();
        let mut open = Vec::new();
        for (i, state) in self.sources.iter().enumerate() {
            let f = FileIdx(i as u32);
            if state.open {
                summarise(&mut builder, f, state);
                pflow::flush(&mut builder, &state.pflow);
                open.push(f);
            }
        }
        builder.finish_snapshot(&open)
    }

    /// A source's bookkeeping so far: bytes fed (the offset to resume a follow from), records
    /// read, format, clock, and whether it says its run ended.
    pub fn source(&self, f: FileIdx) -> &crate::model::Source {
        self.builder.source(f)
    }
}

/// Sets a source's record count and format label from the kinds read so far; returns the count.
pub(super) fn summarise(builder: &mut TraceBuilder, f: FileIdx, state: &SourceState) -> u32 {
    let recognised: u32 = state.kinds.values().sum();
    let mut labels: Vec<(RecordKind, u32)> = state.kinds.iter().map(|(k, n)| (*k, *n)).collect();
    labels.sort_by_key(|(k, n)| (std::cmp::Reverse(*n), k.label()));
    let format = labels
        .iter()
        .map(|(k, _)| k.label())
        .collect::<Vec<_>>()
        .join(" + ");
    let src = builder.source_mut(f);
    src.records = recognised;
    src.format = format;
    recognised
}
