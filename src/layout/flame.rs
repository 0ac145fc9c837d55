//! The flame graph as boxes and a draw list (the shell only replays it) plus hit testing.
//! The root sits on top and children hang below (read top-down, like the timeline). Zooming
//! into a box gives it the full width; its ancestors stay above it as full-width context rows.
//! Invariants: a box's children fit inside it (children that add up to more than their
//! parent, as parallel children do, are squeezed in proportion; the numbers stay true);
//! boxes narrower than `MIN_BOX_PX` are skipped with everything below them; boxes come
//! row by row, left to right, so hit testing is a binary search.
//!
//! ```text
//!  | all                                              |  row 0 (context when zoomed deeper)
//!  | task                                  | other    |  row 1
//!  | generation           | dump  |                      row 2
//! ```

use super::palette::{self, ColorMode, Palette};
use super::timeline::{Align, DrawCmd};
use crate::analysis::flame::{FlameGraph, FlameMode};
use crate::model::{DurationNs, Trace};
use std::collections::VecDeque;
use std::ops::Range;

/// Boxes narrower than this (logical px) are not laid out.
pub const MIN_BOX_PX: f64 = 0.5;

/// Size of the flame canvas, logical px.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlameGeometry {
    /// Canvas width.
    pub width_px: f64,
    /// Canvas height.
    pub height_px: f64,
    /// Height of one row of boxes.
    pub row_height_px: f64,
    /// Vertical scroll.
    pub scroll_top_px: f64,
    /// Advance of one monospace character (measured by the shell).
    pub char_width_px: f64,
}

/// One laid-out box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlameBox {
    /// The flame node it shows.
    pub node: u32,
    /// Row (0 at the top).
    pub row: usize,
    /// Left edge, px.
    pub x_px: f64,
    /// Width, px.
    pub w_px: f64,
    /// True for the ancestors of the zoomed box (drawn above it as context).
    pub is_context: bool,
}

/// The boxes of one view of a flame graph.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlameLayout {
    /// Boxes, row by row, left to right.
    pub boxes: Vec<FlameBox>,
    /// `boxes[rows[r]]`: the boxes of row `r`.
    pub rows: Vec<Range<usize>>,
}

/// Lays out `graph` zoomed into box `focus` (0 = everything).
pub fn flame_layout(graph: &FlameGraph, focus: u32, g: &FlameGeometry) -> FlameLayout {
    let mut out = FlameLayout::default();
    let path = graph.path(focus);
    let first_free_row = path.len() - 1;
    for (row, &n) in path.iter().enumerate() {
        out.boxes.push(FlameBox {
            node: n,
            row,
            x_px: 0.0,
            w_px: g.width_px,
            is_context: row < first_free_row,
        });
    }
    let max_rows = ((g.height_px + g.scroll_top_px) / g.row_height_px.max(1.0)).ceil() as usize;
    // breadth-first from the focus: each row comes out left to right
    let mut queue: VecDeque<(u32, usize, f64, f64)> = VecDeque::new();
    queue.push_back((focus, first_free_row, 0.0, g.width_px));
    while let Some((n, row, x, w)) = queue.pop_front() {
        if row + 1 >= max_rows {
            continue;
        }
        let node = graph.node(n);
        let sum: i64 = node.children.iter().map(|&c| graph.node(c).total_ns).sum();
        let denom = node.total_ns.max(sum);
        if denom <= 0 {
            continue;
        }
        let px_per_ns = w / denom as f64;
        let mut cx = x;
        for &c in &node.children {
            let cw = graph.node(c).total_ns as f64 * px_per_ns;
            if cw < MIN_BOX_PX {
                break; // children come heaviest first: the rest are narrower still
            }
            out.boxes.push(FlameBox {
                node: c,
                row: row + 1,
                x_px: cx,
                w_px: cw,
                is_context: false,
            });
            queue.push_back((c, row + 1, cx, cw));
            cx += cw;
        }
    }
    let mut start = 0;
    for i in 1..=out.boxes.len() {
        if i == out.boxes.len() || out.boxes[i].row != out.boxes[start].row {
            out.rows.push(start..i);
            start = i;
        }
    }
    out
}

/// The box under (x, y) (logical px, canvas coordinates), if any.
pub fn hit_test(layout: &FlameLayout, g: &FlameGeometry, x_px: f64, y_px: f64) -> Option<u32> {
    let y = y_px + g.scroll_top_px;
    if y < 0.0 || g.row_height_px <= 0.0 {
        return None;
    }
    let row = (y / g.row_height_px).floor() as usize;
    let range = layout.rows.get(row)?.clone();
    let boxes = &layout.boxes[range];
    let k = boxes.partition_point(|b| b.x_px + b.w_px <= x_px);
    boxes
        .get(k)
        .filter(|b| b.x_px <= x_px && x_px < b.x_px + b.w_px)
        .map(|b| b.node)
}

/// What the flame draw list needs beyond the layout.
#[derive(Debug, Clone, Copy)]
pub struct FlameView<'a> {
    /// Colours of this trace.
    pub palette: &'a Palette,
    /// Colour mode (as the timeline's).
    pub color_mode: ColorMode,
    /// Matching spans per box (`FlameGraph::match_counts`) when a query is active: boxes
    /// without a match are dimmed.
    pub match_counts: Option<&'a [u32]>,
    /// The box outlined as selected.
    pub selected: Option<u32>,
}

/// Draw commands for a laid-out flame graph.
pub fn draw_list(
    trace: &Trace,
    graph: &FlameGraph,
    layout: &FlameLayout,
    view: &FlameView<'_>,
    g: &FlameGeometry,
) -> Vec<DrawCmd> {
    let mut out = Vec::with_capacity(layout.boxes.len() * 2);
    let h = (g.row_height_px - 1.0).max(1.0);
    for b in &layout.boxes {
        let y = b.row as f64 * g.row_height_px - g.scroll_top_px;
        if y + g.row_height_px < 0.0 || y > g.height_px {
            continue;
        }
        let node = graph.node(b.node);
        let base = match node.slowest {
            Some(s) if b.node != 0 => view.palette.span_color(trace, s, view.color_mode),
            _ => palette::MARKER,
        };
        let unmatched = view
            .match_counts
            .is_some_and(|m| m.get(b.node as usize).copied().unwrap_or(0) == 0);
        let fill = if b.is_context || unmatched {
            palette::dim(base)
        } else {
            base
        };
        let w = (b.w_px - 1.0).max(MIN_BOX_PX);
        out.push(DrawCmd::Rect {
            x: b.x_px,
            y,
            w,
            h,
            fill,
        });
        if view.selected == Some(b.node) {
            out.push(DrawCmd::Outline {
                x: b.x_px,
                y,
                w,
                h,
                stroke: palette::TEXT,
            });
        }
        let name = graph.label(trace, b.node);
        let with_time = format!("{name} {}", DurationNs(node.total_ns));
        let room = w - 6.0;
        let text =
            fit(&with_time, room, g.char_width_px).or_else(|| fit(name, room, g.char_width_px));
        if let Some(text) = text {
            out.push(DrawCmd::Text {
                x: b.x_px + 3.0,
                y: y + h / 2.0,
                text,
                fill: palette::TEXT,
                align: Align::Left,
                bold: false,
            });
        }
    }
    out
}

/// `text` if it fits `width_px`, else cut with an ellipsis (at least 3 characters and it).
fn fit(text: &str, width_px: f64, char_px: f64) -> Option<String> {
    let max = (width_px / char_px.max(1.0)).floor().max(0.0) as usize;
    let n = text.chars().count();
    if n <= max {
        Some(text.to_string())
    } else if max >= 4 {
        Some(text.chars().take(max - 1).chain(['…']).collect())
    } else {
        None
    }
}

/// The hover text of box `i`: service and name, then count, total and self time.
pub fn tooltip(trace: &Trace, graph: &FlameGraph, i: u32) -> String {
    let node = graph.node(i);
    let service = trace.text(node.service);
    let title = match (i, service.is_empty()) {
        (0, _) => "all".to_string(),
        (_, true) => graph.label(trace, i).to_string(),
        (_, false) => format!("{service} · {}", graph.label(trace, i)),
    };
    let spans = match (graph.mode() == FlameMode::Inverted, node.count == 1) {
        (true, true) => "span's self time",
        (true, false) => "spans' self time",
        (false, true) => "span",
        (false, false) => "spans",
    };
    format!(
        "{title}\n{} {spans} · total {} · self {}",
        node.count,
        DurationNs(node.total_ns),
        DurationNs(node.self_ns)
    )
}

/// Where the hover text goes for a pointer at (x, y): below right of it, kept inside the
/// canvas (the text is at most about `TOOLTIP_WIDTH_PX` wide and three lines high).
pub fn tooltip_position(g: &FlameGeometry, x_px: f64, y_px: f64) -> (f64, f64) {
    let left = (x_px + 14.0).min(g.width_px - TOOLTIP_WIDTH_PX).max(0.0);
    let top = if y_px + 70.0 > g.height_px {
        (y_px - 60.0).max(0.0)
    } else {
        y_px + 16.0
    };
    (left, top)
}

/// Width the flame tooltip is placed for, px.
pub const TOOLTIP_WIDTH_PX: f64 = 340.0;

/// A vertical scroll kept between the top and the last laid-out row.
pub fn clamp_scroll(g: &FlameGeometry, rows: usize, top_px: f64) -> f64 {
    let content = rows as f64 * g.row_height_px;
    top_px.min(content - g.height_px + g.row_height_px).max(0.0)
}
