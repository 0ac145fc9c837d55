//! Native benchmark (issue 11): the views that must stay cheap at scale. The overview strip's
//! density (once per trace and width) and its per-frame draw list; the lineage DAG's layout
//! with crossings before and after refinement; the lanes layout (once per trace and folding). Prints numbers, asserts nothing:
//!
//!   cargo bench --no-default-features --bench views -- 100000 1000000
#![allow(clippy::disallowed_methods, clippy::unwrap_used, clippy::expect_used)] // native bench: Instant is fine here

mod support;

use skein::analysis::flowmesh::analyze;
use skein::layout::dag::layout_with;
use skein::layout::overview::{density, Strip, OVERVIEW_HEIGHT_PX};
use skein::view_state::TimeWindow;
use std::time::Instant;

fn main() {
    for n in support::sizes(&[100_000]) {
        let files = support::workflow_files(&support::workflow(n));
        let trace = support::ingest(&files);
        overview(&trace, n);
        dag(&trace);
        lanes_layout(&trace);
    }
}

fn overview(trace: &skein::model::Trace, n: usize) {
    let columns = 1_200usize;
    let (density_ms, d) = support::best(|| density(trace, columns, false, None));
    let strip = Strip {
        x0_px: 240.0,
        width_px: columns as f64,
    };
    // one frame per window position of a pan across the whole load
    let frames = 200;
    let t = Instant::now();
    let mut cmds = 0;
    for i in 0..frames {
        let len = d.range.len_ns() / 20;
        let start = d.range.start_ns + d.range.len_ns() * i / frames;
        let w = TimeWindow {
            start_ns: start,
            end_ns: start + len,
        };
        cmds += strip.draw_list(&d, w, OVERVIEW_HEIGHT_PX).len();
    }
    let frame_ms = support::ms(t) / frames as f64;
    println!(
        "{n} spans: overview density over {columns} columns {density_ms:.1} ms (once per trace and width, max {} spans in a column); draw list {frame_ms:.3} ms per frame ({} commands)",
        d.max,
        cmds / frames as usize
    );
}

fn dag(trace: &skein::model::Trace) {
    let a = analyze(trace);
    let t = Instant::now();
    let plain = layout_with(a.nodes.len(), &a.edges, false);
    let plain_ms = support::ms(t);
    let t = Instant::now();
    let refined = layout_with(a.nodes.len(), &a.edges, true);
    let refined_ms = support::ms(t);
    println!(
        "  DAG {} nodes, {} edges: crossings {} after barycenter ({plain_ms:.0} ms), {} after median + transpose ({refined_ms:.0} ms in all)",
        a.nodes.len(),
        a.edges.len(),
        plain.crossings,
        refined.crossings
    );
}

fn lanes_layout(trace: &skein::model::Trace) {
    use skein::layout::lanes::{lanes, LaneBy};
    for by in [LaneBy::Thread, LaneBy::Service] {
        let (ms, l) = support::best(|| lanes(trace, by, &[]));
        let palette = skein::layout::palette::Palette::new(trace);
        let g = skein::layout::timeline::Geometry::for_viewport(1400.0, 800.0, 0.0);
        let fit = skein::view_state::navigation::fit(trace.end_time().since(trace.start_time()).0);
        let frames = 60i64;
        let (mut worst, mut total, mut cmds) = (0f64, 0f64, 0usize);
        for i in 0..frames {
            // zoomed out to the whole load, then ever closer (a zoom frame sequence)
            let len = (fit.len_ns() >> (i / 6)).max(1_000);
            let start = fit.start_ns + (fit.len_ns() - len) / 2;
            let w = TimeWindow {
                start_ns: start,
                end_ns: start + len,
            };
            let t = Instant::now();
            cmds += skein::layout::lanes_draw::draw_list(trace, &l, &palette, w, &g).len();
            let ms = support::ms(t);
            worst = worst.max(ms);
            total += ms;
        }
        println!(
            "  lanes by {by:?}: {} lanes, {} lines for {} spans in {ms:.0} ms; draw list {:.2} ms mean, {worst:.2} ms worst of {frames} zoom frames ({} commands)",
            l.lanes.len(),
            l.lines.len(),
            trace.span_count(),
            total / frames as f64,
            cmds / frames as usize
        );
    }
}
