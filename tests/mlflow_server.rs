//! The MLflow tracking-server client's pure parts on answers saved from a real server
//! (`tests/fixtures/mlflow_server/`, written by its `capture.mjs` after seeding with
//! `tests/e2e/support/mlflow_seed.py`): experiment and trace rows equal what a plain serde_json
//! read of the answers says and what the seed logged (its manifest); a listed trace plus its
//! get-trace-artifact answer reads as one MLflow trace with its assessments on their spans.
//!
//! ```text
//! traces/search page 1 (2 rows) + page 2 (2 rows) --merge--> 4 rows, newest first
//! row.info_json + get-trace-artifact {"spans": [...]} --trace_document--> MLflow reader
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use serde_json::Value;
use skein::analysis::assessments::assessments;
use skein::ingest::mlflow_server::*;
use skein::model::{Completion, DiagnosticKind, SpanIdx};
use support::*;

fn fixture(name: &str) -> Vec<u8> {
    read(&ours(&format!("mlflow_server/{name}")))
}

fn json(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).unwrap()
}

fn all_rows() -> Vec<TraceRow> {
    let mut rows = Vec::new();
    let first = parse_traces(&fixture("traces_search_page1.json")).unwrap();
    assert!(first.next_page_token.is_some(), "a second page");
    assert_eq!(merge_page(&mut rows, first), 2);
    let second = parse_traces(&fixture("traces_search_page2.json")).unwrap();
    assert_eq!(merge_page(&mut rows, second.clone()), 2);
    // a page read twice (offsets shift when traces arrive between pages) adds nothing
    assert_eq!(merge_page(&mut rows, second), 0);
    rows
}

#[test]
fn experiments_are_listed_as_the_server_wrote_them() {
    let page = parse_experiments(&fixture("experiments_search.json")).unwrap();
    let raw = json("experiments_search.json");
    let want: Vec<(&str, &str)> = raw["experiments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["experiment_id"].as_str().unwrap(),
                e["name"].as_str().unwrap(),
            )
        })
        .collect();
    let got: Vec<(&str, &str)> = page
        .experiments
        .iter()
        .map(|e| (e.experiment_id.as_str(), e.name.as_str()))
        .collect();
    assert_eq!(got, want);
    let manifest = json("seed_manifest.json");
    assert!(page
        .experiments
        .iter()
        .any(|e| e.experiment_id == manifest["experiment_id"]
            && e.name == manifest["experiment_name"]
            && e.lifecycle_stage == "active"));
}

#[test]
fn trace_rows_say_what_the_seed_logged() {
    let rows = all_rows();
    let manifest = json("seed_manifest.json");
    let logged = manifest["traces"].as_array().unwrap();
    assert_eq!(rows.len(), logged.len());
    // newest first, as asked
    let times: Vec<i64> = rows.iter().map(|r| r.request_time.unwrap().0).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    for want in logged {
        let id = want["trace_id"].as_str().unwrap();
        let row = rows.iter().find(|r| r.trace_id == id).unwrap();
        let state = want["state"].as_str().unwrap();
        assert_eq!(row.state.label(), state);
        assert_eq!(row.state.is_complete(), state != "IN_PROGRESS");
        if state == "IN_PROGRESS" {
            // nothing is summed for a trace whose root has not ended
            assert_eq!((row.name.as_deref(), row.span_count), (None, None));
        } else {
            assert_eq!(row.name.as_deref(), want["name"].as_str());
            assert_eq!(
                row.span_count,
                want["span_count"].as_u64().map(|n| n as u32)
            );
            assert_eq!(
                row.tokens.map(|t| t.total),
                want["total_tokens"].as_i64(),
                "{id}"
            );
        }
        let mut names: Vec<(&str, String)> = row
            .assessments
            .iter()
            .map(|a| (a.name.as_str(), a.value_text()))
            .collect();
        let mut wanted: Vec<(&str, String)> = want["assessments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                let v = &a["value"];
                let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                (a["name"].as_str().unwrap(), text)
            })
            .collect();
        names.sort();
        wanted.sort();
        assert_eq!(names, wanted, "{id}");
    }
    // the raw answer, read plainly: duration and cost of the failing trace
    let raw = json("traces_search_page2.json");
    let failing = raw["traces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["state"] == "ERROR")
        .unwrap();
    let row = rows
        .iter()
        .find(|r| r.trace_id == failing["trace_id"].as_str().unwrap())
        .unwrap();
    let secs: f64 = failing["execution_duration"]
        .as_str()
        .unwrap()
        .trim_end_matches('s')
        .parse()
        .unwrap();
    assert_eq!(row.duration.unwrap().0, (secs * 1e9).round() as i64);
    let cost: Value = serde_json::from_str(
        failing["trace_metadata"]["mlflow.trace.cost"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(row.cost, cost["total_cost"].as_f64());
    assert_eq!(row.user.as_deref(), Some("bob"));
}

#[test]
fn a_listed_trace_and_its_spans_read_as_one_mlflow_trace_with_its_assessments() {
    let rows = all_rows();
    let manifest = json("seed_manifest.json");
    let want = manifest["traces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "agent_run")
        .unwrap();
    let row = rows
        .iter()
        .find(|r| r.trace_id == want["trace_id"].as_str().unwrap())
        .unwrap();
    let artifact = fixture("trace_artifact_agent_run.json");
    let doc = trace_document(&row.info_json, &artifact).unwrap();
    let t = skein::ingest::ingest_sources([(row.trace_id.as_str(), doc.as_slice())]);
    assert!(t.diagnostics().is_empty(), "{:?}", t.diagnostics());
    let spans: Value = serde_json::from_slice(&artifact).unwrap();
    assert_eq!(t.span_count(), spans["spans"].as_array().unwrap().len());
    assert_eq!(t.span_count() as u64, want["span_count"].as_u64().unwrap());
    assert_eq!(t.sources()[0].completion, Completion::Complete);
    assert_eq!(t.sources()[0].format, "MLflow trace");
    // span times beyond 2^53 arrive exact
    let first = spans["spans"][0]["start_time_unix_nano"].as_u64().unwrap();
    assert!(t.spans().iter().any(|s| s.start.0 as u64 == first));
    let llm = skein::analysis::llm::llm_summary(&t);
    assert_eq!(llm.total.total, want["total_tokens"].as_i64().unwrap());
    // assessments: of the trace on its root, of a span on that span
    let found = assessments(&t);
    assert_eq!(found.len(), want["assessments"].as_array().unwrap().len());
    let root = t.roots()[0];
    for a in want["assessments"].as_array().unwrap() {
        let got = found
            .iter()
            .find(|f| f.assessment.name == a["name"].as_str().unwrap())
            .unwrap();
        match a["span_id"].as_str() {
            Some(hex) => assert_eq!(t.span(got.span).span_id.to_string(), hex),
            None => assert_eq!(got.span, root),
        }
    }
    let relevance = found
        .iter()
        .find(|f| f.assessment.name == "relevance")
        .unwrap();
    assert_eq!(t.name(relevance.span), "get_weather");
    assert_eq!(t.attribute_str(root, "mlflow.trace.state"), Some("OK"));
}

#[test]
fn an_in_progress_trace_reads_with_its_orphans_and_says_it_is_not_complete() {
    let row = parse_trace_info(&fixture("trace_info_in_progress.json")).unwrap();
    assert_eq!(row.state, TraceState::InProgress);
    let artifact = fixture("trace_artifact_in_progress.json");
    let doc = trace_document(&row.info_json, &artifact).unwrap();
    let t = skein::ingest::ingest_sources([("in progress", doc.as_slice())]);
    assert_eq!(t.span_count(), 2);
    assert_eq!(t.sources()[0].completion, Completion::Incomplete);
    // their root is not on the server yet: both are shown as roots, and said to be orphans
    assert_eq!(t.roots().len(), 2);
    let orphans = kinds(&t)
        .into_iter()
        .filter(|k| *k == DiagnosticKind::OrphanSpan)
        .count();
    assert_eq!(orphans, 2);
    assert_eq!(
        t.attribute_str(SpanIdx(0), "mlflow.trace.state"),
        Some("IN_PROGRESS")
    );
}

#[test]
fn server_errors_are_read_as_such() {
    let e = parse_traces(&fixture("error_bad_filter.json")).unwrap_err();
    let raw = json("error_bad_filter.json");
    assert_eq!(e.code, raw["error_code"].as_str().unwrap());
    assert_eq!(e.message, raw["message"].as_str().unwrap());
    assert_eq!(parse_traces(b"<html>").unwrap_err().code, "UNREADABLE");
    let hint = cors_hint("http://127.0.0.1:5055/", "http://127.0.0.2:8081");
    assert!(
        hint.contains("--cors-allowed-origins http://127.0.0.2:8081"),
        "{hint}"
    );
}

#[test]
fn durations_are_protobuf_duration_text() {
    use skein::model::DurationNs;
    assert_eq!(duration_from_text("0.231s"), Some(DurationNs(231_000_000)));
    assert_eq!(duration_from_text("0s"), Some(DurationNs(0)));
    assert_eq!(
        duration_from_text("1.000000001s"),
        Some(DurationNs(1_000_000_001))
    );
    assert_eq!(duration_from_text("12"), None);
    assert_eq!(duration_from_text("1.x5s"), None);
}
