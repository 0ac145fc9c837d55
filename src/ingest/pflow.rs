//! pflow workflow-run traces (FORMATS.md §14): JSON Lines written line by line while the run
//! executes (`meta`, `node.start`, `event`, `blob`, `gate`, `run.complete`), read as they arrive,
//! and the older one-object files (`pflow_legacy`). One trace per run (`execution_id`), a root
//! span for the run, one span per node execution (`pflow_nodes`). Invariants: a blob is resolved
//! when a line refers to it (its line always comes first); an `event` is final when read (a
//! re-written id replaces the earlier copy: the last wins); nodes started but not finished and a
//! run without `run.complete` are held in the source's scratch (`RunState`) and only
//! materialised by the reader's end hook (at the end of the source, or into a snapshot), marked
//! `RUNNING`, ending at the latest time the file reached.

use super::detect::Keys;
use super::formats::Reader;
use super::pflow_nodes::{
    at_line, emit_node, report_run_time, run_of, synthetic_id, time_of, times_of, Extras, Note,
    Placement, Run,
};
use super::pflow_run::{emit_run, RunSpan};
use super::toolkit::{RecordCx, TimeField, TIME_RANGE};
use crate::model::{Clock, Completion, DiagnosticKind, Severity, SpanFlags, SpanId, TimestampNs};
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The pflow reader: a JSON Lines run's `meta` line (`kind` + `pflow_trace`; the lines after it
/// are read as pflow because the source sticks to its kind), or an older one-object run
/// (`format_version` + `execution_id` + `nodes`, no `kind`).
pub const READER: Reader = Reader {
    label: "pflow trace",
    detect: |k: &Keys| {
        k.has_all(&["kind", "pflow_trace"])
            || (k.has_all(&["format_version", "execution_id", "nodes"]) && !k.has("kind"))
    },
    read,
    salvage: None,
    end: Some(end),
};

/// What a pflow source has said so far (per source, in `formats::SourceScratch`).
#[derive(Debug, Clone, Default)]
pub struct RunState {
    run: Option<Box<OpenRun>>,
}

/// A node that started and has not finished (a `node.start` without its `event` yet).
#[derive(Debug, Clone)]
struct Started {
    fields: Map<String, Value>,
    at: TimestampNs,
    line: u32,
}

#[derive(Debug, Clone)]
struct OpenRun {
    run: Run,
    root_id: SpanId,
    name: String,
    start: Option<TimestampNs>,
    /// Latest time any line so far carried: the "now" of the file.
    latest: TimestampNs,
    meta: Map<String, Value>,
    line: u32,
    blobs: FxHashMap<String, String>,
    running: BTreeMap<i64, Started>,
    finished: FxHashSet<i64>,
    /// Gates waiting for their node's event: (node id, event).
    gates: Vec<(String, Note)>,
    /// `run.complete`, once read.
    complete: Option<Map<String, Value>>,
}

fn data_error(message: &str) -> serde_json::Error {
    serde::de::Error::custom(message)
}

/// The span id of a JSONL node `id` (`id + 1`: span id 0 means none).
fn node_span_id(id: i64) -> SpanId {
    u64::try_from(id)
        .ok()
        .map(|i| SpanId(i + 1))
        .unwrap_or_else(|| synthetic_id(&format!("id{id}")))
}

/// Replaces every `{"$pflow_blob": md5}` object by the blob's string; collects unknown md5s.
fn resolve_blobs(v: &mut Value, blobs: &FxHashMap<String, String>, missing: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if m.len() == 1 {
                if let Some(Value::String(md5)) = m.get("$pflow_blob") {
                    match blobs.get(md5) {
                        Some(text) => *v = Value::String(text.clone()),
                        None => missing.push(md5.clone()),
                    }
                    return;
                }
            }
            for x in m.values_mut() {
                resolve_blobs(x, blobs, missing);
            }
        }
        Value::Array(items) => {
            for x in items {
                resolve_blobs(x, blobs, missing);
            }
        }
        _ => {}
    }
}

/// Reads one record of a pflow source (the run state is taken out of the scratch meanwhile).
fn read(cx: &mut RecordCx<'_>, bytes: &[u8]) -> Result<(), serde_json::Error> {
    let mut state = std::mem::take(&mut cx.scratch.pflow);
    let r = read_record(cx, bytes, &mut state);
    cx.scratch.pflow = state;
    r
}

/// The end hook: adds what the run holds unfinished (see `flush`).
fn end(cx: &mut RecordCx<'_>) {
    let state = std::mem::take(&mut cx.scratch.pflow);
    flush(cx, &state);
    cx.scratch.pflow = state;
}

/// Reads one record of a pflow source. `Err` when it is not a pflow record (so the caller can
/// try other shapes); every other problem is a diagnostic.
fn read_record(
    cx: &mut RecordCx<'_>,
    bytes: &[u8],
    state: &mut RunState,
) -> Result<(), serde_json::Error> {
    let Value::Object(mut obj) = serde_json::from_slice::<Value>(bytes)? else {
        return Err(data_error("a pflow record is a JSON object"));
    };
    let kind = match obj.get("kind") {
        Some(Value::String(k)) => k.clone(),
        Some(_) => return Err(data_error("a pflow line's kind is a string")),
        None if obj.get("nodes").is_some_and(Value::is_array) => {
            super::pflow_legacy::read_run(cx, obj);
            return Ok(());
        }
        None => return Err(data_error("pflow line without a kind")),
    };
    if kind == "meta" {
        if let Some(open) = state.run.take() {
            // a second run in one file: the first one ends here, as far as this file says
            flush_run(cx, &open);
        }
        state.run = Some(Box::new(begin_run(cx, obj)));
        return Ok(());
    }
    let Some(open) = state.run.as_deref_mut() else {
        let m = format!("pflow {kind} line before the run's meta line; skipped");
        cx.skip(DiagnosticKind::MissingField, m);
        return Ok(());
    };
    if kind == "blob" {
        match (obj.remove("md5"), obj.remove("value")) {
            (Some(Value::String(md5)), Some(Value::String(text))) => {
                open.blobs.insert(md5, text);
            }
            _ => cx.skip(
                DiagnosticKind::MissingField,
                "pflow blob line without md5 and value strings; skipped".into(),
            ),
        }
        return Ok(());
    }
    let mut value = Value::Object(obj);
    let mut missing = Vec::new();
    resolve_blobs(&mut value, &open.blobs, &mut missing);
    for md5 in missing {
        cx.b.diagnose(
            Severity::Error,
            DiagnosticKind::BadValue,
            cx.source,
            Some(cx.line),
            format!("blob {md5} is referenced but was never written before this line; the reference is kept as is"),
        );
    }
    let Value::Object(obj) = value else {
        return Ok(());
    };
    for key in ["timestamp", "end_time"] {
        if let Some(t) = time_of(obj.get(key)) {
            open.latest = open.latest.max(t);
        }
    }
    match kind.as_str() {
        "node.start" => node_started(cx, open, obj),
        "event" => node_finished(cx, open, obj),
        "gate" => {
            let node = obj.get("node_id").and_then(Value::as_str).unwrap_or("");
            let phase = obj.get("phase").and_then(Value::as_str).unwrap_or("?");
            let note = Note {
                name: format!("gate {phase}"),
                time: open.latest,
                fields: obj
                    .iter()
                    .filter(|(k, _)| *k != "kind")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            };
            open.gates.push((node.to_string(), note));
        }
        "run.complete" => {
            let fallback = "the run ends at its latest record";
            report_run_time(cx, &obj, "end_time", fallback);
            open.complete = Some(obj);
            emit_root(cx, open);
            cx.b.source_mut(cx.source).completion = Completion::Complete;
        }
        other => cx.skip(
            DiagnosticKind::UnknownRecord,
            format!("pflow line of unknown kind {other:?}; skipped"),
        ),
    }
    Ok(())
}

fn begin_run(cx: &mut RecordCx<'_>, obj: Map<String, Value>) -> OpenRun {
    let (run, name) = run_of(cx, &obj);
    let start = time_of(obj.get("start_time"));
    report_run_time(
        cx,
        &obj,
        "start_time",
        "the run starts at the latest time read",
    );
    let src = cx.b.source_mut(cx.source);
    src.clock = Clock::NaiveLocal;
    src.completion = Completion::Incomplete;
    let mut meta = obj;
    meta.remove("kind");
    OpenRun {
        run,
        root_id: synthetic_id("run"),
        name,
        start,
        latest: start.unwrap_or_default(),
        meta,
        line: cx.line,
        blobs: FxHashMap::default(),
        running: BTreeMap::new(),
        finished: FxHashSet::default(),
        gates: Vec::new(),
        complete: None,
    }
}

fn node_started(cx: &mut RecordCx<'_>, open: &mut OpenRun, obj: Map<String, Value>) {
    let timestamp = obj.get("timestamp").and_then(Value::as_str);
    if let TimeField::OutOfRange(v) = TimeField::from_iso(timestamp) {
        let m = format!("pflow node.start timestamp {v} is out of range ({TIME_RANGE}); skipped");
        return cx.skip(DiagnosticKind::BadValue, m);
    }
    let (Some(id), Some(at)) = (
        obj.get("id").and_then(Value::as_i64),
        time_of(obj.get("timestamp")),
    ) else {
        cx.skip(
            DiagnosticKind::MissingField,
            "pflow node.start without an integer id and a readable timestamp; skipped".into(),
        );
        return;
    };
    if !open.finished.contains(&id) {
        let (fields, line) = (obj, cx.line);
        open.running.insert(id, Started { fields, at, line });
    }
}

fn parent_of(open: &OpenRun, obj: &Map<String, Value>) -> SpanId {
    obj.get("parent_id")
        .and_then(Value::as_i64)
        .map_or(open.root_id, node_span_id)
}

fn node_finished(cx: &mut RecordCx<'_>, open: &mut OpenRun, obj: Map<String, Value>) {
    let Some(id) = obj.get("id").and_then(Value::as_i64) else {
        let m = "pflow event without an integer id; skipped".to_string();
        return cx.skip(DiagnosticKind::MissingField, m);
    };
    open.running.remove(&id);
    if !open.finished.insert(id) {
        cx.repair(
            DiagnosticKind::DuplicateSpan,
            format!("pflow node id {id} was recorded again; the last record is kept (pflow re-writes a node it flips to failed)"),
        );
    }
    let node = obj.get("node_id").and_then(Value::as_str).unwrap_or("");
    let place = Placement {
        span_id: node_span_id(id),
        parent: parent_of(open, &obj),
        path: id.to_string(),
    };
    let notes = take_gates(&mut open.gates, node);
    let start = times_of(&obj).ok().map(|(start, _)| start);
    let notes = notes
        .into_iter()
        .map(|mut n| {
            // a gate carries no time; it happened before the node ran, so not before its start
            n.time = start.map_or(n.time, |s| n.time.max(s));
            n
        })
        .collect();
    let extras = Extras {
        notes,
        ..Extras::default()
    };
    emit_node(cx, &open.run, &place, &obj, extras);
}

fn take_gates(gates: &mut Vec<(String, Note)>, node: &str) -> Vec<Note> {
    let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(gates)
        .into_iter()
        .partition(|(n, _)| n == node);
    *gates = rest;
    mine.into_iter().map(|(_, note)| note).collect()
}

/// The root span from what the run said so far (final once `run.complete` was read).
fn emit_root(cx: &mut RecordCx<'_>, open: &mut OpenRun) {
    let notes = std::mem::take(&mut open.gates)
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    let span = root_span(open, notes);
    emit_run(cx, &open.run, span);
}

fn root_span(open: &OpenRun, notes: Vec<Note>) -> RunSpan<'_> {
    let mut fields = open.meta.clone();
    let mut end = open.latest;
    let mut final_status = None;
    if let Some(done) = &open.complete {
        end = time_of(done.get("end_time")).unwrap_or(open.latest);
        final_status = Some(
            done.get("final_status")
                .and_then(Value::as_str)
                .unwrap_or("unknown"),
        );
        for (k, v) in done {
            if !matches!(k.as_str(), "kind" | "execution_id") {
                fields.insert(k.clone(), v.clone());
            }
        }
    }
    let start = open.start.unwrap_or(open.latest);
    RunSpan {
        name: &open.name,
        span_id: open.root_id,
        times: (start, end.max(start)),
        final_status,
        fields,
        notes,
        line: open.line,
    }
}

/// Adds what a source holds but has not finished: nodes still running and, without
/// `run.complete`, the run itself, both marked `RUNNING` and ending at the file's latest time.
/// Called at the end of the source, and on copies of the builder and scratch for a snapshot.
fn flush(cx: &mut RecordCx<'_>, state: &RunState) {
    if let Some(open) = &state.run {
        flush_run(cx, open);
    }
}

fn flush_run(cx: &mut RecordCx<'_>, open: &OpenRun) {
    for (id, started) in &open.running {
        let place = Placement {
            span_id: node_span_id(*id),
            parent: parent_of(open, &started.fields),
            path: id.to_string(),
        };
        // a running node has no end yet: from its node.start to the latest time of the file
        let times = (started.at, open.latest.max(started.at));
        let extras = Extras {
            flags: SpanFlags::RUNNING,
            times: Some(times),
            ..Extras::default()
        };
        at_line(cx, started.line, |cx| {
            emit_node(cx, &open.run, &place, &started.fields, extras)
        });
    }
    if open.complete.is_none() {
        let notes = open.gates.iter().map(|(_, n)| n.clone()).collect();
        emit_run(cx, &open.run, root_span(open, notes));
    }
}
