//! MLflow `Trace.to_json()` (schema v3; FORMATS.md §9), one document or one per line. Rules:
//! span ids are base64 of the raw bytes; times are ns as JSON numbers beyond 2^53 (read as
//! integers, never floats); every attribute value is a JSON-encoded string and is decoded once;
//! `mlflow.spanType` is the span type; the trace's state, previews, token usage and cost
//! (`info`) go on the root span as `mlflow.trace.*` attributes (on the first span when the root
//! is not there: an in-progress trace read from a server); assessments (`info.assessments`, as
//! the tracking server returns them) go as `mlflow.assessments` on the span they name, else the
//! root; the source is complete when the state is OK or ERROR; the service is the trace name.

use super::builder::{SpanDraft, TraceBuilder};
use super::json_value::{push_value_attrs, value_attr};
use super::otlp::id_bits;
use crate::model::{
    AttrValue, Completion, DiagnosticKind, FileIdx, Severity, SpanEvent, SpanId, StatusCode,
    StrIdx, TimestampNs, TraceId,
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

fn span_id_of(s: &Value) -> Option<SpanId> {
    s.get("span_id")
        .and_then(Value::as_str)
        .and_then(|t| id_bits(t, 8))
        .map(|v| SpanId(v as u64))
        .filter(|s| s.0 != 0)
}

/// A source is complete once its traces ended (OK / ERROR), incomplete while any is in
/// progress.
fn note_state(b: &mut TraceBuilder, source: FileIdx, state: Option<&str>) {
    let src = b.source_mut(source);
    match state {
        Some("IN_PROGRESS") => src.completion = Completion::Incomplete,
        Some("OK" | "ERROR") if src.completion != Completion::Incomplete => {
            src.completion = Completion::Complete
        }
        _ => {}
    }
}

/// `info.assessments` grouped by the span they are attached to (`None`: the whole trace), in
/// file order. A `span_id` is hex as the server writes it (or base64 like span ids).
fn assessments_by_span(info: &Value) -> Vec<(Option<SpanId>, Vec<Value>)> {
    let mut out: Vec<(Option<SpanId>, Vec<Value>)> = Vec::new();
    for a in info
        .get("assessments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let span = a
            .get("span_id")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .and_then(|t| SpanId::parse_hex(t).or_else(|| id_bits(t, 8).map(|v| SpanId(v as u64))));
        match out.iter_mut().find(|(s, _)| *s == span) {
            Some((_, list)) => list.push(a.clone()),
            None => out.push((span, vec![a.clone()])),
        }
    }
    out
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
    note_state(b, source, info.get("state").and_then(Value::as_str));
    let has_root = spans.iter().any(|s| {
        s.get("parent_span_id")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
    });
    let assessments = assessments_by_span(&info);
    let mut facts_placed = false;
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
        let span_id = span_id_of(s);
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
        let span_assessments = assessments
            .iter()
            .find(|(id, _)| *id == Some(span_id))
            .map(|(_, list)| list.clone());
        let trace_facts = !facts_placed && (parent.0 == 0 || !has_root);
        if trace_facts {
            facts_placed = true;
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
        let mut mine: Vec<Value> = span_assessments.unwrap_or_default();
        if trace_facts {
            // assessments of the whole trace, and of spans this document does not hold
            for (id, list) in &assessments {
                let held = id.is_some_and(|id| spans.iter().any(|s| span_id_of(s) == Some(id)));
                if !held {
                    mine.extend(list.iter().cloned());
                }
            }
        }
        if !mine.is_empty() {
            let k = b.intern("mlflow.assessments");
            let v = b.intern(&Value::Array(mine).to_string());
            b.push_attr(k, AttrValue::Json(v));
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
