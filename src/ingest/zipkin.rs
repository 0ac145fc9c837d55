//! Zipkin v2 JSON (FORMATS.md §7): an array of spans or one span object. Rules: times are µs;
//! a span without `duration` is incomplete and drawn as an instant (reported); without
//! `timestamp` it takes its earliest annotation's time, else it is skipped; a `shared` server
//! span reuses its client's id, so when that client is in the same document it gets a derived
//! id and becomes the client's child (as Zipkin's UI nests it), otherwise it keeps its id; tags are strings; an `error` tag marks a failure; annotations are
//! events; the service is `localEndpoint.serviceName`.

use super::builder::{SpanDraft, TraceBuilder};
use crate::model::{
    AttrValue, DiagnosticKind, DurationNs, FileIdx, ResourceIdx, Severity, SpanEvent, SpanId,
    SpanKind, StatusCode, StrIdx, TimestampNs, TraceId,
};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize, Default)]
struct Endpoint {
    #[serde(rename = "serviceName", default)]
    service_name: Option<String>,
}

#[derive(Deserialize)]
struct Annotation {
    timestamp: Option<i64>,
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
    timestamp: Option<i64>,
    #[serde(default)]
    duration: Option<i64>,
    #[serde(rename = "localEndpoint", default)]
    local: Option<Endpoint>,
    #[serde(default)]
    annotations: Vec<Annotation>,
    #[serde(default)]
    tags: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    shared: Option<bool>,
}

/// Reads one record: a span object or an array of them.
pub fn read_record(
    b: &mut TraceBuilder,
    source: FileIdx,
    line: u32,
    bytes: &[u8],
) -> Result<(), serde_json::Error> {
    let v: serde_json::Value = serde_json::from_slice(bytes)?;
    let items = match v {
        serde_json::Value::Array(items) => items,
        other => vec![other],
    };
    let spans: Vec<ZSpan> = items
        .into_iter()
        .map(serde_json::from_value)
        .collect::<Result<_, _>>()?;
    // ids that have a non-shared (client) half in this record
    let clients: std::collections::HashSet<String> = spans
        .iter()
        .filter(|s| s.shared != Some(true))
        .filter_map(|s| s.id.clone())
        .collect();
    for s in spans {
        let has_client = s.id.as_ref().is_some_and(|id| clients.contains(id));
        read_span(b, source, line, s, has_client);
    }
    Ok(())
}

fn service(b: &mut TraceBuilder, name: Option<&str>) -> ResourceIdx {
    let Some(name) = name else {
        return ResourceIdx(0);
    };
    b.service_resource("zipkin", name)
}

fn read_span(b: &mut TraceBuilder, source: FileIdx, line: u32, s: ZSpan, has_client: bool) {
    let reject = |b: &mut TraceBuilder, kind: DiagnosticKind, what: String| {
        b.diagnose(
            Severity::Error,
            kind,
            source,
            Some(line),
            format!("Zipkin span {what}; span skipped"),
        );
    };
    let Some(trace_id) = s.trace_id.as_deref().and_then(TraceId::from_external) else {
        return reject(b, DiagnosticKind::MissingField, "without traceId".into());
    };
    let Some(mut span_id) = s.id.as_deref().and_then(SpanId::from_external) else {
        return reject(b, DiagnosticKind::MissingField, "without id".into());
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
    let start_us = match s
        .timestamp
        .or_else(|| s.annotations.iter().filter_map(|a| a.timestamp).min())
    {
        Some(t) => t,
        None => {
            return reject(
                b,
                DiagnosticKind::MissingField,
                format!("{span_id}: no timestamp and no annotations"),
            )
        }
    };
    let start = TimestampNs(start_us.saturating_mul(1000));
    let end = match s.duration {
        Some(d) => start.plus(DurationNs(d.saturating_mul(1000))),
        None => {
            b.diagnose(
                Severity::Repaired,
                DiagnosticKind::MissingField,
                source,
                Some(line),
                format!("Zipkin span {span_id} has no duration (incomplete); drawn as an instant"),
            );
            start
        }
    };
    let name = b.intern(
        s.name
            .as_deref()
            .filter(|n| !n.is_empty())
            .unwrap_or("(unnamed)"),
    );
    let (a0, e0) = (b.attr_mark(), b.event_mark());
    let mut status = StatusCode::Unset;
    let mut status_message = StrIdx(0);
    for (k, v) in &s.tags {
        let text = match v {
            serde_json::Value::String(t) => t.clone(),
            other => other.to_string(),
        };
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
    let attributes = a0..b.attr_mark();
    for a in &s.annotations {
        let time = a
            .timestamp
            .map_or(start, |t| TimestampNs(t.saturating_mul(1000)));
        let name = b.intern(a.value.as_deref().unwrap_or("annotation"));
        let m = b.attr_mark();
        b.push_event(SpanEvent {
            time,
            name,
            attributes: m..m,
        });
    }
    let kind = s
        .kind
        .as_deref()
        .and_then(SpanKind::parse_name)
        .unwrap_or(SpanKind::Unspecified);
    let resource = service(b, s.local.as_ref().and_then(|l| l.service_name.as_deref()));
    let draft = SpanDraft::new(b, (trace_id, span_id), name, (start, end), (source, line));
    b.add_span(SpanDraft {
        parent_span_id: parent,
        kind,
        status,
        status_message,
        attributes,
        events: e0..b.event_mark(),
        resource,
        ..draft
    });
}
