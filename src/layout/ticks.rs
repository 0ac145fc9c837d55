//! Time-axis ticks: a 1-2-5 step chosen so labels are at least `min_spacing_px` apart, and
//! labels in the unit that suits the step (ns, µs, ms, s, min).

use super::time_scale::TimeScale;
use crate::model::time::format_duration;

/// One tick: its offset from the origin (ns), x (px) and label.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// Offset from the trace start, ns.
    pub offset_ns: i64,
    /// x, px.
    pub x_px: f64,
    /// Label text, e.g. `12.5ms`.
    pub label: String,
}

const MINUTE: i64 = 60_000_000_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// Steps of a minute and longer follow the clock and the calendar, not powers of ten.
const CLOCK_STEPS: [i64; 17] = [
    MINUTE,
    2 * MINUTE,
    5 * MINUTE,
    10 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    2 * HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    2 * DAY,
    7 * DAY,
    14 * DAY,
    30 * DAY,
    365 * DAY,
];

/// The smallest "nice" step (ns) of at least `min_ns`: 1-2-5 x 10^k below a minute, clock and
/// calendar steps (1, 2, 5, 10, 15, 30 min; 1, 2, 3, 6, 12 h; 1, 2, 7, 14, 30, 365 days) above,
/// then whole multiples of 365 days.
pub fn nice_step_ns(min_ns: f64) -> i64 {
    if min_ns > 30e9 {
        if let Some(s) = CLOCK_STEPS.iter().find(|s| **s as f64 >= min_ns) {
            return *s;
        }
        let years = (min_ns / (365 * DAY) as f64).ceil().min(1e6) as i64;
        return 365 * DAY * nice_step_ns(years as f64).max(1);
    }
    let mut step: i64 = 1;
    loop {
        for m in [1, 2, 5] {
            let s = step.saturating_mul(m);
            if s as f64 >= min_ns {
                return s;
            }
        }
        if step > i64::MAX / 10 {
            return step;
        }
        step *= 10;
    }
}

/// Formats an offset with the precision a step needs: `0`, `250µs`, `1.25s`, `2m 30s` (the
/// one duration format, `model::time::format_duration`).
pub fn format_offset(offset_ns: i64, step_ns: i64) -> String {
    if offset_ns == 0 {
        return "0".to_string();
    }
    format_duration(offset_ns, step_ns)
}

/// Ticks covering the scale's window, labelled relative to the origin.
pub fn ticks(scale: &TimeScale, min_spacing_px: f64) -> Vec<Tick> {
    let step = nice_step_ns(min_spacing_px / scale.px_per_ns());
    let first = scale.window.start_ns.div_euclid(step) * step;
    let mut out = Vec::new();
    let mut t = first;
    while t <= scale.window.end_ns && out.len() < 1000 {
        if t >= scale.window.start_ns {
            out.push(Tick {
                offset_ns: t,
                x_px: scale.px_from_offset(t),
                label: format_offset(t, step),
            });
        }
        t = match t.checked_add(step) {
            Some(n) => n,
            None => break,
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TimestampNs;
    use crate::view_state::TimeWindow;

    #[test]
    fn long_windows_step_by_the_clock() {
        assert_eq!(nice_step_ns(45e9), MINUTE);
        assert_eq!(nice_step_ns(11.0 * MINUTE as f64), 15 * MINUTE);
        assert_eq!(nice_step_ns(5.0 * HOUR as f64), 6 * HOUR);
        assert_eq!(nice_step_ns(3.0 * DAY as f64), 7 * DAY);
        assert_eq!(nice_step_ns(800.0 * DAY as f64), 365 * DAY * 5);
        // years apart (two traces recorded in different years): labels in days, not minutes
        let step = nice_step_ns(2.0e16);
        assert_eq!(format_offset(step, step), format!("{}d", step / DAY));
    }

    #[test]
    fn steps_are_1_2_5() {
        assert_eq!(nice_step_ns(0.3), 1);
        assert_eq!(nice_step_ns(3.0), 5);
        assert_eq!(nice_step_ns(120.0), 200);
        assert_eq!(nice_step_ns(4_100_000.0), 5_000_000);
    }

    #[test]
    fn labels_use_a_readable_unit() {
        assert_eq!(format_offset(250_000, 50_000), "250µs");
        assert_eq!(format_offset(1_250_000_000, 250_000_000), "1.25s");
        assert_eq!(format_offset(40_000_000, 20_000_000), "40ms");
        assert_eq!(format_offset(150_000_000_000, 60_000_000_000), "2m 30s");
        assert_eq!(format_offset(500, 100), "500ns");
        assert_eq!(format_offset(90 * MINUTE, 30 * MINUTE), "1h 30m");
        assert_eq!(format_offset(3 * DAY, DAY), "3d");
        assert_eq!(format_offset(3 * DAY + 12 * HOUR, 12 * HOUR), "84h 00m");
        assert_eq!(format_offset(400 * DAY, 365 * DAY), "400d");
    }

    #[test]
    fn ticks_cover_the_window_at_the_spacing() {
        let s = TimeScale {
            origin: TimestampNs(0),
            window: TimeWindow {
                start_ns: 0,
                end_ns: 1_000_000,
            },
            x0_px: 0.0,
            width_px: 1000.0,
        };
        let t = ticks(&s, 80.0);
        assert_eq!(t.first().unwrap().label, "0");
        assert!(t.windows(2).all(|w| w[1].x_px - w[0].x_px >= 80.0));
        assert!(t.len() >= 5);
    }
}
