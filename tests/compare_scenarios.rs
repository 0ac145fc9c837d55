//! Comparison scenarios of our own (tests/fixtures/compare/README.md). Expected values are
//! worked out by hand from the diagrams (times in ms), never taken from our output.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use skein::analysis::compare::{
    compare, key::MatchKey, side::Side, side::Sides, text_diff::pair_detail, text_diff::LineChange,
    tolerance::Status, Comparison, Options, Row,
};
use skein::analysis::flowmesh::{analyze, analyze_traces};
use skein::model::{DurationNs, Trace, TraceIdx};
use support::*;

const MS: i64 = 1_000_000;

fn load(name: &str) -> Trace {
    let t = ingest_paths(&[ours(&format!("compare/{name}"))]);
    assert!(t.diagnostics().is_empty(), "{:#?}", t.diagnostics());
    t
}

fn diff(a: &Trace, b: &Trace, key: Option<MatchKey>) -> Comparison {
    let sides = Sides {
        a: Side::whole(a),
        b: Side::whole(b),
    };
    compare(
        &sides,
        &Options {
            key,
            ..Options::default()
        },
    )
}

fn row<'c>(c: &'c Comparison, text: &str) -> &'c Row {
    c.rows.iter().find(|r| r.text == text).unwrap_or_else(|| {
        let all: Vec<&str> = c.rows.iter().map(|r| r.text.as_str()).collect();
        panic!("no row {text:?} in {all:#?}")
    })
}

fn statuses(c: &Comparison) -> Vec<(&str, Status)> {
    c.rows.iter().map(|r| (r.text.as_str(), r.status)).collect()
}

fn data_status(c: &Comparison) -> Vec<(&str, Status)> {
    c.data_ids
        .iter()
        .map(|d| (d.data_id.as_str(), d.status))
        .collect()
}

const TASK: &str = "flowmesh-worker:task";

fn key(data_id: &str, rest: &str) -> String {
    format!("[{data_id}] {TASK}{rest}")
}

/// The base workflow (every task: `task` root, `generation`, `dump to storage` in its last ms):
///
/// ```text
///  a [0..10] ─┬─> b [11..30] ─┬─> d [42..50]
///             └─> c [12..40] ─┘            critical path a, c, d
/// ```
#[test]
fn identical_runs_are_all_unchanged() {
    let (a, b) = (load("base.jsonl"), load("base.jsonl"));
    let c = diff(&a, &b, None);
    assert_eq!(c.key, MatchKey::DataId);
    assert!(c.rows.iter().all(|r| r.status == Status::Unchanged));
    assert_eq!(c.rows.len(), 12, "3 keys per task");
    assert!(c.data_ids.iter().all(|d| d.status == Status::Unchanged));
    let s = &c.summary;
    assert_eq!((s.matched, s.added, s.removed), (12, 0, 0));
    assert_eq!(s.trust, 1.0);
    assert_eq!(s.critical_path.a, ["a", "c", "d"]);
    assert!(s.critical_path.is_same() && s.critical_path.is_of_data_ids);
    assert_eq!(s.a.wall_clock, DurationNs(50 * MS));
    assert_eq!(s.wall_clock_status, Status::Unchanged);
    assert!(s.movers.services.is_empty() && s.movers.data_ids.is_empty());
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    // c's task [12..40]: dump [39..40] finished last, then generation [12.5..39], then the
    // task's own first 0.5 ms; b is off the critical path
    let gen_c = row(&c, &key("c", " > generation·leaf")).a.unwrap();
    assert_eq!(gen_c.critical, DurationNs(26_500_000));
    let task_c = row(&c, &key("c", "")).a.unwrap();
    assert_eq!(
        (task_c.critical, task_c.self_time),
        (DurationNs(MS / 2), DurationNs(MS / 2))
    );
    assert_eq!(
        row(&c, &key("b", " > generation·leaf")).a.unwrap().critical,
        DurationNs(0)
    );
    // a 10 + c 28 + d 8
    assert_eq!(s.a.critical_path, DurationNs(46 * MS));
    // tasks 10 + 19 + 28 + 8, generations 8.5 + 17.5 + 26.5 + 6.5, dumps 4 x 1
    assert_eq!(s.a.summed_duration, DurationNs(128 * MS));
}

/// Completely different trace and span ids (and a day later): still every span matches.
#[test]
fn other_trace_and_span_ids_match_by_content() {
    let (a, b) = (load("base.jsonl"), load("other_ids.jsonl"));
    let ids = |t: &Trace| -> Vec<u64> { t.spans().iter().map(|s| s.span_id.0).collect() };
    assert!(ids(&a).iter().all(|i| !ids(&b).contains(i)));
    assert_ne!(a.trace_ids(), b.trace_ids());
    let c = diff(&a, &b, None);
    assert_eq!((c.summary.matched, c.summary.trust), (12, 1.0));
    assert!(c.rows.iter().all(|r| r.status == Status::Unchanged));
    assert_eq!(c.summary.b.wall_clock, DurationNs(50 * MS));
}

/// ```text
///  A  c [12......40]        d [42..50]
///  B  c [12..................70]  d [72..80]     c's generation 26.5 -> 56.5 ms
/// ```
#[test]
fn one_task_slower() {
    let c = diff(&load("base.jsonl"), &load("c_slower.jsonl"), None);
    let slower: Vec<&str> = statuses(&c)
        .into_iter()
        .filter(|(_, s)| *s != Status::Unchanged)
        .map(|(t, _)| t)
        .collect();
    // sorted by Δ (both +30 ms), then by key text
    assert_eq!(slower, [key("c", ""), key("c", " > generation·leaf")]);
    let r = row(&c, &key("c", ""));
    assert_eq!((r.status, r.delta()), (Status::Slower, DurationNs(30 * MS)));
    assert_eq!(r.a.unwrap().total, DurationNs(28 * MS));
    assert_eq!(
        data_status(&c),
        [
            ("a", Status::Unchanged),
            ("b", Status::Unchanged),
            ("c", Status::Slower),
            ("d", Status::Unchanged)
        ]
    );
    let s = &c.summary;
    assert_eq!(s.wall_clock_status, Status::Slower);
    assert_eq!(s.b.wall_clock, DurationNs(80 * MS));
    assert!(s.critical_path.is_same());
    assert_eq!(s.movers.data_ids[0].name, "c");
    assert_eq!(s.movers.data_ids[0].delta(), DurationNs(30 * MS));
    assert_eq!(s.movers.data_ids.len(), 1);
    // task and generation each +30 ms: tie broken by name
    let names: Vec<(&str, i64)> = (s.movers.span_names.iter())
        .map(|m| (m.name.as_str(), m.delta().0 / MS))
        .collect();
    assert_eq!(names, [("generation", 30), ("task", 30)]);
    assert_eq!(s.movers.services[0].delta(), DurationNs(60 * MS));
}

/// ```text
///  A  a -> b -> d, a -> c -> d
///  B  a -> e -> d, a -> c -> d      (e has b's times)
/// ```
#[test]
fn a_task_added_and_one_removed() {
    let c = diff(&load("base.jsonl"), &load("b_replaced_by_e.jsonl"), None);
    assert_eq!(
        data_status(&c),
        [
            ("a", Status::Unchanged),
            ("b", Status::Removed),
            ("c", Status::Unchanged),
            ("d", Status::Unchanged),
            ("e", Status::Added)
        ]
    );
    let s = &c.summary;
    assert_eq!((s.matched, s.added, s.removed), (9, 3, 3));
    assert_eq!(s.trust, 0.75);
    assert_eq!(row(&c, &key("e", "")).status, Status::Added);
    assert_eq!(
        row(&c, &key("b", " > dump to storage·leaf")).status,
        Status::Removed
    );
    // rows: added before removed before unchanged
    let order: Vec<Status> = c.rows.iter().map(|r| r.status).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
}

/// ```text
///  A  b [11........................30]  generation [11.5..29]
///  B  b [11....................................45]
///        generation [11.5..20] ERROR, generation [20..44] (retry)
///     d waits for b (ready 45) instead of c (ready 40): critical path a, b, d
/// ```
#[test]
fn retries_add_generation_spans_and_an_error() {
    let c = diff(&load("base.jsonl"), &load("retries.jsonl"), None);
    let r = row(&c, &key("b", " > generation·leaf"));
    let (a, b) = (r.a.unwrap(), r.b.unwrap());
    assert_eq!((a.count, b.count), (1, 2));
    assert_eq!((a.errors, b.errors), (0, 1));
    assert_eq!(a.total, DurationNs(17_500_000));
    assert_eq!(b.total, DurationNs(32_500_000));
    assert_eq!(r.status, Status::Slower);
    let s = &c.summary;
    assert_eq!((s.matched, s.added, s.removed), (12, 1, 0));
    assert_eq!((s.new_errors, s.resolved_errors), (1, 0));
    assert_eq!(s.new_error_keys, [key("b", " > generation·leaf")]);
    assert_eq!((s.a.error_count, s.b.error_count), (0, 1));
    assert_eq!(s.critical_path.b, ["a", "b", "d"]);
    assert_eq!(
        (
            s.critical_path.entered.clone(),
            s.critical_path.left.clone()
        ),
        (vec!["b".to_string()], vec!["c".to_string()])
    );
    let d = c.data_id("d").unwrap();
    assert_eq!(d.a.as_ref().unwrap().blocking_parent.as_deref(), Some("c"));
    assert_eq!(d.b.as_ref().unwrap().blocking_parent.as_deref(), Some("b"));
    assert_eq!(d.delta_queuing(), Some(DurationNs(0)));
    assert_eq!(
        c.data_id("b").unwrap().delta_duration(),
        Some(DurationNs(15 * MS))
    );
    assert!(
        c.data_id("b")
            .unwrap()
            .b
            .as_ref()
            .unwrap()
            .is_on_critical_path
    );
}

/// Three parallel generations of one task, started in shard order; they finish (and are
/// exported) in another order on each side:
///
/// ```text
///          A                B
///  1  [1.........20]    [1....12]
///  2   [2..10]           [2.............26]
///  3    [3..........25]   [3.......18]
/// ```
#[test]
fn parallel_siblings_pair_in_start_order_whatever_order_they_finish() {
    let (a, b) = (load("siblings_a.jsonl"), load("siblings_b.jsonl"));
    let c = diff(&a, &b, None);
    let r = row(&c, &key("x", " > generation·leaf"));
    let shard = |t: &Trace, s| format!("{:?}", t.attribute(s, "shard"));
    let pairs = c.pairs_of(r);
    assert_eq!(pairs.len(), 3);
    for p in pairs {
        assert_eq!(shard(&a, p.a.unwrap()), shard(&b, p.b.unwrap()));
    }
    // 19 + 8 + 22 = 49 ms against 11 + 24 + 15 = 50 ms
    assert_eq!(r.a.unwrap().total, DurationNs(49 * MS));
    assert_eq!(r.b.unwrap().total, DurationNs(50 * MS));
    assert_eq!(r.status, Status::Unchanged);
    assert_eq!((c.summary.matched, c.summary.trust), (5, 1.0));
    // the per-span lookups a view links rows, hover and selection with
    let (la, lb) = c.span_links();
    for p in pairs {
        let (x, y) = (p.a.unwrap(), p.b.unwrap());
        assert_eq!((la.partner[&x], lb.partner[&y]), (y, x));
        assert_eq!((la.key_of[&x], lb.key_of[&y]), (r.key, r.key));
    }
}

/// Tokens and cost per side equal the LLM summary's totals on every shared fixture that
/// reports usage (the comparison only probes spans with usage-like attribute keys).
#[test]
fn tokens_and_cost_match_the_llm_summary() {
    let mut paths = vec![
        shared("generated/mlflow/traces.jsonl"),
        shared("generated/langfuse/otlp_trace.json"),
    ];
    for entry in std::fs::read_dir(shared("public/langfuse")).unwrap() {
        paths.push(entry.unwrap().path());
    }
    let mut with_usage = 0;
    for p in paths {
        let t = ingest_paths(std::slice::from_ref(&p));
        let want = skein::analysis::llm::llm_summary(&t).total;
        with_usage += usize::from(want.spans > 0);
        let c = diff(&t, &t, None);
        assert_eq!(c.summary.b.tokens, want.total, "{}", p.display());
        assert!(
            (c.summary.b.cost - want.cost).abs() < 1e-9,
            "{}",
            p.display()
        );
    }
    assert!(with_usage >= 5, "{with_usage}");
}

/// c's `generation` is called `llm generation` in B: its key is removed and a new one added;
/// everything else still matches (by data id and by path alike).
#[test]
fn a_renamed_span_is_removed_and_added() {
    let (a, b) = (load("base.jsonl"), load("renamed.jsonl"));
    for k in [MatchKey::DataId, MatchKey::Path] {
        let c = diff(&a, &b, Some(k.clone()));
        let s = &c.summary;
        assert_eq!((s.matched, s.added, s.removed), (11, 1, 1), "{k}");
        assert!((s.trust - 11.0 / 12.0).abs() < 1e-12);
    }
    let c = diff(&a, &b, None);
    assert_eq!(
        row(&c, &key("c", " > generation·leaf")).status,
        Status::Removed
    );
    assert_eq!(
        row(&c, &key("c", " > llm generation·leaf")).status,
        Status::Added
    );
}

/// A pflow-like loop (no data ids): the `llm` node runs 3 times in A, 4 in B; each round's
/// `chat` call used 100 + 20 tokens, and the last answer changed.
///
/// ```text
///  workflow [0 ......................................... 90 | 110]
///   node fetch [1..10]
///   node llm [10..30] [30..50] [50..70] ([70..90] in B)   each > chat [+1..+19]
///   node save [70..80] (B: [90..100])
/// ```
#[test]
fn a_loop_repeating_one_node_id() {
    let (a, b) = (load("loop_a.jsonl"), load("loop_b.jsonl"));
    assert_eq!(
        MatchKey::default_for(&Side::whole(&a), &Side::whole(&b)),
        MatchKey::Path
    );
    let c = diff(&a, &b, Some(MatchKey::Attr("node_id".into())));
    let chat = row(&c, "[llm] pflow:node > chat·leaf");
    assert_eq!((chat.a.unwrap().count, chat.b.unwrap().count), (3, 4));
    assert_eq!((chat.a.unwrap().tokens, chat.b.unwrap().tokens), (360, 480));
    let save = row(&c, "[save] pflow:node·leaf");
    assert_eq!(save.status, Status::Unchanged);
    assert_eq!(c.pairs_of(save).len(), 1);
    assert!(c.pairs_of(save)[0].is_matched());
    let s = &c.summary;
    assert_eq!((s.matched, s.added, s.removed), (9, 2, 0));
    assert_eq!((s.a.tokens, s.b.tokens), (360, 480));
    // the third rounds pair: same prompt, the answer changed from "final" to "draft 3"
    let third = c.pairs_of(chat)[2];
    let d = pair_detail(&a, third.a.unwrap(), &b, third.b.unwrap());
    let field = |n: &str| d.fields.iter().find(|f| f.field == n).unwrap();
    assert!(field("prompt").is_same);
    let lines: Vec<(LineChange, &str)> = field("response")
        .lines
        .as_ref()
        .unwrap()
        .iter()
        .map(|l| (l.change, l.text.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            (LineChange::Removed, "final"),
            (LineChange::Added, "draft 3")
        ]
    );
    assert_eq!(d.usage_a.unwrap().total, 120);
}

/// Three baseline runs in one file (c takes 28, 30, 32 ms; wall clock 50, 52, 54 ms) against B
/// (c takes 48 ms, and a new task f after d):
///
/// ```text
///  c   A runs: 28 30 32  -> median 30, range 28..32;  B 48: outside, slower
///  f   only B: added ("new")
/// ```
#[test]
fn a_baseline_of_three_runs_flags_b_outside_the_range() {
    let (a, b) = (load("baseline_runs.jsonl"), load("baseline_b.jsonl"));
    assert_eq!(a.trace_count(), 3);
    let c = diff(&a, &b, None);
    assert_eq!(c.runs.len(), 3);
    assert_eq!(c.reference_run, 1, "the run with the median wall clock");
    let s = &c.summary;
    assert_eq!(s.a.run_count, 3);
    assert_eq!(s.a.wall_clock, DurationNs(52 * MS));
    assert_eq!(
        s.a_wall_clock_range,
        Some((DurationNs(50 * MS), DurationNs(54 * MS)))
    );
    let task_c = row(&c, &key("c", ""));
    let range = task_c.baseline.unwrap();
    assert_eq!(range.runs, 3);
    assert_eq!(
        (range.median, range.min, range.max),
        (
            DurationNs(30 * MS),
            DurationNs(28 * MS),
            DurationNs(32 * MS)
        )
    );
    assert!(range.is_b_outside);
    assert_eq!(task_c.status, Status::Slower);
    let outside: Vec<&str> = c
        .rows
        .iter()
        .filter(|r| r.baseline.is_some_and(|b| b.is_b_outside))
        .map(|r| r.text.as_str())
        .collect();
    assert_eq!(outside, [key("c", ""), key("c", " > generation·leaf")]);
    assert_eq!(row(&c, &key("f", "")).status, Status::Added);
    assert!(row(&c, &key("f", "")).baseline.is_none());
    let dc = c.data_id("c").unwrap();
    assert!(dc.baseline.unwrap().is_b_outside);
    assert_eq!(dc.a.as_ref().unwrap().duration, DurationNs(30 * MS));
    assert_eq!(c.data_id("f").unwrap().status, Status::Added);
    assert!(!c.data_id("a").unwrap().baseline.unwrap().is_b_outside);
}

/// Any two runs of one load can be picked; each side's FlowMesh analysis equals that run's
/// spans analysed alone (the file's lines split by trace id with plain serde_json).
#[test]
fn two_runs_of_one_load_are_analysed_each_alone() {
    let path = ours("compare/baseline_runs.jsonl");
    let all = load("baseline_runs.jsonl");
    let text = String::from_utf8(read(&path)).unwrap();
    for (t, trace_id) in all.trace_ids().iter().enumerate() {
        let mine: String = text
            .lines()
            .filter(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                match v["context"]["trace_id"].as_str() {
                    Some(id) => {
                        u128::from_str_radix(id.trim_start_matches("0x"), 16).unwrap() == trace_id.0
                    }
                    None => true, // lineage rows
                }
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let alone = analyze(&skein::ingest::ingest_sources([(
            "run.jsonl",
            mine.as_bytes(),
        )]));
        let mut kept = vec![false; all.trace_count()];
        kept[t] = true;
        let subset = analyze_traces(&all, Some(&kept));
        let facts = |a: &skein::analysis::flowmesh::FlowMeshAnalysis| -> Vec<(String, i64, i64)> {
            a.nodes
                .iter()
                .map(|n| (n.data_id.clone(), n.duration().0, n.queuing_delay.0))
                .collect()
        };
        assert_eq!(facts(&subset), facts(&alone));
        assert_eq!(subset.critical_path, alone.critical_path);
        assert_eq!(subset.workflow_id, alone.workflow_id);
    }
    let sides = Sides {
        a: Side::of_traces(&all, &[TraceIdx(0)]),
        b: Side::of_traces(&all, &[TraceIdx(2)]),
    };
    let c = compare(&sides, &Options::default());
    assert_eq!(c.runs.len(), 1);
    // c: 28 -> 32 ms, within 1 ms + 25 % of 32
    assert_eq!(
        c.data_id("c").unwrap().delta_duration(),
        Some(DurationNs(4 * MS))
    );
    assert_eq!(c.data_id("c").unwrap().status, Status::Unchanged);
    let swapped = compare(&sides.swapped(), &Options::default());
    assert_eq!(
        swapped.data_id("c").unwrap().delta_duration(),
        Some(DurationNs(-4 * MS))
    );
}

/// Names carrying ids are reported (each run would have names of its own).
#[test]
fn span_names_with_ids_are_warned_about() {
    let line = |id: u32, name: &str| {
        format!(
            r#"{{"name": "{name}", "context": {{"trace_id": "0x1", "span_id": "0x{id:x}"}}, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:01Z"}}"#
        )
    };
    let a_text = [line(1, "GET /users/48213377"), line(2, "render")].join("\n");
    let b_text = [line(1, "GET /users/99120001"), line(2, "render")].join("\n");
    let a = skein::ingest::ingest_sources([("a.jsonl", a_text.as_bytes())]);
    let b = skein::ingest::ingest_sources([("b.jsonl", b_text.as_bytes())]);
    let c = diff(&a, &b, None);
    assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
    assert!(c.warnings[0].starts_with("A: 1 span name(s)") && c.warnings[0].contains("48213377"));
    assert_eq!(
        (c.summary.matched, c.summary.added, c.summary.removed),
        (1, 1, 1)
    );
}
