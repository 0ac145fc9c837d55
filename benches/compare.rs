//! Native benchmark (issue 9): comparing two runs of the same generated workflow (another
//! worker count, so queuing and the critical path move): keying, measures, pairing, rows,
//! data ids and summary, then the JSON, and what the compare view derives from it (span links
//! and waterfall lanes, the Δ DAG with its layout). Prints numbers, asserts nothing. Goals: two 100k-span
//! runs in <= 200 ms, two 1M-span runs in <= 2 s.
//!
//!   cargo bench --no-default-features --bench compare -- 100000 1000000
#![allow(clippy::disallowed_methods, clippy::unwrap_used, clippy::expect_used)] // native bench: Instant is fine here

use skein::analysis::compare::{
    compare, json::comparison_json, key::KeyTable, key::MatchKey, measures::measure_side,
    side::Side, side::Sides, Options,
};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

fn generated(spans: usize, workers: u32) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(format!("bench/out/compare{spans}_w{workers}"));
    if !dir.join("spans.jsonl").exists() {
        let generator = root.join("../shared/fixtures/generators/big_otel_jsonl.py");
        let status = Command::new("python3")
            .arg(generator)
            .arg(spans.to_string())
            .args(["--seed", "1", "--workers", &workers.to_string(), "--out"])
            .arg(&dir)
            .status()
            .expect("python3");
        assert!(status.success());
    }
    dir
}

fn load(dir: &std::path::Path) -> skein::model::Trace {
    let files: Vec<(String, Vec<u8>)> = ["spans.jsonl", "lineage.jsonl", "assets.jsonl"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap()))
        .collect();
    skein::ingest::ingest_sources(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())))
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
        let (da, db) = (generated(n, 16), generated(n, 8));
        let t = Instant::now();
        let (a, b) = (load(&da), load(&db));
        let ingest_ms = ms(t);
        let sides = Sides {
            a: Side::whole(&a),
            b: Side::whole(&b),
        };
        // the parts, once each
        let t = Instant::now();
        let mut keys = KeyTable::default();
        let ka = keys.key_side(&sides.a, &MatchKey::DataId);
        let kb = keys.key_side(&sides.b, &MatchKey::DataId);
        let key_ms = ms(t);
        let t = Instant::now();
        let ma = measure_side(&sides.a, ka, &keys);
        let mb = measure_side(&sides.b, kb, &keys);
        let measure_ms = ms(t);
        let t = Instant::now();
        let m = skein::analysis::compare::matching::pair(&ma.keyed, &mb.keyed);
        let pair_ms = ms(t);
        // the whole comparison, best of 3
        let mut best = f64::MAX;
        let mut c = None;
        for _ in 0..3 {
            let t = Instant::now();
            c = Some(compare(&sides, &Options::default()));
            best = best.min(ms(t));
        }
        let c = c.unwrap();
        let t = Instant::now();
        let json = comparison_json(&c);
        let json_ms = ms(t);
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
        let lanes_ms = ms(t);
        let t = Instant::now();
        let dag = skein::layout::compare::dag::delta_dag(&c);
        let dag_ms = ms(t);
        println!(
            "  compare view: span links + waterfall lanes ({} + {} rows) {lanes_ms:.0} ms, Δ DAG ({} nodes, {} edges) {dag_ms:.0} ms",
            lanes.rows[0].len(),
            lanes.rows[1].len(),
            dag.nodes.len(),
            dag.edges.len()
        );
    }
}
