//! The root span of a pflow run (FORMATS.md §14.6): the workflow's name, start and end, its
//! fields (meta + `run.complete`, or the legacy object's top level) as `pflow.<key>` attributes,
//! status from `final_status`. Invariant: a run that has not said it ended is UNSET, marked
//! `RUNNING`, and says `pflow.final_status = "incomplete"` (pflow's own reader's word for it).

use super::pflow_nodes::{at_line, push_fields, push_notes, Note, Run};
use super::toolkit::RecordCx;
use crate::model::{SpanFlags, SpanId, StatusCode, TimestampNs};
use serde_json::{Map, Value};

/// The run's own facts (root span), from the reader.
#[derive(Debug, Clone)]
pub(crate) struct RunSpan<'a> {
    /// Workflow name.
    pub name: &'a str,
    /// Root span id.
    pub span_id: SpanId,
    /// Start and end.
    pub times: (TimestampNs, TimestampNs),
    /// `final_status`, or `None` when the run has not said it ended.
    pub final_status: Option<&'a str>,
    /// Fields of the run (meta + completion, or the legacy object's top level).
    pub fields: Map<String, Value>,
    /// Gates that found no node.
    pub notes: Vec<Note>,
    /// Line of the run's first record.
    pub line: u32,
}

/// Status of a run from its `final_status`: success / degraded are OK (degraded says why),
/// failed is ERROR, paused / denied / none (incomplete) are UNSET.
fn run_status(final_status: Option<&str>, fields: &Map<String, Value>) -> (StatusCode, String) {
    let list = |key: &str| -> Vec<String> {
        let items = fields.get(key).and_then(Value::as_array);
        items
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    match final_status {
        Some("success") => (StatusCode::Ok, String::new()),
        Some("degraded") => {
            let warnings = fields.get("warnings").and_then(Value::as_array);
            let all: Vec<&Map<String, Value>> = warnings
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
                .collect();
            // 2.0.0 also lists validator warnings on clean runs: the runtime ones say why
            let runtime: Vec<&&Map<String, Value>> = all
                .iter()
                .filter(|w| {
                    !matches!(
                        w.get("source").and_then(Value::as_str),
                        Some("validator" | "parser")
                    )
                })
                .collect();
            let why: Vec<&str> = if runtime.is_empty() {
                all.iter()
                    .filter_map(|w| w.get("message")?.as_str())
                    .collect()
            } else {
                runtime
                    .iter()
                    .filter_map(|w| w.get("message")?.as_str())
                    .collect()
            };
            (StatusCode::Ok, format!("degraded: {}", why.join("; ")))
        }
        Some("failed") => {
            let nodes = list("failed_node_ids");
            let message = if nodes.is_empty() {
                "failed".to_string()
            } else {
                format!("failed at {}", nodes.join(", "))
            };
            (StatusCode::Error, message)
        }
        Some("paused") => {
            let at = fields.get("paused_node_id").and_then(Value::as_str);
            (
                StatusCode::Unset,
                at.map_or("paused".into(), |n| format!("paused at {n}")),
            )
        }
        Some(other) => (StatusCode::Unset, other.to_string()),
        None => (
            StatusCode::Unset,
            "incomplete: no run.complete line (still running, or its process died)".into(),
        ),
    }
}

/// The root span of a run (reported at the line of the run's first record).
pub(crate) fn emit_run(cx: &mut RecordCx<'_>, run: &Run, root: RunSpan<'_>) {
    let (status, message) = run_status(root.final_status, &root.fields);
    let mut extras: Vec<(&'static str, Value)> = Vec::new();
    let mut flags = SpanFlags::default();
    if root.final_status.is_none() {
        // pflow's own reader says "incomplete" for a trace without run.complete
        extras.push(("final_status", Value::String("incomplete".into())));
        flags = SpanFlags::RUNNING;
    }
    at_line(cx, root.line, |cx| {
        let name = cx.b.intern(root.name);
        let mut d = cx.draft((run.trace_id, root.span_id), name, root.times);
        d.attributes = push_fields(cx.b, &root.fields, &["start_time", "end_time"], &extras);
        push_notes(cx.b, &root.notes);
        d.span_type = cx.b.intern("WORKFLOW");
        cx.set_status(&mut d, Some(status), Some(&message));
        d.resource = run.resource;
        d.flags = flags;
        cx.upsert(d);
    });
}
