//! OpenTelemetry Python SDK `ReadableSpan.to_json()` records (FlowMesh `spans.jsonl`, the
//! console exporter's pretty output): FORMATS.md §3. Rows are read into types mirroring the
//! file, then converted. Required: `context.trace_id`, `context.span_id`, `start_time`,
//! `end_time`; everything else is optional (FlowMesh's own test rows omit most of it).

use super::builder::{SpanDraft, TraceBuilder};
use super::json_value::{attr_value, Entries};
use crate::model::{
    time::parse_iso8601, AttrValue, DiagnosticKind, FileIdx, Resource, ResourceIdx, Severity,
    SpanEvent, SpanId, SpanKind, SpanLink, StatusCode, StrIdx, TraceId,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

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

/// Why a record could not be read as a span.
pub enum RowError {
    /// Not JSON, or not this shape (decided by the caller from the serde error).
    Serde(serde_json::Error),
    /// The row was read but is unusable; already diagnosed.
    Rejected,
}

/// Reads one `to_json()` record and adds it to the builder.
pub fn read_span(
    b: &mut TraceBuilder,
    source: FileIdx,
    line: u32,
    bytes: &[u8],
) -> Result<(), RowError> {
    let row: SpanRow = serde_json::from_slice(bytes).map_err(RowError::Serde)?;
    let reject = |b: &mut TraceBuilder, kind: DiagnosticKind, message: String| {
        b.diagnose(
            Severity::Error,
            kind,
            source,
            Some(line),
            format!("{message}; span skipped"),
        );
        Err(RowError::Rejected)
    };
    let trace_id = match row.context.trace_id.as_deref() {
        None => {
            return reject(
                b,
                DiagnosticKind::MissingField,
                "missing context.trace_id".into(),
            )
        }
        Some(t) => match TraceId::parse_hex(t) {
            Some(id) => id,
            None => {
                return reject(
                    b,
                    DiagnosticKind::BadValue,
                    format!("context.trace_id {t:?} is not a hex id"),
                )
            }
        },
    };
    let span_id = match row.context.span_id.as_deref() {
        None => {
            return reject(
                b,
                DiagnosticKind::MissingField,
                "missing context.span_id".into(),
            )
        }
        Some(t) => match SpanId::parse_hex(t) {
            Some(id) => id,
            None => {
                return reject(
                    b,
                    DiagnosticKind::BadValue,
                    format!("context.span_id {t:?} is not a hex id"),
                )
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
                return reject(
                    b,
                    DiagnosticKind::MissingField,
                    format!("span {span_id}: missing {field}"),
                )
            }
            Some(text) => match parse_iso8601(text) {
                Some(t) => *slot = Some(t),
                None => {
                    return reject(
                        b,
                        DiagnosticKind::BadValue,
                        format!("span {span_id}: {field} {text:?} is not an ISO-8601 time"),
                    )
                }
            },
        }
    }
    let (Some(start), Some(end)) = (times[0], times[1]) else {
        return Err(RowError::Rejected);
    };
    let parent_span_id = match row.parent_id.as_deref() {
        None | Some("") => SpanId(0),
        Some(p) => SpanId::parse_hex(p).unwrap_or_else(|| {
            b.diagnose(
                Severity::Repaired,
                DiagnosticKind::BadValue,
                source,
                Some(line),
                format!("span {span_id}: parent_id {p:?} is not a hex id; shown as a root"),
            );
            SpanId(0)
        }),
    };
    if b.has_span(trace_id, span_id) {
        // let the builder report it, without reading the rest of the row
        let name = b.intern("");
        b.add_span(SpanDraft::new(
            b,
            (trace_id, span_id),
            name,
            (start, end),
            (source, line),
        ));
        return Ok(());
    }
    let name = match row.name.as_deref() {
        Some(n) => b.intern(n),
        None => {
            b.diagnose(
                Severity::Repaired,
                DiagnosticKind::MissingField,
                source,
                Some(line),
                format!("span {span_id}: missing name; shown as \"(unnamed)\""),
            );
            b.intern("(unnamed)")
        }
    };
    let marks = (b.attr_mark(), b.event_mark(), b.link_mark());
    let mut d = SpanDraft {
        parent_span_id,
        ..SpanDraft::new(b, (trace_id, span_id), name, (start, end), (source, line))
    };
    let type_key = b.intern("flowmesh.type");
    let kind_key = b.intern("flowmesh.kind");
    let mut kind_alias = StrIdx(0);
    for (k, v) in &row.attributes.0 {
        let key = b.intern(k);
        if let Some(value) = attr_value(b, v) {
            if let AttrValue::Str(s) = value {
                if key == type_key {
                    d.span_type = s;
                } else if key == kind_key {
                    kind_alias = s;
                }
            }
            b.push_attr(key, value);
        }
    }
    if d.span_type == StrIdx(0) {
        d.span_type = kind_alias;
    }
    d.attributes = marks.0..b.attr_mark();
    for e in row.events.iter().flatten() {
        let time = e
            .timestamp
            .as_deref()
            .and_then(parse_iso8601)
            .unwrap_or(start);
        let name = b.intern(e.name.as_deref().unwrap_or("(unnamed event)"));
        let a0 = b.attr_mark();
        push_entries(b, &e.attributes);
        let attributes = a0..b.attr_mark();
        b.push_event(SpanEvent {
            time,
            name,
            attributes,
        });
    }
    d.events = marks.1..b.event_mark();
    for l in row.links.iter().flatten() {
        let Some(ctx) = &l.context else { continue };
        let (Some(t), Some(s)) = (
            ctx.trace_id.as_deref().and_then(TraceId::parse_hex),
            ctx.span_id.as_deref().and_then(SpanId::parse_hex),
        ) else {
            continue;
        };
        let a0 = b.attr_mark();
        push_entries(b, &l.attributes);
        let attributes = a0..b.attr_mark();
        b.push_link(SpanLink {
            trace_id: t,
            span_id: s,
            attributes,
        });
    }
    d.links = marks.2..b.link_mark();
    d.kind = row
        .kind
        .as_deref()
        .and_then(SpanKind::parse_name)
        .unwrap_or_default();
    if let Some(st) = &row.status {
        d.status = match st.status_code.as_deref() {
            Some("ERROR") | Some("STATUS_CODE_ERROR") => StatusCode::Error,
            Some("OK") | Some("STATUS_CODE_OK") => StatusCode::Ok,
            _ => StatusCode::Unset,
        };
        if let Some(desc) = st.description.as_deref() {
            d.status_message = b.intern(desc);
        }
    }
    if let Some(raw) = row.resource {
        d.resource = read_resource(b, raw);
    }
    b.add_span(d);
    Ok(())
}

fn push_entries(b: &mut TraceBuilder, entries: &Entries<'_>) {
    for (k, v) in &entries.0 {
        let key = b.intern(k);
        if let Some(value) = attr_value(b, v) {
            b.push_attr(key, value);
        }
    }
}

/// The resource for this exact text; parsed once per distinct resource.
fn read_resource(b: &mut TraceBuilder, raw: &RawValue) -> ResourceIdx {
    b.resource(raw.get(), |b| {
        let row: ResourceRow = serde_json::from_str(raw.get()).unwrap_or(ResourceRow {
            attributes: Entries::default(),
        });
        let mut attributes = Vec::new();
        let mut service_name = StrIdx(0);
        let service_key = b.intern("service.name");
        for (k, v) in &row.attributes.0 {
            let key = b.intern(k);
            if let Some(value) = attr_value(b, v) {
                if let (true, AttrValue::Str(s)) = (key == service_key, value) {
                    service_name = s;
                }
                attributes.push(crate::model::Attribute { key, value });
            }
        }
        Resource {
            service_name,
            attributes,
        }
    })
}

/// Ensures resource 0 exists (the "no resource" entry) so every span's resource index is valid.
pub fn ensure_empty_resource(b: &mut TraceBuilder) {
    b.resource("", |_| Resource {
        service_name: StrIdx(0),
        attributes: Vec::new(),
    });
}
