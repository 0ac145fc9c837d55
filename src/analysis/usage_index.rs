//! Token usage and cost of every span that reports them, read once per trace for queries
//! (`tokens>1000`, `cost>0.01`) and statistics columns. Invariant: the same as
//! `llm::span_usage` on every span; only spans carrying one of `llm::USAGE_TRIGGER_KEYS` are
//! read at all, so a trace without LLM spans costs one pass over attribute keys.

use super::llm::{span_usage, Usage, USAGE_TRIGGER_KEYS};
use crate::model::{SpanIdx, StrIdx, Trace};

/// Usage of every span that reports it, by ascending span index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UsageIndex {
    entries: Vec<(SpanIdx, Usage)>,
}

impl UsageIndex {
    /// Reads the usage of every span of `trace`.
    pub fn new(trace: &Trace) -> UsageIndex {
        let triggers: Vec<StrIdx> = USAGE_TRIGGER_KEYS
            .iter()
            .filter_map(|k| trace.strings().find(k))
            .collect();
        if triggers.is_empty() {
            return UsageIndex::default();
        }
        let entries = trace
            .span_indices()
            .filter(|&s| {
                trace
                    .span_attributes(s)
                    .iter()
                    .any(|a| triggers.contains(&a.key))
            })
            .filter_map(|s| span_usage(trace, s).map(|u| (s, u)))
            .collect();
        UsageIndex { entries }
    }

    /// Every span that reports usage, by ascending index.
    pub fn entries(&self) -> &[(SpanIdx, Usage)] {
        &self.entries
    }

    /// The usage span `s` reports, if any.
    pub fn usage(&self, s: SpanIdx) -> Option<&Usage> {
        self.entries
            .binary_search_by_key(&s, |e| e.0)
            .ok()
            .map(|k| &self.entries[k].1)
    }
}
