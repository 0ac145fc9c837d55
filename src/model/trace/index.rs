//! The tables a reader fills and the indices a `Trace` derives from them, once, when it is made.
//! Invariant: whatever the tables hold, the derived indices are consistent with them (parent
//! links that point outside the span table are dropped, log links likewise), so no accessor
//! can index out of range.

use super::Trace;
use crate::model::attr::Attribute;
use crate::model::diagnostic::Diagnostic;
use crate::model::ids::{SpanId, SpanIdx, TraceId, TraceIdx};
use crate::model::records::{AssetRow, LineageEdge, LogEntry, Resource, Source};
use crate::model::span::{Span, SpanEvent, SpanLink};
use crate::model::span_type::SpanType;
use crate::model::strings::Strings;
use crate::model::time::TimestampNs;
use rustc_hash::FxHashMap;

/// What the readers fill (through the ingest builder) before the indices are derived.
#[derive(Debug, Clone, Default)]
pub struct TraceTables {
    /// Interned strings.
    pub strings: Strings,
    /// Distinct trace ids, in order of first appearance.
    pub trace_ids: Vec<TraceId>,
    /// All spans; `parent` links set and acyclic (the builder cuts cycles).
    pub spans: Vec<Span>,
    /// Shared attribute table (spans, events, links, logs index into it).
    pub attributes: Vec<Attribute>,
    /// Shared event table.
    pub events: Vec<SpanEvent>,
    /// Shared link table.
    pub links: Vec<SpanLink>,
    /// Deduplicated resources (index 0 is "no resource").
    pub resources: Vec<Resource>,
    /// FlowMesh lineage edges in input order.
    pub lineage: Vec<LineageEdge>,
    /// FlowMesh asset rows in input order.
    pub assets: Vec<AssetRow>,
    /// Sources read.
    pub sources: Vec<Source>,
    /// JSON log lines, each joined to its span (`span`) or not; any order.
    pub logs: Vec<LogEntry>,
    /// Problems found while reading (a source's many problems of one kind are listed up to a
    /// limit, then summed up in one row).
    pub diagnostics: Vec<Diagnostic>,
    /// Every problem found, listed or not.
    pub problem_count: u64,
}

impl Trace {
    /// Makes a trace from filled tables, deriving every index (children, roots, depths, trace
    /// bounds, lookups by id, span-type kinds, logs by span). The ingest builder is the one
    /// caller: it links parents and applies the repair rules first.
    pub(crate) fn from_tables(mut tables: TraceTables) -> Trace {
        let n = tables.spans.len();
        for s in &mut tables.spans {
            s.parent = s.parent.filter(|p| p.ix() < n);
        }
        tables.logs.sort_by_key(|l| (l.time, l.source, l.line));
        let mut logs_by_span: FxHashMap<SpanIdx, Vec<u32>> = FxHashMap::default();
        for (k, log) in tables.logs.iter_mut().enumerate() {
            log.span = log.span.filter(|s| s.ix() < n);
            if let Some(s) = log.span {
                logs_by_span.entry(s).or_default().push(k as u32);
            }
        }
        let (child_offsets, child_list) = children_of(&tables.spans);
        let trace_bounds = trace_bounds(&tables);
        let roots = sorted_roots(&tables.spans, &trace_bounds);
        let depth = depths(n, &roots, &child_offsets, &child_list);
        let mut first_roots = vec![None; tables.trace_ids.len()];
        for &r in roots.iter().rev() {
            if let Some(slot) = first_roots.get_mut(tables.spans[r.ix()].trace.ix()) {
                *slot = Some(r);
            }
        }
        let (span_by_id, shared_ids) = id_lookups(&tables.spans, &trace_bounds);
        let mut type_kinds: FxHashMap<_, Option<SpanType>> = FxHashMap::default();
        // each distinct type text is classified once, here, not per span per paint
        for span in &tables.spans {
            if span.span_type.0 != 0 && !type_kinds.contains_key(&span.span_type) {
                let kind = SpanType::classify(tables.strings.text(span.span_type));
                type_kinds.insert(span.span_type, kind);
            }
        }
        let trace_index = tables
            .trace_ids
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, TraceIdx(i as u32)))
            .collect();
        let start = tables.spans.iter().map(|s| s.start).min();
        let end = tables.spans.iter().map(|s| s.end).max();
        Trace {
            logs_by_span,
            roots,
            first_roots,
            type_kinds,
            trace_bounds,
            trace_index,
            child_offsets,
            child_list,
            depth,
            span_by_id,
            shared_ids,
            start: start.unwrap_or_default(),
            end: end.unwrap_or_default(),
            tables,
        }
    }
}

/// Children lists in one flat buffer: `list[offsets[i]..offsets[i+1]]`, each by (start, index).
fn children_of(spans: &[Span]) -> (Vec<u32>, Vec<SpanIdx>) {
    let n = spans.len();
    let mut counts = vec![0u32; n + 1];
    for s in spans {
        if let Some(p) = s.parent {
            counts[p.ix() + 1] += 1;
        }
    }
    for i in 0..n {
        counts[i + 1] += counts[i];
    }
    let mut fill = counts.clone();
    let mut list = vec![SpanIdx(0); counts[n] as usize];
    for (i, s) in spans.iter().enumerate() {
        if let Some(p) = s.parent {
            list[fill[p.ix()] as usize] = SpanIdx(i as u32);
            fill[p.ix()] += 1;
        }
    }
    for i in 0..n {
        let slice = &mut list[counts[i] as usize..counts[i + 1] as usize];
        slice.sort_by_key(|c| (spans[c.ix()].start, *c));
    }
    (counts, list)
}

/// Earliest start and latest end of each trace id's spans (a trace with no span: (0, 0)).
fn trace_bounds(tables: &TraceTables) -> Vec<(TimestampNs, TimestampNs)> {
    let t = tables.trace_ids.len();
    let mut start = vec![i64::MAX; t];
    let mut end = vec![i64::MIN; t];
    for s in &tables.spans {
        if let (Some(a), Some(b)) = (start.get_mut(s.trace.ix()), end.get_mut(s.trace.ix())) {
            *a = (*a).min(s.start.0);
            *b = (*b).max(s.end.0);
        }
    }
    start
        .iter()
        .zip(&end)
        .map(|(&a, &b)| match a {
            i64::MAX => (TimestampNs(0), TimestampNs(0)),
            _ => (TimestampNs(a), TimestampNs(b.max(a))),
        })
        .collect()
}

/// The rank of a trace in the waterfall: by its first start, then the order it was read.
fn trace_rank(bounds: &[(TimestampNs, TimestampNs)], t: TraceIdx) -> (TimestampNs, TraceIdx) {
    (bounds.get(t.ix()).map_or(TimestampNs(0), |b| b.0), t)
}

fn sorted_roots(spans: &[Span], bounds: &[(TimestampNs, TimestampNs)]) -> Vec<SpanIdx> {
    let mut roots: Vec<SpanIdx> = (0..spans.len() as u32)
        .map(SpanIdx)
        .filter(|i| spans[i.ix()].parent.is_none())
        .collect();
    roots.sort_by_key(|r| {
        let s = &spans[r.ix()];
        (trace_rank(bounds, s.trace), s.start, *r)
    });
    roots
}

/// Depth of every span reached from the roots, iteratively (deep traces cannot overflow).
fn depths(n: usize, roots: &[SpanIdx], offsets: &[u32], list: &[SpanIdx]) -> Vec<u16> {
    let mut depth = vec![0u16; n];
    let mut stack: Vec<SpanIdx> = roots.to_vec();
    while let Some(i) = stack.pop() {
        let d = depth[i.ix()].saturating_add(1);
        for &c in &list[offsets[i.ix()] as usize..offsets[i.ix() + 1] as usize] {
            depth[c.ix()] = d;
            stack.push(c);
        }
    }
    depth
}

type IdLookups = (
    FxHashMap<SpanId, SpanIdx>,
    FxHashMap<(TraceIdx, SpanId), SpanIdx>,
);

/// Span id -> the span in the earliest-ranked trace holding it; the others by (trace, id).
fn id_lookups(spans: &[Span], bounds: &[(TimestampNs, TimestampNs)]) -> IdLookups {
    let mut by_id: FxHashMap<SpanId, SpanIdx> = FxHashMap::default();
    by_id.reserve(spans.len());
    let mut shared = FxHashMap::default();
    for (i, s) in spans.iter().enumerate() {
        let i = SpanIdx(i as u32);
        match by_id.get(&s.span_id).copied() {
            None => {
                by_id.insert(s.span_id, i);
            }
            Some(held) => {
                let held_trace = spans[held.ix()].trace;
                if trace_rank(bounds, s.trace) < trace_rank(bounds, held_trace) {
                    by_id.insert(s.span_id, i);
                    shared.insert((held_trace, s.span_id), held);
                } else {
                    shared.insert((s.trace, s.span_id), i);
                }
            }
        }
    }
    (by_id, shared)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ids::{FileIdx, ResourceIdx, StrIdx};
    use crate::model::span::SpanFlags;

    fn span(trace: u32, id: u64, parent: Option<u32>, start: i64, end: i64) -> Span {
        Span {
            trace: TraceIdx(trace),
            span_id: SpanId(id),
            parent_span_id: SpanId(0),
            parent: parent.map(SpanIdx),
            name: StrIdx(0),
            span_type: StrIdx(0),
            kind: Default::default(),
            status: Default::default(),
            status_message: StrIdx(0),
            start: TimestampNs(start),
            end: TimestampNs(end),
            attributes: 0..0,
            events: 0..0,
            links: 0..0,
            resource: ResourceIdx(0),
            source: FileIdx(0),
            line: 1,
            flags: SpanFlags::default(),
        }
    }

    #[test]
    fn the_empty_trace_is_a_valid_trace() {
        let t = Trace::default();
        assert_eq!(t.span_count(), 0);
        assert!(t.roots().is_empty());
        assert!(t.children(SpanIdx(0)).is_empty());
        assert_eq!(t.depth_of(SpanIdx(3)), 0);
        assert_eq!(t.find_span(SpanId(1)), None);
        assert_eq!(t.start_time(), TimestampNs(0));
    }

    /// Two traces share span id 7; trace B (index 1) starts first, so it ranks first.
    ///
    /// ```text
    ///  trace A (idx 0)          [7 ..........]        starts at 100
    ///  trace B (idx 1)  [7 ...] [8]                   starts at 10
    /// ```
    #[test]
    fn a_shared_span_id_resolves_by_trace() {
        let tables = TraceTables {
            trace_ids: vec![TraceId(0xa), TraceId(0xb)],
            spans: vec![
                span(0, 7, None, 100, 200),
                span(1, 7, None, 10, 20),
                span(1, 8, Some(1), 30, 40),
            ],
            ..TraceTables::default()
        };
        let t = Trace::from_tables(tables);
        assert_eq!(t.find_span_in(TraceId(0xa), SpanId(7)), Some(SpanIdx(0)));
        assert_eq!(t.find_span_in(TraceId(0xb), SpanId(7)), Some(SpanIdx(1)));
        assert_eq!(t.find_span_in(TraceId(0xa), SpanId(8)), None);
        assert_eq!(t.find_span_in(TraceId(0xc), SpanId(7)), None);
        assert_eq!(
            t.find_span(SpanId(7)),
            Some(SpanIdx(1)),
            "the earlier trace"
        );
        assert_eq!(t.roots(), [SpanIdx(1), SpanIdx(0)]);
        assert_eq!(t.children(SpanIdx(1)), [SpanIdx(2)]);
        assert_eq!(t.depth_of(SpanIdx(2)), 1);
    }

    #[test]
    fn links_out_of_range_are_dropped() {
        let tables = TraceTables {
            trace_ids: vec![TraceId(1)],
            spans: vec![span(0, 1, Some(9), 0, 5)],
            ..TraceTables::default()
        };
        let t = Trace::from_tables(tables);
        assert_eq!(t.span(SpanIdx(0)).parent, None);
        assert_eq!(t.roots(), [SpanIdx(0)]);
    }
}
