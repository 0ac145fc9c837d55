//! Native benchmark (issue 11): what a loaded span costs in memory, table by table, and what the
//! parse worker hands the page (the transfer format): buffer sizes, encode and decode times.
//! Reads the shared generator's FlowMesh workflow (spans + lineage + assets) streamed in 64 KiB
//! chunks as the browser does. Prints numbers; asserts nothing.
//!
//!   cargo bench --no-default-features --bench load_memory -- 100000 1000000
#![allow(clippy::disallowed_methods, clippy::unwrap_used, clippy::expect_used)] // native bench: Instant is fine here

use skein::ingest::transfer::{decode_list, encode_trace};
use skein::ingest::Session;
use std::io::Read;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

const CHUNK: usize = 64 * 1024;

fn generated(spans: usize) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(format!("bench/out/big{spans}"));
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
    dir
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
        let dir = generated(n);
        let t0 = Instant::now();
        let mut session = Session::new();
        let mut bytes = 0u64;
        let mut buf = vec![0u8; CHUNK];
        for file in ["spans.jsonl", "lineage.jsonl", "assets.jsonl"] {
            let mut f = std::fs::File::open(dir.join(file)).unwrap();
            let src = session.begin_source(file);
            loop {
                let k = f.read(&mut buf).unwrap();
                if k == 0 {
                    break;
                }
                bytes += k as u64;
                session.feed(src, &buf[..k]);
            }
            session.end_source(src);
        }
        let trace = session.finish();
        let read_s = t0.elapsed().as_secs_f64();
        let spans = trace.span_count() as f64;
        println!(
            "{n}-span workflow: {:.1} MB read and built in {:.0} ms ({:.0} MB/s)",
            bytes as f64 / 1e6,
            read_s * 1e3,
            bytes as f64 / 1e6 / read_s
        );
        let parts = trace.heap_bytes();
        let total: usize = parts.iter().map(|(_, b)| b).sum();
        println!(
            "  trace in memory      {:>8.1} MB = {:>5.0} bytes a span",
            total as f64 / 1e6,
            total as f64 / spans
        );
        for (part, b) in &parts {
            println!(
                "    {part:<18} {:>8.1} MB   {:>5.0} bytes a span",
                *b as f64 / 1e6,
                *b as f64 / spans
            );
        }
        let t1 = Instant::now();
        let buffers = encode_trace(&trace);
        let encode_s = t1.elapsed().as_secs_f64();
        let sent = buffers.len();
        let list = buffers.into_list();
        let names = [
            "meta",
            "arena",
            "lengths",
            "spans",
            "attributes",
            "events",
            "index",
        ];
        println!(
            "  transfer buffers     {:>8.1} MB = {:>5.0} bytes a span ({:.0} % of the trace), encoded in {:.0} ms",
            sent as f64 / 1e6,
            sent as f64 / spans,
            100.0 * sent as f64 / total as f64,
            encode_s * 1e3
        );
        for (name, b) in names.iter().zip(&list) {
            println!(
                "    {name:<18} {:>8.1} MB   {:>5.0} bytes a span",
                b.len() as f64 / 1e6,
                b.len() as f64 / spans
            );
        }
        let t2 = Instant::now();
        let back = decode_list(list).unwrap();
        println!(
            "  decoded in {:.0} ms ({} spans)",
            t2.elapsed().as_secs_f64() * 1e3,
            back.span_count()
        );
    }
}
