//! The flame view's settings against a built graph: which analysis mode a view's mode means,
//! the box a zoom path (`view_state::FlameStep`s) names, the path of a box, and a short
//! summary of what is laid out (for the canvas's `data-` hooks). Invariant: a path names a box
//! by (service, name) steps from the root, so `zoom_target(zoom_path(b)) == b` for every box,
//! and a path that no longer fits the graph stops at its deepest box that does.

use super::flame::FlameLayout;
use crate::analysis::flame::{FlameGraph, FlameMode};
use crate::model::Trace;
use crate::view_state::{FlameStep, FlameTime};

/// The analysis's mode for a view's.
pub fn flame_mode(t: FlameTime) -> FlameMode {
    match t {
        FlameTime::All => FlameMode::AllTime,
        FlameTime::Critical => FlameMode::CriticalPath,
        FlameTime::Inverted => FlameMode::Inverted,
    }
}

/// The box `steps` lead to from the root (0 for no steps); the walk stops at the first step
/// no child matches.
pub fn zoom_target(trace: &Trace, graph: &FlameGraph, steps: &[FlameStep]) -> u32 {
    let mut at = 0u32;
    for step in steps {
        let next = graph.node(at).children.iter().copied().find(|&c| {
            let n = graph.node(c);
            trace.text(n.name) == step.name && trace.text(n.service) == step.service
        });
        match next {
            Some(c) => at = c,
            None => break,
        }
    }
    at
}

/// The steps from the root to box `node` (none for the root).
pub fn zoom_path(trace: &Trace, graph: &FlameGraph, node: u32) -> Vec<FlameStep> {
    graph
        .path(node)
        .into_iter()
        .skip(1)
        .map(|n| {
            let b = graph.node(n);
            FlameStep {
                service: trace.text(b.service).to_string(),
                name: trace.text(b.name).to_string(),
            }
        })
        .collect()
}

/// What is laid out, for tests: boxes, rows, the root's total and count, and the first
/// boxes under the focus as `name=total_ns` pairs.
pub fn summary(trace: &Trace, graph: &FlameGraph, layout: &FlameLayout) -> String {
    let root = graph.node(0);
    let top: Vec<String> = layout
        .boxes
        .iter()
        .filter(|b| !b.is_context && b.node != 0)
        .take(12)
        .map(|b| {
            format!(
                "{}={}",
                graph.label(trace, b.node).replace([';', '='], "_"),
                graph.node(b.node).total_ns
            )
        })
        .collect();
    format!(
        "boxes={};rows={};total_ns={};count={};top={}",
        layout.boxes.len(),
        layout.rows.len(),
        root.total_ns,
        root.count,
        top.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::flame::flame_graph;
    use crate::ingest::ingest_sources;

    /// Two roots named `a`, one with children `b`, one with `c`; `x` under `b`.
    ///
    /// ```text
    ///  a [==========]        a [==========]
    ///    b [====]              c [==]
    ///      x [=]
    /// ```
    const TREE: &str = concat!(
        r#"{"name": "a", "context": {"trace_id": "0x01", "span_id": "0x01"}, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:10Z"}"#,
        "\n",
        r#"{"name": "b", "context": {"trace_id": "0x01", "span_id": "0x02"}, "parent_id": "0x01", "start_time": "2026-01-01T00:00:01Z", "end_time": "2026-01-01T00:00:05Z"}"#,
        "\n",
        r#"{"name": "x", "context": {"trace_id": "0x01", "span_id": "0x03"}, "parent_id": "0x02", "start_time": "2026-01-01T00:00:02Z", "end_time": "2026-01-01T00:00:03Z"}"#,
        "\n",
        r#"{"name": "a", "context": {"trace_id": "0x01", "span_id": "0x04"}, "start_time": "2026-01-01T00:00:20Z", "end_time": "2026-01-01T00:00:30Z"}"#,
        "\n",
        r#"{"name": "c", "context": {"trace_id": "0x01", "span_id": "0x05"}, "parent_id": "0x04", "start_time": "2026-01-01T00:00:21Z", "end_time": "2026-01-01T00:00:23Z"}"#,
        "\n",
    );

    #[test]
    fn a_path_names_its_box_and_a_stale_path_stops_where_it_fits() {
        let t = ingest_sources([("t.jsonl", TREE.as_bytes())]);
        let g = flame_graph(&t, FlameMode::AllTime, &[]);
        for i in 0..g.nodes().len() as u32 {
            assert_eq!(zoom_target(&t, &g, &zoom_path(&t, &g, i)), i, "box {i}");
        }
        let names =
            |steps: &[FlameStep]| -> Vec<String> { steps.iter().map(|s| s.name.clone()).collect() };
        let x = zoom_target(
            &t,
            &g,
            &[
                FlameStep {
                    service: String::new(),
                    name: "a".into(),
                },
                FlameStep {
                    service: String::new(),
                    name: "b".into(),
                },
                FlameStep {
                    service: String::new(),
                    name: "x".into(),
                },
            ],
        );
        assert_eq!(g.label(&t, x), "x");
        assert_eq!(names(&zoom_path(&t, &g, x)), ["a", "b", "x"]);
        let stale = [
            FlameStep {
                service: String::new(),
                name: "a".into(),
            },
            FlameStep {
                service: String::new(),
                name: "gone".into(),
            },
        ];
        assert_eq!(g.label(&t, zoom_target(&t, &g, &stale)), "a");
        assert_eq!(zoom_target(&t, &g, &[]), 0);
    }
}
