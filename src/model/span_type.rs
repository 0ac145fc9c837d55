//! What kind of work a span is (LLM call, tool, retriever, FlowMesh compute, ...), read from the
//! type text producers write: MLflow `mlflow.spanType` (`LLM`, `CHAT_MODEL`, ...), Langfuse
//! observation types (`GENERATION`, `generation`, ...), OpenTelemetry `gen_ai.operation.name`
//! (`chat`, `execute_tool`, ...), OpenInference `openinference.span.kind`, Traceloop
//! `traceloop.span.kind`, FlowMesh `flowmesh.type`. One table maps them all, case-insensitively;
//! the text itself stays on the span as written.

/// A known kind of span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpanType {
    /// A completion / generation call to a language model.
    Llm,
    /// A chat-model call.
    ChatModel,
    /// A tool or function call.
    Tool,
    /// Document retrieval.
    Retriever,
    /// Embedding computation.
    Embedding,
    /// A chain / workflow step that calls others.
    Chain,
    /// An agent run.
    Agent,
    /// A guardrail check.
    Guardrail,
    /// Re-ranking of candidates.
    Reranker,
    /// Output parsing.
    Parser,
    /// An evaluation / scoring step.
    Evaluator,
    /// A point-in-time event observation.
    Event,
    /// FlowMesh compute.
    Compute,
    /// FlowMesh network transfer.
    Network,
    /// FlowMesh marker.
    Marker,
}

impl SpanType {
    /// Every kind, in legend order.
    pub const ALL: [SpanType; 15] = [
        SpanType::Agent,
        SpanType::Chain,
        SpanType::Llm,
        SpanType::ChatModel,
        SpanType::Tool,
        SpanType::Retriever,
        SpanType::Embedding,
        SpanType::Reranker,
        SpanType::Parser,
        SpanType::Guardrail,
        SpanType::Evaluator,
        SpanType::Event,
        SpanType::Compute,
        SpanType::Network,
        SpanType::Marker,
    ];

    /// The kind named by a producer's type text, if it is one we know.
    pub fn classify(text: &str) -> Option<SpanType> {
        let t = text.trim().to_ascii_lowercase();
        Some(match t.as_str() {
            "llm" | "generation" | "text_completion" | "completion" | "generate_content" => {
                SpanType::Llm
            }
            "chat_model" | "chat" | "chatmodel" | "chat model" => SpanType::ChatModel,
            "tool" | "execute_tool" | "function" => SpanType::Tool,
            "retriever" | "retrieval" | "retrieve" => SpanType::Retriever,
            "embedding" | "embeddings" => SpanType::Embedding,
            "chain" | "workflow" | "task" => SpanType::Chain,
            "agent" | "invoke_agent" | "create_agent" => SpanType::Agent,
            "guardrail" => SpanType::Guardrail,
            "reranker" | "rerank" => SpanType::Reranker,
            "parser" => SpanType::Parser,
            "evaluator" | "eval" => SpanType::Evaluator,
            "event" => SpanType::Event,
            "compute" => SpanType::Compute,
            "network" => SpanType::Network,
            "marker" => SpanType::Marker,
            _ => return None,
        })
    }

    /// Name shown in legends and details.
    pub fn label(self) -> &'static str {
        match self {
            SpanType::Llm => "LLM",
            SpanType::ChatModel => "chat model",
            SpanType::Tool => "tool",
            SpanType::Retriever => "retriever",
            SpanType::Embedding => "embedding",
            SpanType::Chain => "chain",
            SpanType::Agent => "agent",
            SpanType::Guardrail => "guardrail",
            SpanType::Reranker => "reranker",
            SpanType::Parser => "parser",
            SpanType::Evaluator => "evaluator",
            SpanType::Event => "event",
            SpanType::Compute => "compute",
            SpanType::Network => "network",
            SpanType::Marker => "marker",
        }
    }
}

/// Attribute keys that carry a span's type text, in the order they are trusted.
pub const TYPE_KEYS: [&str; 7] = [
    "flowmesh.type",
    "flowmesh.kind",
    "mlflow.spanType",
    "langfuse.observation.type",
    "openinference.span.kind",
    "traceloop.span.kind",
    "gen_ai.operation.name",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn producers_spellings_map_to_one_kind() {
        for (text, want) in [
            ("LLM", SpanType::Llm),
            ("GENERATION", SpanType::Llm),
            ("generation", SpanType::Llm),
            ("CHAT_MODEL", SpanType::ChatModel),
            ("chat", SpanType::ChatModel),
            ("execute_tool", SpanType::Tool),
            ("TOOL", SpanType::Tool),
            ("retrieval", SpanType::Retriever),
            ("RETRIEVER", SpanType::Retriever),
            ("embeddings", SpanType::Embedding),
            ("invoke_agent", SpanType::Agent),
            ("AGENT", SpanType::Agent),
            ("guardrail", SpanType::Guardrail),
            ("RERANKER", SpanType::Reranker),
            ("compute", SpanType::Compute),
        ] {
            assert_eq!(SpanType::classify(text), Some(want), "{text}");
        }
        assert_eq!(SpanType::classify("SPAN"), None);
        assert_eq!(SpanType::classify("UNKNOWN"), None);
        assert_eq!(SpanType::classify(""), None);
    }

    #[test]
    fn every_kind_is_listed_once_with_its_own_label() {
        let labels: std::collections::BTreeSet<_> =
            SpanType::ALL.iter().map(|k| k.label()).collect();
        assert_eq!(labels.len(), SpanType::ALL.len());
        for k in SpanType::ALL {
            assert_eq!(SpanType::classify(k.label()), Some(k), "{k:?}");
        }
    }
}
