//! `Trace`: everything loaded into one view (spans of one or more trace ids, FlowMesh lineage
//! and assets, sources, diagnostics), immutable once built. Its fields are private: a trace is
//! made only from the tables a reader filled (`Trace::from_tables`, used by the ingest builder),
//! which derives every index, so these invariants always hold: `children` lists are sorted by
//! (start, index); `roots` are sorted by (trace start, trace, start, index); roots have depth 0;
//! the empty trace (`Trace::default()`) is a valid trace with no spans.

mod index;
mod memory;

use super::attr::{AttrValue, Attribute};
use super::diagnostic::Diagnostic;
use super::ids::{FileIdx, ResourceIdx, SpanId, SpanIdx, StrIdx, TraceId, TraceIdx};
use super::records::{AssetRow, LineageEdge, LogEntry, Resource, Source};
use super::span::{Span, SpanEvent, SpanLink};
use super::span_type::SpanType;
use super::strings::Strings;
use super::time::{DurationNs, TimestampNs};
use rustc_hash::FxHashMap;

pub use index::{BadTrace, TraceIndex, TraceTables};

/// What `resource` answers for an index the trace does not hold.
static NO_RESOURCE: Resource = Resource {
    service_name: StrIdx(0),
    attributes: Vec::new(),
};

/// Everything loaded into one view.
#[derive(Debug, Clone)]
pub struct Trace {
    /// What the readers filled: strings, spans, attributes, events, links, resources, lineage,
    /// assets, sources, logs (sorted by time), diagnostics.
    tables: TraceTables,
    /// Positions in `logs` of each span's joined lines (by time).
    logs_by_span: FxHashMap<SpanIdx, Vec<u32>>,
    /// Roots, children, depths, trace bounds and the span id order, derived from the tables.
    index: TraceIndex,
    /// Every span-type text in use, with the kind it names (`None` for texts of no known kind).
    type_kinds: FxHashMap<StrIdx, Option<SpanType>>,
    /// Index of each trace id.
    trace_index: FxHashMap<TraceId, TraceIdx>,
    /// Earliest span start (the origin of relative times), or 0 with no spans.
    start: TimestampNs,
    /// Latest span end.
    end: TimestampNs,
}

impl Default for Trace {
    fn default() -> Self {
        Trace::from_tables(TraceTables::default())
    }
}

impl Trace {
    /// Every span, by dense index.
    pub fn spans(&self) -> &[Span] {
        &self.tables.spans
    }

    /// Number of spans.
    pub fn span_count(&self) -> usize {
        self.tables.spans.len()
    }

    /// Every span index, in order.
    pub fn span_indices(&self) -> impl Iterator<Item = SpanIdx> + '_ {
        (0..self.tables.spans.len() as u32).map(SpanIdx)
    }

    /// The interned strings.
    pub fn strings(&self) -> &Strings {
        &self.tables.strings
    }

    /// Distinct trace ids, in order of first appearance (indexed by `TraceIdx`).
    pub fn trace_ids(&self) -> &[TraceId] {
        &self.tables.trace_ids
    }

    /// Root spans, sorted by (trace start, trace, start, index).
    pub fn roots(&self) -> &[SpanIdx] {
        &self.index.roots
    }

    /// Tree depth of span `i` (roots are 0).
    pub fn depth_of(&self, i: SpanIdx) -> u16 {
        self.index.depth.get(i.ix()).copied().unwrap_or(0)
    }

    /// Earliest start and latest end of trace `t`'s spans.
    pub fn trace_bounds_of(&self, t: TraceIdx) -> (TimestampNs, TimestampNs) {
        self.index
            .trace_bounds
            .get(t.ix())
            .copied()
            .unwrap_or((self.start, self.start))
    }

    /// FlowMesh lineage edges, in input order.
    pub fn lineage(&self) -> &[LineageEdge] {
        &self.tables.lineage
    }

    /// FlowMesh asset rows, in input order.
    pub fn assets(&self) -> &[AssetRow] {
        &self.tables.assets
    }

    /// Sources read, by `FileIdx`.
    pub fn sources(&self) -> &[Source] {
        &self.tables.sources
    }

    /// JSON log lines, by time.
    pub fn logs(&self) -> &[LogEntry] {
        &self.tables.logs
    }

    /// Problems found while reading: each listed, except that a source's many problems of one
    /// kind end in one row that counts the rest.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.tables.diagnostics
    }

    /// Every problem found while reading, listed or not (at least `diagnostics().len()`).
    pub fn problem_count(&self) -> u64 {
        self.tables
            .problem_count
            .max(self.tables.diagnostics.len() as u64)
    }

    /// Deduplicated resources, by `ResourceIdx`.
    pub fn resources(&self) -> &[Resource] {
        &self.tables.resources
    }

    /// Every span-type text in use, with the kind it names (`None` for texts of no known
    /// kind), sorted by text index.
    pub fn type_kinds(&self) -> Vec<(StrIdx, Option<SpanType>)> {
        let mut v: Vec<_> = self.type_kinds.iter().map(|(k, t)| (*k, *t)).collect();
        v.sort_by_key(|(k, _)| *k);
        v
    }

    /// Earliest span start (the origin of relative times), or 0 with no spans.
    pub fn start_time(&self) -> TimestampNs {
        self.start
    }

    /// Latest span end.
    pub fn end_time(&self) -> TimestampNs {
        self.end
    }

    /// The span at `i`.
    pub fn span(&self, i: SpanIdx) -> &Span {
        &self.tables.spans[i.ix()]
    }

    /// Children of `i`, sorted by start (none for an index this trace does not hold).
    pub fn children(&self, i: SpanIdx) -> &[SpanIdx] {
        match (
            self.index.child_offsets.get(i.ix()),
            self.index.child_offsets.get(i.ix() + 1),
        ) {
            (Some(&a), Some(&b)) => self
                .index
                .child_list
                .get(a as usize..b as usize)
                .unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Text of an interned string.
    pub fn text(&self, s: StrIdx) -> &str {
        self.tables.strings.text(s)
    }

    /// Span name.
    pub fn name(&self, i: SpanIdx) -> &str {
        self.text(self.span(i).name)
    }

    /// Attributes of a span.
    pub fn span_attributes(&self, i: SpanIdx) -> &[Attribute] {
        self.attribute_slice(&self.span(i).attributes)
    }

    /// Attributes in a range of the shared table.
    pub fn attribute_slice(&self, r: &std::ops::Range<u32>) -> &[Attribute] {
        &self.tables.attributes[r.start as usize..r.end as usize]
    }

    /// Events of a span.
    pub fn span_events(&self, i: SpanIdx) -> &[SpanEvent] {
        let r = &self.span(i).events;
        &self.tables.events[r.start as usize..r.end as usize]
    }

    /// Links of a span.
    pub fn span_links(&self, i: SpanIdx) -> &[SpanLink] {
        let r = &self.span(i).links;
        &self.tables.links[r.start as usize..r.end as usize]
    }

    /// The value of attribute `key` on span `i`, if present.
    pub fn attribute(&self, i: SpanIdx, key: &str) -> Option<AttrValue> {
        let k = self.tables.strings.find(key)?;
        self.span_attributes(i)
            .iter()
            .find(|a| a.key == k)
            .map(|a| a.value)
    }

    /// The text of attribute `key` on span `i` when it is a string or JSON (arrays, objects,
    /// JSON held in a string are read from this).
    pub fn attribute_text(&self, i: SpanIdx, key: &str) -> Option<&str> {
        match self.attribute(i, key)? {
            AttrValue::Str(s) | AttrValue::Json(s) => Some(self.text(s)),
            _ => None,
        }
    }

    /// The string value of attribute `key` on span `i`, if present and a string.
    pub fn attribute_str(&self, i: SpanIdx, key: &str) -> Option<&str> {
        match self.attribute(i, key)? {
            AttrValue::Str(s) => Some(self.text(s)),
            _ => None,
        }
    }

    /// Resource of a span.
    pub fn resource(&self, r: ResourceIdx) -> &Resource {
        self.tables.resources.get(r.ix()).unwrap_or(&NO_RESOURCE)
    }

    /// Interned service name of span `i` (the empty string's index when unknown).
    pub fn service_name_idx(&self, i: SpanIdx) -> StrIdx {
        self.tables
            .resources
            .get(self.span(i).resource.ix())
            .map_or(StrIdx(0), |r| r.service_name)
    }

    /// Service name of a span ("" when unknown).
    pub fn service_name(&self, i: SpanIdx) -> &str {
        self.text(self.service_name_idx(i))
    }

    /// The known kind of a span's type text, if it has one (see `span_type`).
    pub fn span_type(&self, i: SpanIdx) -> Option<SpanType> {
        self.type_kinds
            .get(&self.span(i).span_type)
            .copied()
            .flatten()
    }

    /// Trace id of a span.
    pub fn trace_id(&self, i: SpanIdx) -> TraceId {
        self.tables.trace_ids[self.span(i).trace.ix()]
    }

    /// Offset of trace `t`'s first span from the start of everything loaded.
    pub fn trace_offset(&self, t: TraceIdx) -> DurationNs {
        self.index
            .trace_bounds
            .get(t.ix())
            .map_or(DurationNs(0), |b| b.0.since(self.start))
    }

    /// Duration of the longest single trace.
    pub fn longest_trace(&self) -> DurationNs {
        DurationNs(
            self.index
                .trace_bounds
                .iter()
                .map(|(a, b)| b.since(*a).0)
                .max()
                .unwrap_or(0),
        )
    }

    /// The earliest root span of trace `t`.
    pub fn first_root(&self, t: TraceIdx) -> Option<SpanIdx> {
        self.index.first_roots.get(t.ix()).copied().flatten()
    }

    /// Source name of a file index.
    pub fn source_name(&self, f: FileIdx) -> &str {
        self.tables.sources.get(f.ix()).map_or("", |s| &s.name)
    }

    /// The span with this span id in trace `trace_id`, if loaded (exact: a (trace id, span id)
    /// pair names one span).
    pub fn find_span_in(&self, trace_id: TraceId, span_id: SpanId) -> Option<SpanIdx> {
        let t = self.trace_index(trace_id)?;
        self.spans_with_id(span_id)
            .iter()
            .copied()
            .find(|&s| self.span(s).trace == t)
    }

    /// The span with this span id when no trace id is given (a link's `span=`): the one in the
    /// earliest trace holding it, traces ordered as the waterfall shows them (by their first
    /// start, then the order they were read). `find_span_in` names one exactly.
    pub fn find_span(&self, span_id: SpanId) -> Option<SpanIdx> {
        self.spans_with_id(span_id).first().copied()
    }

    /// Every span with this span id, the earliest-ranked trace's first.
    fn spans_with_id(&self, span_id: SpanId) -> &[SpanIdx] {
        let order = &self.index.id_order;
        let id_of = |s: &SpanIdx| self.span(*s).span_id;
        let from = order.partition_point(|s| id_of(s) < span_id);
        let to = from + order[from..].partition_point(|s| id_of(s) == span_id);
        &order[from..to]
    }

    /// Self time: duration minus the union of its children's intervals clipped to it.
    pub fn self_time(&self, i: SpanIdx) -> DurationNs {
        let s = self.span(i);
        let mut covered: i64 = 0;
        let mut cursor = s.start.0;
        // children are sorted by start, so one sweep measures their union.
        for &c in self.children(i) {
            let cs = self.span(c);
            let a = cs.start.0.max(cursor);
            let b = cs.end.0.min(s.end.0);
            if b > a {
                covered += b - a;
                cursor = b;
            }
        }
        DurationNs(s.duration().0 - covered)
    }

    /// Log lines joined to span `i`, by time.
    pub fn span_logs(&self, i: SpanIdx) -> impl Iterator<Item = &LogEntry> {
        self.logs_by_span
            .get(&i)
            .into_iter()
            .flatten()
            .map(|&k| &self.tables.logs[k as usize])
    }

    /// Number of trace ids.
    pub fn trace_count(&self) -> usize {
        self.tables.trace_ids.len()
    }

    /// Index of a trace id.
    pub fn trace_index(&self, id: TraceId) -> Option<TraceIdx> {
        self.trace_index.get(&id).copied()
    }
}
