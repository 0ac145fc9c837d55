//! Native benchmark (issue 10): queries, the statistics table, "show matches only" rows and
//! the merged flame graph on generated traces. Goals (1M spans): a query <= 100 ms, the
//! statistics table <= 300 ms, the flame graph <= 300 ms. Prints numbers (best of 3 runs),
//! asserts nothing. Traces come from the shared seeded generator, as in `benches/analysis.rs`:
//!
//!   cargo bench --no-default-features --bench query_stats -- 100000 1000000
#![allow(clippy::disallowed_methods, clippy::unwrap_used, clippy::expect_used)] // native bench: Instant is fine here

mod support;

use skein::analysis::flame::{flame_graph, FlameMode};
use skein::analysis::flowmesh::analyze;
use skein::analysis::span_critical_path::{workflow_critical_path, Rules};
use skein::analysis::stats::{statistics, GroupBy, StatsSpec};
use skein::layout::rows::filtered_rows;
use skein::query::{matches_in_order, Query, QueryContext};
use skein::view_state::Expansion;

const QUERIES: [&str; 9] = [
    "generation",
    "name=generation duration>50ms",
    "status=error or (host.name=gpu-node-01 flowmesh.type=network)",
    "model.name~^Qwen/.*8B$",
    "gen.output_tokens>=200 -model.name attempt=1 not kind=client",
    "duration>=p99",
    "duration>2.5%",
    "critical",
    "7f3",
];

fn main() {
    let sizes = support::sizes(&[100_000]);
    for n in sizes {
        let dir = support::workflow(n);
        let files: Vec<(String, Vec<u8>)> = ["spans.jsonl", "lineage.jsonl"]
            .iter()
            .map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap()))
            .collect();
        let trace =
            skein::ingest::ingest_sources(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
        drop(files);
        let critical = workflow_critical_path(&trace, &analyze(&trace), Rules::fixed());
        println!(
            "{} spans ({} critical sections)",
            trace.span_count(),
            critical.len()
        );
        let ctx = QueryContext::new(&trace, &critical);
        for q in QUERIES {
            let query = Query::parse(q).unwrap();
            let (ms, m) = support::best(|| query.matches(&ctx));
            println!("  query {ms:7.1} ms  {:>8} matches  {q}", m.count());
        }
        let query = Query::parse("name=generation duration>50ms").unwrap();
        let m = query.matches(&ctx);
        let (order_ms, order) = support::best(|| matches_in_order(&trace, &m, false));
        let (rows_ms, rows) = support::best(|| {
            filtered_rows(&trace, &Expansion::default(), &m.with_ancestors(&trace))
        });
        println!(
            "  stepping order {order_ms:.1} ms ({} matches); show-matches-only rows {rows_ms:.1} ms ({} rows)",
            order.len(),
            rows.len()
        );
        let groups: [(&str, GroupBy, Option<GroupBy>); 5] = [
            ("name", GroupBy::Name, None),
            ("service", GroupBy::Service, None),
            ("type", GroupBy::Type, None),
            (
                "attr:model.name",
                GroupBy::Attribute("model.name".into()),
                None,
            ),
            (
                "attr:data_id then name",
                GroupBy::Attribute("data_id".into()),
                Some(GroupBy::Name),
            ),
        ];
        for (label, group, subgroup) in groups {
            let spec = StatsSpec { group, subgroup };
            let (ms, s) = support::best(|| statistics(&trace, &spec, None, &critical));
            println!("  stats {ms:7.1} ms  {:>8} rows  by {label}", s.rows.len());
        }
        let (ms, s) = support::best(|| {
            let spec = StatsSpec {
                group: GroupBy::Name,
                subgroup: None,
            };
            statistics(&trace, &spec, Some(&m), &critical)
        });
        println!(
            "  stats {ms:7.1} ms  {:>8} rows  by name over the query's matches",
            s.rows.len()
        );
        for mode in FlameMode::ALL {
            let (ms, g) = support::best(|| flame_graph(&trace, mode, &critical));
            println!(
                "  flame {ms:7.1} ms  {:>8} boxes  {}",
                g.nodes().len(),
                mode.token()
            );
        }
    }
}
