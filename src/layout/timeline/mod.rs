//! The waterfall as a draw list: (trace, rows, view, geometry) -> commands the shell replays on
//! a canvas, and the inverse, hit testing. Invariants: only rows inside the viewport are
//! visited (culling is O(visible rows)); a bar is at least 1 px wide; labels appear only where
//! they fit, measured with the monospace advance the shell measured once.
//!
//! ```text
//!  +------------------+-------------------------------------------+
//!  | (label column)   | 0      50ms     100ms    150ms  (axis)    |  axis_height_px
//!  +------------------+-------------------------------------------+
//!  | ▾ task           | [=================================]  151ms |  row_height_px
//!  |   ▸ model load   |     [=======]  60ms                       |
//!  +------------------+-------------------------------------------+
//!    label_width_px     bar area: TimeScale maps the window onto it
//! ```

mod bar;
mod clock;
mod draw;
mod geometry;
mod hit;
pub mod interaction;
mod overlay;
mod search;

pub use clock::{aligned, effective_window, extent_ns, focus_span, shift_ns, shown_start_ns};
pub use draw::{Align, DrawCmd};
pub use geometry::{Geometry, AXIS_HEIGHT_PX, CHAR_WIDTH_PX, LABEL_WIDTH_PX, ROW_HEIGHT_PX};
pub use hit::{hit_test, Hit};
pub use overlay::{overlay_list, tooltip_position, tooltip_text};
pub use search::{is_match, matches_search, search_matches};

use super::palette::{self, ColorMode};
use super::rows::{Row, RowItem};
use super::span_notes::SpanNotes;
use super::ticks::ticks;
use crate::model::{SpanFlags, SpanIdx, Trace, TraceIdx};
use crate::view_state::TimeWindow;

/// What the timeline needs from the view beyond geometry.
#[derive(Debug, Clone, Copy)]
pub struct TimelineSpec<'a> {
    /// Visible window.
    pub window: TimeWindow,
    /// Selected span.
    pub selected: Option<SpanIdx>,
    /// Spans matching the search, sorted (`search_matches`; empty = no search).
    pub matches: &'a [SpanIdx],
    /// Colour mode.
    pub color_mode: ColorMode,
    /// Colours of this trace.
    pub palette: &'a palette::Palette,
    /// Data ids and tokens shown beside names and durations.
    pub notes: &'a SpanNotes,
    /// Critical sections by span when the critical path is shown (others are dimmed).
    pub critical: Option<&'a rustc_hash::FxHashMap<SpanIdx, Vec<(i64, i64)>>>,
    /// Each trace drawn from its own start (see `aligned`).
    pub aligned: bool,
}

fn fit_text(text: &str, width_px: f64, char_px: f64) -> Option<String> {
    let max = (width_px / char_px.max(1.0)).floor() as usize;
    let n = text.chars().count();
    if n <= max {
        Some(text.to_string())
    } else if max >= 4 {
        Some(
            text.chars()
                .take(max - 1)
                .chain(std::iter::once('…'))
                .collect(),
        )
    } else {
        None
    }
}

fn flag_note(flags: SpanFlags) -> &'static str {
    if flags.has(SpanFlags::ORPHAN) {
        " (orphan)"
    } else if flags.has(SpanFlags::CYCLE_CUT) {
        " (cycle cut)"
    } else if flags.has(SpanFlags::STARTS_BEFORE_PARENT) {
        " (skew)"
    } else if flags.has(SpanFlags::END_REPAIRED) {
        " (end fixed)"
    } else if flags.has(SpanFlags::RUNNING) {
        " (running)"
    } else {
        ""
    }
}

/// Builds the base layer of the waterfall.
pub fn draw_list(
    trace: &Trace,
    rows: &[Row],
    view: &TimelineSpec<'_>,
    g: &Geometry,
) -> Vec<DrawCmd> {
    let mut out = Vec::with_capacity(256);
    let scale = g.scale(trace, view.window);
    let x_end = g.bars_x0() + g.bars_width();
    let tick_list = ticks(&scale, 90.0);
    for t in &tick_list {
        out.push(DrawCmd::Line {
            x1: t.x_px,
            y1: g.axis_height_px,
            x2: t.x_px,
            y2: g.height_px,
            stroke: palette::GRID,
        });
    }
    let range = g.visible_row_range(rows.len());
    for i in range {
        let row = rows[i];
        let y = g.row_y(i);
        let mid = y + g.row_height_px / 2.0;
        match row.item {
            RowItem::TraceHeader(t) => draw_header(&mut out, trace, t, y, g),
            RowItem::Span(s) => {
                let span = trace.span(s);
                if view.selected == Some(s) {
                    out.push(DrawCmd::Rect {
                        x: 0.0,
                        y,
                        w: g.width_px,
                        h: g.row_height_px,
                        fill: palette::SELECTED_ROW,
                    });
                } else if is_match(view.matches, s) {
                    out.push(DrawCmd::Rect {
                        x: 0.0,
                        y,
                        w: g.width_px,
                        h: g.row_height_px,
                        fill: palette::MATCH_ROW,
                    });
                }
                // label column
                let tx = g.toggle_x(row.depth);
                if row.has_children {
                    let glyph = if row.is_expanded { "▾" } else { "▸" };
                    out.push(DrawCmd::Text {
                        x: tx,
                        y: mid,
                        text: glyph.into(),
                        fill: palette::TEXT_DIM,
                        align: Align::Left,
                        bold: false,
                    });
                }
                let mut name_x = tx + 14.0;
                if let Some(kind) = trace.span_type(s) {
                    out.push(DrawCmd::Icon {
                        x: name_x + 6.0,
                        y: mid,
                        size: 12.0,
                        icon: kind,
                        stroke: palette::type_color(kind),
                    });
                    name_x += 16.0;
                }
                // a FlowMesh task root says which data id it produced
                let label = match view.notes.data_id(s) {
                    Some(d) => format!(
                        "{} · {}{}",
                        trace.name(s),
                        trace.text(d),
                        flag_note(span.flags)
                    ),
                    None => format!("{}{}", trace.name(s), flag_note(span.flags)),
                };
                if let Some(text) =
                    fit_text(&label, g.label_width_px - name_x - 4.0, g.char_width_px)
                {
                    let fill = if span.is_error() {
                        palette::ERROR
                    } else {
                        palette::TEXT
                    };
                    out.push(DrawCmd::Text {
                        x: name_x,
                        y: mid,
                        text,
                        fill,
                        align: Align::Left,
                        bold: false,
                    });
                }
                bar::draw_bar(&mut out, trace, s, &scale, view, g, y, x_end);
            }
        }
    }
    // label column separator and axis on top of the rows
    out.push(DrawCmd::Line {
        x1: g.label_width_px,
        y1: 0.0,
        x2: g.label_width_px,
        y2: g.height_px,
        stroke: palette::GRID,
    });
    out.push(DrawCmd::Rect {
        x: 0.0,
        y: 0.0,
        w: g.width_px,
        h: g.axis_height_px,
        fill: palette::AXIS_BG,
    });
    out.push(DrawCmd::Line {
        x1: 0.0,
        y1: g.axis_height_px,
        x2: g.width_px,
        y2: g.axis_height_px,
        stroke: palette::GRID,
    });
    out.push(DrawCmd::Text {
        x: 8.0,
        y: g.axis_height_px / 2.0,
        text: format!("{} spans", trace.span_count()),
        fill: palette::TEXT_DIM,
        align: Align::Left,
        bold: false,
    });
    for t in &tick_list {
        out.push(DrawCmd::Line {
            x1: t.x_px,
            y1: g.axis_height_px - 6.0,
            x2: t.x_px,
            y2: g.axis_height_px,
            stroke: palette::TEXT_DIM,
        });
        if t.x_px + 2.0 < x_end {
            out.push(DrawCmd::Text {
                x: t.x_px + 3.0,
                y: g.axis_height_px / 2.0 - 2.0,
                text: t.label.clone(),
                fill: palette::TEXT,
                align: Align::Left,
                bold: false,
            });
        }
    }
    out
}

fn draw_header(out: &mut Vec<DrawCmd>, trace: &Trace, t: TraceIdx, y: f64, g: &Geometry) {
    out.push(DrawCmd::Rect {
        x: 0.0,
        y,
        w: g.width_px,
        h: g.row_height_px,
        fill: palette::AXIS_BG,
    });
    // which trace, what it is, and where it came from: traces from different files and formats
    // sit one under the other, each under its own header
    let mut text = format!("trace {}", trace.trace_ids()[t.ix()]);
    if let Some(root) = trace.first_root(t) {
        let source = trace.sources().get(trace.span(root).source.ix());
        text.push_str(&format!(" · {}", trace.name(root)));
        if let Some(src) = source {
            text.push_str(&format!(" · {} ({})", src.format, src.name));
        }
    }
    if let Some(text) = fit_text(&text, g.width_px - 16.0, g.char_width_px) {
        out.push(DrawCmd::Text {
            x: 8.0,
            y: y + g.row_height_px / 2.0,
            text,
            fill: palette::TEXT,
            align: Align::Left,
            bold: true,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ingest_sources;
    use crate::layout::palette::Rgb;
    use crate::layout::rows::visible_rows;
    use crate::layout::scenarios::TWO_SPANS;
    use crate::model::SpanType;
    use crate::view_state::Expansion;

    /// Colours and notes of a trace, as the shell derives them once per trace.
    fn looks(t: &Trace) -> (palette::Palette, SpanNotes) {
        let llm = crate::analysis::llm::llm_summary(t);
        (palette::Palette::new(t), SpanNotes::new(t, &llm))
    }

    /// The first second, coloured by type, nothing selected or highlighted.
    fn whole_second((palette, notes): &(palette::Palette, SpanNotes)) -> TimelineSpec<'_> {
        TimelineSpec {
            window: TimeWindow {
                start_ns: 0,
                end_ns: 1_000_000_000,
            },
            selected: None,
            matches: &[],
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
        let view = TimelineSpec {
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
}
