//! One span's bar: its box (or a diamond for an instant), the critical-path strip, event and
//! log ticks, and its duration label (with tokens for LLM calls) beside it where it fits, else
//! inside it at its right end (so a bar as wide as the window still says its duration).

use super::draw::{Align, DrawCmd};
use super::geometry::Geometry;
use super::{shift_ns, TimelineSpec};
use crate::layout::palette;
use crate::layout::time_scale::TimeScale;
use crate::model::{SpanIdx, Trace};

#[allow(clippy::too_many_arguments)]
pub(super) fn draw_bar(
    out: &mut Vec<DrawCmd>,
    trace: &Trace,
    s: SpanIdx,
    scale: &TimeScale,
    view: &TimelineSpec<'_>,
    g: &Geometry,
    y: f64,
    x_end: f64,
) {
    let span = trace.span(s);
    let x0 = g.bars_x0();
    let shift = shift_ns(trace, s, view.aligned);
    let px =
        |t: crate::model::TimestampNs| scale.px_from_time(crate::model::TimestampNs(t.0 - shift));
    let a = px(span.start);
    let b = px(span.end);
    let mid = y + g.row_height_px / 2.0;
    if b < x0 - 6.0 || a > x_end + 6.0 {
        return; // outside the window
    }
    let base = if span.is_error() {
        palette::ERROR
    } else {
        view.palette.span_color(trace, s, view.color_mode)
    };
    let sections = view.critical.and_then(|c| c.get(&s));
    // off the critical path spans fade, but failures always stand out
    let fill = match (view.critical, sections) {
        (Some(_), None) if !span.is_error() => palette::dim(base),
        _ => base,
    };
    if span.is_instant() {
        out.push(DrawCmd::Diamond {
            x: a,
            y: mid,
            r: 5.0,
            fill,
        });
    } else {
        let left = a.max(x0 - 2.0);
        let right = b.min(x_end + 2.0);
        let w = (right - left).max(1.0);
        let bar_h = g.row_height_px - 8.0;
        out.push(DrawCmd::Rect {
            x: left,
            y: y + 4.0,
            w,
            h: bar_h,
            fill,
        });
        if span.is_error() || view.selected == Some(s) {
            out.push(DrawCmd::Outline {
                x: left,
                y: y + 4.0,
                w,
                h: bar_h,
                stroke: palette::TEXT,
            });
        }
        for &(a_ns, b_ns) in sections.into_iter().flatten() {
            let (sa, sb) = (
                px(crate::model::TimestampNs(a_ns)).max(left),
                px(crate::model::TimestampNs(b_ns)).min(left + w),
            );
            if sb > sa - 1.0 {
                out.push(DrawCmd::Rect {
                    x: sa,
                    y: y + g.row_height_px - 6.0,
                    w: (sb - sa).max(1.0),
                    h: 3.0,
                    fill: palette::CRITICAL,
                });
            }
        }
        if w > 6.0 && !trace.logs().is_empty() {
            for l in trace.span_logs(s) {
                let lx = px(l.time);
                if lx >= left && lx <= left + w {
                    out.push(DrawCmd::Rect {
                        x: lx - 1.0,
                        y: y + g.row_height_px - 7.0,
                        w: 3.0,
                        h: 4.0,
                        fill: palette::LOG,
                    });
                }
            }
        }
        if w > 6.0 {
            for e in trace.span_events(s) {
                let ex = px(e.time);
                if ex >= left && ex <= left + w {
                    let stroke = if trace.text(e.name) == "exception" {
                        palette::EXCEPTION
                    } else {
                        palette::TEXT
                    };
                    out.push(DrawCmd::Line {
                        x1: ex,
                        y1: y + 3.0,
                        x2: ex,
                        y2: y + g.row_height_px - 3.0,
                        stroke,
                    });
                }
            }
        }
    }
    // an LLM call says what it used beside its duration
    let label = match view.notes.tokens(s) {
        Some(tokens) => format!("{} · {tokens} tok", span.duration()),
        None => span.duration().to_string(),
    };
    let label_w = label.chars().count() as f64 * g.char_width_px;
    if b + 6.0 + label_w < x_end {
        out.push(DrawCmd::Text {
            x: b.max(x0) + 6.0,
            y: mid,
            text: label,
            fill: palette::TEXT_DIM,
            align: Align::Left,
            bold: false,
        });
    } else if a - 6.0 - label_w > x0 {
        out.push(DrawCmd::Text {
            x: a - 6.0,
            y: mid,
            text: label,
            fill: palette::TEXT_DIM,
            align: Align::Right,
            bold: false,
        });
    } else if !span.is_instant() && b.min(x_end) - a.max(x0) > label_w + 12.0 {
        // a bar reaching both edges (a fitted root) says its duration inside, at its right end
        let on = if fill.0 & palette::FADED != 0 {
            palette::TEXT
        } else {
            crate::layout::theme_colors::text_on(fill)
        };
        out.push(DrawCmd::Text {
            x: b.min(x_end) - 6.0,
            y: mid,
            text: label,
            fill: on,
            align: Align::Right,
            bold: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::{draw_list, DrawCmd, Geometry, TimelineSpec};
    use crate::ingest::ingest_sources;
    use crate::layout::palette::{ColorMode, Palette};
    use crate::layout::rows::visible_rows;
    use crate::layout::scenarios::TWO_SPANS;
    use crate::layout::span_notes::SpanNotes;
    use crate::model::DurationNs;
    use crate::view_state::{Expansion, TimeWindow};

    #[test]
    fn a_bar_as_wide_as_the_window_says_its_duration_inside() {
        // TWO_SPANS fitted: the root (0 – 1 s) fills the bar area, so neither side has room
        //  | root  |[==================== 1.00s]|
        //  | child |          [=====]  250ms    |
        let t = ingest_sources([("t.jsonl", TWO_SPANS.as_bytes())]);
        let rows = visible_rows(&t, &Expansion::default());
        let (palette, notes) = (
            Palette::new(&t),
            SpanNotes::new(&t, &crate::analysis::llm::llm_summary(&t)),
        );
        let g = Geometry {
            width_px: 1000.0,
            height_px: 400.0,
            label_width_px: 200.0,
            axis_height_px: 30.0,
            row_height_px: 20.0,
            scroll_top_px: 0.0,
            char_width_px: 7.0,
        };
        let spec = TimelineSpec {
            window: TimeWindow {
                start_ns: 0,
                end_ns: 1_000_000_000,
            },
            selected: None,
            matches: &[],
            color_mode: ColorMode::SpanType,
            critical: None,
            palette: &palette,
            notes: &notes,
            aligned: false,
        };
        let root_row_mid = g.row_y(0) + g.row_height_px / 2.0;
        let labels: Vec<(f64, String)> = draw_list(&t, &rows, &spec, &g)
            .into_iter()
            .filter_map(|c| match c {
                DrawCmd::Text { x, y, text, .. } if y == root_row_mid && x > 200.0 => {
                    Some((x, text))
                }
                _ => None,
            })
            .collect();
        assert_eq!(labels.len(), 1, "{labels:?}");
        let (x, text) = &labels[0];
        assert_eq!(
            DurationNs::parse_text(text),
            Some(DurationNs(1_000_000_000))
        );
        assert!(*x <= 1000.0 && *x > 900.0, "at the right edge: {x}");
    }
}
