//! `TimeScale`: the one conversion between trace time and timeline pixels. Invariant: epoch
//! nanoseconds are subtracted (as integers) before any f64 arithmetic, so precision holds at
//! any zoom.

use crate::model::TimestampNs;
use crate::view_state::TimeWindow;

/// Maps the visible time window onto a pixel range (logical CSS pixels).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeScale {
    /// Time origin (the trace start); window offsets are relative to it.
    pub origin: TimestampNs,
    /// Visible window, relative to `origin`.
    pub window: TimeWindow,
    /// x of the window start, px.
    pub x0_px: f64,
    /// Width of the window, px (> 0).
    pub width_px: f64,
}

impl TimeScale {
    /// Pixels per nanosecond.
    pub fn px_per_ns(&self) -> f64 {
        self.width_px / (self.window.len_ns().max(1) as f64)
    }

    /// x (px) of an absolute timestamp.
    pub fn px_from_time(&self, t: TimestampNs) -> f64 {
        let rel =
            t.0.saturating_sub(self.origin.0)
                .saturating_sub(self.window.start_ns);
        self.x0_px + rel as f64 * self.px_per_ns()
    }

    /// x (px) of a time relative to the origin.
    pub fn px_from_offset(&self, offset_ns: i64) -> f64 {
        self.x0_px + offset_ns.saturating_sub(self.window.start_ns) as f64 * self.px_per_ns()
    }

    /// Time offset (relative to the origin, ns) at x (px).
    pub fn offset_from_px(&self, x_px: f64) -> i64 {
        self.window.start_ns + ((x_px - self.x0_px) / self.px_per_ns()).round() as i64
    }

    /// Absolute time at x (px).
    pub fn time_from_px(&self, x_px: f64) -> TimestampNs {
        TimestampNs(self.origin.0.saturating_add(self.offset_from_px(x_px)))
    }
}

/// Logical (CSS) pixels to physical canvas pixels: the only place the device pixel ratio is used.
pub fn physical_from_logical(logical_px: f64, device_pixel_ratio: f64) -> u32 {
    (logical_px * device_pixel_ratio.max(0.5)).round().max(1.0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_nanoseconds_at_epoch_scale() {
        let origin = TimestampNs(1_795_314_401_377_266_186);
        let s = TimeScale {
            origin,
            window: TimeWindow {
                start_ns: 1_000,
                end_ns: 2_000,
            },
            x0_px: 100.0,
            width_px: 1000.0,
        };
        assert_eq!(s.px_from_time(TimestampNs(origin.0 + 1_500)), 600.0);
        assert_eq!(s.time_from_px(600.0), TimestampNs(origin.0 + 1_500));
        assert_eq!(s.offset_from_px(100.0), 1_000);
        assert_eq!(s.px_from_offset(2_000), 1100.0);
    }

    #[test]
    fn physical_pixels() {
        assert_eq!(physical_from_logical(100.0, 2.0), 200);
        assert_eq!(physical_from_logical(0.1, 1.0), 1);
    }
}
