//! Limits that hold against hostile input (issue 14): what trips them is refused with a message
//! naming what it was, and what was read before is kept.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use flate2::{write::GzEncoder, Compression};
use skein::model::DiagnosticKind;
use std::io::Write;
use support::*;

/// ```text
///   bomb.jsonl.gz = gzip( 31 span lines of otel_sdk/spans.jsonl + 96 MB of spaces )
/// ```
/// The spaces inflate ~1000:1: the file is refused once 64 MB came out, with the ratio in the
/// message, and the 31 spans before them stay loaded.
#[test]
fn a_gzip_bomb_is_refused_with_its_ratio_and_the_spans_before_it_are_kept() {
    let spans = read(&shared("generated/otel_sdk/spans.jsonl"));
    let lines = spans.iter().filter(|&&b| b == b'\n').count();
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(&spans).unwrap();
    e.write_all(&vec![b' '; 96 << 20]).unwrap();
    let bomb = e.finish().unwrap();
    assert!(bomb.len() < 2 << 20, "{}", bomb.len());
    let t = skein::ingest::ingest_sources([("bomb.jsonl.gz", bomb.as_slice())]);
    assert_eq!(t.spans().len(), lines);
    let refused: Vec<_> = t
        .diagnostics()
        .iter()
        .filter(|d| d.kind == DiagnosticKind::BadCompression)
        .collect();
    assert_eq!(refused.len(), 1, "{:#?}", t.diagnostics());
    assert!(
        refused[0].message.contains("100:1") && refused[0].message.contains("bomb"),
        "{}",
        refused[0].message
    );
    assert_eq!(refused[0].source, "bomb.jsonl.gz");
}

/// A Zipkin v2 span as Zipkin's own JSON writes it (one line, no spaces).
fn zipkin_span(i: u64) -> String {
    format!(
        r#"{{"traceId":"{:016x}{:016x}","id":"{:016x}","name":"op {}","timestamp":{},"duration":{},"localEndpoint":{{"serviceName":"svc-{}"}},"tags":{{"k":"v{}"}}}}"#,
        7,
        i / 50 + 1,
        i + 1,
        i % 13,
        1_700_000_000_000_000u64 + i,
        10 + i % 7,
        i % 5,
        i
    )
}

/// ```text
///   zipkin.json = [ span 0, span 1, ... span 109,999 ]     one line, ~19 MB
/// ```
/// Past 16 MB a top-level array is read in batches of whole elements: every span loads, in
/// file order, and nothing is reported. (Chunking is tested on the framer itself.)
#[test]
fn a_top_level_array_bigger_than_a_batch_loads_every_element() {
    let spans: Vec<String> = (0..110_000).map(zipkin_span).collect();
    let text = format!("[{}]", spans.join(","));
    assert!(text.len() as u64 > 16 << 20, "{}", text.len());
    let want: Vec<serde_json::Value> = [&spans[0], &spans[spans.len() - 1]]
        .iter()
        .map(|s| serde_json::from_str(s).unwrap())
        .collect();
    for chunk in [1 << 20] {
        let mut s = skein::ingest::Session::new();
        let f = s.begin_source("zipkin.json");
        for c in text.as_bytes().chunks(chunk) {
            s.feed(f, c);
        }
        s.end_source(f);
        let t = s.finish();
        assert_eq!(t.span_count(), spans.len(), "chunk {chunk}");
        assert!(t.diagnostics().is_empty(), "{:?}", t.diagnostics());
        for (idx, span) in [(0, &want[0]), (spans.len() - 1, &want[1])] {
            let id = span["id"].as_str().unwrap();
            let i = skein::model::SpanIdx(idx as u32);
            assert_eq!(t.span(i).span_id.to_string(), id);
        }
    }
}

/// ```text
///   line 1       one OTel span line
///   line 2       {"attributes": {"blob": "xxxx…"}}   300 MB, fed 1 MiB at a time
///   line 3       one OTel span line
/// ```
/// The long line is refused with its size and never held (the framer only counts it); the
/// lines around it load.
#[test]
fn a_line_over_the_record_limit_is_refused_with_its_size() {
    let lines = read(&shared("generated/otel_sdk/spans.jsonl"));
    let first: Vec<&[u8]> = lines.split(|&b| b == b'\n').take(2).collect();
    let mut s = skein::ingest::Session::new();
    let f = s.begin_source("big.jsonl");
    s.feed(f, first[0]);
    s.feed(f, b"\n{\"attributes\": {\"blob\": \"");
    let filler = vec![b'x'; 1 << 20];
    for _ in 0..300 {
        s.feed(f, &filler);
    }
    s.feed(f, b"\"}}\n");
    s.feed(f, first[1]);
    s.feed(f, b"\n");
    s.end_source(f);
    let t = s.finish();
    assert_eq!(t.span_count(), 2);
    let refused: Vec<_> = t
        .diagnostics()
        .iter()
        .filter(|d| d.kind == DiagnosticKind::TooLarge)
        .collect();
    assert_eq!(refused.len(), 1, "{:#?}", t.diagnostics());
    assert_eq!(refused[0].line, Some(2));
    let bytes = 300 * (1 << 20) + 30;
    assert!(
        refused[0]
            .message
            .contains(&format!("{:.1} MB", bytes as f64 / 1e6)),
        "{}",
        refused[0].message
    );
}

/// ```text
///   spans.jsonl = big_sample_1k's span lines, fed in 4 KiB chunks, budget 256 KiB
///   ... read until the tables pass the budget ... | not read
/// ```
/// Reading stops at the budget with one message saying how many spans, up to which byte of
/// which file, and what to do; the spans before it are exactly the first spans of a full read.
#[test]
fn reading_stops_at_the_memory_budget_and_keeps_what_came_before() {
    let text = read(&shared("generated/big_sample_1k/spans.jsonl"));
    let full = skein::ingest::ingest_sources([("spans.jsonl", text.as_slice())]);
    let mut s = skein::ingest::Session::new();
    s.set_budget(256 << 10);
    let f = s.begin_source("spans.jsonl");
    let mut fed = 0;
    for c in text.chunks(4096) {
        s.feed(f, c);
        fed += c.len();
    }
    assert_eq!(fed, text.len());
    let stop = s.stop().cloned().expect("stopped at the budget");
    s.end_source(f);
    let t = s.finish();
    assert!(stop.spans > 0 && stop.spans < full.span_count(), "{stop:?}");
    assert!(
        stop.offset < text.len() as u64 && stop.offset % 4096 == 0,
        "{stop:?}"
    );
    assert_eq!(
        t.sources()[0].bytes,
        stop.offset,
        "no byte counted past the stop"
    );
    let said: Vec<_> = t
        .diagnostics()
        .iter()
        .filter(|d| d.kind == DiagnosticKind::MemoryBudget)
        .collect();
    assert_eq!(said.len(), 1);
    let m = &said[0].message;
    for part in [
        format!("{} spans loaded", stop.spans),
        format!("byte {}", grouped(stop.offset)),
        "spans.jsonl".to_string(),
        "Load fewer files".to_string(),
        "skein analyze".to_string(),
    ] {
        assert!(m.contains(&part), "{part:?} not in {m}");
    }
    // what was read is intact: the same spans as the first ones of a full read (the last line
    // fed may be cut off at the stop, so up to one span fewer)
    let n = t.span_count();
    assert!(
        n + 1 >= stop.spans && n <= stop.spans,
        "{n} vs {}",
        stop.spans
    );
    for i in 0..n as u32 {
        let i = skein::model::SpanIdx(i);
        let (a, b) = (t.span(i), full.span(i));
        assert_eq!(
            (a.span_id, a.start, a.end, a.name),
            (b.span_id, b.start, b.end, b.name)
        );
        assert_eq!(t.span_attributes(i).len(), full.span_attributes(i).len());
    }
}

fn grouped(n: u64) -> String {
    let d = n.to_string();
    d.chars()
        .enumerate()
        .flat_map(|(i, c)| {
            let sep = i > 0 && (d.len() - i).is_multiple_of(3);
            sep.then_some(',').into_iter().chain(std::iter::once(c))
        })
        .collect()
}
