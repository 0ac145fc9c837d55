//! `Trace`: everything loaded into one view (spans of one or more trace ids, FlowMesh lineage
//! and assets, sources, diagnostics), immutable once built. Invariants: `children` lists are
//! sorted by (start, index); `roots` are sorted by (trace start, trace, start, index); `depth[root]=0`.

use super::attr::{AttrValue, Attribute};
use super::diagnostic::Diagnostic;
use super::ids::{FileIdx, ResourceIdx, SpanId, SpanIdx, StrIdx, TraceId, TraceIdx};
use super::span::{Span, SpanEvent, SpanLink};
use super::strings::Strings;
use super::time::{DurationNs, TimestampNs};
use rustc_hash::FxHashMap;

/// A deduplicated OTel resource (one per distinct resource text).
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// `service.name`, or 0 when absent.
    pub service_name: StrIdx,
    /// All resource attributes, in file order.
    pub attributes: Vec<Attribute>,
}

/// A FlowMesh lineage edge: `source_data_id -> data_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineageEdge {
    /// Downstream data id.
    pub data_id: String,
    /// Upstream data id.
    pub source_data_id: String,
    /// `created_at` as written (kept verbatim for FlowMesh-compatible output).
    pub created_at: String,
}

/// A FlowMesh asset row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRow {
    /// Data id the asset version was produced from.
    pub data_id: String,
    /// Asset group id.
    pub asset_guid: String,
    /// Version number within the group.
    pub version: i64,
    /// Owner.
    pub user_id: String,
    /// `created_at` as written.
    pub created_at: String,
}

/// A JSON log line, joined to its span when it names one that is loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// When it was written.
    pub time: TimestampNs,
    /// Level as written (`info`, `error`, ...), 0 when absent.
    pub level: StrIdx,
    /// The message (`event`, `msg` or `message`).
    pub message: StrIdx,
    /// Trace id it names, if any.
    pub trace_id: Option<TraceId>,
    /// Span id it names, if any.
    pub span_id: Option<SpanId>,
    /// The loaded span it belongs to.
    pub span: Option<SpanIdx>,
    /// Its other fields, a range into `Trace::attributes`.
    pub attributes: std::ops::Range<u32>,
    /// Source and line.
    pub source: FileIdx,
    /// 1-based line.
    pub line: u32,
}

/// What a source's timestamps are measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// UTC (epoch times, or text with an offset): the usual case.
    #[default]
    Utc,
    /// Naive local wall-clock time without an offset (pflow's `datetime.now().isoformat()`):
    /// stored as if it were UTC so arithmetic works; show it as written, with no zone.
    NaiveLocal,
}

/// Whether a source says that the run it records has ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Completion {
    /// The format has no such marker (OTel JSONL, Jaeger, ...).
    #[default]
    Unstated,
    /// It says the run is still going (pflow without `run.complete`, MLflow `IN_PROGRESS`).
    Incomplete,
    /// It says the run ended (pflow `run.complete`, MLflow state `OK` / `ERROR`).
    Complete,
}

/// A file or URL that was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// File name or URL.
    pub name: String,
    /// Bytes read (before decompression).
    pub bytes: u64,
    /// Records (rows or documents) read from it.
    pub records: u32,
    /// Detected format label, e.g. `OTel SDK JSONL`.
    pub format: String,
    /// What its timestamps are measured against.
    pub clock: Clock,
    /// Whether it says its run has ended.
    pub completion: Completion,
}

impl Source {
    /// True when the source says its run has ended (follow mode stops polling it).
    pub fn is_complete(&self) -> bool {
        self.completion == Completion::Complete
    }
}

/// Everything loaded into one view.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// Interned strings.
    pub strings: Strings,
    /// Distinct trace ids, in order of first appearance.
    pub trace_ids: Vec<TraceId>,
    /// All spans.
    pub spans: Vec<Span>,
    /// Shared attribute table (spans, events, links index into it).
    pub attributes: Vec<Attribute>,
    /// Shared event table.
    pub events: Vec<SpanEvent>,
    /// Shared link table.
    pub links: Vec<SpanLink>,
    /// Deduplicated resources.
    pub resources: Vec<Resource>,
    /// FlowMesh lineage edges in input order.
    pub lineage: Vec<LineageEdge>,
    /// FlowMesh asset rows in input order.
    pub assets: Vec<AssetRow>,
    /// Sources read.
    pub sources: Vec<Source>,
    /// JSON log lines, sorted by time.
    pub logs: Vec<LogEntry>,
    /// Positions in `logs` of each span's joined lines (by time), built once by the builder.
    pub logs_by_span: FxHashMap<SpanIdx, Vec<u32>>,
    /// Problems found while reading.
    pub diagnostics: Vec<Diagnostic>,
    /// Root spans (no loaded parent), sorted by (trace start, trace, start, index).
    pub roots: Vec<SpanIdx>,
    /// The earliest root of each trace (by trace index).
    pub first_roots: Vec<Option<SpanIdx>>,
    /// Every span-type text in use, with the kind it names (`None` for texts of no known kind).
    pub type_kinds: FxHashMap<StrIdx, Option<super::SpanType>>,
    /// Earliest start and latest end of each trace's spans (by trace index).
    pub trace_bounds: Vec<(TimestampNs, TimestampNs)>,
    /// `children[child_offsets[i]..child_offsets[i+1]]` are span i's children, by start.
    pub child_offsets: Vec<u32>,
    /// Flattened children lists.
    pub child_list: Vec<SpanIdx>,
    /// Tree depth of each span (roots are 0).
    pub depth: Vec<u16>,
    /// Lookup by external span id (first span with that id).
    pub span_by_id: FxHashMap<SpanId, SpanIdx>,
    /// Earliest span start (the origin of relative times), or 0 with no spans.
    pub start: TimestampNs,
    /// Latest span end.
    pub end: TimestampNs,
}

impl Trace {
    /// Every span, by dense index.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// Number of spans.
    pub fn span_count(&self) -> usize {
        self.spans.len()
    }

    /// Every span index, in order.
    pub fn span_indices(&self) -> impl Iterator<Item = SpanIdx> + '_ {
        (0..self.spans.len() as u32).map(SpanIdx)
    }

    /// The interned strings.
    pub fn strings(&self) -> &Strings {
        &self.strings
    }

    /// Distinct trace ids, in order of first appearance (indexed by `TraceIdx`).
    pub fn trace_ids(&self) -> &[TraceId] {
        &self.trace_ids
    }

    /// Root spans, sorted by (trace start, trace, start, index).
    pub fn roots(&self) -> &[SpanIdx] {
        &self.roots
    }

    /// Tree depth of span `i` (roots are 0).
    pub fn depth_of(&self, i: SpanIdx) -> u16 {
        self.depth[i.ix()]
    }

    /// Earliest start and latest end of trace `t`'s spans.
    pub fn trace_bounds_of(&self, t: TraceIdx) -> (TimestampNs, TimestampNs) {
        self.trace_bounds
            .get(t.ix())
            .copied()
            .unwrap_or((self.start, self.start))
    }

    /// FlowMesh lineage edges, in input order.
    pub fn lineage(&self) -> &[LineageEdge] {
        &self.lineage
    }

    /// FlowMesh asset rows, in input order.
    pub fn assets(&self) -> &[AssetRow] {
        &self.assets
    }

    /// Sources read, by `FileIdx`.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// JSON log lines, by time.
    pub fn logs(&self) -> &[LogEntry] {
        &self.logs
    }

    /// Problems found while reading.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Deduplicated resources, by `ResourceIdx`.
    pub fn resources(&self) -> &[Resource] {
        &self.resources
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
        &self.spans[i.ix()]
    }

    /// Children of `i`, sorted by start.
    pub fn children(&self, i: SpanIdx) -> &[SpanIdx] {
        let a = self.child_offsets[i.ix()] as usize;
        let b = self.child_offsets[i.ix() + 1] as usize;
        &self.child_list[a..b]
    }

    /// Text of an interned string.
    pub fn text(&self, s: StrIdx) -> &str {
        self.strings.text(s)
    }

    /// Span name.
    pub fn name(&self, i: SpanIdx) -> &str {
        self.text(self.span(i).name)
    }

    /// Attributes of a span.
    pub fn span_attributes(&self, i: SpanIdx) -> &[Attribute] {
        let r = &self.span(i).attributes;
        &self.attributes[r.start as usize..r.end as usize]
    }

    /// Attributes in a range of the shared table.
    pub fn attribute_slice(&self, r: &std::ops::Range<u32>) -> &[Attribute] {
        &self.attributes[r.start as usize..r.end as usize]
    }

    /// Events of a span.
    pub fn span_events(&self, i: SpanIdx) -> &[SpanEvent] {
        let r = &self.span(i).events;
        &self.events[r.start as usize..r.end as usize]
    }

    /// Links of a span.
    pub fn span_links(&self, i: SpanIdx) -> &[SpanLink] {
        let r = &self.span(i).links;
        &self.links[r.start as usize..r.end as usize]
    }

    /// The value of attribute `key` on span `i`, if present.
    pub fn attribute(&self, i: SpanIdx, key: &str) -> Option<AttrValue> {
        let k = self.strings.find(key)?;
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
        &self.resources[r.ix()]
    }

    /// Service name of a span ("" when unknown).
    pub fn service_name(&self, i: SpanIdx) -> &str {
        self.resources
            .get(self.span(i).resource.ix())
            .map_or("", |r| self.text(r.service_name))
    }

    /// The known kind of a span's type text, if it has one (see `span_type`).
    pub fn span_type(&self, i: SpanIdx) -> Option<super::SpanType> {
        self.type_kinds
            .get(&self.span(i).span_type)
            .copied()
            .flatten()
    }

    /// Trace id of a span.
    pub fn trace_id(&self, i: SpanIdx) -> TraceId {
        self.trace_ids[self.span(i).trace.ix()]
    }

    /// Offset of trace `t`'s first span from the start of everything loaded.
    pub fn trace_offset(&self, t: TraceIdx) -> DurationNs {
        self.trace_bounds
            .get(t.ix())
            .map_or(DurationNs(0), |b| b.0.since(self.start))
    }

    /// Duration of the longest single trace.
    pub fn longest_trace(&self) -> DurationNs {
        DurationNs(
            self.trace_bounds
                .iter()
                .map(|(a, b)| b.since(*a).0)
                .max()
                .unwrap_or(0),
        )
    }

    /// The earliest root span of trace `t`.
    pub fn first_root(&self, t: TraceIdx) -> Option<SpanIdx> {
        self.first_roots.get(t.ix()).copied().flatten()
    }

    /// Source name of a file index.
    pub fn source_name(&self, f: FileIdx) -> &str {
        self.sources.get(f.ix()).map_or("", |s| &s.name)
    }

    /// Span with this external id, if loaded.
    pub fn find_span(&self, id: SpanId) -> Option<SpanIdx> {
        self.span_by_id.get(&id).copied()
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
            .map(|&k| &self.logs[k as usize])
    }

    /// Number of trace ids.
    pub fn trace_count(&self) -> usize {
        self.trace_ids.len()
    }

    /// Index of a trace id.
    pub fn trace_index(&self, id: TraceId) -> Option<TraceIdx> {
        self.trace_ids
            .iter()
            .position(|t| *t == id)
            .map(|p| TraceIdx(p as u32))
    }
}
