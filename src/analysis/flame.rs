//! The flame graph of a span forest: spans merged by path (children of one box with the same
//! service and name become one box), each box as wide as the summed time of its spans. Modes:
//! all time (durations), critical path only (only critical sections count: a box's time is
//! the critical time of its spans' subtrees), and inverted (bottom-up: top boxes are where
//! self time was spent, the boxes under them the chains of parents it was spent under).
//! Invariants: node 0 is the root ("all"); children come heaviest first (then by name,
//! service, first appearance); building is iterative and O(spans) (inverted: O(spans x depth),
//! parent chains cut at `MAX_INVERTED_DEPTH`).
//!
//! ```text
//!  spans                          merged (all time)
//!  a [==========]                 a [=====================]   a: 2 spans, 20
//!    b [==]  b [====]               b [=========]            b: 2 spans, 6 (under a)
//!  a [==========]                   c [=====]                c: 1 span, 4
//!    c [====]
//! ```

use super::span_critical_path::Section;
use super::span_set::SpanSet;
use crate::model::{SpanIdx, StrIdx, Trace};
use rustc_hash::FxHashMap;

/// Which time a flame graph shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FlameMode {
    /// Every span's duration.
    #[default]
    AllTime,
    /// Only time on the critical path.
    CriticalPath,
    /// Bottom-up: self time under the chain of parents it was spent under.
    Inverted,
}

impl FlameMode {
    /// Every mode.
    pub const ALL: [FlameMode; 3] = [
        FlameMode::AllTime,
        FlameMode::CriticalPath,
        FlameMode::Inverted,
    ];

    /// Its name in links.
    pub fn token(self) -> &'static str {
        match self {
            FlameMode::AllTime => "all",
            FlameMode::CriticalPath => "critical",
            FlameMode::Inverted => "inverted",
        }
    }

    /// The mode with that link name.
    pub fn from_token(t: &str) -> Option<FlameMode> {
        FlameMode::ALL.into_iter().find(|m| m.token() == t)
    }
}

/// Parent chains longer than this are cut in the inverted mode (its cost is spans x depth).
pub const MAX_INVERTED_DEPTH: usize = 128;

/// One box: spans with the same service and name under the same path.
#[derive(Debug, Clone, PartialEq)]
pub struct FlameNode {
    /// Span name (0 for the root).
    pub name: StrIdx,
    /// Service name (0 for the root or spans without one).
    pub service: StrIdx,
    /// The box it sits on (`None` for the root).
    pub parent: Option<u32>,
    /// Boxes from the root (the root is 0).
    pub depth: u16,
    /// The boxes on it, heaviest first.
    pub children: Vec<u32>,
    /// Spans merged into it (inverted: spans whose self time flows through it; root: the
    /// count of the boxes on it).
    pub count: u32,
    /// Summed time, ns (its width).
    pub total_ns: i64,
    /// Summed self time, ns (critical mode: the critical time of the spans themselves;
    /// inverted: the whole total on the top boxes, 0 on the parent chains under them).
    pub self_ns: i64,
    /// The span with the most time here (first by index among equals), for colour and "jump
    /// to the slowest instance".
    pub slowest: Option<SpanIdx>,
}

/// A merged flame graph.
#[derive(Debug, Clone, PartialEq)]
pub struct FlameGraph {
    mode: FlameMode,
    nodes: Vec<FlameNode>,
    /// Per span: its box (inverted: the last box of its parent chain); `NO_NODE` when it takes
    /// no part (critical mode, off the path).
    span_node: Vec<u32>,
}

const NO_NODE: u32 = u32::MAX;

impl FlameGraph {
    /// The mode it was built in.
    pub fn mode(&self) -> FlameMode {
        self.mode
    }

    /// Every box; index 0 is the root.
    pub fn nodes(&self) -> &[FlameNode] {
        &self.nodes
    }

    /// Box `i` (the root for an index out of range).
    pub fn node(&self, i: u32) -> &FlameNode {
        self.nodes.get(i as usize).unwrap_or(&self.nodes[0])
    }

    /// The box span `s` was merged into (inverted: the last box of its parent chain).
    pub fn node_of_span(&self, s: SpanIdx) -> Option<u32> {
        self.span_node
            .get(s.ix())
            .copied()
            .filter(|n| *n != NO_NODE)
    }

    /// Boxes from the root to `i`, root first (for breadcrumbs and zoom).
    pub fn path(&self, i: u32) -> Vec<u32> {
        let mut out = vec![i];
        let mut cur = self.node(i).parent;
        while let Some(p) = cur {
            out.push(p);
            cur = self.node(p).parent;
        }
        out.reverse();
        out
    }

    /// How many spans of `matches` each box holds (by box index), so the query can highlight
    /// boxes. Inverted: a span counts on every box of its parent chain.
    pub fn match_counts(&self, matches: &SpanSet) -> Vec<u32> {
        let mut out = vec![0u32; self.nodes.len()];
        for s in matches.iter() {
            let Some(mut n) = self.node_of_span(s) else {
                continue;
            };
            out[n as usize] += 1;
            if self.mode == FlameMode::Inverted {
                while let Some(p) = self.nodes[n as usize].parent.filter(|p| *p != 0) {
                    out[p as usize] += 1;
                    n = p;
                }
            }
        }
        out
    }

    /// Name shown on box `i` ("all" for the root).
    pub fn label<'t>(&self, trace: &'t Trace, i: u32) -> &'t str {
        if i == 0 {
            "all"
        } else {
            trace.text(self.node(i).name)
        }
    }
}

/// Builds the flame graph of every span; `critical` are the sections the views draw (only
/// read in `CriticalPath` mode).
pub fn flame_graph(trace: &Trace, mode: FlameMode, critical: &[Section]) -> FlameGraph {
    let mut b = Builder {
        nodes: vec![FlameNode {
            name: StrIdx(0),
            service: StrIdx(0),
            parent: None,
            depth: 0,
            children: Vec::new(),
            count: 0,
            total_ns: 0,
            self_ns: 0,
            slowest: None,
        }],
        index: FxHashMap::default(),
        span_node: vec![NO_NODE; trace.span_count()],
        best: vec![0],
    };
    let order = preorder(trace);
    match mode {
        FlameMode::AllTime => {
            for &s in &order {
                let d = trace.span(s).duration().0;
                b.forward(trace, s, d, trace.self_time(s).0, d);
            }
        }
        FlameMode::CriticalPath => {
            let (own, subtree) = critical_times(trace, &order, critical);
            for &s in order.iter().filter(|s| subtree[s.ix()] > 0) {
                b.forward(trace, s, subtree[s.ix()], own[s.ix()], subtree[s.ix()]);
            }
        }
        FlameMode::Inverted => {
            for &s in &order {
                b.inverted(trace, s, trace.self_time(s).0);
            }
        }
    }
    let mut nodes = b.nodes;
    let (count, total) = nodes
        .iter()
        .filter(|n| n.parent == Some(0))
        .fold((0u32, 0i64), |(c, t), n| {
            (c.saturating_add(n.count), t.saturating_add(n.total_ns))
        });
    nodes[0].count = count;
    nodes[0].total_ns = total;
    link_children(trace, &mut nodes);
    FlameGraph {
        mode,
        nodes,
        span_node: b.span_node,
    }
}

/// Every span, parents before children (roots in display order, children by start).
fn preorder(trace: &Trace) -> Vec<SpanIdx> {
    let mut out = Vec::with_capacity(trace.span_count());
    let mut stack: Vec<SpanIdx> = Vec::new();
    for &r in trace.roots() {
        stack.push(r);
        while let Some(s) = stack.pop() {
            out.push(s);
            stack.extend(trace.children(s).iter().rev());
        }
    }
    out
}

/// Per span: its own critical time, and that of its whole subtree (ns).
fn critical_times(trace: &Trace, order: &[SpanIdx], critical: &[Section]) -> (Vec<i64>, Vec<i64>) {
    let mut own = vec![0i64; trace.span_count()];
    for c in critical {
        if let Some(v) = own.get_mut(c.span.ix()) {
            *v = v.saturating_add(c.end_ns.saturating_sub(c.start_ns));
        }
    }
    let mut subtree = own.clone();
    // children come after their parents in `order`: walking it backwards sums bottom-up
    for &s in order.iter().rev() {
        if let Some(p) = trace.span(s).parent {
            subtree[p.ix()] = subtree[p.ix()].saturating_add(subtree[s.ix()]);
        }
    }
    (own, subtree)
}

struct Builder {
    nodes: Vec<FlameNode>,
    index: FxHashMap<(u32, u32, u32), u32>,
    span_node: Vec<u32>,
    /// Per node: the time of its `slowest` span.
    best: Vec<i64>,
}

impl Builder {
    fn child(&mut self, parent: u32, service: StrIdx, name: StrIdx) -> u32 {
        let next = self.nodes.len() as u32;
        let id = *self
            .index
            .entry((parent, service.0, name.0))
            .or_insert(next);
        if id == next {
            let depth = self.nodes[parent as usize].depth.saturating_add(1);
            self.nodes.push(FlameNode {
                name,
                service,
                parent: Some(parent),
                depth,
                children: Vec::new(),
                count: 0,
                total_ns: 0,
                self_ns: 0,
                slowest: None,
            });
            self.best.push(i64::MIN);
        }
        id
    }

    fn add(&mut self, n: u32, s: SpanIdx, total: i64, self_ns: i64, weight: i64) {
        let node = &mut self.nodes[n as usize];
        node.count = node.count.saturating_add(1);
        node.total_ns = node.total_ns.saturating_add(total);
        node.self_ns = node.self_ns.saturating_add(self_ns);
        if weight > self.best[n as usize] {
            self.best[n as usize] = weight;
            node.slowest = Some(s);
        }
    }

    /// Merges span `s` under its parent's box (parents are placed first).
    fn forward(&mut self, trace: &Trace, s: SpanIdx, total: i64, self_ns: i64, weight: i64) {
        let parent_node = trace.span(s).parent.map_or(0, |p| self.span_node[p.ix()]);
        let parent_node = if parent_node == NO_NODE {
            0
        } else {
            parent_node
        };
        let n = self.child(parent_node, service_of(trace, s), trace.span(s).name);
        self.add(n, s, total, self_ns, weight);
        self.span_node[s.ix()] = n;
    }

    /// Adds span `s`'s self time to its box at the top and to the chain of its parents.
    fn inverted(&mut self, trace: &Trace, s: SpanIdx, self_ns: i64) {
        let mut n = self.child(0, service_of(trace, s), trace.span(s).name);
        self.add(n, s, self_ns, self_ns, self_ns);
        let mut cur = trace.span(s).parent;
        let mut depth = 1;
        while let Some(p) = cur {
            if depth >= MAX_INVERTED_DEPTH {
                break;
            }
            n = self.child(n, service_of(trace, p), trace.span(p).name);
            self.add(n, s, self_ns, 0, self_ns);
            cur = trace.span(p).parent;
            depth += 1;
        }
        self.span_node[s.ix()] = n;
    }
}

fn service_of(trace: &Trace, s: SpanIdx) -> StrIdx {
    trace
        .resources()
        .get(trace.span(s).resource.ix())
        .map_or(StrIdx(0), |r| r.service_name)
}

/// Fills each node's children, heaviest first, then by name, service and index.
fn link_children(trace: &Trace, nodes: &mut [FlameNode]) {
    let mut kids: Vec<Vec<u32>> = vec![Vec::new(); nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        if let Some(p) = n.parent {
            kids[p as usize].push(i as u32);
        }
    }
    for (i, mut k) in kids.into_iter().enumerate() {
        k.sort_by(|&a, &b| {
            let (na, nb) = (&nodes[a as usize], &nodes[b as usize]);
            nb.total_ns
                .cmp(&na.total_ns)
                .then_with(|| trace.text(na.name).cmp(trace.text(nb.name)))
                .then_with(|| trace.text(na.service).cmp(trace.text(nb.service)))
                .then(a.cmp(&b))
        });
        nodes[i].children = k;
    }
}
