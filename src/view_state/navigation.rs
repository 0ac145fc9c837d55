//! Pure zoom and pan arithmetic on a `TimeWindow` (integer ns). Invariants: a window is never
//! shorter than `MIN_WINDOW_NS`, and never pans off the trace further than a margin.

use super::TimeWindow;

/// Smallest window, ns (10 ns: below that nothing in any format is resolved).
pub const MIN_WINDOW_NS: i64 = 10;

/// The window showing a whole trace of `extent_ns`, with a small margin on each side.
pub fn fit(extent_ns: i64) -> TimeWindow {
    let extent = extent_ns.max(MIN_WINDOW_NS);
    let margin = extent / 50;
    TimeWindow {
        start_ns: -margin,
        end_ns: extent + margin,
    }
}

/// The window showing `[start_ns, end_ns]` with a 5% margin (double-click to zoom to a span).
pub fn focus(start_ns: i64, end_ns: i64) -> TimeWindow {
    let len = (end_ns - start_ns).max(MIN_WINDOW_NS * 10);
    let margin = len / 20;
    let mid = start_ns + (end_ns - start_ns) / 2;
    TimeWindow {
        start_ns: mid - len / 2 - margin,
        end_ns: mid + len / 2 + margin,
    }
}

/// Zooms by `factor` (< 1 zooms in) keeping the time at `anchor_ns` in place.
pub fn zoom(w: TimeWindow, anchor_ns: i64, factor: f64, extent_ns: i64) -> TimeWindow {
    let anchor = anchor_ns.clamp(w.start_ns, w.end_ns);
    let max_len = (extent_ns.max(MIN_WINDOW_NS) as f64 * 4.0).min(i64::MAX as f64 / 4.0);
    let len = ((w.len_ns() as f64 * factor).round()).clamp(MIN_WINDOW_NS as f64, max_len);
    let left_share = (anchor - w.start_ns) as f64 / w.len_ns().max(1) as f64;
    let start = anchor - (len * left_share).round() as i64;
    clamp(
        TimeWindow {
            start_ns: start,
            end_ns: start + len as i64,
        },
        extent_ns,
    )
}

/// Zooms by `factor` around `anchor_ns` (the window's middle when `None`).
pub fn zoom_at(w: TimeWindow, anchor_ns: Option<i64>, factor: f64, extent_ns: i64) -> TimeWindow {
    let anchor = anchor_ns.unwrap_or(w.start_ns + w.len_ns() / 2);
    zoom(w, anchor, factor, extent_ns)
}

/// Pans by `share` of the window's length (positive = later).
pub fn pan_share(w: TimeWindow, share: f64, extent_ns: i64) -> TimeWindow {
    pan(w, (w.len_ns() as f64 * share).round() as i64, extent_ns)
}

/// Pans by `delta_ns` (positive = later).
pub fn pan(w: TimeWindow, delta_ns: i64, extent_ns: i64) -> TimeWindow {
    clamp(
        TimeWindow {
            start_ns: w.start_ns.saturating_add(delta_ns),
            end_ns: w.end_ns.saturating_add(delta_ns),
        },
        extent_ns,
    )
}

/// Keeps the window on the trace `[0, extent_ns]` with a margin (a twentieth of the window,
/// at least the fit's fiftieth of the trace): a window shorter than the trace plus margins
/// stays inside `[-margin, extent + margin]`; a longer one keeps the whole trace in view.
///
/// ```text
///   trace      |==============================|
///   zoomed in  [-----]  ...  pans ...  [-----]      each end at most `margin` past the trace
///   zoomed out [--------------------------------------]   never leaves part of the trace out
/// ```
pub fn clamp(w: TimeWindow, extent_ns: i64) -> TimeWindow {
    let len = w.len_ns().max(MIN_WINDOW_NS);
    let extent = extent_ns.max(0);
    let margin = (extent / 50).max(len / 20);
    let (lo, hi) = (-margin, extent.saturating_add(margin).saturating_sub(len));
    let start = if hi >= lo {
        w.start_ns.clamp(lo, hi)
    } else {
        w.start_ns.clamp(hi, lo)
    };
    TimeWindow {
        start_ns: start,
        end_ns: start.saturating_add(len),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_keeps_the_anchor_in_place() {
        let w = TimeWindow {
            start_ns: 0,
            end_ns: 1_000_000,
        };
        let z = zoom(w, 250_000, 0.5, 1_000_000);
        assert_eq!(
            z,
            TimeWindow {
                start_ns: 125_000,
                end_ns: 625_000
            }
        );
        let back = zoom(z, 250_000, 2.0, 1_000_000);
        assert_eq!(back, w);
    }

    #[test]
    fn zoom_stops_at_the_minimum() {
        let mut w = TimeWindow {
            start_ns: 0,
            end_ns: 1_000,
        };
        for _ in 0..20 {
            w = zoom(w, 500, 0.1, 1_000);
        }
        assert_eq!(w.len_ns(), MIN_WINDOW_NS);
    }

    #[test]
    fn pan_cannot_lose_the_trace() {
        let w = TimeWindow {
            start_ns: 0,
            end_ns: 100,
        };
        let far = pan(w, 10_000, 1_000);
        assert!(far.start_ns <= 1_000 - 10);
        let back = pan(w, -10_000, 1_000);
        assert!(back.end_ns >= 10);
    }

    #[test]
    fn fit_has_margins() {
        let f = fit(1_000_000);
        assert!(f.start_ns < 0 && f.end_ns > 1_000_000);
    }

    #[test]
    fn pan_stops_a_margin_past_each_end() {
        // a 1 ms trace, a 100 µs window panned far later, then far earlier:
        //   trace  |==========================|
        //   late                          [-----]   end = 1 ms + 20 µs (the fit's margin, 1 ms / 50,
        //   early [-----]                            start = -20 µs   more than 100 µs / 20)
        let w = TimeWindow {
            start_ns: 400_000,
            end_ns: 500_000,
        };
        let late = pan(w, 10_000_000, 1_000_000);
        assert_eq!((late.start_ns, late.end_ns), (920_000, 1_020_000));
        let early = pan(w, -10_000_000, 1_000_000);
        assert_eq!((early.start_ns, early.end_ns), (-20_000, 80_000));
        // many small steps end at the same place as one large one
        let mut stepped = w;
        for _ in 0..100 {
            stepped = pan_share(stepped, 0.2, 1_000_000);
        }
        assert_eq!(stepped, late);
    }

    #[test]
    fn a_window_longer_than_the_trace_keeps_all_of_it() {
        // zoomed out to 4 ms over a 1 ms trace: panning moves it, but the trace stays inside
        let w = TimeWindow {
            start_ns: -1_500_000,
            end_ns: 2_500_000,
        };
        for delta in [-50_000_000, 50_000_000] {
            let p = pan(w, delta, 1_000_000);
            assert_eq!(p.len_ns(), 4_000_000);
            assert!(p.start_ns <= 0 && p.end_ns >= 1_000_000, "{p:?}");
        }
        // the fitted window does not move when panned by nothing
        assert_eq!(pan(fit(1_000_000), 0, 1_000_000), fit(1_000_000));
    }
}
