//! The plain records a trace holds besides spans: resources, FlowMesh lineage edges and asset
//! rows, JSON log lines, and the sources read. Data only; the `Trace` owns and indexes them.

use super::attr::Attribute;
use super::ids::{FileIdx, SpanId, SpanIdx, StrIdx, TraceId};
use super::time::TimestampNs;

/// A deduplicated OTel resource (one per distinct resource text).
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// `service.name`, or 0 when absent.
    pub service_name: StrIdx,
    /// All resource attributes, in file order.
    pub attributes: Vec<Attribute>,
}

/// A FlowMesh lineage edge: `source_data_id -> data_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineageEdge {
    /// Downstream data id.
    pub data_id: String,
    /// Upstream data id.
    pub source_data_id: String,
    /// `created_at` as written (kept verbatim for FlowMesh-compatible output).
    pub created_at: String,
}

/// A FlowMesh asset row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRow {
    /// Data id the asset version was produced from.
    pub data_id: String,
    /// Asset group id.
    pub asset_guid: String,
    /// Version number within the group.
    pub version: i64,
    /// Owner.
    pub user_id: String,
    /// `created_at` as written.
    pub created_at: String,
}

/// A JSON log line, joined to its span when it names one that is loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// When it was written.
    pub time: TimestampNs,
    /// Level as written (`info`, `error`, ...), 0 when absent.
    pub level: StrIdx,
    /// The message (`event`, `msg` or `message`).
    pub message: StrIdx,
    /// Trace id it names, if any.
    pub trace_id: Option<TraceId>,
    /// Span id it names, if any.
    pub span_id: Option<SpanId>,
    /// The loaded span it belongs to.
    pub span: Option<SpanIdx>,
    /// Its other fields, a range into `Trace::attributes`.
    pub attributes: std::ops::Range<u32>,
    /// Source and line.
    pub source: FileIdx,
    /// 1-based line.
    pub line: u32,
}

/// A file or URL that was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// File name or URL.
    pub name: String,
    /// Bytes read (before decompression).
    pub bytes: u64,
    /// Records (rows or documents) read from it.
    pub records: u32,
    /// Detected format label, e.g. `OTel SDK JSONL`.
    pub format: String,
    /// What its timestamps are measured against.
    pub clock: Clock,
    /// Whether it says its run has ended.
    pub completion: Completion,
}

impl Source {
    /// True when the source says its run has ended (follow mode stops polling it).
    pub fn is_complete(&self) -> bool {
        self.completion == Completion::Complete
    }
}

/// What a source's timestamps are measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// UTC (epoch times, or text with an offset): the usual case.
    #[default]
    Utc,
    /// Naive local wall-clock time without an offset (pflow's `datetime.now().isoformat()`):
    /// stored as if it were UTC so arithmetic works; show it as written, with no zone.
    NaiveLocal,
}

/// Whether a source says that the run it records has ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Completion {
    /// The format has no such marker (OTel JSONL, Jaeger, ...).
    #[default]
    Unstated,
    /// It says the run is still going (pflow without `run.complete`, MLflow `IN_PROGRESS`).
    Incomplete,
    /// It says the run ended (pflow `run.complete`, MLflow state `OK` / `ERROR`).
    Complete,
}
