//! FlowMesh-compatible analysis against FlowMesh's own analyzer output
//! (`shared/fixtures/expected/flowmesh-profile/`, produced by FlowMesh unmodified).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "support/json_compare.rs"]
mod json_compare;
mod support;

use skein::analysis::{flowmesh::analyze, profile_json::profile_value};
use support::*;

/// 1 µs, in seconds.
const TOL: f64 = 1e-6;

fn check(files: &[&str], expected: &str) {
    let t = ingest_paths(&files.iter().map(|f| shared(f)).collect::<Vec<_>>());
    assert!(t.diagnostics().is_empty(), "{:#?}", t.diagnostics());
    let a = analyze(&t);
    let got = profile_value(&t, &a);
    let want: serde_json::Value = serde_json::from_slice(&read(&shared(expected))).unwrap();
    let mut diffs = Vec::new();
    json_compare::diff(&got, &want, TOL, "$", &mut diffs);
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

#[test]
fn otel_sdk_workflow_matches_flowmesh() {
    check(
        &[
            "generated/otel_sdk/spans.jsonl",
            "generated/otel_sdk/lineage.jsonl",
            "generated/otel_sdk/assets.jsonl",
        ],
        "expected/flowmesh-profile/otel_sdk.profile.json",
    );
}

#[test]
fn big_sample_1k_matches_flowmesh() {
    check(
        &[
            "generated/big_sample_1k/spans.jsonl",
            "generated/big_sample_1k/lineage.jsonl",
            "generated/big_sample_1k/assets.jsonl",
        ],
        "expected/flowmesh-profile/big_sample_1k.profile.json",
    );
}

#[test]
fn big_sample_1k_path_matches_the_generator_manifest() {
    let t = ingest_paths(&[
        shared("generated/big_sample_1k/spans.jsonl"),
        shared("generated/big_sample_1k/lineage.jsonl"),
    ]);
    let a = analyze(&t);
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(&shared("generated/big_sample_1k/manifest.json"))).unwrap();
    let want: Vec<&str> = manifest["expected_critical_path"]["data_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let got: Vec<&str> = a
        .critical_path
        .iter()
        .map(|&i| a.nodes[i].data_id.as_str())
        .collect();
    assert_eq!(got, want);
}

#[test]
fn the_jaeger_encoding_of_big_sample_1k_gives_the_same_analysis() {
    // the same workflow written as Jaeger JSON by the generator, plus the lineage rows
    let from_jaeger = ingest_paths(&[
        shared("generated/big_sample_1k/trace.jaeger.json"),
        shared("generated/big_sample_1k/lineage.jsonl"),
    ]);
    let from_jsonl = ingest_paths(&[
        shared("generated/big_sample_1k/spans.jsonl"),
        shared("generated/big_sample_1k/lineage.jsonl"),
    ]);
    let (a, b) = (analyze(&from_jaeger), analyze(&from_jsonl));
    let path = |a: &skein::analysis::flowmesh::FlowMeshAnalysis| {
        a.critical_path
            .iter()
            .map(|&i| a.nodes[i].data_id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(path(&a), path(&b));
    assert_eq!(a.critical_path_duration(), b.critical_path_duration());
    let names = |a: &skein::analysis::flowmesh::FlowMeshAnalysis| {
        a.e2e
            .compute
            .iter()
            .map(|n| (n.name.clone(), n.count, n.sum))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&a), names(&b));
}
