use super::*;
use crate::ingest::ingest_sources;
use crate::layout::rows::visible_rows;
use crate::view_state::Expansion;

const TWO_SPANS: &str = concat!(
    r#"{"name": "root", "context": {"trace_id": "0x01", "span_id": "0x0a"}, "parent_id": null, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:01Z"}"#,
    "\n",
    r#"{"name": "child", "context": {"trace_id": "0x01", "span_id": "0x0b"}, "parent_id": "0x0a", "start_time": "2026-01-01T00:00:00.5Z", "end_time": "2026-01-01T00:00:00.75Z"}"#,
    "\n"
);

/// Colours and notes of a trace, as the shell derives them once per trace.
fn looks(t: &Trace) -> (palette::Palette, SpanNotes) {
    let llm = crate::analysis::llm::llm_summary(t);
    (palette::Palette::new(t), SpanNotes::new(t, &llm))
}

/// The first second, coloured by type, nothing selected or highlighted.
fn whole_second((palette, notes): &(palette::Palette, SpanNotes)) -> TimelineView<'_> {
    TimelineView {
        window: TimeWindow {
            start_ns: 0,
            end_ns: 1_000_000_000,
        },
        selected: None,
        search_lower: "",
        color_mode: ColorMode::SpanType,
        critical: None,
        palette,
        notes,
        aligned: false,
    }
}

fn geometry() -> Geometry {
    Geometry {
        width_px: 1000.0,
        height_px: 400.0,
        label_width_px: 200.0,
        axis_height_px: 30.0,
        row_height_px: 20.0,
        scroll_top_px: 0.0,
        char_width_px: 7.0,
    }
}

#[test]
fn bars_sit_where_the_scale_says_and_hits_invert_them() {
    let t = ingest_sources([("t.jsonl", TWO_SPANS.as_bytes())]);
    let rows = visible_rows(&t, &Expansion::default());
    let g = geometry();
    let window = TimeWindow {
        start_ns: 0,
        end_ns: 1_000_000_000,
    };
    let palette = looks(&t);
    let view = whole_second(&palette);
    let cmds = draw_list(&t, &rows, &view, &g);
    let bars: Vec<(f64, f64)> = cmds
        .iter()
        .filter_map(|c| match c {
            DrawCmd::Rect { x, w, h, .. } if *h == 12.0 => Some((*x, *w)),
            _ => None,
        })
        .collect();
    let x0 = g.bars_x0();
    let bw = g.bars_width();
    assert_eq!(bars.len(), 2);
    assert!((bars[0].0 - x0).abs() < 1e-9 && (bars[0].1 - bw).abs() < 1e-6);
    assert!((bars[1].0 - (x0 + bw * 0.5)).abs() < 1e-6 && (bars[1].1 - bw * 0.25).abs() < 1e-6);
    // row 1 is the child; its toggle area is empty (no children), so it is a span hit
    let child = t.find_span(crate::model::SpanId(0xb)).unwrap();
    assert_eq!(
        hit_test(&t, &rows, window, &g, x0 + bw * 0.6, 30.0 + 25.0),
        Hit::Span(child)
    );
    let root = t.find_span(crate::model::SpanId(0xa)).unwrap();
    assert_eq!(
        hit_test(&t, &rows, window, &g, g.toggle_x(0) + 2.0, 35.0),
        Hit::Toggle(root)
    );
    assert!(matches!(
        hit_test(&t, &rows, window, &g, x0, 10.0),
        Hit::Axis { offset_ns: 0 }
    ));
}

#[test]
fn only_visible_rows_are_drawn() {
    let mut text = String::new();
    for i in 1..=500u32 {
        text.push_str(&format!(
            r#"{{"name": "s{i}", "context": {{"trace_id": "0x01", "span_id": "0x{i:x}"}}, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:01Z"}}"#
        ));
        text.push('\n');
    }
    let t = ingest_sources([("t.jsonl", text.as_bytes())]);
    let rows = visible_rows(&t, &Expansion::default());
    assert_eq!(rows.len(), 500);
    let g = Geometry {
        scroll_top_px: 2000.0,
        ..geometry()
    };
    let palette = looks(&t);
    let view = whole_second(&palette);
    let cmds = draw_list(&t, &rows, &view, &g);
    let names: Vec<&str> = cmds
        .iter()
        .filter_map(|c| match c {
            DrawCmd::Text { text, .. } if text.starts_with('s') && !text.contains(' ') => {
                Some(text.as_str())
            }
            _ => None,
        })
        .collect();
    assert_eq!(names.first(), Some(&"s101"));
    assert!(names.len() <= 20, "{}", names.len());
}

#[test]
fn critical_path_dims_the_rest_but_never_errors() {
    let text = TWO_SPANS.replace(
        r#""parent_id": "0x0a", "start_time""#,
        r#""parent_id": "0x0a", "status": {"status_code": "ERROR"}, "start_time""#,
    );
    let t = ingest_sources([("t.jsonl", text.as_bytes())]);
    let rows = visible_rows(&t, &Expansion::default());
    let root = t.find_span(crate::model::SpanId(0xa)).unwrap();
    let mut critical = rustc_hash::FxHashMap::default();
    critical.insert(root, vec![(t.span(root).start.0, t.span(root).end.0)]);
    let palette = looks(&t);
    let view = TimelineView {
        critical: Some(&critical),
        ..whole_second(&palette)
    };
    let fills: Vec<Rgb> = draw_list(&t, &rows, &view, &geometry())
        .iter()
        .filter_map(|c| match c {
            DrawCmd::Rect { h, fill, .. } if *h == 12.0 => Some(*fill),
            _ => None,
        })
        .collect();
    assert_eq!(fills.len(), 2);
    assert_ne!(
        fills[0],
        palette::dim(fills[0]),
        "the critical root keeps its colour"
    );
    assert_eq!(fills[1], palette::ERROR, "the failed child is not dimmed");
}

#[test]
fn search_matches_names_and_services_like_the_row_highlight() {
    let t = ingest_sources([("t.jsonl", TWO_SPANS.as_bytes())]);
    let all: Vec<SpanIdx> = (0..t.span_count() as u32).map(SpanIdx).collect();
    for q in ["ROOT", "child", "o", "nothing", " "] {
        let needle = q.trim().to_lowercase();
        let slow: Vec<SpanIdx> = all
            .iter()
            .copied()
            .filter(|s| matches_search(&t, *s, &needle))
            .collect();
        assert_eq!(search_matches(&t, q), slow, "{q}");
    }
}

#[test]
fn collapsing_hides_children() {
    let t = ingest_sources([("t.jsonl", TWO_SPANS.as_bytes())]);
    let mut e = Expansion::default();
    assert_eq!(visible_rows(&t, &e).len(), 2);
    e.toggle(crate::model::SpanId(0xa));
    assert_eq!(visible_rows(&t, &e).len(), 1);
    e.set_all(false);
    assert_eq!(visible_rows(&t, &e).len(), 1);
    e.set_all(true);
    assert_eq!(visible_rows(&t, &e).len(), 2);
}

#[test]
fn typed_spans_get_their_icon_before_the_name() {
    let lines = TWO_SPANS.replace(
        r#""parent_id": "0x0a","#,
        r#""parent_id": "0x0a", "attributes": {"gen_ai.operation.name": "execute_tool", "gen_ai.usage.input_tokens": 40, "gen_ai.usage.output_tokens": 2},"#,
    );
    let t = ingest_sources([("t.jsonl", lines.as_bytes())]);
    let rows = visible_rows(&t, &Expansion::default());
    let palette = looks(&t);
    let view = whole_second(&palette);
    let cmds = draw_list(&t, &rows, &view, &geometry());
    let icons: Vec<(f64, SpanType)> = cmds
        .iter()
        .filter_map(|c| match c {
            DrawCmd::Icon { x, icon, .. } => Some((*x, *icon)),
            _ => None,
        })
        .collect();
    assert_eq!(icons.len(), 1, "only the typed child has an icon");
    assert_eq!(icons[0].1, SpanType::Tool);
    let label_x = |name: &str| {
        cmds.iter()
            .find_map(|c| match c {
                DrawCmd::Text { x, text, .. } if text == name => Some(*x),
                _ => None,
            })
            .unwrap()
    };
    assert!(
        label_x("child") > icons[0].0 + 6.0,
        "the name starts right of the icon"
    );
    assert!(
        label_x("root") < icons[0].0,
        "an untyped name is not shifted"
    );
    // its duration label carries the tokens it used
    assert!(
        cmds.iter()
            .any(|c| matches!(c, DrawCmd::Text { text, .. } if text == "250ms · 42 tok")),
        "{cmds:#?}"
    );
}
