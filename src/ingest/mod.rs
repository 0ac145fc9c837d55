//! Bytes -> `Trace`. A `Session` takes any number of sources, each fed in chunks of any size
//! (gzip is detected by its magic bytes and inflated on the fly, within a bomb budget), frames
//! them into records, detects each record's kind by its keys and hands it to that format's
//! reader; a snapshot shows what was read so far without ending any source (follow mode).
//! Invariant: the result depends only on the bytes, never on chunk boundaries; bad input
//! becomes diagnostics, never a panic.

pub mod builder;
pub mod chrome;
pub mod detect;
mod dispatch;
pub mod fingerprint;
pub mod flowmesh_rows;
pub mod follow;
pub mod formats;
pub mod framing;
pub mod gcp_trace;
pub mod gzip;
pub mod jaeger;
pub mod json_log;
pub mod langfuse;
mod limits;
pub mod merge;
pub mod mlflow;
pub mod mlflow_follow;
pub mod mlflow_list;
pub mod mlflow_server;
pub mod otel_sdk;
pub mod otlp;
pub mod pflow;
pub mod pflow_legacy;
mod pflow_nodes;
mod pflow_run;
mod snapshot;
pub mod sniff;
pub mod toolkit;
pub mod transfer;
pub mod zipkin;

use crate::model::{DiagnosticKind, FileIdx, Severity, Trace};
use builder::TraceBuilder;
use dispatch::{Pending, RecordContext};
use formats::{RecordKind, SourceScratch};
use framing::Framer;
use gzip::Gunzip;
pub use limits::{Stop, WEB_BUDGET_BYTES};

#[derive(Default)]
struct SourceState {
    sniff: Vec<u8>,
    gunzip: Option<Gunzip>,
    decided_compression: bool,
    framer: Framer,
    pending: Pending,
    /// What the readers keep between this source's records (ended at `end_source`).
    scratch: SourceScratch,
    open: bool,
}

/// An ingest in progress.
#[derive(Default)]
pub struct Session {
    builder: TraceBuilder,
    sources: Vec<SourceState>,
    /// Memory limits and the size hint (`limits.rs`).
    limits: limits::Limits,
    /// Where each input's rows start and end, for merging partial reads (`merge.rs`).
    inputs: merge::InputMarks,
}

impl Session {
    /// A new, empty session.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a source (a file name or URL, shown in diagnostics).
    pub fn begin_source(&mut self, name: &str) -> FileIdx {
        let f = self.builder.add_source(name);
        self.sources.push(SourceState {
            open: true,
            ..SourceState::default()
        });
        f
    }

    /// Feeds the next chunk of a source (ignored once the session stopped at its memory budget:
    /// see `stop`).
    pub fn feed(&mut self, f: FileIdx, chunk: &[u8]) {
        if self.limits.stop.is_some() || f.ix() >= self.sources.len() {
            return;
        }
        self.builder.source_mut(f).bytes += chunk.len() as u64;
        self.feed_counted(f, chunk);
        self.after_feed(f, chunk.len());
    }

    fn feed_counted(&mut self, f: FileIdx, chunk: &[u8]) {
        let state = &mut self.sources[f.ix()];
        if !state.decided_compression {
            state.sniff.extend_from_slice(chunk);
            if state.sniff.len() < 2 {
                return;
            }
            state.decided_compression = true;
            if state.sniff.starts_with(&[0x1f, 0x8b]) {
                state.gunzip = Some(Gunzip::default());
            }
            let first = std::mem::take(&mut state.sniff);
            self.feed_decoded(f, &first);
            return;
        }
        self.feed_decoded(f, chunk);
    }

    fn feed_decoded(&mut self, f: FileIdx, chunk: &[u8]) {
        let state = &mut self.sources[f.ix()];
        let Some(mut g) = state.gunzip.take() else {
            if state.open {
                self.frame(f, chunk);
            }
            return;
        };
        // small input slices bound the output of one step (deflate expands at most ~1032x)
        for piece in chunk.chunks(gzip::INPUT_SLICE_BYTES) {
            match g.inflate(piece) {
                Ok(out) => self.frame(f, &out),
                Err(e) => {
                    let out = std::mem::take(g.output());
                    self.frame(f, &out);
                    let state = &mut self.sources[f.ix()];
                    state.decided_compression = true;
                    state.open = false;
                    let message = match e {
                        gzip::GunzipError::Bomb { read, inflated } => format!(
                            "gzip data inflates more than {}:1 ({read} bytes became {inflated} so far): refused as a likely decompression bomb; what was read before it is kept",
                            gzip::MAX_RATIO
                        ),
                        gzip::GunzipError::Corrupt(e) => {
                            format!("gzip data is corrupt ({e}); the rest of the file was skipped")
                        }
                    };
                    self.builder.diagnose(
                        Severity::Error,
                        DiagnosticKind::BadCompression,
                        f,
                        None,
                        message,
                    );
                    return;
                }
            }
        }
        self.sources[f.ix()].gunzip = Some(g);
    }

    fn frame(&mut self, f: FileIdx, bytes: &[u8]) {
        self.with_records(f, |framer, ctx| ctx.feed(framer, bytes));
    }

    /// Runs `go` with the source's framer and a record context over it.
    fn with_records(&mut self, f: FileIdx, go: impl FnOnce(&mut Framer, &mut RecordContext<'_>)) {
        let Session {
            builder, sources, ..
        } = self;
        let SourceState {
            framer,
            pending,
            scratch,
            ..
        } = &mut sources[f.ix()];
        go(
            framer,
            &mut RecordContext::new(builder, f, pending, scratch),
        );
    }

    /// Ends a source: flushes its last record and judges whether it was a trace at all.
    pub fn end_source(&mut self, f: FileIdx) {
        if !self.sources[f.ix()].decided_compression {
            self.sources[f.ix()].decided_compression = true;
            let first = std::mem::take(&mut self.sources[f.ix()].sniff);
            self.feed_decoded(f, &first);
        }
        if let Some(mut g) = self.sources[f.ix()].gunzip.take() {
            match g.finish() {
                Ok(out) => self.frame(f, &out),
                Err(e) => {
                    let out = std::mem::take(g.output());
                    self.frame(f, &out);
                    self.builder.diagnose(
                        Severity::Error,
                        DiagnosticKind::BadCompression,
                        f,
                        None,
                        format!(
                            "gzip stream is truncated or corrupt ({e}); kept what was readable"
                        ),
                    );
                }
            }
        }
        self.with_records(f, |framer, ctx| ctx.finish(framer));
        let state = &mut self.sources[f.ix()];
        dispatch::end_readers(&mut self.builder, f, &mut state.scratch);
        state.open = false;
        let pending = std::mem::take(&mut state.pending);
        pending.summarise(self.builder.source_mut(f));
        self.judge(f, pending);
    }

    /// Says what a source was when none of its records could be read (empty, or of no known
    /// shape; an HTML page or a binary file was said when its first bytes came), else reports
    /// the records of no known shape it held.
    fn judge(&mut self, f: FileIdx, pending: Pending) {
        if pending.is_refused() {
            return;
        }
        let tried = RecordKind::all_labels();
        let nothing_read = pending.recognised() == 0 && pending.unknown_count == 0;
        if let (true, false, Some(decoded)) =
            (nothing_read, self.builder.has_problems(f), pending.blank())
        {
            let message = if decoded == 0 {
                "empty file"
            } else {
                "empty file (only whitespace)"
            };
            let kind = DiagnosticKind::EmptySource;
            self.builder
                .diagnose(Severity::Error, kind, f, None, message.to_string());
            return;
        }
        let message = if pending.recognised() == 0 && pending.unknown_count > 0 {
            let first = pending
                .unknown
                .first()
                .map(|(_, m)| m.clone())
                .unwrap_or_default();
            format!("not a trace this version can read ({first}); tried: {tried}")
        } else if pending.recognised() == 0 {
            // nothing parsed as JSON at all (plain text): say what it is not
            format!("no JSON trace records in this file; tried: {tried}")
        } else {
            for (line, message) in pending.unknown {
                self.builder.diagnose(
                    Severity::Error,
                    DiagnosticKind::UnknownRecord,
                    f,
                    Some(line),
                    message,
                );
            }
            return;
        };
        self.builder.diagnose(
            Severity::Error,
            DiagnosticKind::UnknownFormat,
            f,
            None,
            message,
        );
    }

    /// Records a problem with a source that could not be read at all (e.g. a failed fetch).
    pub fn source_failed(&mut self, name: &str, kind: DiagnosticKind, message: String) {
        self.builder
            .diagnose_named(Severity::Error, kind, name.to_string(), None, message);
    }

    /// Links, repairs and returns the trace.
    pub fn finish(mut self) -> Trace {
        for i in 0..self.sources.len() {
            if self.sources[i].open {
                self.end_source(FileIdx(i as u32));
            }
        }
        self.builder.finish()
    }
}

/// Ingests whole in-memory sources (tests, the CLI): `(name, bytes)` pairs, in order.
pub fn ingest_sources<'a>(sources: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Trace {
    let mut s = Session::new();
    for (name, bytes) in sources {
        let f = s.begin_source(name);
        s.feed(f, bytes);
        s.end_source(f);
    }
    s.finish()
}
