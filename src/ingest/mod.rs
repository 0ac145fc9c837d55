//! Bytes -> `Trace`. A `Session` takes any number of sources, each fed in chunks of any size
//! (gzip is detected by its magic bytes and inflated on the fly), frames them into records,
//! detects each record's kind by its keys and hands it to that format's reader. Invariant:
//! the result depends only on the bytes, never on chunk boundaries; bad input becomes
//! diagnostics, never a panic.

pub mod builder;
pub mod chrome;
pub mod detect;
pub mod fingerprint;
pub mod flowmesh_rows;
pub mod follow;
pub mod framing;
pub mod gcp_trace;
pub mod gzip;
pub mod jaeger;
pub mod json_log;
pub mod json_value;
pub mod langfuse;
pub mod mlflow;
pub mod mlflow_server;
pub mod otel_sdk;
pub mod otlp;
pub mod pflow;
pub mod pflow_legacy;
mod pflow_nodes;
mod pflow_run;
mod snapshot;
pub mod zipkin;

use crate::model::{DiagnosticKind, FileIdx, Severity, Trace};
use builder::TraceBuilder;
use detect::{probe, Probe, RecordKind, SUPPORTED};
use framing::{Framed, Framer};
use gzip::Gunzip;
use rustc_hash::FxHashMap;

/// Most "unknown record" lines remembered per source before it is judged as a whole.
const MAX_PENDING_UNKNOWN: usize = 20;

#[derive(Default)]
struct SourceState {
    sniff: Vec<u8>,
    gunzip: Option<Gunzip>,
    decided_compression: bool,
    framer: Framer,
    sticky: Option<RecordKind>,
    kinds: FxHashMap<RecordKind, u32>,
    unknown: Vec<(u32, String)>,
    unknown_count: u32,
    open: bool,
    /// What a pflow source has said so far (it ends runs and running nodes at `end_source`).
    pflow: pflow::RunState,
}

/// An ingest in progress.
pub struct Session {
    builder: TraceBuilder,
    sources: Vec<SourceState>,
}

impl Default for Session {
    fn default() -> Self {
        let mut builder = TraceBuilder::default();
        otel_sdk::ensure_empty_resource(&mut builder);
        Session {
            builder,
            sources: Vec::new(),
        }
    }
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

    /// Feeds the next chunk of a source.
    pub fn feed(&mut self, f: FileIdx, chunk: &[u8]) {
        self.builder.source_mut(f).bytes += chunk.len() as u64;
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
        let Session { builder, sources } = self;
        let state = &mut sources[f.ix()];
        let SourceState {
            framer,
            sticky,
            kinds,
            unknown,
            unknown_count,
            pflow,
            ..
        } = state;
        let mut ctx = RecordContext {
            builder,
            f,
            sticky,
            kinds,
            unknown,
            unknown_count,
            pflow,
        };
        framer.feed(bytes, &mut |item| ctx.handle(item));
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
        {
            let Session { builder, sources } = self;
            let state = &mut sources[f.ix()];
            let SourceState {
                framer,
                sticky,
                kinds,
                unknown,
                unknown_count,
                pflow,
                ..
            } = state;
            let mut ctx = RecordContext {
                builder,
                f,
                sticky,
                kinds,
                unknown,
                unknown_count,
                pflow,
            };
            framer.finish(&mut |item| ctx.handle(item));
            pflow::flush(builder, &state.pflow);
        }
        let state = &mut self.sources[f.ix()];
        state.open = false;
        let pending = std::mem::take(&mut state.unknown);
        let unknown_count = state.unknown_count;
        let recognised = snapshot::summarise(&mut self.builder, f, &self.sources[f.ix()]);
        if recognised == 0 && unknown_count > 0 {
            let tried = SUPPORTED
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", ");
            let first = pending.first().map(|(_, m)| m.clone()).unwrap_or_default();
            self.builder.diagnose(
                Severity::Error,
                DiagnosticKind::UnknownFormat,
                f,
                None,
                format!("not a trace this version can read ({first}); tried: {tried}"),
            );
        } else if recognised == 0 && unknown_count == 0 && self.builder.has_problems(f) {
            // nothing parsed as JSON at all (plain text, a binary file): say what it is not
            let tried = SUPPORTED
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", ");
            self.builder.diagnose(
                Severity::Error,
                DiagnosticKind::UnknownFormat,
                f,
                None,
                format!("no JSON trace records in this file; tried: {tried}"),
            );
        } else {
            for (line, message) in pending {
                self.builder.diagnose(
                    Severity::Error,
                    DiagnosticKind::UnknownRecord,
                    f,
                    Some(line),
                    message,
                );
            }
        }
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

struct RecordContext<'a> {
    builder: &'a mut TraceBuilder,
    f: FileIdx,
    sticky: &'a mut Option<RecordKind>,
    kinds: &'a mut FxHashMap<RecordKind, u32>,
    unknown: &'a mut Vec<(u32, String)>,
    unknown_count: &'a mut u32,
    pflow: &'a mut pflow::RunState,
}

fn is_syntax(e: &serde_json::Error) -> bool {
    !matches!(e.classify(), serde_json::error::Category::Data)
}

impl RecordContext<'_> {
    fn handle(&mut self, item: Framed<'_>) {
        match item {
            Framed::Record { line, bytes } => self.record(line, bytes, false),
            Framed::LastLine { line, bytes } => self.record(line, bytes, true),
            Framed::Truncated { line, bytes } => self.record(line, bytes, true),
            Framed::Stray { line } => self.builder.diagnose(
                Severity::Error,
                DiagnosticKind::InvalidJson,
                self.f,
                Some(line),
                "text outside any JSON value; skipped up to the next '{'".into(),
            ),
        }
    }

    fn record(&mut self, line: u32, bytes: &[u8], truncated: bool) {
        let mut sticky_error = None;
        if let Some(kind) = *self.sticky {
            match self.read(kind, line, bytes) {
                Ok(()) => return,
                Err(e) if is_syntax(&e) => return self.invalid(line, bytes, &e, truncated),
                Err(e) => sticky_error = Some((kind, e)), // maybe another shape: probe below
            }
        }
        let probed = probe(bytes);
        if probed.is_err() && detect::is_array(bytes) {
            let events = chrome::salvage_array(bytes);
            let is_chrome = events.first().and_then(|e| e.get("ph")).is_some();
            if is_chrome {
                let n = events.len();
                let message = format!("the event array is cut off (allowed by the Trace Event Format); read the {n} complete events");
                self.builder.diagnose(
                    Severity::Repaired,
                    DiagnosticKind::Truncated,
                    self.f,
                    Some(line),
                    message,
                );
                if chrome::read_events(self.builder, self.f, line, serde_json::Value::Array(events))
                    .is_ok()
                {
                    *self.kinds.entry(RecordKind::Chrome).or_insert(0) += 1;
                }
                return;
            }
        }
        if let (Some((kind, e)), Ok(Probe::Unknown | Probe::Array)) = (&sticky_error, &probed) {
            // a row of this file's kind that lacks a distinguishing field
            let message = format!("{} row: {}; row skipped", kind.label(), strip_position(e));
            return self.builder.diagnose(
                Severity::Error,
                DiagnosticKind::MissingField,
                self.f,
                Some(line),
                message,
            );
        }
        let kind = match probed {
            Err(e) => return self.invalid(line, bytes, &e, truncated),
            Ok(Probe::Kind(k)) if SUPPORTED.contains(&k) => k,
            Ok(Probe::Kind(k)) => {
                return self.unknown(
                    line,
                    format!("line {line} looks like {} (not supported yet)", k.label()),
                )
            }
            Ok(Probe::Array) => match detect::probe_array(bytes) {
                Some(k) if SUPPORTED.contains(&k) => k,
                _ => {
                    return self.unknown(
                        line,
                        format!("line {line} is a JSON array of no supported format"),
                    )
                }
            },
            Ok(Probe::Unknown) => {
                return self.unknown(line, format!("line {line} is JSON of no known trace shape"))
            }
        };
        *self.sticky = Some(kind);
        if let Err(e) = self.read(kind, line, bytes) {
            let what = if is_syntax(&e) {
                DiagnosticKind::InvalidJson
            } else {
                DiagnosticKind::MissingField
            };
            self.builder.diagnose(
                Severity::Error,
                what,
                self.f,
                Some(line),
                format!("{} row: {}; row skipped", kind.label(), strip_position(&e)),
            );
        }
    }

    /// Reads a record as `kind`; `Ok` also when the reader diagnosed and skipped it.
    fn read(&mut self, kind: RecordKind, line: u32, bytes: &[u8]) -> Result<(), serde_json::Error> {
        let r = match kind {
            RecordKind::OtelSdkSpan => match otel_sdk::read_span(self.builder, self.f, line, bytes)
            {
                Ok(()) | Err(otel_sdk::RowError::Rejected) => Ok(()),
                Err(otel_sdk::RowError::Serde(e)) => Err(e),
            },
            RecordKind::FlowMeshLineage => {
                flowmesh_rows::read_lineage(self.builder, self.f, line, bytes)
            }
            RecordKind::FlowMeshAsset => {
                flowmesh_rows::read_asset(self.builder, self.f, line, bytes)
            }
            RecordKind::Jaeger => jaeger::read_record(self.builder, self.f, line, bytes),
            RecordKind::Otlp => otlp::read_request(self.builder, self.f, line, bytes),
            RecordKind::Zipkin => zipkin::read_record(self.builder, self.f, line, bytes),
            RecordKind::Chrome => chrome::read_record(self.builder, self.f, line, bytes),
            RecordKind::Mlflow => mlflow::read_trace(self.builder, self.f, line, bytes),
            RecordKind::LangfuseExport => langfuse::read_export(self.builder, self.f, line, bytes),
            RecordKind::LogLine => json_log::read_line(self.builder, self.f, line, bytes),
            RecordKind::GcpTrace => gcp_trace::read_trace(self.builder, self.f, line, bytes),
            RecordKind::Pflow => pflow::read_record(self.builder, self.f, line, bytes, self.pflow),
        };
        if r.is_ok() {
            *self.kinds.entry(kind).or_insert(0) += 1;
        }
        r
    }

    fn invalid(&mut self, line: u32, bytes: &[u8], e: &serde_json::Error, truncated: bool) {
        let (kind, reason) = if truncated && e.classify() == serde_json::error::Category::Eof {
            (
                DiagnosticKind::Truncated,
                format!(
                    "the source ends inside this record ({}); skipped",
                    strip_position(e)
                ),
            )
        } else if e.classify() == serde_json::error::Category::Eof {
            (
                DiagnosticKind::InvalidJson,
                format!("record is cut off ({}); skipped", strip_position(e)),
            )
        } else if std::str::from_utf8(bytes).is_err() {
            (
                DiagnosticKind::InvalidJson,
                "not valid UTF-8; line skipped".to_string(),
            )
        } else {
            (
                DiagnosticKind::InvalidJson,
                format!("invalid JSON: {}; line skipped", e),
            )
        };
        self.builder
            .diagnose(Severity::Error, kind, self.f, Some(line), reason);
    }

    fn unknown(&mut self, line: u32, message: String) {
        *self.unknown_count += 1;
        if self.unknown.len() < MAX_PENDING_UNKNOWN {
            self.unknown.push((line, message));
        }
    }
}

/// serde's message without its " at line 1 column 5" suffix (we report our own line).
fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(p) => s[..p].to_string(),
        None => s,
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
