//! Builds a `Trace` from rows handed over by the format readers. Interns strings and
//! resources, drops duplicate spans, then links parents in a second pass (children often
//! arrive before parents) and applies the repair rules, each reported as a diagnostic:
//!
//! | problem                              | rule                                             |
//! |--------------------------------------|--------------------------------------------------|
//! | same (trace id, span id) seen again  | keep the first, skip the copy (pflow: the last)   |
//! | parent id not loaded                 | show as a root, flag ORPHAN                       |
//! | a span is its own parent             | show as a root, flag CYCLE_CUT                    |
//! | parent links form a cycle            | its earliest-starting span becomes a root, flag CYCLE_CUT |
//! | end before start                     | end := start, flag END_REPAIRED                   |
//! | child starts before its parent       | keep times, flag STARTS_BEFORE_PARENT             |
//!
//! A snapshot of an ingest in progress (follow mode) is a clone of the builder, finished with
//! the sources still being read named (`finish_snapshot`): their orphans are marked, not
//! reported, since the parent may be in the part not read yet.

use crate::model::{
    AssetRow, AttrValue, Attribute, Clock, Completion, Diagnostic, DiagnosticKind, FileIdx,
    LineageEdge, Resource, ResourceIdx, Severity, Source, SpanEvent, SpanFlags, SpanId, SpanLink,
    StrIdx, Strings, TimestampNs, Trace, TraceId, TraceIdx, TraceTables,
};
use rustc_hash::{FxHashMap, FxHashSet};

mod absorb;
mod capacity;
mod problems;
mod repair;
mod span_index;
mod spans;

pub use absorb::{InputRows, Remap};
use problems::Problems;
pub use problems::{with_thousands, ProblemParts, LISTED_PER_GROUP};
use span_index::SpanIndex;

/// A span as handed over by a reader, before linking.
#[derive(Debug, Clone)]
pub struct SpanDraft {
    /// Trace id.
    pub trace_id: TraceId,
    /// Span id.
    pub span_id: SpanId,
    /// Parent span id (`SpanId(0)` = none).
    pub parent_span_id: SpanId,
    /// Name.
    pub name: StrIdx,
    /// Span type (0 = none).
    pub span_type: StrIdx,
    /// Kind.
    pub kind: crate::model::SpanKind,
    /// Status.
    pub status: crate::model::StatusCode,
    /// Status message (0 = none).
    pub status_message: StrIdx,
    /// Start.
    pub start: TimestampNs,
    /// End.
    pub end: TimestampNs,
    /// Attribute range (from `attr_mark` before and after pushing them).
    pub attributes: std::ops::Range<u32>,
    /// Event range.
    pub events: std::ops::Range<u32>,
    /// Link range.
    pub links: std::ops::Range<u32>,
    /// Resource.
    pub resource: ResourceIdx,
    /// Source.
    pub source: FileIdx,
    /// Line.
    pub line: u32,
    /// Flags known at read time (e.g. `FOLLOWS_FROM`).
    pub flags: SpanFlags,
}

impl SpanDraft {
    /// A draft with defaults (no parent, unspecified kind, unset status, no type, no resource)
    /// and empty attribute/event/link ranges at the builder's current marks; readers override
    /// what their format carries with struct update syntax.
    pub fn new(
        b: &TraceBuilder,
        ids: (TraceId, SpanId),
        name: StrIdx,
        times: (TimestampNs, TimestampNs),
        origin: (FileIdx, u32),
    ) -> SpanDraft {
        let (a, e, l) = (b.attr_mark(), b.event_mark(), b.link_mark());
        SpanDraft {
            trace_id: ids.0,
            span_id: ids.1,
            parent_span_id: SpanId(0),
            name,
            span_type: StrIdx(0),
            kind: crate::model::SpanKind::Unspecified,
            status: crate::model::StatusCode::Unset,
            status_message: StrIdx(0),
            start: times.0,
            end: times.1,
            attributes: a..a,
            events: e..e,
            links: l..l,
            resource: ResourceIdx(0),
            source: origin.0,
            line: origin.1,
            flags: SpanFlags::default(),
        }
    }
}

/// Accumulates rows; `finish` links and repairs them into a `Trace`. Resource 0 is "no
/// resource" (no attributes, no service), the one a `SpanDraft` starts with. Cloning it is how
/// a snapshot of an ingest still in progress is taken (`Session::snapshot`).
#[derive(Debug, Clone)]
pub struct TraceBuilder {
    trace: TraceTables,
    trace_index: FxHashMap<TraceId, TraceIdx>,
    span_index: SpanIndex,
    resource_by_text: FxHashMap<Box<str>, ResourceIdx>,
    lineage_seen: FxHashSet<(String, String, String)>,
    problems: Problems,
    /// `span_type::TYPE_KEYS` interned, in trust order (filled on the first span).
    type_keys: Vec<StrIdx>,
    /// Sources still being read (snapshots): a missing parent may still arrive, so their
    /// orphans are marked but not diagnosed.
    still_open: Vec<FileIdx>,
}

impl Default for TraceBuilder {
    fn default() -> Self {
        let mut b = TraceBuilder {
            trace: TraceTables::default(),
            trace_index: FxHashMap::default(),
            span_index: SpanIndex::default(),
            resource_by_text: FxHashMap::default(),
            lineage_seen: FxHashSet::default(),
            problems: Problems::default(),
            type_keys: Vec::new(),
            still_open: Vec::new(),
        };
        b.resource_from("\u{0}no resource", |_| Vec::new());
        b
    }
}

impl TraceBuilder {
    /// Interns a string.
    pub fn intern(&mut self, text: &str) -> StrIdx {
        self.trace.strings.intern(text)
    }

    /// The string table (read-only).
    pub fn strings(&self) -> &Strings {
        &self.trace.strings
    }

    /// Registers a source and returns its index.
    pub fn add_source(&mut self, name: &str) -> FileIdx {
        self.trace.sources.push(Source {
            name: name.to_string(),
            bytes: 0,
            records: 0,
            format: String::new(),
            clock: Clock::default(),
            completion: Completion::default(),
        });
        FileIdx(self.trace.sources.len() as u32 - 1)
    }

    /// A source's bookkeeping.
    pub fn source(&self, f: FileIdx) -> &Source {
        &self.trace.sources[f.ix()]
    }

    /// Mutable access to a source's bookkeeping.
    pub fn source_mut(&mut self, f: FileIdx) -> &mut Source {
        &mut self.trace.sources[f.ix()]
    }

    /// Name of a source.
    pub fn source_name(&self, f: FileIdx) -> &str {
        self.trace.sources.get(f.ix()).map_or("", |s| &s.name)
    }

    /// Records a problem (listed, or only counted when its source already has many of its
    /// kind: see `LISTED_PER_GROUP`).
    pub fn diagnose(
        &mut self,
        severity: Severity,
        kind: DiagnosticKind,
        source: FileIdx,
        line: Option<u32>,
        message: String,
    ) {
        let name = self.source_name(source).to_string();
        self.diagnose_named(severity, kind, name, line, message);
    }

    /// True when an error has been recorded for this source.
    pub fn has_problems(&self, source: FileIdx) -> bool {
        self.problems.has_errors(self.source_name(source))
    }

    /// Records a problem for a source given by name (e.g. a URL that never opened).
    pub fn diagnose_named(
        &mut self,
        severity: Severity,
        kind: DiagnosticKind,
        source: String,
        line: Option<u32>,
        message: String,
    ) {
        self.problems.report(Diagnostic {
            severity,
            kind,
            source,
            line,
            message,
        });
    }

    /// Current end of the attribute table; attributes pushed after it form a range.
    pub fn attr_mark(&self) -> u32 {
        self.trace.attributes.len() as u32
    }

    /// Appends an attribute.
    pub fn push_attr(&mut self, key: StrIdx, value: AttrValue) {
        self.trace.attributes.push(Attribute { key, value });
    }

    /// Current end of the event table.
    pub fn event_mark(&self) -> u32 {
        self.trace.events.len() as u32
    }

    /// Appends an event.
    pub fn push_event(&mut self, event: SpanEvent) {
        self.trace.events.push(event);
    }

    /// Appends an event at `time` named `name` with the attributes in `attributes`.
    pub fn add_event(&mut self, time: TimestampNs, name: StrIdx, attributes: std::ops::Range<u32>) {
        self.push_event(SpanEvent {
            time,
            name,
            attributes,
        });
    }

    /// Current end of the link table.
    pub fn link_mark(&self) -> u32 {
        self.trace.links.len() as u32
    }

    /// Appends a link.
    pub fn push_link(&mut self, link: SpanLink) {
        self.trace.links.push(link);
    }

    /// Appends a link to `(trace_id, span_id)` with the attributes in `attributes`.
    pub fn add_link(&mut self, ids: (TraceId, SpanId), attributes: std::ops::Range<u32>) {
        self.push_link(SpanLink {
            trace_id: ids.0,
            span_id: ids.1,
            attributes,
        });
    }

    /// Drops attributes, events and links pushed after the marks (a row was rejected).
    pub fn rollback(&mut self, attr: u32, event: u32, link: u32) {
        self.trace.attributes.truncate(attr as usize);
        self.trace.events.truncate(event as usize);
        self.trace.links.truncate(link as usize);
    }

    /// True when a resource with this exact text was made.
    pub fn has_resource(&self, text: &str) -> bool {
        self.resource_by_text.contains_key(text)
    }

    /// The resource for this exact resource text (resources are deduplicated by it), made the
    /// first time from the attributes `make` returns; its service is its first `service.name`
    /// string attribute. `text` should start with the format's name, so two formats' texts never
    /// meet.
    pub fn resource_from(
        &mut self,
        text: &str,
        make: impl FnOnce(&mut Self) -> Vec<Attribute>,
    ) -> ResourceIdx {
        if let Some(&r) = self.resource_by_text.get(text) {
            return r;
        }
        let attributes = make(self);
        let key = self.intern("service.name");
        let service_name = attributes
            .iter()
            .find_map(|a| match (a.key == key, a.value) {
                (true, AttrValue::Str(s)) => Some(s),
                _ => None,
            })
            .unwrap_or(StrIdx(0));
        let r = ResourceIdx(self.trace.resources.len() as u32);
        self.trace.resources.push(Resource {
            service_name,
            attributes,
        });
        self.resource_by_text.insert(text.into(), r);
        r
    }

    /// A resource holding only `service.name = name`, shared by every span of the same `scope`
    /// (format + whatever identifies the producer there) and name.
    pub fn service_resource(&mut self, scope: &str, name: &str) -> ResourceIdx {
        self.resource_from(&format!("{scope}\u{0}{name}"), |b| {
            let key = b.intern("service.name");
            let value = AttrValue::Str(b.intern(name));
            vec![Attribute { key, value }]
        })
    }

    /// Index of a trace id, adding it if new.
    pub fn trace_idx(&mut self, id: TraceId) -> TraceIdx {
        let next = TraceIdx(self.trace.trace_ids.len() as u32);
        *self.trace_index.entry(id).or_insert_with(|| {
            self.trace.trace_ids.push(id);
            next
        })
    }

    /// True when this (trace id, span id) is already loaded.
    pub fn has_span(&self, trace_id: TraceId, span_id: SpanId) -> bool {
        self.trace_index
            .get(&trace_id)
            .is_some_and(|&t| self.span_index.get(&self.trace.spans, t, span_id).is_some())
    }

    /// Adds a lineage edge; an exact repeat is skipped with a diagnostic.
    pub fn add_lineage(&mut self, edge: LineageEdge, source: FileIdx, line: u32) {
        let key = (
            edge.data_id.clone(),
            edge.source_data_id.clone(),
            edge.created_at.clone(),
        );
        if !self.lineage_seen.insert(key) {
            self.diagnose(
                Severity::Repaired,
                DiagnosticKind::DuplicateSpan,
                source,
                Some(line),
                format!(
                    "lineage edge {} -> {} was already read; kept once",
                    edge.source_data_id, edge.data_id
                ),
            );
            return;
        }
        self.trace.lineage.push(edge);
    }

    /// Adds a log line (joined to its span in `finish`).
    pub fn add_log(&mut self, log: crate::model::LogEntry) {
        self.trace.logs.push(log);
    }

    /// Adds an asset row.
    pub fn add_asset(&mut self, asset: AssetRow) {
        self.trace.assets.push(asset);
    }

    /// Like `finish`, for a snapshot taken while `still_open` sources are being read: their
    /// spans whose parent has not arrived yet are shown as roots and marked, not diagnosed.
    pub fn finish_snapshot(mut self, still_open: &[FileIdx]) -> Trace {
        self.still_open = still_open.to_vec();
        self.finish()
    }

    /// Links parents, applies the repair rules, and makes the trace (which derives its
    /// indices).
    pub fn finish(mut self) -> Trace {
        self.link_parents();
        self.cut_cycles();
        self.flag_skew();
        self.join_logs();
        self.trace.problem_count = self.problems.total();
        self.trace.diagnostics = self.problems.into_rows();
        Trace::from_tables(self.trace)
    }
}
