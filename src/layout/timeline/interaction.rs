//! Pointer and wheel gestures on the waterfall, as pure state machines: the shell forwards
//! pointer positions (logical px) and applies what comes back; nothing here touches a browser.
//!
//! ```text
//!  press on the divider --> Divider{..} --move--> name column width follows (never pans)
//!  press over the axis --> Range{x0} --move--> show [x0, x] --release--> zoom to it (> 4 px)
//!  press over the rows --> Pan{..}   --move--> (> 3 px) pan time, scroll rows
//!                                    --release without moving--> a click at the point
//!  wheel: Ctrl/⌘ = zoom at the pointer; Shift or a horizontal wheel = pan time; else scroll rows
//! ```

use super::geometry::Geometry;
use crate::layout::time_scale::TimeScale;
use crate::view_state::{navigation, TimeWindow};

/// Movement (|dx| + |dy|, px) below which a press and release is a click, not a drag.
pub const CLICK_SLOP_PX: f64 = 3.0;
/// Width (px) below which an axis drag zooms nowhere.
pub const MIN_RANGE_PX: f64 = 4.0;
/// Zoom factor per unit of wheel delta (Ctrl/⌘ + wheel, pinch).
pub const WHEEL_ZOOM_PER_DELTA: f64 = 0.002;

/// A gesture in progress.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Drag {
    /// Dragging over the rows: pans time and scrolls rows relative to where it started.
    Pan {
        x: f64,
        y: f64,
        window: TimeWindow,
        scroll_px: f64,
        moved: bool,
    },
    /// Dragging over the axis: a time range to zoom to.
    Range { x: f64 },
    /// Dragging the divider between the name column and the bars, from x with the column
    /// `label_width_px` wide.
    Divider { x: f64, label_width_px: f64 },
}

/// What the shell does after a pointer event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Gesture {
    /// Nothing to change.
    Nothing,
    /// Show this window and scroll (a pan drag).
    Pan { window: TimeWindow, scroll_px: f64 },
    /// Show the range being selected, between these x positions (px).
    Range { from_px: f64, to_px: f64 },
    /// Hide the range and show this window (an axis drag ended).
    ZoomTo(TimeWindow),
    /// Hide the range; nothing else (an axis drag too short to zoom).
    Cancel,
    /// A click at this point (a press and release without moving).
    Click { x: f64, y: f64 },
    /// Make the name column this wide (a divider drag; already clamped).
    ResizeLabels { label_width_px: f64 },
}

/// Starts a gesture at (x, y) with `window` shown.
pub fn press(g: &Geometry, window: TimeWindow, x: f64, y: f64) -> Drag {
    if g.is_on_divider(x) {
        Drag::Divider {
            x,
            label_width_px: g.label_width_px,
        }
    } else if g.is_axis(y) {
        Drag::Range { x }
    } else {
        Drag::Pan {
            x,
            y,
            window,
            scroll_px: g.scroll_top_px,
            moved: false,
        }
    }
}

/// The pointer moved to (x, y) during `drag`; `extent_ns` bounds the pan, `rows` the scroll.
pub fn drag_to(
    drag: &mut Drag,
    g: &Geometry,
    (extent_ns, rows): (i64, usize),
    x: f64,
    y: f64,
) -> Gesture {
    match drag {
        Drag::Range { x: x0 } => Gesture::Range {
            from_px: *x0,
            to_px: x,
        },
        Drag::Divider {
            x: x0,
            label_width_px,
        } => Gesture::ResizeLabels {
            label_width_px: g.with_label_width(*label_width_px + x - *x0).label_width_px,
        },
        Drag::Pan {
            x: x0,
            y: y0,
            window,
            scroll_px,
            moved,
        } => {
            *moved = *moved || (x - *x0).abs() + (y - *y0).abs() > CLICK_SLOP_PX;
            if !*moved {
                return Gesture::Nothing;
            }
            let px_per_ns = g.bars_width() / window.len_ns().max(1) as f64;
            let delta_ns = (-(x - *x0) / px_per_ns).round() as i64;
            Gesture::Pan {
                window: navigation::pan(*window, delta_ns, extent_ns),
                scroll_px: g.clamp_scroll(*scroll_px - (y - *y0), rows),
            }
        }
    }
}

/// The pointer was released at (x, y), ending `drag`; `scale` maps the window shown.
pub fn release(drag: Drag, scale: &TimeScale, x: f64, y: f64) -> Gesture {
    match drag {
        Drag::Pan { moved: false, .. } => Gesture::Click { x, y },
        Drag::Pan { .. } => Gesture::Nothing,
        Drag::Range { x: x0 } if (x - x0).abs() > MIN_RANGE_PX => {
            let a = scale.offset_from_px(x0.min(x));
            let b = scale.offset_from_px(x0.max(x));
            Gesture::ZoomTo(TimeWindow {
                start_ns: a,
                end_ns: b.max(a + navigation::MIN_WINDOW_NS),
            })
        }
        Drag::Range { .. } => Gesture::Cancel,
        Drag::Divider { .. } => Gesture::Nothing,
    }
}

/// What a wheel event does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Wheel {
    /// Zoom by `factor` (< 1 zooms in) keeping the time under `anchor_px` in place.
    Zoom { factor: f64, anchor_px: f64 },
    /// Pan time by this share of the window (positive = later).
    Pan { share: f64 },
    /// Scroll the rows by this many px.
    Scroll { dy_px: f64 },
}

/// Maps a wheel event (deltas in px, modifiers, pointer x) on a canvas `width_px` wide.
pub fn wheel(delta: (f64, f64), zoom_key: bool, shift: bool, x: f64, width_px: f64) -> Wheel {
    let (dx, dy) = delta;
    if zoom_key {
        Wheel::Zoom {
            factor: (dy * WHEEL_ZOOM_PER_DELTA).exp(),
            anchor_px: x,
        }
    } else if shift || dx.abs() > dy.abs() {
        let d = if dx.abs() > dy.abs() { dx } else { dy };
        Wheel::Pan {
            share: d / width_px.max(1.0),
        }
    } else {
        Wheel::Scroll { dy_px: dy }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (Geometry, TimeWindow) {
        let g = Geometry::for_viewport(1000.0, 400.0, 0.0);
        (
            g,
            TimeWindow {
                start_ns: 0,
                end_ns: 1_000_000,
            },
        )
    }

    #[test]
    fn a_still_press_is_a_click_and_a_drag_pans_by_the_distance() {
        let (g, w) = setup();
        let mut d = press(&g, w, 500.0, 100.0);
        assert_eq!(
            drag_to(&mut d, &g, (1_000_000, 50), 501.0, 101.0),
            Gesture::Nothing
        );
        let scale = g.scale(&crate::model::Trace::default(), w);
        assert_eq!(
            release(d, &scale, 501.0, 101.0),
            Gesture::Click { x: 501.0, y: 101.0 }
        );
        let mut d = press(&g, w, 500.0, 100.0);
        // drag left by a tenth of the bars: the window moves a tenth later (in a trace long
        // enough that the pan clamp does not stop it)
        let tenth = g.bars_width() / 10.0;
        let Gesture::Pan { window, scroll_px } =
            drag_to(&mut d, &g, (10_000_000, 50), 500.0 - tenth, 80.0)
        else {
            panic!("a pan")
        };
        assert_eq!(window.start_ns, 100_000);
        assert_eq!(scroll_px, 20.0, "dragging up scrolls down");
        assert_eq!(
            release(d, &scale, 0.0, 0.0),
            Gesture::Nothing,
            "a drag is no click"
        );
    }

    #[test]
    fn an_axis_drag_zooms_to_the_range_it_covers() {
        let (g, w) = setup();
        let scale = g.scale(&crate::model::Trace::default(), w);
        let x0 = g.bars_x0();
        let mut d = press(&g, w, x0, 10.0);
        let quarter = x0 + g.bars_width() / 4.0;
        assert_eq!(
            drag_to(&mut d, &g, (1_000_000, 50), quarter, 12.0),
            Gesture::Range {
                from_px: x0,
                to_px: quarter
            }
        );
        assert_eq!(
            release(d, &scale, quarter, 12.0),
            Gesture::ZoomTo(TimeWindow {
                start_ns: 0,
                end_ns: 250_000
            })
        );
        assert_eq!(release(d, &scale, x0 + 2.0, 12.0), Gesture::Cancel);
    }

    #[test]
    fn the_wheel_zooms_pans_or_scrolls() {
        assert!(matches!(
            wheel((0.0, -240.0), true, false, 600.0, 1000.0),
            Wheel::Zoom { factor, anchor_px: 600.0 } if factor < 1.0
        ));
        assert_eq!(
            wheel((0.0, 100.0), false, true, 0.0, 1000.0),
            Wheel::Pan { share: 0.1 }
        );
        assert_eq!(
            wheel((-50.0, 5.0), false, false, 0.0, 1000.0),
            Wheel::Pan { share: -0.05 }
        );
        assert_eq!(
            wheel((0.0, 400.0), false, false, 0.0, 1000.0),
            Wheel::Scroll { dy_px: 400.0 }
        );
    }

    #[test]
    fn dragging_the_divider_resizes_the_column_and_never_pans() {
        // the divider sits at 300 px; pressing on it and dragging 120 px right widens the
        // column to 420 px, over the axis or the rows alike; the release is no click
        let (g, w) = setup();
        for y in [10.0, 100.0] {
            let mut d = press(&g, w, 301.0, y);
            assert_eq!(
                drag_to(&mut d, &g, (10_000_000, 50), 421.0, y + 30.0),
                Gesture::ResizeLabels {
                    label_width_px: 420.0
                }
            );
            let scale = g.scale(&crate::model::Trace::default(), w);
            assert_eq!(release(d, &scale, 421.0, y + 30.0), Gesture::Nothing);
        }
        // dragged past the canvas: the bars keep their minimum
        let mut d = press(&g, w, 300.0, 100.0);
        assert_eq!(
            drag_to(&mut d, &g, (10_000_000, 50), 5_000.0, 100.0),
            Gesture::ResizeLabels {
                label_width_px: 1000.0 - super::super::geometry::MIN_BARS_WIDTH_PX
            }
        );
    }
}
