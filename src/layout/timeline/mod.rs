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
mod hit;
#[cfg(test)]
mod tests;

use super::palette::{self, ColorMode, Rgb};
use super::rows::{Row, RowItem};
use super::span_notes::SpanNotes;
use super::ticks::ticks;
use super::time_scale::TimeScale;
use crate::model::{SpanIdx, SpanType, Trace};
use crate::view_state::TimeWindow;
use bar::{draw_bar, draw_header, fit_text, flag_note};
pub use hit::{hit_test, Hit};

/// Fixed sizes of the waterfall, logical px.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    /// Canvas width.
    pub width_px: f64,
    /// Canvas height.
    pub height_px: f64,
    /// Width of the span-name column.
    pub label_width_px: f64,
    /// Height of the time axis.
    pub axis_height_px: f64,
    /// Height of one row.
    pub row_height_px: f64,
    /// Vertical scroll of the rows.
    pub scroll_top_px: f64,
    /// Advance of one monospace character (measured by the shell).
    pub char_width_px: f64,
}

impl Geometry {
    /// Left edge of the bar area.
    pub fn bars_x0(&self) -> f64 {
        self.label_width_px + 8.0
    }

    /// Width of the bar area.
    pub fn bars_width(&self) -> f64 {
        (self.width_px - self.bars_x0() - 12.0).max(10.0)
    }

    /// The time scale for a window.
    pub fn scale(&self, trace: &Trace, window: TimeWindow) -> TimeScale {
        TimeScale {
            origin: trace.start_time(),
            window,
            x0_px: self.bars_x0(),
            width_px: self.bars_width(),
        }
    }

    /// Range of row indices at least partly visible.
    pub fn visible_row_range(&self, row_count: usize) -> std::ops::Range<usize> {
        let first = (self.scroll_top_px / self.row_height_px).floor().max(0.0) as usize;
        let n = ((self.height_px - self.axis_height_px) / self.row_height_px).ceil() as usize + 1;
        first.min(row_count)..(first + n).min(row_count)
    }

    /// y of the top of row `i`.
    pub fn row_y(&self, i: usize) -> f64 {
        self.axis_height_px + i as f64 * self.row_height_px - self.scroll_top_px
    }

    /// Largest useful scroll offset for `row_count` rows.
    pub fn max_scroll_px(&self, row_count: usize) -> f64 {
        (row_count as f64 * self.row_height_px - (self.height_px - self.axis_height_px)
            + self.row_height_px)
            .max(0.0)
    }

    /// x of the expand/collapse toggle of a row at `depth`.
    pub fn toggle_x(&self, depth: u16) -> f64 {
        6.0 + f64::from(depth.min(40)) * 14.0
    }
}

/// Text alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Left edge at x.
    Left,
    /// Right edge at x.
    Right,
}

/// One drawing command, logical px.
#[derive(Debug, Clone, PartialEq)]
pub enum DrawCmd {
    /// A filled rectangle.
    Rect {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        fill: Rgb,
    },
    /// A rectangle outline (1 px).
    Outline {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        stroke: Rgb,
    },
    /// A line.
    Line {
        x1: f64,
        y1: f64,
        x2: f64,
        y2: f64,
        stroke: Rgb,
    },
    /// A diamond (zero-duration span, marker).
    Diamond { x: f64, y: f64, r: f64, fill: Rgb },
    /// A span-type icon (`layout::icons`) centred at (x, y), `size` px square.
    Icon {
        x: f64,
        y: f64,
        size: f64,
        icon: SpanType,
        stroke: Rgb,
    },
    /// Text; `y` is the vertical middle.
    Text {
        x: f64,
        y: f64,
        text: String,
        fill: Rgb,
        align: Align,
        bold: bool,
    },
}

/// What the timeline needs from the view beyond geometry.
#[derive(Debug, Clone, Copy)]
pub struct TimelineView<'a> {
    /// Visible window.
    pub window: TimeWindow,
    /// Selected span.
    pub selected: Option<SpanIdx>,
    /// Lowercased search text ("" = none).
    pub search_lower: &'a str,
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

/// Whether traces are drawn each from its own start: as asked, else when there are several and
/// they lie far apart (their spread is over 10x the longest one), so that none shrinks to a
/// sliver on a clock shared with traces recorded hours or years away.
pub fn aligned(trace: &Trace, asked: Option<bool>) -> bool {
    asked.unwrap_or_else(|| {
        let longest = trace.longest_trace().0.max(1);
        trace.trace_count() > 1
            && trace.end_time().since(trace.start_time()).0 > longest.saturating_mul(10)
    })
}

/// Length of the time axis a fit shows: everything, or the longest trace when aligned.
pub fn extent_ns(trace: &Trace, aligned: bool) -> i64 {
    if aligned {
        trace.longest_trace().0
    } else {
        trace.end_time().since(trace.start_time()).0
    }
}

/// How far span times of `s` move left before they are drawn (its trace's offset when aligned).
pub fn shift_ns(trace: &Trace, s: SpanIdx, aligned: bool) -> i64 {
    if aligned {
        trace.trace_offset(trace.span(s).trace).0
    } else {
        0
    }
}

/// True when the span's name or service contains the (lowercased) search text.
pub fn matches_search(trace: &Trace, s: SpanIdx, search_lower: &str) -> bool {
    !search_lower.is_empty()
        && (trace.name(s).to_lowercase().contains(search_lower)
            || trace.service_name(s).to_lowercase().contains(search_lower))
}

/// All spans matching the search, in row order of a fully expanded tree (by index here).
pub fn search_matches(trace: &Trace, search: &str) -> Vec<SpanIdx> {
    let needle = search.trim().to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    // names and services are interned: decide each distinct string once (lowercasing is the
    // cost), then compare indices per span; same result as `matches_search` on every span
    let mut verdict = vec![0u8; trace.strings().len()]; // 0 = not yet, 1 = no, 2 = yes
    let mut hit = |i: crate::model::StrIdx| {
        let v = &mut verdict[i.ix()];
        if *v == 0 {
            *v = if trace.text(i).to_lowercase().contains(&needle) {
                2
            } else {
                1
            };
        }
        *v == 2
    };
    (0..trace.span_count() as u32)
        .map(SpanIdx)
        .filter(|&s| {
            let span = trace.span(s);
            hit(span.name)
                || trace
                    .resources()
                    .get(span.resource.ix())
                    .is_some_and(|r| hit(r.service_name))
        })
        .collect()
}

/// Builds the base layer of the waterfall.
pub fn draw_list(
    trace: &Trace,
    rows: &[Row],
    view: &TimelineView<'_>,
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
                } else if matches_search(trace, s, view.search_lower) {
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
                draw_bar(&mut out, trace, s, &scale, view, g, y, x_end);
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
