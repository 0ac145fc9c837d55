//! Zipkin v2: every public fixture with its listed span count, and the quirks FORMATS.md §7
//! lists (shared spans, missing duration/name, repeated records, clock skew, raw UTF-8).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use skein::model::{DiagnosticKind, SpanFlags, SpanKind};
use support::*;

fn load(file: &str) -> skein::model::Trace {
    ingest_paths(&[shared(&format!("public/zipkin/{file}"))])
}

/// Records in the file, read with serde_json::Value (not our reader).
fn records(file: &str) -> Vec<serde_json::Value> {
    match serde_json::from_slice(&read(&shared(&format!("public/zipkin/{file}")))).unwrap() {
        serde_json::Value::Array(v) => v,
        one => vec![one],
    }
}

#[test]
fn every_zipkin_fixture_loads_every_record() {
    for file in [
        "zipkin-benchmarks_zipkin2-chinese.json",
        "zipkin-benchmarks_zipkin2-client.json",
        "zipkin-lens_ascend.json",
        "zipkin-lens_envoy.json",
        "zipkin-lens_messaging-kafka.json",
        "zipkin-lens_simple-db-p6.json",
        "zipkin-lens_skew.json",
        "zipkin-lens_smartthings-oauth-authorization.json",
        "zipkin-lens_yelp.json",
    ] {
        let t = load(file);
        let repeats = t
            .diagnostics()
            .iter()
            .filter(|d| d.kind == DiagnosticKind::DuplicateSpan)
            .count();
        assert_eq!(t.span_count() + repeats, records(file).len(), "{file}");
        assert_eq!(t.sources()[0].format, "Zipkin v2", "{file}");
        assert!(
            t.diagnostics()
                .iter()
                .all(|d| d.severity == skein::model::Severity::Repaired),
            "{file}: {:#?}",
            t.diagnostics()
        );
    }
}

#[test]
fn shared_server_spans_nest_under_their_client() {
    let t = load("zipkin-lens_yelp.json");
    let recs = records("zipkin-lens_yelp.json");
    let has_client =
        |id: &serde_json::Value| recs.iter().any(|r| &r["id"] == id && r["shared"] != true);
    // shared server halves whose client half is in the file (the root's client is not)
    let shared_count = recs
        .iter()
        .filter(|r| r["shared"] == true && has_client(&r["id"]))
        .count();
    assert_eq!(shared_count, 3);
    let root = recs.iter().find(|r| r["parentId"].is_null()).unwrap();
    assert_eq!(
        t.span(t.roots()[0]).span_id.to_string(),
        root["id"].as_str().unwrap(),
        "a shared span without its client keeps its id"
    );
    let nested = t
        .spans()
        .iter()
        .filter(|s| {
            s.kind == SpanKind::Server
                && s.parent.is_some_and(|p| {
                    t.span(p).span_id == s.parent_span_id && t.span(p).kind == SpanKind::Client
                })
        })
        .count();
    assert!(nested >= shared_count, "{nested} < {shared_count}");
}

#[test]
fn incomplete_spans_and_missing_names_are_kept() {
    let file = "zipkin-lens_smartthings-oauth-authorization.json";
    let t = load(file);
    let no_duration = records(file)
        .iter()
        .filter(|r| r.get("duration").is_none())
        .count();
    let reported = t
        .diagnostics()
        .iter()
        .filter(|d| d.message.contains("no duration"))
        .count();
    assert!(reported > 0 && reported <= no_duration);
    assert!(t.spans().iter().any(|s| t.text(s.name) == "(unnamed)"));
}

#[test]
fn skewed_child_is_marked() {
    let t = load("zipkin-lens_skew.json");
    assert!(t
        .spans()
        .iter()
        .any(|s| s.flags.has(SpanFlags::STARTS_BEFORE_PARENT)));
}

#[test]
fn raw_utf8_names_survive() {
    let t = load("zipkin-benchmarks_zipkin2-chinese.json");
    let want = records("zipkin-benchmarks_zipkin2-chinese.json")[0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(t.name(skein::model::SpanIdx(0)), want);
    assert_eq!(t.trace_ids()[0].to_string().len(), 32);
}
