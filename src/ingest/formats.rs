//! The formats this build reads, as one table: each `RecordKind` names its reader (label,
//! detection rule, read function, optional salvage of a broken record, optional end of source),
//! and `SourceScratch` holds what readers keep between the records of one source (pflow's open
//! run). The dispatcher (`ingest::Session`) only walks this table and keeps one scratch per
//! source without looking inside, so adding a format is one reader file, one variant here and
//! one arm in `RecordKind::reader`. Invariant: `RecordKind::ALL` is the order formats are
//! detected in (the first whose rule matches wins) and listed to users.

use super::detect::Keys;
use super::toolkit::RecordCx;
use super::{
    chrome, flowmesh_rows, gcp_trace, jaeger, json_log, langfuse, mlflow, otel_sdk, otlp, pflow,
    zipkin,
};

/// How one format is recognised and read.
pub struct Reader {
    /// Label shown to users (format badge, diagnostics), e.g. `OTLP/JSON`.
    pub label: &'static str,
    /// True when a JSON object with these top-level keys is a record of this format
    /// (FORMATS.md §2).
    pub detect: fn(&Keys) -> bool,
    /// Reads one record into the builder. `Ok` also when the reader skipped or repaired parts
    /// of it (each reported); `Err` is serde's error, which the dispatcher classifies (not JSON,
    /// or JSON of another shape).
    pub read: fn(&mut RecordCx<'_>, &[u8]) -> Result<(), serde_json::Error>,
    /// Reads what it can of a record that is not valid JSON (a cut-off Chrome event array);
    /// false when the bytes are not this format's.
    pub salvage: Option<fn(&mut RecordCx<'_>, &[u8]) -> bool>,
    /// Adds what the source's scratch still holds (records begun but not finished) when the
    /// source ends, and into a snapshot, where it runs on copies of the builder and the scratch.
    /// `RecordCx::line` is 0 there: the reader says which line each thing it adds came from.
    pub end: Option<fn(&mut RecordCx<'_>)>,
}

/// What the readers keep between the records of one source, one field per reader that needs
/// it; the dispatcher holds one per source and never looks inside.
#[derive(Debug, Clone, Default)]
pub struct SourceScratch {
    /// pflow: the run being read (its blobs, nodes started and not finished).
    pub pflow: pflow::RunState,
}

impl Reader {
    /// A reader with no salvage.
    pub const fn new(
        label: &'static str,
        detect: fn(&Keys) -> bool,
        read: fn(&mut RecordCx<'_>, &[u8]) -> Result<(), serde_json::Error>,
    ) -> Reader {
        Reader {
            label,
            detect,
            read,
            salvage: None,
            end: None,
        }
    }
}

/// What a JSON record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// OTel Python SDK `ReadableSpan.to_json()` (FlowMesh `spans.jsonl`).
    OtelSdkSpan,
    /// OTLP/JSON `ExportTraceServiceRequest`.
    Otlp,
    /// Chrome Trace Event Format.
    Chrome,
    /// MLflow `Trace.to_json()`.
    Mlflow,
    /// Langfuse trace export.
    LangfuseExport,
    /// Jaeger JSON.
    Jaeger,
    /// Google Cloud Trace v1.
    GcpTrace,
    /// Zipkin v2.
    Zipkin,
    /// FlowMesh `lineage.jsonl` row.
    FlowMeshLineage,
    /// FlowMesh `assets.jsonl` row.
    FlowMeshAsset,
    /// A pflow workflow-run trace: its JSON Lines (`meta` line with `pflow_trace`, then one line
    /// per node) or the older single object (`format_version` + `execution_id` + `nodes`).
    Pflow,
    /// A JSON log line with trace/span ids.
    LogLine,
}

impl RecordKind {
    /// Every format, in detection (and listing) order.
    pub const ALL: [RecordKind; 12] = [
        RecordKind::OtelSdkSpan,
        RecordKind::Otlp,
        RecordKind::Chrome,
        RecordKind::Mlflow,
        RecordKind::LangfuseExport,
        RecordKind::Jaeger,
        RecordKind::GcpTrace,
        RecordKind::Zipkin,
        RecordKind::FlowMeshLineage,
        RecordKind::FlowMeshAsset,
        RecordKind::Pflow,
        RecordKind::LogLine,
    ];

    /// The reader of this format.
    pub fn reader(self) -> &'static Reader {
        match self {
            RecordKind::OtelSdkSpan => &otel_sdk::READER,
            RecordKind::Otlp => &otlp::READER,
            RecordKind::Chrome => &chrome::READER,
            RecordKind::Mlflow => &mlflow::READER,
            RecordKind::LangfuseExport => &langfuse::READER,
            RecordKind::Jaeger => &jaeger::READER,
            RecordKind::GcpTrace => &gcp_trace::READER,
            RecordKind::Zipkin => &zipkin::READER,
            RecordKind::FlowMeshLineage => &flowmesh_rows::LINEAGE_READER,
            RecordKind::FlowMeshAsset => &flowmesh_rows::ASSET_READER,
            RecordKind::Pflow => &pflow::READER,
            RecordKind::LogLine => &json_log::READER,
        }
    }

    /// Label shown to users (format badge, diagnostics).
    pub fn label(self) -> &'static str {
        self.reader().label
    }

    /// The labels of every format, for "not a trace" messages.
    pub fn all_labels() -> String {
        RecordKind::ALL
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_its_own_label() {
        let labels: std::collections::BTreeSet<_> =
            RecordKind::ALL.iter().map(|k| k.label()).collect();
        assert_eq!(labels.len(), RecordKind::ALL.len());
        assert!(RecordKind::all_labels().starts_with("OTel SDK spans, "));
    }
}
