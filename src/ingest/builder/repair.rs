//! The repair rules the builder applies once every row is in: parents are linked (an unknown
//! parent makes an orphan root, a span naming itself as parent a root), cycles are cut at their
//! earliest-starting span, children that
//! start before their parent are marked, log lines are joined to their spans. Each repair is
//! reported where the row came from, except orphans of sources a snapshot finds still being
//! read: their parent may yet arrive, so they are only marked.

use super::TraceBuilder;
use crate::model::{DiagnosticKind, Severity, SpanFlags, SpanId, SpanIdx, TraceIdx};
use rustc_hash::FxHashMap;

impl TraceBuilder {
    /// Joins each log line to the span it names (same trace id when it gives one).
    pub(super) fn join_logs(&mut self) {
        let mut by_span: FxHashMap<SpanId, Vec<(TraceIdx, SpanIdx)>> = FxHashMap::default();
        if !self.trace.logs.is_empty() {
            for (i, s) in self.trace.spans.iter().enumerate() {
                let i = SpanIdx(i as u32);
                by_span.entry(s.span_id).or_default().push((s.trace, i));
            }
            // a bare span id names the earliest-loaded span holding it, not the hash order's
            for candidates in by_span.values_mut() {
                candidates.sort_unstable_by_key(|&(_, i)| i);
            }
        }
        for log in &mut self.trace.logs {
            let Some(id) = log.span_id else { continue };
            let candidates = by_span.get(&id).map(Vec::as_slice).unwrap_or(&[]);
            let want_trace = log.trace_id.and_then(|t| self.trace_index.get(&t).copied());
            log.span = candidates
                .iter()
                .find(|(t, _)| want_trace.is_none_or(|w| w == *t))
                .map(|(_, i)| *i);
        }
    }

    pub(super) fn link_parents(&mut self) {
        for i in 0..self.trace.spans.len() {
            let s = &self.trace.spans[i];
            if s.parent_span_id.0 == 0 {
                continue;
            }
            match self
                .span_index
                .get(&self.trace.spans, s.trace, s.parent_span_id)
            {
                Some(p) if p.ix() != i => self.trace.spans[i].parent = Some(p),
                Some(_) => {
                    // a cycle of one: known at once, whether or not its source is still open
                    let (source, line, id) = (s.source, s.line, s.span_id);
                    self.trace.spans[i].flags.insert(SpanFlags::CYCLE_CUT);
                    self.diagnose(
                        Severity::Repaired,
                        DiagnosticKind::ParentCycle,
                        source,
                        Some(line),
                        format!("span {id} is its own parent; shown as a root"),
                    );
                }
                None => {
                    let (source, line, id, parent) =
                        (s.source, s.line, s.span_id, s.parent_span_id);
                    self.trace.spans[i].flags.insert(SpanFlags::ORPHAN);
                    if self.still_open.contains(&source) {
                        continue; // its parent may be in the part not read yet
                    }
                    self.diagnose(
                        Severity::Repaired,
                        DiagnosticKind::OrphanSpan,
                        source,
                        Some(line),
                        format!(
                            "span {id}: parent {parent} is not in the loaded data; shown as a root"
                        ),
                    );
                }
            }
        }
    }

    /// Walks each parent chain once; a chain that reaches a span still on the current walk is
    /// a cycle. The cycle's earliest-starting span (lowest index on ties), most likely the real
    /// root, loses its parent link.
    pub(super) fn cut_cycles(&mut self) {
        const NEW: u8 = 0;
        const ON_WALK: u8 = 1;
        const DONE: u8 = 2;
        let n = self.trace.spans.len();
        let mut state = vec![NEW; n];
        let mut walk: Vec<usize> = Vec::new();
        for start in 0..n {
            walk.clear();
            let mut cur = start;
            loop {
                if state[cur] != NEW {
                    break;
                }
                state[cur] = ON_WALK;
                walk.push(cur);
                match self.trace.spans[cur].parent {
                    Some(p) if state[p.ix()] == ON_WALK => {
                        let from = walk.iter().position(|&w| w == p.ix()).unwrap_or(0);
                        let spans = &self.trace.spans;
                        let cut = walk[from..]
                            .iter()
                            .copied()
                            .min_by_key(|&w| (spans[w].start, w))
                            .unwrap_or(cur);
                        let s = &mut self.trace.spans[cut];
                        s.parent = None;
                        s.flags.insert(SpanFlags::CYCLE_CUT);
                        let (source, line, id, parent) =
                            (s.source, s.line, s.span_id, s.parent_span_id);
                        self.diagnose(
                            Severity::Repaired,
                            DiagnosticKind::ParentCycle,
                            source,
                            Some(line),
                            format!("span {id}: parent {parent} is its own descendant (a cycle); link cut, shown as a root"),
                        );
                        break;
                    }
                    Some(p) => cur = p.ix(),
                    None => break,
                }
            }
            for &w in &walk {
                state[w] = DONE;
            }
        }
    }

    pub(super) fn flag_skew(&mut self) {
        for i in 0..self.trace.spans.len() {
            let Some(p) = self.trace.spans[i].parent else {
                continue;
            };
            let parent_start = self.trace.spans[p.ix()].start;
            let s = &self.trace.spans[i];
            if s.start < parent_start {
                let (source, line, id, by) =
                    (s.source, s.line, s.span_id, parent_start.since(s.start));
                self.trace.spans[i]
                    .flags
                    .insert(SpanFlags::STARTS_BEFORE_PARENT);
                self.diagnose(
                    Severity::Repaired,
                    DiagnosticKind::StartsBeforeParent,
                    source,
                    Some(line),
                    format!("span {id} starts {by} before its parent (clock skew?); kept as is and marked"),
                );
            }
        }
    }
}
