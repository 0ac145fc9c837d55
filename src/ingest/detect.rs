//! Record detection by content (FORMATS.md §2): the set of top-level keys of a JSON record
//! decides its kind; file names are never consulted for records. Invariant: the probe reads
//! keys only and skips values without building them.

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use std::fmt;

/// What a JSON record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// OTel Python SDK `ReadableSpan.to_json()` (FlowMesh `spans.jsonl`).
    OtelSdkSpan,
    /// FlowMesh `lineage.jsonl` row.
    FlowMeshLineage,
    /// FlowMesh `assets.jsonl` row.
    FlowMeshAsset,
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
    /// Zipkin v2.
    Zipkin,
    /// Google Cloud Trace v1.
    GcpTrace,
    /// A JSON log line with trace/span ids.
    LogLine,
    /// A pflow workflow-run trace: its JSON Lines (`meta` line with `pflow_trace`, then one line
    /// per node) or the older single object (`format_version` + `execution_id` + `nodes`).
    Pflow,
}

impl RecordKind {
    /// Label shown to users (format badge, diagnostics).
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::OtelSdkSpan => "OTel SDK spans",
            RecordKind::FlowMeshLineage => "FlowMesh lineage",
            RecordKind::FlowMeshAsset => "FlowMesh assets",
            RecordKind::Otlp => "OTLP/JSON",
            RecordKind::Chrome => "Chrome trace",
            RecordKind::Mlflow => "MLflow trace",
            RecordKind::LangfuseExport => "Langfuse export",
            RecordKind::Jaeger => "Jaeger JSON",
            RecordKind::Zipkin => "Zipkin v2",
            RecordKind::GcpTrace => "Google Cloud Trace",
            RecordKind::LogLine => "JSON log",
            RecordKind::Pflow => "pflow trace",
        }
    }
}

/// Formats this build reads, listed in "not a trace" messages.
pub const SUPPORTED: &[RecordKind] = &[
    RecordKind::OtelSdkSpan,
    RecordKind::FlowMeshLineage,
    RecordKind::FlowMeshAsset,
    RecordKind::Jaeger,
    RecordKind::Otlp,
    RecordKind::Zipkin,
    RecordKind::Chrome,
    RecordKind::Mlflow,
    RecordKind::LangfuseExport,
    RecordKind::LogLine,
    RecordKind::GcpTrace,
    RecordKind::Pflow,
];

/// Result of probing one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// A JSON object of a known kind.
    Kind(RecordKind),
    /// A JSON array whose kind is decided by its elements (not probed here).
    Array,
    /// Valid JSON of no known shape.
    Unknown,
}

#[derive(Default)]
struct Keys(u32);

const K_CONTEXT: u32 = 1;
const K_START_TIME: u32 = 1 << 1;
const K_DATA_ID: u32 = 1 << 2;
const K_SOURCE_DATA_ID: u32 = 1 << 3;
const K_ASSET_GUID: u32 = 1 << 4;
const K_RESOURCE_SPANS: u32 = 1 << 5;
const K_TRACE_EVENTS: u32 = 1 << 6;
const K_PH: u32 = 1 << 7;
const K_INFO: u32 = 1 << 8;
const K_DATA: u32 = 1 << 9;
const K_TRACE: u32 = 1 << 10;
const K_OBSERVATIONS: u32 = 1 << 11;
const K_TRACE_ID_UPPER: u32 = 1 << 12;
const K_SPAN_ID_UPPER: u32 = 1 << 13;
const K_SPANS: u32 = 1 << 14;
const K_PROJECT_ID: u32 = 1 << 15;
const K_TRACE_ID_CAMEL: u32 = 1 << 16;
const K_ID: u32 = 1 << 17;
const K_EVENT: u32 = 1 << 18;
const K_TRACE_ID_SNAKE: u32 = 1 << 19;
const K_TIMESTAMP: u32 = 1 << 20;
const K_MSG: u32 = 1 << 21;
const K_MESSAGE: u32 = 1 << 22;
const K_TIME: u32 = 1 << 23;
const K_TS: u32 = 1 << 24;
const K_SPAN_ID_SNAKE: u32 = 1 << 25;
const K_KIND: u32 = 1 << 26;
const K_PFLOW_TRACE: u32 = 1 << 27;
const K_FORMAT_VERSION: u32 = 1 << 28;
const K_EXECUTION_ID: u32 = 1 << 29;
const K_NODES: u32 = 1 << 30;

fn key_bit(key: &str) -> u32 {
    match key {
        "context" => K_CONTEXT,
        "start_time" => K_START_TIME,
        "data_id" => K_DATA_ID,
        "source_data_id" => K_SOURCE_DATA_ID,
        "asset_guid" => K_ASSET_GUID,
        "resourceSpans" => K_RESOURCE_SPANS,
        "traceEvents" => K_TRACE_EVENTS,
        "ph" => K_PH,
        "info" => K_INFO,
        "data" => K_DATA,
        "trace" => K_TRACE,
        "observations" => K_OBSERVATIONS,
        "traceID" => K_TRACE_ID_UPPER,
        "spanID" => K_SPAN_ID_UPPER,
        "spans" => K_SPANS,
        "projectId" => K_PROJECT_ID,
        "traceId" => K_TRACE_ID_CAMEL,
        "id" => K_ID,
        "event" => K_EVENT,
        "trace_id" => K_TRACE_ID_SNAKE,
        "timestamp" => K_TIMESTAMP,
        "msg" => K_MSG,
        "message" => K_MESSAGE,
        "time" => K_TIME,
        "ts" => K_TS,
        "span_id" => K_SPAN_ID_SNAKE,
        "kind" => K_KIND,
        "pflow_trace" => K_PFLOW_TRACE,
        "format_version" => K_FORMAT_VERSION,
        "execution_id" => K_EXECUTION_ID,
        "nodes" => K_NODES,
        _ => 0,
    }
}

enum Shape {
    Object(Keys),
    Array,
    Other,
}

struct ShapeVisitor;

impl<'de> Visitor<'de> for ShapeVisitor {
    type Value = Shape;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut keys = Keys::default();
        while let Some(k) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            keys.0 |= key_bit(&k);
            map.next_value::<IgnoredAny>()?;
        }
        Ok(Shape::Object(keys))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Shape::Array)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_unit<E>(self) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
}

impl<'de> serde::Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Shape, D::Error> {
        d.deserialize_any(ShapeVisitor)
    }
}

/// True when a record is a JSON array (its first non-space byte is `[`).
pub fn is_array(bytes: &[u8]) -> bool {
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

/// Classifies one JSON record by its keys (first matching rule wins, FORMATS.md §2).
pub fn probe(bytes: &[u8]) -> Result<Probe, serde_json::Error> {
    let shape: Shape = serde_json::from_slice(bytes)?;
    let keys = match shape {
        Shape::Object(k) => k.0,
        Shape::Array => return Ok(Probe::Array),
        Shape::Other => return Ok(Probe::Unknown),
    };
    let has = |bits: u32| keys & bits == bits;
    let kind = if has(K_RESOURCE_SPANS) {
        RecordKind::Otlp
    } else if has(K_TRACE_EVENTS) || has(K_PH) {
        RecordKind::Chrome
    } else if has(K_CONTEXT | K_START_TIME) {
        RecordKind::OtelSdkSpan
    } else if has(K_INFO | K_DATA) {
        RecordKind::Mlflow
    } else if has(K_TRACE | K_OBSERVATIONS) {
        RecordKind::LangfuseExport
    } else if has(K_DATA)
        || has(K_TRACE_ID_UPPER | K_SPANS)
        || has(K_TRACE_ID_UPPER | K_SPAN_ID_UPPER)
    {
        RecordKind::Jaeger
    } else if has(K_PROJECT_ID | K_TRACE_ID_CAMEL | K_SPANS) {
        RecordKind::GcpTrace
    } else if has(K_TRACE_ID_CAMEL | K_ID) {
        RecordKind::Zipkin
    } else if has(K_DATA_ID | K_SOURCE_DATA_ID) {
        RecordKind::FlowMeshLineage
    } else if has(K_DATA_ID | K_ASSET_GUID) {
        RecordKind::FlowMeshAsset
    } else if has(K_KIND | K_PFLOW_TRACE)
        || (has(K_FORMAT_VERSION | K_EXECUTION_ID | K_NODES) && !has(K_KIND))
    {
        // the meta line of a pflow run (its `kind` is "meta"), or an older one-object trace
        RecordKind::Pflow
    } else if (keys & (K_EVENT | K_MSG | K_MESSAGE)) != 0
        && (keys & (K_TIMESTAMP | K_TIME | K_TS | K_TRACE_ID_SNAKE | K_SPAN_ID_SNAKE)) != 0
    {
        RecordKind::LogLine
    } else {
        return Ok(Probe::Unknown);
    };
    Ok(Probe::Kind(kind))
}

/// The kind of a JSON array record, decided by its first element (FORMATS.md §2).
pub fn probe_array(bytes: &[u8]) -> Option<RecordKind> {
    let items: Vec<&serde_json::value::RawValue> = serde_json::from_slice(bytes).ok()?;
    match probe(items.first()?.get().as_bytes()).ok()? {
        Probe::Kind(k) => Some(k),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_decide_the_kind() {
        let cases: [(&str, Probe); 9] = [
            (
                r#"{"name": "x", "context": {"span_id": "0x1"}, "start_time": "t"}"#,
                Probe::Kind(RecordKind::OtelSdkSpan),
            ),
            (
                r#"{"data_id": "a", "source_data_id": "b", "created_at": "t"}"#,
                Probe::Kind(RecordKind::FlowMeshLineage),
            ),
            (
                r#"{"data_id": "a", "asset_guid": "g", "version": 1}"#,
                Probe::Kind(RecordKind::FlowMeshAsset),
            ),
            (
                r#"{"metadata": {}, "traceEvents": []}"#,
                Probe::Kind(RecordKind::Chrome),
            ),
            (r#"{"resourceSpans": []}"#, Probe::Kind(RecordKind::Otlp)),
            (
                r#"{"kind": "meta", "pflow_trace": "jsonl/1", "format_version": "2.8.0"}"#,
                Probe::Kind(RecordKind::Pflow),
            ),
            (
                r#"{"format_version": "2.0.0", "execution_id": "e", "nodes": []}"#,
                Probe::Kind(RecordKind::Pflow),
            ),
            (r#"[1, 2]"#, Probe::Array),
            (r#"{"hello": "world"}"#, Probe::Unknown),
        ];
        for (text, want) in cases {
            assert_eq!(probe(text.as_bytes()).unwrap(), want, "{text}");
        }
    }

    #[test]
    fn broken_json_is_an_error() {
        assert!(probe(b"{\"a\": ").is_err());
    }
}
