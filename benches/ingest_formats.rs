//! Native benchmark (issue 4): ingest throughput per format on the same generated workflow in
//! four encodings (OTel SDK JSONL, OTLP JSON Lines, Jaeger JSON, Chrome trace), fed in 64 KiB
//! chunks as the browser streams them. Prints MB/s and spans; asserts nothing.
//!
//!   cargo bench --no-default-features --bench ingest_formats -- 100000 [spans|otlp|jaeger|chrome]
#![allow(clippy::disallowed_methods, clippy::unwrap_used, clippy::expect_used)] // native bench: Instant is fine here

mod support;

use skein::ingest::Session;
use std::time::Instant;

/// The browser's read size.
const CHUNK: usize = 64 * 1024;

/// The generated workflow of `spans` spans, also as OTLP, Jaeger and Chrome files.
fn generated(spans: usize) -> std::path::PathBuf {
    let flags = ["--otlp", "--jaeger", "--chrome"];
    support::generated(
        &format!("formats{spans}"),
        spans,
        &flags,
        "trace.chrome.json",
    )
}

fn main() {
    let sizes = support::sizes(&[100_000]);
    // other arguments pick files by name, e.g. `chrome`
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a.parse::<usize>().is_err() && !a.starts_with('-'))
        .collect();
    for n in sizes {
        let dir = generated(n);
        println!(
            "{n}-span workflow, ingest per format (native, {} KiB chunks):",
            CHUNK / 1024
        );
        for (file, format) in [
            ("spans.jsonl", "OTel SDK JSONL"),
            ("otlp.jsonl", "OTLP JSON Lines"),
            ("trace.jaeger.json", "Jaeger JSON"),
            ("trace.chrome.json", "Chrome trace"),
        ] {
            if !only.is_empty() && !only.iter().any(|o| file.contains(o.as_str())) {
                continue;
            }
            let bytes = std::fs::read(dir.join(file)).unwrap();
            let mb = bytes.len() as f64 / 1e6;
            let t = Instant::now();
            let mut session = Session::new();
            let f = session.begin_source(file);
            for chunk in bytes.chunks(CHUNK) {
                session.feed(f, chunk);
            }
            session.end_source(f);
            let trace = session.finish();
            let s = t.elapsed().as_secs_f64();
            println!(
                "  {format:<16} {file:<18} {mb:>7.1} MB  {:>6.0} ms  {:>6.1} MB/s  {:>8.0} spans/s  ({} spans, {} problems)",
                s * 1e3,
                mb / s,
                trace.span_count() as f64 / s,
                trace.span_count(),
                trace.diagnostics().len()
            );
        }
    }
}
