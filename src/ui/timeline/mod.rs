//! The waterfall component: two stacked canvases (base + hover overlay) and a tooltip. It only
//! wires the parts: painting (`paint`), pointer and wheel input (`input`), the tooltip
//! (`tooltip`); layout decides every coordinate, and the canvas says its geometry
//! (`data-geometry`) so browser tests find rows without repeating pixel constants.

mod input;
mod paint;
mod tooltip;

use super::state::AppState;
use crate::layout::timeline::Hit;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Transient state of the waterfall shared by its parts.
#[derive(Clone, Copy)]
pub struct Local {
    /// The base canvas (bars, labels, axis).
    pub base: NodeRef<html::Canvas>,
    /// The overlay canvas (hover, range), which also takes the pointer.
    pub overlay: NodeRef<html::Canvas>,
    /// What is under the pointer, with its position.
    pub hover: RwSignal<Option<(Hit, f64, f64)>>,
    /// The axis range being dragged (x from, x to).
    pub range: RwSignal<Option<(f64, f64)>>,
    /// The name column's width as the divider was dragged to (kept across resizes while the
    /// page lives; `None` = the default for the canvas width).
    pub label_width_px: StoredValue<Option<f64>>,
}

/// The timeline component.
#[component]
pub fn TimelineView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let wrap = NodeRef::<html::Div>::new();
    let local = Local {
        base: NodeRef::new(),
        overlay: NodeRef::new(),
        hover: RwSignal::new(None),
        range: RwSignal::new(None),
        label_width_px: StoredValue::new(None),
    };
    paint::install(state, local);
    observe_size(state, local, wrap);
    let h = input::Handlers::new(state, local);
    let geometry = move || state.transient.geometry.with(|g| g.json());
    let label = move || {
        let (window, selected) = (state.derived.window.get()?, state.derived.selected.get());
        let (_, t) = state.trace.get()?;
        Some(crate::layout::describe::timeline_label(
            &t, window, selected,
        ))
    };
    view! {
        <div class="timeline" node_ref=wrap>
            <canvas class="layer" data-testid="timeline-canvas" data-geometry=geometry aria-hidden="true" node_ref=local.base></canvas>
            <canvas
                class="layer overlay"
                data-testid="timeline-focus"
                tabindex="0"
                role="application"
                aria-roledescription="timeline"
                aria-label=label
                node_ref=local.overlay
                on:pointerdown=move |ev| h.down(ev)
                on:pointermove=move |ev| h.moved(ev)
                on:pointerup=move |ev| h.up(ev)
                on:dblclick=move |ev| h.double_click(ev)
                on:wheel=move |ev| h.wheel(ev)
                on:pointerleave=move |_| local.hover.set(None)
            ></canvas>
            <tooltip::Tooltip hover=local.hover />
        </div>
    }
}

/// Keeps the geometry's size equal to the timeline's box. The box changes with the window and
/// with the details panel opening, so it is observed directly rather than through window resize
/// events.
fn observe_size(state: AppState, local: Local, wrap: NodeRef<html::Div>) {
    let measure = move || {
        if let Some(div) = wrap.get_untracked() {
            let r = div.get_bounding_client_rect();
            let (w, h) = (r.width(), r.height());
            let g = state.transient.geometry.get_untracked();
            if (g.width_px, g.height_px) != (w, h) {
                let sized = g.resized(w, h);
                let sized = match local.label_width_px.get_value() {
                    Some(px) => sized.with_label_width(px),
                    None => sized,
                };
                state.transient.geometry.set(sized);
            }
        }
    };
    Effect::new(move |_| {
        if let Some(div) = wrap.get() {
            measure();
            let callback = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(measure);
            if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
                observer.observe(&div);
            }
            callback.forget(); // lives as long as the page: the timeline is never unmounted
        }
    });
}
