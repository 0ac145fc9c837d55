//! OTLP/JSON: the same workflow as OTel SDK JSONL in OTLP (spec and protojson flavours), the
//! public OTLP fixtures with the span counts listed in SOURCES.md, and the invalid ones.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use skein::model::DiagnosticKind;
use support::*;

/// (span id, parent's span id, name, start µs, end µs), sorted; µs because the SDK's JSON
/// rounds ns through a float (FORMATS.md §13.3), so the two encodings agree to 1 µs.
fn summary_us(t: &skein::model::Trace) -> Vec<(String, Option<String>, String, i64, i64)> {
    let mut v: Vec<_> = span_summary(t)
        .into_iter()
        .map(|(id, _, parent, a, b, name)| (id, parent, name, a / 1000, b / 1000))
        .collect();
    v.sort();
    v
}

fn close(
    a: &[(String, Option<String>, String, i64, i64)],
    b: &[(String, Option<String>, String, i64, i64)],
) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert_eq!((&x.0, &x.1, &x.2), (&y.0, &y.1, &y.2));
        assert!(
            (x.3 - y.3).abs() <= 1 && (x.4 - y.4).abs() <= 1,
            "{x:?} vs {y:?}"
        );
    }
}

#[test]
fn otel_sdk_workflow_in_every_otlp_flavour_equals_the_jsonl() {
    let reference = summary_us(&ingest_paths(&[shared("generated/otel_sdk/spans.jsonl")]));
    for file in [
        "otlp_trace.json",
        "otlp_traces.jsonl",
        "otlp_trace.protojson_raw.json",
    ] {
        let t = ingest_paths(&[shared(&format!("generated/otel_sdk/{file}"))]);
        assert!(t.diagnostics().is_empty(), "{file}: {:#?}", t.diagnostics());
        assert_eq!(t.sources()[0].format, "OTLP/JSON");
        close(&summary_us(&t), &reference);
        assert_eq!(t.service_name(t.roots()[0]), "flowmesh-worker", "{file}");
        assert!(
            t.spans().iter().any(|s| s.is_error()),
            "{file}: the failed generation"
        );
    }
}

#[test]
fn big_sample_1k_otlp_equals_the_jsonl() {
    let a = ingest_paths(&[shared("generated/big_sample_1k/otlp.jsonl")]);
    let b = ingest_paths(&[shared("generated/big_sample_1k/spans.jsonl")]);
    assert!(a.diagnostics().is_empty());
    close(&summary_us(&a), &summary_us(&b));
}

#[test]
fn public_otlp_fixtures_load_with_their_listed_span_counts() {
    // spans as counted in SOURCES.md (a repeated span is kept once and reported)
    for (file, listed) in [
        ("otel-proto_examples_trace.json", 1),
        ("jaeger_integration_example_trace.json", 5),
        ("jaeger_integration_link_attributes_trace.json", 1),
        ("jaeger_integration_log_tags_trace.json", 1),
        ("jaeger_integration_scope_attributes_trace.json", 1),
        ("jaeger-ui_otlp2jaeger-in.json", 2),
        ("jaeger-ui_otlp2jaeger-multi-in-combined.json", 4),
        ("otlp2parquet_trace.json", 2),
        ("otlp2parquet_traces.jsonl", 19),
    ] {
        let t = ingest_paths(&[shared(&format!("public/otlp/{file}"))]);
        let repeats = t
            .diagnostics()
            .iter()
            .filter(|d| d.kind == DiagnosticKind::DuplicateSpan)
            .count();
        assert_eq!(
            t.span_count() + repeats,
            listed,
            "{file}: {:#?}",
            t.diagnostics()
        );
        assert!(
            t.diagnostics().iter().all(|d| matches!(
                d.kind,
                DiagnosticKind::DuplicateSpan | DiagnosticKind::OrphanSpan
            )),
            "{file}: {:#?}",
            t.diagnostics()
        );
        assert_eq!(t.sources()[0].format, "OTLP/JSON", "{file}");
    }
}

#[test]
fn uppercase_hex_ids_are_normalised() {
    let t = ingest_paths(&[shared("public/otlp/otel-proto_examples_trace.json")]);
    assert_eq!(
        t.trace_ids()[0].to_string(),
        "5b8efff798038103d269b633813fc60c"
    );
}

#[test]
fn invalid_otlp_files_give_diagnostics_not_panics() {
    for file in [
        "otlp2parquet_trace_invalid_base64.json",
        "otlp2parquet_trace_invalid_kind.json",
        "otlp2parquet_trace_mixed_encoding.json",
    ] {
        let t = ingest_paths(&[shared(&format!("public/otlp/invalid/{file}"))]);
        assert!(!t.diagnostics().is_empty(), "{file} should be reported");
        for d in t.diagnostics() {
            assert_eq!(d.source, file);
            assert!(d.line.is_some());
        }
    }
}
