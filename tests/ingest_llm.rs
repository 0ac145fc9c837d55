//! MLflow and Langfuse: every fixture loads with its span/observation count, and the token and
//! cost totals equal the numbers written in the files (read here with serde_json, not our code).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use serde_json::Value;
use skein::analysis::llm::llm_summary;
use skein::model::SpanType;
use support::*;

fn doc(rel: &str) -> Value {
    serde_json::from_slice(&read(&shared(rel))).unwrap()
}

#[test]
fn mlflow_traces_load_and_their_token_totals_match_the_trace_metadata() {
    for n in [
        "trace_1_agent_run",
        "trace_2_agent_run_fail",
        "trace_3_manual_spans",
    ] {
        for file in [format!("{n}.json"), format!("{n}.pretty.json")] {
            let rel = format!("generated/mlflow/{file}");
            let t = ingest_paths(&[shared(&rel)]);
            let d = doc(&rel);
            assert!(t.diagnostics().is_empty(), "{file}: {:#?}", t.diagnostics());
            assert_eq!(t.sources()[0].format, "MLflow trace");
            assert_eq!(
                t.span_count(),
                d["data"]["spans"].as_array().unwrap().len(),
                "{file}"
            );
            assert_eq!(
                t.trace_ids()[0].to_string(),
                d["info"]["trace_id"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("tr-")
            );
            let s = llm_summary(&t);
            match d["info"]["trace_metadata"]["mlflow.trace.tokenUsage"].as_str() {
                Some(u) => {
                    let u: Value = serde_json::from_str(u).unwrap();
                    assert_eq!(s.total.input, u["input_tokens"].as_i64().unwrap(), "{file}");
                    assert_eq!(
                        s.total.output,
                        u["output_tokens"].as_i64().unwrap(),
                        "{file}"
                    );
                    assert_eq!(s.total.total, u["total_tokens"].as_i64().unwrap(), "{file}");
                }
                None => assert_eq!(s.total.spans, 0, "{file}"),
            }
            // cost: MLflow writes the trace's total in its metadata
            let want_cost = d["info"]["trace_metadata"]["mlflow.trace.cost"]
                .as_str()
                .map_or(0.0, |c| {
                    serde_json::from_str::<Value>(c).unwrap()["total_cost"]
                        .as_f64()
                        .unwrap()
                });
            assert!(
                (s.total.cost - want_cost).abs() < 1e-12,
                "{file}: cost {} vs {want_cost}",
                s.total.cost
            );
        }
    }
    // one line per trace: the three traces together
    let t = ingest_paths(&[shared("generated/mlflow/traces.jsonl")]);
    assert_eq!(t.trace_ids().len(), 3);
    assert!(
        t.spans().iter().any(|s| s.is_error()),
        "the failing tool and run"
    );
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
        assert_eq!(t.sources()[0].format, "Langfuse export", "{file}");
        let repeats = t
            .diagnostics()
            .iter()
            .filter(|x| x.kind == skein::model::DiagnosticKind::DuplicateSpan)
            .count();
        assert_eq!(t.span_count() + repeats, obs.len(), "{file}");
        let s = llm_summary(&t);
        let want_total: i64 = obs
            .iter()
            .filter_map(|o| o["usageDetails"]["total"].as_i64())
            .sum();
        let want_cost: f64 = obs
            .iter()
            .filter(|o| o["usageDetails"].as_object().is_some_and(|m| !m.is_empty()))
            .filter_map(|o| o["totalCost"].as_f64())
            .sum();
        assert_eq!(s.total.total, want_total, "{file}");
        assert!(
            (s.total.cost - want_cost).abs() < 1e-12,
            "{file}: {} vs {want_cost}",
            s.total.cost
        );
        with_usage += usize::from(want_total > 0);
    }
    assert!(
        with_usage >= 3,
        "the comparison must cover files that report usage"
    );
}

/// A model call is an observation that names its model or reports a usage number; Langfuse
/// writes `usageDetails: {}` on every other observation, and those are no calls.
#[test]
fn langfuse_model_calls_are_the_observations_with_a_model_or_usage() {
    let mut checked = 0;
    for entry in std::fs::read_dir(shared("public/langfuse")).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        let rel = format!("public/langfuse/{file}");
        let d = doc(&rel);
        let mut calls: Vec<&str> = d["observations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| {
                let model = o["model"].as_str().is_some_and(|m| !m.is_empty());
                let usage = o["usageDetails"]
                    .as_object()
                    .is_some_and(|m| m.values().any(Value::is_number));
                model || usage
            })
            .map(|o| o["id"].as_str().unwrap())
            .collect();
        calls.sort_unstable();
        calls.dedup();
        let s = llm_summary(&ingest_paths(&[shared(&rel)]));
        assert_eq!(s.total.spans as usize, calls.len(), "{file}");
        assert_eq!(s.calls.len(), calls.len(), "{file}");
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} Langfuse exports");
}

#[test]
fn a_langfuse_generation_reads_as_a_conversation() {
    let rel = "public/langfuse/langfuse_openai-agents-2025-09-30.trace.json";
    let t = ingest_paths(&[shared(rel)]);
    let d = doc(rel);
    let gen = d["observations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["type"] == "GENERATION")
        .unwrap();
    let s = t
        .find_span(skein::model::SpanId::from_external(gen["id"].as_str().unwrap()).unwrap())
        .unwrap();
    let chat = skein::layout::chat::conversation(&t, s);
    let input: Value = serde_json::from_str(gen["input"].as_str().unwrap()).unwrap();
    let first = &input.as_array().unwrap()[0];
    assert_eq!(chat[0].role, first["role"].as_str().unwrap());
    assert_eq!(chat[0].content, first["content"].as_str().unwrap());
    // every function call in the input appears as a tool call with its arguments
    for call in input
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["type"] == "function_call")
    {
        assert!(chat.iter().any(|m| m
            .tool_calls
            .iter()
            .any(|(n, a)| n == call["name"].as_str().unwrap()
                && a == call["arguments"].as_str().unwrap())));
    }
    // the answer comes from the Responses API output
    assert!(
        chat.iter()
            .any(|m| m.role == "assistant" && !m.content.is_empty()),
        "{chat:#?}"
    );
}

/// The OTLP attributes of every span in an OTLP/JSON document (or JSON Lines of them), read
/// with serde_json only: (span id, [(key, value as text)]).
fn otlp_span_attributes(rel: &str) -> Vec<(String, Vec<(String, String)>)> {
    let text = String::from_utf8(read(&shared(rel))).unwrap();
    let mut out = Vec::new();
    for doc in serde_json::Deserializer::from_str(&text).into_iter::<Value>() {
        let doc = doc.unwrap();
        for rs in doc["resourceSpans"].as_array().unwrap() {
            for ss in rs["scopeSpans"].as_array().unwrap() {
                for sp in ss["spans"].as_array().unwrap() {
                    let attrs = sp["attributes"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter_map(|a| {
                            Some((
                                a["key"].as_str()?.to_string(),
                                a["value"]["stringValue"].as_str()?.to_string(),
                            ))
                        })
                        .collect();
                    out.push((sp["spanId"].as_str().unwrap().to_string(), attrs));
                }
            }
        }
    }
    out
}

#[test]
fn langfuse_sdk_otlp_spans_give_types_usage_cost_and_models_as_written() {
    for rel in [
        "generated/langfuse/otlp_trace.json",
        "generated/langfuse/otlp_requests.jsonl",
        "generated/langfuse/otlp_requests.protojson_raw.jsonl",
    ] {
        let t = ingest_paths(&[shared(rel)]);
        assert!(t.diagnostics().is_empty(), "{rel}: {:#?}", t.diagnostics());
        let spans = otlp_span_attributes(rel);
        assert_eq!(t.span_count(), spans.len(), "{rel}");
        let (mut input, mut output, mut cost, mut generations) = (0i64, 0i64, 0f64, 0u32);
        for (_, attrs) in &spans {
            let get = |k: &str| {
                attrs
                    .iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| v.as_str())
            };
            if let Some(u) = get("langfuse.observation.usage_details") {
                let u: Value = serde_json::from_str(u).unwrap();
                input += u["input"].as_i64().unwrap_or(0);
                output += u["output"].as_i64().unwrap_or(0);
            }
            if let Some(c) = get("langfuse.observation.cost_details") {
                let c: Value = serde_json::from_str(c).unwrap();
                cost += c
                    .as_object()
                    .unwrap()
                    .values()
                    .map(|v| v.as_f64().unwrap())
                    .sum::<f64>();
            }
            generations += u32::from(get("langfuse.observation.model.name") == Some("gpt-4o-mini"));
        }
        assert!(
            input > 0 && cost > 0.0,
            "{rel}: the fixture reports usage and cost"
        );
        let s = llm_summary(&t);
        assert_eq!((s.total.input, s.total.output), (input, output), "{rel}");
        assert!(
            (s.total.cost - cost).abs() < 1e-12,
            "{rel}: {} vs {cost}",
            s.total.cost
        );
        // per model: the usage of gpt-4o-mini calls is theirs (a failing call reports none)
        let gpt = s
            .per_model
            .iter()
            .find(|(m, _)| m == "gpt-4o-mini")
            .map(|(_, u)| *u)
            .unwrap();
        assert!(gpt.spans >= 2 && gpt.spans <= generations, "{rel}: {gpt:?}");
        // every observation type is the span's type, and the LLM kinds are recognised
        for (span_id, attrs) in &spans {
            let Some((_, ty)) = attrs.iter().find(|(k, _)| k == "langfuse.observation.type") else {
                continue;
            };
            let id = if rel.contains("protojson_raw") {
                // protojson writes ids in base64
                use base64::Engine;
                let b = base64::engine::general_purpose::STANDARD
                    .decode(span_id)
                    .unwrap();
                skein::model::SpanId(u64::from_be_bytes(b.try_into().unwrap()))
            } else {
                skein::model::SpanId::from_external(span_id).unwrap()
            };
            let s = t.find_span(id).unwrap();
            assert_eq!(t.text(t.span(s).span_type), ty, "{rel}");
            let want = match ty.as_str() {
                "generation" => Some(SpanType::Llm),
                "tool" => Some(SpanType::Tool),
                "retriever" => Some(SpanType::Retriever),
                "embedding" => Some(SpanType::Embedding),
                "agent" => Some(SpanType::Agent),
                "chain" => Some(SpanType::Chain),
                "guardrail" => Some(SpanType::Guardrail),
                "event" => Some(SpanType::Event),
                _ => None,
            };
            assert_eq!(t.span_type(s), want, "{rel}: {ty}");
        }
    }
}

#[test]
fn opentelemetry_gen_ai_spans_give_usage_types_and_conversations() {
    let rel = "public/jaeger/jaeger-ui_genaiTestTrace.json";
    let t = ingest_paths(&[shared(rel)]);
    let d = doc(rel);
    let tag = |sp: &Value, k: &str| {
        sp["tags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["key"] == k)
            .map(|x| x["value"].clone())
    };
    let spans = d["spans"].as_array().unwrap();
    let sum = |k: &str| {
        spans
            .iter()
            .filter_map(|sp| tag(sp, k))
            .map(|v| v.as_i64().unwrap())
            .sum::<i64>()
    };
    let s = llm_summary(&t);
    assert_eq!(s.total.input, sum("gen_ai.usage.input_tokens"));
    assert_eq!(s.total.output, sum("gen_ai.usage.output_tokens"));
    assert_eq!(s.total.cached, sum("gen_ai.usage.cache_read.input_tokens"));
    assert!(s.total.cached > 0);
    for sp in spans {
        let s = t
            .find_span(skein::model::SpanId::from_external(sp["spanID"].as_str().unwrap()).unwrap())
            .unwrap();
        let op = tag(sp, "gen_ai.operation.name");
        let want = op.as_ref().map(|o| match o.as_str().unwrap() {
            "chat" => SpanType::ChatModel,
            "execute_tool" => SpanType::Tool,
            "retrieval" => SpanType::Retriever,
            "invoke_agent" => SpanType::Agent,
            other => panic!("operation {other} not in this fixture before"),
        });
        assert_eq!(t.span_type(s), want, "{}", sp["operationName"]);
        let chat = skein::layout::chat::conversation(&t, s);
        if let Some(input) = tag(sp, "gen_ai.input.messages") {
            // the first user message's text parts, and the system instructions first
            let input: Value = serde_json::from_str(input.as_str().unwrap()).unwrap();
            let text = input[0]["parts"][0]["content"].as_str().unwrap();
            assert!(
                chat.iter().any(|m| m.role == "user" && m.content == text),
                "{chat:#?}"
            );
            let system: Value = serde_json::from_str(
                tag(sp, "gen_ai.system_instructions")
                    .unwrap()
                    .as_str()
                    .unwrap(),
            )
            .unwrap();
            assert_eq!(
                (chat[0].role.as_str(), chat[0].content.as_str()),
                ("system", system[0]["content"].as_str().unwrap())
            );
        }
        if let Some(name) = tag(sp, "gen_ai.tool.name") {
            let args = tag(sp, "gen_ai.tool.call.arguments").unwrap();
            assert_eq!(
                chat[0].tool_calls,
                vec![(
                    name.as_str().unwrap().to_string(),
                    args.as_str().unwrap().to_string()
                )]
            );
            assert_eq!(
                chat[1].content,
                tag(sp, "gen_ai.tool.call.result")
                    .unwrap()
                    .as_str()
                    .unwrap()
            );
        }
    }
}

#[test]
fn a_langfuse_export_puts_its_user_and_session_on_the_root() {
    let rel = "public/langfuse/langfuse_autogen-2025-06-06.trace.json";
    let t = ingest_paths(&[shared(rel)]);
    let d = doc(rel);
    let user = d["trace"]["userId"].as_str().unwrap();
    let session = d["trace"]["sessionId"].as_str().unwrap();
    for &r in t.roots() {
        assert_eq!(t.attribute_str(r, "user.id"), Some(user));
        assert_eq!(t.attribute_str(r, "session.id"), Some(session));
    }
    // not repeated on every observation
    let children = t.span_count() - t.roots().len();
    assert!(children > 0);
    assert!(
        (0..t.span_count() as u32)
            .map(skein::model::SpanIdx)
            .filter(|s| t.attribute_str(*s, "user.id").is_some())
            .count()
            == t.roots().len()
    );
}

/// Tool-call names written anywhere in a value, by the shapes producers use (OpenAI/LangChain
/// `tool_calls`, GenAI `tool_call` and Anthropic `tool_use` parts, Vercel `toolName`).
fn tool_call_names(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| tool_call_names(i, out)),
        Value::Object(o) => {
            if matches!(
                o.get("type").and_then(Value::as_str),
                Some("tool_call" | "tool_use")
            ) {
                out.extend(o.get("name").and_then(Value::as_str).map(str::to_string));
            }
            if let Some(n) = o.get("toolName").and_then(Value::as_str) {
                out.push(n.to_string());
            }
            if let Some(Value::Array(calls)) = o.get("tool_calls") {
                for c in calls {
                    out.extend(
                        c.get("function")
                            .unwrap_or(c)
                            .get("name")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                    );
                }
            }
            for (k, x) in o {
                if k != "tool_calls" {
                    tool_call_names(x, out);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn every_tool_call_in_a_langfuse_generation_shows_in_its_conversation() {
    let mut checked = 0;
    for entry in std::fs::read_dir(shared("public/langfuse")).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        let rel = format!("public/langfuse/{file}");
        let t = ingest_paths(&[shared(&rel)]);
        for o in doc(&rel)["observations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["type"] == "GENERATION")
        {
            let mut want = Vec::new();
            for k in ["input", "output"] {
                let v = match &o[k] {
                    Value::String(s) => serde_json::from_str(s).unwrap_or(Value::Null),
                    other => other.clone(),
                };
                tool_call_names(&v, &mut want);
            }
            let s = t
                .find_span(skein::model::SpanId::from_external(o["id"].as_str().unwrap()).unwrap())
                .unwrap();
            let got: Vec<String> = skein::layout::chat::conversation(&t, s)
                .into_iter()
                .flat_map(|m| m.tool_calls)
                .map(|(n, _)| n)
                .collect();
            for name in &want {
                assert!(
                    got.contains(name),
                    "{file} {}: {name} not in {got:?}",
                    o["name"]
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 8,
        "the fixtures hold tool calls in several shapes: {checked}"
    );
}
