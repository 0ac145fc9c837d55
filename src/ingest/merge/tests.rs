//! Merged partial reads against one sequential read of the same inputs.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::ingest::ingest_sources;
use crate::model::{SpanIdx, StrIdx};

fn shared(rel: &str) -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    std::fs::read(root.join(rel)).unwrap()
}

/// A trace as text, independent of table positions: spans with their parents' ids, attribute
/// and event texts; lineage, assets, logs, sources; diagnostics sorted.
fn canonical(t: &Trace) -> Vec<String> {
    let text = |s: StrIdx| t.text(s).to_string();
    let mut out: Vec<String> = t
        .span_indices()
        .map(|i| {
            let s = t.span(i);
            let attrs: Vec<String> = t
                .span_attributes(i)
                .iter()
                .map(|a| format!("{}={:?}", text(a.key), value(t, a.value)))
                .collect();
            let events: Vec<String> = t
                .span_events(i)
                .iter()
                .map(|e| {
                    format!(
                        "{}@{}:{}",
                        text(e.name),
                        e.time.0,
                        t.attribute_slice(&e.attributes).len()
                    )
                })
                .collect();
            format!(
                "{} {} parent={:?}/{} {} {}..{} {:?} {}:{} {:?} {:?} {} {:?}",
                t.trace_id(i),
                s.span_id,
                s.parent.map(|p| t.span(p).span_id),
                s.parent_span_id,
                t.name(i),
                s.start.0,
                s.end.0,
                s.flags,
                t.source_name(s.source),
                s.line,
                attrs,
                events,
                t.service_name(i),
                t.depth_of(i)
            )
        })
        .collect();
    out.push(format!("{:?}", t.lineage()));
    out.push(format!("{:?}", t.assets()));
    for l in t.logs() {
        out.push(format!(
            "log {} {} {:?} {}",
            l.time.0,
            text(l.message),
            l.span.map(|s| t.span(s).span_id),
            t.source_name(l.source)
        ));
    }
    out.push(format!("{:?}", t.sources()));
    let mut d: Vec<String> = t.diagnostics().iter().map(|d| format!("{d:?}")).collect();
    d.sort();
    out.extend(d);
    out.push(format!("problems {}", t.problem_count()));
    out.push(format!(
        "roots {:?}",
        t.roots()
            .iter()
            .map(|r| t.span(*r).span_id)
            .collect::<Vec<_>>()
    ));
    out
}

fn value(t: &Trace, v: crate::model::AttrValue) -> String {
    match v {
        crate::model::AttrValue::Str(s) | crate::model::AttrValue::Json(s) => t.text(s).to_string(),
        other => format!("{other:?}"),
    }
}

/// ```text
///  input  0 spans.part0  ─┐  big_sample_1k's spans cut in three by lines: children often sit
///  input  1 spans.part1   ├─ in an earlier part than their parent (the SDK writes a parent last)
///  input  2 spans.part2  ─┘
///  input  3 lineage.jsonl, 4 assets.jsonl, 5 worker.log.jsonl (logs joined to spans)
///  input  6 spans.jsonl (otel_sdk)   input 7 the same file again: every span a duplicate
///  input  8 bad.jsonl: a repeat of part 0's first line, a broken line, an orphan
///
///  workers (round robin):  A = 0 3 6   B = 1 4 7   C = 2 5 8
/// ```
#[test]
fn merged_partial_reads_equal_one_read_in_order() {
    let spans = shared("generated/big_sample_1k/spans.jsonl");
    let lines: Vec<&[u8]> = spans
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let third = lines.len() / 3;
    let part = |a: usize, b: usize| lines[a..b].join(&b'\n');
    let otel = shared("generated/otel_sdk/spans.jsonl");
    let mut orphan: serde_json::Value =
        serde_json::from_slice(otel.split(|&b| b == b'\n').next().unwrap()).unwrap();
    orphan["context"]["span_id"] = "0x00000000000000aa".into();
    orphan["parent_id"] = "0x00000000000000bb".into();
    let bad = format!(
        "{}\n{{\"broken\n{orphan}\n",
        std::str::from_utf8(lines[0]).unwrap()
    );
    let inputs: Vec<(String, Vec<u8>)> = vec![
        ("spans.part0".into(), part(0, third)),
        ("spans.part1".into(), part(third, 2 * third)),
        ("spans.part2".into(), part(2 * third, lines.len())),
        (
            "lineage.jsonl".into(),
            shared("generated/big_sample_1k/lineage.jsonl"),
        ),
        (
            "assets.jsonl".into(),
            shared("generated/big_sample_1k/assets.jsonl"),
        ),
        (
            "worker.log.jsonl".into(),
            shared("generated/structlog/worker.log.jsonl"),
        ),
        ("spans.jsonl".into(), otel.clone()),
        ("spans.jsonl".into(), otel),
        ("bad.jsonl".into(), bad.into_bytes()),
    ];
    let whole = ingest_sources(inputs.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    assert!(
        whole.diagnostics().len() > 30,
        "duplicates, a broken line, an orphan"
    );
    for workers in [1, 2, 3] {
        let mut sessions: Vec<Session> = (0..workers).map(|_| Session::new()).collect();
        for (k, (name, bytes)) in inputs.iter().enumerate() {
            let s = &mut sessions[k % workers];
            s.begin_input(k as u32);
            let f = s.begin_source(name);
            for c in bytes.chunks(5000) {
                s.feed(f, c);
            }
            s.end_source(f);
            s.end_input();
        }
        let merged = merge(sessions.into_iter().map(Session::into_partial).collect());
        assert_eq!(merged.span_count(), whole.span_count(), "{workers} workers");
        let (a, b) = (canonical(&merged), canonical(&whole));
        let first = a.iter().zip(&b).position(|(x, y)| x != y);
        assert!(
            first.is_none() && a.len() == b.len(),
            "{workers} workers, first difference at {first:?}:\n{:?}\n{:?}",
            first.map(|k| &a[k]),
            first.map(|k| &b[k])
        );
    }
    // the parts really were linked across workers: some span of part 0 has its parent in part 1
    let crossing = whole
        .span_indices()
        .filter(|&i| whole.source_name(whole.span(i).source) == "spans.part0")
        .filter_map(|i| whole.span(i).parent)
        .any(|p: SpanIdx| whole.source_name(whole.span(p).source) != "spans.part0");
    assert!(crossing, "the scenario links across parts");
}
