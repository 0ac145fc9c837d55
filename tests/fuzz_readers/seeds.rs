//! The seed inputs of each reader: small real files from the shared fixtures, or the first
//! values of big ones, so that one mutated input takes microseconds and every reader's paths
//! (ids, times, attributes, events, links, repairs) are in reach of a few mutations.

use std::path::PathBuf;

/// How much of a fixture file becomes a seed.
#[derive(Clone, Copy)]
pub enum Take {
    /// The whole file.
    Whole,
    /// The first `n` JSON values (lines of a JSON Lines file, objects of a pretty stream).
    Values(usize),
    /// The first `n` bytes (a document cut mid-way: the salvage and truncation paths).
    Bytes(usize),
}

/// One reader's seeds: its format label (as `RecordKind::label` says it) and its files.
pub struct ReaderSeeds {
    pub label: &'static str,
    pub files: &'static [(&'static str, Take)],
}

use Take::{Bytes, Values, Whole};

/// Every reader of the format table, with its seeds.
pub const READERS: &[ReaderSeeds] = &[
    ReaderSeeds {
        label: "OTel SDK spans",
        files: &[
            ("generated/otel_sdk/spans.jsonl", Values(6)),
            ("generated/otel_sdk/console_exporter.txt", Values(2)),
            (
                "generated/otel_sdk/flowmesh_layout/tsk-ingest/logs/spans.jsonl",
                Whole,
            ),
        ],
    },
    ReaderSeeds {
        label: "OTLP/JSON",
        files: &[
            ("public/otlp/otel-proto_examples_trace.json", Whole),
            (
                "public/otlp/jaeger_integration_link_attributes_trace.json",
                Whole,
            ),
            ("public/otlp/jaeger-ui_otlp2jaeger-in.json", Whole),
            (
                "public/otlp/invalid/otlp2parquet_trace_mixed_encoding.json",
                Whole,
            ),
            ("public/otlp/otlp2parquet_traces.jsonl", Values(3)),
            (
                "generated/otel_sdk/otlp_trace.protojson_raw.json",
                Bytes(6000),
            ),
        ],
    },
    ReaderSeeds {
        label: "Chrome trace",
        files: &[
            ("public/chrome/catapult_simple_trace.json", Whole),
            ("public/chrome/catapult_async_begin_end.json", Whole),
            ("public/chrome/catapult_nestable_async.json", Whole),
            ("public/chrome/speedscope_te_simple-partial.json", Whole),
            ("public/chrome/speedscope_te_unbalanced-name.json", Whole),
            ("public/chrome/perfetto_flow_events_json_v2.json", Whole),
            ("public/chrome/catapult_big_trace.json", Bytes(5000)),
        ],
    },
    ReaderSeeds {
        label: "MLflow trace",
        files: &[
            ("generated/mlflow/trace_3_manual_spans.json", Whole),
            ("generated/mlflow/trace_3_manual_spans.pretty.json", Whole),
            ("generated/mlflow/trace_2_agent_run_fail.json", Whole),
        ],
    },
    ReaderSeeds {
        label: "Langfuse export",
        files: &[
            (
                "public/langfuse/langfuse_autogen-2025-06-06.trace.json",
                Whole,
            ),
            (
                "public/langfuse/langfuse_vercel-aisdk-2025-11-17.trace.json",
                Bytes(7000),
            ),
        ],
    },
    ReaderSeeds {
        label: "Jaeger JSON",
        files: &[
            (
                "public/jaeger/edge-cases/jaeger-ui_parent-cycle.legacy.json",
                Whole,
            ),
            (
                "public/jaeger/edge-cases/jaeger-ui_zero-start-times.legacy.json",
                Whole,
            ),
            ("public/jaeger/jaeger_anonymizer_trace_success.json", Whole),
            ("public/jaeger/jaeger_query_otlp2jaeger-out.json", Whole),
            ("public/jaeger/jaeger_uimodel_ui_01.json", Whole),
            (
                "public/jaeger/jaeger-ui_traceWithOverlappingChildren.json",
                Whole,
            ),
        ],
    },
    ReaderSeeds {
        label: "Google Cloud Trace",
        files: &[("public/other/catapult_google_cloud_trace.json", Whole)],
    },
    ReaderSeeds {
        label: "Zipkin v2",
        files: &[
            ("public/zipkin/zipkin-benchmarks_zipkin2-client.json", Whole),
            ("public/zipkin/zipkin-lens_skew.json", Whole),
            ("public/zipkin/zipkin-lens_simple-db-p6.json", Whole),
            ("public/zipkin/zipkin-lens_envoy.json", Whole),
            ("public/zipkin/zipkin-lens_ascend.json", Whole),
        ],
    },
    ReaderSeeds {
        label: "FlowMesh lineage",
        files: &[("generated/otel_sdk/lineage.jsonl", Whole)],
    },
    ReaderSeeds {
        label: "FlowMesh assets",
        files: &[("generated/otel_sdk/assets.jsonl", Whole)],
    },
    ReaderSeeds {
        label: "pflow trace",
        files: &[
            ("generated/pflow/shell_success.trace.json", Whole),
            ("generated/pflow/killed_midrun.trace.json", Whole),
            ("generated/pflow/approval_paused.trace.json", Whole),
            ("generated/pflow/loop_recovery.trace.json", Whole),
            ("generated/pflow/batch_items.trace.json", Values(6)),
            ("generated/pflow/legacy/v0.8_sub_workflow.trace.json", Whole),
            (
                "generated/pflow/legacy/v0.12_shell_failure.trace.json",
                Whole,
            ),
        ],
    },
    ReaderSeeds {
        label: "JSON log",
        files: &[("generated/structlog/worker.log.jsonl", Values(8))],
    },
];

/// `../shared/fixtures` next to the repo (override with `SKEIN_SHARED_FIXTURES`).
fn shared(rel: &str) -> PathBuf {
    let base = std::env::var("SKEIN_SHARED_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures"));
    base.join(rel)
}

/// The byte length of the first `n` JSON values of `bytes` (all of it when it has fewer).
fn first_values_len(bytes: &[u8], n: usize) -> usize {
    let mut values =
        serde_json::Deserializer::from_slice(bytes).into_iter::<serde::de::IgnoredAny>();
    for _ in 0..n {
        if values.next().is_none_or(|v| v.is_err()) {
            return bytes.len();
        }
    }
    // the newline after the last value, as a JSON Lines writer leaves it
    let end = values.byte_offset();
    (end + usize::from(bytes.get(end) == Some(&b'\n'))).min(bytes.len())
}

/// The seeds of one reader, read from the shared fixtures.
pub fn load(r: &ReaderSeeds) -> Vec<Vec<u8>> {
    r.files
        .iter()
        .map(|(rel, take)| {
            let path = shared(rel);
            let bytes =
                std::fs::read(&path).unwrap_or_else(|e| panic!("seed {}: {e}", path.display()));
            let len = match *take {
                Whole => bytes.len(),
                Values(n) => first_values_len(&bytes, n),
                Bytes(n) => n.min(bytes.len()),
            };
            bytes[..len].to_vec()
        })
        .collect()
}
