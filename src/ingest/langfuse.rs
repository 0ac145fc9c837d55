//! Langfuse trace exports (`{trace, observations}`; FORMATS.md §10.1). Rules: observations are
//! spans (ids hex; `parentObservationId` the parent); ISO millisecond times, a missing
//! `endTime` is an instant; `type` is the span type; `level: ERROR` is a failure with its
//! `statusMessage`; `input`/`output`/`metadata` are strings holding JSON and are decoded once;
//! usage, cost and model are kept as attributes (`usageDetails`, `costDetails`, `totalCost`,
//! `model`); the top-level `observations` are used (`trace.observations` repeats them); the
//! service is the trace name; the trace's user, session, tags, environment and release go on
//! its root observations under the keys the Langfuse SDK uses over OTLP.

use super::builder::{SpanDraft, TraceBuilder};
use super::json_value::value_attr;
use crate::model::{
    time::parse_iso8601, DiagnosticKind, FileIdx, Severity, SpanId, StatusCode, StrIdx, TraceId,
};
use serde_json::Value;

/// Observation fields kept as attributes, in this order.
const KEPT: [&str; 12] = [
    "model",
    "input",
    "output",
    "metadata",
    "usageDetails",
    "costDetails",
    "totalCost",
    "modelParameters",
    "toolCalls",
    "completionStartTime",
    "timeToFirstToken",
    "level",
];

/// Trace fields put on root observations: (export field, attribute key as the Langfuse SDK
/// writes it over OTLP).
const TRACE_FIELDS: [(&str, &str); 5] = [
    ("userId", "user.id"),
    ("sessionId", "session.id"),
    ("tags", "langfuse.trace.tags"),
    ("environment", "langfuse.environment"),
    ("release", "langfuse.release"),
];

/// Reads one Langfuse export document.
pub fn read_export(
    b: &mut TraceBuilder,
    source: FileIdx,
    line: u32,
    bytes: &[u8],
) -> Result<(), serde_json::Error> {
    let doc: Value = serde_json::from_slice(bytes)?;
    let trace = doc.get("trace").cloned().unwrap_or(Value::Null);
    let observations = doc
        .get("observations")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| serde::de::Error::custom("Langfuse export without observations"))?;
    let trace_name = trace
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("langfuse trace")
        .to_string();
    let resource = b.service_resource("langfuse", &trace_name);
    let trace_hint = trace
        .get("id")
        .and_then(Value::as_str)
        .and_then(TraceId::from_external);
    for o in &observations {
        let trace_id = o
            .get("traceId")
            .and_then(Value::as_str)
            .and_then(TraceId::from_external)
            .or(trace_hint);
        let span_id = o
            .get("id")
            .and_then(Value::as_str)
            .and_then(SpanId::from_external);
        let start = o
            .get("startTime")
            .and_then(Value::as_str)
            .and_then(parse_iso8601);
        let (Some(trace_id), Some(span_id), Some(start)) = (trace_id, span_id, start) else {
            b.diagnose(
                Severity::Error,
                DiagnosticKind::MissingField,
                source,
                Some(line),
                "Langfuse observation without id, traceId or startTime; skipped".into(),
            );
            continue;
        };
        let end = o
            .get("endTime")
            .and_then(Value::as_str)
            .and_then(parse_iso8601)
            .unwrap_or(start);
        let parent = o
            .get("parentObservationId")
            .and_then(Value::as_str)
            .and_then(SpanId::from_external)
            .unwrap_or(SpanId(0));
        let name = b.intern(o.get("name").and_then(Value::as_str).unwrap_or("(unnamed)"));
        let span_type = o
            .get("type")
            .and_then(Value::as_str)
            .map_or(StrIdx(0), |t| b.intern(t));
        let a0 = b.attr_mark();
        for key in KEPT {
            let Some(v) = o.get(key) else { continue };
            // strings holding JSON are decoded once; empty objects and zero costs say nothing
            let v = match v {
                Value::String(s)
                    if s.starts_with('{') || s.starts_with('[') || s.starts_with('"') =>
                {
                    serde_json::from_str(s).unwrap_or_else(|_| v.clone())
                }
                _ => v.clone(),
            };
            if matches!(&v, Value::Object(m) if m.is_empty()) {
                continue;
            }
            let k = b.intern(&format!("langfuse.{key}"));
            if let Some(value) = value_attr(b, &v) {
                b.push_attr(k, value);
            }
        }
        if parent == SpanId(0) {
            // who and where the trace ran for, on its root observations
            for (field, key) in TRACE_FIELDS {
                let value = match trace.get(field) {
                    Some(Value::String(t))
                        if !matches!(t.as_str(), "" | "None" | "null" | "[]") =>
                    {
                        serde_json::from_str::<Value>(t)
                            .ok()
                            .filter(Value::is_array)
                            .unwrap_or_else(|| Value::String(t.clone()))
                    }
                    Some(v @ Value::Array(a)) if !a.is_empty() => v.clone(),
                    _ => continue,
                };
                let k = b.intern(key);
                if let Some(value) = value_attr(b, &value) {
                    b.push_attr(k, value);
                }
            }
        }
        let attributes = a0..b.attr_mark();
        let is_error = o.get("level").and_then(Value::as_str) == Some("ERROR");
        let status_message = match o.get("statusMessage").and_then(Value::as_str) {
            Some(m) if !m.is_empty() => b.intern(m),
            _ => StrIdx(0),
        };
        let status = if is_error {
            StatusCode::Error
        } else {
            StatusCode::Unset
        };
        let draft = SpanDraft::new(b, (trace_id, span_id), name, (start, end), (source, line));
        b.add_span(SpanDraft {
            parent_span_id: parent,
            span_type,
            status,
            status_message,
            attributes,
            resource,
            ..draft
        });
    }
    Ok(())
}
