//! Time-axis ticks: a 1-2-5 step chosen so labels are at least `min_spacing_px` apart, and
//! labels in the unit that suits the step (ns, µs, ms, s, min).

use super::time_scale::TimeScale;

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

/// The smallest 1-2-5 x 10^k step (ns) of at least `min_ns`.
pub fn nice_step_ns(min_ns: f64) -> i64 {
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

/// Formats an offset with the precision a step needs: `0`, `250µs`, `1.25s`, `2m 30s`.
pub fn format_offset(offset_ns: i64, step_ns: i64) -> String {
    if offset_ns == 0 {
        return "0".to_string();
    }
    let sign = if offset_ns < 0 { "-" } else { "" };
    let v = offset_ns.unsigned_abs();
    if step_ns >= 60_000_000_000 && v >= 60_000_000_000 {
        let s = v / 1_000_000_000;
        return format!("{sign}{}m {:02}s", s / 60, s % 60);
    }
    // the unit follows the value; the decimals follow the step so that one step shows
    let (unit_ns, unit) = match v {
        v if v >= 1_000_000_000 => (1_000_000_000u64, "s"),
        v if v >= 1_000_000 => (1_000_000, "ms"),
        v if v >= 1_000 => (1_000, "µs"),
        _ => return format!("{sign}{v}ns"),
    };
    let step = step_ns.unsigned_abs().max(1);
    let mut decimals = 0;
    while decimals < 6 && !(step * 10u64.pow(decimals as u32)).is_multiple_of(unit_ns) {
        decimals += 1;
    }
    format!("{sign}{:.*}{unit}", decimals, v as f64 / unit_ns as f64)
}

/// Ticks covering the scale's window, labelled relative to the origin.
pub fn ticks(scale: &TimeScale, min_spacing_px: f64) -> Vec<Tick> {
    let step = nice_step_ns(min_spacing_px / scale.px_per_ns());
    let first = scale.window.start_ns.div_euclid(step) * step;
    let mut out = Vec::new();
    let mut t = first;
    while t <= scale.window.end_ns && out.len() < 1000 {
        if t >= scale.window.start_ns {
            out.push(Tick { offset_ns: t, x_px: scale.px_from_offset(t), label: format_offset(t, step) });
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
    }

    #[test]
    fn ticks_cover_the_window_at_the_spacing() {
        let s = TimeScale { origin: TimestampNs(0), window: TimeWindow { start_ns: 0, end_ns: 1_000_000 }, x0_px: 0.0, width_px: 1000.0 };
        let t = ticks(&s, 80.0);
        assert_eq!(t.first().unwrap().label, "0");
        assert!(t.windows(2).all(|w| w[1].x_px - w[0].x_px >= 80.0));
        assert!(t.len() >= 5);
    }
}
