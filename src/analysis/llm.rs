//! Token usage and cost of LLM spans, summed per trace and per model. Sources, per span:
//! MLflow `mlflow.chat.tokenUsage` {input_tokens, output_tokens, total_tokens}; Langfuse
//! `langfuse.usageDetails` {input, output, total, *cache_read*} with `langfuse.totalCost`;
//! OpenTelemetry `gen_ai.usage.input_tokens` / `output_tokens`. Trace-level totals that MLflow
//! also writes (`mlflow.trace.tokenUsage`) are not added again. Model: the first of
//! `mlflow.llm.model`, `langfuse.model`, `gen_ai.response.model`, `gen_ai.request.model`, `model`.

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
    /// Spans that reported usage.
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
}

fn json(trace: &Trace, s: SpanIdx, key: &str) -> Option<Value> {
    match trace.attribute(s, key)? {
        AttrValue::Json(t) | AttrValue::Str(t) => serde_json::from_str(trace.text(t)).ok(),
        _ => None,
    }
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

/// Usage reported by one span, if any.
pub fn span_usage(trace: &Trace, s: SpanIdx) -> Option<Usage> {
    let mut u = Usage { spans: 1, ..Usage::default() };
    if let Some(v) = json(trace, s, "mlflow.chat.tokenUsage") {
        u.input = number(&v, "input_tokens").unwrap_or(0.0) as i64;
        u.output = number(&v, "output_tokens").unwrap_or(0.0) as i64;
        u.total = number(&v, "total_tokens").map_or(u.input + u.output, |t| t as i64);
    } else if let Some(v) = json(trace, s, "langfuse.usageDetails") {
        u.input = number(&v, "input").unwrap_or(0.0) as i64;
        u.output = number(&v, "output").unwrap_or(0.0) as i64;
        u.total = number(&v, "total").map_or(u.input + u.output, |t| t as i64);
        u.cached = v
            .as_object()
            .map_or(0, |m| m.iter().filter(|(k, _)| k.contains("cache_read")).filter_map(|(_, v)| v.as_f64()).sum::<f64>() as i64);
    } else if let (Some(i), o) = (int_attr(trace, s, "gen_ai.usage.input_tokens"), int_attr(trace, s, "gen_ai.usage.output_tokens")) {
        u.input = i;
        u.output = o.unwrap_or(0);
        u.total = u.input + u.output;
    } else {
        return None;
    }
    u.cost = float_attr(trace, s, "langfuse.totalCost")
        .or_else(|| json(trace, s, "langfuse.costDetails").and_then(|c| number(&c, "total")))
        .unwrap_or(0.0);
    Some(u)
}

/// The model a span used, if it says.
pub fn span_model(trace: &Trace, s: SpanIdx) -> Option<String> {
    ["mlflow.llm.model", "langfuse.model", "gen_ai.response.model", "gen_ai.request.model", "model"]
        .iter()
        .find_map(|k| trace.attribute_str(s, k).filter(|m| !m.is_empty()).map(str::to_string))
}

/// Sums usage over all spans.
pub fn llm_summary(trace: &Trace) -> LlmSummary {
    let mut out = LlmSummary::default();
    let mut per_trace: Vec<Usage> = vec![Usage::default(); trace.trace_ids.len()];
    let mut per_model: std::collections::BTreeMap<String, Usage> = std::collections::BTreeMap::new();
    for i in 0..trace.spans.len() as u32 {
        let s = SpanIdx(i);
        let Some(u) = span_usage(trace, s) else { continue };
        out.total.add(&u);
        per_trace[trace.span(s).trace.ix()].add(&u);
        per_model.entry(span_model(trace, s).unwrap_or_else(|| "(unknown model)".into())).or_default().add(&u);
    }
    out.per_trace = trace.trace_ids.iter().copied().zip(per_trace).filter(|(_, u)| u.spans > 0).collect();
    out.per_model = per_model.into_iter().collect();
    out
}
