//! The span-tree critical path, per root span (Jaeger UI's definition, in our words):
//!
//! 1. drop CONSUMER children of PRODUCER spans and FOLLOWS_FROM children (asynchronous
//!    hand-offs, with their subtrees);
//! 2. clip each child to its parent's (clipped) interval, top-down; drop children outside it;
//! 3. from the root, go to the child that finished last; the part of the parent after that
//!    child's end is critical; descend likewise until a span has no child: it is critical from
//!    its start to the current bound; climb back to its parent with that start as the bound and
//!    pick the sibling that finished last before the bound; repeat until back at the root with
//!    no eligible child.
//!
//! ```text
//!  root  [==========================================]
//!  a       [=======]                                    a ends before b starts
//!  b                  [==============]
//!  c                                 [=======]          c finished last
//!  path: root(c.end..root.end) c(whole) b(b.start.. c.start, clipped by bound) ... root(..a.start)
//! ```
//!
//! `Rules::jaeger()` reproduces Jaeger UI exactly, including two edge cases we fix by default:
//! a sibling must end strictly before the bound (`<`), so back-to-back siblings lose their time
//! to the parent; and a bound of 0 counts as "no bound". The walk is iterative either way.

use crate::model::{SpanIdx, SpanKind, Trace};

/// One critical section: `span` is on the critical path during `[start_ns, end_ns]` (epoch ns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// The span.
    pub span: SpanIdx,
    /// Section start, epoch ns.
    pub start_ns: i64,
    /// Section end, epoch ns.
    pub end_ns: i64,
}

/// Which edge-case behaviour to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// A sibling must end strictly before the bound (Jaeger) rather than at or before it.
    pub strict_sibling_end: bool,
    /// A bound of exactly 0 means "no bound" (Jaeger's `||`).
    pub zero_bound_is_none: bool,
    /// Roots whose parent is missing (orphans) get no path (Jaeger); we give them one, since a
    /// parent that is merely not loaded (remote, another file) does not make the subtree's path
    /// meaningless.
    pub skip_orphan_roots: bool,
}

impl Rules {
    /// Our rules: back-to-back siblings keep their time, 0 is a time like any other.
    pub fn fixed() -> Rules {
        Rules {
            strict_sibling_end: false,
            zero_bound_is_none: false,
            skip_orphan_roots: false,
        }
    }

    /// Jaeger UI v2.20's behaviour, edge cases included.
    pub fn jaeger() -> Rules {
        Rules {
            strict_sibling_end: true,
            zero_bound_is_none: true,
            skip_orphan_roots: true,
        }
    }
}

/// Clipped intervals and eligible children of one subtree, in flat buffers reused across
/// roots (no allocation per span). Local index 0 is the root; nodes are added breadth-first, so
/// a parent's clipped interval is known before its children are clipped against it.
#[derive(Default)]
struct Prepared {
    span: Vec<SpanIdx>,
    start: Vec<i64>,
    end: Vec<i64>,
    parent: Vec<u32>,
    /// `kids[kid_from[i]..kid_to[i]]`: local indices of i's eligible children, latest end first.
    kid_from: Vec<u32>,
    kid_to: Vec<u32>,
    kids: Vec<u32>,
}

const NO_PARENT: u32 = u32::MAX;

impl Prepared {
    fn build(&mut self, trace: &Trace, root: SpanIdx) {
        for v in [
            &mut self.parent,
            &mut self.kid_from,
            &mut self.kid_to,
            &mut self.kids,
        ] {
            v.clear();
        }
        self.span.clear();
        self.start.clear();
        self.end.clear();
        let r = trace.span(root);
        self.push(root, r.start.0, r.end.0, NO_PARENT);
        let mut li = 0;
        while li < self.span.len() {
            let s = self.span[li];
            let (pa, pb) = (self.start[li], self.end[li]);
            let is_producer = trace.span(s).kind == SpanKind::Producer;
            let from = self.kids.len() as u32;
            for &c in trace.children(s) {
                let child = trace.span(c);
                if (is_producer && child.kind == SpanKind::Consumer)
                    || child.flags.has(crate::model::SpanFlags::FOLLOWS_FROM)
                {
                    continue;
                }
                // outside the parent: dropped with its subtree; otherwise clipped to it
                if child.start.0 >= pb || child.end.0 <= pa {
                    continue;
                }
                let cl = self.push(c, child.start.0.max(pa), child.end.0.min(pb), li as u32);
                self.kids.push(cl);
            }
            let to = self.kids.len() as u32;
            // latest clipped end first; ties keep start order (children come sorted by start)
            let (end, span) = (&self.end, &self.span);
            self.kids[from as usize..to as usize].sort_by_key(|&k| {
                (
                    std::cmp::Reverse(end[k as usize]),
                    trace.span(span[k as usize]).start,
                    span[k as usize],
                )
            });
            self.kid_from[li] = from;
            self.kid_to[li] = to;
            li += 1;
        }
    }

    fn push(&mut self, s: SpanIdx, a: i64, b: i64, parent: u32) -> u32 {
        self.span.push(s);
        self.start.push(a);
        self.end.push(b);
        self.parent.push(parent);
        self.kid_from.push(0);
        self.kid_to.push(0);
        (self.span.len() - 1) as u32
    }

    fn kids_of(&self, li: usize) -> &[u32] {
        &self.kids[self.kid_from[li] as usize..self.kid_to[li] as usize]
    }
}

/// Critical sections of the tree under `root`, in walk order (latest first).
pub fn critical_path_of_root(trace: &Trace, root: SpanIdx, rules: Rules) -> Vec<Section> {
    let mut out = Vec::new();
    if rules.skip_orphan_roots && trace.span(root).parent_span_id.0 != 0 {
        return out;
    }
    walk_root(trace, root, rules, &mut Prepared::default(), &mut out);
    out
}

/// Appends the critical sections under `root` to `out`, using `p` as scratch.
fn walk_root(trace: &Trace, root: SpanIdx, rules: Rules, p: &mut Prepared, out: &mut Vec<Section>) {
    p.build(trace, root);
    let mut cur = 0usize;
    // the bound, and (fixed rules) the child we climbed out of: only later-listed siblings qualify
    let mut bound: Option<i64> = None;
    let mut came_from: Option<u32> = None;
    let mut guard = 0usize;
    loop {
        guard += 1;
        if guard > 4 * p.span.len() + 8 {
            break; // cannot happen: each step moves strictly backwards in time or down the tree
        }
        let effective = if rules.zero_bound_is_none {
            bound.filter(|b| *b != 0)
        } else {
            bound
        };
        let kids = p.kids_of(cur);
        let pick = match effective {
            None => kids.first().copied(),
            Some(b) => {
                let from = if rules.strict_sibling_end {
                    0
                } else {
                    came_from
                        .and_then(|c| kids.iter().position(|k| *k == c))
                        .map_or(0, |i| i + 1)
                };
                kids[from..].iter().copied().find(|&k| {
                    let e = p.end[k as usize];
                    if rules.strict_sibling_end {
                        e < b
                    } else {
                        e <= b
                    }
                })
            }
        };
        let section_end = effective.unwrap_or(p.end[cur]);
        match pick {
            Some(c) => {
                let section_start = p.end[c as usize];
                if section_start != section_end {
                    out.push(Section {
                        span: p.span[cur],
                        start_ns: section_start,
                        end_ns: section_end,
                    });
                }
                cur = c as usize;
                bound = None;
                came_from = None;
            }
            None => {
                if p.start[cur] != section_end {
                    out.push(Section {
                        span: p.span[cur],
                        start_ns: p.start[cur],
                        end_ns: section_end,
                    });
                }
                match p.parent[cur] {
                    NO_PARENT => break,
                    parent => {
                        bound = Some(p.start[cur]);
                        came_from = Some(cur as u32);
                        cur = parent as usize;
                    }
                }
            }
        }
    }
}

/// Critical sections of every root, roots in display order.
pub fn critical_path(trace: &Trace, rules: Rules) -> Vec<Section> {
    roots_critical_path(trace, trace.roots().iter().copied(), rules)
}

fn roots_critical_path(
    trace: &Trace,
    roots: impl Iterator<Item = SpanIdx>,
    rules: Rules,
) -> Vec<Section> {
    let mut out = Vec::new();
    let mut scratch = Prepared::default();
    for r in roots {
        if rules.skip_orphan_roots && trace.span(r).parent_span_id.0 != 0 {
            continue;
        }
        walk_root(trace, r, rules, &mut scratch, &mut out);
    }
    out
}

/// The critical path drawn on a workflow's timeline: for a FlowMesh workflow (each task its own
/// root) the span-tree path of the tasks on the lineage critical path; otherwise every root's.
pub fn workflow_critical_path(
    trace: &Trace,
    flowmesh: &super::flowmesh::FlowMeshAnalysis,
    rules: Rules,
) -> Vec<Section> {
    let on_path: rustc_hash::FxHashSet<SpanIdx> = flowmesh
        .critical_path
        .iter()
        .filter_map(|&i| flowmesh.nodes[i].task_span)
        .collect();
    if on_path.is_empty() {
        return critical_path(trace, rules);
    }
    roots_critical_path(
        trace,
        trace
            .roots()
            .iter()
            .copied()
            .filter(|r| on_path.contains(r)),
        rules,
    )
}

/// Critical sections by span: `[start_ns, end_ns]` intervals, each list sorted by start.
pub type SectionsBySpan = rustc_hash::FxHashMap<SpanIdx, Vec<(i64, i64)>>;

/// Critical sections grouped by span, each list sorted by start.
pub fn sections_by_span(sections: &[Section]) -> SectionsBySpan {
    let mut map: rustc_hash::FxHashMap<SpanIdx, Vec<(i64, i64)>> = rustc_hash::FxHashMap::default();
    for s in sections {
        map.entry(s.span).or_default().push((s.start_ns, s.end_ns));
    }
    for v in map.values_mut() {
        v.sort_unstable();
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ingest_sources;

    fn line(id: u32, parent: Option<u32>, start_ms: u32, end_ms: u32) -> String {
        let parent = parent.map_or("null".to_string(), |p| format!("\"0x{p:x}\""));
        format!(
            r#"{{"name": "s{id}", "context": {{"trace_id": "0x1", "span_id": "0x{id:x}"}}, "parent_id": {parent}, "start_time": "2026-01-01T00:00:00.{:03}000Z", "end_time": "2026-01-01T00:00:00.{:03}000Z"}}"#,
            start_ms, end_ms
        ) + "\n"
    }

    fn sections(text: &str, rules: Rules) -> Vec<(String, i64, i64)> {
        let t = ingest_sources([("t.jsonl", text.as_bytes())]);
        let base = t.start_time().0;
        critical_path(&t, rules)
            .into_iter()
            .map(|s| {
                (
                    t.name(s.span).to_string(),
                    (s.start_ns - base) / 1_000_000,
                    (s.end_ns - base) / 1_000_000,
                )
            })
            .collect()
    }

    /// ```text
    ///  s1 [0..........................30]
    ///  s2 [0....10]
    ///  s3         [10....20]          back to back with s2 and s4
    ///  s4                   [20.....30]
    /// ```
    #[test]
    fn back_to_back_siblings_keep_their_time() {
        let text = line(1, None, 0, 30)
            + &line(2, Some(1), 0, 10)
            + &line(3, Some(1), 10, 20)
            + &line(4, Some(1), 20, 30);
        let s = |n: &str, a, b| (n.to_string(), a, b);
        assert_eq!(
            sections(&text, Rules::fixed()),
            vec![s("s4", 20, 30), s("s3", 10, 20), s("s2", 0, 10)]
        );
        // Jaeger's strict `<` skips s3 (it ends exactly at s4's start), so the parent gets its time
        assert_eq!(
            sections(&text, Rules::jaeger()),
            vec![s("s4", 20, 30), s("s1", 10, 20), s("s2", 0, 10)]
        );
    }

    #[test]
    fn deep_chains_do_not_overflow_the_stack() {
        let mut text = String::new();
        let n = 50_000u32;
        for i in 1..=n {
            let parent = if i == 1 { None } else { Some(i - 1) };
            text.push_str(&format!(
                r#"{{"name": "d", "context": {{"trace_id": "0x1", "span_id": "0x{i:x}"}}, "parent_id": {}, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:01:00Z"}}"#,
                parent.map_or("null".into(), |p| format!("\"0x{p:x}\""))
            ));
            text.push('\n');
        }
        let t = ingest_sources([("deep.jsonl", text.as_bytes())]);
        let path = critical_path(&t, Rules::fixed());
        // every span covers the same interval: only the deepest one is critical
        assert_eq!(path.len(), 1);
        assert_eq!(t.depth_of(path[0].span), (n - 1) as u16);
    }

    #[test]
    fn children_outside_the_parent_are_clipped_or_dropped() {
        // s2 overflows the end of s1; s3 lies entirely after it
        let text = line(1, None, 0, 10) + &line(2, Some(1), 5, 15) + &line(3, Some(1), 12, 14);
        let s = |n: &str, a, b| (n.to_string(), a, b);
        assert_eq!(
            sections(&text, Rules::fixed()),
            vec![s("s2", 5, 10), s("s1", 0, 5)]
        );
    }
}
