//! OTel SDK JSONL / console exporter / FlowMesh rows: the shared `otel_sdk` workflow and our
//! scenario fixtures (tests/fixtures/ingest/README.md says what each one tests).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use flate2::write::GzEncoder;
use skein::ingest::{ingest_sources, Session};
use skein::model::{DiagnosticKind, SpanFlags, SpanId};
use std::io::Write;
use support::*;

fn otel(rel: &str) -> std::path::PathBuf {
    shared(&format!("generated/otel_sdk/{rel}"))
}

/// Parent ids and names straight from the file, read with serde_json::Value (not our reader).
fn expected_from_file(bytes: &[u8]) -> Vec<(String, Option<String>, String)> {
    let mut v: Vec<_> = std::str::from_utf8(bytes)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let j: serde_json::Value = serde_json::from_str(l).unwrap();
            let id = j["context"]["span_id"]
                .as_str()
                .unwrap()
                .trim_start_matches("0x")
                .to_string();
            let parent = j["parent_id"]
                .as_str()
                .map(|p| p.trim_start_matches("0x").to_string());
            (id, parent, j["name"].as_str().unwrap().to_string())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn flowmesh_workflow_files_load_completely() {
    let t = ingest_paths(&[
        otel("spans.jsonl"),
        otel("lineage.jsonl"),
        otel("assets.jsonl"),
    ]);
    assert_eq!(t.span_count(), 31);
    assert_eq!(t.lineage().len(), 6);
    assert_eq!(t.assets().len(), 5);
    assert!(t.diagnostics().is_empty(), "{:#?}", t.diagnostics());
    let mut got: Vec<_> = t
        .spans()
        .iter()
        .map(|s| {
            (
                s.span_id.to_string(),
                s.parent.map(|p| t.spans()[p.ix()].span_id.to_string()),
                t.text(s.name).to_string(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, expected_from_file(&read(&otel("spans.jsonl"))));
    assert_eq!(t.trace_ids().len(), 1);
    assert_eq!(
        t.trace_ids()[0].to_string(),
        "7c1e5b0f3a2d4e6f8091a2b3c4d5e6f7"
    );
    // one root `task` span per data id, ordered by start
    let roots: Vec<_> = t.roots().iter().map(|r| t.name(*r)).collect();
    assert_eq!(roots, vec!["task"; 5]);
    assert!(t
        .roots()
        .windows(2)
        .all(|w| t.span(w[0]).start <= t.span(w[1]).start));
    assert_eq!(
        t.sources()
            .iter()
            .map(|s| s.format.as_str())
            .collect::<Vec<_>>(),
        ["OTel SDK spans", "FlowMesh lineage", "FlowMesh assets"]
    );
}

#[test]
fn span_fields_are_read() {
    let t = ingest_paths(&[otel("spans.jsonl")]);
    let failed = t
        .spans()
        .iter()
        .position(|s| s.is_error())
        .map(|i| skein::model::SpanIdx(i as u32))
        .unwrap();
    assert_eq!(t.name(failed), "generation");
    assert!(t
        .text(t.span(failed).status_message)
        .starts_with("RuntimeError: CUDA out of memory"));
    assert_eq!(t.text(t.span(failed).span_type), "compute");
    assert_eq!(t.service_name(failed), "flowmesh-worker");
    let ev = t.span_events(failed);
    assert!(ev.iter().any(|e| t.text(e.name) == "exception"));
    assert_eq!(t.attribute_str(failed, "data_id"), Some("tsk-branch-b"));
    assert_eq!(
        t.attribute(failed, "gen.max_tokens"),
        Some(skein::model::AttrValue::Int(256))
    );
    // resources are deduplicated by value
    assert_eq!(
        t.resources().len(),
        2,
        "the empty resource plus one real one"
    );
    // task spans link to their upstream tasks
    let linked: usize = t
        .spans()
        .iter()
        .map(|s| (s.links.end - s.links.start) as usize)
        .sum();
    assert!(linked >= 6);
}

#[test]
fn console_exporter_output_equals_jsonl() {
    let a = ingest_paths(&[otel("spans.jsonl")]);
    let b = ingest_paths(&[otel("console_exporter.txt")]);
    assert!(b.diagnostics().is_empty(), "{:#?}", b.diagnostics());
    assert_eq!(span_summary(&a), span_summary(&b));
    assert_eq!(b.span_count(), 31);
    // line numbers point at each object's first line
    assert_eq!(b.spans()[0].line, 1);
    assert!(b.spans()[1].line > 30);
}

#[test]
fn flowmesh_per_task_layout_merges() {
    let mut paths = Vec::new();
    for task in [
        "tsk-ingest",
        "tsk-branch-a",
        "tsk-branch-b",
        "tsk-synthesis",
        "tsk-evaluate",
    ] {
        for f in ["spans.jsonl", "lineage.jsonl", "assets.jsonl"] {
            paths.push(otel(&format!("flowmesh_layout/{task}/logs/{f}")));
        }
    }
    let t = ingest_paths(&paths);
    assert_eq!(
        (t.span_count(), t.lineage().len(), t.assets().len()),
        (31, 6, 5)
    );
    // the first task has no inputs: FlowMesh writes its lineage.jsonl empty, and that is said
    let said: Vec<_> = t
        .diagnostics()
        .iter()
        .map(|d| (d.kind, d.message.as_str()))
        .collect();
    assert_eq!(said, vec![(DiagnosticKind::EmptySource, "empty file")]);
    assert_eq!(
        span_summary(&t),
        span_summary(&ingest_paths(&[otel("spans.jsonl")]))
    );
}

#[test]
fn same_file_twice_keeps_each_span_once() {
    let t = ingest_paths(&[otel("spans.jsonl"), otel("spans.jsonl")]);
    assert_eq!(t.span_count(), 31);
    assert_eq!(t.diagnostics().len(), 31);
    assert!(t
        .diagnostics()
        .iter()
        .all(|d| d.kind == DiagnosticKind::DuplicateSpan));
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[test]
fn gzip_file_is_inflated() {
    let plain = read(&otel("spans.jsonl"));
    let t = ingest_sources([("spans.jsonl.gz", gz(&plain).as_slice())]);
    assert!(t.diagnostics().is_empty(), "{:#?}", t.diagnostics());
    assert_eq!(
        span_summary(&t),
        span_summary(&ingest_sources([("spans.jsonl", plain.as_slice())]))
    );
}

#[test]
fn truncated_gzip_keeps_what_was_readable() {
    let plain = read(&otel("spans.jsonl"));
    let z = gz(&plain);
    let t = ingest_sources([("cut.jsonl.gz", &z[..z.len() / 2])]);
    assert!(
        t.diagnostics()
            .iter()
            .any(|d| d.kind == DiagnosticKind::BadCompression),
        "{:#?}",
        t.diagnostics()
    );
    assert!(!t.spans().is_empty() && t.span_count() < 31);
}

fn chunked(sources: &[(&str, Vec<u8>)], chunk: usize) -> skein::model::Trace {
    let mut s = Session::new();
    for (name, bytes) in sources {
        let f = s.begin_source(name);
        for c in bytes.chunks(chunk) {
            s.feed(f, c);
        }
        s.end_source(f);
    }
    s.finish()
}

#[test]
fn chunk_boundaries_never_change_the_result() {
    let mut sources: Vec<(&str, Vec<u8>)> = vec![
        ("spans.jsonl", read(&otel("spans.jsonl"))),
        ("console.txt", read(&otel("console_exporter.txt"))),
        ("lineage.jsonl", read(&otel("lineage.jsonl"))),
        (
            "bad.jsonl",
            read(&ours("ingest/bad_json_line_in_middle.jsonl")),
        ),
        ("cut.jsonl", read(&ours("ingest/truncated_last_line.jsonl"))),
        ("utf8.jsonl", read(&ours("ingest/invalid_utf8.jsonl"))),
    ];
    let z = gz(&sources[0].1);
    sources.push(("spans.jsonl.gz", z));
    let whole = chunked(&sources, usize::MAX);
    let expect = (
        span_summary(&whole),
        whole.diagnostics().to_vec(),
        whole.lineage().to_vec(),
    );
    // a deterministic spread of chunk sizes: 1, 2, 3, primes, and sizes around 4 KiB
    for chunk in [1, 2, 3, 7, 13, 64, 997, 4095, 4096, 4097, 65_536] {
        let t = chunked(&sources, chunk);
        assert_eq!(
            (
                span_summary(&t),
                t.diagnostics().to_vec(),
                t.lineage().to_vec()
            ),
            expect,
            "chunk size {chunk}"
        );
    }
}

fn scenario(name: &str) -> skein::model::Trace {
    ingest_paths(&[ours(&format!("ingest/{name}"))])
}

fn id(hex: &str) -> SpanId {
    SpanId::parse_hex(hex).unwrap()
}

#[test]
fn children_before_parents_are_linked() {
    let t = scenario("children_before_parents.jsonl");
    assert!(t.diagnostics().is_empty());
    let child = t.find_span(id("c1")).unwrap();
    assert_eq!(t.span(t.span(child).parent.unwrap()).span_id, id("a1"));
    assert_eq!(t.roots().len(), 1);
    assert_eq!(t.depth_of(child), 1);
}

#[test]
fn bad_json_line_in_the_middle() {
    let t = scenario("bad_json_line_in_middle.jsonl");
    assert_eq!(t.span_count(), 2);
    assert_eq!(kinds(&t), vec![DiagnosticKind::InvalidJson]);
    assert_eq!(t.diagnostics()[0].line, Some(2));
    assert_eq!(t.diagnostics()[0].source, "bad_json_line_in_middle.jsonl");
}

#[test]
fn truncated_last_line() {
    let t = scenario("truncated_last_line.jsonl");
    assert_eq!(t.span_count(), 1);
    assert_eq!(kinds(&t), vec![DiagnosticKind::Truncated]);
    assert_eq!(t.diagnostics()[0].line, Some(2));
}

#[test]
fn empty_file() {
    let t = scenario("empty.jsonl");
    assert!(t.spans().is_empty());
    assert_eq!(kinds(&t), vec![DiagnosticKind::EmptySource]);
    assert_eq!(t.diagnostics()[0].message, "empty file");
}

#[test]
fn invalid_utf8_line() {
    let t = scenario("invalid_utf8.jsonl");
    assert_eq!(t.span_count(), 2);
    assert_eq!(kinds(&t), vec![DiagnosticKind::InvalidJson]);
    assert!(
        t.diagnostics()[0].message.contains("UTF-8"),
        "{}",
        t.diagnostics()[0].message
    );
    assert_eq!(t.diagnostics()[0].line, Some(2));
}

#[test]
fn duplicate_span_keeps_first() {
    let t = scenario("duplicate_span.jsonl");
    assert_eq!(t.span_count(), 2);
    assert_eq!(kinds(&t), vec![DiagnosticKind::DuplicateSpan]);
    assert_eq!(t.diagnostics()[0].line, Some(3));
    assert_eq!(t.name(t.find_span(id("c1")).unwrap()), "child");
}

#[test]
fn orphan_parent_becomes_marked_root() {
    let t = scenario("orphan_parent.jsonl");
    let lost = t.find_span(id("c1")).unwrap();
    assert!(t.span(lost).parent.is_none());
    assert!(t.span(lost).flags.has(SpanFlags::ORPHAN));
    assert_eq!(t.roots().len(), 2);
    assert_eq!(kinds(&t), vec![DiagnosticKind::OrphanSpan]);
}

#[test]
fn missing_fields_are_reported_and_the_rest_loads() {
    let t = scenario("missing_fields.jsonl");
    let got: Vec<_> = t.diagnostics().iter().map(|d| (d.line, d.kind)).collect();
    assert_eq!(
        got,
        vec![
            (Some(2), DiagnosticKind::MissingField),
            (Some(3), DiagnosticKind::MissingField),
            (Some(4), DiagnosticKind::MissingField),
            (Some(5), DiagnosticKind::BadValue),
        ]
    );
    assert_eq!(t.span_count(), 2);
    assert_eq!(t.name(t.find_span(id("b2")).unwrap()), "(unnamed)");
}

#[test]
fn end_before_start_is_clamped() {
    let t = scenario("end_before_start.jsonl");
    let s = t.span(t.find_span(id("c1")).unwrap());
    assert_eq!(s.start, s.end);
    assert!(s.flags.has(SpanFlags::END_REPAIRED));
    assert_eq!(kinds(&t), vec![DiagnosticKind::EndBeforeStart]);
}

#[test]
fn parent_cycle_is_cut() {
    let t = scenario("parent_cycle.jsonl");
    assert_eq!(t.span_count(), 3);
    assert_eq!(kinds(&t), vec![DiagnosticKind::ParentCycle]);
    // every span is reachable from a root exactly once
    let mut seen = 0;
    let mut stack = t.roots().to_vec();
    while let Some(s) = stack.pop() {
        seen += 1;
        stack.extend_from_slice(t.children(s));
    }
    assert_eq!(seen, 3);
}

#[test]
fn child_starting_before_parent_is_marked() {
    let t = scenario("child_starts_before_parent.jsonl");
    let s = t.span(t.find_span(id("c1")).unwrap());
    assert!(s.flags.has(SpanFlags::STARTS_BEFORE_PARENT));
    assert!(s.parent.is_some());
    assert_eq!(kinds(&t), vec![DiagnosticKind::StartsBeforeParent]);
}

#[test]
fn flowmesh_rows_with_a_bad_row() {
    let t = scenario("flowmesh_rows_with_bad_row.jsonl");
    assert_eq!((t.lineage().len(), t.assets().len()), (1, 1));
    assert_eq!(t.diagnostics().len(), 1);
    assert_eq!(
        (t.diagnostics()[0].line, t.diagnostics()[0].kind),
        (Some(2), DiagnosticKind::MissingField)
    );
}

#[test]
fn not_a_trace_says_what_was_tried() {
    let t = scenario("not_a_trace.json");
    assert_eq!(kinds(&t), vec![DiagnosticKind::UnknownFormat]);
    assert!(
        t.diagnostics()[0].message.contains("tried: OTel SDK spans"),
        "{}",
        t.diagnostics()[0].message
    );
}
