//! Visible rows of the waterfall: the span forest flattened depth-first, children by start,
//! skipping collapsed subtrees, with a header row per trace id when several are loaded;
//! `filtered_rows` does the same over a subset of spans ("show matches only").
//! Invariant: O(visible spans) per rebuild, iterative (deep traces cannot overflow the stack).

use crate::analysis::span_set::SpanSet;
use crate::model::{SpanIdx, Trace, TraceIdx};
use crate::view_state::Expansion;

/// What a row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowItem {
    /// A header naming a trace id (only when several are loaded).
    TraceHeader(TraceIdx),
    /// A span.
    Span(SpanIdx),
}

/// One visible row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// Content.
    pub item: RowItem,
    /// Tree depth (indentation level).
    pub depth: u16,
    /// True when the span has children (draws a toggle).
    pub has_children: bool,
    /// True when its children are shown.
    pub is_expanded: bool,
}

/// Flattens the trace into rows.
pub fn visible_rows(trace: &Trace, expansion: &Expansion) -> Vec<Row> {
    let mut rows = Vec::with_capacity(if expansion.all_collapsed {
        trace.roots().len() * 2
    } else {
        trace.span_count() + 8
    });
    let with_headers = trace.trace_count() > 1;
    let mut last_trace: Option<TraceIdx> = None;
    let mut stack: Vec<SpanIdx> = Vec::new();
    for &root in trace.roots() {
        let t = trace.span(root).trace;
        if with_headers && last_trace != Some(t) {
            rows.push(Row {
                item: RowItem::TraceHeader(t),
                depth: 0,
                has_children: true,
                is_expanded: true,
            });
        }
        last_trace = Some(t);
        stack.push(root);
        while let Some(s) = stack.pop() {
            let children = trace.children(s);
            let is_expanded = !children.is_empty() && expansion.is_expanded(trace.span(s).span_id);
            rows.push(Row {
                item: RowItem::Span(s),
                depth: trace.depth_of(s) + u16::from(with_headers),
                has_children: !children.is_empty(),
                is_expanded,
            });
            if is_expanded {
                stack.extend(children.iter().rev());
            }
        }
    }
    rows
}

/// The rows of "show matches only": like `visible_rows`, but only spans in `shown` (a query's
/// matches with their ancestors, `SpanSet::with_ancestors`), so every match sits under its
/// parents; a span's toggle counts only its shown children, and folds still apply. A trace
/// header appears only above a trace with shown spans.
pub fn filtered_rows(trace: &Trace, expansion: &Expansion, shown: &SpanSet) -> Vec<Row> {
    let mut rows = Vec::new();
    let with_headers = trace.trace_count() > 1;
    let mut last_trace: Option<TraceIdx> = None;
    let mut stack: Vec<SpanIdx> = Vec::new();
    let mut kids: Vec<SpanIdx> = Vec::new();
    for &root in trace.roots().iter().filter(|r| shown.contains(**r)) {
        let t = trace.span(root).trace;
        if with_headers && last_trace != Some(t) {
            rows.push(Row {
                item: RowItem::TraceHeader(t),
                depth: 0,
                has_children: true,
                is_expanded: true,
            });
        }
        last_trace = Some(t);
        stack.push(root);
        while let Some(s) = stack.pop() {
            kids.clear();
            kids.extend(trace.children(s).iter().filter(|c| shown.contains(**c)));
            let is_expanded = !kids.is_empty() && expansion.is_expanded(trace.span(s).span_id);
            rows.push(Row {
                item: RowItem::Span(s),
                depth: trace.depth_of(s) + u16::from(with_headers),
                has_children: !kids.is_empty(),
                is_expanded,
            });
            if is_expanded {
                stack.extend(kids.iter().rev());
            }
        }
    }
    rows
}

/// Index of the row showing span `s`, if visible.
pub fn row_of_span(rows: &[Row], s: SpanIdx) -> Option<usize> {
    rows.iter().position(|r| r.item == RowItem::Span(s))
}

/// Ancestors of `s`, nearest first (to expand them so `s` becomes visible).
pub fn ancestors(trace: &Trace, s: SpanIdx) -> Vec<SpanIdx> {
    let mut out = Vec::new();
    let mut cur = trace.span(s).parent;
    while let Some(p) = cur {
        if out.len() > trace.span_count() {
            break;
        }
        out.push(p);
        cur = trace.span(p).parent;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ingest_sources;
    use crate::layout::scenarios::TWO_SPANS;

    #[test]
    fn collapsing_hides_children() {
        let t = ingest_sources([("t.jsonl", TWO_SPANS.as_bytes())]);
        let mut e = Expansion::default();
        assert_eq!(visible_rows(&t, &e).len(), 2);
        e.toggle(crate::model::SpanId(0xa));
        assert_eq!(visible_rows(&t, &e).len(), 1);
        e.set_all(false);
        assert_eq!(visible_rows(&t, &e).len(), 1);
        e.set_all(true);
        assert_eq!(visible_rows(&t, &e).len(), 2);
    }
}
