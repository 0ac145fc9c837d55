//! Merging partial reads: what another builder read (the tables of a parse worker that read
//! some of the inputs, not yet linked) is taken over input by input, in input order, with its
//! strings, trace ids, resources and sources renumbered into this builder's. A span whose
//! (trace, span id) is already here is skipped and reported as a sequential read reports it,
//! and so is a repeated lineage edge; linking and the repair rules then run once over
//! everything (`finish`), so a parent read by one worker and its child read by another are
//! linked. Invariant: absorbing the parts of a read in input order gives the spans, in the
//! order, that reading the inputs one after another gives.

use super::{ProblemParts, TraceBuilder};
use crate::model::{
    AttrValue, Attribute, DiagnosticKind, FileIdx, ResourceIdx, Severity, Span, SpanEvent,
    SpanLink, StrIdx, TraceIdx, TraceTables,
};
use std::ops::Range;

/// The rows one input added to a partial read: ranges into its tables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputRows {
    /// The input's place in the load (what the page asked for, in order).
    pub input: u32,
    /// Sources it made.
    pub sources: Range<u32>,
    /// Spans it added.
    pub spans: Range<u32>,
    /// Lineage edges it added.
    pub lineage: Range<u32>,
    /// Asset rows it added.
    pub assets: Range<u32>,
    /// Log lines it added.
    pub logs: Range<u32>,
}

/// How one partial read's indices map into the merging builder's (filled as they are met).
#[derive(Debug, Default)]
pub struct Remap {
    strings: Vec<StrIdx>,
    traces: Vec<Option<TraceIdx>>,
    resources: Vec<Option<ResourceIdx>>,
    sources: Vec<Option<FileIdx>>,
}

fn slice<'a, T>(v: &'a [T], r: &Range<u32>) -> &'a [T] {
    v.get(r.start as usize..r.end as usize).unwrap_or(&[])
}

impl TraceBuilder {
    /// How many sources, spans, lineage edges, asset rows and log lines were read so far (the
    /// marks `InputRows` are made of).
    pub fn row_counts(&self) -> [u32; 5] {
        let t = &self.trace;
        [
            t.sources.len(),
            t.spans.len(),
            t.lineage.len(),
            t.assets.len(),
            t.logs.len(),
        ]
        .map(|n| n as u32)
    }

    /// What was read, unlinked, with its problems: a partial read for another builder to
    /// absorb (the parse worker's side of a merge).
    pub fn into_partial(self) -> (TraceTables, ProblemParts) {
        (self.trace, self.problems.into_parts())
    }

    /// Takes over a partial read's problems (of its own sources).
    pub fn absorb_problems(&mut self, parts: ProblemParts) {
        self.problems.absorb(parts);
    }

    /// Takes over the rows of one input of a partial read `part`; `map` is that read's (one
    /// per partial read, reused across its inputs).
    pub fn absorb_input(&mut self, part: &TraceTables, map: &mut Remap, rows: &InputRows) {
        if map.strings.is_empty() {
            map.strings = (0..part.strings.len() as u32)
                .map(|i| self.intern(part.strings.text(StrIdx(i))))
                .collect();
            map.traces = vec![None; part.trace_ids.len()];
            map.resources = vec![None; part.resources.len()];
            map.sources = vec![None; part.sources.len()];
        }
        for f in rows.sources.clone() {
            if let Some(src) = part.sources.get(f as usize) {
                self.trace.sources.push(src.clone());
                map.sources[f as usize] = Some(FileIdx(self.trace.sources.len() as u32 - 1));
            }
        }
        let first_source = map
            .sources
            .get(rows.sources.start as usize)
            .copied()
            .flatten();
        for i in rows.spans.clone() {
            if let Some(s) = part.spans.get(i as usize) {
                self.absorb_span(part, map, s);
            }
        }
        for edge in slice(&part.lineage, &rows.lineage) {
            let key = (
                edge.data_id.clone(),
                edge.source_data_id.clone(),
                edge.created_at.clone(),
            );
            if self.lineage_seen.insert(key) {
                self.trace.lineage.push(edge.clone());
            } else if let Some(f) = first_source {
                let message = format!(
                    "lineage edge {} -> {} was already read; kept once",
                    edge.source_data_id, edge.data_id
                );
                self.diagnose(
                    Severity::Repaired,
                    DiagnosticKind::DuplicateSpan,
                    f,
                    None,
                    message,
                );
            }
        }
        self.trace
            .assets
            .extend(slice(&part.assets, &rows.assets).iter().cloned());
        for log in slice(&part.logs, &rows.logs) {
            let mut log = log.clone();
            log.level = map.string(log.level);
            log.message = map.string(log.message);
            log.attributes = self.copy_attributes(part, map, &log.attributes);
            log.source = map.source(log.source);
            log.span = None;
            self.trace.logs.push(log);
        }
    }

    fn absorb_span(&mut self, part: &TraceTables, map: &mut Remap, s: &Span) {
        let trace = self.trace_of(part, map, s.trace);
        if let Some(first) = self.span_index.get(&self.trace.spans, trace, s.span_id) {
            let first = &self.trace.spans[first.ix()];
            let message = format!(
                "span {} of trace {} was already read ({}:{}); kept the first copy",
                s.span_id,
                self.trace.trace_ids[trace.ix()],
                self.source_name(first.source),
                first.line
            );
            let source = map.source(s.source);
            self.diagnose(
                Severity::Repaired,
                DiagnosticKind::DuplicateSpan,
                source,
                Some(s.line),
                message,
            );
            return;
        }
        let attributes = self.copy_attributes(part, map, &s.attributes);
        let event_start = self.event_mark();
        for e in slice(&part.events, &s.events) {
            let attributes = self.copy_attributes(part, map, &e.attributes);
            self.trace.events.push(SpanEvent {
                time: e.time,
                name: map.string(e.name),
                attributes,
            });
        }
        let link_start = self.link_mark();
        for l in slice(&part.links, &s.links) {
            let attributes = self.copy_attributes(part, map, &l.attributes);
            self.trace.links.push(SpanLink {
                attributes,
                ..l.clone()
            });
        }
        let span = Span {
            trace,
            parent: None,
            name: map.string(s.name),
            span_type: map.string(s.span_type),
            status_message: map.string(s.status_message),
            attributes,
            events: event_start..self.event_mark(),
            links: link_start..self.link_mark(),
            resource: self.resource_of(part, map, s.resource),
            source: map.source(s.source),
            ..s.clone()
        };
        let idx = crate::model::SpanIdx(self.trace.spans.len() as u32);
        self.trace.spans.push(span);
        self.span_index.insert(&self.trace.spans, idx);
    }

    fn trace_of(&mut self, part: &TraceTables, map: &mut Remap, t: TraceIdx) -> TraceIdx {
        if let Some(Some(mine)) = map.traces.get(t.ix()) {
            return *mine;
        }
        let id = part.trace_ids.get(t.ix()).copied().unwrap_or_default();
        let mine = self.trace_idx(id);
        if let Some(slot) = map.traces.get_mut(t.ix()) {
            *slot = Some(mine);
        }
        mine
    }

    /// A resource of the same content as `r` of `part` (made the first time it is met).
    fn resource_of(&mut self, part: &TraceTables, map: &mut Remap, r: ResourceIdx) -> ResourceIdx {
        if let Some(Some(mine)) = map.resources.get(r.ix()) {
            return *mine;
        }
        let Some(res) = part.resources.get(r.ix()) else {
            return ResourceIdx(0);
        };
        let attributes: Vec<Attribute> = res.attributes.iter().map(|a| map.attribute(*a)).collect();
        // resources are told apart by their content, as a sequential read tells them apart by
        // their text
        let text = format!(
            "\u{0}merged\u{0}{:?}",
            attributes
                .iter()
                .map(|a| (self.trace.strings.text(a.key), value_text(self, a.value)))
                .collect::<Vec<_>>()
        );
        let mine = if r.0 == 0 {
            ResourceIdx(0)
        } else {
            self.resource_from(&text, |_| attributes)
        };
        if let Some(slot) = map.resources.get_mut(r.ix()) {
            *slot = Some(mine);
        }
        mine
    }

    fn copy_attributes(&mut self, part: &TraceTables, map: &Remap, r: &Range<u32>) -> Range<u32> {
        let start = self.attr_mark();
        for a in slice(&part.attributes, r) {
            let a = map.attribute(*a);
            self.push_attr(a.key, a.value);
        }
        start..self.attr_mark()
    }
}

fn value_text(b: &TraceBuilder, v: AttrValue) -> String {
    match v {
        AttrValue::Str(s) => format!("s{}", b.trace.strings.text(s)),
        AttrValue::Json(s) => format!("j{}", b.trace.strings.text(s)),
        other => format!("{other:?}"),
    }
}

impl Remap {
    fn string(&self, s: StrIdx) -> StrIdx {
        self.strings.get(s.ix()).copied().unwrap_or(StrIdx(0))
    }

    fn source(&self, f: FileIdx) -> FileIdx {
        self.sources.get(f.ix()).copied().flatten().unwrap_or(f)
    }

    fn attribute(&self, a: Attribute) -> Attribute {
        let value = match a.value {
            AttrValue::Str(s) => AttrValue::Str(self.string(s)),
            AttrValue::Json(s) => AttrValue::Json(self.string(s)),
            other => other,
        };
        Attribute {
            key: self.string(a.key),
            value,
        }
    }
}
