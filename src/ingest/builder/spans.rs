//! Spans going into the builder: a copy of a (trace id, span id) already read is skipped and
//! reported (`add_span`), or, for producers whose last copy of a record wins, replaces it
//! (`upsert_span`, the caller reports it); an end before the start is repaired and reported; the
//! span type is found once here for every format. Invariant: `span_index` names exactly one span
//! per (trace, span id).

use super::{SpanDraft, TraceBuilder};
use crate::model::{
    AttrValue, DiagnosticKind, Severity, Span, SpanFlags, SpanIdx, StrIdx, TraceIdx,
};

impl TraceBuilder {
    /// Adds a span. A duplicate is skipped with a diagnostic (and its rows rolled back).
    pub fn add_span(&mut self, draft: SpanDraft) -> Option<SpanIdx> {
        let trace = self.trace_idx(draft.trace_id);
        if let Some(first) = self.span_index.get(&self.trace.spans, trace, draft.span_id) {
            let first_line = self.trace.spans[first.ix()].line;
            let first_source = self
                .source_name(self.trace.spans[first.ix()].source)
                .to_string();
            self.rollback(
                draft.attributes.start,
                draft.events.start,
                draft.links.start,
            );
            self.diagnose(
                Severity::Repaired,
                DiagnosticKind::DuplicateSpan,
                draft.source,
                Some(draft.line),
                format!(
                    "span {} of trace {} was already read ({first_source}:{first_line}); kept the first copy",
                    draft.span_id, draft.trace_id
                ),
            );
            return None;
        }
        let span = self.span_from_draft(trace, draft);
        Some(self.push_span(span))
    }

    /// Adds a span, or replaces the one with the same (trace id, span id): for producers that
    /// re-write a record and whose last copy wins (pflow). The replaced copy's attributes stay
    /// in the table, unreferenced. The caller reports the replacement.
    pub fn upsert_span(&mut self, draft: SpanDraft) -> SpanIdx {
        let trace = self.trace_idx(draft.trace_id);
        let span = self.span_from_draft(trace, draft);
        match self.span_index.get(&self.trace.spans, trace, span.span_id) {
            Some(idx) => {
                self.trace.spans[idx.ix()] = span;
                idx
            }
            None => self.push_span(span),
        }
    }

    fn push_span(&mut self, span: Span) -> SpanIdx {
        let idx = SpanIdx(self.trace.spans.len() as u32);
        self.trace.spans.push(span);
        self.span_index.insert(&self.trace.spans, idx);
        idx
    }

    /// The span a draft describes, with the end repair applied (reported) and its type found.
    fn span_from_draft(&mut self, trace: TraceIdx, draft: SpanDraft) -> Span {
        let mut flags = draft.flags;
        let mut end = draft.end;
        if end < draft.start {
            self.diagnose(
                Severity::Repaired,
                DiagnosticKind::EndBeforeStart,
                draft.source,
                Some(draft.line),
                format!(
                    "span {} ends {} before it starts; end set to start",
                    draft.span_id,
                    draft.start.since(end)
                ),
            );
            end = draft.start;
            flags.insert(SpanFlags::END_REPAIRED);
        }
        let span_type = match draft.span_type {
            StrIdx(0) => self.type_from_attributes(&draft.attributes),
            t => t,
        };
        Span {
            trace,
            span_id: draft.span_id,
            parent_span_id: draft.parent_span_id,
            parent: None,
            name: draft.name,
            span_type,
            kind: draft.kind,
            status: draft.status,
            status_message: draft.status_message,
            start: draft.start,
            end,
            attributes: draft.attributes,
            events: draft.events,
            links: draft.links,
            resource: draft.resource,
            source: draft.source,
            line: draft.line,
            flags,
        }
    }

    /// The span type, for every format: the value of the first of `span_type::TYPE_KEYS` the
    /// span carries (the most trusted key present wins), or none.
    fn type_from_attributes(&mut self, range: &std::ops::Range<u32>) -> StrIdx {
        if self.type_keys.is_empty() {
            self.type_keys = crate::model::span_type::TYPE_KEYS
                .iter()
                .map(|k| self.trace.strings.intern(k))
                .collect();
        }
        // one pass over the span's attributes
        let attrs = &self.trace.attributes[range.start as usize..range.end as usize];
        let mut best: Option<(usize, StrIdx)> = None;
        for a in attrs {
            if let (Some(rank), AttrValue::Str(v)) =
                (self.type_keys.iter().position(|k| *k == a.key), a.value)
            {
                if best.is_none_or(|(r, _)| rank < r) {
                    best = Some((rank, v));
                }
            }
        }
        best.map_or(StrIdx(0), |(_, v)| v)
    }
}
