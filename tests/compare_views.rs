//! The compare view's layout (`layout::compare`) on the comparison scenarios of
//! `tests/fixtures/compare/` (drawn again here): the table's groups and cells, the summary
//! figures, the aligned waterfalls (rows, marks, partners, geometry, draw and hover lists),
//! the Δ DAG and a matched pair's usage. Expected values are worked out from the diagrams.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use skein::analysis::compare::{
    compare, key::MatchKey, side::Side, side::Sides, text_diff::pair_detail, tolerance::Status,
    Comparison, Options,
};
use skein::layout::compare::dag::{
    delta_dag, node_delta_text, node_path_text, node_tooltip, Presence,
};
use skein::layout::compare::summary::{summary_view, Tone};
use skein::layout::compare::table::{cells, groups, heading};
use skein::layout::compare::waterfall::{
    draw_list, lanes, overlay_list, Lane, Lanes, Mark, WaterfallGeometry, WaterfallSpec,
};
use skein::layout::compare::{colors, pair};
use skein::layout::timeline::DrawCmd;
use skein::model::Trace;
use skein::view_state::TimeWindow;
use support::*;

const MS: i64 = 1_000_000;

fn load(name: &str) -> Trace {
    ingest_paths(&[ours(&format!("compare/{name}"))])
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

/// Base run against c slower (c 28 -> 58 ms, d 30 ms later; wall clock 50 -> 80 ms):
///
/// ```text
///  A  a [0..10] -> b [11..30], c [12..40] -> d [42..50]
///  B  a [0..10] -> b [11..30], c [12..70] -> d [72..80]
/// ```
#[test]
fn the_table_groups_rows_by_status_and_writes_their_cells() {
    let c = diff(&load("base.jsonl"), &load("c_slower.jsonl"), None);
    let g = groups(&c);
    let statuses: Vec<Status> = g.iter().map(|g| g.status).collect();
    assert_eq!(statuses, [Status::Slower, Status::Unchanged]);
    assert_eq!((g[0].rows.clone(), g[1].rows.clone()), (0..2, 2..12));
    assert_eq!(heading(&g[0]), "slower (2)");
    let task_c = cells(&c.rows[0]);
    assert_eq!(task_c.key, "[c] flowmesh-worker:task");
    assert_eq!(task_c.status, "slower");
    assert_eq!((task_c.a.as_str(), task_c.b.as_str()), ("28.0ms", "58.0ms"));
    assert_eq!(task_c.delta, "+30.0ms");
    assert_eq!(task_c.percent, "+107%", "30 / 28");
    assert_eq!((task_c.a_ns, task_c.b_ns), (Some(28 * MS), Some(58 * MS)));
    assert_eq!(task_c.extras, "");
    assert!(task_c.baseline.is_none());
}

#[test]
fn the_summary_reads_wall_clock_first_with_its_tone() {
    let c = diff(&load("base.jsonl"), &load("c_slower.jsonl"), None);
    let s = summary_view(&c);
    let wall = &s.figures[0];
    assert_eq!(wall.label, "wall clock");
    assert_eq!((wall.a.as_str(), wall.b.as_str()), ("50.0ms", "80.0ms"));
    assert_eq!(wall.delta, "+30.0ms, slower");
    assert_eq!(wall.tone, Tone::Worse);
    let spans = s.figures.iter().find(|f| f.label == "spans").unwrap();
    assert_eq!((spans.delta.as_str(), spans.tone), ("+0", Tone::Same));
    assert_eq!(s.matching, "matched 12 · added 0 · removed 0 · trust 100%");
    assert_eq!(s.method, "by data-id, tolerance 25%,1ms");
    assert_eq!(s.critical_path, ["same nodes (data ids): a → c → d"]);
    assert_eq!(s.movers[0].0, "services");
    assert!(s.baseline.is_none() && s.warnings.is_empty());
    assert!(!s.figures.iter().any(|f| f.label == "tokens"), "no usage");
    // queued: b 11 - 10, c 12 - 10, d 42 - 40 (A) and 72 - 70 (B): 5 ms on both sides
    let q = s
        .figures
        .iter()
        .find(|f| f.label == "queuing (summed)")
        .unwrap();
    assert_eq!((q.a.as_str(), q.b.as_str()), ("5.00ms", "5.00ms"));
    assert_eq!(q.delta, "0ns · 0 waited longer, 0 shorter");

    // retries: one new error, and b takes c's place on the path
    let r = summary_view(&diff(&load("base.jsonl"), &load("retries.jsonl"), None));
    let errors = r.figures.iter().find(|f| f.label == "errors").unwrap();
    assert_eq!(
        (errors.delta.as_str(), errors.tone),
        ("1 new, 0 resolved", Tone::Worse)
    );
    assert_eq!(
        r.critical_path,
        ["changed (data ids)", "entered: b", "left: c"]
    );
}

#[test]
fn a_baseline_set_says_its_size_and_where_b_is_outside() {
    let c = diff(
        &load("baseline_runs.jsonl"),
        &load("baseline_b.jsonl"),
        None,
    );
    let s = summary_view(&c);
    assert_eq!(
        s.baseline.as_deref(),
        Some("A is a baseline set of 3 runs (A's figures are their medians, wall clock 50.0ms .. 54.0ms); B is outside the runs' range on 2 key(s)")
    );
    let task_c = c
        .rows
        .iter()
        .find(|r| r.text == "[c] flowmesh-worker:task")
        .unwrap();
    assert_eq!(
        cells(task_c).baseline,
        Some(("runs 3: median 30.0ms, 28.0ms .. 32.0ms".to_string(), true))
    );
}

/// The lanes of base (A) and b replaced by e (B): B's rows are its task trees by start (e has
/// b's times, so it sits where b sat); A's follow their partners' order in B, b (no partner)
/// last.
///
/// ```text
///  B rows  0 a  1 gen  2 dump  3 e  4 gen  5 dump  6 c  7 gen  8 dump  9 d  10 gen  11 dump
///  A rows  0 a  1 gen  2 dump  3 c  4 gen  5 dump  6 d  7 gen  8 dump  9 b  10 gen  11 dump
/// ```
fn replaced() -> (Trace, Trace, Comparison) {
    let (a, b) = (load("base.jsonl"), load("b_replaced_by_e.jsonl"));
    let c = diff(&a, &b, None);
    (a, b, c)
}

fn lanes_of(a: &Trace, b: &Trace, c: &Comparison) -> Lanes {
    lanes(
        &Side::whole(a),
        &Side::whole(b),
        &c.span_links(),
        &c.tolerance,
    )
}

#[test]
fn lanes_mark_added_and_removed_rows_and_link_partners_both_ways() {
    let (a, b, c) = replaced();
    let l = lanes_of(&a, &b, &c);
    assert_eq!((l.rows[0].len(), l.rows[1].len()), (12, 12));
    let data_id = |t: &Trace, s| t.attribute_str(s, "data_id").unwrap().to_string();
    for (lane, t) in [(0, &a), (1, &b)] {
        for r in &l.rows[lane] {
            let id = data_id(t, r.span.unwrap());
            let want = match (lane, id.as_str()) {
                (0, "b") => Mark::Removed,
                (1, "e") => Mark::Added,
                _ => Mark::Matched(Status::Unchanged),
            };
            assert_eq!(r.mark, want, "lane {lane} data id {id}");
        }
    }
    for (i, r) in l.rows[0].iter().enumerate() {
        if let Some(p) = r.partner {
            assert_eq!(l.rows[1][p as usize].partner, Some(i as u32));
            let (sa, sb) = (r.span.unwrap(), l.rows[1][p as usize].span.unwrap());
            assert_eq!(data_id(&a, sa), data_id(&b, sb));
            assert_eq!(a.name(sa), b.name(sb));
        }
    }
    let linked = l.rows[0].iter().filter(|r| r.partner.is_some()).count();
    assert_eq!(linked, c.summary.matched);
    assert_eq!(l.extent_ns, 50 * MS);
    assert_eq!((l.start[0], l.start[1]), (a.start_time(), b.start_time()));
}

/// A 1000 x 400 canvas: 28 px axis, then per lane a 22 px title and 8 rows of 20 px.
///
/// ```text
///    0 axis | 28 A title | 50 A rows (8) | 210 B title | 232 B rows (8) | 392
/// ```
#[test]
fn geometry_finds_rows_where_they_are_drawn() {
    let (a, b, c) = replaced();
    let l = lanes_of(&a, &b, &c);
    let g = WaterfallGeometry::for_viewport(1000.0, 400.0);
    assert_eq!(g.rows_per_lane(), 8);
    assert_eq!((g.title_y(Lane::A), g.title_y(Lane::B)), (28.0, 210.0));
    assert_eq!(g.row_y(Lane::A, 0), Some(50.0));
    assert_eq!(g.row_y(Lane::B, 7), Some(372.0));
    assert_eq!(g.row_y(Lane::A, 8), None, "scrolled out");
    assert_eq!(g.hit(&l, 55.0), Some((Lane::A, 0)));
    assert_eq!(g.hit(&l, 215.0), None, "B's title");
    assert_eq!(g.hit(&l, 240.0), Some((Lane::B, 0)));
    assert_eq!(g.hit(&l, 10.0), None, "the axis");
    assert_eq!(g.reveal(Lane::B, 11), 11 - 8 / 3);
    assert_eq!(g.reveal(Lane::B, 3), 0, "in view");
    assert_eq!(
        g.scrolled(Lane::A, 100, 12),
        5,
        "the last rows stay in view"
    );
    assert_eq!(g.scrolled(Lane::A, -3, 12), 0);
}

fn texts(cmds: &[DrawCmd]) -> Vec<&str> {
    cmds.iter()
        .filter_map(|c| match c {
            DrawCmd::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_draw_list_shows_the_rows_in_view_with_their_marks_on_one_scale() {
    let (a, b, c) = replaced();
    let l = lanes_of(&a, &b, &c);
    let mut g = WaterfallGeometry::for_viewport(1000.0, 400.0);
    let spec = WaterfallSpec {
        traces: [&a, &b],
        titles: ["A · base", "B · replaced"],
        window: TimeWindow {
            start_ns: 0,
            end_ns: 50 * MS,
        },
        selected: None,
    };
    let cmds = draw_list(&l, &spec, &g);
    let t = texts(&cmds);
    assert!(t.contains(&"A · base") && t.contains(&"B · replaced"));
    // rows 3..5 of B are e's tree (added); b's tree is A's last (removed), out of view
    assert_eq!(t.iter().filter(|x| **x == "+").count(), 3);
    assert_eq!(t.iter().filter(|x| **x == "−").count(), 0);
    let a_names: Vec<&str> = t
        .iter()
        .copied()
        .filter(|x| x.starts_with("task · "))
        .collect();
    assert_eq!(
        a_names[..3],
        ["task · a", "task · c", "task · d"],
        "A's trees in B's order"
    );
    g.first_row = [9, 5];
    let scrolled = draw_list(&l, &spec, &g);
    let shown = texts(&scrolled);
    assert_eq!(shown.iter().filter(|x| **x == "−").count(), 3, "b's tree");
    assert_eq!(
        shown.iter().filter(|x| **x == "+").count(),
        1,
        "e's dump only"
    );
    let first_fill = scrolled.iter().find_map(|c| match c {
        DrawCmd::Rect { h, fill, .. } if *h == 12.0 => Some(*fill),
        _ => None,
    });
    assert_eq!(first_fill, Some(colors::REMOVED));
    g.first_row = [0, 0];
    // both runs start at t = 0: task a's bars begin at the same x in both lanes
    let bars: Vec<(f64, f64)> = cmds
        .iter()
        .filter_map(|c| match c {
            DrawCmd::Rect { x, y, h, .. } if *h == 12.0 => Some((*x, *y)),
            _ => None,
        })
        .collect();
    let first_a = bars.iter().find(|b| b.1 >= 50.0 && b.1 < 70.0).unwrap();
    let first_b = bars.iter().find(|b| b.1 >= 232.0 && b.1 < 252.0).unwrap();
    assert_eq!(first_a.0, g.bars_x0());
    assert_eq!(first_a.0, first_b.0);
    assert_eq!(bars.len(), 16, "8 rows per lane");
    // a matched, unchanged bar is grey; a removed one has the removed colour
    let fills: Vec<_> = cmds
        .iter()
        .filter_map(|c| match c {
            DrawCmd::Rect { h, fill, .. } if *h == 12.0 => Some(*fill),
            _ => None,
        })
        .collect();
    assert_eq!(fills[0], colors::UNCHANGED);
    assert_eq!(fills[3], colors::UNCHANGED, "c matched");
}

#[test]
fn hovering_a_row_outlines_its_partner_or_says_where_it_is() {
    let (a, b, c) = replaced();
    let l = lanes_of(&a, &b, &c);
    let mut g = WaterfallGeometry::for_viewport(1000.0, 400.0);
    let spec = WaterfallSpec {
        traces: [&a, &b],
        titles: ["A", "B"],
        window: TimeWindow {
            start_ns: 0,
            end_ns: 50 * MS,
        },
        selected: None,
    };
    let count = |cmds: &[DrawCmd]| {
        let outlines = cmds
            .iter()
            .filter(|c| matches!(c, DrawCmd::Outline { .. }))
            .count();
        let lines = cmds
            .iter()
            .filter(|c| matches!(c, DrawCmd::Line { .. }))
            .count();
        (outlines, lines)
    };
    let o = overlay_list(&l, &spec, &g, Some((Lane::A, 0)));
    assert_eq!(count(&o), (2, 1), "row, partner and the link");
    let removed = l.rows[0]
        .iter()
        .position(|r| r.mark == Mark::Removed)
        .unwrap();
    g.first_row = [removed, 0];
    assert_eq!(
        count(&overlay_list(&l, &spec, &g, Some((Lane::A, removed)))),
        (1, 0),
        "removed: no partner"
    );
    // c's task in A (row 3) pairs with B's row 6; scroll B past it
    let i = (0..12).find(|&i| l.rows[0][i].partner == Some(6)).unwrap();
    g.first_row = [i.min(4), 9];
    let far = overlay_list(&l, &spec, &g, Some((Lane::A, i)));
    assert!(
        texts(&far)
            .iter()
            .any(|t| t.starts_with("▲ partner 3 row(s) away")),
        "{:?}",
        texts(&far)
    );
}

/// retries: B's path a, b, d; A's a, c, d; base vs b replaced by e: b removed, e added.
#[test]
fn the_delta_dag_colours_nodes_and_draws_both_paths() {
    let c = diff(&load("base.jsonl"), &load("retries.jsonl"), None);
    let d = delta_dag(&c);
    let ids: Vec<&str> = d.nodes.iter().map(|n| n.data_id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d"]);
    assert_eq!(d.layout.nodes.len(), 4);
    let node = |id: &str| d.nodes.iter().find(|n| n.data_id == id).unwrap();
    // b 19 -> 34 ms: slower by 15 of 34 (between 1/3 and 2/3)
    assert_eq!(node("b").status, Status::Slower);
    assert_eq!(node("b").fill, colors::SLOWER[1]);
    assert!(node("b").on_b_path && !node("b").on_a_path);
    assert!(node("c").on_a_path && !node("c").on_b_path);
    assert_eq!(node_path_text(node("b")), "Δ+15.0ms");
    assert_eq!(node_path_text(node("c")), "", "same duration, same wait");
    assert_eq!(
        node_tooltip(node("c")),
        "c · 28.0ms → 28.0ms · left the critical path"
    );
    let path = |f: fn(&skein::layout::compare::dag::DeltaEdge) -> bool| {
        let mut v: Vec<(&str, &str)> = d
            .edges
            .iter()
            .filter(|e| f(e))
            .map(|e| (ids[e.from], ids[e.to]))
            .collect();
        v.sort();
        v
    };
    assert_eq!(path(|e| e.on_b_path), [("a", "b"), ("b", "d")]);
    assert_eq!(path(|e| e.on_a_path), [("a", "c"), ("c", "d")]);
    assert_eq!(d.edges.len(), 4);

    let r = delta_dag(&diff(
        &load("base.jsonl"),
        &load("b_replaced_by_e.jsonl"),
        None,
    ));
    let presence: Vec<(&str, Presence)> = r
        .nodes
        .iter()
        .map(|n| (n.data_id.as_str(), n.presence))
        .collect();
    assert_eq!(
        presence,
        [
            ("a", Presence::Both),
            ("b", Presence::Removed),
            ("c", Presence::Both),
            ("d", Presence::Both),
            ("e", Presence::Added)
        ]
    );
    let b = &r.nodes[1];
    assert!(b.is_in_a && b.task.is_some() && b.fill == colors::REMOVED);
    assert_eq!(node_delta_text(b), "removed · was 19.0ms");
    assert_eq!(node_delta_text(&r.nodes[4]), "new · 19.0ms");
    // the edges of both runs: a->b, b->d (A only), a->e, e->d (B only), a->c, c->d
    assert_eq!(r.edges.len(), 6);
    assert_eq!(r.edges.iter().filter(|e| e.is_removed).count(), 2);
}

#[test]
fn a_matched_chat_pair_shows_usage_and_line_prefixes() {
    let (a, b) = (load("loop_a.jsonl"), load("loop_b.jsonl"));
    let c = diff(&a, &b, Some(MatchKey::Attr("node_id".into())));
    let chat = c
        .rows
        .iter()
        .find(|r| r.text == "[llm] pflow:node > chat·leaf")
        .unwrap();
    let p = c.pairs_of(chat)[2];
    let d = pair_detail(&a, p.a.unwrap(), &b, p.b.unwrap());
    let usage = pair::usage_lines(&d);
    assert_eq!(
        usage[2],
        (
            "tokens total",
            "120".to_string(),
            "120".to_string(),
            "+0".to_string()
        )
    );
    assert_eq!(usage.len(), 3, "no cost reported");
    let response = d.fields.iter().find(|f| f.field == "response").unwrap();
    let shown: Vec<String> = response
        .lines
        .as_ref()
        .unwrap()
        .iter()
        .map(|l| format!("{}{}", pair::prefix(l.change), l.text))
        .collect();
    assert_eq!(shown, ["− final", "+ draft 3"]);
    assert_eq!(
        pair::duration_line(
            skein::model::DurationNs(18 * MS),
            skein::model::DurationNs(20 * MS)
        ),
        "duration 18.0ms → 20.0ms (+2.00ms)"
    );
}
