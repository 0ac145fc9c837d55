//! Jaeger JSON (FORMATS.md §6): the query API (`{data: [trace...]}`), a single trace object,
//! the jaeger-ui store dump (`{data: {traceID, spans...}}`), a bare array of spans with inline
//! `process`, and JSON Lines of spans or traces. Rules: times are µs; the parent is a
//! `CHILD_OF` reference in the same trace (else the first `CHILD_OF`); a span with only a
//! `FOLLOWS_FROM` reference nests under it, flagged, and is never on its critical path; logs become events (name = the `event` field); tags
//! keep their declared type (`int64` as text stays exact); `error` = true or
//! `otel.status_code` = ERROR marks a failure; ids that are not hex are hashed (ids.rs).

use super::builder::{SpanDraft, TraceBuilder};
use super::json_value::value_attr;
use crate::model::{
    AttrValue, Attribute, DiagnosticKind, FileIdx, Resource, ResourceIdx, Severity, SpanEvent,
    SpanId, SpanKind, StatusCode, StrIdx, TimestampNs, TraceId,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::BTreeMap;

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
    timestamp: Option<i64>,
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
    start_time: Option<i64>,
    #[serde(default)]
    duration: Option<i64>,
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
pub fn read_record(
    b: &mut TraceBuilder,
    source: FileIdx,
    line: u32,
    bytes: &[u8],
) -> Result<(), serde_json::Error> {
    let no_processes = BTreeMap::new();
    if super::detect::is_array(bytes) {
        return read_span_list(
            b,
            source,
            line,
            serde_json::from_slice(bytes)?,
            &no_processes,
            None,
        );
    }
    let top: BTreeMap<String, &RawValue> = serde_json::from_slice(bytes)?;
    let traces: Vec<JTrace> = match top.get("data") {
        Some(data) if data.get().starts_with('[') => serde_json::from_str(data.get())?,
        Some(data) if data.get().starts_with('{') => vec![serde_json::from_str(data.get())?],
        _ if top.contains_key("spans") => vec![serde_json::from_slice(bytes)?],
        _ if top.contains_key("spanID") => {
            return read_span_list(
                b,
                source,
                line,
                vec![serde_json::from_slice(bytes)?],
                &no_processes,
                None,
            )
        }
        _ => return Err(serde::de::Error::custom("no Jaeger trace or span here")),
    };
    for trace in traces {
        read_span_list(
            b,
            source,
            line,
            trace.spans,
            &trace.processes,
            trace.trace_id.as_deref(),
        )?;
    }
    Ok(())
}

fn tag_value(b: &mut TraceBuilder, t: &Tag) -> Option<AttrValue> {
    let v = value_attr(b, &t.value)?;
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
    b.resource(&text, |b| {
        let service_key = b.intern("service.name");
        let service_name = b.intern(p.service_name.as_deref().unwrap_or(""));
        let mut attributes = vec![Attribute {
            key: service_key,
            value: AttrValue::Str(service_name),
        }];
        for t in &p.tags {
            let key = b.intern(&t.key);
            if let Some(value) = tag_value(b, t) {
                attributes.push(Attribute { key, value });
            }
        }
        Resource {
            service_name,
            attributes,
        }
    })
}

fn read_span_list(
    b: &mut TraceBuilder,
    source: FileIdx,
    line: u32,
    spans: Vec<JSpan>,
    processes: &BTreeMap<String, Process>,
    trace_hint: Option<&str>,
) -> Result<(), serde_json::Error> {
    // the resource of each process id, built once per list (a trace names its processes once)
    let mut process_cache: std::collections::HashMap<String, ResourceIdx> =
        std::collections::HashMap::new();
    for s in spans {
        let reject = |b: &mut TraceBuilder, kind: DiagnosticKind, what: String| {
            b.diagnose(
                Severity::Error,
                kind,
                source,
                Some(line),
                format!("Jaeger span {what}; span skipped"),
            );
        };
        let Some(trace_id) = s
            .trace_id
            .as_deref()
            .or(trace_hint)
            .and_then(TraceId::from_external)
        else {
            reject(
                b,
                DiagnosticKind::MissingField,
                format!("{:?}: missing traceID", s.span_id),
            );
            continue;
        };
        let Some(span_id) = s.span_id.as_deref().and_then(SpanId::from_external) else {
            reject(b, DiagnosticKind::MissingField, "without spanID".into());
            continue;
        };
        let Some(start_us) = s.start_time else {
            reject(
                b,
                DiagnosticKind::MissingField,
                format!("{span_id}: missing startTime"),
            );
            continue;
        };
        let start = TimestampNs(start_us.saturating_mul(1000));
        let end = start.plus(crate::model::DurationNs(
            s.duration.unwrap_or(0).saturating_mul(1000),
        ));
        let refs = s.references.unwrap_or_default();
        let child_of: Vec<&Reference> = refs
            .iter()
            .filter(|r| r.ref_type.as_deref().unwrap_or("CHILD_OF") == "CHILD_OF")
            .collect();
        let mut flags = crate::model::SpanFlags::default();
        let parent = match child_of
            .iter()
            .find(|r| r.trace_id.as_deref().and_then(TraceId::from_external) == Some(trace_id))
            .or_else(|| child_of.first())
            .and_then(|r| r.span_id.as_deref().and_then(SpanId::from_external))
        {
            Some(p) => p,
            None => match refs
                .first()
                .and_then(|r| r.span_id.as_deref().and_then(SpanId::from_external))
            {
                Some(p) => {
                    flags.insert(crate::model::SpanFlags::FOLLOWS_FROM);
                    p
                }
                None => SpanId(0),
            },
        };
        let name = b.intern(s.operation_name.as_deref().unwrap_or("(unnamed)"));
        let marks = (b.attr_mark(), b.event_mark(), b.link_mark());
        let mut kind = SpanKind::Unspecified;
        let mut status = StatusCode::Unset;
        let mut status_message = StrIdx(0);
        for t in s.tags.iter().flatten() {
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
                "span.kind" => kind = SpanKind::parse_name(&text(b)).unwrap_or_default(),
                "error" if text(b).eq_ignore_ascii_case("true") => status = StatusCode::Error,
                "otel.status_code" => match text(b).as_str() {
                    "ERROR" => status = StatusCode::Error,
                    "OK" if status != StatusCode::Error => status = StatusCode::Ok,
                    _ => {}
                },
                "otel.status_description" => status_message = b.intern(&text(b)),
                _ => {}
            }
            b.push_attr(key, value);
        }
        let attributes = marks.0..b.attr_mark();
        for l in s.logs.iter().flatten() {
            let time = l
                .timestamp
                .map_or(start, |us| TimestampNs(us.saturating_mul(1000)));
            let event_name = l
                .fields
                .iter()
                .find(|f| f.key == "event")
                .and_then(|f| f.value.as_str().map(str::to_string));
            let name = b.intern(event_name.as_deref().unwrap_or("log"));
            let a0 = b.attr_mark();
            for f in &l.fields {
                let key = b.intern(&f.key);
                if let Some(value) = tag_value(b, f) {
                    b.push_attr(key, value);
                }
            }
            let attributes = a0..b.attr_mark();
            b.push_event(SpanEvent {
                time,
                name,
                attributes,
            });
        }
        let events = marks.1..b.event_mark();
        let resource = match (
            &s.process,
            s.process_id
                .as_deref()
                .and_then(|p| processes.get(p).map(|proc_| (p, proc_))),
        ) {
            (Some(inline), _) => process_resource(b, "inline", inline),
            (None, Some((key, p))) => match process_cache.get(key) {
                Some(r) => *r,
                None => {
                    let r = process_resource(b, key, p);
                    process_cache.insert(key.to_string(), r);
                    r
                }
            },
            (None, None) => ResourceIdx(0),
        };
        let draft = SpanDraft::new(b, (trace_id, span_id), name, (start, end), (source, line));
        b.add_span(SpanDraft {
            parent_span_id: parent,
            kind,
            status,
            status_message,
            attributes,
            events,
            resource,
            flags,
            ..draft
        });
    }
    Ok(())
}
