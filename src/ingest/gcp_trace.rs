//! Google Cloud Trace v1 (FORMATS.md §12): `{projectId, traceId, spans: [...]}` with decimal
//! uint64 span ids (printed as 16-hex like every other id), RFC 3339 ns times, `RPC_CLIENT` /
//! `RPC_SERVER` kinds and string labels; the service is the project id; a span without an end
//! is an instant (reported).

use super::detect::Keys;
use super::formats::Reader;
use super::toolkit::{json_text, RecordCx, TimeField};
use crate::model::{AttrValue, DiagnosticKind, SpanId, SpanKind, TraceId};
use serde::Deserialize;
use serde_json::{Map, Value};

/// The Cloud Trace v1 reader: documents with `projectId`, `traceId` and `spans`.
pub const READER: Reader = Reader::new(
    "Google Cloud Trace",
    |k: &Keys| k.has_all(&["projectId", "traceId", "spans"]),
    read_trace,
);

#[derive(Deserialize)]
struct Document {
    #[serde(rename = "projectId", default)]
    project_id: Option<String>,
    #[serde(rename = "traceId")]
    trace_id: String,
    #[serde(default)]
    spans: Vec<GSpan>,
}

#[derive(Deserialize)]
struct GSpan {
    #[serde(rename = "spanId", default)]
    span_id: Option<Value>,
    #[serde(rename = "parentSpanId", default)]
    parent_span_id: Option<Value>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(rename = "startTime", default)]
    start: Option<String>,
    #[serde(rename = "endTime", default)]
    end: Option<String>,
    #[serde(default)]
    labels: Map<String, Value>,
}

/// A decimal uint64 id, written as a string or a number; zero is no id.
fn decimal_id(v: &Value) -> Option<SpanId> {
    let n = match v {
        Value::String(s) => s.trim().parse::<u64>().ok()?,
        Value::Number(n) => n.as_u64()?,
        _ => return None,
    };
    (n != 0).then_some(SpanId(n))
}

/// Reads one Cloud Trace v1 document.
fn read_trace(cx: &mut RecordCx<'_>, bytes: &[u8]) -> Result<(), serde_json::Error> {
    let doc: Document = serde_json::from_slice(bytes)?;
    let trace_id = TraceId::from_external(&doc.trace_id)
        .ok_or_else(|| serde::de::Error::custom("Cloud Trace document without traceId"))?;
    let project = doc.project_id.as_deref().unwrap_or("cloud trace");
    let resource = cx.b.service_resource("gcp", project);
    for s in &doc.spans {
        let id = s.span_id.as_ref().and_then(decimal_id);
        let (Some(span_id), Some(_)) = (id, &s.start) else {
            let m = "Cloud Trace span without a decimal spanId or a startTime; skipped".into();
            cx.skip(DiagnosticKind::MissingField, m);
            continue;
        };
        let what = format!("Cloud Trace span {span_id}: startTime");
        let Some(start) = cx.required_time(TimeField::from_iso(s.start.as_deref()), &what) else {
            continue;
        };
        let end = TimeField::from_iso(s.end.as_deref());
        let Some(end) = cx.end_time(end, span_id, start, "no endTime") else {
            continue;
        };
        let parent_text = s.parent_span_id.as_ref().map(json_text);
        let parent = cx.parent_id(
            parent_text.as_deref(),
            |p| p.parse::<u64>().ok().map(SpanId),
            span_id,
            "parentSpanId",
        );
        let name = cx.span_name(s.name.as_deref(), span_id);
        let mut d = cx.draft((trace_id, span_id), name, (start, end));
        d.parent_span_id = parent;
        d.resource = resource;
        d.kind = match s.kind.as_deref() {
            Some("RPC_CLIENT") => SpanKind::Client,
            Some("RPC_SERVER") => SpanKind::Server,
            _ => SpanKind::Unspecified,
        };
        let b = &mut *cx.b;
        let a0 = b.attr_mark();
        for (k, v) in &s.labels {
            let key = b.intern(k);
            let value = b.intern(&json_text(v));
            b.push_attr(key, AttrValue::Str(value));
        }
        d.attributes = a0..b.attr_mark();
        cx.add(d);
    }
    Ok(())
}
