//! A click on a statistics row puts the row's query in the box (`query::row_query`): on real
//! fixtures, grouped every way the view offers (and with a sub-group, and inside a query's
//! matches), each row's query parses and matches exactly the spans the row counts. The row's
//! spans come from the statistics, the matches from the query evaluator: two computations.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use skein::analysis::span_set::SpanSet;
use skein::analysis::stats::{attribute_keys, statistics, GroupBy, StatsRow, StatsSpec};
use skein::model::{SpanIdx, Trace};
use skein::query::{row_query, Query, QueryContext};
use support::*;

fn fixtures() -> Vec<(&'static str, Trace)> {
    [
        "generated/big_sample_1k/spans.jsonl",
        "generated/mlflow/traces.jsonl",
        "generated/langfuse/otlp_trace.json",
        "public/langfuse/langfuse_crewai-2025-07-11.trace.json",
        "public/jaeger/jaeger-ui_tracegraph_testTrace.json",
    ]
    .into_iter()
    .map(|p| (p, ingest_paths(&[shared(p)])))
    .collect()
}

fn matched(t: &Trace, text: &str) -> Vec<SpanIdx> {
    let q = Query::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    q.matches(&QueryContext::new(t, &[])).iter().collect()
}

/// Checks every row (and sub-row) of a table over `scope` (the matches of `scope_query`).
fn check_rows(t: &Trace, spec: &StatsSpec, scope_query: Option<&Query>, what: &str) -> usize {
    let scope: Option<SpanSet> = scope_query.map(|q| q.matches(&QueryContext::new(t, &[])));
    let table = statistics(t, spec, scope.as_ref(), &[]);
    let mut checked = 0;
    let mut check = |row: &StatsRow, parent: Option<&StatsRow>| {
        let text = row_query(t, spec, row, parent, scope_query).unwrap();
        assert_eq!(
            matched(t, &text),
            row.spans,
            "{what}: row {:?} (under {:?}) -> {text}",
            row.label(),
            parent.map(StatsRow::label)
        );
        checked += 1;
    };
    for row in &table.rows {
        check(row, None);
        for sub in &row.subgroups {
            check(sub, Some(row));
        }
    }
    checked
}

#[test]
fn every_row_query_matches_exactly_the_rows_spans() {
    for (name, t) in fixtures() {
        let keys = attribute_keys(&t);
        let mut groups = vec![GroupBy::Name, GroupBy::Service, GroupBy::Type];
        // a few keys some spans lack, from the data
        groups.extend(
            keys.iter()
                .step_by((keys.len() / 6).max(1))
                .map(|k| GroupBy::Attribute(k.clone())),
        );
        let mut checked = 0;
        for g in &groups {
            let spec = StatsSpec {
                group: g.clone(),
                subgroup: None,
            };
            checked += check_rows(&t, &spec, None, name);
        }
        let spec = StatsSpec {
            group: GroupBy::Service,
            subgroup: Some(GroupBy::Type),
        };
        checked += check_rows(&t, &spec, None, name);
        let within = Query::parse("duration>1ms or status=error").unwrap();
        let spec = StatsSpec {
            group: GroupBy::Name,
            subgroup: None,
        };
        checked += check_rows(&t, &spec, Some(&within), name);
        assert!(checked > 5, "{name}: only {checked} rows");
    }
}

/// Spans without a service (no resource) and without a type form "(none)" rows; their
/// queries are `service=""` and "none of the types present".
///
/// ```text
///  [1] root   service api, type llm    [==========]
///  [2] work   no resource, no type        [====]
///  [3] tool   no resource, type tool        [==]
/// ```
#[test]
fn none_rows_have_exact_queries_too() {
    let line = |id: u32, parent: &str, attrs: &str, resource: &str| {
        format!(
            r#"{{"name": "s{id}", "context": {{"trace_id": "0x01", "span_id": "0x0{id}"}}, "parent_id": {parent}, "start_time": "2026-01-01T00:00:0{id}Z", "end_time": "2026-01-01T00:00:0{}Z", "attributes": {{{attrs}}}{resource}}}"#,
            id + 3
        ) + "\n"
    };
    let api = r#", "resource": {"attributes": {"service.name": "api"}, "schema_url": ""}"#;
    let text = line(1, "null", r#""mlflow.spanType": "LLM""#, api)
        + &line(2, "\"0x01\"", "", "")
        + &line(3, "\"0x01\"", r#""mlflow.spanType": "TOOL""#, "");
    let t = skein::ingest::ingest_sources([("t.jsonl", text.as_bytes())]);
    assert_eq!(t.span_count(), 3);
    for group in [GroupBy::Service, GroupBy::Type] {
        let spec = StatsSpec {
            group,
            subgroup: None,
        };
        let table = statistics(&t, &spec, None, &[]);
        assert!(
            table.rows.iter().any(|r| r.group.is_none()),
            "{:?} has a (none) row",
            spec.group
        );
        assert_eq!(check_rows(&t, &spec, None, "scenario"), table.rows.len());
    }
}
