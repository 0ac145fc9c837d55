//! FlowMesh-compatible workflow analysis (the semantics of FlowMesh's own analyzer, in our
//! words; only spans carrying a `data_id` attribute take part):
//!
//! - span type: `flowmesh.type` (`compute`/`network`/`marker`), or the older `flowmesh.kind`
//!   (FlowMesh's analyzer ignores that name; we accept it);
//! - per data id: start/end of its root `task` span (a parentless one first; with no `task`
//!   span, min start / max end of its spans); ready = latest end of its `dump to storage` spans;
//!   parents from lineage rows; queuing delay = max(0, start - latest parent ready); the blocking
//!   parent is that parent;
//! - critical path: the sink is the data id with the latest ready time (no ready time: its task
//!   end); walk back to the parent with the latest ready time until no parent has one. A lineage
//!   cycle stops the walk at the repeat, with a diagnostic (FlowMesh loops forever there);
//! - ties on equal times go to the first in input order (data ids: order of their first span;
//!   parents: order of their lineage rows).

mod breakdown;

use crate::model::{
    AttrValue, DagNodeIdx, Diagnostic, DiagnosticKind, DurationNs, Severity, SpanIdx, TimestampNs,
    Trace,
};
pub use breakdown::{breakdown, Breakdown, NameStats};
use rustc_hash::{FxHashMap, FxHashSet};

/// Span name whose span is a data id's root.
pub const TASK: &str = "task";
/// Span name whose end marks a data id's output as ready.
pub const DUMP: &str = "dump to storage";

/// One data id (a FlowMesh task's output).
#[derive(Debug, Clone, PartialEq)]
pub struct DataNode {
    /// The data id.
    pub data_id: String,
    /// Its root `task` span, if any.
    pub task_span: Option<SpanIdx>,
    /// Its spans, in input order.
    pub spans: Vec<SpanIdx>,
    /// Start.
    pub start: TimestampNs,
    /// End.
    pub end: TimestampNs,
    /// When its output was ready (latest `dump to storage` end).
    pub ready: Option<TimestampNs>,
    /// Parents (indices into `FlowMeshAnalysis::nodes`), in lineage-row order.
    pub parents: Vec<DagNodeIdx>,
    /// Wait for the latest-ready parent.
    pub queuing_delay: DurationNs,
    /// The parent it waited for.
    pub blocking_parent: Option<DagNodeIdx>,
    /// True when its task span failed, or an error left it without a ready time.
    pub is_error: bool,
}

impl DataNode {
    /// `end - start`.
    pub fn duration(&self) -> DurationNs {
        self.end.since(self.start)
    }

    /// Ready time, or the end when it never dumped (used for the sink).
    pub fn ready_or_end(&self) -> TimestampNs {
        self.ready.unwrap_or(self.end)
    }
}

/// The whole analysis.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlowMeshAnalysis {
    /// `workflow_id` attribute of a `task` span, else `wfl-<trace id>`.
    pub workflow_id: String,
    /// Spans carrying a data id.
    pub event_count: usize,
    /// Data ids, sorted by id.
    pub nodes: Vec<DataNode>,
    /// Lineage edges as (parent, child) node indices, in row order (rows naming unknown data
    /// ids are kept in the trace's lineage but not here).
    pub edges: Vec<(DagNodeIdx, DagNodeIdx)>,
    /// End-to-end breakdown.
    pub e2e: Breakdown,
    /// Latest task end - earliest task start.
    pub workflow_duration: DurationNs,
    /// Critical path, source first (node indices).
    pub critical_path: Vec<DagNodeIdx>,
    /// Breakdown restricted to the critical path (plus merge parents).
    pub critical_breakdown: Breakdown,
    /// Problems found (lineage cycles).
    pub diagnostics: Vec<Diagnostic>,
    /// True when lineage rows exist; false when edges were derived from span links.
    pub edges_from_lineage: bool,
}

impl FlowMeshAnalysis {
    /// Node index of a data id.
    pub fn node(&self, data_id: &str) -> Option<DagNodeIdx> {
        self.nodes
            .binary_search_by(|n| n.data_id.as_str().cmp(data_id))
            .ok()
            .map(|i| DagNodeIdx(i as u32))
    }

    /// Every node index, in order.
    pub fn node_indices(&self) -> impl Iterator<Item = DagNodeIdx> {
        (0..self.nodes.len() as u32).map(DagNodeIdx)
    }

    /// Sum of active + wait over the critical path.
    pub fn critical_path_duration(&self) -> DurationNs {
        DurationNs(
            self.critical_path
                .iter()
                .map(|&i| self.nodes[i].duration().0 + self.nodes[i].queuing_delay.0)
                .sum(),
        )
    }

    /// True when node `i` is on the critical path.
    pub fn is_critical(&self, i: DagNodeIdx) -> bool {
        self.critical_path.contains(&i)
    }

    /// True when the edge `parent -> child` is a step of the critical path.
    pub fn is_critical_edge(&self, parent: DagNodeIdx, child: DagNodeIdx) -> bool {
        self.critical_path
            .windows(2)
            .any(|w| w[0] == parent && w[1] == child)
    }
}

impl std::ops::Index<DagNodeIdx> for Vec<DataNode> {
    type Output = DataNode;
    fn index(&self, i: DagNodeIdx) -> &DataNode {
        &self[i.ix()]
    }
}

impl std::ops::IndexMut<DagNodeIdx> for Vec<DataNode> {
    fn index_mut(&mut self, i: DagNodeIdx) -> &mut DataNode {
        &mut self[i.ix()]
    }
}

fn str_attr_idx(
    trace: &Trace,
    s: SpanIdx,
    key: Option<crate::model::StrIdx>,
) -> Option<crate::model::StrIdx> {
    let key = key?;
    trace
        .span_attributes(s)
        .iter()
        .find(|a| a.key == key)
        .and_then(|a| match a.value {
            AttrValue::Str(v) => Some(v),
            _ => None,
        })
}

pub(super) fn str_attr(
    trace: &Trace,
    s: SpanIdx,
    key: Option<crate::model::StrIdx>,
) -> Option<&str> {
    str_attr_idx(trace, s, key).map(|v| trace.text(v))
}

/// Runs the analysis.
pub fn analyze(trace: &Trace) -> FlowMeshAnalysis {
    analyze_traces(trace, None)
}

/// Runs the analysis on the spans of the trace ids `only[t]` says yes to (all when `None`), as
/// if they had been loaded alone: comparing two runs read in one load needs each run's own.
pub fn analyze_traces(trace: &Trace, only: Option<&[bool]>) -> FlowMeshAnalysis {
    let kept = |t: crate::model::TraceIdx| only.is_none_or(|o| o.get(t.ix()) == Some(&true));
    let data_key = trace.strings().find("data_id");
    let batch_key = trace.strings().find("batch_id");
    let workflow_key = trace.strings().find("workflow_id");
    // data ids in input order of their first span, grouped by their interned text (no
    // per-span allocation: a million spans share a few thousand data id strings)
    let mut order: Vec<crate::model::StrIdx> = Vec::new();
    let mut spans_of: FxHashMap<crate::model::StrIdx, Vec<SpanIdx>> = FxHashMap::default();
    let mut participating: Vec<SpanIdx> = Vec::new();
    for s in trace.span_indices().filter(|&s| kept(trace.span(s).trace)) {
        // an empty data id is no data id (FlowMesh's analyzer skips it too)
        let data_id = str_attr_idx(trace, s, data_key).filter(|d| !trace.text(*d).is_empty());
        if let Some(d) = data_id {
            participating.push(s);
            spans_of
                .entry(d)
                .or_insert_with(|| {
                    order.push(d);
                    Vec::new()
                })
                .push(s);
        }
    }
    let order: Vec<String> = order.iter().map(|d| trace.text(*d).to_string()).collect();
    let mut spans_of: FxHashMap<String, Vec<SpanIdx>> = spans_of
        .into_iter()
        .map(|(k, v)| (trace.text(k).to_string(), v))
        .collect();
    let mut a = FlowMeshAnalysis {
        event_count: participating.len(),
        ..FlowMeshAnalysis::default()
    };
    let mut sorted = order.clone();
    sorted.sort();
    let task_name = trace.strings().find(TASK);
    let dump_name = trace.strings().find(DUMP);
    let is_named = |s: SpanIdx, n: Option<crate::model::StrIdx>| Some(trace.span(s).name) == n;
    let input_rank: FxHashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, d)| (d.as_str(), i))
        .collect();
    for d in &sorted {
        let spans = spans_of.remove(d).unwrap_or_default();
        let tasks: Vec<SpanIdx> = spans
            .iter()
            .copied()
            .filter(|s| is_named(*s, task_name))
            .collect();
        let task_span = tasks
            .iter()
            .copied()
            .find(|s| trace.span(*s).parent_span_id.0 == 0)
            .or_else(|| tasks.first().copied());
        let (start, end) = match task_span {
            Some(t) => (trace.span(t).start, trace.span(t).end),
            None => (
                spans
                    .iter()
                    .map(|s| trace.span(*s).start)
                    .min()
                    .unwrap_or_default(),
                spans
                    .iter()
                    .map(|s| trace.span(*s).end)
                    .max()
                    .unwrap_or_default(),
            ),
        };
        let ready = spans
            .iter()
            .filter(|s| is_named(**s, dump_name))
            .map(|s| trace.span(*s).end)
            .max();
        // failed: its task span failed, or an error left it without output (a retried
        // attempt that later succeeded does not make the data id failed)
        let is_error = task_span.is_some_and(|t| trace.span(t).is_error())
            || (ready.is_none() && spans.iter().any(|s| trace.span(*s).is_error()));
        a.nodes.push(DataNode {
            data_id: d.clone(),
            task_span,
            spans,
            start,
            end,
            ready,
            parents: Vec::new(),
            queuing_delay: DurationNs(0),
            blocking_parent: None,
            is_error,
        });
    }
    a.workflow_id = participating
        .iter()
        .find_map(|s| {
            is_named(*s, task_name)
                .then(|| str_attr(trace, *s, workflow_key))
                .flatten()
        })
        .map(str::to_string)
        .or_else(|| {
            let mut ids = trace.trace_ids().iter().enumerate();
            ids.find(|(t, _)| kept(crate::model::TraceIdx(*t as u32)))
                .map(|(_, t)| format!("wfl-{t}"))
        })
        .unwrap_or_default();
    link_lineage(trace, &mut a);
    for i in a.node_indices().collect::<Vec<_>>() {
        let mut best: Option<(DagNodeIdx, TimestampNs)> = None;
        for &p in &a.nodes[i].parents {
            if let Some(r) = a.nodes[p].ready {
                if best.is_none_or(|(_, b)| r > b) {
                    best = Some((p, r));
                }
            }
        }
        if let Some((p, r)) = best {
            a.nodes[i].blocking_parent = Some(p);
            a.nodes[i].queuing_delay = DurationNs(a.nodes[i].start.since(r).0.max(0));
        }
    }
    let task_spans: Vec<SpanIdx> = participating
        .iter()
        .copied()
        .filter(|s| is_named(*s, task_name))
        .collect();
    let first = task_spans.iter().map(|s| trace.span(*s).start).min();
    let last = task_spans.iter().map(|s| trace.span(*s).end).max();
    a.workflow_duration = match (first, last) {
        (Some(f), Some(l)) => l.since(f),
        _ => DurationNs(0),
    };
    a.e2e = breakdown(trace, &participating, batch_key);
    walk_critical_path(&mut a, &input_rank);
    let cp_spans = critical_spans(trace, &a, batch_key);
    a.critical_breakdown = breakdown(trace, &cp_spans, batch_key);
    a
}

/// Lineage edges from rows; with no rows, from OTel links between `task` spans (derived).
fn link_lineage(trace: &Trace, a: &mut FlowMeshAnalysis) {
    let mut seen: FxHashSet<(DagNodeIdx, DagNodeIdx)> = FxHashSet::default();
    if !trace.lineage().is_empty() {
        a.edges_from_lineage = true;
        let index: FxHashMap<String, DagNodeIdx> = a
            .nodes
            .iter()
            .zip(a.node_indices())
            .map(|(n, i)| (n.data_id.clone(), i))
            .collect();
        for e in trace.lineage() {
            if let (Some(&p), Some(&c)) = (index.get(&e.source_data_id), index.get(&e.data_id)) {
                if seen.insert((p, c)) {
                    a.edges.push((p, c));
                    a.nodes[c].parents.push(p);
                }
            }
        }
        return;
    }
    let task_node: FxHashMap<SpanIdx, DagNodeIdx> = a
        .nodes
        .iter()
        .zip(a.node_indices())
        .filter_map(|(n, i)| n.task_span.map(|t| (t, i)))
        .collect();
    for (node, c) in a.nodes.clone().iter().zip(a.node_indices()) {
        let Some(t) = node.task_span else { continue };
        for l in trace.span_links(t) {
            let Some(target) = trace.find_span_in(l.trace_id, l.span_id) else {
                continue;
            };
            if let Some(&p) = task_node.get(&target) {
                if p != c && seen.insert((p, c)) {
                    a.edges.push((p, c));
                    a.nodes[c].parents.push(p);
                }
            }
        }
    }
}

fn walk_critical_path(a: &mut FlowMeshAnalysis, input_rank: &FxHashMap<&str, usize>) {
    let rank = |i: DagNodeIdx| {
        input_rank
            .get(a.nodes[i].data_id.as_str())
            .copied()
            .unwrap_or(usize::MAX)
    };
    let mut sink: Option<DagNodeIdx> = None;
    for i in a.node_indices() {
        let better = match sink {
            None => true,
            Some(s) => {
                let (ri, rs) = (a.nodes[i].ready_or_end(), a.nodes[s].ready_or_end());
                ri > rs || (ri == rs && rank(i) < rank(s))
            }
        };
        if better {
            sink = Some(i);
        }
    }
    let Some(mut cur) = sink else { return };
    let mut path = vec![cur];
    let mut on_path: FxHashSet<DagNodeIdx> = [cur].into_iter().collect();
    loop {
        let mut best: Option<(DagNodeIdx, TimestampNs)> = None;
        for &p in &a.nodes[cur].parents {
            if let Some(r) = a.nodes[p].ready {
                if best.is_none_or(|(_, b)| r > b) {
                    best = Some((p, r));
                }
            }
        }
        let Some((p, _)) = best else { break };
        if !on_path.insert(p) {
            a.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                kind: DiagnosticKind::LineageCycle,
                source: "lineage".into(),
                line: None,
                message: format!(
                    "lineage cycle: {} is its own ancestor (via {}); the critical-path walk stopped there",
                    a.nodes[p].data_id, a.nodes[cur].data_id
                ),
            });
            break;
        }
        path.push(p);
        cur = p;
    }
    path.reverse();
    a.critical_path = path;
}

/// Spans of the critical path's data ids, plus those of merge parents named by `batch_id`.
fn critical_spans(
    trace: &Trace,
    a: &FlowMeshAnalysis,
    batch_key: Option<crate::model::StrIdx>,
) -> Vec<SpanIdx> {
    let mut ids: FxHashSet<DagNodeIdx> = a.critical_path.iter().copied().collect();
    for &i in &a.critical_path {
        for &s in &a.nodes[i].spans {
            if let Some(b) = str_attr(trace, s, batch_key).and_then(|b| a.node(b)) {
                ids.insert(b);
            }
        }
    }
    let mut spans: Vec<SpanIdx> = ids
        .iter()
        .flat_map(|&i| a.nodes[i].spans.iter().copied())
        .collect();
    spans.sort_unstable();
    spans
}
