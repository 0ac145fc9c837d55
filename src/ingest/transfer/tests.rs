//! Round trips of real traces through the transfer format, and malformed buffers.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::ingest::ingest_sources;
use crate::model::Trace;

/// Every table and index of a trace as text (f64 NaN compares equal as text).
fn dump(t: &Trace) -> Vec<String> {
    let (tables, index) = t.parts();
    let texts: Vec<&str> = (0..tables.strings.len() as u32)
        .map(|i| tables.strings.text(crate::model::StrIdx(i)))
        .collect();
    vec![
        format!("{texts:?}"),
        format!("{:?}", tables.trace_ids),
        format!("{:?}", tables.spans),
        format!("{:?}", tables.attributes),
        format!("{:?}", tables.events),
        format!("{:?}", tables.links),
        format!("{:?}", tables.resources),
        format!("{:?}", tables.lineage),
        format!("{:?}", tables.assets),
        format!("{:?}", tables.sources),
        format!("{:?}", tables.logs),
        format!("{:?}", tables.diagnostics),
        format!("{:?}", tables.problem_count),
        format!("{index:?}"),
    ]
}

fn shared(rel: &str) -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    std::fs::read(root.join(rel)).unwrap()
}

/// Fixtures of every shape the readers fill: OTel spans with lineage and assets, MLflow with
/// assessments, Chrome with instants, Jaeger with logs and references, JSON log lines, and a
/// file with repairs (orphans, duplicates).
fn traces() -> Vec<Trace> {
    let sets: [&[&str]; 6] = [
        &[
            "generated/otel_sdk/spans.jsonl",
            "generated/otel_sdk/lineage.jsonl",
            "generated/otel_sdk/assets.jsonl",
        ],
        &["generated/mlflow/traces.jsonl"],
        &["public/chrome/catapult_instant_events.json"],
        &["public/jaeger/jaeger-ui_genaiTestTrace.json"],
        &[
            "generated/structlog/worker.log.jsonl",
            "generated/big_sample_1k/spans.jsonl",
        ],
        &[
            "generated/otel_sdk/spans.jsonl",
            "generated/otel_sdk/spans.jsonl",
        ],
    ];
    sets.iter()
        .map(|files| {
            let bytes: Vec<(String, Vec<u8>)> =
                files.iter().map(|f| (f.to_string(), shared(f))).collect();
            ingest_sources(bytes.iter().map(|(n, b)| (n.as_str(), b.as_slice())))
        })
        .collect()
}

#[test]
fn traces_come_back_exactly() {
    for t in traces() {
        assert!(t.span_count() > 0);
        let back = decode_list(encode_trace(&t).into_list()).unwrap();
        assert_eq!(dump(&back), dump(&t));
        assert_eq!(back.start_time(), t.start_time());
        let first = back.span(crate::model::SpanIdx(0)).span_id;
        assert_eq!(back.find_span(first), t.find_span(first));
    }
    let empty = Trace::default();
    assert_eq!(
        dump(&decode_list(encode_trace(&empty).into_list()).unwrap()),
        dump(&empty)
    );
}

#[test]
fn malformed_buffers_are_errors_not_panics() {
    let t = &traces()[0];
    let list = encode_trace(t).into_list();
    for k in 0..list.len() {
        // cut each buffer at a few places, and flip bytes in it
        let len = list[k].len();
        for cut in [0, 1, len / 3, len / 2, len.saturating_sub(1)] {
            let mut bad = list.clone();
            bad[k].truncate(cut);
            let _ = decode_list(bad);
        }
        for at in (0..len).step_by((len / 97).max(1)) {
            let mut bad = list.clone();
            bad[k][at] ^= 0x5a;
            let _ = decode_list(bad);
        }
    }
    assert!(decode_list(Vec::new()).is_err());
}

#[test]
fn partial_reads_come_back_and_merge_like_the_originals() {
    use crate::ingest::merge::merge;
    use crate::ingest::Session;
    let inputs = [
        shared("generated/otel_sdk/spans.jsonl"),
        shared("generated/otel_sdk/lineage.jsonl"),
        shared("generated/otel_sdk/spans.jsonl"),
    ];
    let read = |k: usize| {
        let mut s = Session::new();
        s.begin_input(k as u32);
        let f = s.begin_source("spans.jsonl");
        s.feed(f, &inputs[k]);
        s.end_source(f);
        s.end_input();
        s.into_partial()
    };
    let direct = merge((0..3).map(read).collect());
    let through = merge(
        (0..3)
            .map(|k| {
                let mut list: Vec<Option<Vec<u8>>> =
                    encode_partial(&read(k)).into_iter().map(Some).collect();
                decode_partial(&mut |i| list[i].take().unwrap()).unwrap()
            })
            .collect(),
    );
    assert_eq!(dump(&through), dump(&direct));
    assert!(
        direct.problem_count() >= 31,
        "the repeated file's spans are duplicates"
    );
}
