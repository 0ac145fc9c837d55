//! Spans of pflow node records (FORMATS.md §14.6, §14.8), shared by the JSON Lines reader
//! (`pflow`) and the older one-object reader (`pflow_legacy`): a node entry becomes a span, each
//! of its batch items a child span, and events embedded in an item or a sub-workflow host spans
//! under them, recursively. Invariants: `end = timestamp`, `start = end - duration_ms`; times
//! are naive local times kept as written (stored as if UTC); every field of a record that is not
//! structure becomes a `pflow.<key>` attribute, so nothing written is lost.
//!
//! ```text
//! run (root: workflow name, final status)
//!  +- node            one per event `id` (JSONL) or entry (legacy)
//!  |   +- node[0]     batch items, by index: sequential = back to back from the host's start,
//!  |   |   +- child   parallel = from their first embedded event (else the host's start)
//!  |   +- child       sub-workflow children (`parent_id`, or `sub_workflow_events`)
//! ```

use super::builder::{SpanDraft, TraceBuilder};
use super::json_value::value_attr;
use crate::model::{
    DiagnosticKind, FileIdx, ResourceIdx, Severity, SpanEvent, SpanFlags, SpanId, StatusCode,
    StrIdx, TimestampNs, TraceId,
};
use serde_json::{Map, Value};

/// What every span of one run shares.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run {
    /// The run's trace id (`execution_id`).
    pub trace_id: TraceId,
    /// `service.name` = the workflow name.
    pub resource: ResourceIdx,
    /// The source being read.
    pub source: FileIdx,
}

/// Where a record goes: its span id, its parent, the path its children's ids derive from.
#[derive(Debug, Clone)]
pub(crate) struct Placement {
    /// The span's id.
    pub span_id: SpanId,
    /// Its parent's id.
    pub parent: SpanId,
    /// Path of the record inside the run (`3`, `3/b1/e0`, `n2/s0`), unique per run.
    pub path: String,
    /// 1-based line of the record.
    pub line: u32,
}

/// A span event to put on a node (a gate's pause or resolution).
#[derive(Debug, Clone)]
pub(crate) struct Note {
    /// Event name.
    pub name: String,
    /// When it happened (the file's latest time when it was written: gates carry none).
    pub time: TimestampNs,
    /// Its fields, as attributes.
    pub fields: Map<String, Value>,
}

/// What a reader adds to a node beyond its own fields.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extras {
    /// Attributes (`pflow.<key>`) the record does not hold itself (1.2.0 store diff).
    pub attrs: Vec<(&'static str, Value)>,
    /// The error message when the record has none of its own (1.2.0: `shared_after[node].error`).
    pub error: Option<String>,
    /// Events (gates) on this node.
    pub notes: Vec<Note>,
    /// Span flags (`RUNNING`).
    pub flags: u8,
    /// Start and end when the record has none (a node still running).
    pub times: Option<(TimestampNs, TimestampNs)>,
}

/// Record fields that are structure (ids, times, nesting) and not attributes.
const STRUCTURE: [&str; 16] = [
    "kind",
    "id",
    "seq",
    "parent_id",
    "run_id",
    "port",
    "ancestor_path",
    "timestamp",
    "duration_ms",
    "node_id",
    "batch_items",
    "events",
    "sub_workflow_events",
    "error",
    "shared_before",
    "shared_after",
];

/// A span id for a record without one: FNV-1a of `pflow:<path>` (never hex, so never read back
/// as a node's own `id + 1`).
pub(crate) fn synthetic_id(path: &str) -> SpanId {
    SpanId::from_external(&format!("pflow:{path}")).unwrap_or(SpanId(1))
}

/// Milliseconds (pflow's `duration_ms`, 2 decimals) as whole nanoseconds.
pub(crate) fn ns_from_ms(ms: f64) -> i64 {
    if ms.is_finite() {
        (ms * 1e6).round() as i64
    } else {
        0
    }
}

/// A naive local ISO time (`2026-12-01T18:57:57.268046`, or without the fraction) as ns, read as
/// if it were UTC (the source records that its clock is naive local time).
pub(crate) fn time_of(v: Option<&Value>) -> Option<TimestampNs> {
    crate::model::time::parse_iso8601(v?.as_str()?)
}

fn duration_ns(obj: &Map<String, Value>) -> i64 {
    obj.get("duration_ms")
        .and_then(Value::as_f64)
        .map_or(0, ns_from_ms)
}

/// The span type text for a pflow node class (the class itself stays in `pflow.node_type`).
pub(crate) fn span_type_of(node_type: &str) -> &'static str {
    match node_type {
        "" => "",
        "LLMNode" => "LLM",
        "WorkflowExecutor" => "WORKFLOW",
        t if t.contains("Agent") => "AGENT",
        _ => "TOOL",
    }
}

/// Pushes every non-structure field as `pflow.<key>` (nulls are skipped); then `extras`.
pub(crate) fn push_fields(
    b: &mut TraceBuilder,
    obj: &Map<String, Value>,
    skip: &[&str],
    extras: &[(&'static str, Value)],
) -> std::ops::Range<u32> {
    let a0 = b.attr_mark();
    let fields = obj
        .iter()
        .filter(|(k, _)| !STRUCTURE.contains(&k.as_str()) && !skip.contains(&k.as_str()))
        .map(|(k, v)| (k.as_str(), v))
        .chain(extras.iter().map(|(k, v)| (*k, v)));
    for (k, v) in fields {
        let key = b.intern(&format!("pflow.{k}"));
        if let Some(value) = value_attr(b, v) {
            b.push_attr(key, value);
        }
    }
    a0..b.attr_mark()
}

pub(crate) fn push_notes(b: &mut TraceBuilder, notes: &[Note]) -> std::ops::Range<u32> {
    let e0 = b.event_mark();
    for n in notes {
        let a0 = b.attr_mark();
        for (k, v) in &n.fields {
            let key = b.intern(k);
            if let Some(value) = value_attr(b, v) {
                b.push_attr(key, value);
            }
        }
        let name = b.intern(&n.name);
        let attributes = a0..b.attr_mark();
        b.push_event(SpanEvent {
            time: n.time,
            name,
            attributes,
        });
    }
    e0..b.event_mark()
}

/// Status of a node record: `failed` (2.x `status`, legacy `success: false`) is ERROR with its
/// message; `success` / `cached` is OK; `running` is UNSET. Also says whether it was cached.
fn node_status(obj: &Map<String, Value>, fallback: Option<&str>) -> (StatusCode, Option<String>) {
    let status = obj.get("status").and_then(Value::as_str);
    let failed = status == Some("failed") || obj.get("success") == Some(&Value::Bool(false));
    if failed {
        let message = obj
            .get("error")
            .and_then(Value::as_str)
            .or_else(|| obj.get("node_output")?.get("error")?.as_str())
            .or(fallback)
            .unwrap_or("failed")
            .trim_end()
            .to_string();
        return (StatusCode::Error, Some(message));
    }
    match status {
        Some("running") => (StatusCode::Unset, None),
        _ => (StatusCode::Ok, None),
    }
}

/// True for a memo-cache hit or a node restored by `pflow resume` (no work was done).
pub(crate) fn is_cached(obj: &Map<String, Value>) -> bool {
    obj.get("status").and_then(Value::as_str) == Some("cached")
        || obj.get("cached") == Some(&Value::Bool(true))
}

/// One span, from a record's own fields.
#[allow(clippy::too_many_arguments)] // the span's facts, each from a different place
fn emit_span(
    b: &mut TraceBuilder,
    run: &Run,
    place: &Placement,
    name: &str,
    obj: &Map<String, Value>,
    times: (TimestampNs, TimestampNs),
    span_type: &str,
    mut extras: Extras,
) {
    let (status, message) = node_status(obj, extras.error.as_deref());
    if is_cached(obj) {
        extras.attrs.push(("cached", Value::Bool(true)));
    }
    let attributes = push_fields(b, obj, &[], &extras.attrs);
    let events = push_notes(b, &extras.notes);
    let name = b.intern(name);
    let span_type = if span_type.is_empty() {
        StrIdx(0)
    } else {
        b.intern(span_type)
    };
    let status_message = message.map_or(StrIdx(0), |m| b.intern(&m));
    let draft = SpanDraft::new(
        b,
        (run.trace_id, place.span_id),
        name,
        times,
        (run.source, place.line),
    );
    b.upsert_span(SpanDraft {
        parent_span_id: place.parent,
        span_type,
        status,
        status_message,
        attributes,
        events,
        resource: run.resource,
        flags: SpanFlags(extras.flags),
        ..draft
    });
}

/// A node record (an event, an embedded event or a legacy entry) and everything nested in it.
/// `None` (with a diagnostic) when it has no readable time.
pub(crate) fn emit_node(
    b: &mut TraceBuilder,
    run: &Run,
    place: &Placement,
    obj: &Map<String, Value>,
    extras: Extras,
) -> Option<(TimestampNs, TimestampNs)> {
    let name = obj
        .get("node_id")
        .and_then(Value::as_str)
        .unwrap_or("(unnamed)");
    let recorded =
        time_of(obj.get("timestamp")).map(|end| (TimestampNs(end.0 - duration_ns(obj)), end));
    let Some(times) = extras.times.or(recorded) else {
        b.diagnose(
            Severity::Error,
            DiagnosticKind::BadValue,
            run.source,
            Some(place.line),
            format!("pflow node {name:?} has no readable timestamp; node skipped"),
        );
        return None;
    };
    let node_type = obj.get("node_type").and_then(Value::as_str).unwrap_or("");
    let span_type = span_type_of(node_type);
    emit_span(b, run, place, name, obj, times, span_type, extras);
    emit_batch(b, run, place, name, obj, times.0, span_type);
    let children = obj.get("sub_workflow_events").and_then(Value::as_array);
    for (k, child) in children.into_iter().flatten().enumerate() {
        if let Value::Object(child) = child {
            let path = format!("{}/s{k}", place.path);
            let at = Placement {
                span_id: synthetic_id(&path),
                parent: place.span_id,
                path,
                line: place.line,
            };
            emit_node(b, run, &at, child, Extras::default());
        }
    }
    Some(times)
}

/// Earliest start among a batch item's embedded events.
fn first_event_start(item: &Map<String, Value>) -> Option<TimestampNs> {
    let events = item.get("events").and_then(Value::as_array)?;
    events
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|e| Some(TimestampNs(time_of(e.get("timestamp"))?.0 - duration_ns(e))))
        .min()
}

/// The batch items of a host, as its children, by index.
fn emit_batch(
    b: &mut TraceBuilder,
    run: &Run,
    host: &Placement,
    host_name: &str,
    host_obj: &Map<String, Value>,
    host_start: TimestampNs,
    span_type: &str,
) {
    let Some(items) = host_obj.get("batch_items").and_then(Value::as_array) else {
        return;
    };
    let meta = host_obj
        .get("node_output")
        .and_then(|o| o.get("batch_metadata"));
    let parallel = meta
        .and_then(|m| m.get("execution_mode"))
        .and_then(Value::as_str)
        == Some("parallel")
        || meta.and_then(|m| m.get("parallel")) == Some(&Value::Bool(true));
    // parallel items are written in completion order: by index, as pflow's own reader does
    let mut items: Vec<(i64, &Map<String, Value>)> = items
        .iter()
        .filter_map(Value::as_object)
        .enumerate()
        .map(|(k, o)| {
            (
                o.get("index").and_then(Value::as_i64).unwrap_or(k as i64),
                o,
            )
        })
        .collect();
    items.sort_by_key(|(index, _)| *index);
    let mut cursor = host_start;
    for (index, item) in items {
        let duration = duration_ns(item);
        let mut extras = Extras::default();
        let start = if parallel {
            first_event_start(item).unwrap_or_else(|| {
                // a parallel item's start is not recorded: its host's start is the only bound
                extras.attrs.push(("start_estimated", Value::Bool(true)));
                host_start
            })
        } else {
            cursor
        };
        cursor = TimestampNs(cursor.0 + duration);
        let path = format!("{}/b{index}", host.path);
        let at = Placement {
            span_id: synthetic_id(&path),
            parent: host.span_id,
            path,
            line: host.line,
        };
        let name = format!("{host_name}[{index}]");
        let times = (start, TimestampNs(start.0 + duration));
        emit_span(b, run, &at, &name, item, times, span_type, extras);
        let events = item.get("events").and_then(Value::as_array);
        for (k, e) in events.into_iter().flatten().enumerate() {
            if let Value::Object(e) = e {
                let path = format!("{}/e{k}", at.path);
                let child = Placement {
                    span_id: synthetic_id(&path),
                    parent: at.span_id,
                    path,
                    line: host.line,
                };
                emit_node(b, run, &child, e, Extras::default());
            }
        }
    }
}

/// The trace id of a run: its `execution_id` UUID without dashes (else hashed).
pub(crate) fn trace_id_of(execution_id: &str) -> TraceId {
    TraceId::parse_hex(&execution_id.replace('-', ""))
        .or_else(|| TraceId::from_external(execution_id))
        .unwrap_or(TraceId(1))
}
