//! One span's bar: its box (or a diamond for an instant), the critical-path strip, event and
//! log ticks, and its duration label (with tokens for LLM calls) beside it where it fits.

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
    }
}
