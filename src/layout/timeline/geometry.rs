//! The waterfall's geometry: the fixed sizes (axis, rows, label column) and the viewport, and
//! every coordinate derived from them (row positions, the visible row range, scrolling).
//! Invariant: the shell never computes a position itself; it asks `Geometry`.

use super::super::time_scale::TimeScale;
use crate::model::Trace;
use crate::view_state::TimeWindow;

/// Height of one row, logical px.
pub const ROW_HEIGHT_PX: f64 = 22.0;
/// Height of the time axis, logical px.
pub const AXIS_HEIGHT_PX: f64 = 28.0;
/// Widest span-name column, logical px (it takes at most 40% of a narrow canvas).
pub const LABEL_WIDTH_PX: f64 = 300.0;
/// Narrowest span-name column a divider drag leaves, logical px.
pub const MIN_LABEL_WIDTH_PX: f64 = 80.0;
/// Narrowest bar area a divider drag leaves, logical px.
pub const MIN_BARS_WIDTH_PX: f64 = 160.0;
/// How far (logical px) either side of the column divider a press grabs it.
pub const DIVIDER_GRAB_PX: f64 = 4.0;
/// Advance of one character of the 12 px monospace label font until the painter measures it.
pub const CHAR_WIDTH_PX: f64 = 7.2;

/// Fixed sizes of the waterfall and its viewport, logical px.
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
    /// The geometry of a `width_px x height_px` canvas scrolled down by `scroll_top_px`.
    pub fn for_viewport(width_px: f64, height_px: f64, scroll_top_px: f64) -> Geometry {
        Geometry {
            width_px,
            height_px,
            label_width_px: LABEL_WIDTH_PX.min(width_px * 0.4),
            axis_height_px: AXIS_HEIGHT_PX,
            row_height_px: ROW_HEIGHT_PX,
            scroll_top_px,
            char_width_px: CHAR_WIDTH_PX,
        }
    }

    /// This geometry at another size (the scroll and the measured font stay).
    pub fn resized(self, width_px: f64, height_px: f64) -> Geometry {
        Geometry {
            char_width_px: self.char_width_px,
            ..Geometry::for_viewport(width_px, height_px, self.scroll_top_px)
        }
    }

    /// This geometry with a name column `label_width_px` wide (a divider drag), kept between
    /// `MIN_LABEL_WIDTH_PX` and the width that leaves `MIN_BARS_WIDTH_PX` of bars.
    pub fn with_label_width(self, label_width_px: f64) -> Geometry {
        let widest = (self.width_px - MIN_BARS_WIDTH_PX).max(MIN_LABEL_WIDTH_PX);
        Geometry {
            label_width_px: label_width_px.clamp(MIN_LABEL_WIDTH_PX, widest),
            ..self
        }
    }

    /// True when x (px) is on the divider between the name column and the bars.
    pub fn is_on_divider(&self, x: f64) -> bool {
        (x - self.label_width_px).abs() <= DIVIDER_GRAB_PX
    }

    /// Height of the rows' part of the viewport.
    pub fn rows_height_px(&self) -> f64 {
        (self.height_px - self.axis_height_px).max(0.0)
    }

    /// True when `y` is over the time axis.
    pub fn is_axis(&self, y: f64) -> bool {
        y < self.axis_height_px
    }

    /// Index of the row under `y` (may be past the last row), `None` above the rows.
    pub fn row_index_at(&self, y: f64) -> Option<usize> {
        let i = ((y - self.axis_height_px + self.scroll_top_px) / self.row_height_px).floor();
        (i >= 0.0 && y >= self.axis_height_px).then_some(i as usize)
    }

    /// The scroll offset clamped to what `row_count` rows allow.
    pub fn clamp_scroll(&self, scroll_top_px: f64, row_count: usize) -> f64 {
        scroll_top_px.clamp(0.0, self.max_scroll_px(row_count))
    }

    /// The scroll that brings row `i` into view (a third down the viewport), or `None` when
    /// it is in view already.
    pub fn scroll_to_reveal(&self, i: usize) -> Option<f64> {
        let top = i as f64 * self.row_height_px;
        let (from, to) = (
            self.scroll_top_px,
            self.scroll_top_px + self.rows_height_px(),
        );
        (top < from || top + self.row_height_px > to)
            .then(|| (top - self.rows_height_px() / 3.0).max(0.0))
    }

    /// The fixed sizes as JSON, for the page (`data-geometry` on the timeline canvas), so
    /// browser tests find rows and bars without repeating pixel constants.
    pub fn json(&self) -> String {
        format!(
            r#"{{"axis_height_px":{},"row_height_px":{},"label_width_px":{},"bars_x0_px":{},"bars_width_px":{},"scroll_top_px":{}}}"#,
            self.axis_height_px,
            self.row_height_px,
            self.label_width_px,
            self.bars_x0(),
            self.bars_width(),
            self.scroll_top_px
        )
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1000 x 400 canvas: 28 px axis, then rows of 22 px.
    ///
    /// ```text
    ///  0 ┌──────── axis ────────┐
    /// 28 ├ row 0 ───────────────┤
    /// 50 ├ row 1 ───────────────┤
    ///    ...                       372 px of rows: 16.9 rows
    /// ```
    #[test]
    fn rows_are_found_where_they_are_drawn() {
        let g = Geometry::for_viewport(1000.0, 400.0, 0.0);
        assert_eq!(g.row_index_at(10.0), None, "the axis");
        assert_eq!(g.row_index_at(28.0), Some(0));
        assert_eq!(g.row_index_at(g.row_y(5) + 11.0), Some(5));
        let scrolled = Geometry {
            scroll_top_px: 44.0,
            ..g
        };
        assert_eq!(scrolled.row_index_at(28.0), Some(2));
        assert_eq!(g.scroll_to_reveal(3), None, "in view");
        let far = g.scroll_to_reveal(100).unwrap();
        assert_eq!(far, 100.0 * 22.0 - 372.0 / 3.0);
        assert_eq!(g.clamp_scroll(1e9, 20), g.max_scroll_px(20));
        assert_eq!(g.clamp_scroll(-5.0, 20), 0.0);
        let json: serde_json::Value = serde_json::from_str(&g.json()).unwrap();
        assert_eq!(json["row_height_px"], 22.0);
        assert_eq!(json["bars_x0_px"], g.bars_x0());
    }

    #[test]
    fn the_divider_moves_the_column_within_bounds() {
        // 1000 px canvas: the column starts at 300 px; the divider is grabbed within 4 px
        //   |<-- 300 -->|<------------ bars ------------>|
        let g = Geometry::for_viewport(1000.0, 400.0, 0.0);
        assert!(g.is_on_divider(303.0) && !g.is_on_divider(306.0));
        assert_eq!(g.with_label_width(450.0).label_width_px, 450.0);
        assert_eq!(g.with_label_width(450.0).bars_x0(), 458.0);
        assert_eq!(g.with_label_width(10.0).label_width_px, MIN_LABEL_WIDTH_PX);
        assert_eq!(
            g.with_label_width(990.0).label_width_px,
            1000.0 - MIN_BARS_WIDTH_PX
        );
    }
}
