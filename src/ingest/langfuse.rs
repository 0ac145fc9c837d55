//! Langfuse trace exports (`{trace, observations}`; FORMATS.md §10.1). Rules: observations are
//! spans (ids hex; `parentObservationId` the parent); ISO millisecond times, a missing
//! `endTime` is an instant (reported, unless the observation is an EVENT, a point in time by
//! definition); `type` is the span type; `level: ERROR` is a failure with its `statusMessage`;
//! `input`/`output`/`metadata` are strings holding JSON and are decoded once; usage, cost and
//! model are kept as attributes (`usageDetails`, `costDetails`, `totalCost`, `model`); the
//! top-level `observations` are used (`trace.observations` repeats them); the service is the
//! trace name; the trace's user, session, tags, environment and release go on its root
//! observations under the keys the Langfuse SDK uses over OTLP.

use super::builder::TraceBuilder;
use super::detect::Keys;
use super::formats::Reader;
use super::toolkit::{attr_from_json, RecordCx, TimeField};
use crate::model::{DiagnosticKind, SpanId, StatusCode, TraceId};
use serde::Deserialize;
use serde_json::Value;

/// The Langfuse export reader: documents with `trace` and `observations`.
pub const READER: Reader = Reader::new(
    "Langfuse export",
    |k: &Keys| k.has_all(&["trace", "observations"]),
    read_export,
);

#[derive(Deserialize)]
struct Export {
    #[serde(default)]
    trace: LTrace,
    observations: Vec<Observation>,
}

#[derive(Deserialize, Default)]
struct LTrace {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "userId", default)]
    user_id: Option<Value>,
    #[serde(rename = "sessionId", default)]
    session_id: Option<Value>,
    #[serde(default)]
    tags: Option<Value>,
    #[serde(default)]
    environment: Option<Value>,
    #[serde(default)]
    release: Option<Value>,
}

#[derive(Deserialize)]
struct Observation {
    #[serde(default)]
    id: Option<String>,
    #[serde(rename = "traceId", default)]
    trace_id: Option<String>,
    #[serde(rename = "parentObservationId", default)]
    parent: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(rename = "startTime", default)]
    start: Option<String>,
    #[serde(rename = "endTime", default)]
    end: Option<String>,
    #[serde(rename = "statusMessage", default)]
    status_message: Option<String>,
    #[serde(default)]
    model: Option<Value>,
    #[serde(default)]
    input: Option<Value>,
    #[serde(default)]
    output: Option<Value>,
    #[serde(default)]
    metadata: Option<Value>,
    #[serde(rename = "usageDetails", default)]
    usage_details: Option<Value>,
    #[serde(rename = "costDetails", default)]
    cost_details: Option<Value>,
    #[serde(rename = "totalCost", default)]
    total_cost: Option<Value>,
    #[serde(rename = "modelParameters", default)]
    model_parameters: Option<Value>,
    #[serde(rename = "toolCalls", default)]
    tool_calls: Option<Value>,
    #[serde(rename = "completionStartTime", default)]
    completion_start_time: Option<Value>,
    #[serde(rename = "timeToFirstToken", default)]
    time_to_first_token: Option<Value>,
    #[serde(default)]
    level: Option<Value>,
}

impl Observation {
    /// Observation fields kept as attributes (`langfuse.<field>`), in this order.
    fn kept(&self) -> [(&'static str, Option<&Value>); 12] {
        [
            ("model", self.model.as_ref()),
            ("input", self.input.as_ref()),
            ("output", self.output.as_ref()),
            ("metadata", self.metadata.as_ref()),
            ("usageDetails", self.usage_details.as_ref()),
            ("costDetails", self.cost_details.as_ref()),
            ("totalCost", self.total_cost.as_ref()),
            ("modelParameters", self.model_parameters.as_ref()),
            ("toolCalls", self.tool_calls.as_ref()),
            ("completionStartTime", self.completion_start_time.as_ref()),
            ("timeToFirstToken", self.time_to_first_token.as_ref()),
            ("level", self.level.as_ref()),
        ]
    }
}

impl LTrace {
    /// Trace fields put on root observations, under the keys the Langfuse SDK writes over OTLP.
    fn root_fields(&self) -> [(&'static str, Option<&Value>); 5] {
        [
            ("user.id", self.user_id.as_ref()),
            ("session.id", self.session_id.as_ref()),
            ("langfuse.trace.tags", self.tags.as_ref()),
            ("langfuse.environment", self.environment.as_ref()),
            ("langfuse.release", self.release.as_ref()),
        ]
    }
}

/// Reads one Langfuse export document, observations straight into typed rows.
fn read_export(cx: &mut RecordCx<'_>, bytes: &[u8]) -> Result<(), serde_json::Error> {
    let doc: Export = serde_json::from_slice(bytes)?;
    let trace_name = doc.trace.name.as_deref().unwrap_or("langfuse trace");
    let resource = cx.b.service_resource("langfuse", trace_name);
    let trace_hint = doc.trace.id.as_deref().and_then(TraceId::from_external);
    for o in &doc.observations {
        read_observation(cx, o, &doc.trace, trace_hint, resource);
    }
    Ok(())
}

fn read_observation(
    cx: &mut RecordCx<'_>,
    o: &Observation,
    trace: &LTrace,
    trace_hint: Option<TraceId>,
    resource: crate::model::ResourceIdx,
) {
    let trace_id = o
        .trace_id
        .as_deref()
        .and_then(TraceId::from_external)
        .or(trace_hint);
    let span_id = o.id.as_deref().and_then(SpanId::from_external);
    let (Some(trace_id), Some(span_id), Some(_)) = (trace_id, span_id, &o.start) else {
        let m = "Langfuse observation without id, traceId or startTime; skipped".to_string();
        return cx.skip(DiagnosticKind::MissingField, m);
    };
    let what = format!("Langfuse observation {span_id}: startTime");
    let Some(start) = cx.required_time(TimeField::from_iso(o.start.as_deref()), &what) else {
        return;
    };
    let end = TimeField::from_iso(o.end.as_deref());
    // an EVENT observation is a point in time by definition; others without an end are cut short
    let end = match (end, o.kind.as_deref()) {
        (TimeField::Missing, Some(k)) if k.eq_ignore_ascii_case("event") => start,
        (end, _) => match cx.end_time(end, span_id, start, "no endTime") {
            Some(end) => end,
            None => return,
        },
    };
    let parent = o
        .parent
        .as_deref()
        .and_then(SpanId::from_external)
        .unwrap_or(SpanId(0));
    let name = cx.span_name(o.name.as_deref(), span_id);
    let mut d = cx.draft((trace_id, span_id), name, (start, end));
    d.parent_span_id = parent;
    d.resource = resource;
    let b = &mut *cx.b;
    if let Some(t) = o.kind.as_deref() {
        d.span_type = b.intern(t);
    }
    let a0 = b.attr_mark();
    for (key, v) in o.kept() {
        let Some(v) = v else { continue };
        // strings holding JSON are decoded once; empty objects say nothing
        let v = match v {
            Value::String(s) if s.starts_with('{') || s.starts_with('[') || s.starts_with('"') => {
                serde_json::from_str(s).unwrap_or_else(|_| v.clone())
            }
            _ => v.clone(),
        };
        if matches!(&v, Value::Object(m) if m.is_empty()) {
            continue;
        }
        push(b, &format!("langfuse.{key}"), &v);
    }
    if parent == SpanId(0) {
        push_root_fields(b, trace);
    }
    d.attributes = a0..b.attr_mark();
    if o.level.as_ref().and_then(Value::as_str) == Some("ERROR") {
        d.status = StatusCode::Error;
    }
    if let Some(m) = o.status_message.as_deref().filter(|m| !m.is_empty()) {
        d.status_message = b.intern(m);
    }
    cx.add(d);
}

fn push(b: &mut TraceBuilder, key: &str, v: &Value) {
    let k = b.intern(key);
    if let Some(value) = attr_from_json(b, v) {
        b.push_attr(k, value);
    }
}

/// Who and where the trace ran for, on its root observations.
fn push_root_fields(b: &mut TraceBuilder, trace: &LTrace) {
    for (key, value) in trace.root_fields() {
        let value = match value {
            Some(Value::String(t)) if !matches!(t.as_str(), "" | "None" | "null" | "[]") => {
                serde_json::from_str::<Value>(t)
                    .ok()
                    .filter(Value::is_array)
                    .unwrap_or_else(|| Value::String(t.clone()))
            }
            Some(v @ Value::Array(a)) if !a.is_empty() => v.clone(),
            _ => continue,
        };
        push(b, key, &value);
    }
}
