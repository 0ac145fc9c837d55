//! Bad input never panics, in any reader: one real file per format, cut at 60 places and with
//! bytes overwritten at 60 places (a seeded generator), loads what it can. A cut file never
//! yields more spans than the whole one, and a cut inside a record is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use support::*;

const FILES: [&str; 13] = [
    "generated/otel_sdk/spans.jsonl",
    "generated/otel_sdk/console_exporter.txt",
    "generated/otel_sdk/otlp_traces.jsonl",
    "generated/langfuse/otlp_requests.protojson_raw.jsonl",
    "public/jaeger/jaeger-ui_genaiTestTrace.json",
    "public/zipkin/zipkin-lens_yelp.json",
    "public/chrome/catapult_simple_trace.json",
    "generated/mlflow/traces.jsonl",
    "public/langfuse/langfuse_claude-agent-2025-12-22.trace.json",
    "generated/structlog/worker.log.jsonl",
    "public/other/catapult_google_cloud_trace.json",
    "generated/pflow/nested_workflow.trace.json",
    "generated/pflow/legacy/v0.12_nested_workflow.trace.json",
];

/// xorshift64: a fixed, seeded sequence (no dependency, same on every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn load(name: &str, bytes: &[u8]) -> skein::model::Trace {
    skein::ingest::ingest_sources([(name, bytes)])
}

#[test]
fn cut_files_load_a_prefix_and_say_where_they_were_cut() {
    for rel in FILES {
        let bytes = read(&shared(rel));
        let whole = load(rel, &bytes);
        let records = whole.span_count() + whole.logs().len();
        assert!(records > 0, "{rel}");
        for k in 1..60 {
            let cut = bytes.len() * k / 60;
            let part = &bytes[..cut];
            let t = load(rel, part);
            assert!(t.span_count() <= whole.span_count(), "{rel} cut at {cut}");
            // a cut in the middle of a value is always said (a cut between records need not be)
            let mid_value = !part.ends_with(b"\n")
                && !part.ends_with(b"}\n")
                && serde_json::from_slice::<serde_json::Value>(part).is_err();
            let lines_ok = part.split(|b| *b == b'\n').all(|l| {
                l.iter().all(u8::is_ascii_whitespace)
                    || serde_json::from_slice::<serde_json::Value>(l).is_ok()
            });
            if mid_value && !lines_ok {
                assert!(
                    !t.diagnostics().is_empty(),
                    "{rel} cut at {cut}: nothing reported"
                );
            }
        }
    }
}

#[test]
fn overwritten_bytes_never_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    for rel in FILES {
        let bytes = read(&shared(rel));
        for _ in 0..60 {
            let mut b = bytes.clone();
            for _ in 0..1 + rng.next() % 4 {
                let at = (rng.next() % b.len() as u64) as usize;
                b[at] = [b'"', b'{', b'}', b'[', b']', b',', b':', b'\\', 0xff, b'0']
                    [(rng.next() % 10) as usize];
            }
            let t = load(rel, &b);
            // whatever broke is reported or harmless; the rest still loads
            assert!(
                t.span_count() + t.logs().len() + t.diagnostics().len() > 0,
                "{rel}: silently empty"
            );
        }
    }
}
