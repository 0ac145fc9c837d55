//! MLflow `Trace.to_json()` (schema v3; FORMATS.md §9), one document or one per line. Rules:
//! span ids are base64 of the raw bytes; times are ns as JSON numbers beyond 2^53 (read as
//! integers, never floats); every attribute value is a JSON-encoded string and is decoded once;
//! `mlflow.spanType` is the span type; the trace's state, previews, token usage and cost
//! (`info`) go on the root span as `mlflow.trace.*` attributes; the service is the trace name.

use super::builder::{SpanDraft, TraceBuilder};
use super::json_value::{push_value_attrs, value_attr};
use super::otlp::id_bits;
use crate::model::{
    AttrValue, DiagnosticKind, FileIdx, Severity, SpanEvent, SpanId, StatusCode, StrIdx,
    TimestampNs, TraceId,
};
use serde_json::Value;

fn decoded(b: &mut TraceBuilder, v: &Value) -> Option<AttrValue> {
    // attribute values are JSON text inside a JSON string: decode that text once
    let inner = match v {
        Value::String(s) => {
            serde_json::from_str::<Value>(s).unwrap_or_else(|_| Value::String(s.clone()))
        }
        other => other.clone(),
    };
    value_attr(b, &inner)
}

fn ns(v: Option<&Value>) -> Option<i64> {
    let n = v?.as_number()?;
    n.as_i64()
        .or_else(|| n.as_u64().and_then(|u| i64::try_from(u).ok()))
}

/// Reads one MLflow trace document.
pub fn read_trace(
    b: &mut TraceBuilder,
    source: FileIdx,
    line: u32,
    bytes: &[u8],
) -> Result<(), serde_json::Error> {
    let doc: Value = serde_json::from_slice(bytes)?;
    let info = doc.get("info").cloned().unwrap_or(Value::Null);
    let spans = doc
        .pointer("/data/spans")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| serde::de::Error::custom("MLflow trace without data.spans"))?;
    let trace_name = info
        .pointer("/tags/mlflow.traceName")
        .and_then(Value::as_str)
        .unwrap_or("mlflow trace")
        .to_string();
    let resource = b.service_resource("mlflow", &trace_name);
    let info_trace = info
        .get("trace_id")
        .and_then(Value::as_str)
        .and_then(|t| TraceId::parse_hex(t.trim_start_matches("tr-")));
    for s in &spans {
        let trace_id = s
            .get("trace_id")
            .and_then(Value::as_str)
            .and_then(|t| id_bits(t, 16))
            .map(TraceId)
            .or(info_trace);
        let span_id = s
            .get("span_id")
            .and_then(Value::as_str)
            .and_then(|t| id_bits(t, 8))
            .map(|v| SpanId(v as u64))
            .filter(|s| s.0 != 0);
        let (Some(trace_id), Some(span_id)) = (trace_id, span_id) else {
            b.diagnose(
                Severity::Error,
                DiagnosticKind::BadValue,
                source,
                Some(line),
                "MLflow span without a readable trace_id/span_id; span skipped".into(),
            );
            continue;
        };
        let (Some(start), Some(end)) = (
            ns(s.get("start_time_unix_nano")),
            ns(s.get("end_time_unix_nano")).or(ns(s.get("start_time_unix_nano"))),
        ) else {
            b.diagnose(
                Severity::Error,
                DiagnosticKind::MissingField,
                source,
                Some(line),
                format!("MLflow span {span_id} has no start time; span skipped"),
            );
            continue;
        };
        let parent = s
            .get("parent_span_id")
            .and_then(Value::as_str)
            .and_then(|t| id_bits(t, 8))
            .map_or(SpanId(0), |v| SpanId(v as u64));
        let name = b.intern(s.get("name").and_then(Value::as_str).unwrap_or("(unnamed)"));
        let a0 = b.attr_mark();
        let mut span_type = StrIdx(0);
        if let Some(Value::Object(attrs)) = s.get("attributes") {
            for (k, v) in attrs {
                let key = b.intern(k);
                if let Some(value) = decoded(b, v) {
                    if let ("mlflow.spanType", AttrValue::Str(t)) = (k.as_str(), value) {
                        span_type = t;
                    }
                    b.push_attr(key, value);
                }
            }
        }
        if parent.0 == 0 {
            // the trace's own facts, on its root span
            for (key, ptr) in [
                ("mlflow.trace.state", "/state"),
                ("mlflow.trace.request_preview", "/request_preview"),
                ("mlflow.trace.response_preview", "/response_preview"),
                (
                    "mlflow.trace.tokenUsage",
                    "/trace_metadata/mlflow.trace.tokenUsage",
                ),
                ("mlflow.trace.cost", "/trace_metadata/mlflow.trace.cost"),
            ] {
                if let Some(v) = info.pointer(ptr) {
                    let k = b.intern(key);
                    if let Some(value) = decoded(b, v) {
                        b.push_attr(k, value);
                    }
                }
            }
        }
        let attributes = a0..b.attr_mark();
        let e0 = b.event_mark();
        for e in s
            .get("events")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let time = TimestampNs(ns(e.get("time_unix_nano")).unwrap_or(start));
            let name = b.intern(
                e.get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("(unnamed event)"),
            );
            let attributes = push_value_attrs(
                b,
                e.get("attributes")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten(),
            );
            b.push_event(SpanEvent {
                time,
                name,
                attributes,
            });
        }
        let events = e0..b.event_mark();
        let code = s
            .pointer("/status/code")
            .and_then(Value::as_str)
            .unwrap_or("");
        let status = if code.ends_with("ERROR") {
            StatusCode::Error
        } else if code.ends_with("OK") {
            StatusCode::Ok
        } else {
            StatusCode::Unset
        };
        let message = s
            .pointer("/status/message")
            .and_then(Value::as_str)
            .filter(|m| !m.is_empty())
            .map(|m| m.to_string());
        let status_message = message.map_or(StrIdx(0), |m| b.intern(&m));
        let draft = SpanDraft::new(
            b,
            (trace_id, span_id),
            name,
            (TimestampNs(start), TimestampNs(end)),
            (source, line),
        );
        b.add_span(SpanDraft {
            parent_span_id: parent,
            span_type,
            status,
            status_message,
            attributes,
            events,
            resource,
            ..draft
        });
    }
    Ok(())
}
