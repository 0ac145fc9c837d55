//! Messages that say what a source is (issue 14): an HTML page, a binary file, an empty file, a
//! span that is its own parent, times outside what i64 nanoseconds hold in every reader, and the
//! exact count of a flood of bad lines. One scenario fixture per message
//! (`tests/fixtures/ingest/`, a README line each); expected texts come from the fixtures read
//! here on their own.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use skein::model::{DiagnosticKind as K, Severity, SpanFlags, Trace};
use std::io::Write;
use support::*;

fn load(name: &str) -> Trace {
    ingest_paths(&[ours(&format!("ingest/{name}"))])
}

/// The messages of a trace's diagnostics.
fn messages(t: &Trace) -> Vec<String> {
    t.diagnostics().iter().map(|d| d.message.clone()).collect()
}

/// The one diagnostic of a source refused as a whole: exactly one problem, no spans.
fn refused(t: &Trace) -> (K, String) {
    assert_eq!(t.problem_count(), 1, "{:#?}", t.diagnostics());
    assert_eq!(t.span_count(), 0);
    let d = &t.diagnostics()[0];
    assert_eq!((d.severity, d.line), (Severity::Error, None));
    (d.kind, d.message.clone())
}

const HTML_HINT: &str = "a server may have sent a login or error page instead of the file";

/// ```text
///   <!DOCTYPE html> ... <title> Sign in &middot; Example ... </title> ... <form> ...
///   -> one message naming it an HTML page, with its title, instead of "text outside any JSON
///      value" on every line
/// ```
#[test]
fn an_html_page_says_so_with_its_title() {
    let page = std::fs::read_to_string(ours("ingest/html_login_page.html")).unwrap();
    let inner = page
        .split("<title>")
        .nth(1)
        .unwrap()
        .split("</title>")
        .next()
        .unwrap();
    let title = inner
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("&middot;", "·")
        .replace("&amp;", "&");
    assert_eq!(title, "Sign in · Example Observability & Co");
    let (kind, message) = refused(&load("html_login_page.html"));
    assert_eq!(kind, K::UnknownFormat);
    assert_eq!(
        message,
        format!("this is an HTML page, not a trace (titled {title:?}): {HTML_HINT}")
    );
    let (_, message) = refused(&load("html_without_title.html"));
    assert_eq!(
        message,
        format!("this is an HTML page, not a trace: {HTML_HINT}")
    );
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(bytes).unwrap();
    z.finish().unwrap()
}

/// ```text
///   89 50 4E 47 ...   PNG        -> binary file, not a trace (a PNG image)
///   50 4B 03 04 ...   ZIP        -> ... (a ZIP archive: unpack it ...)
///   0A 5A 0A 1C ...   protobuf   -> ... (protobuf data ...)
///   FF FE 7B 00 ...   UTF-16     -> ... (UTF-16 text ...)
///   random bytes                 -> ... (a NUL byte at offset N) or (N of its first ... bytes)
/// ```
/// Each is one problem, not one per line, gzipped or not.
#[test]
fn a_binary_file_is_one_problem_saying_what_it_is() {
    let cases = [
        ("binary_png.png", "a PNG image"),
        (
            "binary_zip.zip",
            "a ZIP archive: unpack it and open the files inside",
        ),
        (
            "binary_otlp.pb",
            "protobuf data (OTLP/protobuf? Skein reads OTLP/JSON)",
        ),
        (
            "utf16_spans.jsonl",
            "UTF-16 text: Skein reads UTF-8, convert it first",
        ),
    ];
    for (file, what) in cases {
        let (kind, message) = refused(&load(file));
        assert_eq!(kind, K::UnknownFormat, "{file}");
        assert_eq!(
            message,
            format!("binary file, not a trace ({what})"),
            "{file}"
        );
        let bytes = read(&ours(&format!("ingest/{file}")));
        let zipped = gzip(&bytes);
        let t = skein::ingest::ingest_sources([("x.gz", zipped.as_slice())]);
        assert_eq!(refused(&t).1, message, "{file} gzipped");
    }
    let random = read(&ours("ingest/binary_random.bin"));
    let first_nul = random[..1024].iter().position(|&b| b == 0).unwrap();
    let (_, message) = refused(&load("binary_random.bin"));
    assert_eq!(
        message,
        format!("binary file, not a trace (a NUL byte at offset {first_nul})")
    );
}

#[test]
fn an_empty_file_says_so() {
    let (kind, message) = refused(&load("empty.jsonl"));
    assert_eq!((kind, message.as_str()), (K::EmptySource, "empty file"));
    let blank = std::fs::read_to_string(ours("ingest/only_whitespace.jsonl")).unwrap();
    assert!(!blank.is_empty() && blank.trim().is_empty());
    let (kind, message) = refused(&load("only_whitespace.jsonl"));
    assert_eq!(
        (kind, message.as_str()),
        (K::EmptySource, "empty file (only whitespace)")
    );
}

/// ```text
///   root (1)
///   loop (2) --parent--> 2   a cycle of one: shown as a root, said as such
/// ```
#[test]
fn a_span_that_is_its_own_parent_says_so() {
    let t = load("self_parent.jsonl");
    assert_eq!(t.span_count(), 2);
    let said = messages(&t);
    assert_eq!(
        said,
        vec!["span 0000000000000002 is its own parent; shown as a root"]
    );
    assert_eq!(t.diagnostics()[0].kind, K::ParentCycle);
    assert_eq!(t.diagnostics()[0].severity, Severity::Repaired);
    let looped = t.spans().iter().find(|s| s.span_id.0 == 2).unwrap();
    assert!(looped.parent.is_none() && looped.flags.has(SpanFlags::CYCLE_CUT));
    assert!(!looped.flags.has(SpanFlags::ORPHAN));
}

/// ```text
///   1677-09-21 ............ representable in i64 ns ............ 2262-04-11
///        |  good span (loads)                                       |   far span (year 9999,
///                                                                       u64-max ns, 1e300 µs,
///                                                                       start + duration past
///                                                                       the end): skipped, said
/// ```
/// One fixture per reader; nothing is clamped to the edge of the range.
#[test]
fn times_out_of_range_are_reported_in_every_reader() {
    let cases = [
        ("zipkin_year_9999.json", "Zipkin span 00000000000000b2: timestamp 253402300799000000 is out of range"),
        ("otlp_ns_beyond_i64.json", "OTLP span 0000000000000002: startTimeUnixNano 18446744073709551615 is out of range"),
        ("chrome_huge_ts.json", "X event \"far\": ts 1e+300 is out of range"),
        ("chrome_huge_ts.json", "X event \"long\" at 9200000000000000000 ns ends out of range"),
        ("mlflow_ns_beyond_i64.json", "MLflow span 0000000000000002: start_time_unix_nano 1e+20 is out of range"),
        ("jaeger_duration_overflow.json", "span 00000000000000b2: its end 1767225600000000000 ns + 9000000000000000000 ns is out of range"),
        ("otel_sdk_year_9999.jsonl", "span 0000000000000002: start_time \"9999-01-01T00:00:00Z\" is out of range"),
        ("langfuse_end_year_3000.json", "its end \"3000-01-01T00:00:00.000Z\" is out of range"),
        ("gcp_year_9999.json", "Cloud Trace span 0000000000000002: startTime \"9999-12-31T23:59:59Z\" is out of range"),
        ("log_epoch_out_of_range.jsonl", "log line's timestamp 1e+25 is out of range"),
        ("pflow_year_9999.trace.json", "pflow node \"far\" timestamp \"9999-12-31T23:59:59.999999\" is out of range"),
    ];
    for (file, says) in cases {
        let t = load(file);
        let said = messages(&t);
        assert!(
            said.iter()
                .any(|m| m.contains(says) && m.contains("1677-09-21 and 2262-04-11")),
            "{file}: want {says:?}, got {said:#?}"
        );
        // the good record still loads, and no time sits clamped at the edge of the range
        let names: Vec<&str> = t.span_indices().map(|i| t.name(i)).collect();
        let logs: Vec<&str> = t.logs().iter().map(|l| t.text(l.message)).collect();
        assert!(
            names.contains(&"good") || logs == ["good"],
            "{file}: {names:?} {logs:?}"
        );
        for s in t.spans() {
            for edge in [i64::MAX, i64::MIN] {
                assert!(s.start.0 != edge && s.end.0 != edge, "{file}: clamped");
            }
        }
        assert!(
            !names
                .iter()
                .any(|n| ["far", "year 9999", "u64 max", "endless", "far end", "long"].contains(n)),
            "{file}: {names:?}"
        );
    }
}

/// ```text
///   line 1        good span 1
///   line 2        garbage
///   line 3        good span 2
///   ...           (alternating)
///   line 100,000  garbage
/// ```
/// 100,000 lines of which 50,000 are garbage of several sorts: one group, counted exactly, and
/// the 50,000 good spans loaded.
#[test]
fn fifty_thousand_bad_lines_are_counted_exactly() {
    let mut text = Vec::new();
    for i in 0..50_000u32 {
        let span = format!(
            r#"{{"name": "s{i}", "context": {{"trace_id": "0x0000000000000000000000000000abcd", "span_id": "0x{:016x}"}}, "parent_id": null, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:01Z"}}"#,
            i + 1
        );
        text.extend_from_slice(span.as_bytes());
        text.push(b'\n');
        let garbage: &[u8] = match i % 4 {
            0 => b"this line is not JSON",
            1 => b"{\"name\": \"cut off",
            2 => b"{\"name\": \"caf\xe9\"}",
            _ => b"{\"a\": oops}",
        };
        text.extend_from_slice(garbage);
        text.push(b'\n');
    }
    assert_eq!(text.iter().filter(|&&b| b == b'\n').count(), 100_000);
    let t = skein::ingest::ingest_sources([("flood.jsonl", text.as_slice())]);
    assert_eq!(t.span_count(), 50_000);
    assert_eq!(t.problem_count(), 50_000);
    assert!(t.diagnostics().iter().all(|d| d.kind == K::InvalidJson));
    let summary = t.diagnostics().last().unwrap();
    assert_eq!(summary.line, None);
    assert_eq!(summary.message, "50,000 bad lines (first 100 listed)");
    assert_eq!(t.diagnostics().len(), 101);
}

/// Every fixture above gives the same result fed a byte at a time as fed whole.
#[test]
fn each_message_is_the_same_whatever_the_chunks() {
    let files = [
        "html_login_page.html",
        "html_without_title.html",
        "binary_png.png",
        "binary_otlp.pb",
        "utf16_spans.jsonl",
        "only_whitespace.jsonl",
        "self_parent.jsonl",
        "chrome_huge_ts.json",
        "pflow_year_9999.trace.json",
    ];
    for file in files {
        let bytes = read(&ours(&format!("ingest/{file}")));
        let whole = skein::ingest::ingest_sources([(file, bytes.as_slice())]);
        let mut s = skein::ingest::Session::new();
        let f = s.begin_source(file);
        for b in bytes.chunks(1) {
            s.feed(f, b);
        }
        s.end_source(f);
        let bytewise = s.finish();
        assert_eq!(messages(&bytewise), messages(&whole), "{file}");
        assert_eq!(bytewise.spans(), whole.spans(), "{file}");
    }
}
