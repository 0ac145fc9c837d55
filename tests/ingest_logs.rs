//! JSON log lines joined to spans: the structlog log of the otel_sdk workflow, and our mixed
//! scenario (tests/fixtures/ingest/logs_mixed_timestamps.jsonl).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use support::*;

#[test]
fn every_log_line_with_a_span_is_attached_to_that_span() {
    let t = ingest_paths(&[
        shared("generated/structlog/worker.log.jsonl"),
        shared("generated/otel_sdk/spans.jsonl"),
    ]);
    assert!(t.diagnostics().is_empty(), "{:#?}", t.diagnostics());
    let lines: Vec<serde_json::Value> =
        std::str::from_utf8(&read(&shared("generated/structlog/worker.log.jsonl")))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    assert_eq!(t.logs().len(), lines.len());
    let span_ids: Vec<String> = t.spans().iter().map(|s| s.span_id.to_string()).collect();
    for l in &lines {
        let want = l["span_id"].as_str().unwrap();
        let msg = l["event"].as_str().unwrap();
        let log = t
            .logs()
            .iter()
            .find(|x| {
                t.text(x.message) == msg
                    && x.span_id.map(|s| s.to_string()).as_deref() == Some(want)
            })
            .unwrap();
        if span_ids.iter().any(|s| s == want) {
            let s = log.span.expect("attached");
            assert_eq!(t.span(s).span_id.to_string(), want);
            // a log line lies within its span (µs precision)
            assert!(
                t.span(s).start.0 / 1000 <= log.time.0 / 1000
                    && log.time.0 / 1000 <= t.span(s).end.0 / 1000,
                "{msg}"
            );
        }
    }
    assert!(
        t.logs().iter().all(|l| l.span.is_some()),
        "every line of this log names a loaded span"
    );
    assert_eq!(t.sources()[0].format, "JSON log");
}

#[test]
fn mixed_log_lines() {
    let t = ingest_paths(&[
        ours("ingest/children_before_parents.jsonl"),
        ours("ingest/logs_mixed_timestamps.jsonl"),
    ]);
    assert_eq!(t.logs().len(), 3);
    assert_eq!(t.diagnostics().len(), 1, "{:#?}", t.diagnostics());
    assert_eq!(t.diagnostics()[0].line, Some(4));
    let by_msg = |m: &str| t.logs().iter().find(|l| t.text(l.message) == m).unwrap();
    let ms = by_msg("epoch ms");
    assert_eq!(ms.time.0, 1_767_225_600_123_000_000);
    assert_eq!(
        t.span(ms.span.unwrap()).span_id.to_string(),
        "00000000000000a1"
    );
    assert_eq!(
        by_msg("epoch seconds, no span").time.0,
        1_767_225_601_500_000_000
    );
    assert!(by_msg("names a span that is not loaded").span.is_none());
}
