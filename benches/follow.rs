//! Native benchmark (issue 12): what follow mode costs per poll on a big trace that is still
//! being written. A `Session::snapshot` copies the builder and finishes the copy (linking,
//! indices) without parsing again; compared with re-reading everything, which is what a viewer
//! without incremental ingest does per poll. Prints times; asserts nothing.
//!
//!   cargo bench --no-default-features --bench follow -- 100000
#![allow(clippy::disallowed_methods, clippy::unwrap_used, clippy::expect_used)] // native bench: Instant is fine here

mod support;

use skein::ingest::Session;
use std::time::Instant;

fn main() {
    for n in support::sizes(&[100_000]) {
        let bytes = std::fs::read(
            support::generated(&format!("follow{n}"), n, &[], "spans.jsonl").join("spans.jsonl"),
        )
        .unwrap();
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
            feed_ms += support::ms(t);
            let t = Instant::now();
            let snap = s.snapshot();
            let one = support::ms(t);
            snap_ms += one;
            let t = Instant::now();
            let again = skein::ingest::ingest_sources([("spans.jsonl", &bytes[..end])]);
            let re = support::ms(t);
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
