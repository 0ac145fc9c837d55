//! Token usage and cost of LLM spans, summed per trace and per model. Conventions read, per span
//! (the first one present wins):
//! - MLflow: `mlflow.chat.tokenUsage` {input_tokens, output_tokens, total_tokens}, cost
//!   `mlflow.llm.cost` {total_cost}, model `mlflow.llm.model`;
//! - Langfuse exports: `langfuse.usageDetails` {input, output, total, *cache_read*},
//!   `langfuse.totalCost` / `langfuse.costDetails`, model `langfuse.model`;
//! - Langfuse SDK (OTLP): `langfuse.observation.usage_details`, `.cost_details` (parts summed
//!   when there is no `total`), `.model.name`;
//! - OpenTelemetry GenAI: `gen_ai.usage.input_tokens` / `output_tokens` (older
//!   `prompt_tokens` / `completion_tokens`), `gen_ai.usage.cache_read.input_tokens`, model
//!   `gen_ai.response.model`, else `gen_ai.request.model`;
//! - OpenInference: `llm.token_count.*`, `llm.model_name`;
//! - pflow: `pflow.llm_call` {model, input_tokens, output_tokens, total_tokens,
//!   cache_read_input_tokens, cost_usd} as written (an empty `{}` is a failed call: counted,
//!   with no tokens; its model is the one the node's params asked for); a node marked
//!   `pflow.cached` reused an earlier answer and is not counted, as in pflow's own `llm_summary`.
//!
//! Trace-level totals that producers also write (`mlflow.trace.tokenUsage`, `mlflow.trace.cost`)
//! are not added again: they are what the tests compare our sums with.

use crate::model::{AttrValue, SpanIdx, Trace, TraceId};
use serde_json::Value;

/// Tokens and cost.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Usage {
    /// Prompt tokens.
    pub input: i64,
    /// Completion tokens.
    pub output: i64,
    /// Total tokens (as reported, else input + output).
    pub total: i64,
    /// Cached prompt tokens, where given.
    pub cached: i64,
    /// Cost in the producer's currency (USD for Langfuse), where given.
    pub cost: f64,
    /// Model calls: spans that reported usage or named their model.
    pub spans: u32,
}

impl Usage {
    fn add(&mut self, o: &Usage) {
        self.input += o.input;
        self.output += o.output;
        self.total += o.total;
        self.cached += o.cached;
        self.cost += o.cost;
        self.spans += o.spans;
    }
}

/// The LLM summary of a trace.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LlmSummary {
    /// Everything.
    pub total: Usage,
    /// Per trace id, in trace order.
    pub per_trace: Vec<(TraceId, Usage)>,
    /// Per model, sorted by name.
    pub per_model: Vec<(String, Usage)>,
    /// Every model call (usage or a model), with its model: the most tokens first (then the
    /// highest cost, then file order).
    pub calls: Vec<LlmCall>,
}

/// One span that reported usage.
#[derive(Debug, Clone, PartialEq)]
pub struct LlmCall {
    /// The span.
    pub span: SpanIdx,
    /// Its usage.
    pub usage: Usage,
    /// Its model, when it says.
    pub model: Option<String>,
}

fn json(trace: &Trace, s: SpanIdx, key: &str) -> Option<Value> {
    serde_json::from_str(trace.attribute_text(s, key)?).ok()
}

fn number(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn int_attr(trace: &Trace, s: SpanIdx, key: &str) -> Option<i64> {
    match trace.attribute(s, key)? {
        AttrValue::Int(i) => Some(i),
        AttrValue::Float(f) => Some(f as i64),
        _ => None,
    }
}

fn float_attr(trace: &Trace, s: SpanIdx, key: &str) -> Option<f64> {
    match trace.attribute(s, key)? {
        AttrValue::Int(i) => Some(i as f64),
        AttrValue::Float(f) => Some(f),
        _ => None,
    }
}

/// A usage or cost object that reports at least one number (Langfuse writes `{}` on every
/// observation that is no model call).
fn reported(v: Value) -> Option<Value> {
    let has_number = v
        .as_object()
        .is_some_and(|m| m.values().any(Value::is_number));
    has_number.then_some(v)
}

fn first_json(trace: &Trace, s: SpanIdx, keys: &[&str]) -> Option<Value> {
    keys.iter().find_map(|k| json(trace, s, k))
}

fn first_int(trace: &Trace, s: SpanIdx, keys: &[&str]) -> Option<i64> {
    keys.iter().find_map(|k| int_attr(trace, s, k))
}

/// Token counts of a span (without cost), from the first convention it uses.
fn span_tokens(trace: &Trace, s: SpanIdx) -> Option<Usage> {
    let mut u = Usage {
        spans: 1,
        ..Usage::default()
    };
    if let Some(v) = json(trace, s, "mlflow.chat.tokenUsage").and_then(reported) {
        u.input = number(&v, "input_tokens").unwrap_or(0.0) as i64;
        u.output = number(&v, "output_tokens").unwrap_or(0.0) as i64;
        u.total = number(&v, "total_tokens").map_or(u.input + u.output, |t| t as i64);
    } else if let Some(v) = first_json(
        trace,
        s,
        &[
            "langfuse.usageDetails",
            "langfuse.observation.usage_details",
        ],
    )
    .and_then(reported)
    {
        u.input = number(&v, "input").unwrap_or(0.0) as i64;
        u.output = number(&v, "output").unwrap_or(0.0) as i64;
        u.total = number(&v, "total").map_or(u.input + u.output, |t| t as i64);
        u.cached = v.as_object().map_or(0, |m| {
            m.iter()
                .filter(|(k, _)| k.contains("cache_read"))
                .filter_map(|(_, v)| v.as_f64())
                .sum::<f64>() as i64
        });
    } else if let Some(i) = first_int(
        trace,
        s,
        &["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"],
    ) {
        u.input = i;
        u.output = first_int(
            trace,
            s,
            &[
                "gen_ai.usage.output_tokens",
                "gen_ai.usage.completion_tokens",
            ],
        )
        .unwrap_or(0);
        u.total = int_attr(trace, s, "gen_ai.usage.total_tokens").unwrap_or(u.input + u.output);
        u.cached = int_attr(trace, s, "gen_ai.usage.cache_read.input_tokens").unwrap_or(0);
    } else if let Some(i) = int_attr(trace, s, "llm.token_count.prompt") {
        u.input = i;
        u.output = int_attr(trace, s, "llm.token_count.completion").unwrap_or(0);
        u.total = int_attr(trace, s, "llm.token_count.total").unwrap_or(u.input + u.output);
        u.cached = int_attr(trace, s, "llm.token_count.prompt_details.cache_read").unwrap_or(0);
    } else if let Some(v) = json(trace, s, PFLOW_CALL) {
        u.input = number(&v, "input_tokens").unwrap_or(0.0) as i64;
        u.output = number(&v, "output_tokens").unwrap_or(0.0) as i64;
        u.total = number(&v, "total_tokens").map_or(u.input + u.output, |t| t as i64);
        u.cached = number(&v, "cache_read_input_tokens").unwrap_or(0.0) as i64;
    } else {
        return None;
    }
    Some(u)
}

/// Cost of a span: Langfuse `totalCost` / cost details (their `total`, else the sum of the
/// parts), MLflow `mlflow.llm.cost.total_cost`.
fn span_cost(trace: &Trace, s: SpanIdx) -> Option<f64> {
    // Langfuse writes `totalCost: 0` on observations that are no model call
    if let Some(c) = float_attr(trace, s, "langfuse.totalCost").filter(|c| *c != 0.0) {
        return Some(c);
    }
    if let Some(v) = first_json(
        trace,
        s,
        &["langfuse.costDetails", "langfuse.observation.cost_details"],
    )
    .and_then(reported)
    {
        return number(&v, "total").or_else(|| {
            v.as_object()
                .map(|m| m.values().filter_map(Value::as_f64).sum())
        });
    }
    json(trace, s, "mlflow.llm.cost")
        .and_then(|v| number(&v, "total_cost"))
        .or_else(|| json(trace, s, PFLOW_CALL).and_then(|v| number(&v, "cost_usd")))
}

/// pflow's record of one LLM call on a node or batch item.
const PFLOW_CALL: &str = "pflow.llm_call";

/// Every attribute key whose presence lets the readers above report usage: a span carrying none
/// of them reports none, so indexes (`usage_index`) read only the spans that carry one.
pub const USAGE_TRIGGER_KEYS: [&str; 11] = [
    "mlflow.chat.tokenUsage",
    "langfuse.usageDetails",
    "langfuse.observation.usage_details",
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.prompt_tokens",
    "llm.token_count.prompt",
    "langfuse.totalCost",
    "langfuse.costDetails",
    "langfuse.observation.cost_details",
    "mlflow.llm.cost",
    PFLOW_CALL,
];

/// Usage reported by one span (tokens and/or cost), if any.
pub fn span_usage(trace: &Trace, s: SpanIdx) -> Option<Usage> {
    if is_replayed(trace, s) {
        return None;
    }
    let cost = span_cost(trace, s);
    let mut u = match span_tokens(trace, s) {
        Some(u) => u,
        None if cost.is_some() => Usage {
            spans: 1,
            ..Usage::default()
        },
        None => return None,
    };
    u.cost = cost.unwrap_or(0.0);
    Some(u)
}

/// A pflow memo-cache hit or a restored node: no call was made in this run.
fn is_replayed(trace: &Trace, s: SpanIdx) -> bool {
    trace.attribute(s, "pflow.cached") == Some(AttrValue::Bool(true))
}

/// The model a span used, if it says.
pub fn span_model(trace: &Trace, s: SpanIdx) -> Option<String> {
    MODEL_KEYS
        .iter()
        .find_map(|k| {
            trace
                .attribute_str(s, k)
                .filter(|m| !m.is_empty())
                .map(str::to_string)
        })
        .or_else(|| {
            // pflow: the call's model, else (a failed call's `{}`) the model the node asked for
            let call = json(trace, s, PFLOW_CALL)?;
            let asked = || json(trace, s, "pflow.node_params")?.get("model").cloned();
            let model = call.get("model").cloned().or_else(asked)?;
            Some(model.as_str()?.to_string())
        })
}

/// Attributes naming the model, in the order they are trusted.
const MODEL_KEYS: [&str; 7] = [
    "mlflow.llm.model",
    "langfuse.model",
    "langfuse.observation.model.name",
    "gen_ai.response.model",
    "gen_ai.request.model",
    "llm.model_name",
    "model",
];

/// Cost as text: six decimals below a cent (0.000097), four above (1.2345), and two significant
/// digits in scientific form below a millionth, so a tiny cost never reads as zero.
pub fn format_cost(cost: f64) -> String {
    if cost > 0.0 && cost < 1e-6 {
        format!("{cost:.1e}")
    } else if cost < 0.01 {
        format!("{cost:.6}")
    } else {
        format!("{cost:.4}")
    }
}

/// Sums usage over all spans.
pub fn llm_summary(trace: &Trace) -> LlmSummary {
    let mut out = LlmSummary::default();
    let mut per_trace: Vec<Usage> = vec![Usage::default(); trace.trace_ids().len()];
    let mut per_model: std::collections::BTreeMap<String, Usage> =
        std::collections::BTreeMap::new();
    for i in 0..trace.span_count() as u32 {
        let s = SpanIdx(i);
        // a model call is a span that names its model or reports usage
        let model = span_model(trace, s);
        let Some(u) = span_usage(trace, s).or_else(|| {
            (model.is_some() && !is_replayed(trace, s)).then_some(Usage {
                spans: 1,
                ..Usage::default()
            })
        }) else {
            continue;
        };
        out.total.add(&u);
        per_trace[trace.span(s).trace.ix()].add(&u);
        per_model
            .entry(model.clone().unwrap_or_else(|| "(unknown model)".into()))
            .or_default()
            .add(&u);
        out.calls.push(LlmCall {
            span: s,
            usage: u,
            model,
        });
    }
    out.calls.sort_by(|a, b| {
        b.usage
            .total
            .cmp(&a.usage.total)
            .then(b.usage.cost.total_cmp(&a.usage.cost))
            .then(a.span.cmp(&b.span))
    });
    out.per_trace = trace
        .trace_ids()
        .iter()
        .copied()
        .zip(per_trace)
        .filter(|(_, u)| u.spans > 0)
        .collect();
    out.per_model = per_model.into_iter().collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_read_as_money_and_never_as_zero() {
        assert_eq!(format_cost(9.659_999_999_999_999e-5), "0.000097");
        assert_eq!(format_cost(1.234_56), "1.2346");
        assert_eq!(format_cost(2.5e-8), "2.5e-8");
        assert_eq!(format_cost(0.0), "0.000000");
    }

    #[test]
    fn calls_are_listed_biggest_first_with_their_model() {
        let line = |id: u32, tokens: u32, model: &str| {
            format!(
                r#"{{"name": "call{id}", "context": {{"trace_id": "0x01", "span_id": "0x{id:02x}"}}, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:01Z", "attributes": {{"gen_ai.usage.input_tokens": {tokens}, "gen_ai.request.model": "{model}"}}}}"#
            )
        };
        let text = [line(1, 10, "a"), line(2, 30, "b"), line(3, 20, "a")].join("\n");
        let t = crate::ingest::ingest_sources([("t.jsonl", text.as_bytes())]);
        let s = llm_summary(&t);
        let calls: Vec<(&str, i64, Option<&str>)> = s
            .calls
            .iter()
            .map(|c| (t.name(c.span), c.usage.total, c.model.as_deref()))
            .collect();
        assert_eq!(
            calls,
            [
                ("call2", 30, Some("b")),
                ("call3", 20, Some("a")),
                ("call1", 10, Some("a"))
            ]
        );
        assert_eq!(
            s.per_model
                .iter()
                .map(|(m, u)| (m.as_str(), u.total))
                .collect::<Vec<_>>(),
            [("a", 30), ("b", 30)]
        );
    }
}
