//! Google Cloud Trace v1 (FORMATS.md §12): `{projectId, traceId, spans: [...]}` with decimal
//! uint64 span ids (printed as 16-hex like every other id), RFC 3339 ns times, `RPC_CLIENT` /
//! `RPC_SERVER` kinds and string labels; the service is the project id.

use super::builder::{SpanDraft, TraceBuilder};
use crate::model::{
    time::parse_iso8601, AttrValue, DiagnosticKind, FileIdx, Severity, SpanId, SpanKind, TraceId,
};
use serde_json::Value;

fn decimal_id(v: Option<&Value>) -> Option<SpanId> {
    let n = match v? {
        Value::String(s) => s.trim().parse::<u64>().ok()?,
        Value::Number(n) => n.as_u64()?,
        _ => return None,
    };
    (n != 0).then_some(SpanId(n))
}

/// Reads one Cloud Trace v1 document.
pub fn read_trace(
    b: &mut TraceBuilder,
    source: FileIdx,
    line: u32,
    bytes: &[u8],
) -> Result<(), serde_json::Error> {
    let doc: Value = serde_json::from_slice(bytes)?;
    let trace_id = doc
        .get("traceId")
        .and_then(Value::as_str)
        .and_then(TraceId::from_external)
        .ok_or_else(|| serde::de::Error::custom("Cloud Trace document without traceId"))?;
    let project = doc
        .get("projectId")
        .and_then(Value::as_str)
        .unwrap_or("cloud trace")
        .to_string();
    let resource = b.service_resource("gcp", &project);
    for s in doc
        .get("spans")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let id = decimal_id(s.get("spanId"));
        let start = s
            .get("startTime")
            .and_then(Value::as_str)
            .and_then(parse_iso8601);
        let (Some(span_id), Some(start)) = (id, start) else {
            b.diagnose(
                Severity::Error,
                DiagnosticKind::MissingField,
                source,
                Some(line),
                "Cloud Trace span without a decimal spanId or a startTime; skipped".into(),
            );
            continue;
        };
        let end = s
            .get("endTime")
            .and_then(Value::as_str)
            .and_then(parse_iso8601)
            .unwrap_or(start);
        let parent = decimal_id(s.get("parentSpanId")).unwrap_or(SpanId(0));
        let kind = match s.get("kind").and_then(Value::as_str) {
            Some("RPC_CLIENT") => SpanKind::Client,
            Some("RPC_SERVER") => SpanKind::Server,
            _ => SpanKind::Unspecified,
        };
        let name = b.intern(s.get("name").and_then(Value::as_str).unwrap_or("(unnamed)"));
        let a0 = b.attr_mark();
        if let Some(Value::Object(labels)) = s.get("labels") {
            for (k, v) in labels {
                let key = b.intern(k);
                let value = b.intern(
                    v.as_str()
                        .map_or_else(|| v.to_string(), str::to_string)
                        .as_str(),
                );
                b.push_attr(key, AttrValue::Str(value));
            }
        }
        let attributes = a0..b.attr_mark();
        let draft = SpanDraft::new(b, (trace_id, span_id), name, (start, end), (source, line));
        b.add_span(SpanDraft {
            parent_span_id: parent,
            kind,
            attributes,
            resource,
            ..draft
        });
    }
    Ok(())
}
