//! What every native benchmark shares: traces written once by the shared seeded generator and
//! cached under `bench/out/`, the sizes asked for on the command line, timing in milliseconds.
//! Benchmarks print numbers and assert nothing about speed.
#![allow(
    dead_code,
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used
)] // native benches: Instant is fine

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// `bench/out/<name>`, written by `big_otel_jsonl.py <spans> <flags...>` unless `expect` (a file
/// the flags make the generator write) is already there.
pub fn generated(name: &str, spans: usize, flags: &[&str], expect: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("bench/out").join(name);
    if !dir.join(expect).exists() {
        let generator = root.join("../shared/fixtures/generators/big_otel_jsonl.py");
        let status = Command::new("python3")
            .arg(generator)
            .arg(spans.to_string())
            .args(flags)
            .arg("--out")
            .arg(&dir)
            .status()
            .expect("python3 runs the shared generator");
        assert!(status.success(), "the generator failed for {name}");
    }
    dir
}

/// The generated workflow of `spans` spans with the generator's defaults (`bench/out/big<N>`).
pub fn workflow(spans: usize) -> PathBuf {
    generated(&format!("big{spans}"), spans, &[], "spans.jsonl")
}

/// Span counts from the command line (numbers among the arguments), else `default`.
pub fn sizes(default: &[usize]) -> Vec<usize> {
    let asked: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if asked.is_empty() {
        default.to_vec()
    } else {
        asked
    }
}

/// Milliseconds since `t`.
pub fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// Best of three runs of `f`, ms, and its last result.
pub fn best<T>(mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best_ms = f64::INFINITY;
    let mut out = None;
    for _ in 0..3 {
        let t = Instant::now();
        let v = f();
        best_ms = best_ms.min(ms(t));
        out = Some(v);
    }
    (best_ms, out.expect("three runs"))
}

/// A FlowMesh folder's three files (spans, lineage, assets) as named byte buffers.
pub fn workflow_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    ["spans.jsonl", "lineage.jsonl", "assets.jsonl"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap()))
        .collect()
}

/// Total size of named buffers, MB.
pub fn megabytes(files: &[(String, Vec<u8>)]) -> f64 {
    files.iter().map(|f| f.1.len()).sum::<usize>() as f64 / 1e6
}

/// Ingests named buffers in one session, as the app does.
pub fn ingest(files: &[(String, Vec<u8>)]) -> skein::model::Trace {
    skein::ingest::ingest_sources(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())))
}
