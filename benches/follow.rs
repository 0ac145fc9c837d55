//! Native benchmark (issue 12): what follow mode costs per poll on a big trace that is still
//! being written. A `Session::snapshot` copies the builder and finishes the copy (linking,
//! indices) without parsing again; compared with re-reading everything, which is what a viewer
//! without incremental ingest does per poll. Prints times; asserts nothing.
//!
//!   cargo bench --no-default-features --bench follow -- 100000
#![allow(clippy::disallowed_methods, clippy::unwrap_used, clippy::expect_used)] // native bench: Instant is fine here

use skein::ingest::Session;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

fn spans_file(spans: usize) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(format!("bench/out/follow{spans}"));
    if !dir.join("spans.jsonl").exists() {
        let generator = root.join("../shared/fixtures/generators/big_otel_jsonl.py");
        let status = Command::new("python3")
            .arg(generator)
            .arg(spans.to_string())
            .args(["--out", dir.to_str().unwrap()])
            .status()
            .expect("python3");
        assert!(status.success());
    }
    dir.join("spans.jsonl")
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    for n in if sizes.is_empty() {
        vec![100_000]
    } else {
        sizes
    } {
        let bytes = std::fs::read(spans_file(n)).unwrap();
        println!(
            "{n}-span OTel JSONL ({} MB), fed in 10 bursts:",
            bytes.len() / 1_000_000
        );
        let mut s = Session::new();
        let f = s.begin_source("spans.jsonl");
        let burst = bytes.len() / 10 + 1;
        let (mut feed_ms, mut snap_ms, mut reread_ms) = (0.0, 0.0, 0.0);
        let mut at = 0;
        while at < bytes.len() {
            let end = (at + burst).min(bytes.len());
            let t = Instant::now();
            s.feed(f, &bytes[at..end]);
            feed_ms += ms(t);
            let t = Instant::now();
            let snap = s.snapshot();
            let one = ms(t);
            snap_ms += one;
            let t = Instant::now();
            let again = skein::ingest::ingest_sources([("spans.jsonl", &bytes[..end])]);
            let re = ms(t);
            reread_ms += re;
            println!(
                "  at {:>3}%: {:>7} spans, snapshot {one:>7.1} ms, re-read {re:>7.1} ms",
                end * 100 / bytes.len(),
                snap.span_count(),
            );
            assert!(again.span_count() >= snap.span_count());
            at = end;
        }
        println!("  total: feeding {feed_ms:.0} ms, snapshots {snap_ms:.0} ms, re-reading every time {reread_ms:.0} ms");
    }
}
