//! OpenTelemetry Python SDK `ReadableSpan.to_json()` records (FlowMesh `spans.jsonl`, the
//! console exporter's pretty output): FORMATS.md §3. Rows are read into types mirroring the
//! file, then converted. Required: `context.trace_id`, `context.span_id`, `start_time`,
//! `end_time`; everything else is optional (FlowMesh's own test rows omit most of it).

use super::detect::Keys;
use super::formats::Reader;
use super::toolkit::{attr_from_raw, push_raw_attrs, Entries, RecordCx, TimeField, TIME_RANGE};
use crate::model::iso8601::{self, IsoError};
use crate::model::{
    Attribute, DiagnosticKind, ResourceIdx, SpanId, SpanKind, StatusCode, TimestampNs, TraceId,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// The OTel SDK span reader: objects with `context` and `start_time`.
pub const READER: Reader = Reader::new(
    "OTel SDK spans",
    |k: &Keys| k.has_all(&["context", "start_time"]),
    read_span,
);

#[derive(Deserialize)]
struct ContextRow<'a> {
    #[serde(borrow)]
    trace_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    span_id: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct StatusRow<'a> {
    #[serde(borrow)]
    status_code: Option<Cow<'a, str>>,
    #[serde(borrow)]
    description: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct EventRow<'a> {
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    attributes: Entries<'a>,
}

#[derive(Deserialize)]
struct LinkRow<'a> {
    #[serde(borrow)]
    context: Option<ContextRow<'a>>,
    #[serde(borrow, default)]
    attributes: Entries<'a>,
}

#[derive(Deserialize)]
struct SpanRow<'a> {
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    context: ContextRow<'a>,
    #[serde(borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    parent_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    start_time: Option<Cow<'a, str>>,
    #[serde(borrow)]
    end_time: Option<Cow<'a, str>>,
    #[serde(borrow)]
    status: Option<StatusRow<'a>>,
    #[serde(borrow, default)]
    attributes: Entries<'a>,
    #[serde(borrow, default)]
    events: Option<Vec<EventRow<'a>>>,
    #[serde(borrow, default)]
    links: Option<Vec<LinkRow<'a>>>,
    #[serde(borrow)]
    resource: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct ResourceRow<'a> {
    #[serde(borrow, default)]
    attributes: Entries<'a>,
}

/// Reads one `to_json()` record and adds it to the builder.
fn read_span(cx: &mut RecordCx<'_>, bytes: &[u8]) -> Result<(), serde_json::Error> {
    let row: SpanRow = serde_json::from_slice(bytes)?;
    let Some((ids, times)) = identity(cx, &row) else {
        return Ok(());
    };
    if cx.b.has_span(ids.0, ids.1) {
        // let the builder report it, without reading the rest of the row
        let name = cx.b.intern("");
        let d = cx.draft(ids, name, times);
        cx.add(d);
        return Ok(());
    }
    let span_id = ids.1;
    let parent = cx.parent_id(
        row.parent_id.as_deref(),
        SpanId::parse_hex,
        span_id,
        "parent_id",
    );
    let name = cx.span_name(row.name.as_deref(), span_id);
    let mut d = cx.draft(ids, name, times);
    d.parent_span_id = parent;
    d.kind = row
        .kind
        .as_deref()
        .and_then(SpanKind::parse_name)
        .unwrap_or_default();
    d.attributes = push_raw_attrs(cx.b, &row.attributes);
    for e in row.events.iter().flatten() {
        let at = TimeField::from_iso(e.timestamp.as_deref());
        let time = cx.event_time_field(at, span_id, times.0);
        let name = cx.event_name(e.name.as_deref(), span_id);
        let attributes = push_raw_attrs(cx.b, &e.attributes);
        cx.b.add_event(time, name, attributes);
    }
    for l in row.links.iter().flatten() {
        let ids = l.context.as_ref().and_then(link_ids);
        cx.link(span_id, ids, |b| push_raw_attrs(b, &l.attributes));
    }
    if let Some(st) = &row.status {
        let code = st.status_code.as_deref().and_then(StatusCode::parse_name);
        cx.set_status(&mut d, code, st.description.as_deref());
    }
    if let Some(raw) = row.resource {
        d.resource = read_resource(cx, raw);
    }
    cx.add(d);
    Ok(())
}

fn link_ids(c: &ContextRow<'_>) -> Option<(TraceId, SpanId)> {
    Some((
        c.trace_id.as_deref().and_then(TraceId::parse_hex)?,
        c.span_id.as_deref().and_then(SpanId::parse_hex)?,
    ))
}

/// A span's start and end.
type Times = (TimestampNs, TimestampNs);

/// The ids and times every row needs, or `None` (the row skipped, reported).
fn identity(cx: &mut RecordCx<'_>, row: &SpanRow<'_>) -> Option<((TraceId, SpanId), Times)> {
    let skip = |cx: &mut RecordCx<'_>, kind: DiagnosticKind, message: String| {
        cx.skip(kind, format!("{message}; span skipped"));
        None
    };
    let trace_id = match row.context.trace_id.as_deref() {
        None => {
            return skip(
                cx,
                DiagnosticKind::MissingField,
                "missing context.trace_id".into(),
            )
        }
        Some(t) => match TraceId::parse_hex(t) {
            Some(id) => id,
            None => {
                let m = format!("context.trace_id {t:?} is not a hex id");
                return skip(cx, DiagnosticKind::BadValue, m);
            }
        },
    };
    let span_id = match row.context.span_id.as_deref() {
        None => {
            return skip(
                cx,
                DiagnosticKind::MissingField,
                "missing context.span_id".into(),
            )
        }
        Some(t) => match SpanId::parse_hex(t) {
            Some(id) => id,
            None => {
                let m = format!("context.span_id {t:?} is not a hex id");
                return skip(cx, DiagnosticKind::BadValue, m);
            }
        },
    };
    let mut times = [None, None];
    for (slot, (field, value)) in times
        .iter_mut()
        .zip([("start_time", &row.start_time), ("end_time", &row.end_time)])
    {
        match value.as_deref() {
            None => {
                let m = format!("span {span_id}: missing {field}");
                return skip(cx, DiagnosticKind::MissingField, m);
            }
            Some(text) => match iso8601::parse(text) {
                Ok(t) => *slot = Some(t),
                Err(IsoError::OutOfRange) => {
                    let m =
                        format!("span {span_id}: {field} {text:?} is out of range ({TIME_RANGE})");
                    return skip(cx, DiagnosticKind::BadValue, m);
                }
                Err(IsoError::Syntax(why)) => {
                    let m =
                        format!("span {span_id}: {field} {text:?} is not an ISO-8601 time ({why})");
                    return skip(cx, DiagnosticKind::BadValue, m);
                }
            },
        }
    }
    Some(((trace_id, span_id), (times[0]?, times[1]?)))
}

/// The resource for this exact text; parsed once per distinct resource (an unreadable one is
/// reported and kept empty).
fn read_resource(cx: &mut RecordCx<'_>, raw: &RawValue) -> ResourceIdx {
    let text = raw.get();
    if cx.b.has_resource(text) {
        return cx.b.resource_from(text, |_| Vec::new());
    }
    let row: ResourceRow = match serde_json::from_str(text) {
        Ok(row) => row,
        Err(e) => {
            cx.repair(
                DiagnosticKind::BadValue,
                format!("resource is not an object with attributes ({e}); spans keep no resource attributes"),
            );
            ResourceRow {
                attributes: Entries::default(),
            }
        }
    };
    cx.b.resource_from(text, |b| {
        let mut attributes = Vec::new();
        for (k, v) in &row.attributes.0 {
            let key = b.intern(k);
            if let Some(value) = attr_from_raw(b, v) {
                attributes.push(Attribute { key, value });
            }
        }
        attributes
    })
}
