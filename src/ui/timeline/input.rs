//! Pointer and wheel input on the waterfall: each handler reads the event's position, asks the
//! pure gesture machine (`layout::timeline::interaction`) or the hit test what it means, and
//! applies that to the view state or the transient state. Handlers never draw.

use super::Local;
use crate::layout::timeline::interaction::{self, Drag, Gesture, Wheel};
use crate::layout::timeline::{extent_ns, focus_span, hit_test, Geometry, Hit};
use crate::model::Trace;
use crate::ui::commands::select_span;
use crate::ui::state::AppState;
use crate::view_state::{navigation, TimeWindow};
use leptos::prelude::*;
use std::sync::Arc;

/// The handlers of one waterfall, with the gesture in progress.
#[derive(Clone, Copy)]
pub struct Handlers {
    state: AppState,
    local: Local,
    drag: StoredValue<Option<Drag>>,
}

/// What the handlers read at each event: the trace, the window shown, the geometry.
struct Now {
    trace: Arc<Trace>,
    window: TimeWindow,
    g: Geometry,
    aligned: bool,
    rows: usize,
}

fn offset(ev: &web_sys::MouseEvent) -> (f64, f64) {
    (f64::from(ev.offset_x()), f64::from(ev.offset_y()))
}

impl Handlers {
    /// Handlers for the waterfall of `local`.
    pub fn new(state: AppState, local: Local) -> Handlers {
        Handlers {
            state,
            local,
            drag: StoredValue::new(None),
        }
    }

    fn now(&self) -> Option<Now> {
        let d = self.state.derived;
        Some(Now {
            trace: self.state.trace.get_untracked()?.1,
            window: d.window.get_untracked()?,
            g: self.state.transient.geometry.get_untracked(),
            aligned: d.aligned.get_untracked(),
            rows: d
                .rows
                .with_untracked(|r| r.as_ref().map_or(0, |r| r.0.len())),
        })
    }

    fn hit(&self, now: &Now, x: f64, y: f64) -> Hit {
        self.state.derived.rows.with_untracked(|r| {
            let rows = r.as_ref().map_or(&[][..], |r| r.0.as_slice());
            hit_test(&now.trace, rows, now.window, &now.g, x, y)
        })
    }

    /// A button press starts a pan or an axis range.
    pub fn down(&self, ev: web_sys::PointerEvent) {
        let Some(now) = self.now().filter(|_| ev.button() == 0) else {
            return;
        };
        if let Some(el) = self.local.overlay.get_untracked() {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        let (x, y) = offset(&ev);
        let drag = interaction::press(&now.g, now.window, x, y);
        if let Drag::Range { .. } = drag {
            self.local.range.set(Some((x, x)));
        }
        self.drag.set_value(Some(drag));
    }

    /// A move drags, or updates what is hovered.
    pub fn moved(&self, ev: web_sys::PointerEvent) {
        let (x, y) = offset(&ev);
        let Some(now) = self.now() else { return };
        let Some(mut drag) = self.drag.get_value() else {
            self.local.hover.set(Some((self.hit(&now, x, y), x, y)));
            if let Some(el) = self.local.overlay.get_untracked() {
                let on = if now.g.is_on_divider(x) {
                    "true"
                } else {
                    "false"
                };
                let _ = el.set_attribute("data-on-divider", on);
            }
            return;
        };
        let bounds = (extent_ns(&now.trace, now.aligned), now.rows);
        let gesture = interaction::drag_to(&mut drag, &now.g, bounds, x, y);
        self.drag.set_value(Some(drag));
        self.apply(gesture, &now);
    }

    /// A release ends the gesture: a click, a zoom to the range, or the end of a pan.
    pub fn up(&self, ev: web_sys::PointerEvent) {
        let (x, y) = offset(&ev);
        let (Some(drag), Some(now)) = (self.drag.get_value(), self.now()) else {
            return;
        };
        self.drag.set_value(None);
        let scale = now.g.scale(&now.trace, now.window);
        self.apply(interaction::release(drag, &scale, x, y), &now);
    }

    fn apply(&self, gesture: Gesture, now: &Now) {
        let view = self.state.view;
        match gesture {
            Gesture::Nothing => {}
            Gesture::Pan { window, scroll_px } => {
                view.update(|v| v.window = Some(window));
                self.state
                    .transient
                    .geometry
                    .update(|g| g.scroll_top_px = scroll_px);
            }
            Gesture::Range { from_px, to_px } => self.local.range.set(Some((from_px, to_px))),
            Gesture::ZoomTo(w) => {
                self.local.range.set(None);
                view.update(|v| v.window = Some(w));
            }
            Gesture::Cancel => self.local.range.set(None),
            Gesture::ResizeLabels { label_width_px } => {
                self.local.label_width_px.set_value(Some(label_width_px));
                self.state
                    .transient
                    .geometry
                    .update(|g| *g = g.with_label_width(label_width_px));
            }
            Gesture::Click { x, y } => match self.hit(now, x, y) {
                Hit::Toggle(s) => view.update(|v| v.expansion.toggle(now.trace.span(s).span_id)),
                Hit::Span(s) => select_span(self.state, s),
                Hit::Empty => view.update(|v| v.clear_selection()),
                Hit::Axis { .. } | Hit::Header(_) => {}
            },
        }
    }

    /// A double click on a span zooms to it.
    pub fn double_click(&self, ev: web_sys::MouseEvent) {
        let (x, y) = offset(&ev);
        let Some(now) = self.now() else { return };
        if let Hit::Span(s) = self.hit(&now, x, y) {
            let w = focus_span(&now.trace, s, now.aligned);
            self.state.view.update(|v| v.window = Some(w));
        }
    }

    /// The wheel zooms at the pointer, pans time, or scrolls rows.
    pub fn wheel(&self, ev: web_sys::WheelEvent) {
        ev.prevent_default();
        let Some(now) = self.now() else { return };
        let zoom_key = ev.ctrl_key() || ev.meta_key();
        let delta = (ev.delta_x(), ev.delta_y());
        let (x, _) = offset(&ev);
        let extent = extent_ns(&now.trace, now.aligned);
        let window = match interaction::wheel(delta, zoom_key, ev.shift_key(), x, now.g.width_px) {
            Wheel::Zoom { factor, anchor_px } => {
                let anchor = now
                    .g
                    .scale(&now.trace, now.window)
                    .offset_from_px(anchor_px);
                navigation::zoom(now.window, anchor, factor, extent)
            }
            Wheel::Pan { share } => navigation::pan_share(now.window, share, extent),
            Wheel::Scroll { dy_px } => {
                let top = now.g.clamp_scroll(now.g.scroll_top_px + dy_px, now.rows);
                self.state
                    .transient
                    .geometry
                    .update(|g| g.scroll_top_px = top);
                return;
            }
        };
        self.state.view.update(|v| v.window = Some(window));
    }
}
