//! MLflow `Trace.to_json()` (schema v3; FORMATS.md §9), one document or one per line. Rules:
//! span ids are base64 of the raw bytes; times are ns as JSON numbers beyond 2^53 (read as
//! integers, never floats); every attribute value is a JSON-encoded string and is decoded once;
//! `mlflow.spanType` is the span type; the trace's state, previews, token usage and cost
//! (`info`) go on the root span as `mlflow.trace.*` attributes (on the first span when the root
//! is not there: an in-progress trace read from a server); assessments (`info.assessments`, as
//! the tracking server returns them) go as `mlflow.assessments` on the span they name, else the
//! root; the source is complete when the state is OK or ERROR; the service is the trace name; a
//! span without an end (still running when exported) is an instant (reported).

use super::builder::TraceBuilder;
use super::detect::Keys;
use super::formats::Reader;
use super::toolkit::{
    attr_from_json, attr_from_raw, hex_or_base64_parent_id, hex_or_base64_span_id,
    hex_or_base64_trace_id, json_status, push_json_attrs, Entries, RecordCx, TimeField,
};
use crate::model::{AttrValue, Completion, DiagnosticKind, ResourceIdx, SpanId, TraceId};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The MLflow reader: documents with `info` and `data`.
pub const READER: Reader = Reader::new(
    "MLflow trace",
    |k: &Keys| k.has_all(&["info", "data"]),
    read_trace,
);

#[derive(Deserialize)]
struct Document<'a> {
    #[serde(default)]
    info: Info,
    #[serde(borrow)]
    data: Data<'a>,
}

/// The trace's own facts.
#[derive(Deserialize, Default)]
struct Info {
    #[serde(default)]
    trace_id: Option<String>,
    #[serde(default)]
    tags: Map<String, Value>,
    #[serde(default)]
    state: Option<Value>,
    #[serde(default)]
    request_preview: Option<Value>,
    #[serde(default)]
    response_preview: Option<Value>,
    #[serde(default)]
    trace_metadata: Map<String, Value>,
    /// Feedback and expectations, as the tracking server returns them.
    #[serde(default)]
    assessments: Vec<Value>,
}

#[derive(Deserialize)]
struct Data<'a> {
    #[serde(borrow)]
    spans: Vec<MSpan<'a>>,
}

#[derive(Deserialize)]
struct MSpan<'a> {
    #[serde(default)]
    trace_id: Option<String>,
    #[serde(default)]
    span_id: Option<String>,
    #[serde(default)]
    parent_span_id: Option<String>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(default)]
    start_time_unix_nano: Option<Value>,
    #[serde(default)]
    end_time_unix_nano: Option<Value>,
    #[serde(borrow, default)]
    attributes: Entries<'a>,
    #[serde(default)]
    events: Vec<MEvent>,
    #[serde(default)]
    status: Option<MStatus>,
}

#[derive(Deserialize)]
struct MEvent {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    time_unix_nano: Option<Value>,
    #[serde(default)]
    attributes: Map<String, Value>,
}

#[derive(Deserialize)]
struct MStatus {
    #[serde(default)]
    code: Option<Value>,
    #[serde(default)]
    message: Option<String>,
}

/// An attribute value that is JSON text inside a JSON string, decoded once (a string that is
/// not JSON stays that string).
fn decoded(b: &mut TraceBuilder, raw: &RawValue) -> Option<AttrValue> {
    if !raw.get().starts_with('"') {
        return attr_from_raw(b, raw);
    }
    let text: Cow<str> = serde_json::from_str(raw.get()).ok()?;
    match serde_json::from_str::<Value>(&text) {
        Ok(inner) => attr_from_json(b, &inner),
        Err(_) => Some(AttrValue::Str(b.intern(&text))),
    }
}

/// The same decoding for values already parsed (`info` fields).
fn decoded_value(b: &mut TraceBuilder, v: &Value) -> Option<AttrValue> {
    match v {
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(inner) => attr_from_json(b, &inner),
            Err(_) => Some(AttrValue::Str(b.intern(s))),
        },
        other => attr_from_json(b, other),
    }
}

/// What one document's spans share: the trace's own facts and where they go.
struct Doc<'a> {
    info: &'a Info,
    info_trace: Option<TraceId>,
    resource: ResourceIdx,
    /// A span without a parent is in the document (else the facts go on the first span).
    has_root: bool,
    /// `info.assessments` grouped by the span they name (`None`: the whole trace).
    assessments: Vec<(Option<SpanId>, Vec<Value>)>,
    /// Span ids the document holds.
    held: Vec<SpanId>,
    /// The trace's facts were put on a span already.
    facts_placed: bool,
}

/// A source is complete once its traces ended (OK / ERROR), incomplete while any is in
/// progress.
fn note_state(cx: &mut RecordCx<'_>, state: Option<&str>) {
    let src = cx.b.source_mut(cx.source);
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
fn assessments_by_span(info: &Info) -> Vec<(Option<SpanId>, Vec<Value>)> {
    let mut out: Vec<(Option<SpanId>, Vec<Value>)> = Vec::new();
    for a in &info.assessments {
        let span = a
            .get("span_id")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .and_then(|t| SpanId::parse_hex(t).or_else(|| hex_or_base64_span_id(t)));
        match out.iter_mut().find(|(s, _)| *s == span) {
            Some((_, list)) => list.push(a.clone()),
            None => out.push((span, vec![a.clone()])),
        }
    }
    out
}

/// Reads one MLflow trace document.
fn read_trace(cx: &mut RecordCx<'_>, bytes: &[u8]) -> Result<(), serde_json::Error> {
    let doc: Document = serde_json::from_slice(bytes)?;
    let trace_name = doc
        .info
        .tags
        .get("mlflow.traceName")
        .and_then(Value::as_str)
        .unwrap_or("mlflow trace");
    note_state(cx, doc.info.state.as_ref().and_then(Value::as_str));
    let spans = &doc.data.spans;
    let mut shared = Doc {
        info: &doc.info,
        info_trace: doc
            .info
            .trace_id
            .as_deref()
            .and_then(|t| TraceId::parse_hex(t.trim_start_matches("tr-"))),
        resource: cx.b.service_resource("mlflow", trace_name),
        has_root: spans.iter().any(|s| {
            s.parent_span_id
                .as_deref()
                .is_none_or(|p| p.trim().is_empty())
        }),
        assessments: assessments_by_span(&doc.info),
        held: spans
            .iter()
            .filter_map(|s| s.span_id.as_deref().and_then(hex_or_base64_span_id))
            .collect(),
        facts_placed: false,
    };
    for s in spans {
        read_span(cx, s, &mut shared);
    }
    Ok(())
}

fn read_span(cx: &mut RecordCx<'_>, s: &MSpan<'_>, doc: &mut Doc<'_>) {
    let trace_id = s
        .trace_id
        .as_deref()
        .and_then(hex_or_base64_trace_id)
        .or(doc.info_trace);
    let span_id = s.span_id.as_deref().and_then(hex_or_base64_span_id);
    let (Some(trace_id), Some(span_id)) = (trace_id, span_id) else {
        let m = "MLflow span without a readable trace_id/span_id; span skipped".to_string();
        return cx.skip(DiagnosticKind::BadValue, m);
    };
    let start = TimeField::from_json(s.start_time_unix_nano.as_ref(), 1);
    let what = format!("MLflow span {span_id}: start_time_unix_nano");
    let Some(start) = cx.required_time(start, &what) else {
        return;
    };
    let end = TimeField::from_json(s.end_time_unix_nano.as_ref(), 1);
    let Some(end) = cx.end_time(end, span_id, start, "no end_time_unix_nano") else {
        return;
    };
    let parent = cx.parent_id(
        s.parent_span_id.as_deref(),
        hex_or_base64_parent_id,
        span_id,
        "parent_span_id",
    );
    let name = cx.span_name(s.name.as_deref(), span_id);
    let mut d = cx.draft((trace_id, span_id), name, (start, end));
    d.parent_span_id = parent;
    d.resource = doc.resource;
    let b = &mut *cx.b;
    let a0 = b.attr_mark();
    for (k, v) in &s.attributes.0 {
        let key = b.intern(k);
        if let Some(value) = decoded(b, v) {
            b.push_attr(key, value);
        }
    }
    let trace_facts = !doc.facts_placed && (parent.0 == 0 || !doc.has_root);
    if trace_facts {
        doc.facts_placed = true;
        push_trace_facts(b, doc.info);
    }
    push_assessments(b, doc, span_id, trace_facts);
    d.attributes = a0..b.attr_mark();
    for e in &s.events {
        let at = TimeField::from_json(e.time_unix_nano.as_ref(), 1);
        let time = cx.event_time_field(at, span_id, start);
        let name = cx.event_name(e.name.as_deref(), span_id);
        let attributes = push_json_attrs(cx.b, &e.attributes);
        cx.b.add_event(time, name, attributes);
    }
    if let Some(st) = &s.status {
        let code = st.code.as_ref().and_then(json_status);
        cx.set_status(&mut d, code, st.message.as_deref());
    }
    cx.add(d);
}

/// The span's assessments as `mlflow.assessments` (a JSON list); the span with the trace's
/// facts also gets those of the whole trace and of spans the document does not hold.
fn push_assessments(b: &mut TraceBuilder, doc: &Doc<'_>, span_id: SpanId, trace_facts: bool) {
    let mut mine: Vec<Value> = Vec::new();
    for (id, list) in &doc.assessments {
        let here = *id == Some(span_id);
        let unheld = trace_facts && id.is_none_or(|id| !doc.held.contains(&id));
        if here || unheld {
            mine.extend(list.iter().cloned());
        }
    }
    if !mine.is_empty() {
        let k = b.intern("mlflow.assessments");
        let v = b.intern(&Value::Array(mine).to_string());
        b.push_attr(k, AttrValue::Json(v));
    }
}

/// The trace's state, previews, token usage and cost, as `mlflow.trace.*` attributes.
fn push_trace_facts(b: &mut TraceBuilder, info: &Info) {
    let meta = |k: &str| info.trace_metadata.get(k);
    for (key, value) in [
        ("mlflow.trace.state", info.state.as_ref()),
        (
            "mlflow.trace.request_preview",
            info.request_preview.as_ref(),
        ),
        (
            "mlflow.trace.response_preview",
            info.response_preview.as_ref(),
        ),
        ("mlflow.trace.tokenUsage", meta("mlflow.trace.tokenUsage")),
        ("mlflow.trace.cost", meta("mlflow.trace.cost")),
    ] {
        if let Some(v) = value {
            let k = b.intern(key);
            if let Some(value) = decoded_value(b, v) {
                b.push_attr(k, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_json_is_decoded_once() {
        let mut b = TraceBuilder::default();
        let raw: Box<RawValue> = serde_json::from_str(r#""\"LLM\"""#).unwrap();
        assert_eq!(
            decoded(&mut b, &raw).map(|v| match v {
                AttrValue::Str(s) => b.strings().text(s).to_string(),
                _ => String::new(),
            }),
            Some("LLM".to_string())
        );
        let raw: Box<RawValue> = serde_json::from_str(r#""42""#).unwrap();
        assert_eq!(decoded(&mut b, &raw), Some(AttrValue::Int(42)));
        let raw: Box<RawValue> = serde_json::from_str(r#""not json""#).unwrap();
        assert!(matches!(decoded(&mut b, &raw), Some(AttrValue::Str(_))));
    }
}
