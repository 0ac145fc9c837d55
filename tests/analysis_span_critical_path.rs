//! Span-tree critical path against Jaeger UI's own output
//! (`shared/fixtures/expected/jaeger-critical-path/`, produced by jaeger-ui v2.20 unmodified).
//! With `Rules::jaeger()` we must match section for section; `Rules::fixed()` differs only in
//! the named edge cases (see the unit tests in src/analysis/span_critical_path.rs).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use skein::analysis::span_critical_path::{critical_path, Rules};
use support::*;

fn expected_sections(rel: &str) -> (Vec<String>, Vec<(String, i64, i64)>) {
    let v: serde_json::Value = serde_json::from_slice(&read(&shared(rel))).unwrap();
    let t = &v["traces"][0];
    let roots = t["root_span_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    let sections = t["critical_path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["spanID"].as_str().unwrap().to_string(),
                s["section_start"].as_i64().unwrap(),
                s["section_end"].as_i64().unwrap(),
            )
        })
        .collect();
    (roots, sections)
}

#[test]
fn big_sample_1k_matches_jaeger_ui() {
    let t = ingest_paths(&[shared("generated/big_sample_1k/spans.jsonl")]);
    let (roots, want) = expected_sections("expected/jaeger-critical-path/big_sample_1k.cp.json");
    let our_roots: Vec<String> = t
        .roots()
        .iter()
        .map(|r| t.span(*r).span_id.to_string())
        .collect();
    assert_eq!(our_roots, roots, "roots in the same order");
    let got: Vec<(String, i64, i64)> = critical_path(&t, Rules::jaeger())
        .iter()
        .map(|s| {
            (
                t.span(s.span).span_id.to_string(),
                s.start_ns / 1000,
                s.end_ns / 1000,
            )
        })
        .collect();
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "section {i}");
    }
}

#[test]
fn our_rules_differ_from_jaeger_only_where_siblings_touch() {
    let t = ingest_paths(&[shared("generated/big_sample_1k/spans.jsonl")]);
    let ours = critical_path(&t, Rules::fixed());
    let jaeger = critical_path(&t, Rules::jaeger());
    // both cover the same total time per root: the fix only reassigns touching sections
    let total = |p: &[skein::analysis::span_critical_path::Section]| {
        p.iter().map(|s| s.end_ns - s.start_ns).sum::<i64>()
    };
    assert_eq!(total(&ours), total(&jaeger));
}
