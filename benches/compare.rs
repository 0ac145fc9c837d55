//! Native benchmark (issue 9): comparing two runs of the same generated workflow (another
//! worker count, so queuing and the critical path move): keying, measures, pairing, rows,
//! data ids and summary, then the JSON, and what the compare view derives from it (span links
//! and waterfall lanes, the Δ DAG with its layout). Prints numbers, asserts nothing. Goals: two 100k-span
//! runs in <= 200 ms, two 1M-span runs in <= 2 s.
//!
//!   cargo bench --no-default-features --bench compare -- 100000 1000000
#![allow(clippy::disallowed_methods, clippy::unwrap_used, clippy::expect_used)] // native bench: Instant is fine here

mod support;

use skein::analysis::compare::{
    compare, json::comparison_json, key::KeyTable, key::MatchKey, measures::measure_side,
    side::Side, side::Sides, Options,
};
use std::time::Instant;

/// Run `spans` of the generated workflow with seed 1 and `workers` workers.
fn generated(spans: usize, workers: u32) -> std::path::PathBuf {
    let w = workers.to_string();
    let flags = ["--seed", "1", "--workers", w.as_str()];
    support::generated(
        &format!("compare{spans}_w{workers}"),
        spans,
        &flags,
        "spans.jsonl",
    )
}

fn load(dir: &std::path::Path) -> skein::model::Trace {
    support::ingest(&support::workflow_files(dir))
}

fn main() {
    let sizes = support::sizes(&[100_000]);
    for n in sizes {
        let (da, db) = (generated(n, 16), generated(n, 8));
        let t = Instant::now();
        let (a, b) = (load(&da), load(&db));
        let ingest_ms = support::ms(t);
        let sides = Sides {
            a: Side::whole(&a),
            b: Side::whole(&b),
        };
        // the parts, once each
        let t = Instant::now();
        let mut keys = KeyTable::default();
        let ka = keys.key_side(&sides.a, &MatchKey::DataId);
        let kb = keys.key_side(&sides.b, &MatchKey::DataId);
        let key_ms = support::ms(t);
        let t = Instant::now();
        let ma = measure_side(&sides.a, ka, &keys);
        let mb = measure_side(&sides.b, kb, &keys);
        let measure_ms = support::ms(t);
        let t = Instant::now();
        let m = skein::analysis::compare::matching::pair(&ma.keyed, &mb.keyed);
        let pair_ms = support::ms(t);
        // the whole comparison, best of 3
        let mut best = f64::MAX;
        let mut c = None;
        for _ in 0..3 {
            let t = Instant::now();
            c = Some(compare(&sides, &Options::default()));
            best = best.min(support::ms(t));
        }
        let c = c.unwrap();
        let t = Instant::now();
        let json = comparison_json(&c);
        let json_ms = support::ms(t);
        let goal = if n >= 1_000_000 {
            2000.0
        } else {
            200.0 * n as f64 / 100_000.0
        };
        println!(
            "2 x {n} spans (ingest both {ingest_ms:.0} ms): compare {best:.0} ms (goal {goal:.0} ms) = keys {key_ms:.0} + measures (FlowMesh analysis, critical path, self time, usage) {measure_ms:.0} + pairing {pair_ms:.0} + rows/data ids/summary",
        );
        println!(
            "  {} keys, {} rows, {} data ids, matched {} / added {} / removed {} (trust {:.3}); JSON {:.1} MB in {json_ms:.0} ms",
            keys.len(),
            c.rows.len(),
            c.data_ids.len(),
            m.matched,
            m.added,
            m.removed,
            m.trust,
            json.len() as f64 / 1e6
        );
        // what the compare view derives once per comparison
        let t = Instant::now();
        let links = c.span_links();
        let lanes =
            skein::layout::compare::waterfall::lanes(&sides.a, &sides.b, &links, &c.tolerance);
        let lanes_ms = support::ms(t);
        let t = Instant::now();
        let dag = skein::layout::compare::dag::delta_dag(&c);
        let dag_ms = support::ms(t);
        println!(
            "  compare view: span links + waterfall lanes ({} + {} rows) {lanes_ms:.0} ms, Δ DAG ({} nodes, {} edges) {dag_ms:.0} ms",
            lanes.rows[0].len(),
            lanes.rows[1].len(),
            dag.nodes.len(),
            dag.edges.len()
        );
    }
}
