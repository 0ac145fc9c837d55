//! Chat messages found in a span's inputs and outputs, for showing them as a conversation.
//! Shapes read (all plain JSON after decoding): a list of `{role, content}` messages (content a
//! string or a list of parts with `text`); `{messages: [...]}`; chat completions
//! `{choices: [{message}]}`; the Responses API `{output: [...]}` and its `function_call` /
//! `function_call_output` items; `tool_calls` on a message; OpenTelemetry GenAI messages with
//! `parts` (`text`, `tool_call`) and `gen_ai.system_instructions`; a single `{role, content}`
//! object (Langfuse outputs); Anthropic `tool_use` / `tool_result` parts; LangChain
//! `additional_kwargs.tool_calls` and `{name, args}` calls; Vercel AI SDK `{prompt}` and
//! `{toolName, input}` calls; pflow LLM calls (`pflow.llm_system`, `pflow.llm_prompt` or the
//! resolved `prompt` param, `pflow.llm_response`). Everything stays text.

use crate::model::{SpanIdx, Trace};
use serde_json::Value;

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    /// `system`, `user`, `assistant`, `tool`, ...
    pub role: String,
    /// The text of the message ("" when it only calls tools).
    pub content: String,
    /// Tool calls it makes: (tool name, arguments as text).
    pub tool_calls: Vec<(String, String)>,
}

/// Attributes that hold inputs, then outputs.
const SOURCES: [&str; 8] = [
    "mlflow.spanInputs",
    "langfuse.input",
    "langfuse.observation.input",
    "gen_ai.input.messages",
    "mlflow.spanOutputs",
    "langfuse.output",
    "langfuse.observation.output",
    "gen_ai.output.messages",
];

/// OpenTelemetry GenAI system instructions: a list of parts, shown as the system message.
const SYSTEM_INSTRUCTIONS: &str = "gen_ai.system_instructions";

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| {
                p.get("text")
                    .or_else(|| p.get("content"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .or_else(|| {
                        p.get("response")
                            .or_else(|| p.get("result"))
                            .map(|r| args_text(Some(r)))
                    })
                    .or_else(|| p.as_str().map(str::to_string))
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn args_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// Tool calls written as message parts: OpenTelemetry GenAI `{type: "tool_call", name,
/// arguments}`, Anthropic `{type: "tool_use", name, input}`.
fn part_tool_calls(parts: Option<&Value>) -> Vec<(String, String)> {
    parts
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter(|p| {
                    matches!(
                        p.get("type").and_then(Value::as_str),
                        Some("tool_call" | "tool_use")
                    )
                })
                .map(|p| {
                    (
                        p.get("name")
                            .and_then(Value::as_str)
                            .unwrap_or("tool")
                            .to_string(),
                        args_text(p.get("arguments").or_else(|| p.get("input"))),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Tool calls listed beside a message: OpenAI `tool_calls` (`{function: {name, arguments}}`),
/// LangChain `tool_calls` (`{name, args}`) and `additional_kwargs.tool_calls`.
fn listed_tool_calls(item: &Value) -> Vec<(String, String)> {
    let lists = [
        item.get("tool_calls"),
        item.get("additional_kwargs")
            .and_then(|k| k.get("tool_calls")),
    ];
    lists
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .map(|c| {
            let f = c.get("function").unwrap_or(c);
            (
                f.get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("tool")
                    .to_string(),
                args_text(f.get("arguments").or_else(|| f.get("args"))),
            )
        })
        .collect()
}

fn collect(v: &Value, out: &mut Vec<ChatMessage>, depth: usize) {
    if depth > 4 {
        return;
    }
    match v {
        Value::Array(items) => {
            for item in items {
                let kind = item.get("type").and_then(Value::as_str).unwrap_or("");
                if let Some(role) = item.get("role").and_then(Value::as_str) {
                    // the same call can be written both as a part and in a list: kept once
                    let mut tool_calls: Vec<(String, String)> = Vec::new();
                    for call in part_tool_calls(item.get("parts"))
                        .into_iter()
                        .chain(part_tool_calls(item.get("content")))
                        .chain(listed_tool_calls(item))
                    {
                        if !tool_calls.contains(&call) {
                            tool_calls.push(call);
                        }
                    }
                    let content = item
                        .get("content")
                        .or_else(|| item.get("parts"))
                        .unwrap_or(&Value::Null);
                    out.push(ChatMessage {
                        role: role.to_string(),
                        content: text_of(content),
                        tool_calls,
                    });
                } else if let Some(name) = item.get("toolName").and_then(Value::as_str) {
                    // Vercel AI SDK tool calls: {toolCallId, toolName, input}
                    out.push(ChatMessage {
                        role: "assistant".into(),
                        content: String::new(),
                        tool_calls: vec![(
                            name.to_string(),
                            args_text(item.get("input").or_else(|| item.get("args"))),
                        )],
                    });
                } else if kind == "function_call" {
                    let name = item
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("tool")
                        .to_string();
                    out.push(ChatMessage {
                        role: "assistant".into(),
                        content: String::new(),
                        tool_calls: vec![(name, args_text(item.get("arguments")))],
                    });
                } else if kind == "function_call_output" {
                    out.push(ChatMessage {
                        role: "tool".into(),
                        content: text_of(item.get("output").unwrap_or(&Value::Null)),
                        tool_calls: Vec::new(),
                    });
                }
            }
        }
        Value::Object(o) => {
            if o.contains_key("role") {
                collect(&Value::Array(vec![v.clone()]), out, depth + 1);
                return;
            }
            if let (0, Some(Value::String(prompt))) = (depth, o.get("prompt")) {
                // a bare prompt (Vercel AI SDK `{prompt}`, completion APIs) is the user's turn
                out.push(ChatMessage {
                    role: "user".into(),
                    content: prompt.clone(),
                    tool_calls: Vec::new(),
                });
            }
            if let Some(m) = o.get("messages") {
                collect(m, out, depth + 1);
            }
            if let Some(Value::Array(choices)) = o.get("choices") {
                let msgs: Vec<Value> = choices
                    .iter()
                    .filter_map(|c| c.get("message").cloned())
                    .collect();
                collect(&Value::Array(msgs), out, depth + 1);
            }
            if let Some(output @ Value::Array(_)) = o.get("output") {
                collect(output, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// A pflow LLM call (a span with `pflow.llm_call`): system prompt, rendered prompt, response.
/// pflow 0.12 wrote no `llm_prompt`: its prompt is the resolved `prompt` param.
fn pflow_call(trace: &Trace, s: SpanIdx, out: &mut Vec<ChatMessage>) {
    if trace.attribute_text(s, "pflow.llm_call").is_none() {
        return; // `llm_response` is also written for HTTP text bodies: only calls are chats
    }
    let param = |key: &str, field: &str| -> Option<String> {
        let v: Value = serde_json::from_str(trace.attribute_text(s, key)?).ok()?;
        v.pointer(field).map(text_of)
    };
    let text = |key: &str| -> Option<String> {
        let raw = trace.attribute_text(s, key)?;
        Some(match trace.attribute(s, key) {
            // a list of system blocks is JSON: its text parts
            Some(crate::model::AttrValue::Json(_)) => {
                serde_json::from_str::<Value>(raw).map_or_else(|_| raw.to_string(), |v| text_of(&v))
            }
            _ => raw.to_string(),
        })
    };
    let system = text("pflow.llm_system").or_else(|| param("pflow.node_params", "/system"));
    let prompt = text("pflow.llm_prompt")
        .or_else(|| param("pflow.template_resolutions", "/prompt/resolved"))
        .or_else(|| param("pflow.node_params", "/prompt"));
    let response = text("pflow.llm_response");
    for (role, content) in [
        ("system", system),
        ("user", prompt),
        ("assistant", response),
    ] {
        if let Some(content) = content.filter(|c| !c.is_empty()) {
            out.push(ChatMessage {
                role: role.into(),
                content,
                tool_calls: Vec::new(),
            });
        }
    }
}

/// The conversation in span `s`'s inputs then outputs (empty when there is none).
pub fn conversation(trace: &Trace, s: SpanIdx) -> Vec<ChatMessage> {
    let mut out = Vec::new();
    if let Some(text) = trace.attribute_text(s, SYSTEM_INSTRUCTIONS) {
        let content =
            serde_json::from_str::<Value>(text).map_or_else(|_| text.to_string(), |v| text_of(&v));
        out.push(ChatMessage {
            role: "system".into(),
            content,
            tool_calls: Vec::new(),
        });
    }
    if let Some(name) = trace.attribute_str(s, "gen_ai.tool.name") {
        // an OpenTelemetry GenAI tool execution: the call and its result
        if let Some(args) = trace.attribute_text(s, "gen_ai.tool.call.arguments") {
            out.push(ChatMessage {
                role: "assistant".into(),
                content: String::new(),
                tool_calls: vec![(name.to_string(), args.to_string())],
            });
        }
        if let Some(result) = trace.attribute_text(s, "gen_ai.tool.call.result") {
            out.push(ChatMessage {
                role: "tool".into(),
                content: result.to_string(),
                tool_calls: Vec::new(),
            });
        }
    }
    pflow_call(trace, s, &mut out);
    for key in SOURCES {
        if let Some(value) = trace
            .attribute_text(s, key)
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
        {
            collect(&value, &mut out, 0);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_of_chat() {
        let mut out = Vec::new();
        let v: Value = serde_json::from_str(
            r#"{"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": [{"type": "text", "text": "hi <b>"}]},
                {"role": "assistant", "content": null, "tool_calls": [{"function": {"name": "f", "arguments": "{\"x\":1}"}}]}]}"#,
        )
        .unwrap();
        collect(&v, &mut out, 0);
        let v: Value = serde_json::from_str(
            r#"{"choices": [{"message": {"role": "assistant", "content": "done"}}]}"#,
        )
        .unwrap();
        collect(&v, &mut out, 0);
        assert_eq!(out.len(), 4);
        assert_eq!(out[1].content, "hi <b>");
        assert_eq!(
            out[2].tool_calls,
            vec![("f".to_string(), "{\"x\":1}".to_string())]
        );
        assert_eq!(
            (out[3].role.as_str(), out[3].content.as_str()),
            ("assistant", "done")
        );
        // OpenTelemetry GenAI parts, and a lone message object
        let v: Value = serde_json::from_str(
            r#"[{"role": "assistant", "parts": [{"type": "text", "content": "checking"}, {"type": "tool_call", "id": "c1", "name": "lookup", "arguments": {"q": 1}}]},
                {"role": "tool", "parts": [{"type": "tool_call_response", "id": "c1", "response": {"rows": 2}}]}]"#,
        )
        .unwrap();
        collect(&v, &mut out, 0);
        assert_eq!(out[4].content, "checking");
        assert_eq!(
            out[4].tool_calls,
            vec![("lookup".to_string(), r#"{"q":1}"#.to_string())]
        );
        assert_eq!(
            (out[5].role.as_str(), out[5].content.as_str()),
            ("tool", r#"{"rows":2}"#)
        );
        collect(
            &serde_json::json!({"role": "assistant", "content": "alone"}),
            &mut out,
            0,
        );
        assert_eq!(out[6].content, "alone");
        // Anthropic tool_use parts, LangChain additional_kwargs, Vercel prompt and tool calls
        out.clear();
        collect(
            &serde_json::json!({"role": "assistant", "content": [{"type": "tool_use", "name": "weather", "input": {"city": "Berlin"}}]}),
            &mut out,
            0,
        );
        collect(
            &serde_json::json!({"role": "assistant", "content": "", "additional_kwargs": {"tool_calls": [{"function": {"name": "search", "arguments": "{}"}}]}}),
            &mut out,
            0,
        );
        collect(&serde_json::json!({"prompt": "weather?"}), &mut out, 0);
        collect(
            &serde_json::json!([{"toolCallId": "c", "toolName": "getWeather", "input": "{\"l\":1}"}]),
            &mut out,
            0,
        );
        let calls: Vec<&(String, String)> = out.iter().flat_map(|m| &m.tool_calls).collect();
        assert_eq!(
            calls,
            [
                &("weather".to_string(), r#"{"city":"Berlin"}"#.to_string()),
                &("search".into(), "{}".into()),
                &("getWeather".into(), r#"{"l":1}"#.into())
            ]
        );
        assert!(out
            .iter()
            .any(|m| m.role == "user" && m.content == "weather?"));
    }
}
