//! pflow traces (FORMATS.md §14), every file in `../shared/fixtures/generated/pflow/` and its
//! `legacy/` folder: the span tree, errors, LLM tokens and cost equal what a plain serde_json
//! walk over the file finds (written here, independently of the reader); blobs are resolved; the
//! killed run is incomplete; the 2.0.0 nested run nests like the 2.8.0 one; chunk boundaries
//! never change the result.
//!
//! The tree each file should give, as paths of names (batch items are `<host>[<index>]`):
//!
//! ```text
//! nested-workflow                      (root: the run)
//!   single / tag, normalize / lower, length          sub-workflow children via parent_id
//!   per-word / per-word[0..2] / lower, length        batch items, their embedded events
//!   per-word-deep / per-word-deep[0..1] / tag, normalize / lower, length
//!   combine
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use serde_json::Value;
use skein::analysis::llm::llm_summary;
use skein::ingest::Session;
use skein::layout::chat::conversation;
use skein::model::{Completion, SpanFlags, SpanIdx, StatusCode, Trace};
use std::path::PathBuf;
use support::*;

fn pflow_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["generated/pflow", "generated/pflow/legacy"] {
        for e in std::fs::read_dir(shared(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.to_string_lossy().ends_with(".trace.json") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert_eq!(files.len(), 12 + 11, "12 current and 11 legacy runs");
    files
}

fn name_of(p: &std::path::Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// What the file says, counted by walking its JSON.
#[derive(Debug, Default)]
struct Expected {
    paths: Vec<String>,
    errors: Vec<String>,
    running: usize,
    llm_calls: usize,
    tokens: i64,
    cost: f64,
    final_status: Option<String>,
    summary: Option<Value>,
}

fn is_cached(e: &Value) -> bool {
    e["status"] == "cached" || e["cached"] == true
}

fn count_llm(e: &Value, x: &mut Expected) {
    if let (Some(call), false) = (e.get("llm_call"), is_cached(e)) {
        x.llm_calls += 1;
        x.tokens += call["total_tokens"].as_i64().unwrap_or(0);
        x.cost += call["cost_usd"].as_f64().unwrap_or(0.0);
    }
}

fn failed(e: &Value) -> bool {
    e["status"] == "failed" || e["success"] == false
}

/// One node entry (an event, an embedded event, a legacy entry) and what is nested in it.
fn walk_entry(e: &Value, parent: &str, error_fallback: Option<&str>, x: &mut Expected) -> String {
    let name = e["node_id"].as_str().unwrap();
    let path = format!("{parent}/{name}");
    x.paths.push(path.clone());
    if failed(e) {
        let msg = e["error"]
            .as_str()
            .or(e["node_output"]["error"].as_str())
            .or(error_fallback)
            .unwrap();
        x.errors.push(msg.trim_end().to_string());
    }
    count_llm(e, x);
    let mut items: Vec<&Value> = e["batch_items"].as_array().into_iter().flatten().collect();
    items.sort_by_key(|i| i["index"].as_i64().unwrap());
    for item in items {
        let item_path = format!("{path}/{name}[{}]", item["index"]);
        x.paths.push(item_path.clone());
        if failed(item) {
            x.errors
                .push(item["error"].as_str().unwrap().trim_end().to_string());
        }
        count_llm(item, x);
        for ev in item["events"].as_array().into_iter().flatten() {
            walk_entry(ev, &item_path, None, x);
        }
    }
    for child in e["sub_workflow_events"].as_array().into_iter().flatten() {
        walk_entry(child, &path, None, x);
    }
    path
}

/// The JSON Lines format: events by id (the last line of an id wins), nested by `parent_id`.
fn expected_jsonl(bytes: &[u8]) -> Expected {
    let lines: Vec<Value> = bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    let mut blobs = std::collections::HashMap::new();
    let mut events = std::collections::BTreeMap::new();
    let mut starts = std::collections::BTreeMap::new();
    let mut x = Expected::default();
    let mut root = String::new();
    for l in &lines {
        match l["kind"].as_str().unwrap() {
            "meta" => root = l["workflow_name"].as_str().unwrap().to_string(),
            "blob" => {
                blobs.insert(l["md5"].as_str().unwrap().to_string(), l.clone());
            }
            "node.start" => {
                starts.insert(l["id"].as_i64().unwrap(), l.clone());
            }
            "event" => {
                events.insert(l["id"].as_i64().unwrap(), l.clone());
            }
            "run.complete" => {
                x.final_status = Some(l["final_status"].as_str().unwrap().to_string());
                x.summary = l.get("llm_summary").cloned();
                if x.final_status.as_deref() == Some("failed") {
                    x.errors.push("(run)".into());
                }
            }
            _ => {}
        }
    }
    x.paths.push(root.clone());
    // ids are DFS pre-order: a host's id is below its children's
    let mut path_of: std::collections::HashMap<i64, String> = Default::default();
    let all_ids: std::collections::BTreeSet<i64> =
        events.keys().chain(starts.keys()).copied().collect();
    for id in all_ids {
        let line = events.get(&id).or(starts.get(&id)).unwrap();
        let parent = line["parent_id"]
            .as_i64()
            .map_or(root.clone(), |p| path_of[&p].clone());
        let path = match events.get(&id) {
            Some(e) => walk_entry(e, &parent, None, &mut x),
            None => {
                x.running += 1;
                let p = format!("{parent}/{}", line["node_id"].as_str().unwrap());
                x.paths.push(p.clone());
                p
            }
        };
        path_of.insert(id, path);
    }
    x
}

/// The older single-object format.
fn expected_legacy(doc: &Value) -> Expected {
    let mut x = Expected::default();
    let root = doc["workflow_name"].as_str().unwrap().to_string();
    x.paths.push(root.clone());
    for e in doc["nodes"].as_array().unwrap() {
        if e.get("node_type").is_none() {
            continue;
        }
        let node = e["node_id"].as_str().unwrap();
        let fallback = e["shared_after"][node]["error"].as_str();
        walk_entry(e, &root, fallback, &mut x);
    }
    x.final_status = doc["final_status"].as_str().map(str::to_string);
    x.summary = doc.get("llm_summary").cloned();
    if x.final_status.as_deref() == Some("failed") {
        x.errors.push("(run)".into());
    }
    x
}

fn expected(path: &std::path::Path) -> Expected {
    let bytes = read(&path.to_path_buf());
    if bytes.starts_with(b"{\"kind\"") {
        expected_jsonl(&bytes)
    } else {
        expected_legacy(&serde_json::from_slice(&bytes).unwrap())
    }
}

fn path_of(t: &Trace, mut i: SpanIdx) -> String {
    let mut names = vec![t.name(i).to_string()];
    while let Some(p) = t.span(i).parent {
        names.push(t.name(p).to_string());
        i = p;
    }
    names.reverse();
    names.join("/")
}

fn paths(t: &Trace) -> Vec<String> {
    let mut v: Vec<String> = t.span_indices().map(|i| path_of(t, i)).collect();
    v.sort();
    v
}

#[test]
fn every_run_gives_the_tree_errors_and_llm_usage_the_file_holds() {
    for file in pflow_files() {
        let rel = name_of(&file);
        let t = ingest_paths(std::slice::from_ref(&file));
        let mut x = expected(&file);
        assert!(t.diagnostics().is_empty(), "{rel}: {:#?}", t.diagnostics());
        assert_eq!(t.trace_count(), 1, "{rel}: one trace per run");
        assert_eq!(t.roots().len(), 1, "{rel}: everything under the run");
        x.paths.sort();
        assert_eq!(paths(&t), x.paths, "{rel}: spans and parents");
        // errors: every failed node and item with its own message, and the run when it failed
        let mut ours: Vec<String> = t
            .span_indices()
            .filter(|&i| t.span(i).status == StatusCode::Error)
            .map(|i| {
                if t.span(i).parent.is_none() {
                    "(run)".to_string()
                } else {
                    t.text(t.span(i).status_message).to_string()
                }
            })
            .collect();
        ours.sort();
        x.errors.sort();
        assert_eq!(ours, x.errors, "{rel}: errors");
        let running = t
            .span_indices()
            .filter(|&i| t.span(i).parent.is_some() && t.span(i).flags.has(SpanFlags::RUNNING))
            .count();
        assert_eq!(running, x.running, "{rel}: nodes still running");
        // LLM calls, tokens and cost, as the LLM strip and panel sum them
        let llm = llm_summary(&t);
        assert_eq!(llm.total.spans as usize, x.llm_calls, "{rel}: LLM calls");
        assert_eq!(llm.total.total, x.tokens, "{rel}: tokens");
        assert!((llm.total.cost - x.cost).abs() < 1e-12, "{rel}: cost");
        if let Some(summary) = &x.summary {
            // pflow's own summary agrees (it leaves cached calls out, counts failed ones)
            assert_eq!(summary["total_calls"], x.llm_calls, "{rel}");
            assert_eq!(summary["total_tokens"], x.tokens, "{rel}");
        }
        let root = t.roots()[0];
        let complete = x.final_status.is_some();
        assert_eq!(
            t.sources()[0].completion,
            if complete {
                Completion::Complete
            } else {
                Completion::Incomplete
            },
            "{rel}"
        );
        assert_eq!(
            t.attribute_str(root, "pflow.final_status"),
            Some(x.final_status.as_deref().unwrap_or("incomplete")),
            "{rel}"
        );
        assert_eq!(t.sources()[0].clock, skein::model::Clock::NaiveLocal);
        assert_eq!(t.sources()[0].format, "pflow trace");
    }
}

#[test]
fn the_killed_run_is_incomplete_and_its_last_node_still_running() {
    let t = ingest_paths(&[shared("generated/pflow/killed_midrun.trace.json")]);
    let root = t.roots()[0];
    assert_eq!(t.sources()[0].completion, Completion::Incomplete);
    assert!(!t.sources()[0].is_complete());
    assert!(t.span(root).flags.has(SpanFlags::RUNNING));
    assert_eq!(t.span(root).status, StatusCode::Unset);
    let slow = t.span_indices().find(|&i| t.name(i) == "slow").unwrap();
    assert!(t.span(slow).flags.has(SpanFlags::RUNNING));
    assert_eq!(t.attribute_str(slow, "pflow.status"), Some("running"));
    // it runs until the latest time the file reached (its own node.start), inside the run
    assert!(t.span(slow).end <= t.span(root).end);
    let done = t.span_indices().filter(|&i| t.name(i) == "second").count();
    assert_eq!(done, 1);
}

#[test]
fn blobs_are_resolved_where_they_are_referenced() {
    let path = shared("generated/pflow/http_local.trace.json");
    let bytes = read(&path);
    let blobs: Vec<String> = bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice::<Value>(l).unwrap())
        .filter(|l| l["kind"] == "blob")
        .map(|l| l["value"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(blobs.len(), 2);
    let t = ingest_paths(&[path]);
    let mut texts = Vec::new();
    for i in t.span_indices() {
        for a in t.span_attributes(i) {
            if let skein::model::AttrValue::Str(s) | skein::model::AttrValue::Json(s) = a.value {
                texts.push(t.text(s).to_string());
            }
        }
    }
    assert!(texts.iter().all(|x| !x.contains("$pflow_blob")));
    for blob in &blobs {
        let escaped = serde_json::to_string(blob).unwrap();
        assert!(
            texts
                .iter()
                .any(|x| x == blob || x.contains(escaped.trim_matches('"'))),
            "blob of {} bytes shown where it is used",
            blob.len()
        );
    }
}

#[test]
fn the_2_0_0_nested_run_nests_like_the_2_8_0_one() {
    let old = ingest_paths(&[shared(
        "generated/pflow/legacy/v0.12_nested_workflow.trace.json",
    )]);
    let new = ingest_paths(&[shared("generated/pflow/nested_workflow.trace.json")]);
    assert_eq!(paths(&old), paths(&new));
    let depth = |t: &Trace| t.span_indices().map(|i| t.depth_of(i)).max();
    assert_eq!(depth(&old), Some(4));
    assert_eq!(depth(&new), Some(4));
}

#[test]
fn loops_are_siblings_that_say_their_iteration_and_gates_are_events() {
    let t = ingest_paths(&[shared("generated/pflow/loop_recovery.trace.json")]);
    let root = t.roots()[0];
    let iterations: Vec<Option<skein::model::AttrValue>> = t
        .children(root)
        .iter()
        .filter(|&&c| t.name(c) == "count-up")
        .map(|&c| t.attribute(c, "pflow.iteration"))
        .collect();
    use skein::model::AttrValue::Int;
    assert_eq!(iterations, [Some(Int(1)), Some(Int(2)), Some(Int(3))]);
    // degraded: OK, saying why (the warning pflow wrote)
    assert_eq!(t.span(root).status, StatusCode::Ok);
    assert!(t
        .text(t.span(root).status_message)
        .contains("Node 'primary' failed"));
    // the paused run's gate is on the run (its node never ran); the resumed run's on the node
    let paused = ingest_paths(&[shared("generated/pflow/approval_paused.trace.json")]);
    let names = |t: &Trace, i: SpanIdx| -> Vec<String> {
        t.span_events(i)
            .iter()
            .map(|e| t.text(e.name).to_string())
            .collect()
    };
    assert_eq!(
        names(&paused, paused.roots()[0]),
        ["gate pause", "gate resolution"]
    );
    let resumed = ingest_paths(&[shared("generated/pflow/approval_resumed.trace.json")]);
    let publish = resumed
        .span_indices()
        .find(|&i| resumed.name(i) == "publish")
        .unwrap();
    assert_eq!(names(&resumed, publish), ["gate pause", "gate resolution"]);
    let draft = resumed
        .span_indices()
        .find(|&i| resumed.name(i) == "draft")
        .unwrap();
    assert_eq!(
        resumed.attribute(draft, "pflow.restored"),
        Some(skein::model::AttrValue::Bool(true))
    );
}

#[test]
fn llm_calls_read_as_conversations_with_their_params_and_outputs() {
    let path = shared("generated/pflow/llm_stub.trace.json");
    let line = read(&path)
        .split(|b| *b == b'\n')
        .map(|l| serde_json::from_slice::<Value>(l).unwrap_or_default())
        .find(|l| l["kind"] == "event" && l["node_id"] == "summarize")
        .unwrap();
    let t = ingest_paths(&[path]);
    let s = t
        .span_indices()
        .find(|&i| t.name(i) == "summarize")
        .unwrap();
    let chat: Vec<(String, String)> = conversation(&t, s)
        .into_iter()
        .map(|m| (m.role, m.content))
        .collect();
    let text = |k: &str| line[k].as_str().unwrap().to_string();
    assert_eq!(
        chat,
        [
            ("system".to_string(), text("llm_system")),
            ("user".into(), text("llm_prompt")),
            ("assistant".into(), text("llm_response"))
        ]
    );
    let json =
        |k: &str| -> Value { serde_json::from_str(t.attribute_text(s, k).unwrap()).unwrap() };
    assert_eq!(json("pflow.node_params"), line["node_params"]);
    assert_eq!(json("pflow.node_output"), line["node_output"]);
    assert_eq!(json("pflow.mutations"), line["mutations"]);
    assert_eq!(t.attribute_str(s, "pflow.node_type"), Some("LLMNode"));
    assert_eq!(
        skein::analysis::llm::span_model(&t, s).as_deref(),
        Some("openai/gpt-4o-mini")
    );
    // every call names its model, the failed one (`llm_call: {}`) by the model it asked for
    let models: Vec<(String, u32)> = llm_summary(&t)
        .per_model
        .into_iter()
        .map(|(m, u)| (m, u.spans))
        .collect();
    assert_eq!(models, [("openai/gpt-4o-mini".to_string(), 5)]);
    // an HTTP step's text body is not a conversation, though pflow writes it as llm_response
    let http = ingest_paths(&[shared("generated/pflow/http_local.trace.json")]);
    let fetch = http
        .span_indices()
        .find(|&i| http.name(i) == "fetch-text")
        .unwrap();
    assert!(http.attribute_text(fetch, "pflow.llm_response").is_some());
    assert!(conversation(&http, fetch).is_empty());
    // pflow 0.8 kept the store: a step's output and what it changed in the store
    let old = ingest_paths(&[shared(
        "generated/pflow/legacy/v0.8_shell_success.trace.json",
    )]);
    let shout = old
        .span_indices()
        .find(|&i| old.name(i) == "shout")
        .unwrap();
    let diff: Value =
        serde_json::from_str(old.attribute_text(shout, "pflow.store_diff").unwrap()).unwrap();
    assert_eq!(diff["added"], serde_json::json!(["shout"]));
    assert!(old
        .attribute_text(shout, "pflow.node_output")
        .unwrap()
        .contains("HELLO"));
}

/// Days since 1970-01-01 (the textbook civil-calendar count), for an independent time check.
fn epoch_ns(text: &str) -> i64 {
    let (date, time) = text.split_once('T').unwrap();
    let d: Vec<i64> = date.split('-').map(|x| x.parse().unwrap()).collect();
    let (hms, frac) = time.split_once('.').unwrap_or((time, "0"));
    let t: Vec<i64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
    let mut days = 0;
    for y in 1970..d[0] {
        days += if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
            366
        } else {
            365
        };
    }
    let leap = (d[0] % 4 == 0 && d[0] % 100 != 0) || d[0] % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    days += month_days[..(d[1] - 1) as usize].iter().sum::<i64>() + d[2] - 1;
    let micros: i64 = format!("{frac:0<6}").parse().unwrap();
    ((days * 86_400 + t[0] * 3600 + t[1] * 60 + t[2]) * 1_000_000 + micros) * 1000
}

#[test]
fn times_are_kept_as_written_and_end_at_the_event() {
    let path = shared("generated/pflow/shell_success.trace.json");
    let lines: Vec<Value> = read(&path)
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    let t = ingest_paths(&[path]);
    let root = t.roots()[0];
    assert_eq!(
        t.span(root).start.0,
        epoch_ns(lines[0]["start_time"].as_str().unwrap())
    );
    for l in lines.iter().filter(|l| l["kind"] == "event") {
        let i = t
            .find_span(skein::model::SpanId(l["id"].as_u64().unwrap() + 1))
            .unwrap();
        let end = epoch_ns(l["timestamp"].as_str().unwrap());
        let ms = l["duration_ms"].as_f64().unwrap();
        assert_eq!(t.span(i).end.0, end);
        assert_eq!(t.span(i).start.0, end - (ms * 1e6).round() as i64);
    }
}

#[test]
fn chunk_boundaries_never_change_the_result() {
    for file in pflow_files() {
        let bytes = read(&file);
        let whole = canonical(&ingest_paths(std::slice::from_ref(&file)));
        for chunk in [1usize, 2, 3, 7, 64, 333, 1024, 4096, 16_384, 65_536] {
            let mut s = Session::new();
            let f = s.begin_source(&name_of(&file));
            for c in bytes.chunks(chunk) {
                s.feed(f, c);
            }
            s.end_source(f);
            assert_eq!(
                canonical(&s.finish()),
                whole,
                "{} in {chunk}-byte chunks",
                name_of(&file)
            );
        }
    }
}
