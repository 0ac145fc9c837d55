//! Older pflow traces (FORMATS.md §14.8): one indented JSON object per run, written when the run
//! ended, `format_version` `1.2.0` (pflow 0.8: flat entries with whole-store snapshots) or
//! `2.0.0` (pflow 0.12: per-node params and outputs, children nested in `sub_workflow_events`
//! and `batch_items[].events`). Invariant: the same span tree as the JSON Lines reader makes
//! for the same run (root, nodes, batch items, nested children), with ids from each entry's path.

use super::pflow_nodes::{
    emit_node, report_run_time, run_of, synthetic_id, time_of, Extras, Placement,
};
use super::pflow_run::{emit_run, RunSpan};
use super::toolkit::RecordCx;
use crate::model::{Clock, Completion, DiagnosticKind, TimestampNs};
use serde_json::{Map, Value};

/// Reads one whole run object.
pub fn read_run(cx: &mut RecordCx<'_>, mut obj: Map<String, Value>) {
    let (run, name) = run_of(cx, &obj);
    let src = cx.b.source_mut(cx.source);
    src.clock = Clock::NaiveLocal;
    // written once, when the run ended: there is no partial file of this format
    src.completion = Completion::Complete;
    let nodes = match obj.remove("nodes") {
        Some(Value::Array(nodes)) => nodes,
        _ => Vec::new(),
    };
    let snapshots = obj.get("format_version").and_then(Value::as_str) == Some("1.2.0");
    let root_id = synthetic_id("run");
    let mut earliest = None;
    let mut first_before: Option<&Map<String, Value>> = None;
    for (i, node) in nodes.iter().enumerate() {
        let Value::Object(entry) = node else {
            let m = format!("pflow nodes[{i}] is not an object; skipped");
            cx.skip(DiagnosticKind::MissingField, m);
            continue;
        };
        if entry.get("node_type").is_none() && entry.get("type").is_some() {
            continue; // a repair-attempt entry (1.2.0), not a node
        }
        let extras = if snapshots {
            first_before = first_before.or(entry.get("shared_before").and_then(Value::as_object));
            store_extras(entry)
        } else {
            Extras::default()
        };
        let path = format!("n{i}");
        let place = Placement {
            span_id: synthetic_id(&path),
            parent: root_id,
            path,
        };
        if let Some((start, _)) = emit_node(cx, &run, &place, entry, extras) {
            earliest = Some(earliest.map_or(start, |e: TimestampNs| e.min(start)));
        }
    }
    if let Some(before) = first_before {
        // 1.2.0 keeps the run's inputs only as the store's keys before the first node ran
        let inputs: Map<String, Value> = before
            .iter()
            .filter(|(k, _)| !k.starts_with("__"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        obj.insert("inputs".into(), Value::Object(inputs));
    }
    report_run_time(
        cx,
        &obj,
        "start_time",
        "the run starts at its earliest node",
    );
    report_run_time(cx, &obj, "end_time", "the run ends at its start");
    let start = time_of(obj.get("start_time"))
        .or(earliest)
        .unwrap_or_default();
    let end = time_of(obj.get("end_time")).unwrap_or(start);
    let final_status = obj
        .get("final_status")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_string();
    obj.remove("workflow_name");
    let span = RunSpan {
        name: &name,
        span_id: root_id,
        times: (start, end.max(start)),
        final_status: Some(&final_status),
        fields: obj,
        notes: Vec::new(),
        line: cx.line,
    };
    emit_run(cx, &run, span);
}

/// What a 1.2.0 entry did to the shared store: its output (`shared_after[node]`), the key diff
/// of the two snapshots, and its error message (failed steps write it there, not in `error`).
fn store_extras(entry: &Map<String, Value>) -> Extras {
    let node = entry.get("node_id").and_then(Value::as_str).unwrap_or("");
    let before = entry.get("shared_before").and_then(Value::as_object);
    let after = entry.get("shared_after").and_then(Value::as_object);
    let empty = Map::new();
    let (before, after) = (before.unwrap_or(&empty), after.unwrap_or(&empty));
    let mut added: Vec<&str> = Vec::new();
    let mut changed: Vec<&str> = Vec::new();
    for (k, v) in after {
        match before.get(k) {
            None => added.push(k),
            Some(old) if old != v => changed.push(k),
            Some(_) => {}
        }
    }
    let mut removed: Vec<&str> = before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .map(String::as_str)
        .collect();
    added.sort_unstable();
    changed.sort_unstable();
    removed.sort_unstable();
    let output = after.get(node).cloned();
    let error = output
        .as_ref()
        .and_then(|o| o.get("error"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut attrs = vec![(
        "store_diff",
        serde_json::json!({"added": added, "removed": removed, "changed": changed}),
    )];
    if let Some(output) = output {
        attrs.push(("node_output", output));
    }
    Extras {
        attrs,
        error,
        ..Extras::default()
    }
}
