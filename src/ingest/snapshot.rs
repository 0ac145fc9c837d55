//! Snapshots of an ingest in progress, for follow mode: the trace as read so far, taken between
//! polls without ending any source. Invariant: taking a snapshot changes nothing in the session
//! (it works on copies of the builder and of each open source's scratch), and a snapshot after
//! the last byte equals the one-shot read of the same bytes.

use super::{dispatch, Session};
use crate::model::{FileIdx, Source, Trace};

impl Session {
    /// The trace as read so far, without ending any source: what follow mode shows between
    /// polls. Records already read are not parsed again (the builder is copied and finished);
    /// a half-written last line waits for the rest of its bytes and is never reported as cut
    /// off; what readers hold unfinished (pflow nodes still running, a run without
    /// `run.complete`) is added by their end hooks, marked `RUNNING`; spans of open sources
    /// whose parent has not arrived yet are shown as roots without a diagnostic. Feeding the
    /// rest of the bytes and finishing gives the same trace as a one-shot read.
    pub fn snapshot(&self) -> Trace {
        let mut builder = self.builder.clone();
        let mut open = Vec::new();
        for (i, state) in self.sources.iter().enumerate() {
            let f = FileIdx(i as u32);
            if state.open {
                state.pending.summarise(builder.source_mut(f));
                let mut scratch = state.scratch.clone();
                dispatch::end_readers(&mut builder, f, &mut scratch);
                open.push(f);
            }
        }
        builder.finish_snapshot(&open)
    }

    /// A source's bookkeeping so far: bytes fed (the offset to resume a follow from), records
    /// read, format, clock, and whether it says its run ended.
    pub fn source(&self, f: FileIdx) -> &Source {
        self.builder.source(f)
    }
}
