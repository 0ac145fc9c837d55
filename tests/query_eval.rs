//! Queries evaluated on a scenario drawn below; every expected set is read off the diagram,
//! not taken from our output. Also stepping through matches and "show matches only" rows.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use skein::analysis::span_critical_path::Section;
use skein::analysis::span_set::SpanSet;
use skein::layout::rows::{filtered_rows, visible_rows, RowItem};
use skein::model::{SpanId, SpanIdx, Trace};
use skein::query::{matches_in_order, Query, QueryContext, PRESETS};
use skein::view_state::Expansion;
use support::*;

/// `tests/fixtures/stats/parallel_children.jsonl` (ms; span ids in brackets):
///
/// ```text
///  trace 1                0    10   30 40 50 60    80   100       130
///  [a1] root   api        [==========================]                server, tier=gold
///  [a2] fetch  api             [============]                         client, tier=gold, db=pg
///  [a5] parse  api                    [=]                             under a2, retries=2
///  [a3] fetch  api                  [============]                    client, ERROR, db=pg, event "exception"
///  [a4] generate llm                       [====================]     LLM 100+20 tokens, tier=silver
///
///  trace 2               200  205      215  220
///  [a6] root   api        [===================]                       server, retries=0
///  [a7] generate llm          [=========]                             LLM 1000+500 tokens, ERROR
/// ```
/// Resources: api has host.name=h1, llm has host.name=h2.
fn scenario() -> Trace {
    ingest_paths(&[ours("stats/parallel_children.jsonl")])
}

fn span_of(t: &Trace, id: u64) -> SpanIdx {
    t.find_span(SpanId(id)).unwrap()
}

fn ids(t: &Trace, set: &SpanSet) -> Vec<u64> {
    let mut v: Vec<u64> = set.iter().map(|s| t.span(s).span_id.0).collect();
    v.sort();
    v
}

fn run(t: &Trace, critical: &[Section], q: &str) -> Vec<u64> {
    let query = Query::parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    ids(t, &query.matches(&QueryContext::new(t, critical)))
}

#[test]
fn every_kind_of_term_selects_the_spans_the_diagram_says() {
    let t = scenario();
    assert!(t.diagnostics().is_empty(), "{:?}", t.diagnostics());
    let cases: Vec<(&str, Vec<u64>)> = vec![
        ("fetch", vec![0xa2, 0xa3]),
        ("FETCH", vec![0xa2, 0xa3]),
        ("\"ret\"", vec![0xa5, 0xa6]), // attribute key
        ("GOLD", vec![0xa1, 0xa2]),    // attribute value, any case
        ("h2", vec![0xa4, 0xa7]),      // resource attribute value
        ("exception", vec![0xa3]),     // event name
        ("a5", vec![0xa5]),            // span id hex
        ("100", vec![0xa4, 0xa7]),     // number values: 100 and 1000 tokens
        ("llm", vec![0xa4, 0xa7]),     // service
        ("status=error", vec![0xa3, 0xa7]),
        ("status!=error", vec![0xa1, 0xa2, 0xa4, 0xa5, 0xa6]),
        ("service=llm", vec![0xa4, 0xa7]),
        ("service~^a", vec![0xa1, 0xa2, 0xa3, 0xa5, 0xa6]),
        ("name=fetch", vec![0xa2, 0xa3]),
        ("name!~^(fetch|root)$", vec![0xa4, 0xa5, 0xa7]),
        ("kind=client", vec![0xa2, 0xa3]),
        ("kind=server", vec![0xa1, 0xa6]),
        ("type=llm", vec![0xa4, 0xa7]),
        ("type!=llm", vec![]), // no other span has a known type
        ("tier=gold", vec![0xa1, 0xa2]),
        ("tier!=gold", vec![0xa4]), // spans without tier are not "!= gold"
        ("tier~l", vec![0xa1, 0xa2, 0xa4]),
        ("+tier", vec![0xa1, 0xa2, 0xa4]),
        ("-tier", vec![0xa3, 0xa5, 0xa6, 0xa7]),
        ("retries>0", vec![0xa5]),
        ("retries=0", vec![0xa6]),
        ("retries<=2", vec![0xa5, 0xa6]),
        ("host.name=h1", vec![0xa1, 0xa2, 0xa3, 0xa5, 0xa6]),
        ("\"host.name\"!=h1", vec![0xa4, 0xa7]),
        ("nosuchkey=x", vec![]),
        ("duration>50ms", vec![0xa1, 0xa4]),
        ("duration>=50ms", vec![0xa1, 0xa2, 0xa3, 0xa4]),
        ("duration=0.05s", vec![0xa2, 0xa3]),
        ("duration<10ms", vec![0xa5]),
        ("duration<=10000us", vec![0xa5, 0xa7]),
        // trace 1 lasts 130 ms (40 % = 52 ms); trace 2 lasts 20 ms (40 % = 8 ms)
        ("duration>40%", vec![0xa1, 0xa4, 0xa6, 0xa7]),
        // durations sorted 5 10 20 50 50 80 100: the nearest-rank p50 of 7 is rank 4 = 50 ms
        ("duration>=p50", vec![0xa1, 0xa2, 0xa3, 0xa4]),
        ("duration>=p99", vec![0xa1]),
        ("tokens>500", vec![0xa7]),
        ("tokens>=120", vec![0xa4, 0xa7]),
        ("tokens<1", vec![]),
        ("trace=2", vec![0xa6, 0xa7]),
        ("trace!=2", vec![0xa1, 0xa2, 0xa3, 0xa4, 0xa5]),
        ("trace=ffff", vec![]),
        ("fetch or parse", vec![0xa2, 0xa3, 0xa5]),
        ("fetch not status=error", vec![0xa2]),
        ("fetch -status=error", vec![0xa2]),
        (
            "service=api kind=server or type=llm status=error",
            vec![0xa1, 0xa6, 0xa7],
        ),
        ("not (service=api or tier=silver)", vec![0xa7]),
        ("-(fetch or root)", vec![0xa4, 0xa5, 0xa7]),
    ];
    for (q, want) in cases {
        assert_eq!(run(&t, &[], q), want, "{q}");
    }
    // the empty query filters nothing
    assert_eq!(run(&t, &[], "").len(), 7);
}

#[test]
fn critical_reads_the_sections_it_is_given_and_cost_the_usage_readers() {
    let t = scenario();
    let sections = [(0xa4, 50, 100), (0xa1, 0, 50)].map(|(id, a, b)| Section {
        span: span_of(&t, id),
        start_ns: a,
        end_ns: b,
    });
    assert_eq!(run(&t, &sections, "critical"), vec![0xa1, 0xa4]);
    assert_eq!(run(&t, &sections, "-critical").len(), 5);
    assert_eq!(run(&t, &[], "critical"), Vec::<u64>::new());
    assert!(Query::parse("a or critical").unwrap().uses_critical_path());
    assert!(!Query::parse("\"critical\"").unwrap().uses_critical_path());
    // gen_ai spans report no cost
    assert_eq!(run(&t, &[], "cost>0"), Vec::<u64>::new());
}

#[test]
fn presets_parse_and_select_what_their_label_says() {
    let t = scenario();
    let got: Vec<(&str, Vec<u64>)> = PRESETS
        .iter()
        .map(|p| (p.label, run(&t, &[], p.query)))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Errors", vec![0xa3, 0xa7]),
            ("Critical path", vec![]),
            ("Slowest 1 %", vec![0xa1]),
            ("LLM calls", vec![0xa4, 0xa7]),
        ]
    );
}

#[test]
fn stepping_goes_by_start_time_from_the_visible_window() {
    let t = scenario();
    let m = Query::parse("fetch or generate")
        .unwrap()
        .matches(&QueryContext::new(&t, &[]));
    let order = matches_in_order(&t, &m, false);
    let at = |i: Option<usize>| t.span(order.span(i.unwrap()).unwrap()).span_id.0;
    // starts: a2 10 ms, a3 30 ms, a4 50 ms, a7 205 ms
    let listed: Vec<u64> = order.spans().map(|s| t.span(s).span_id.0).collect();
    assert_eq!(listed, [0xa2, 0xa3, 0xa4, 0xa7]);
    let ms = 1_000_000;
    assert_eq!(at(order.step(&t, None, true, 20 * ms, false)), 0xa3);
    assert_eq!(at(order.step(&t, None, false, 20 * ms, false)), 0xa2);
    assert_eq!(at(order.step(&t, None, true, 300 * ms, false)), 0xa2); // wraps
    assert_eq!(at(order.step(&t, None, false, 0, false)), 0xa7); // wraps back
    let a4 = span_of(&t, 0xa4);
    assert_eq!(order.position(&t, a4, false), Some(2));
    assert_eq!(at(order.step(&t, Some(a4), true, 0, false)), 0xa7);
    assert_eq!(
        at(order.step(&t, Some(span_of(&t, 0xa7)), true, 0, false)),
        0xa2
    );
    // a selection that is no match steps from the window
    let a1 = span_of(&t, 0xa1);
    assert_eq!(at(order.step(&t, Some(a1), true, 40 * ms, false)), 0xa4);
    // aligned: trace 2 is drawn from its own start, so a7 sits at 5 ms
    let aligned = matches_in_order(&t, &m, true);
    let listed: Vec<u64> = aligned.spans().map(|s| t.span(s).span_id.0).collect();
    assert_eq!(listed, [0xa7, 0xa2, 0xa3, 0xa4]);
    assert!(matches_in_order(&t, &SpanSet::empty(7), false)
        .step(&t, None, true, 0, false)
        .is_none());
}

#[test]
fn show_matches_only_keeps_ancestors_as_context() {
    let t = scenario();
    let m = Query::parse("parse or name=generate status=error")
        .unwrap()
        .matches(&QueryContext::new(&t, &[]));
    assert_eq!(ids(&t, &m), [0xa5, 0xa7]);
    let shown = m.with_ancestors(&t);
    assert_eq!(ids(&t, &shown), [0xa1, 0xa2, 0xa5, 0xa6, 0xa7]);
    let rows = filtered_rows(&t, &Expansion::default(), &shown);
    let items: Vec<String> = rows
        .iter()
        .map(|r| match r.item {
            RowItem::TraceHeader(tr) => format!("trace {}", tr.0),
            RowItem::Span(s) => format!("{}{:x}", " ".repeat(r.depth.into()), t.span(s).span_id.0),
        })
        .collect();
    assert_eq!(
        items,
        ["trace 0", " a1", "  a2", "   a5", "trace 1", " a6", "  a7"]
    );
    // a1 keeps its toggle (it has shown children); a5 has none
    assert!(rows[1].has_children && !rows[3].has_children);
    // with everything shown, the filtered rows are the ordinary rows
    let all = SpanSet::full(t.span_count());
    assert_eq!(
        filtered_rows(&t, &Expansion::default(), &all),
        visible_rows(&t, &Expansion::default())
    );
    // folds still apply: collapsing a1 hides a2 and a5
    let mut folded = Expansion::default();
    folded.toggle(SpanId(0xa1));
    assert_eq!(filtered_rows(&t, &folded, &shown).len(), 5);
}
