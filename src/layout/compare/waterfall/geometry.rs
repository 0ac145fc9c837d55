//! The waterfalls' geometry: axis, each lane's title strip and rows, the bar area, and the
//! scroll of each lane in whole rows. Invariant: the draw lists and the hit test ask it for
//! every coordinate.

use super::{Lane, Lanes};
use crate::layout::time_scale::TimeScale;
use crate::model::TimestampNs;
use crate::view_state::TimeWindow;

/// Sizes and scroll of the two lanes, logical px (the scroll is in whole rows, so rows never
/// straddle a lane's edge).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaterfallGeometry {
    /// Canvas width.
    pub width_px: f64,
    /// Canvas height.
    pub height_px: f64,
    /// Span-name column width.
    pub label_width_px: f64,
    /// Time axis height.
    pub axis_height_px: f64,
    /// Each lane's title strip height.
    pub title_height_px: f64,
    /// Row height.
    pub row_height_px: f64,
    /// The first row shown in each lane (by `Lane::ix`).
    pub first_row: [usize; 2],
    /// Advance of one monospace character.
    pub char_width_px: f64,
}

impl WaterfallGeometry {
    /// The geometry of a `width_px x height_px` canvas, scrolled to the top.
    pub fn for_viewport(width_px: f64, height_px: f64) -> WaterfallGeometry {
        WaterfallGeometry {
            width_px,
            height_px,
            label_width_px: 260.0_f64.min(width_px * 0.35),
            axis_height_px: 28.0,
            title_height_px: 22.0,
            row_height_px: 20.0,
            first_row: [0, 0],
            char_width_px: 7.2,
        }
    }

    /// Rows that fit in one lane.
    pub fn rows_per_lane(&self) -> usize {
        let h = (self.height_px - self.axis_height_px - 2.0 * self.title_height_px) / 2.0;
        (h / self.row_height_px).floor().max(1.0) as usize
    }

    /// y of a lane's title strip.
    pub fn title_y(&self, lane: Lane) -> f64 {
        let lane_h = self.title_height_px + self.rows_per_lane() as f64 * self.row_height_px;
        self.axis_height_px + lane.ix() as f64 * lane_h
    }

    /// y of the top of row `i` of `lane`, when it is in view.
    pub fn row_y(&self, lane: Lane, i: usize) -> Option<f64> {
        let first = self.first_row[lane.ix()];
        (i >= first && i < first + self.rows_per_lane()).then(|| {
            self.title_y(lane) + self.title_height_px + (i - first) as f64 * self.row_height_px
        })
    }

    /// Left edge of the bars.
    pub fn bars_x0(&self) -> f64 {
        self.label_width_px + 8.0
    }

    /// Width of the bar area.
    pub fn bars_width(&self) -> f64 {
        (self.width_px - self.bars_x0() - 12.0).max(10.0)
    }

    /// The time scale of a lane whose run started at `start`.
    pub fn scale(&self, start: TimestampNs, window: TimeWindow) -> TimeScale {
        TimeScale {
            origin: start,
            window,
            x0_px: self.bars_x0(),
            width_px: self.bars_width(),
        }
    }

    /// The lane under `y` (its title or rows).
    pub fn lane_at(&self, y: f64) -> Option<Lane> {
        [Lane::B, Lane::A]
            .into_iter()
            .find(|&l| y >= self.title_y(l))
            .filter(|_| y >= self.axis_height_px)
    }

    /// The row at height `y`, as (lane, row index), when there is one.
    pub fn hit(&self, lanes: &Lanes, y: f64) -> Option<(Lane, usize)> {
        let lane = self.lane_at(y)?;
        let top = self.title_y(lane) + self.title_height_px;
        if y < top {
            return None;
        }
        let i = self.first_row[lane.ix()] + ((y - top) / self.row_height_px) as usize;
        (i < lanes.rows[lane.ix()].len() && self.row_y(lane, i).is_some()).then_some((lane, i))
    }

    /// The first row that shows row `i` of `lane` a third down (unchanged when in view).
    pub fn reveal(&self, lane: Lane, i: usize) -> usize {
        if self.row_y(lane, i).is_some() {
            return self.first_row[lane.ix()];
        }
        i.saturating_sub(self.rows_per_lane() / 3)
    }

    /// The first row after scrolling `lane` by `by` rows, kept inside its `count` rows.
    pub fn scrolled(&self, lane: Lane, by: i64, count: usize) -> usize {
        let last = count.saturating_sub(self.rows_per_lane().saturating_sub(1));
        (self.first_row[lane.ix()] as i64 + by).clamp(0, last as i64) as usize
    }
}
