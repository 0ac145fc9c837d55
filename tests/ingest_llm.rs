//! MLflow and Langfuse: every fixture loads with its span/observation count, and the token and
//! cost totals equal the numbers written in the files (read here with serde_json, not our code).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use serde_json::Value;
use skein::analysis::llm::llm_summary;
use support::*;

fn doc(rel: &str) -> Value {
    serde_json::from_slice(&read(&shared(rel))).unwrap()
}

#[test]
fn mlflow_traces_load_and_their_token_totals_match_the_trace_metadata() {
    for n in ["trace_1_agent_run", "trace_2_agent_run_fail", "trace_3_manual_spans"] {
        for file in [format!("{n}.json"), format!("{n}.pretty.json")] {
            let rel = format!("generated/mlflow/{file}");
            let t = ingest_paths(&[shared(&rel)]);
            let d = doc(&rel);
            assert!(t.diagnostics.is_empty(), "{file}: {:#?}", t.diagnostics);
            assert_eq!(t.sources[0].format, "MLflow trace");
            assert_eq!(t.spans.len(), d["data"]["spans"].as_array().unwrap().len(), "{file}");
            assert_eq!(t.trace_ids[0].to_string(), d["info"]["trace_id"].as_str().unwrap().trim_start_matches("tr-"));
            let s = llm_summary(&t);
            match d["info"]["trace_metadata"]["mlflow.trace.tokenUsage"].as_str() {
                Some(u) => {
                    let u: Value = serde_json::from_str(u).unwrap();
                    assert_eq!(s.total.input, u["input_tokens"].as_i64().unwrap(), "{file}");
                    assert_eq!(s.total.output, u["output_tokens"].as_i64().unwrap(), "{file}");
                    assert_eq!(s.total.total, u["total_tokens"].as_i64().unwrap(), "{file}");
                }
                None => assert_eq!(s.total.spans, 0, "{file}"),
            }
        }
    }
    // one line per trace: the three traces together
    let t = ingest_paths(&[shared("generated/mlflow/traces.jsonl")]);
    assert_eq!(t.trace_ids.len(), 3);
    assert!(t.spans.iter().any(|s| s.is_error()), "the failing tool and run");
}

#[test]
fn langfuse_exports_load_and_their_usage_and_cost_match_the_observations() {
    let mut with_usage = 0;
    for entry in std::fs::read_dir(shared("public/langfuse")).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        let rel = format!("public/langfuse/{file}");
        let t = ingest_paths(&[shared(&rel)]);
        let d = doc(&rel);
        let obs = d["observations"].as_array().unwrap();
        assert_eq!(t.sources[0].format, "Langfuse export", "{file}");
        let repeats = t.diagnostics.iter().filter(|x| x.kind == skein::model::DiagnosticKind::DuplicateSpan).count();
        assert_eq!(t.spans.len() + repeats, obs.len(), "{file}");
        let s = llm_summary(&t);
        let want_total: i64 = obs.iter().filter_map(|o| o["usageDetails"]["total"].as_i64()).sum();
        let want_cost: f64 = obs
            .iter()
            .filter(|o| o["usageDetails"].as_object().is_some_and(|m| !m.is_empty()))
            .filter_map(|o| o["totalCost"].as_f64())
            .sum();
        assert_eq!(s.total.total, want_total, "{file}");
        assert!((s.total.cost - want_cost).abs() < 1e-12, "{file}: {} vs {want_cost}", s.total.cost);
        with_usage += usize::from(want_total > 0);
    }
    assert!(with_usage >= 3, "the comparison must cover files that report usage");
}

#[test]
fn a_langfuse_generation_reads_as_a_conversation() {
    let rel = "public/langfuse/langfuse_openai-agents-2025-09-30.trace.json";
    let t = ingest_paths(&[shared(rel)]);
    let d = doc(rel);
    let gen = d["observations"].as_array().unwrap().iter().find(|o| o["type"] == "GENERATION").unwrap();
    let s = t.find_span(skein::model::SpanId::from_external(gen["id"].as_str().unwrap()).unwrap()).unwrap();
    let chat = skein::layout::chat::conversation(&t, s);
    let input: Value = serde_json::from_str(gen["input"].as_str().unwrap()).unwrap();
    let first = &input.as_array().unwrap()[0];
    assert_eq!(chat[0].role, first["role"].as_str().unwrap());
    assert_eq!(chat[0].content, first["content"].as_str().unwrap());
    // every function call in the input appears as a tool call with its arguments
    for call in input.as_array().unwrap().iter().filter(|i| i["type"] == "function_call") {
        assert!(chat
            .iter()
            .any(|m| m.tool_calls.iter().any(|(n, a)| n == call["name"].as_str().unwrap() && a == call["arguments"].as_str().unwrap())));
    }
    // the answer comes from the Responses API output
    assert!(chat.iter().any(|m| m.role == "assistant" && !m.content.is_empty()), "{chat:#?}");
}
