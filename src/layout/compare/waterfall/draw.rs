//! The waterfalls' draw lists: the base layer (axis, lane titles, the rows in view with their
//! marks and Δ-coloured bars) and the hover layer (the row, its partner, the link between
//! them, or an arrow saying how far the partner is scrolled away).

use super::{Lane, LaneRow, Lanes, Mark, WaterfallGeometry};
use crate::analysis::compare::tolerance::Status;
use crate::layout::compare::colors;
use crate::layout::compare::table::signed;
use crate::layout::palette;
use crate::layout::ticks::ticks;
use crate::layout::timeline::{Align, DrawCmd};
use crate::model::{SpanIdx, Trace};
use crate::view_state::TimeWindow;

/// What the lanes need to be drawn besides their rows.
#[derive(Debug, Clone, Copy)]
pub struct WaterfallSpec<'a> {
    /// A's and B's loads (by `Lane::ix`).
    pub traces: [&'a Trace; 2],
    /// Each lane's title (`A · baseline: spans.jsonl · 149ms`).
    pub titles: [&'a str; 2],
    /// The window, as offsets from each run's start.
    pub window: TimeWindow,
    /// The selected row, if it is in a lane.
    pub selected: Option<(Lane, usize)>,
}

fn fit_text(text: &str, width_px: f64, char_px: f64) -> Option<String> {
    let max = (width_px / char_px.max(1.0)).floor() as usize;
    if text.chars().count() <= max {
        Some(text.to_string())
    } else if max >= 4 {
        Some(text.chars().take(max - 1).chain(['…']).collect())
    } else {
        None
    }
}

fn text(x: f64, y: f64, text: String, fill: palette::Rgb, bold: bool) -> DrawCmd {
    DrawCmd::Text {
        x,
        y,
        text,
        fill,
        align: Align::Left,
        bold,
    }
}

/// The fill and glyph of a row's mark (`▲` slower, `▼` faster, `=` unchanged, `+`, `−`).
fn mark_style(
    mark: Mark,
    trace: &Trace,
    s: SpanIdx,
    partner_ns: Option<i64>,
) -> (palette::Rgb, &'static str) {
    match mark {
        Mark::Added => (colors::ADDED, "+"),
        Mark::Removed => (colors::REMOVED, "−"),
        Mark::Header(_) => (palette::AXIS_BG, ""),
        Mark::Matched(status) => {
            let own = trace.span(s).duration();
            let other = crate::model::DurationNs(partner_ns.unwrap_or(own.0));
            let glyph = match status {
                Status::Slower => "▲",
                Status::Faster => "▼",
                _ => "=",
            };
            // the colour step is symmetric in the two durations
            (colors::delta_color(status, other, own), glyph)
        }
    }
}

/// The partner's duration of a matched row (for the colour step).
fn partner_ns(lanes: &Lanes, spec: &WaterfallSpec, lane: Lane, row: &LaneRow) -> Option<i64> {
    let p = lanes.rows[lane.other().ix()].get(row.partner? as usize)?;
    Some(spec.traces[lane.other().ix()].span(p.span?).duration().0)
}

fn draw_row(
    out: &mut Vec<DrawCmd>,
    lanes: &Lanes,
    spec: &WaterfallSpec,
    g: &WaterfallGeometry,
    lane: Lane,
    i: usize,
    y: f64,
) {
    let row = lanes.rows[lane.ix()][i];
    let trace = spec.traces[lane.ix()];
    let mid = y + g.row_height_px / 2.0;
    if spec.selected == Some((lane, i)) {
        out.push(DrawCmd::Rect {
            x: 0.0,
            y,
            w: g.width_px,
            h: g.row_height_px,
            fill: palette::SELECTED_ROW,
        });
    }
    let Some(s) = row.span else {
        if let Mark::Header(t) = row.mark {
            let label = format!("trace {}", trace.trace_ids()[t.ix()]);
            out.push(text(8.0, mid, label, palette::TEXT_DIM, true));
        }
        return;
    };
    let (fill, glyph) = mark_style(row.mark, trace, s, partner_ns(lanes, spec, lane, &row));
    let x = 6.0 + f64::from(row.depth.min(30)) * 12.0;
    out.push(text(x, mid, glyph.to_string(), palette::TEXT_DIM, true));
    let name_color = if trace.span(s).is_error() {
        palette::ERROR
    } else {
        palette::TEXT
    };
    // a FlowMesh task says which data id it produced, as in the timeline
    let name = match trace
        .attribute_str(s, "data_id")
        .filter(|_| trace.span(s).parent.is_none())
    {
        Some(d) => format!("{} · {d}", trace.name(s)),
        None => trace.name(s).to_string(),
    };
    if let Some(label) = fit_text(&name, g.label_width_px - x - 18.0, g.char_width_px) {
        out.push(text(x + 14.0, mid, label, name_color, false));
    }
    let scale = g.scale(lanes.start[lane.ix()], spec.window);
    let span = trace.span(s);
    let x_end = g.bars_x0() + g.bars_width();
    let (a, b) = (scale.px_from_time(span.start), scale.px_from_time(span.end));
    if b < g.bars_x0() - 4.0 || a > x_end + 4.0 {
        return;
    }
    let left = a.max(g.bars_x0() - 2.0);
    let w = (b.min(x_end + 2.0) - left).max(1.0);
    out.push(DrawCmd::Rect {
        x: left,
        y: y + 4.0,
        w,
        h: g.row_height_px - 8.0,
        fill,
    });
    if matches!(row.mark, Mark::Added | Mark::Removed) || span.is_error() {
        let stroke = if span.is_error() {
            palette::ERROR
        } else {
            palette::TEXT
        };
        out.push(DrawCmd::Outline {
            x: left,
            y: y + 4.0,
            w,
            h: g.row_height_px - 8.0,
            stroke,
        });
    }
    // a changed pair says by how much
    let label = match (row.mark, partner_ns(lanes, spec, lane, &row)) {
        (Mark::Matched(Status::Slower | Status::Faster), Some(p)) => {
            let own = span.duration().0;
            let d = if lane == Lane::B { own - p } else { p - own };
            format!(
                "{} (B − A {})",
                span.duration(),
                signed(crate::model::DurationNs(d))
            )
        }
        _ => span.duration().to_string(),
    };
    if left + w + 4.0 + label.chars().count() as f64 * g.char_width_px < x_end {
        out.push(text(left + w + 4.0, mid, label, palette::TEXT_DIM, false));
    }
}

/// The base layer: axis, both lanes' titles and the rows in view.
pub fn draw_list(lanes: &Lanes, spec: &WaterfallSpec, g: &WaterfallGeometry) -> Vec<DrawCmd> {
    let mut out = Vec::with_capacity(512);
    let scale = g.scale(lanes.start[0], spec.window);
    let tick_list = ticks(&scale, 90.0);
    let bottom =
        g.title_y(Lane::B) + g.title_height_px + g.rows_per_lane() as f64 * g.row_height_px;
    for t in &tick_list {
        out.push(DrawCmd::Line {
            x1: t.x_px,
            y1: g.axis_height_px,
            x2: t.x_px,
            y2: bottom,
            stroke: palette::GRID,
        });
    }
    for lane in [Lane::A, Lane::B] {
        let ty = g.title_y(lane);
        out.push(DrawCmd::Rect {
            x: 0.0,
            y: ty,
            w: g.width_px,
            h: g.title_height_px,
            fill: palette::AXIS_BG,
        });
        out.push(DrawCmd::Line {
            x1: 0.0,
            y1: ty,
            x2: g.width_px,
            y2: ty,
            stroke: palette::GRID,
        });
        if let Some(t) = fit_text(spec.titles[lane.ix()], g.width_px - 16.0, g.char_width_px) {
            out.push(text(
                8.0,
                ty + g.title_height_px / 2.0,
                t,
                palette::TEXT,
                true,
            ));
        }
        let first = g.first_row[lane.ix()];
        let end = (first + g.rows_per_lane()).min(lanes.rows[lane.ix()].len());
        for i in first..end {
            if let Some(y) = g.row_y(lane, i) {
                draw_row(&mut out, lanes, spec, g, lane, i, y);
            }
        }
    }
    out.push(DrawCmd::Line {
        x1: g.label_width_px,
        y1: g.axis_height_px,
        x2: g.label_width_px,
        y2: bottom,
        stroke: palette::GRID,
    });
    out.push(DrawCmd::Rect {
        x: 0.0,
        y: 0.0,
        w: g.width_px,
        h: g.axis_height_px,
        fill: palette::AXIS_BG,
    });
    out.push(text(
        8.0,
        g.axis_height_px / 2.0,
        "time since each run's start".into(),
        palette::TEXT_DIM,
        false,
    ));
    for t in &tick_list {
        out.push(DrawCmd::Line {
            x1: t.x_px,
            y1: g.axis_height_px - 6.0,
            x2: t.x_px,
            y2: g.axis_height_px,
            stroke: palette::TEXT_DIM,
        });
        out.push(text(
            t.x_px + 3.0,
            g.axis_height_px / 2.0 - 2.0,
            t.label.clone(),
            palette::TEXT,
            false,
        ));
    }
    out
}

/// The x of a row's bar start in its lane.
fn bar_x(
    lanes: &Lanes,
    spec: &WaterfallSpec,
    g: &WaterfallGeometry,
    lane: Lane,
    i: usize,
) -> Option<f64> {
    let s = lanes.rows[lane.ix()].get(i)?.span?;
    let scale = g.scale(lanes.start[lane.ix()], spec.window);
    let x = scale.px_from_time(spec.traces[lane.ix()].span(s).start);
    Some(x.clamp(g.bars_x0(), g.bars_x0() + g.bars_width()))
}

/// The hover layer: the row under the pointer and its partner outlined, the link between
/// their bars, or (when the partner is scrolled away) an arrow at the lane's edge saying how
/// far it is.
pub fn overlay_list(
    lanes: &Lanes,
    spec: &WaterfallSpec,
    g: &WaterfallGeometry,
    hover: Option<(Lane, usize)>,
) -> Vec<DrawCmd> {
    let mut out = Vec::new();
    let Some((lane, i)) = hover else { return out };
    let outline = |out: &mut Vec<DrawCmd>, y: f64| {
        out.push(DrawCmd::Outline {
            x: 0.0,
            y,
            w: g.width_px,
            h: g.row_height_px,
            stroke: palette::HOVER,
        });
    };
    let Some(y) = g.row_y(lane, i) else {
        return out;
    };
    outline(&mut out, y);
    let Some(p) = lanes.rows[lane.ix()].get(i).and_then(|r| r.partner) else {
        return out;
    };
    let (other, p) = (lane.other(), p as usize);
    match g.row_y(other, p) {
        Some(py) => {
            outline(&mut out, py);
            if let (Some(x1), Some(x2)) = (
                bar_x(lanes, spec, g, lane, i),
                bar_x(lanes, spec, g, other, p),
            ) {
                let (from, to) = if lane == Lane::A {
                    ((x1, y + g.row_height_px), (x2, py))
                } else {
                    ((x2, py + g.row_height_px), (x1, y))
                };
                out.push(DrawCmd::Line {
                    x1: from.0,
                    y1: from.1,
                    x2: to.0,
                    y2: to.1,
                    stroke: palette::HOVER,
                });
            }
        }
        None => {
            let first = g.first_row[other.ix()];
            let (arrow, rows, at) = if p < first {
                (
                    "▲",
                    first - p,
                    g.title_y(other) + g.title_height_px + g.row_height_px / 2.0,
                )
            } else {
                let last = first + g.rows_per_lane() - 1;
                (
                    "▼",
                    p - last,
                    g.title_y(other)
                        + g.title_height_px
                        + (g.rows_per_lane() as f64 - 0.5) * g.row_height_px,
                )
            };
            let label = format!("{arrow} partner {rows} row(s) away");
            out.push(text(
                g.width_px - 12.0 - label.chars().count() as f64 * g.char_width_px,
                at,
                label,
                palette::HOVER,
                true,
            ));
        }
    }
    out
}
