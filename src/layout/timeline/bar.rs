//! One row of the waterfall as draw commands: a trace's header, a span's bar (colour, dimming
//! off the critical path, critical sections, log ticks, the label beside it) and the label text
//! that fits. Invariant: text never runs past the width it was given (cut with "…", or left
//! out when under four characters fit).

use super::{shift_ns, Align, DrawCmd, Geometry, TimelineView};
use crate::layout::palette::{self, Rgb};
use crate::layout::time_scale::TimeScale;
use crate::model::{SpanFlags, SpanIdx, Trace, TraceIdx};

/// `text` cut to fit `width_px` at `char_px` per character, or `None` when too little fits.
pub(super) fn fit_text(text: &str, width_px: f64, char_px: f64) -> Option<String> {
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

/// The note a label gets for the first of its span's repair flags (or running).
pub(super) fn flag_note(flags: SpanFlags) -> &'static str {
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

/// A trace's header row: its id, root name, format and file.
pub(super) fn draw_header(
    out: &mut Vec<DrawCmd>,
    trace: &Trace,
    t: TraceIdx,
    y: f64,
    g: &Geometry,
) {
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

/// A span's bar and what sits on it and beside it.
#[allow(clippy::too_many_arguments)]
pub(super) fn draw_bar(
    out: &mut Vec<DrawCmd>,
    trace: &Trace,
    s: SpanIdx,
    scale: &TimeScale,
    view: &TimelineView<'_>,
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
                        Rgb(0x5a0000)
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
