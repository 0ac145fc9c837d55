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
