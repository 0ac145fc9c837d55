//! Line diffs of what two matched LLM or tool spans said: prompts, responses, tool arguments
//! and results, as data a view renders as text. JSON values are pretty-printed first, so one
//! changed field is one changed line. Texts over `MAX_LINES` lines are not diffed (a Myers
//! diff of two unrelated long texts is quadratic); the field says so instead.

use crate::analysis::llm::{span_usage, Usage};
use crate::model::{SpanIdx, SpanType, Trace};
use similar::{ChangeTag, TextDiff};

/// Longest text (in lines, either side) that is diffed.
pub const MAX_LINES: usize = 5_000;

/// What a line of a diff is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineChange {
    /// On both sides.
    Same,
    /// Only in A.
    Removed,
    /// Only in B.
    Added,
}

/// One line of a diff (without its line break).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// Same, removed or added.
    pub change: LineChange,
    /// The line.
    pub text: String,
}

/// The line diff of `a` and `b` (`None` when either is longer than `MAX_LINES` lines).
pub fn line_diff(a: &str, b: &str) -> Option<Vec<DiffLine>> {
    if a.lines().count() > MAX_LINES || b.lines().count() > MAX_LINES {
        return None;
    }
    let diff = TextDiff::from_lines(a, b);
    Some(
        diff.iter_all_changes()
            .map(|c| DiffLine {
                change: match c.tag() {
                    ChangeTag::Equal => LineChange::Same,
                    ChangeTag::Delete => LineChange::Removed,
                    ChangeTag::Insert => LineChange::Added,
                },
                text: c.value().trim_end_matches(['\n', '\r']).to_string(),
            })
            .collect(),
    )
}

/// One compared text field of a span pair.
#[derive(Debug, Clone, PartialEq)]
pub struct TextField {
    /// `prompt`, `response`, `tool arguments` or `tool result`.
    pub field: &'static str,
    /// The attribute it was read from in A / B.
    pub key_a: Option<&'static str>,
    /// See `key_a`.
    pub key_b: Option<&'static str>,
    /// The line diff (`None` when too long to diff); a side without the field counts as "".
    pub lines: Option<Vec<DiffLine>>,
    /// True when both sides' texts are equal.
    pub is_same: bool,
}

/// Tokens, cost and text diffs of one matched pair of LLM or tool spans.
#[derive(Debug, Clone, PartialEq)]
pub struct PairDetail {
    /// Usage reported by A's span.
    pub usage_a: Option<Usage>,
    /// Usage reported by B's span.
    pub usage_b: Option<Usage>,
    /// The text fields either span has, in the order of `FIELDS`.
    pub fields: Vec<TextField>,
}

/// Attributes read for each field, the first present wins.
const FIELDS: [(&str, &[&str]); 4] = [
    (
        "prompt",
        &[
            "gen_ai.input.messages",
            "gen_ai.prompt",
            "mlflow.spanInputs",
            "langfuse.input",
            "langfuse.observation.input",
            "input.value",
        ],
    ),
    (
        "response",
        &[
            "gen_ai.output.messages",
            "gen_ai.completion",
            "mlflow.spanOutputs",
            "langfuse.output",
            "langfuse.observation.output",
            "output.value",
        ],
    ),
    ("tool arguments", &["gen_ai.tool.call.arguments"]),
    ("tool result", &["gen_ai.tool.call.result"]),
];

/// True when the span is an LLM call or a tool call (the spans whose texts are compared).
pub fn is_llm_or_tool(trace: &Trace, s: SpanIdx) -> bool {
    matches!(
        trace.span_type(s),
        Some(SpanType::Llm | SpanType::ChatModel | SpanType::Tool)
    ) || trace.attribute_str(s, "gen_ai.tool.name").is_some()
        || span_usage(trace, s).is_some()
}

/// The text of a field: its attribute's text, JSON pretty-printed.
fn field_text(trace: &Trace, s: SpanIdx, keys: &[&'static str]) -> Option<(&'static str, String)> {
    keys.iter().find_map(|&k| {
        let text = trace.attribute_text(s, k)?;
        let pretty = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .filter(|v| v.is_object() || v.is_array())
            .and_then(|v| serde_json::to_string_pretty(&v).ok());
        Some((k, pretty.unwrap_or_else(|| text.to_string())))
    })
}

/// Tokens, cost and the text diffs of span `sa` of `a` against span `sb` of `b`. For tool
/// spans the prompt/response attributes are their arguments/result.
pub fn pair_detail(a: &Trace, sa: SpanIdx, b: &Trace, sb: SpanIdx) -> PairDetail {
    let is_tool = |t: &Trace, s: SpanIdx| {
        t.span_type(s) == Some(SpanType::Tool) || t.attribute_str(s, "gen_ai.tool.name").is_some()
    };
    let tool = is_tool(a, sa) || is_tool(b, sb);
    let mut fields = Vec::new();
    for (name, keys) in FIELDS {
        let (ta, tb) = (field_text(a, sa, keys), field_text(b, sb, keys));
        if ta.is_none() && tb.is_none() {
            continue;
        }
        let field = match (tool, name) {
            (true, "prompt") => "tool arguments",
            (true, "response") => "tool result",
            _ => name,
        };
        let text_a = ta.as_ref().map_or("", |t| t.1.as_str());
        let text_b = tb.as_ref().map_or("", |t| t.1.as_str());
        fields.push(TextField {
            field,
            key_a: ta.as_ref().map(|t| t.0),
            key_b: tb.as_ref().map(|t| t.0),
            lines: line_diff(text_a, text_b),
            is_same: text_a == text_b,
        });
    }
    PairDetail {
        usage_a: span_usage(a, sa),
        usage_b: span_usage(b, sb),
        fields,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_line_is_removed_then_added() {
        let d = line_diff("one\ntwo\nthree\n", "one\n2\nthree\nfour").unwrap();
        let got: Vec<(LineChange, &str)> = d.iter().map(|l| (l.change, l.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (LineChange::Same, "one"),
                (LineChange::Removed, "two"),
                (LineChange::Added, "2"),
                (LineChange::Same, "three"),
                (LineChange::Added, "four"),
            ]
        );
        let long = "x\n".repeat(MAX_LINES + 1);
        assert!(line_diff(&long, "x").is_none());
    }
}
