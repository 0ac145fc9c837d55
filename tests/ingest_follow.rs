//! Follow mode's core: a source still being written is fed in bursts and snapshotted after
//! each. Snapshots grow monotonically (never fewer spans, never a span lost) to exactly the
//! trace a one-shot read gives; no snapshot reports a problem the finished read does not have
//! (a half-written last line waits; a span whose parent is not written yet is not an orphan
//! diagnostic); a source says when its run is complete.
//!
//! ```text
//! file bytes:  |--burst--|----burst----|-b-|------burst------|
//!                        ^ snapshot    ^   ^                 ^ snapshot == one-shot read
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use skein::ingest::follow::StopReason;
use skein::ingest::Session;
use skein::model::{Completion, DiagnosticKind, SpanFlags, Trace};
use std::collections::BTreeSet;
use support::*;

/// A small seeded generator (xorshift), so bursts differ per file but never between runs.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn span_keys(t: &Trace) -> BTreeSet<(String, String)> {
    t.span_indices()
        .map(|i| (t.trace_id(i).to_string(), t.span(i).span_id.to_string()))
        .collect()
}

/// Feeds `bytes` in random bursts (1 byte to 4 KiB), snapshotting after each; returns the
/// snapshots and the trace of the finished session.
fn follow(name: &str, bytes: &[u8], seed: u64) -> (Vec<Trace>, Trace) {
    let mut rng = Rng(seed | 1);
    let mut s = Session::new();
    let f = s.begin_source(name);
    let mut at = 0;
    let mut snaps = Vec::new();
    while at < bytes.len() {
        let n = (1 + rng.below(4096)).min(bytes.len() - at);
        s.feed(f, &bytes[at..at + n]);
        at += n;
        assert_eq!(
            s.source(f).bytes,
            at as u64,
            "bytes fed: the offset to poll from"
        );
        snaps.push(s.snapshot());
    }
    s.end_source(f);
    (snaps, s.finish())
}

#[test]
fn snapshots_grow_to_the_one_shot_read_without_spurious_diagnostics() {
    let files = [
        "generated/otel_sdk/spans.jsonl",
        "generated/otel_sdk/console_exporter.txt",
        "generated/mlflow/traces.jsonl",
        "generated/pflow/nested_workflow.trace.json",
        "generated/pflow/http_local.trace.json",
        "generated/pflow/killed_midrun.trace.json",
        "generated/pflow/legacy/v0.12_nested_workflow.trace.json",
        "generated/structlog/worker.log.jsonl",
    ];
    for (k, rel) in files.iter().enumerate() {
        let path = shared(rel);
        if !path.exists() {
            panic!("fixture {rel} is missing");
        }
        let bytes = read(&path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let one_shot = skein::ingest::ingest_sources([(name.as_str(), bytes.as_slice())]);
        for seed in [k as u64 + 1, 0x9e37_79b9_7f4a_7c15] {
            let (snaps, finished) = follow(&name, &bytes, seed);
            assert_eq!(canonical(&finished), canonical(&one_shot), "{rel}");
            let last = snaps.last().unwrap();
            // everything was written: the open source's last snapshot is the one-shot read
            assert_eq!(
                canonical(last),
                canonical(&one_shot),
                "{rel}: last snapshot"
            );
            let final_diags: Vec<String> = one_shot
                .diagnostics()
                .iter()
                .map(|d| d.to_string())
                .collect();
            let mut before = BTreeSet::new();
            for (n, snap) in snaps.iter().enumerate() {
                let keys = span_keys(snap);
                assert!(keys.is_superset(&before), "{rel}: snapshot {n} lost a span");
                before = keys;
                for d in snap.diagnostics() {
                    assert!(
                        final_diags.contains(&d.to_string()),
                        "{rel}: snapshot {n} says {d}, the finished read does not"
                    );
                }
            }
        }
    }
}

#[test]
fn a_half_written_line_waits_and_a_missing_parent_is_not_yet_an_orphan() {
    // FlowMesh writes a span when it ends: children before their parents
    let bytes = read(&shared("generated/otel_sdk/spans.jsonl"));
    let lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
    let mut s = Session::new();
    let f = s.begin_source("spans.jsonl");
    s.feed(f, lines[0]);
    s.feed(f, &lines[1][..lines[1].len() / 2]);
    let t = s.snapshot();
    assert_eq!(t.span_count(), 1, "only the complete line");
    assert!(t.diagnostics().is_empty(), "{:?}", t.diagnostics());
    let first = skein::model::SpanIdx(0);
    if t.span(first).parent_span_id.0 != 0 {
        assert!(
            t.span(first).flags.has(SpanFlags::ORPHAN),
            "shown as a root"
        );
    }
    // the same bytes, ended: now the cut line and the missing parent are reported
    s.end_source(f);
    let ended = s.finish();
    let kinds = kinds(&ended);
    assert!(
        kinds.contains(&DiagnosticKind::InvalidJson) || kinds.contains(&DiagnosticKind::Truncated)
    );
}

#[test]
fn a_pflow_run_says_when_it_is_complete_and_what_still_runs() {
    let bytes = read(&shared("generated/pflow/shell_success.trace.json"));
    let lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
    let mut s = Session::new();
    let f = s.begin_source("run.json");
    // meta + node.start of the first node: the run and its first node are running
    s.feed(f, lines[0]);
    s.feed(f, lines[1]);
    let t = s.snapshot();
    assert_eq!(t.sources()[0].completion, Completion::Incomplete);
    assert_eq!(t.span_count(), 2);
    assert!(t.spans().iter().all(|sp| sp.flags.has(SpanFlags::RUNNING)));
    // its event: that node is done, the run still going
    s.feed(f, lines[2]);
    let t = s.snapshot();
    let running: Vec<&str> = t
        .span_indices()
        .filter(|&i| t.span(i).flags.has(SpanFlags::RUNNING))
        .map(|i| t.name(i))
        .collect();
    assert_eq!(running, ["shell-success"]);
    assert!(!s.source(f).is_complete());
    for l in &lines[3..] {
        s.feed(f, l);
    }
    assert!(s.source(f).is_complete(), "run.complete read");
    let t = s.snapshot();
    assert!(t.spans().iter().all(|sp| !sp.flags.has(SpanFlags::RUNNING)));
}

#[test]
fn an_mlflow_trace_says_whether_it_is_in_progress() {
    let doc = |state: &str| {
        format!(
            r#"{{"info": {{"trace_id": "tr-0000000000000000000000000000000a", "state": "{state}"}}, "data": {{"spans": [{{"trace_id": "AAAAAAAAAAAAAAAAAAAACg==", "span_id": "AAAAAAAAAAI=", "parent_span_id": "AAAAAAAAAAE=", "name": "child", "start_time_unix_nano": 1000, "end_time_unix_nano": 2000, "attributes": {{}}}}]}}}}"#
        )
    };
    for (state, want) in [
        ("IN_PROGRESS", Completion::Incomplete),
        ("OK", Completion::Complete),
        ("ERROR", Completion::Complete),
    ] {
        let text = doc(state);
        let t = skein::ingest::ingest_sources([("t.json", text.as_bytes())]);
        assert_eq!(t.sources()[0].completion, want, "{state}");
        // an in-progress trace's root is not on the server yet: the trace's facts go on the
        // first span read, so the state is shown somewhere
        assert_eq!(
            t.attribute_str(skein::model::SpanIdx(0), "mlflow.trace.state"),
            Some(state)
        );
    }
}

/// A follow loop as the app runs it: poll, feed what is new, snapshot, stop when the source
/// says it is complete. The "server" holds a growing prefix of the file and honours Range or
/// not (then it sends the whole file every time).
fn follow_by_polling(bytes: &[u8], ranges: bool) -> (Trace, usize, Option<StopReason>) {
    use skein::ingest::follow::{Follower, PollAnswer, Step};
    let mut s = Session::new();
    let f = s.begin_source("run.json");
    let mut follower = Follower::new(0);
    let mut rng = Rng(0x5eed);
    let mut written = 0;
    let mut polls = 0;
    let mut snapshot = s.snapshot();
    let stop = loop {
        if let Some(stop) = follower.stop(s.source(f).is_complete(), 3) {
            break Some(stop);
        }
        written = (written + rng.below(700)).min(bytes.len());
        let file = &bytes[..written];
        let req = follower.request();
        let range;
        let answer = match req.range_from.filter(|_| ranges) {
            Some(from) if from as usize >= file.len() => PollAnswer {
                status: 416,
                ..PollAnswer::default()
            },
            Some(from) => {
                range = format!("bytes {from}-{}/{}", file.len() - 1, file.len());
                PollAnswer {
                    status: 206,
                    content_range: Some(&range),
                    body: &file[from as usize..],
                    ..PollAnswer::default()
                }
            }
            None => PollAnswer {
                status: 200,
                body: file,
                ..PollAnswer::default()
            },
        };
        match follower.on_answer(&answer) {
            Step::Append(new) => s.feed(f, new),
            Step::Unchanged => {}
            other => panic!("{other:?}"),
        }
        let next = s.snapshot();
        assert!(next.span_count() >= snapshot.span_count());
        snapshot = next;
        polls += 1;
        if polls > 10_000 {
            break None;
        }
    };
    (snapshot, polls, stop)
}

#[test]
fn polling_a_growing_pflow_trace_stops_when_the_run_says_it_is_complete() {
    for rel in [
        "generated/pflow/nested_workflow.trace.json",
        "generated/pflow/llm_stub.trace.json",
    ] {
        let bytes = read(&shared(rel));
        let one_shot = skein::ingest::ingest_sources([("run.json", bytes.as_slice())]);
        for ranges in [true, false] {
            let (t, polls, stop) = follow_by_polling(&bytes, ranges);
            assert_eq!(stop, Some(StopReason::Complete), "{rel}");
            assert!(polls > 3, "{rel}: it took several polls ({polls})");
            assert_eq!(
                canonical(&t),
                canonical(&one_shot),
                "{rel}, ranges: {ranges}"
            );
        }
    }
    // a run that never completes stops after polls without growth
    let bytes = read(&shared("generated/pflow/killed_midrun.trace.json"));
    let (t, _, stop) = follow_by_polling(&bytes, true);
    assert_eq!(stop, Some(StopReason::NoGrowth));
    assert_eq!(t.sources()[0].completion, Completion::Incomplete);
}
