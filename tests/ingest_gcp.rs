//! Google Cloud Trace v1: decimal span ids, parents, kinds and labels, read against the file.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use skein::model::SpanId;
use support::*;

#[test]
fn cloud_trace_spans_and_parents_match_the_file() {
    let rel = "public/other/catapult_google_cloud_trace.json";
    let t = ingest_paths(&[shared(rel)]);
    let d: serde_json::Value = serde_json::from_slice(&read(&shared(rel))).unwrap();
    assert!(t.diagnostics().is_empty(), "{:#?}", t.diagnostics());
    assert_eq!(t.sources()[0].format, "Google Cloud Trace");
    let spans = d["spans"].as_array().unwrap();
    assert_eq!(t.span_count(), spans.len());
    for s in spans {
        let id = SpanId(s["spanId"].as_str().unwrap().parse().unwrap());
        let ours = t.span(t.find_span(id).unwrap());
        assert_eq!(t.text(ours.name), s["name"].as_str().unwrap());
        match s.get("parentSpanId").and_then(|p| p.as_str()) {
            Some(p) => assert_eq!(
                ours.parent.map(|x| t.span(x).span_id),
                Some(SpanId(p.parse().unwrap()))
            ),
            None => assert!(ours.parent.is_none()),
        }
    }
    assert_eq!(
        t.trace_ids()[0].to_string(),
        d["traceId"].as_str().unwrap().to_lowercase()
    );
}
