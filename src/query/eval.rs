//! Evaluating a parsed query over every span into a `SpanSet`. The query is compiled once into
//! prepared tests (`leaf`), then each span is tested once, with short-circuit `and` / `or`
//! and the cheap tests first, so a query of many terms still reads each span and its
//! attributes from memory once (measured: a 4-term query over 1M spans went from 179 ms, one
//! pass per term, to well under 100 ms). Invariant: the result does not depend on the order
//! the terms are tested in (tests have no side effects beyond their caches).

use super::ast::Expr;
use super::leaf::Leaf;
use crate::analysis::span_critical_path::Section;
use crate::analysis::span_set::SpanSet;
use crate::analysis::stats::nearest_rank;
use crate::analysis::usage_index::UsageIndex;
use crate::model::{SpanIdx, Trace};
use std::cell::OnceCell;

/// What a query is evaluated against: the trace, the critical sections `critical` reads (the
/// ones the views draw), and facts derived on first use (usage for `tokens` and `cost`).
pub struct QueryContext<'a> {
    trace: &'a Trace,
    critical: &'a [Section],
    usage: OnceCell<UsageIndex>,
}

impl<'a> QueryContext<'a> {
    /// A context over `trace` whose critical path is `critical` (empty when none is shown).
    pub fn new(trace: &'a Trace, critical: &'a [Section]) -> QueryContext<'a> {
        QueryContext {
            trace,
            critical,
            usage: OnceCell::new(),
        }
    }

    /// The trace queried.
    pub fn trace(&self) -> &'a Trace {
        self.trace
    }

    /// The critical sections `critical` reads.
    pub fn critical(&self) -> &'a [Section] {
        self.critical
    }

    /// Usage of every span, read on first use.
    pub fn usage(&self) -> &UsageIndex {
        self.usage.get_or_init(|| UsageIndex::new(self.trace))
    }

    /// The nearest-rank `percent` percentile of every span's duration, ns (0 with no spans).
    pub fn duration_percentile_ns(&self, percent: f64) -> i64 {
        let mut d: Vec<i64> = self.trace.spans().iter().map(|s| s.duration().0).collect();
        if d.is_empty() {
            return 0;
        }
        let k = nearest_rank(d.len(), percent) - 1;
        *d.select_nth_unstable(k).1
    }
}

/// The query compiled: the tree over indices into `leaves`.
enum Node {
    Leaf(usize),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
}

/// The spans `expr` matches.
pub fn evaluate(expr: &Expr, ctx: &QueryContext<'_>) -> SpanSet {
    let mut leaves = Vec::new();
    let node = compile(expr, ctx, &mut leaves);
    let trace = ctx.trace;
    SpanSet::from_fn(trace.span_count(), |s| test(&node, &mut leaves, trace, s))
}

fn compile(expr: &Expr, ctx: &QueryContext<'_>, leaves: &mut Vec<Leaf>) -> Node {
    match expr {
        Expr::Term(t) => {
            leaves.push(Leaf::new(t, ctx));
            Node::Leaf(leaves.len() - 1)
        }
        Expr::Not(x) => Node::Not(Box::new(compile(x, ctx, leaves))),
        Expr::And(xs) | Expr::Or(xs) => {
            let mut kids: Vec<Node> = xs.iter().map(|x| compile(x, ctx, leaves)).collect();
            // cheap tests first: they often decide the span before an attribute scan is needed
            kids.sort_by_key(|k| cost(k, leaves));
            if matches!(expr, Expr::And(_)) {
                Node::And(kids)
            } else {
                Node::Or(kids)
            }
        }
    }
}

fn cost(n: &Node, leaves: &[Leaf]) -> u32 {
    match n {
        Node::Leaf(i) => leaves[*i].cost(),
        Node::Not(x) => cost(x, leaves),
        Node::And(xs) | Node::Or(xs) => xs.iter().map(|x| cost(x, leaves)).sum(),
    }
}

fn test(n: &Node, leaves: &mut [Leaf], trace: &Trace, s: SpanIdx) -> bool {
    match n {
        Node::Leaf(i) => leaves[*i].test(trace, s),
        Node::Not(x) => !test(x, leaves, trace, s),
        Node::And(xs) => xs.iter().all(|x| test(x, leaves, trace, s)),
        Node::Or(xs) => xs.iter().any(|x| test(x, leaves, trace, s)),
    }
}
