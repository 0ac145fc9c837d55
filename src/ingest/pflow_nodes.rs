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

use super::builder::TraceBuilder;
use super::toolkit::{attr_from_json, push_json_attrs, RecordCx, TimeField, TIME_RANGE, UNNAMED};
use crate::model::{
    DiagnosticKind, ResourceIdx, SpanFlags, SpanId, StatusCode, StrIdx, TimestampNs, TraceId,
};
use serde_json::{Map, Value};

/// What every span of one run shares.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run {
    /// The run's trace id (`execution_id`).
    pub trace_id: TraceId,
    /// `service.name` = the workflow name.
    pub resource: ResourceIdx,
}

/// Where a record goes: its span id, its parent, the path its children's ids derive from (its
/// line is the `RecordCx` line).
#[derive(Debug, Clone)]
pub(crate) struct Placement {
    /// The span's id.
    pub span_id: SpanId,
    /// Its parent's id.
    pub parent: SpanId,
    /// Path of the record inside the run (`3`, `3/b1/e0`, `n2/s0`), unique per run.
    pub path: String,
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
    pub flags: SpanFlags,
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

/// A naive local ISO time (`2026-12-01T18:57:57.268046`, or without the fraction) as ns, read as
/// if it were UTC (the source records that its clock is naive local time).
pub(crate) fn time_of(v: Option<&Value>) -> Option<TimestampNs> {
    crate::model::time::parse_iso8601(v?.as_str()?)
}

/// A record's `duration_ms` in ns (0 when it has none or an unreadable one: cached nodes write
/// 0.0); `Err` (what to report) when it is out of range.
pub(crate) fn duration_ns(obj: &Map<String, Value>) -> Result<i64, String> {
    match TimeField::from_json(obj.get("duration_ms"), 1_000_000) {
        TimeField::Ns(d) => Ok(d),
        TimeField::OutOfRange(v) => Err(format!("duration_ms {v} is out of range ({TIME_RANGE})")),
        TimeField::Missing | TimeField::Unreadable(_) => Ok(0),
    }
}

/// A record's times: it ended at `timestamp` after `duration_ms`; `Err` says why it has none
/// (no timestamp, or one out of range, or a start before what ns times hold).
pub(crate) fn times_of(obj: &Map<String, Value>) -> Result<(TimestampNs, TimestampNs), String> {
    let text = obj.get("timestamp").and_then(Value::as_str);
    let end = match TimeField::from_iso(text) {
        TimeField::Ns(ns) => ns,
        TimeField::OutOfRange(v) => {
            return Err(format!("timestamp {v} is out of range ({TIME_RANGE})"))
        }
        TimeField::Missing | TimeField::Unreadable(_) => {
            return Err("has no readable timestamp".into())
        }
    };
    let start = end
        .checked_sub(duration_ns(obj)?)
        .ok_or_else(|| format!("timestamp minus duration_ms is out of range ({TIME_RANGE})"))?;
    Ok((TimestampNs(start), TimestampNs(end)))
}

/// Reports a run-level time (`start_time`, `end_time`) that is there but unusable; `fallback`
/// says what is used instead.
pub(crate) fn report_run_time(
    cx: &mut RecordCx<'_>,
    obj: &Map<String, Value>,
    key: &str,
    fallback: &str,
) {
    let why = match TimeField::from_iso(obj.get(key).and_then(Value::as_str)) {
        TimeField::OutOfRange(v) => format!("{v} is out of range ({TIME_RANGE})"),
        TimeField::Unreadable(why) => why,
        TimeField::Missing if obj.get(key).is_some_and(|v| !v.is_null()) => "is not a text".into(),
        TimeField::Ns(_) | TimeField::Missing => return,
    };
    cx.repair(
        DiagnosticKind::BadValue,
        format!("pflow run {key} {why}; {fallback}"),
    );
}

/// Runs `go` with the context's line set to `line` (that of a record read earlier: a run's
/// meta line, a node's `node.start`), then puts the current line back.
pub(crate) fn at_line<R>(
    cx: &mut RecordCx<'_>,
    line: u32,
    go: impl FnOnce(&mut RecordCx<'_>) -> R,
) -> R {
    let current = std::mem::replace(&mut cx.line, line);
    let r = go(cx);
    cx.line = current;
    r
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
        if let Some(value) = attr_from_json(b, v) {
            b.push_attr(key, value);
        }
    }
    a0..b.attr_mark()
}

/// Pushes the notes as span events (their fields as attributes).
pub(crate) fn push_notes(b: &mut TraceBuilder, notes: &[Note]) {
    for n in notes {
        let attributes = push_json_attrs(b, &n.fields);
        let name = b.intern(&n.name);
        b.add_event(n.time, name, attributes);
    }
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

/// One span, from a record's own fields (`name` already interned).
#[allow(clippy::too_many_arguments)] // the span's facts, each from a different place
fn emit_span(
    cx: &mut RecordCx<'_>,
    run: &Run,
    place: &Placement,
    name: StrIdx,
    obj: &Map<String, Value>,
    times: (TimestampNs, TimestampNs),
    span_type: &str,
    mut extras: Extras,
) {
    let (status, message) = node_status(obj, extras.error.as_deref());
    if is_cached(obj) {
        extras.attrs.push(("cached", Value::Bool(true)));
    }
    let mut d = cx.draft((run.trace_id, place.span_id), name, times);
    d.attributes = push_fields(cx.b, obj, &[], &extras.attrs);
    push_notes(cx.b, &extras.notes);
    if !span_type.is_empty() {
        d.span_type = cx.b.intern(span_type);
    }
    cx.set_status(&mut d, Some(status), message.as_deref());
    d.parent_span_id = place.parent;
    d.resource = run.resource;
    d.flags = extras.flags;
    cx.upsert(d);
}

/// A node record (an event, an embedded event or a legacy entry) and everything nested in it.
/// `None` (with a diagnostic) when it has no readable time.
pub(crate) fn emit_node(
    cx: &mut RecordCx<'_>,
    run: &Run,
    place: &Placement,
    obj: &Map<String, Value>,
    extras: Extras,
) -> Option<(TimestampNs, TimestampNs)> {
    let node_id = obj.get("node_id").and_then(Value::as_str);
    let times = match (extras.times, times_of(obj)) {
        (Some(times), _) | (None, Ok(times)) => times,
        (None, Err(why)) => {
            let name = node_id.unwrap_or(UNNAMED);
            let m = format!("pflow node {name:?} {why}; node skipped");
            cx.skip(DiagnosticKind::BadValue, m);
            return None;
        }
    };
    let name = cx.span_name(node_id, place.span_id);
    let node_type = obj.get("node_type").and_then(Value::as_str).unwrap_or("");
    let span_type = span_type_of(node_type);
    emit_span(cx, run, place, name, obj, times, span_type, extras);
    let host = Host {
        place,
        name: node_id.unwrap_or(UNNAMED),
        obj,
        start: times.0,
        span_type,
    };
    emit_batch(cx, run, &host);
    let children = obj.get("sub_workflow_events").and_then(Value::as_array);
    for (k, child) in children.into_iter().flatten().enumerate() {
        if let Value::Object(child) = child {
            let path = format!("{}/s{k}", place.path);
            let at = Placement {
                span_id: synthetic_id(&path),
                parent: place.span_id,
                path,
            };
            emit_node(cx, run, &at, child, Extras::default());
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
        .filter_map(|e| times_of(e).ok().map(|(start, _)| start))
        .min()
}

/// A node whose batch items become its children.
struct Host<'a> {
    place: &'a Placement,
    name: &'a str,
    obj: &'a Map<String, Value>,
    start: TimestampNs,
    span_type: &'a str,
}

/// The batch items of a host, as its children, by index.
fn emit_batch(cx: &mut RecordCx<'_>, run: &Run, host: &Host<'_>) {
    let Some(items) = host.obj.get("batch_items").and_then(Value::as_array) else {
        return;
    };
    let meta = host
        .obj
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
    let mut cursor = host.start;
    for (index, item) in items {
        let mut extras = Extras::default();
        let start = if parallel {
            first_event_start(item).unwrap_or_else(|| {
                // a parallel item's start is not recorded: its host's start is the only bound
                extras.attrs.push(("start_estimated", Value::Bool(true)));
                host.start
            })
        } else {
            cursor
        };
        let end = duration_ns(item).and_then(|d| {
            start
                .0
                .checked_add(d)
                .ok_or_else(|| format!("its end is out of range ({TIME_RANGE})"))
        });
        let end = match end {
            Ok(end) => TimestampNs(end),
            Err(why) => {
                let m = format!(
                    "pflow batch item {}[{index}]: {why}; item skipped",
                    host.name
                );
                cx.skip(DiagnosticKind::BadValue, m);
                continue;
            }
        };
        cursor = end;
        let path = format!("{}/b{index}", host.place.path);
        let at = Placement {
            span_id: synthetic_id(&path),
            parent: host.place.span_id,
            path,
        };
        let name = cx.b.intern(&format!("{}[{index}]", host.name));
        let times = (start, end);
        emit_span(cx, run, &at, name, item, times, host.span_type, extras);
        let events = item.get("events").and_then(Value::as_array);
        for (k, e) in events.into_iter().flatten().enumerate() {
            if let Value::Object(e) = e {
                let path = format!("{}/e{k}", at.path);
                let child = Placement {
                    span_id: synthetic_id(&path),
                    parent: at.span_id,
                    path,
                };
                emit_node(cx, run, &child, e, Extras::default());
            }
        }
    }
}

/// The trace id of a run: its `execution_id` UUID without dashes (else hashed).
fn trace_id_of(execution_id: &str) -> TraceId {
    TraceId::parse_hex(&execution_id.replace('-', ""))
        .or_else(|| TraceId::from_external(execution_id))
        .unwrap_or(TraceId(1))
}

/// The name the workflow run is shown with when its record has no `workflow_name`.
const UNNAMED_RUN: &str = "pflow run";

/// What every span of a run shares, from its `execution_id` and `workflow_name` (a meta line, or
/// a legacy object's top level), and the run's name. Either missing is reported: without an
/// `execution_id` the run's spans share a made-up trace id, without a `workflow_name` it is
/// named "pflow run".
pub(crate) fn run_of(cx: &mut RecordCx<'_>, obj: &Map<String, Value>) -> (Run, String) {
    let text = |key: &str| {
        obj.get(key)
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
    };
    let execution_id = text("execution_id");
    let name = text("workflow_name");
    if execution_id.is_none() {
        cx.repair(
            DiagnosticKind::MissingField,
            "pflow run without an execution_id; the run's spans share a made-up trace id".into(),
        );
    }
    if name.is_none() {
        cx.repair(
            DiagnosticKind::MissingField,
            format!("pflow run without a workflow_name; named \"{UNNAMED_RUN}\""),
        );
    }
    let name = name.unwrap_or(UNNAMED_RUN).to_string();
    let run = Run {
        trace_id: trace_id_of(execution_id.unwrap_or("")),
        resource: cx.b.service_resource("pflow", &name),
    };
    (run, name)
}
