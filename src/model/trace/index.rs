//! The tables a reader fills and the indices a `Trace` derives from them, once, when it is made.
//! Invariant: whatever the tables hold, the derived indices are consistent with them (parent
//! links that point outside the span table are dropped, log links likewise), so no accessor
//! can index out of range.

use super::Trace;
use crate::model::attr::Attribute;
use crate::model::diagnostic::Diagnostic;
use crate::model::ids::{SpanIdx, TraceId, TraceIdx};
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

/// The indices a trace derives from its tables: made once (`TraceIndex::derive`), or handed
/// over from the thread that made them and checked (`Trace::from_parts`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TraceIndex {
    /// Root spans (no loaded parent), sorted by (trace start, trace, start, index).
    pub roots: Vec<SpanIdx>,
    /// The earliest root of each trace (by trace index).
    pub first_roots: Vec<Option<SpanIdx>>,
    /// Earliest start and latest end of each trace's spans (by trace index).
    pub trace_bounds: Vec<(TimestampNs, TimestampNs)>,
    /// `child_list[child_offsets[i]..child_offsets[i+1]]` are span i's children, by start.
    pub child_offsets: Vec<u32>,
    /// Flattened children lists.
    pub child_list: Vec<SpanIdx>,
    /// Tree depth of each span (roots are 0).
    pub depth: Vec<u16>,
    /// Every span, sorted by (span id, rank of its trace, index): lookups by span id are a
    /// binary search, 4 bytes a span instead of a hash map entry.
    pub id_order: Vec<SpanIdx>,
}

/// Why tables and indices handed over from another thread do not make a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadTrace(pub String);

impl TraceIndex {
    /// Derives every index from tables whose parent links are in range.
    pub fn derive(tables: &TraceTables) -> TraceIndex {
        let n = tables.spans.len();
        let (child_offsets, child_list) = children_of(&tables.spans);
        let trace_bounds = trace_bounds(tables);
        let roots = sorted_roots(&tables.spans, &trace_bounds);
        let depth = depths(n, &roots, &child_offsets, &child_list);
        let mut first_roots = vec![None; tables.trace_ids.len()];
        for &r in roots.iter().rev() {
            if let Some(slot) = first_roots.get_mut(tables.spans[r.ix()].trace.ix()) {
                *slot = Some(r);
            }
        }
        let id_order = id_order(&tables.spans, &trace_bounds);
        TraceIndex {
            roots,
            first_roots,
            trace_bounds,
            child_offsets,
            child_list,
            depth,
            id_order,
        }
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.roots.capacity() * 4
            + self.first_roots.capacity() * 8
            + self.trace_bounds.capacity() * 16
            + self.child_offsets.capacity() * 4
            + self.child_list.capacity() * 4
            + self.depth.capacity() * 2
            + self.id_order.capacity() * 4
    }
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
        for log in &mut tables.logs {
            log.span = log.span.filter(|s| s.ix() < n);
        }
        let index = TraceIndex::derive(&tables);
        Trace::assemble(tables, index)
    }

    /// Makes a trace from tables and indices made elsewhere (another thread), after checking
    /// that every reference in them is in range, so that no accessor can index out of bounds.
    pub(crate) fn from_parts(tables: TraceTables, index: TraceIndex) -> Result<Trace, BadTrace> {
        check_tables(&tables)?;
        check_index(&tables, &index)?;
        Ok(Trace::assemble(tables, index))
    }

    /// The tables and the derived indices, for handing the trace to another thread.
    pub(crate) fn parts(&self) -> (&TraceTables, &TraceIndex) {
        (&self.tables, &self.index)
    }

    fn assemble(tables: TraceTables, index: TraceIndex) -> Trace {
        let mut logs_by_span: FxHashMap<SpanIdx, Vec<u32>> = FxHashMap::default();
        for (k, log) in tables.logs.iter().enumerate() {
            if let Some(s) = log.span {
                logs_by_span.entry(s).or_default().push(k as u32);
            }
        }
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
            type_kinds,
            trace_index,
            index,
            start: start.unwrap_or_default(),
            end: end.unwrap_or_default(),
            tables,
        }
    }
}

fn bad<T>(what: impl Into<String>) -> Result<T, BadTrace> {
    Err(BadTrace(what.into()))
}

/// Every range and index the tables hold points inside them.
fn check_tables(t: &TraceTables) -> Result<(), BadTrace> {
    let within = |r: &std::ops::Range<u32>, len: usize| r.start <= r.end && r.end as usize <= len;
    let (attrs, events, links) = (t.attributes.len(), t.events.len(), t.links.len());
    let n = t.spans.len();
    for (i, s) in t.spans.iter().enumerate() {
        let ok = within(&s.attributes, attrs)
            && within(&s.events, events)
            && within(&s.links, links)
            && s.trace.ix() < t.trace_ids.len()
            && s.parent.is_none_or(|p| p.ix() < n)
            && s.start <= s.end;
        if !ok {
            return bad(format!("span {i} points outside the tables"));
        }
    }
    let events_ok = t.events.iter().all(|e| within(&e.attributes, attrs));
    let links_ok = t.links.iter().all(|l| within(&l.attributes, attrs));
    let logs_ok = t
        .logs
        .iter()
        .all(|l| within(&l.attributes, attrs) && l.span.is_none_or(|s| s.ix() < n));
    if !(events_ok && links_ok && logs_ok) {
        return bad("an event, link or log points outside the attribute table");
    }
    Ok(())
}

/// The indices fit the tables: every list has its length and every index is in range.
fn check_index(t: &TraceTables, x: &TraceIndex) -> Result<(), BadTrace> {
    let n = t.spans.len();
    let in_range = |v: &[SpanIdx]| v.iter().all(|s| s.ix() < n);
    let offsets_rise = x.child_offsets.windows(2).all(|w| w[0] <= w[1]);
    let shapes = x.child_offsets.len() == n + 1
        && x.child_offsets.first() == Some(&0)
        && x.child_offsets.last().map(|&e| e as usize) == Some(x.child_list.len())
        && offsets_rise
        && x.depth.len() == n
        && x.id_order.len() == n
        && x.first_roots.len() == t.trace_ids.len()
        && x.trace_bounds.len() == t.trace_ids.len();
    if !shapes {
        return bad("the derived indices do not fit the span table");
    }
    let firsts = x.first_roots.iter().flatten().all(|s| s.ix() < n);
    if !(in_range(&x.roots) && in_range(&x.child_list) && in_range(&x.id_order) && firsts) {
        return bad("a derived index names a span that is not there");
    }
    let sorted = x
        .id_order
        .windows(2)
        .all(|w| t.spans[w[0].ix()].span_id <= t.spans[w[1].ix()].span_id);
    if !sorted {
        return bad("the span id order is not sorted");
    }
    Ok(())
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

/// Every span sorted by (span id, rank of its trace, index): the first of an id is the one in
/// the earliest-ranked trace holding it.
fn id_order(spans: &[Span], bounds: &[(TimestampNs, TimestampNs)]) -> Vec<SpanIdx> {
    let mut order: Vec<SpanIdx> = (0..spans.len() as u32).map(SpanIdx).collect();
    order.sort_unstable_by_key(|&i| {
        let s = &spans[i.ix()];
        (s.span_id, trace_rank(bounds, s.trace), i)
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ids::{FileIdx, ResourceIdx, SpanId, StrIdx};
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
