//! Per-span texts the waterfall shows beside a span's name and duration, derived once per trace
//! (never per paint): the data id a FlowMesh task root produced, the tokens an LLM call used.
//! Invariant: the painter only looks them up; no attribute is read while drawing.

use crate::analysis::llm::LlmSummary;
use crate::model::{AttrValue, SpanIdx, StrIdx, Trace};
use rustc_hash::FxHashMap;

/// Label annotations by span.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpanNotes {
    /// Data id of root spans that carry a `data_id` string attribute.
    data_ids: FxHashMap<SpanIdx, StrIdx>,
    /// Total tokens of spans that report a usage above zero.
    tokens: FxHashMap<SpanIdx, i64>,
}

impl SpanNotes {
    /// The notes of `trace`, with LLM usage from its summary.
    pub fn new(trace: &Trace, llm: &LlmSummary) -> SpanNotes {
        let data_ids = trace
            .strings()
            .find("data_id")
            .map(|key| {
                trace
                    .roots()
                    .iter()
                    .filter_map(|&r| {
                        trace
                            .span_attributes(r)
                            .iter()
                            .find(|a| a.key == key)
                            .and_then(|a| match a.value {
                                AttrValue::Str(v) => Some((r, v)),
                                _ => None,
                            })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let tokens = llm
            .calls
            .iter()
            .filter(|c| c.usage.total > 0)
            .map(|c| (c.span, c.usage.total))
            .collect();
        SpanNotes { data_ids, tokens }
    }

    /// The data id a root span produced (FlowMesh task roots), if it names one.
    pub fn data_id(&self, s: SpanIdx) -> Option<StrIdx> {
        self.data_ids.get(&s).copied()
    }

    /// Tokens span `s` used, when it reports more than zero.
    pub fn tokens(&self, s: SpanIdx) -> Option<i64> {
        self.tokens.get(&s).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::llm::llm_summary;
    use crate::ingest::ingest_sources;

    #[test]
    fn roots_name_their_data_id_and_calls_their_tokens() {
        let text = concat!(
            r#"{"name": "task", "context": {"trace_id": "0x01", "span_id": "0x0a"}, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:01Z", "attributes": {"data_id": "d-1"}}"#,
            "\n",
            r#"{"name": "gen", "context": {"trace_id": "0x01", "span_id": "0x0b"}, "parent_id": "0x0a", "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:01Z", "attributes": {"data_id": "d-1", "gen_ai.usage.input_tokens": 40, "gen_ai.usage.output_tokens": 2}}"#,
            "\n"
        );
        let t = ingest_sources([("t.jsonl", text.as_bytes())]);
        let notes = SpanNotes::new(&t, &llm_summary(&t));
        let (root, child) = (
            t.find_span(crate::model::SpanId(0xa)).unwrap(),
            t.find_span(crate::model::SpanId(0xb)).unwrap(),
        );
        assert_eq!(notes.data_id(root).map(|d| t.text(d)), Some("d-1"));
        assert_eq!(notes.data_id(child), None, "only roots say their data id");
        assert_eq!(notes.tokens(child), Some(42));
        assert_eq!(notes.tokens(root), None);
    }
}
