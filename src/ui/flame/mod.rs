//! The flame graph view: the mode buttons and the zoom path above two stacked canvases (boxes,
//! and the hovered box's outline on top) with a hover text. Layout decides every box
//! (`layout::flame`); painting replays its draw list at most once per animation frame
//! (`paint`); a click zooms into a box (its path is in the link), the wheel scrolls rows.

mod paint;

use super::state::{AppState, Shared};
use crate::layout::commands::Command;
use crate::layout::flame::{
    clamp_scroll, flame_layout, hit_test, tooltip, tooltip_position, FlameGeometry, FlameLayout,
};
use crate::layout::flame_zoom::{zoom_path, zoom_target};
use crate::ui::commands::run;
use crate::view_state::FlameTime;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Height of one row of boxes, px.
const ROW_HEIGHT_PX: f64 = 20.0;

/// The view's canvases, geometry, hovered box and derived layout.
#[derive(Clone, Copy)]
pub struct Local {
    /// The boxes.
    pub base: NodeRef<html::Canvas>,
    /// The hover outline (and the pointer's target).
    pub overlay: NodeRef<html::Canvas>,
    /// Canvas size, scroll and text advance.
    pub geometry: RwSignal<FlameGeometry>,
    /// The box under the pointer, with the pointer's position.
    pub hover: RwSignal<Option<(u32, f64, f64)>>,
    /// The laid-out boxes.
    pub layout: Memo<Option<Shared<FlameLayout>>>,
}

/// The flame graph view.
#[component]
pub fn FlameView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let geometry = RwSignal::new(FlameGeometry {
        width_px: 800.0,
        height_px: 400.0,
        row_height_px: ROW_HEIGHT_PX,
        scroll_top_px: 0.0,
        char_width_px: crate::layout::timeline::CHAR_WIDTH_PX,
    });
    let focus = Memo::new(move |_| {
        let graph = state.derived.flame.get();
        let t = state.trace.with(|t| t.as_ref().map(|(_, t)| t.clone()));
        match (graph, t) {
            (Some(g), Some(t)) => state.fields.flame.with(|f| zoom_target(&t, &g.0, &f.zoom)),
            _ => 0,
        }
    });
    let layout = Memo::new(move |_| {
        let graph = state.derived.flame.get()?;
        let g = geometry.get();
        Some(Shared::new(flame_layout(&graph.0, focus.get(), &g)))
    });
    let local = Local {
        base: NodeRef::new(),
        overlay: NodeRef::new(),
        geometry,
        hover: RwSignal::new(None),
        layout,
    };
    paint::install(state, local);
    let wrap = NodeRef::<html::Div>::new();
    observe_size(wrap, geometry);
    view! {
        <div class="flame-view">
            <FlameControls focus=focus />
            <div class="flame" node_ref=wrap>
                <canvas class="layer" data-testid="flame-canvas" data-mode=move || state.fields.flame.with(|f| f.mode.token()) data-summary=move || paint::summary(state, local) node_ref=local.base></canvas>
                <canvas
                    class="layer overlay"
                    node_ref=local.overlay
                    on:pointermove=move |ev| hovered(state, local, &ev)
                    on:pointerleave=move |_| local.hover.set(None)
                    on:click=move |ev| clicked(state, local, &ev)
                    on:wheel=move |ev| wheel(state, local, &ev)
                ></canvas>
                <FlameTooltip local=local />
            </div>
        </div>
    }
}

fn offset(ev: &web_sys::MouseEvent) -> (f64, f64) {
    (f64::from(ev.offset_x()), f64::from(ev.offset_y()))
}

fn box_at(local: Local, ev: &web_sys::MouseEvent) -> Option<u32> {
    let (x, y) = offset(ev);
    let g = local.geometry.get_untracked();
    local
        .layout
        .with_untracked(|l| l.as_ref().and_then(|l| hit_test(&l.0, &g, x, y)))
}

fn hovered(_state: AppState, local: Local, ev: &web_sys::PointerEvent) {
    let (x, y) = offset(ev);
    let next = box_at(local, ev).map(|b| (b, x, y));
    if local.hover.get_untracked() != next {
        local.hover.set(next);
    }
}

/// A click zooms into the box (into the root: the whole graph again).
fn clicked(state: AppState, local: Local, ev: &web_sys::MouseEvent) {
    let Some(b) = box_at(local, ev) else { return };
    let (Some(graph), Some((_, t))) = (
        state.derived.flame.get_untracked(),
        state.trace.get_untracked(),
    ) else {
        return;
    };
    let path = zoom_path(&t, &graph.0, b);
    state.view.update(|v| v.flame.zoom = path);
    local.geometry.update(|g| g.scroll_top_px = 0.0);
}

fn wheel(state: AppState, local: Local, ev: &web_sys::WheelEvent) {
    ev.prevent_default();
    let depth = state.derived.flame.with_untracked(|f| {
        f.as_ref().map_or(0, |f| {
            f.0.nodes().iter().map(|n| n.depth).max().unwrap_or(0)
        })
    });
    local.geometry.update(|g| {
        g.scroll_top_px = clamp_scroll(g, usize::from(depth) + 1, g.scroll_top_px + ev.delta_y());
    });
}

/// Mode buttons, the zoom path and "reset zoom".
#[component]
fn FlameControls(focus: Memo<u32>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let modes = [
        (FlameTime::All, "All time"),
        (FlameTime::Critical, "Critical path only"),
        (FlameTime::Inverted, "Inverted (self time)"),
    ]
    .map(|(m, label)| {
        let cmd = Command::SetFlameTime(m);
        let active = move || state.fields.flame.with(|f| f.mode == m);
        view! { <button class:active=active title=cmd.tooltip() data-testid="flame-mode" data-mode=m.token() on:click=move |_| run(state, cmd)>{label}</button> }
    })
    .collect_view();
    let crumbs = move || {
        let _ = focus.get();
        state.fields.flame.with(|f| {
            let names: Vec<String> = f.zoom.iter().map(|s| s.name.clone()).collect();
            (!names.is_empty()).then(|| format!("all › {}", names.join(" › ")))
        })
    };
    let reset = move |_| state.view.update(|v| v.flame.zoom.clear());
    view! {
        <div class="flame-controls">
            <span class="views">{modes}</span>
            <span class="flame-path dim" data-testid="flame-path">{crumbs}</span>
            <Show when=move || state.fields.flame.with(|f| !f.zoom.is_empty())>
                <button data-testid="flame-reset" on:click=reset>"Reset zoom"</button>
            </Show>
            <span class="dim">"hover a box for its numbers; click to zoom in"</span>
        </div>
    }
}

/// The hovered box's service, name, count, total and self time (and its matches).
#[component]
fn FlameTooltip(local: Local) -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let (b, x, y) = local.hover.get()?;
        let graph = state.derived.flame.get_untracked()?;
        let (_, t) = state.trace.get_untracked()?;
        let mut text = tooltip(&t, &graph.0, b);
        if let Some(m) = state.derived.flame_matches.get_untracked() {
            let n = m.0.get(b as usize).copied().unwrap_or(0);
            text.push_str(&format!("\n{n} matching the query"));
        }
        let (left, top) = tooltip_position(&local.geometry.get_untracked(), x, y);
        Some(
            view! { <div class="tooltip" data-testid="flame-tooltip" style=format!("left:{left}px;top:{top}px")>{text}</div> },
        )
    }
}

/// Keeps the geometry's size equal to the canvas box (observed, as the timeline's).
fn observe_size(wrap: NodeRef<html::Div>, geometry: RwSignal<FlameGeometry>) {
    let measure = move || {
        if let Some(div) = wrap.get_untracked() {
            let r = div.get_bounding_client_rect();
            let g = geometry.get_untracked();
            if (g.width_px, g.height_px) != (r.width(), r.height()) {
                geometry.update(|g| (g.width_px, g.height_px) = (r.width(), r.height()));
            }
        }
    };
    // the observer and its callback live as long as the view: disconnected and dropped on unmount
    type Observing = Option<(
        web_sys::ResizeObserver,
        wasm_bindgen::closure::Closure<dyn FnMut()>,
    )>;
    let observing: StoredValue<Observing, LocalStorage> = StoredValue::new_local(None);
    Effect::new(move |_| {
        if let Some(div) = wrap.get() {
            measure();
            let callback = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(measure);
            if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
                observer.observe(&div);
                observing.set_value(Some((observer, callback)));
            }
        }
    });
    on_cleanup(move || {
        observing.try_update_value(|o| {
            if let Some((observer, _)) = o.take() {
                observer.disconnect();
            }
        });
    });
}
