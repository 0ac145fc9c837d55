//! Aligned waterfalls: A's and B's span trees in two stacked lanes, each run drawn from its own
//! start (t = 0) on one time scale, so the same step sits under the same step, and A's trees in
//! the order of their partners in B, so matched trees come in the same order in both lanes. Rows of matched
//! spans know their partner's row in the other lane (hovering one outlines both and draws the
//! link between them); added and removed spans are marked `+` / `−`. Bars are coloured by the
//! pair's Δ (`colors`). Pure: rows are built once per comparison, the draw lists per frame visit
//! only the rows in view, and hit testing inverts the same geometry.
//!
//! ```text
//!  +----------------+-----------------------------------------+
//!  |                | 0      50ms      100ms      (axis)      |  axis_height_px
//!  +----------------+-----------------------------------------+
//!  | A · baseline … 149ms wall clock                          |  title_height_px
//!  | = task         | [==========]                            |  rows of A (first_row[A] ..)
//!  | − plan         |     [===]                               |
//!  +----------------+-----------------------------------------+
//!  | B · this run … 48.7ms wall clock                         |
//!  | = task         | [=====]                                 |  rows of B
//!  | + flaky_llm    |   [==]                                  |
//!  +----------------+-----------------------------------------+
//! ```

mod draw;
mod geometry;

pub use draw::{draw_list, overlay_list, WaterfallSpec};
pub use geometry::WaterfallGeometry;

use crate::analysis::compare::side::Side;
use crate::analysis::compare::tolerance::{Status, Tolerance};
use crate::analysis::compare::SpanLinks;
use crate::model::{SpanIdx, TimestampNs, Trace, TraceIdx};

/// One of the two lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lane {
    /// The baseline (top).
    A,
    /// This run (bottom).
    B,
}

impl Lane {
    /// 0 for A, 1 for B.
    pub fn ix(self) -> usize {
        match self {
            Lane::A => 0,
            Lane::B => 1,
        }
    }

    /// The other lane.
    pub fn other(self) -> Lane {
        match self {
            Lane::A => Lane::B,
            Lane::B => Lane::A,
        }
    }
}

/// How a row compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A trace header (several trace ids on one side).
    Header(TraceIdx),
    /// A matched span, with the status of its pair's durations.
    Matched(Status),
    /// Only in B.
    Added,
    /// Only in A.
    Removed,
}

/// One row of a lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LaneRow {
    /// The span (`None` for a header).
    pub span: Option<SpanIdx>,
    /// Depth below its root.
    pub depth: u16,
    /// How it compares.
    pub mark: Mark,
    /// Its partner's row in the other lane.
    pub partner: Option<u32>,
}

/// Both lanes' rows, built once per comparison.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lanes {
    /// A's rows then B's, by `Lane::ix`.
    pub rows: [Vec<LaneRow>; 2],
    /// Each side's start (its t = 0).
    pub start: [TimestampNs; 2],
    /// The longer wall clock of the two, ns (the fitted window).
    pub extent_ns: i64,
}

/// Rows of one side: each of `roots`' trees depth-first, children by start, a header per trace
/// id when the side holds several.
fn side_rows(side: &Side, roots: &[SpanIdx]) -> Vec<LaneRow> {
    let trace = side.trace();
    let with_headers = side.trace_indices().len() > 1;
    let mut out = Vec::with_capacity(side.span_count() + 4);
    let mut last: Option<TraceIdx> = None;
    let mut stack: Vec<(SpanIdx, u16)> = Vec::new();
    for &root in roots {
        let t = trace.span(root).trace;
        if with_headers && last != Some(t) {
            out.push(LaneRow {
                span: None,
                depth: 0,
                mark: Mark::Header(t),
                partner: None,
            });
        }
        last = Some(t);
        stack.push((root, u16::from(with_headers)));
        while let Some((s, depth)) = stack.pop() {
            out.push(LaneRow {
                span: Some(s),
                depth,
                mark: Mark::Added,
                partner: None,
            });
            stack.extend(trace.children(s).iter().rev().map(|&c| (c, depth + 1)));
        }
    }
    out
}

/// Row index of each span of `trace` in `rows` (`u32::MAX` where it has none).
fn row_of(trace: &Trace, rows: &[LaneRow]) -> Vec<u32> {
    let mut out = vec![u32::MAX; trace.span_count()];
    for (i, r) in rows.iter().enumerate() {
        if let Some(s) = r.span {
            out[s.ix()] = i as u32;
        }
    }
    out
}

/// A's roots in the order of their partners in B (within each trace id), so matched trees come
/// in the same order in both lanes; roots without a partner follow, by start.
fn roots_like_b(a: &Side, links: &SpanLinks, row_b: &[u32]) -> Vec<SpanIdx> {
    let trace = a.trace();
    let mut roots: Vec<SpanIdx> = a.roots().collect();
    let traces = a.trace_indices();
    let trace_rank = |s: SpanIdx| traces.iter().position(|&t| t == trace.span(s).trace);
    let partner_row = |s: SpanIdx| {
        let p = links.partner.get(&s)?;
        row_b.get(p.ix()).copied().filter(|&i| i != u32::MAX)
    };
    // a stable sort: equal keys (no partner) keep their start order
    roots.sort_by_key(|&s| (trace_rank(s), partner_row(s).unwrap_or(u32::MAX)));
    roots
}

/// The lanes of A (the reference run of a baseline set) and B, with their pairs from
/// `links` (`Comparison::span_links`). B's rows are its trees by start; A's trees follow
/// their partners' order in B.
pub fn lanes(a: &Side, b: &Side, links: &(SpanLinks, SpanLinks), tolerance: &Tolerance) -> Lanes {
    let b_rows = side_rows(b, &b.roots().collect::<Vec<_>>());
    let row_b = row_of(b.trace(), &b_rows);
    let mut rows = [side_rows(a, &roots_like_b(a, &links.0, &row_b)), b_rows];
    let row_a = row_of(a.trace(), &rows[0]);
    for r in rows[0].iter_mut() {
        let Some(s) = r.span else { continue };
        match links.0.partner.get(&s) {
            Some(&p) => {
                let (da, db) = (a.trace().span(s).duration(), b.trace().span(p).duration());
                r.mark = Mark::Matched(tolerance.classify(da, db));
                r.partner = row_b.get(p.ix()).copied().filter(|&i| i != u32::MAX);
            }
            None => r.mark = Mark::Removed,
        }
    }
    for r in rows[1].iter_mut() {
        let Some(s) = r.span else { continue };
        if let Some(&p) = links.1.partner.get(&s) {
            let (da, db) = (a.trace().span(p).duration(), b.trace().span(s).duration());
            r.mark = Mark::Matched(tolerance.classify(da, db));
            r.partner = row_a.get(p.ix()).copied().filter(|&i| i != u32::MAX);
        }
    }
    Lanes {
        rows,
        start: [a.bounds().0, b.bounds().0],
        extent_ns: a.wall_clock().0.max(b.wall_clock().0).max(1),
    }
}
