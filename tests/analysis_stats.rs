//! Statistics on scenarios drawn below: self time with parallel children that overlap each
//! other and outlive their parent, grouping by an attribute some spans lack, sub-groups, the
//! critical-path column, scopes, sorting, nearest-rank percentiles and histograms. Expected
//! numbers are worked out by hand from the diagrams.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use skein::analysis::span_critical_path::{critical_path, Rules};
use skein::analysis::span_set::SpanSet;
use skein::analysis::stats::{
    attribute_keys, duration_histogram, nearest_rank, spans_in_window, statistics, Column, GroupBy,
    HistogramBin, Scope, Statistics, StatsRow, StatsSpec,
};
use skein::model::{SpanId, Trace};
use skein::query::{Query, QueryContext};
use support::*;

const MS: i64 = 1_000_000;

/// `tests/fixtures/stats/parallel_children.jsonl` (ms):
///
/// ```text
///  trace 1                0    10   30 40 50 60    80   100       130
///  [a1] root   api        [==========================]                tier=gold
///  [a2] fetch  api             [============]                         tier=gold
///  [a5] parse  api                    [=]                             under a2
///  [a3] fetch  api                  [============]                    ERROR, no tier
///  [a4] generate llm                       [====================]     LLM 100 in / 20 out, tier=silver
///
///  trace 2               200  205      215  220
///  [a6] root   api        [===================]                       no tier
///  [a7] generate llm          [=========]                             LLM 1000 in / 500 out, ERROR
/// ```
///
/// Self times: a1 = 100 - |[10,60] ∪ [30,80] ∪ [50,130] clipped to [0,100]| = 100 - 90 = 10;
/// a2 = 50 - 5 = 45; a3 = 50; a4 = 80; a5 = 5; a6 = 20 - 10 = 10; a7 = 10.
fn scenario() -> Trace {
    ingest_paths(&[ours("stats/parallel_children.jsonl")])
}

fn table(t: &Trace, group: GroupBy, sub: Option<GroupBy>, scope: Option<&SpanSet>) -> Statistics {
    let spec = StatsSpec {
        group,
        subgroup: sub,
    };
    statistics(t, &spec, scope, &[])
}

/// Each row as "label: count, total, self, p50, p95, max (ms), errors".
fn summary(rows: &[StatsRow]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            format!(
                "{}: {} spans, total {}, self {}, p50 {}, p95 {}, max {}, {} errors",
                r.label(),
                r.count,
                r.total_ns / MS,
                r.self_ns / MS,
                r.p50_ns / MS,
                r.p95_ns / MS,
                r.max_ns / MS,
                r.errors
            )
        })
        .collect()
}

#[test]
fn self_time_stays_within_each_span_when_children_overlap_and_outlive_it() {
    let t = scenario();
    let want = [
        (0xa1, 10),
        (0xa2, 45),
        (0xa3, 50),
        (0xa4, 80),
        (0xa5, 5),
        (0xa6, 10),
        (0xa7, 10),
    ];
    for (id, self_ms) in want {
        let s = t.find_span(SpanId(id)).unwrap();
        let row = statistics(
            &t,
            &StatsSpec {
                group: GroupBy::Name,
                subgroup: None,
            },
            Some(&SpanSet::from_indices(t.span_count(), [s])),
            &[],
        )
        .total;
        assert_eq!(row.self_ns, self_ms * MS, "{id:x}");
        assert!(row.self_ns >= 0 && row.self_ns <= row.total_ns);
    }
}

#[test]
fn by_name_every_column() {
    let t = scenario();
    let s = table(&t, GroupBy::Name, None, None);
    // root: 100 + 20; p50 of [20, 100] is rank ceil(1) = 20, p95 rank ceil(1.9) = 2 -> 100
    assert_eq!(
        summary(&s.rows),
        vec![
            "root: 2 spans, total 120, self 20, p50 20, p95 100, max 100, 0 errors",
            "fetch: 2 spans, total 100, self 95, p50 50, p95 50, max 50, 1 errors",
            "generate: 2 spans, total 90, self 90, p50 10, p95 80, max 80, 1 errors",
            "parse: 1 spans, total 5, self 5, p50 5, p95 5, max 5, 0 errors",
        ]
    );
    let generate = &s.rows[2];
    assert_eq!((generate.tokens_in, generate.tokens_out), (1100, 520));
    assert_eq!(generate.avg_ns, 45 * MS);
    assert_eq!(generate.min_ns, 10 * MS);
    assert_eq!(t.span(generate.slowest.unwrap()).span_id, SpanId(0xa4));
    assert!((s.rows[0].self_percent() - 100.0 * 20.0 / 120.0).abs() < 1e-9);
    assert_eq!(s.total.count, 7);
    assert_eq!(s.total.spans.len(), 7);
    let in_rows: usize = s.rows.iter().map(|r| r.spans.len()).sum();
    assert_eq!(in_rows, 7);
    assert_eq!(s.total.total_ns, 315 * MS);
    assert_eq!(s.total.self_ns, 210 * MS);
    assert_eq!(s.total.errors, 2);
}

#[test]
fn an_attribute_some_spans_lack_groups_them_under_none() {
    let t = scenario();
    let s = table(&t, GroupBy::Attribute("tier".into()), None, None);
    // gold: a1 100 + a2 50; (none): a3 50 + a5 5 + a6 20 + a7 10; silver: a4 80
    assert_eq!(
        summary(&s.rows),
        vec![
            "gold: 2 spans, total 150, self 55, p50 50, p95 100, max 100, 0 errors",
            "(none): 4 spans, total 85, self 75, p50 10, p95 50, max 50, 2 errors",
            "silver: 1 spans, total 80, self 80, p50 80, p95 80, max 80, 0 errors",
        ]
    );
    assert_eq!(s.rows[1].group, None);
    // resource attributes group too; a key nobody has puts everything under (none)
    let hosts = table(&t, GroupBy::Attribute("host.name".into()), None, None);
    let labels: Vec<(&str, u64)> = hosts.rows.iter().map(|r| (r.label(), r.count)).collect();
    assert_eq!(labels, [("h1", 5), ("h2", 2)]);
    let nobody = table(&t, GroupBy::Attribute("nope".into()), None, None);
    assert_eq!(nobody.rows[0].label(), "(none)");
    assert_eq!(nobody.rows[0].count, 7);
    // numbers group by their text
    let retries = table(&t, GroupBy::Attribute("retries".into()), None, None);
    let labels: Vec<&str> = retries.rows.iter().map(|r| r.label()).collect();
    assert_eq!(labels, ["(none)", "0", "2"]);
}

#[test]
fn services_with_names_inside_and_types() {
    let t = scenario();
    let s = table(&t, GroupBy::Service, Some(GroupBy::Name), None);
    let nested: Vec<String> = s
        .rows
        .iter()
        .map(|r| {
            let subs: Vec<String> = r
                .subgroups
                .iter()
                .map(|g| format!("{} {}", g.label(), g.count))
                .collect();
            format!("{} {}: {}", r.label(), r.count, subs.join(", "))
        })
        .collect();
    assert_eq!(
        nested,
        ["api 5: root 2, fetch 2, parse 1", "llm 2: generate 2"]
    );
    let sub_total: i64 = s.rows[0].subgroups.iter().map(|g| g.total_ns).sum();
    assert_eq!(sub_total, s.rows[0].total_ns);
    let types = table(&t, GroupBy::Type, None, None);
    let labels: Vec<(&str, u64)> = types.rows.iter().map(|r| (r.label(), r.count)).collect();
    assert_eq!(labels, [("(none)", 5), ("LLM", 2)]);
}

/// The critical path (Jaeger's rule, README): in trace 1 `generate` [50,130] clipped to
/// [50,100] finished last, so it is critical 50..100; neither `fetch` ended by 50, so `root`
/// itself is critical 0..50. In trace 2, `root` is critical 15..20 and 0..5 around
/// `generate` 5..15.
#[test]
fn time_on_the_critical_path_per_group() {
    let t = scenario();
    let sections = critical_path(&t, Rules::fixed());
    let spec = StatsSpec {
        group: GroupBy::Name,
        subgroup: None,
    };
    let s = statistics(&t, &spec, None, &sections);
    let crit: Vec<(&str, i64)> = s
        .rows
        .iter()
        .map(|r| (r.label(), r.critical_ns / MS))
        .collect();
    assert_eq!(
        crit,
        [("root", 60), ("fetch", 0), ("generate", 60), ("parse", 0)]
    );
    assert_eq!(s.total.critical_ns, 120 * MS);
    let mut by_crit = s.clone();
    by_crit.sort_by(Column::Critical, true);
    let order: Vec<&str> = by_crit.rows.iter().map(|r| r.label()).collect();
    assert_eq!(order, ["generate", "root", "fetch", "parse"]); // ties by label
}

#[test]
fn scopes_window_and_matches() {
    let t = scenario();
    let window = spans_in_window(&t, 0, 20 * MS, false);
    let ids: Vec<u64> = window.iter().map(|s| t.span(s).span_id.0).collect();
    assert_eq!(ids, [0xa1, 0xa2]); // a1 [0,100] and a2 [10,60] overlap [0, 20]
    let aligned = spans_in_window(&t, 0, 20 * MS, true);
    assert_eq!(aligned.count(), 4); // trace 2 drawn from its own start: a6 and a7 too
    let s = table(&t, GroupBy::Name, None, Some(&window));
    // whole spans count, not their part inside the window
    assert_eq!(
        summary(&s.rows),
        vec![
            "root: 1 spans, total 100, self 10, p50 100, p95 100, max 100, 0 errors",
            "fetch: 1 spans, total 50, self 45, p50 50, p95 50, max 50, 0 errors"
        ]
    );
    let errors = Query::parse("status=error")
        .unwrap()
        .matches(&QueryContext::new(&t, &[]));
    let s = table(&t, GroupBy::Name, None, Some(&errors));
    assert_eq!(
        summary(&s.rows),
        vec![
            "fetch: 1 spans, total 50, self 50, p50 50, p95 50, max 50, 1 errors",
            "generate: 1 spans, total 10, self 10, p50 10, p95 10, max 10, 1 errors"
        ]
    );
    for scope in Scope::ALL {
        assert_eq!(Scope::from_token(scope.token()), Some(scope));
    }
}

#[test]
fn rows_sort_by_any_column_and_shade_by_the_largest() {
    let t = scenario();
    let mut s = table(&t, GroupBy::Name, None, None);
    let order = |s: &Statistics| {
        s.rows
            .iter()
            .map(|r| r.label().to_string())
            .collect::<Vec<_>>()
    };
    s.sort_by(Column::SelfTime, true);
    assert_eq!(order(&s), ["fetch", "generate", "root", "parse"]);
    s.sort_by(Column::Count, false);
    assert_eq!(order(&s), ["parse", "fetch", "generate", "root"]);
    s.sort_by(Column::Group, false);
    assert_eq!(order(&s), ["fetch", "generate", "parse", "root"]);
    s.sort_by(Column::Group, true);
    assert_eq!(order(&s), ["root", "parse", "generate", "fetch"]);
    s.sort_by(Column::TokensIn, true);
    assert_eq!(order(&s)[0], "generate");
    s.sort_by(Column::Total, true);
    assert_eq!(s.heat(&s.rows[0], Column::Total), 1.0);
    assert_eq!(s.heat(&s.rows[3], Column::Total), 5.0 / 120.0);
    for c in Column::ALL {
        assert_eq!(Column::from_token(c.token()), Some(c));
    }
    for g in ["name", "service", "type", "attr:http.method"] {
        assert_eq!(GroupBy::parse(g).unwrap().to_string(), g);
    }
    assert_eq!(GroupBy::parse("attr:"), None);
    assert_eq!(GroupBy::parse("names"), None);
}

#[test]
fn the_group_by_key_list_comes_from_the_data_sorted() {
    let t = scenario();
    assert_eq!(
        attribute_keys(&t),
        [
            "db",
            "gen_ai.operation.name",
            "gen_ai.usage.input_tokens",
            "gen_ai.usage.output_tokens",
            "host.name",
            "retries",
            "service.name",
            "tier"
        ]
    );
}

/// Twenty sibling spans lasting 1, 2, ..., 20 ms under one 30 ms root.
fn twenty() -> Trace {
    let line = |id: u32, parent: Option<u32>, ms: u32| {
        let name = if parent.is_some() { "step" } else { "run" };
        let parent = parent.map_or("null".to_string(), |p| format!("\"0x{p:x}\""));
        format!(
            r#"{{"name": "{name}", "context": {{"trace_id": "0x1", "span_id": "0x{id:x}"}}, "parent_id": {parent}, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:00.{ms:03}Z"}}"#
        )
    };
    let mut text = line(100, None, 30);
    for i in 1..=20 {
        text.push('\n');
        text.push_str(&line(i, Some(100), i));
    }
    skein::ingest::ingest_sources([("twenty.jsonl", text.as_bytes())])
}

#[test]
fn percentiles_are_nearest_rank() {
    assert_eq!(nearest_rank(20, 95.0), 19);
    assert_eq!(nearest_rank(20, 50.0), 10);
    assert_eq!(nearest_rank(21, 50.0), 11);
    assert_eq!(nearest_rank(1, 95.0), 1);
    assert_eq!(nearest_rank(100, 99.0), 99);
    assert_eq!(nearest_rank(1000, 99.9), 999);
    assert_eq!(nearest_rank(7, 0.0), 1);
    let t = twenty();
    let s = table(&t, GroupBy::Name, None, None);
    let step = s.rows.iter().find(|r| r.label() == "step").unwrap();
    assert_eq!(
        (step.p50_ns, step.p95_ns, step.max_ns),
        (10 * MS, 19 * MS, 20 * MS)
    );
    assert_eq!(step.total_ns, 210 * MS);
    assert_eq!(t.span(step.slowest.unwrap()).span_id, SpanId(20));
    // these spans name no service
    let by_service = table(&t, GroupBy::Service, None, None);
    let labels: Vec<(&str, u64)> = by_service
        .rows
        .iter()
        .map(|r| (r.label(), r.count))
        .collect();
    assert_eq!(labels, [("(none)", 21)]);
}

#[test]
fn a_rows_histogram_spans_its_shortest_to_its_longest() {
    let t = twenty();
    let s = table(&t, GroupBy::Name, None, None);
    let step = s.rows.iter().find(|r| r.label() == "step").unwrap();
    // 1..20 ms in 4 bins of (20 - 1) / 4 = 4.75 ms: [1,5.75) [5.75,10.5) [10.5,15.25) [15.25,20]
    let bins = duration_histogram(&t, &step.spans, 4);
    let us = 1_000;
    let bin = |a: i64, b: i64, count| HistogramBin {
        from_ns: a * us,
        to_ns: b * us,
        count,
    };
    assert_eq!(
        bins,
        [
            bin(1_000, 5_750, 5),
            bin(5_750, 10_500, 5),
            bin(10_500, 15_250, 5),
            bin(15_250, 20_000, 5)
        ]
    );
    let run = s.rows.iter().find(|r| r.label() == "run").unwrap();
    assert_eq!(
        duration_histogram(&t, &run.spans, 10),
        [bin(30_000, 30_000, 1)]
    );
    assert!(duration_histogram(&t, &[], 10).is_empty());
}

/// The usage index reads only spans carrying a usage key; on every LLM fixture it must give
/// exactly what the per-span readers give on every span.
#[test]
fn the_usage_index_agrees_with_the_per_span_readers_on_every_llm_fixture() {
    use skein::analysis::llm::span_usage;
    use skein::analysis::usage_index::UsageIndex;
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for dir in ["generated/mlflow", "generated/langfuse", "public/langfuse"] {
        for e in std::fs::read_dir(shared(dir)).unwrap() {
            files.push(e.unwrap().path());
        }
    }
    files.sort();
    let mut with_usage = 0;
    for f in files
        .iter()
        .filter(|f| !f.to_string_lossy().ends_with(".txt"))
    {
        let t = ingest_paths(std::slice::from_ref(f));
        let index = UsageIndex::new(&t);
        let naive: Vec<_> = t
            .span_indices()
            .filter_map(|s| span_usage(&t, s).map(|u| (s, u)))
            .collect();
        assert_eq!(index.entries(), naive.as_slice(), "{}", f.display());
        with_usage += usize::from(!naive.is_empty());
    }
    assert!(with_usage >= 5, "{with_usage} fixtures report usage");
}

fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every shared fixture, whatever its format or its flaws: statistics, flame graphs and
/// queries run, and their invariants hold (rows add up to the scope, 0 <= self <= total,
/// min <= p50 <= p95 <= max, a query and its negation split the spans).
#[test]
fn every_shared_fixture_keeps_the_invariants() {
    use skein::analysis::flame::{flame_graph, FlameMode};
    let mut files = Vec::new();
    for dir in ["generated", "public"] {
        files_under(&shared(dir), &mut files);
    }
    files.sort();
    assert!(files.len() > 50, "{}", files.len());
    let queries = [
        "a",
        "status=error",
        "duration>=p95 or type=llm",
        "name~^[a-m] -service.name",
        "duration>1%",
        "tokens>10",
    ];
    for f in &files {
        let t = ingest_paths(std::slice::from_ref(f));
        let n = t.span_count();
        let critical = critical_path(&t, Rules::fixed());
        let mut keys: Vec<GroupBy> = vec![GroupBy::Name, GroupBy::Service, GroupBy::Type];
        keys.extend(
            attribute_keys(&t)
                .into_iter()
                .take(3)
                .map(GroupBy::Attribute),
        );
        for g in keys {
            let spec = StatsSpec {
                group: g.clone(),
                subgroup: Some(GroupBy::Name),
            };
            let s = statistics(&t, &spec, None, &critical);
            let counted: u64 = s.rows.iter().map(|r| r.count).sum();
            assert_eq!(
                (counted, s.total.count),
                (n as u64, n as u64),
                "{} {g}",
                f.display()
            );
            for r in s
                .rows
                .iter()
                .chain(s.rows.iter().flat_map(|r| &r.subgroups))
            {
                assert!(
                    0 <= r.self_ns && r.self_ns <= r.total_ns,
                    "{} {g}",
                    f.display()
                );
                assert!(r.min_ns <= r.p50_ns && r.p50_ns <= r.p95_ns && r.p95_ns <= r.max_ns);
                assert!(r.critical_ns <= r.total_ns, "{} {g}", f.display());
            }
        }
        for mode in FlameMode::ALL {
            let g = flame_graph(&t, mode, &critical);
            if mode == FlameMode::AllTime {
                let c: u32 = g.nodes()[1..].iter().map(|b| b.count).sum();
                assert_eq!(c as usize, n, "{}", f.display());
            }
        }
        let ctx = QueryContext::new(&t, &critical);
        for q in queries {
            let yes = Query::parse(q).unwrap().matches(&ctx).count();
            let no = Query::parse(&format!("not ({q})"))
                .unwrap()
                .matches(&ctx)
                .count();
            assert_eq!(yes + no, n, "{} {q}", f.display());
        }
    }
}
