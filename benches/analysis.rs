//! Native benchmark (issue 3): ingest, FlowMesh analysis (queuing, lineage critical path,
//! breakdowns), span-tree critical path and DAG layout on generated traces. Prints numbers,
//! asserts nothing. Traces come from the shared seeded generator (Python stdlib only):
//!
//!   cargo bench --no-default-features --bench analysis -- 100000 1000000
#![allow(clippy::disallowed_methods, clippy::unwrap_used, clippy::expect_used)] // native bench: Instant is fine here

mod support;

use skein::analysis::{flowmesh::analyze, span_critical_path};
use skein::layout::dag::layout;
use std::time::Instant;

fn main() {
    let sizes = support::sizes(&[100_000]);
    for n in sizes {
        let files = support::workflow_files(&support::workflow(n));
        let mb = support::megabytes(&files);
        let t = Instant::now();
        let trace = support::ingest(&files);
        let ingest_ms = support::ms(t);
        let t = Instant::now();
        let a = analyze(&trace);
        let flowmesh_ms = support::ms(t);
        let t = Instant::now();
        let sections =
            span_critical_path::critical_path(&trace, span_critical_path::Rules::fixed());
        let span_cp_ms = support::ms(t);
        let t = Instant::now();
        let dag = layout(a.nodes.len(), &a.edges);
        let dag_ms = support::ms(t);
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
        let llm_ms = support::ms(t);
        let t = Instant::now();
        let failed = skein::analysis::failures::failures(&trace);
        let failures_ms = support::ms(t);
        let t = Instant::now();
        let palette = skein::layout::palette::Palette::new(&trace);
        let legend = palette.legend(&trace, skein::view_state::ColorMode::SpanType);
        let palette_ms = support::ms(t);
        println!(
            "  derived on load: LLM summary {llm_ms:.1} ms ({} calls), failures {failures_ms:.1} ms ({} failed), palette + legend {palette_ms:.1} ms ({} entries)",
            llm.total.spans,
            failed.len(),
            legend.len()
        );
    }
}
