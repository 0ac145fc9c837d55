//! Native benchmark (issue 3): ingest, FlowMesh analysis (queuing, lineage critical path,
//! breakdowns), span-tree critical path and DAG layout on generated traces. Prints numbers,
//! asserts nothing. Traces come from the shared seeded generator (Python stdlib only):
//!
//!   cargo bench --no-default-features --bench analysis -- 100000 1000000
#![allow(clippy::disallowed_methods, clippy::unwrap_used, clippy::expect_used)] // native bench: Instant is fine here

use skein::analysis::{flowmesh::analyze, span_critical_path};
use skein::layout::dag::layout;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

fn generated(spans: usize) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(format!("bench/out/big{spans}"));
    if !dir.join("spans.jsonl").exists() {
        let generator = root.join("../shared/fixtures/generators/big_otel_jsonl.py");
        let status = Command::new("python3")
            .arg(generator)
            .arg(spans.to_string())
            .arg("--out")
            .arg(&dir)
            .status()
            .expect("python3");
        assert!(status.success());
    }
    dir
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100_000]
    } else {
        sizes
    };
    for n in sizes {
        let dir = generated(n);
        let files: Vec<(String, Vec<u8>)> = ["spans.jsonl", "lineage.jsonl", "assets.jsonl"]
            .iter()
            .map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap()))
            .collect();
        let mb = files.iter().map(|f| f.1.len()).sum::<usize>() as f64 / 1e6;
        let t = Instant::now();
        let trace =
            skein::ingest::ingest_sources(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
        let ingest_ms = ms(t);
        let t = Instant::now();
        let a = analyze(&trace);
        let flowmesh_ms = ms(t);
        let t = Instant::now();
        let sections =
            span_critical_path::critical_path(&trace, span_critical_path::Rules::fixed());
        let span_cp_ms = ms(t);
        let t = Instant::now();
        let dag = layout(a.nodes.len(), &a.edges);
        let dag_ms = ms(t);
        println!(
            "{n} spans ({mb:.0} MB): ingest {ingest_ms:.0} ms ({:.0} MB/s native)",
            mb / (ingest_ms / 1e3)
        );
        println!(
            "  analysis {:.1} ms = FlowMesh analysis (queuing, lineage critical path, breakdowns) {flowmesh_ms:.1} ms + span critical path {span_cp_ms:.1} ms ({} sections)",
            flowmesh_ms + span_cp_ms,
            sections.len()
        );
        println!(
            "  DAG layout: {} nodes, {} edges in {dag_ms:.1} ms ({} crossings left)",
            a.nodes.len(),
            a.edges.len(),
            dag.crossings
        );
        let t = Instant::now();
        let llm = skein::analysis::llm::llm_summary(&trace);
        let llm_ms = ms(t);
        let t = Instant::now();
        let failed = skein::analysis::failures::failures(&trace);
        let failures_ms = ms(t);
        let t = Instant::now();
        let palette = skein::layout::palette::Palette::new(&trace);
        let legend = palette.legend(&trace, skein::view_state::ColorMode::SpanType);
        let palette_ms = ms(t);
        println!(
            "  derived on load: LLM summary {llm_ms:.1} ms ({} calls), failures {failures_ms:.1} ms ({} failed), palette + legend {palette_ms:.1} ms ({} entries)",
            llm.total.spans,
            failed.len(),
            legend.len()
        );
    }
}
