//! Zipkin v2 JSON (FORMATS.md §7): an array of spans or one span object. Rules: times are µs;
//! a span without `duration` is incomplete and drawn as an instant (reported); without
//! `timestamp` it takes its earliest annotation's time, else it is skipped; a `shared` server
//! span reuses its client's id, so when that client is in the same document it gets a derived
//! id and becomes the client's child (as Zipkin's UI nests it), otherwise it keeps its id; tags are strings; an `error` tag marks a failure; annotations are
//! events; the service is `localEndpoint.serviceName`.

use super::detect::Keys;
use super::formats::Reader;
use super::toolkit::{json_text, RecordCx, TimeField};
use crate::model::{
    AttrValue, DiagnosticKind, SpanId, SpanKind, StatusCode, StrIdx, TimestampNs, TraceId,
};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The Zipkin v2 reader: spans with `traceId` and `id` (or an array of them).
pub const READER: Reader = Reader::new(
    "Zipkin v2",
    |k: &Keys| k.has_all(&["traceId", "id"]),
    read_record,
);

#[derive(Deserialize, Default)]
struct Endpoint {
    #[serde(rename = "serviceName", default)]
    service_name: Option<String>,
}

#[derive(Deserialize)]
struct Annotation {
    /// µs, read by `TimeField` (a number past i64 or a fraction is reported, not a type error).
    timestamp: Option<Value>,
    #[serde(default)]
    value: Option<String>,
}

#[derive(Deserialize)]
struct ZSpan {
    #[serde(rename = "traceId")]
    trace_id: Option<String>,
    id: Option<String>,
    #[serde(rename = "parentId", default)]
    parent_id: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    timestamp: Option<Value>,
    #[serde(default)]
    duration: Option<Value>,
    #[serde(rename = "localEndpoint", default)]
    local: Option<Endpoint>,
    #[serde(default)]
    annotations: Vec<Annotation>,
    #[serde(default)]
    tags: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    shared: Option<bool>,
}

/// Reads one record: a span object or an array of them, straight into typed spans.
fn read_record(cx: &mut RecordCx<'_>, bytes: &[u8]) -> Result<(), serde_json::Error> {
    let spans: Vec<ZSpan> = if super::detect::is_array(bytes) {
        serde_json::from_slice(bytes)?
    } else {
        vec![serde_json::from_slice(bytes)?]
    };
    // ids that have a non-shared (client) half in this record
    let clients: std::collections::HashSet<String> = spans
        .iter()
        .filter(|s| s.shared != Some(true))
        .filter_map(|s| s.id.clone())
        .collect();
    for s in spans {
        let has_client = s.id.as_ref().is_some_and(|id| clients.contains(id));
        read_span(cx, s, has_client);
    }
    Ok(())
}

/// Zipkin's unit: µs.
const US: i64 = 1_000;

/// Its start from `timestamp`, else its earliest annotation (µs); `None` when skipped.
fn start_of(cx: &mut RecordCx<'_>, s: &ZSpan, span_id: SpanId) -> Option<TimestampNs> {
    let field = match &s.timestamp {
        Some(t) => TimeField::from_json(Some(t), US),
        None => {
            let earliest = s
                .annotations
                .iter()
                .filter_map(|a| TimeField::from_json(a.timestamp.as_ref(), US).ns())
                .min();
            let Some(ns) = earliest else {
                let m =
                    format!("Zipkin span {span_id}: no timestamp and no annotations; span skipped");
                cx.skip(DiagnosticKind::MissingField, m);
                return None;
            };
            TimeField::Ns(ns)
        }
    };
    cx.required_time(field, &format!("Zipkin span {span_id}: timestamp"))
}

/// Tags as string attributes (an `error` tag marks a failure, its text the message).
fn push_tags(
    cx: &mut RecordCx<'_>,
    tags: &BTreeMap<String, serde_json::Value>,
) -> (StatusCode, StrIdx) {
    let b = &mut *cx.b;
    let mut status = StatusCode::Unset;
    let mut status_message = StrIdx(0);
    for (k, v) in tags {
        let text = json_text(v);
        if k == "error" {
            status = StatusCode::Error;
            if !text.is_empty() && text != "true" {
                status_message = b.intern(&text);
            }
        }
        let key = b.intern(k);
        let value = b.intern(&text);
        b.push_attr(key, AttrValue::Str(value));
    }
    (status, status_message)
}

fn read_span(cx: &mut RecordCx<'_>, s: ZSpan, has_client: bool) {
    let Some(trace_id) = s.trace_id.as_deref().and_then(TraceId::from_external) else {
        return cx.skip(
            DiagnosticKind::MissingField,
            "Zipkin span without traceId; span skipped".into(),
        );
    };
    let Some(mut span_id) = s.id.as_deref().and_then(SpanId::from_external) else {
        return cx.skip(
            DiagnosticKind::MissingField,
            "Zipkin span without id; span skipped".into(),
        );
    };
    let mut parent = s
        .parent_id
        .as_deref()
        .and_then(SpanId::from_external)
        .unwrap_or(SpanId(0));
    if s.shared == Some(true) && has_client {
        // the server half of an RPC that reuses the client's id: nest it under the client
        parent = span_id;
        span_id = SpanId::from_external(&format!("{span_id}:shared")).unwrap_or(span_id);
    }
    let Some(start) = start_of(cx, &s, span_id) else {
        return;
    };
    let end = TimeField::from_json(s.duration.as_ref(), US).after(start);
    let Some(end) = cx.end_time(end, span_id, start, "no duration") else {
        return;
    };
    let name = cx.span_name(s.name.as_deref(), span_id);
    let mut d = cx.draft((trace_id, span_id), name, (start, end));
    d.parent_span_id = parent;
    let a0 = cx.b.attr_mark();
    (d.status, d.status_message) = push_tags(cx, &s.tags);
    d.attributes = a0..cx.b.attr_mark();
    for a in &s.annotations {
        let at = TimeField::from_json(a.timestamp.as_ref(), US);
        let time = cx.event_time_field(at, span_id, start);
        let name = cx.event_name(a.value.as_deref(), span_id);
        let m = cx.b.attr_mark();
        cx.b.add_event(time, name, m..m);
    }
    d.kind = s
        .kind
        .as_deref()
        .and_then(SpanKind::parse_name)
        .unwrap_or(SpanKind::Unspecified);
    if let Some(name) = s.local.as_ref().and_then(|l| l.service_name.as_deref()) {
        d.resource = cx.b.service_resource("zipkin", name);
    }
    cx.add(d);
}
