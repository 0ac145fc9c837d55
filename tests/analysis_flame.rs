//! Flame graphs on scenarios drawn below (merging by path, heaviest first, the critical-path
//! mode differing from all time on parallel branches, the inverted mode), their layout and hit
//! testing, and the all-time graph of `big_sample_1k` against sums read from the JSON lines.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use skein::analysis::flame::{flame_graph, FlameGraph, FlameMode, MAX_INVERTED_DEPTH};
use skein::analysis::span_critical_path::{critical_path, Rules};
use skein::layout::flame::{draw_list, flame_layout, hit_test, tooltip, FlameGeometry, FlameView};
use skein::layout::palette::Palette;
use skein::layout::timeline::DrawCmd;
use skein::model::Trace;
use skein::query::{Query, QueryContext};
use skein::view_state::ColorMode;
use support::otel_lines::{duration_ns, iso_ns, lines};
use support::*;

const MS: i64 = 1_000_000;

/// One span line: id, parent, name, service, start and end in ms.
fn line(id: u32, parent: Option<u32>, name: &str, service: &str, a: u32, b: u32) -> String {
    let parent = parent.map_or("null".to_string(), |p| format!("\"0x{p:x}\""));
    format!(
        r#"{{"name": "{name}", "context": {{"trace_id": "0x1", "span_id": "0x{id:x}"}}, "parent_id": {parent}, "start_time": "2026-01-01T00:00:00.{a:03}Z", "end_time": "2026-01-01T00:00:00.{b:03}Z", "resource": {{"attributes": {{"service.name": "{service}"}}}}}}"#
    ) + "\n"
}

fn load(text: &str) -> Trace {
    skein::ingest::ingest_sources([("t.jsonl", text.as_bytes())])
}

/// The graph as indented "service/name count total self" lines, children in graph order.
fn dump(t: &Trace, g: &FlameGraph) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![0u32];
    while let Some(n) = stack.pop() {
        let node = g.node(n);
        out.push(format!(
            "{}{}/{} {} {} {}",
            "  ".repeat(node.depth.into()),
            t.text(node.service),
            g.label(t, n),
            node.count,
            node.total_ns / MS,
            node.self_ns / MS
        ));
        stack.extend(node.children.iter().rev());
    }
    out
}

/// ```text
///  0    2    4    6    8    10   (ms; two roots named a)
///  a [==========================]   svc
///    b [====]                       2 ms
///    b        [==========]          4 ms
///    b (svc2) [==]                  another service: its own box
///  a [==========================]
///    c [==========]                 4 ms
/// ```
fn merge_scenario() -> Trace {
    load(
        &(line(1, None, "a", "svc", 0, 10)
            + &line(2, Some(1), "b", "svc", 1, 3)
            + &line(3, Some(1), "b", "svc", 4, 8)
            + &line(4, Some(1), "b", "svc2", 4, 5)
            + &line(5, None, "a", "svc", 20, 30)
            + &line(6, Some(5), "c", "svc", 21, 25)),
    )
}

#[test]
fn children_with_the_same_service_and_name_merge_heaviest_first() {
    let t = merge_scenario();
    let g = flame_graph(&t, FlameMode::AllTime, &[]);
    // a's self: 10 - |[1,3] ∪ [4,8] ∪ [4,5]| = 4, and 10 - 4 = 6
    assert_eq!(
        dump(&t, &g),
        [
            "/all 2 20 0",
            "  svc/a 2 20 10",
            "    svc/b 2 6 6",
            "    svc/c 1 4 4",
            "    svc2/b 1 1 1",
        ]
    );
    let b = g.node(g.node(1).children[0]);
    assert_eq!(t.span(b.slowest.unwrap()).span_id.0, 3);
    let m = Query::parse("name=b")
        .unwrap()
        .matches(&QueryContext::new(&t, &[]));
    let counts = g.match_counts(&m);
    let labelled: Vec<(String, u32)> = (0..g.nodes().len() as u32)
        .map(|n| {
            (
                format!("{}/{}", t.text(g.node(n).service), g.label(&t, n)),
                counts[n as usize],
            )
        })
        .filter(|(_, c)| *c > 0)
        .collect();
    assert_eq!(
        labelled,
        [("svc/b".to_string(), 2), ("svc2/b".to_string(), 1)]
    );
}

/// ```text
///  0                   60            100 (ms)
///  wf [==================================]
///  p1 [====================]               a parallel branch that finishes early
///  p2 [==================================]   the branch that decides the end
///    s  [=====]                             inside p2 (5..20)
/// ```
/// The critical path: p2 finished last, so p2 and s are critical (s 5..20, p2 0..5 and
/// 20..100); nothing of p1 or wf is.
fn parallel_scenario() -> Trace {
    load(
        &(line(1, None, "wf", "svc", 0, 100)
            + &line(2, Some(1), "p1", "svc", 0, 60)
            + &line(3, Some(1), "p2", "svc", 0, 100)
            + &line(4, Some(3), "s", "svc", 5, 20)),
    )
}

#[test]
fn the_critical_path_mode_counts_only_critical_time_so_parallel_branches_differ() {
    let t = parallel_scenario();
    let all = flame_graph(&t, FlameMode::AllTime, &[]);
    assert_eq!(
        dump(&t, &all),
        [
            "/all 1 100 0",
            "  svc/wf 1 100 0",
            "    svc/p2 1 100 85",
            "      svc/s 1 15 15",
            "    svc/p1 1 60 60",
        ]
    );
    let sections = critical_path(&t, Rules::fixed());
    let crit = flame_graph(&t, FlameMode::CriticalPath, &sections);
    assert_eq!(
        dump(&t, &crit),
        [
            "/all 1 100 0",
            "  svc/wf 1 100 0",
            "    svc/p2 1 100 85",
            "      svc/s 1 15 15",
        ]
    );
    assert_ne!(dump(&t, &all), dump(&t, &crit));
    let p1 = t.find_span(skein::model::SpanId(2)).unwrap();
    assert_eq!(crit.node_of_span(p1), None);
}

#[test]
fn the_inverted_mode_groups_self_time_under_its_callers() {
    let t = merge_scenario();
    let g = flame_graph(&t, FlameMode::Inverted, &[]);
    // self times: a 4 + 6, b 2 + 4 under a, c 4 under a, b (svc2) 1 under a
    assert_eq!(
        dump(&t, &g),
        [
            "/all 6 21 0",
            "  svc/a 2 10 10",
            "  svc/b 2 6 6",
            "    svc/a 2 6 0",
            "  svc/c 1 4 4",
            "    svc/a 1 4 0",
            "  svc2/b 1 1 1",
            "    svc/a 1 1 0",
        ]
    );
    // a match counts on every box of its chain
    let m = Query::parse("name=c")
        .unwrap()
        .matches(&QueryContext::new(&t, &[]));
    let counts = g.match_counts(&m);
    assert_eq!(counts.iter().filter(|c| **c == 1).count(), 2);
}

#[test]
fn inverted_chains_of_deep_traces_are_cut() {
    let mut text = String::new();
    for i in 1..=300u32 {
        text += &line(i, (i > 1).then(|| i - 1), "d", "svc", 0, 10);
    }
    let t = load(&text);
    let g = flame_graph(&t, FlameMode::Inverted, &[]);
    // every span's chain is "d, d, d, ...": one path of MAX_INVERTED_DEPTH boxes
    assert_eq!(g.nodes().len(), 1 + MAX_INVERTED_DEPTH);
    assert_eq!(g.node(1).count, 300);
    assert_eq!(g.node(1).total_ns, 10 * MS); // only the deepest span has self time
}

#[test]
fn layout_squeezes_parallel_children_into_their_parent_and_hit_tests() {
    let t = parallel_scenario();
    let g = flame_graph(&t, FlameMode::AllTime, &[]);
    let geo = FlameGeometry {
        width_px: 1000.0,
        height_px: 200.0,
        row_height_px: 20.0,
        scroll_top_px: 0.0,
        char_width_px: 7.0,
    };
    let layout = flame_layout(&g, 0, &geo);
    let boxes: Vec<(String, usize, i64, i64)> = layout
        .boxes
        .iter()
        .map(|b| {
            (
                g.label(&t, b.node).to_string(),
                b.row,
                b.x_px.round() as i64,
                b.w_px.round() as i64,
            )
        })
        .collect();
    // p2 100 and p1 60 add up to 160 under wf's 100: squeezed to 1000 * 100/160 and 60/160
    assert_eq!(
        boxes,
        [
            ("all".to_string(), 0, 0, 1000),
            ("wf".to_string(), 1, 0, 1000),
            ("p2".to_string(), 2, 0, 625),
            ("p1".to_string(), 2, 625, 375),
            ("s".to_string(), 3, 0, 94),
        ]
    );
    let label_at =
        |x: f64, y: f64| hit_test(&layout, &geo, x, y).map(|n| g.label(&t, n).to_string());
    assert_eq!(label_at(700.0, 45.0).as_deref(), Some("p1"));
    assert_eq!(label_at(10.0, 65.0).as_deref(), Some("s"));
    assert_eq!(label_at(500.0, 65.0), None);
    assert_eq!(label_at(500.0, 500.0), None);
    // zoomed into p1: its ancestors stay above as context, p1 takes the full width
    let p1 = g.node(1).children[1]; // wf (box 1) holds p2 then p1
    let zoomed = flame_layout(&g, p1, &geo);
    let rows: Vec<(String, bool, i64)> = zoomed
        .boxes
        .iter()
        .map(|b| (g.label(&t, b.node).to_string(), b.is_context, b.w_px as i64))
        .collect();
    assert_eq!(
        rows,
        [
            ("all".to_string(), true, 1000),
            ("wf".to_string(), true, 1000),
            ("p1".to_string(), false, 1000)
        ]
    );
    let palette = Palette::new(&t);
    let view = FlameView {
        palette: &palette,
        color_mode: ColorMode::Service,
        match_counts: None,
        selected: Some(p1),
    };
    let cmds = draw_list(&t, &g, &zoomed, &view, &geo);
    let rects = cmds
        .iter()
        .filter(|c| matches!(c, DrawCmd::Rect { .. }))
        .count();
    let outlines = cmds
        .iter()
        .filter(|c| matches!(c, DrawCmd::Outline { .. }))
        .count();
    assert_eq!((rects, outlines), (3, 1));
    assert!(cmds
        .iter()
        .any(|c| matches!(c, DrawCmd::Text { text, .. } if text == "p1 60.0ms")));
    assert_eq!(
        tooltip(&t, &g, p1),
        "svc · p1\n1 span · total 60.0ms · self 60.0ms"
    );
    for m in FlameMode::ALL {
        assert_eq!(FlameMode::from_token(m.token()), Some(m));
    }
}

#[test]
fn all_time_boxes_add_up_to_the_json_lines_of_big_sample_1k() {
    assert_eq!(iso_ns("1970-01-02T00:00:01.5Z"), 86_401_500_000_000);
    let path = shared("generated/big_sample_1k/spans.jsonl");
    let rows = lines(&path);
    let t = ingest_paths(std::slice::from_ref(&path));
    let g = flame_graph(&t, FlameMode::AllTime, &[]);
    let spans: u32 = g.nodes()[1..].iter().map(|n| n.count).sum();
    assert_eq!(spans as usize, rows.len());
    let total: i64 = g.nodes()[1..].iter().map(|n| n.total_ns).sum();
    assert_eq!(total, rows.iter().map(duration_ns).sum::<i64>());
    let roots: Vec<&serde_json::Value> = rows.iter().filter(|r| r["parent_id"].is_null()).collect();
    assert_eq!(g.node(0).count as usize, roots.len());
    assert_eq!(
        g.node(0).total_ns,
        roots.iter().map(|r| duration_ns(r)).sum::<i64>()
    );
}
