//! Jaeger JSON (FORMATS.md §6): the query API (`{data: [trace...]}`), a single trace object,
//! the jaeger-ui store dump (`{data: {traceID, spans...}}`), a bare array of spans with inline
//! `process`, and JSON Lines of spans or traces. Rules: times are µs; the parent is a
//! `CHILD_OF` reference in the same trace (else the first `CHILD_OF`); a span with only a
//! `FOLLOWS_FROM` reference nests under it, flagged, and is never on its critical path; logs become events (name = the `event` field); tags
//! keep their declared type (`int64` as text stays exact); `error` = true or
//! `otel.status_code` = ERROR marks a failure; ids that are not hex are hashed (ids.rs).

use super::builder::{SpanDraft, TraceBuilder};
use super::detect::Keys;
use super::formats::Reader;
use super::toolkit::{attr_from_json, RecordCx, TimeField};
use crate::model::{
    AttrValue, Attribute, DiagnosticKind, ResourceIdx, SpanFlags, SpanId, SpanKind, StatusCode,
    TimestampNs, TraceId,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::BTreeMap;

/// The Jaeger reader: `{data}`, a trace (`traceID` + `spans`) or a span (`traceID` + `spanID`).
pub const READER: Reader = Reader::new("Jaeger JSON", is_jaeger, read_record);

fn is_jaeger(k: &Keys) -> bool {
    k.has("data") || k.has_all(&["traceID", "spans"]) || k.has_all(&["traceID", "spanID"])
}

#[derive(Deserialize)]
struct Tag {
    key: String,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    value: Value,
}

#[derive(Deserialize)]
struct Reference {
    #[serde(rename = "refType", default)]
    ref_type: Option<String>,
    #[serde(rename = "traceID", default)]
    trace_id: Option<String>,
    #[serde(rename = "spanID", default)]
    span_id: Option<String>,
}

#[derive(Deserialize)]
struct Log {
    /// µs, read by `TimeField` (a number past i64 or a fraction is reported, not a type error).
    timestamp: Option<serde_json::Value>,
    #[serde(default)]
    fields: Vec<Tag>,
}

#[derive(Deserialize, Default)]
struct Process {
    #[serde(rename = "serviceName", default)]
    service_name: Option<String>,
    #[serde(default)]
    tags: Vec<Tag>,
}

#[derive(Deserialize)]
struct JSpan {
    #[serde(rename = "traceID")]
    trace_id: Option<String>,
    #[serde(rename = "spanID")]
    span_id: Option<String>,
    #[serde(rename = "operationName", default)]
    operation_name: Option<String>,
    #[serde(default)]
    references: Option<Vec<Reference>>,
    #[serde(rename = "startTime", default)]
    start_time: Option<serde_json::Value>,
    #[serde(default)]
    duration: Option<serde_json::Value>,
    #[serde(default)]
    tags: Option<Vec<Tag>>,
    #[serde(default)]
    logs: Option<Vec<Log>>,
    #[serde(rename = "processID", default)]
    process_id: Option<String>,
    #[serde(default)]
    process: Option<Process>,
}

#[derive(Deserialize)]
struct JTrace {
    #[serde(rename = "traceID", default)]
    trace_id: Option<String>,
    #[serde(default)]
    spans: Vec<JSpan>,
    #[serde(default)]
    processes: BTreeMap<String, Process>,
}

/// Reads one Jaeger record (any container); the serde error is returned for classification.
/// The container is told apart by its top-level keys, read without building a JSON tree; then
/// the spans are deserialised straight into typed records (one pass over the span text).
fn read_record(cx: &mut RecordCx<'_>, bytes: &[u8]) -> Result<(), serde_json::Error> {
    let no_processes = BTreeMap::new();
    if super::detect::is_array(bytes) {
        let spans = serde_json::from_slice(bytes)?;
        read_span_list(cx, spans, &no_processes, None);
        return Ok(());
    }
    let top: BTreeMap<String, &RawValue> = serde_json::from_slice(bytes)?;
    let traces: Vec<JTrace> = match top.get("data") {
        Some(data) if data.get().starts_with('[') => serde_json::from_str(data.get())?,
        Some(data) if data.get().starts_with('{') => vec![serde_json::from_str(data.get())?],
        _ if top.contains_key("spans") => vec![serde_json::from_slice(bytes)?],
        _ if top.contains_key("spanID") => {
            let span = serde_json::from_slice(bytes)?;
            read_span_list(cx, vec![span], &no_processes, None);
            return Ok(());
        }
        _ => return Err(serde::de::Error::custom("no Jaeger trace or span here")),
    };
    for trace in traces {
        read_span_list(cx, trace.spans, &trace.processes, trace.trace_id.as_deref());
    }
    Ok(())
}

fn tag_value(b: &mut TraceBuilder, t: &Tag) -> Option<AttrValue> {
    let v = attr_from_json(b, &t.value)?;
    Some(match (t.kind.as_deref(), v) {
        (Some("bool"), AttrValue::Str(s)) => {
            AttrValue::Bool(b.strings().text(s).eq_ignore_ascii_case("true"))
        }
        (Some("int64"), AttrValue::Str(s)) => b
            .strings()
            .text(s)
            .parse::<i64>()
            .map_or(AttrValue::Str(s), AttrValue::Int),
        (Some("float64"), AttrValue::Str(s)) => b
            .strings()
            .text(s)
            .parse::<f64>()
            .map_or(AttrValue::Str(s), AttrValue::Float),
        (_, v) => v,
    })
}

fn process_resource(b: &mut TraceBuilder, key: &str, p: &Process) -> ResourceIdx {
    let text = format!(
        "jaeger\u{0}{key}\u{0}{:?}\u{0}{}",
        p.service_name,
        p.tags
            .iter()
            .map(|t| format!("{}={:?}", t.key, t.value))
            .collect::<Vec<_>>()
            .join(",")
    );
    b.resource_from(&text, |b| {
        // the process's service name comes first, so it is the resource's service
        let key = b.intern("service.name");
        let value = AttrValue::Str(b.intern(p.service_name.as_deref().unwrap_or("")));
        let mut attributes = vec![Attribute { key, value }];
        attributes.extend(tag_attributes(b, &p.tags).collect::<Vec<_>>());
        attributes
    })
}

/// Tags as attributes, with their declared types (nulls left out).
fn tag_attributes<'a>(
    b: &'a mut TraceBuilder,
    tags: &'a [Tag],
) -> impl Iterator<Item = Attribute> + 'a {
    tags.iter().filter_map(move |t| {
        let key = b.intern(&t.key);
        tag_value(b, t).map(|value| Attribute { key, value })
    })
}

/// The parent (a `CHILD_OF` reference in the same trace, else the first `CHILD_OF`, else a
/// `FOLLOWS_FROM` one, flagged) and the flags it implies.
fn parent_of(refs: &[Reference], trace_id: TraceId) -> (SpanId, SpanFlags) {
    let child_of: Vec<&Reference> = refs
        .iter()
        .filter(|r| r.ref_type.as_deref().unwrap_or("CHILD_OF") == "CHILD_OF")
        .collect();
    let id = |r: &Reference| r.span_id.as_deref().and_then(SpanId::from_external);
    let same_trace =
        |r: &&&Reference| r.trace_id.as_deref().and_then(TraceId::from_external) == Some(trace_id);
    match child_of
        .iter()
        .find(same_trace)
        .or_else(|| child_of.first())
        .and_then(|r| id(r))
    {
        Some(p) => (p, SpanFlags::default()),
        None => match refs.first().and_then(id) {
            Some(p) => (p, SpanFlags::FOLLOWS_FROM),
            None => (SpanId(0), SpanFlags::default()),
        },
    }
}

/// Pushes the span's tags as attributes; kind, status and status message come from them.
fn push_tags(b: &mut TraceBuilder, tags: &[Tag], d: &mut SpanDraft) {
    for t in tags {
        let key = b.intern(&t.key);
        let Some(value) = tag_value(b, t) else {
            continue;
        };
        let text = |b: &TraceBuilder| match value {
            AttrValue::Str(v) => b.strings().text(v).to_string(),
            AttrValue::Bool(v) => v.to_string(),
            _ => String::new(),
        };
        match t.key.as_str() {
            "span.kind" => d.kind = SpanKind::parse_name(&text(b)).unwrap_or_default(),
            "error" if text(b).eq_ignore_ascii_case("true") => d.status = StatusCode::Error,
            "otel.status_code" => match StatusCode::parse_name(&text(b)) {
                Some(StatusCode::Error) => d.status = StatusCode::Error,
                Some(StatusCode::Ok) if d.status != StatusCode::Error => d.status = StatusCode::Ok,
                _ => {}
            },
            "otel.status_description" => d.status_message = b.intern(&text(b)),
            _ => {}
        }
        b.push_attr(key, value);
    }
}

/// Logs become events named by their `event` field ("log" without one, Jaeger's own rule).
fn push_logs(cx: &mut RecordCx<'_>, logs: &[Log], span_id: SpanId, start: TimestampNs) {
    for l in logs {
        let at = TimeField::from_json(l.timestamp.as_ref(), US);
        let time = cx.event_time_field(at, span_id, start);
        let event_name = l
            .fields
            .iter()
            .find(|f| f.key == "event")
            .and_then(|f| f.value.as_str());
        let b = &mut *cx.b;
        let name = b.intern(event_name.unwrap_or("log"));
        let attributes = tag_attributes(b, &l.fields).collect::<Vec<_>>();
        let a0 = b.attr_mark();
        for a in attributes {
            b.push_attr(a.key, a.value);
        }
        b.add_event(time, name, a0..b.attr_mark());
    }
}

/// Jaeger's unit: µs.
const US: i64 = 1_000;

/// The span's times (µs in the file), or `None` (skipped, reported).
fn times(cx: &mut RecordCx<'_>, s: &JSpan, span_id: SpanId) -> Option<(TimestampNs, TimestampNs)> {
    let what = format!("Jaeger span {span_id}: startTime");
    let start = cx.required_time(TimeField::from_json(s.start_time.as_ref(), US), &what)?;
    let end = TimeField::from_json(s.duration.as_ref(), US).after(start);
    Some((start, cx.end_time(end, span_id, start, "no duration")?))
}

fn read_span_list(
    cx: &mut RecordCx<'_>,
    spans: Vec<JSpan>,
    processes: &BTreeMap<String, Process>,
    trace_hint: Option<&str>,
) {
    // the resource of each process id, built once per list (a trace names its processes once)
    let mut process_cache: BTreeMap<String, ResourceIdx> = BTreeMap::new();
    for s in spans {
        let trace_id = s
            .trace_id
            .as_deref()
            .or(trace_hint)
            .and_then(TraceId::from_external);
        let Some(trace_id) = trace_id else {
            let m = format!("Jaeger span {:?}: missing traceID; span skipped", s.span_id);
            cx.skip(DiagnosticKind::MissingField, m);
            continue;
        };
        let Some(span_id) = s.span_id.as_deref().and_then(SpanId::from_external) else {
            let m = "Jaeger span without spanID; span skipped".to_string();
            cx.skip(DiagnosticKind::MissingField, m);
            continue;
        };
        let Some((start, end)) = times(cx, &s, span_id) else {
            continue;
        };
        let (parent, flags) = parent_of(s.references.as_deref().unwrap_or_default(), trace_id);
        let name = cx.span_name(s.operation_name.as_deref(), span_id);
        let mut d = cx.draft((trace_id, span_id), name, (start, end));
        d.parent_span_id = parent;
        d.flags = flags;
        let a0 = cx.b.attr_mark();
        push_tags(cx.b, s.tags.as_deref().unwrap_or_default(), &mut d);
        d.attributes = a0..cx.b.attr_mark();
        push_logs(cx, s.logs.as_deref().unwrap_or_default(), span_id, start);
        let named = s
            .process_id
            .as_deref()
            .and_then(|p| processes.get(p).map(|proc_| (p, proc_)));
        d.resource = match (&s.process, named) {
            (Some(inline), _) => process_resource(cx.b, "inline", inline),
            (None, Some((key, p))) => *process_cache
                .entry(key.to_string())
                .or_insert_with(|| process_resource(cx.b, key, p)),
            (None, None) => ResourceIdx(0),
        };
        cx.add(d);
    }
}
