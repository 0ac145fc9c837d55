//! B's lineage DAG coloured by Δ duration: B's data ids plus the ones only A had (removed,
//! drawn as ghosts), with the edges of both runs, laid out once by `layout::dag::layout`. Each
//! node knows its Δ colour, whether it is new, and whether it is on B's critical path (drawn
//! solid) or A's (dashed). A is the reference run of a baseline set, with the set's medians.
//!
//! ```text
//!  nodes  = B's data ids ∪ A's, sorted by id         edges = B's ∪ A's, by data id
//!  [a] ─> [c] ─> [d]      B's path  ━━━  (solid)
//!    └──> [b]  ┄┄┘        A's path  ┄┄┄  (dashed), when it differs
//! ```

use super::colors;
use crate::analysis::compare::tolerance::Status;
use crate::analysis::compare::Comparison;
use crate::analysis::flowmesh::FlowMeshAnalysis;
use crate::layout::dag::{layout, DagLayout};
use crate::layout::palette::Rgb;
use crate::model::{DagNodeIdx, DurationNs, SpanIdx};
use std::collections::{BTreeMap, BTreeSet};

/// Which runs have a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// A and B.
    Both,
    /// Only B (new).
    Added,
    /// Only A (removed).
    Removed,
}

/// One node of the Δ DAG.
#[derive(Debug, Clone, PartialEq)]
pub struct DeltaNode {
    /// Its data id.
    pub data_id: String,
    /// Which runs have it.
    pub presence: Presence,
    /// By duration, within the tolerance or not.
    pub status: Status,
    /// Its fill.
    pub fill: Rgb,
    /// True when its text should be white.
    pub is_dark: bool,
    /// A's duration (the baseline median for a set).
    pub a: Option<DurationNs>,
    /// B's duration.
    pub b: Option<DurationNs>,
    /// B's queuing delay minus A's, when both have it.
    pub queuing_delta: Option<DurationNs>,
    /// On B's critical path.
    pub on_b_path: bool,
    /// On A's critical path.
    pub on_a_path: bool,
    /// True when it failed in B (in A for a removed node).
    pub is_error: bool,
    /// The span a click selects: B's task, else A's (with `is_in_a`).
    pub task: Option<SpanIdx>,
    /// True when `task` is a span of A.
    pub is_in_a: bool,
    /// B outside a baseline set's range.
    pub is_outside_baseline: bool,
}

/// One edge, by node index into `DeltaDag::nodes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeltaEdge {
    /// Parent.
    pub from: usize,
    /// Child.
    pub to: usize,
    /// Both ends on B's path, in a row.
    pub on_b_path: bool,
    /// Both ends on A's path, in a row.
    pub on_a_path: bool,
    /// Only A had this edge.
    pub is_removed: bool,
}

/// The Δ DAG, laid out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DeltaDag {
    /// Nodes, sorted by data id (`layout.nodes` in the same order).
    pub nodes: Vec<DeltaNode>,
    /// Edges (`layout.edges` in the same order).
    pub edges: Vec<DeltaEdge>,
    /// Positions and edge routes.
    pub layout: DagLayout,
}

/// Consecutive pairs of a critical path, by data id.
fn path_steps(f: &FlowMeshAnalysis) -> BTreeSet<(&str, &str)> {
    f.critical_path
        .windows(2)
        .map(|w| {
            (
                f.nodes[w[0]].data_id.as_str(),
                f.nodes[w[1]].data_id.as_str(),
            )
        })
        .collect()
}

fn edge_ids(f: &FlowMeshAnalysis) -> impl Iterator<Item = (&str, &str)> {
    f.edges
        .iter()
        .map(|&(p, c)| (f.nodes[p].data_id.as_str(), f.nodes[c].data_id.as_str()))
}

fn on_path(f: &FlowMeshAnalysis, id: &str) -> bool {
    f.node(id).is_some_and(|i| f.is_critical(i))
}

fn node_of(c: &Comparison, a: &FlowMeshAnalysis, b: &FlowMeshAnalysis, id: &str) -> DeltaNode {
    let row = c.data_id(id);
    let (in_a, in_b) = (a.node(id), b.node(id));
    let presence = match (in_a, in_b) {
        (Some(_), Some(_)) => Presence::Both,
        (None, _) => Presence::Added,
        (_, None) => Presence::Removed,
    };
    let status = match presence {
        Presence::Both => row.map_or(Status::Unchanged, |r| r.status),
        Presence::Added => Status::Added,
        Presence::Removed => Status::Removed,
    };
    let (da, db) = (
        row.and_then(|r| r.a.as_ref().map(|s| s.duration)),
        row.and_then(|r| r.b.as_ref().map(|s| s.duration)),
    );
    let fill = colors::delta_color(status, da.unwrap_or_default(), db.unwrap_or_default());
    let node_a = in_a.map(|i| &a.nodes[i]);
    let node_b = in_b.map(|i: DagNodeIdx| &b.nodes[i]);
    DeltaNode {
        data_id: id.to_string(),
        presence,
        status,
        fill,
        is_dark: colors::is_dark(fill),
        a: da,
        b: db,
        queuing_delta: row.and_then(|r| r.delta_queuing()),
        on_b_path: on_path(b, id),
        on_a_path: on_path(a, id),
        is_error: node_b.or(node_a).is_some_and(|n| n.is_error),
        task: node_b.or(node_a).and_then(|n| n.task_span),
        is_in_a: node_b.is_none(),
        is_outside_baseline: row.and_then(|r| r.baseline).is_some_and(|r| r.is_b_outside),
    }
}

/// The Δ DAG of `c` (empty when neither run has data ids).
pub fn delta_dag(c: &Comparison) -> DeltaDag {
    let Some(a_run) = c.runs.get(c.reference_run) else {
        return DeltaDag::default();
    };
    let (a, b) = (&a_run.flowmesh, &c.b.flowmesh);
    let ids: BTreeSet<&str> = (a.nodes.iter().chain(&b.nodes))
        .map(|n| n.data_id.as_str())
        .collect();
    let index: BTreeMap<&str, usize> = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    let nodes: Vec<DeltaNode> = ids.iter().map(|id| node_of(c, a, b, id)).collect();
    let (b_steps, a_steps) = (path_steps(b), path_steps(a));
    let b_edges: BTreeSet<(&str, &str)> = edge_ids(b).collect();
    let mut seen = BTreeSet::new();
    let mut edges = Vec::new();
    for (p, ch) in edge_ids(b).chain(edge_ids(a)) {
        // every edge's ends are nodes of A or B, so both are in `index`
        let (Some(&from), Some(&to)) = (index.get(p), index.get(ch)) else {
            continue;
        };
        if !seen.insert((p, ch)) || p == ch {
            continue;
        }
        edges.push(DeltaEdge {
            from,
            to,
            on_b_path: b_steps.contains(&(p, ch)),
            on_a_path: a_steps.contains(&(p, ch)),
            is_removed: !b_edges.contains(&(p, ch)),
        });
    }
    let pairs: Vec<(DagNodeIdx, DagNodeIdx)> = edges
        .iter()
        .map(|e| (DagNodeIdx(e.from as u32), DagNodeIdx(e.to as u32)))
        .collect();
    DeltaDag {
        layout: layout(nodes.len(), &pairs),
        nodes,
        edges,
    }
}

/// The text of a node's second line: `54.0ms → 81.2ms (+27.2ms)`, `new · 12.0ms`, `removed`.
pub fn node_delta_text(n: &DeltaNode) -> String {
    match (n.a, n.b) {
        (Some(a), Some(b)) => format!("{a} → {b}"),
        (None, Some(b)) => format!("new · {b}"),
        (Some(a), None) => format!("removed · was {a}"),
        (None, None) => String::new(),
    }
}

/// The text of a node's third line, short enough for the box: its Δ and its queuing delay's Δ,
/// each where it is not 0 (`Δ+27.2ms wait+1.20s`).
pub fn node_path_text(n: &DeltaNode) -> String {
    let mut parts = Vec::new();
    if let (Some(a), Some(b)) = (n.a, n.b) {
        if a != b {
            parts.push(format!("Δ{}", super::table::signed(DurationNs(b.0 - a.0))));
        }
    }
    if let Some(q) = n.queuing_delta.filter(|q| q.0 != 0) {
        parts.push(format!("wait{}", super::table::signed(q)));
    }
    parts.join(" ")
}

/// A node's tooltip: everything the box abbreviates, and whether it entered or left the
/// critical path.
pub fn node_tooltip(n: &DeltaNode) -> String {
    let mut parts = vec![n.data_id.clone(), node_delta_text(n)];
    if let Some(q) = n.queuing_delta.filter(|q| q.0 != 0) {
        parts.push(format!("queuing delay {}", super::table::signed(q)));
    }
    parts.push(
        match (n.on_a_path, n.on_b_path) {
            (false, true) => "entered the critical path",
            (true, false) => "left the critical path",
            (true, true) => "on both critical paths",
            (false, false) => "on neither critical path",
        }
        .into(),
    );
    if n.is_outside_baseline {
        parts.push("B outside the baseline runs' range".into());
    }
    parts.join(" · ")
}
