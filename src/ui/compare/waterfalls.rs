//! The aligned waterfalls: two canvases (base + hover overlay) replaying
//! `layout::compare::waterfall`'s draw lists, the base at most once per animation frame. Wheel
//! scrolls both lanes (whole rows; Shift: the lane under the pointer alone); Ctrl/⌘+wheel zooms the shared time scale;
//! double-click fits; a click selects the span on its side and scrolls the other lane to its
//! partner. The window and the scroll are transient (not in links).

use super::bar::side_text;
use super::{select_in_lane, selected_in_lanes};
use crate::layout::compare::waterfall::{
    draw_list, overlay_list, Lane, WaterfallGeometry, WaterfallSpec,
};
use crate::ui::browser::device_pixel_ratio;
use crate::ui::painter::{FramePaint, Painter};
use crate::ui::state::AppState;
use crate::view_state::{navigation, TimeWindow};
use leptos::html;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// The component's transient state.
#[derive(Clone, Copy)]
struct Local {
    base: NodeRef<html::Canvas>,
    overlay: NodeRef<html::Canvas>,
    geometry: RwSignal<WaterfallGeometry>,
    window: RwSignal<Option<TimeWindow>>,
    hover: RwSignal<Option<(Lane, usize)>>,
    selected: Memo<Option<(Lane, usize)>>,
}

type Painters = Rc<RefCell<Option<(Painter, Painter)>>>;

/// The window shown: as zoomed, else the longer run fitted.
fn window(state: AppState, local: Local) -> Option<TimeWindow> {
    let extent = state
        .compare
        .lanes
        .with(|l| l.as_ref().map(|l| l.0.extent_ns))?;
    Some(
        local
            .window
            .get()
            .unwrap_or_else(|| navigation::fit(extent)),
    )
}

/// The lane titles: `A · baseline · <what> · <wall clock>`.
fn titles(state: AppState) -> [String; 2] {
    let Some(Ok(c)) = state.compare.compared.get() else {
        return [String::new(), String::new()];
    };
    let s = &c.0.comparison.summary;
    let set = if s.a.run_count > 1 {
        format!(" · reference run of {} (median wall clock)", s.a.run_count)
    } else {
        String::new()
    };
    [
        format!(
            "A · baseline · {} · {} wall clock{set}",
            side_text(&c.0.a, &c.0.picked.a),
            s.a.wall_clock
        ),
        format!(
            "B · this run · {} · {} wall clock",
            side_text(&c.0.b, &c.0.picked.b),
            s.b.wall_clock
        ),
    ]
}

fn paint(state: AppState, local: Local, painters: &Painters, layer_is_base: bool) {
    let g = local.geometry.get_untracked();
    let (Some(lanes), Some(Ok(c)), Some(w)) = (
        state.compare.lanes.get_untracked(),
        state.compare.compared.get_untracked(),
        window(state, local),
    ) else {
        return;
    };
    let titles = titles(state);
    let spec = WaterfallSpec {
        traces: [&c.0.a, &c.0.b],
        titles: [&titles[0], &titles[1]],
        window: w,
        selected: local.selected.get_untracked(),
    };
    let mut slot = painters.borrow_mut();
    let Some((base, over)) = slot.as_mut() else {
        return;
    };
    let theme = state.theme_untracked();
    base.set_theme(theme);
    over.set_theme(theme);
    if layer_is_base {
        base.begin(g.width_px, g.height_px, device_pixel_ratio());
        base.replay(&draw_list(&lanes.0, &spec, &g));
    } else {
        over.begin(g.width_px, g.height_px, device_pixel_ratio());
        over.replay(&overlay_list(
            &lanes.0,
            &spec,
            &g,
            local.hover.get_untracked(),
        ));
    }
}

fn install_paint(state: AppState, local: Local) {
    let painters: Painters = Rc::new(RefCell::new(None));
    let p = painters.clone();
    Effect::new(move |_| {
        let (Some(b), Some(o)) = (local.base.get(), local.overlay.get()) else {
            return;
        };
        if p.borrow().is_none() {
            if let (Some(b), Some(o)) = (Painter::new(b), Painter::new(o)) {
                let cw = b.char_width_px();
                local.geometry.update(|g| g.char_width_px = cw);
                *p.borrow_mut() = Some((b, o));
            }
        }
    });
    let p = painters.clone();
    let base = FramePaint::new(move || paint(state, local, &p, true));
    Effect::new(move |_| {
        state.compare.lanes.track();
        state.compare.compared.track();
        local.geometry.track();
        local.window.track();
        local.selected.track();
        state.theme();
        base.ask();
    });
    Effect::new(move |_| {
        local.hover.track();
        local.geometry.track();
        state.theme();
        paint(state, local, &painters, false);
    });
}

fn observe_size(local: Local, wrap: NodeRef<html::Div>) {
    Effect::new(move |_| {
        let Some(div) = wrap.get() else { return };
        let measure = move || {
            if let Some(div) = wrap.get_untracked() {
                let r = div.get_bounding_client_rect();
                let g = local.geometry.get_untracked();
                if (g.width_px, g.height_px) != (r.width(), r.height()) {
                    local.geometry.set(WaterfallGeometry {
                        first_row: g.first_row,
                        char_width_px: g.char_width_px,
                        ..WaterfallGeometry::for_viewport(r.width(), r.height())
                    });
                }
            }
        };
        measure();
        let callback = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(measure);
        if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            observer.observe(&div);
            on_cleanup(move || observer.disconnect());
        }
        callback.forget();
    });
}

fn on_click(state: AppState, local: Local, y: f64) {
    let (Some(lanes), Some(Ok(c))) = (
        state.compare.lanes.get_untracked(),
        state.compare.compared.get_untracked(),
    ) else {
        return;
    };
    let g = local.geometry.get_untracked();
    let Some((lane, i)) = g.hit(&lanes.0, y) else {
        return;
    };
    let row = lanes.0.rows[lane.ix()][i];
    if let Some(s) = row.span {
        select_in_lane(state, &c.0, lane, s);
    }
    if let Some(p) = row.partner {
        let other = lane.other();
        local
            .geometry
            .update(|g| g.first_row[other.ix()] = g.reveal(other, p as usize));
    }
}

fn on_wheel(state: AppState, local: Local, ev: web_sys::WheelEvent) {
    ev.prevent_default();
    let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
    let g = local.geometry.get_untracked();
    let Some(lanes) = state.compare.lanes.get_untracked() else {
        return;
    };
    if ev.ctrl_key() || ev.meta_key() {
        let Some(w) = window(state, local) else {
            return;
        };
        let anchor = g.scale(lanes.0.start[0], w).offset_from_px(x);
        let factor = if ev.delta_y() < 0.0 { 0.8 } else { 1.25 };
        local
            .window
            .set(Some(navigation::zoom(w, anchor, factor, lanes.0.extent_ns)));
    } else if let Some(lane) = g.lane_at(y) {
        let by = (ev.delta_y() / g.row_height_px).round() as i64;
        let by = if by == 0 {
            ev.delta_y().signum() as i64
        } else {
            by
        };
        // both lanes move together (their trees come in the same order); Shift moves one
        let moved = if ev.shift_key() {
            vec![lane]
        } else {
            vec![Lane::A, Lane::B]
        };
        local.geometry.update(|g| {
            for l in moved {
                g.first_row[l.ix()] = g.scrolled(l, by, lanes.0.rows[l.ix()].len());
            }
        });
    }
}

/// The waterfalls.
#[component]
pub fn Waterfalls() -> impl IntoView {
    let state = expect_context::<AppState>();
    let wrap = NodeRef::<html::Div>::new();
    let selected = Memo::new(move |_| {
        let c = state.compare.compared.get()?.ok()?;
        let (lane, s) = selected_in_lanes(state, &c.0)?;
        state.compare.lanes.with(|l| {
            l.as_ref()?.0.rows[lane.ix()]
                .iter()
                .position(|r| r.span == Some(s))
                .map(|i| (lane, i))
        })
    });
    let local = Local {
        base: NodeRef::new(),
        overlay: NodeRef::new(),
        geometry: RwSignal::new(WaterfallGeometry::for_viewport(1000.0, 500.0)),
        window: RwSignal::new(None),
        hover: RwSignal::new(None),
        selected,
    };
    install_paint(state, local);
    observe_size(local, wrap);
    let y = |ev: &web_sys::MouseEvent| f64::from(ev.offset_y());
    let hover = move |ev: web_sys::PointerEvent| {
        let hit = state.compare.lanes.with_untracked(|l| {
            local
                .geometry
                .with_untracked(|g| g.hit(&l.as_ref()?.0, y(&ev)))
        });
        if local.hover.get_untracked() != hit {
            local.hover.set(hit);
        }
    };
    view! {
        <div class="compare-waterfalls" data-testid="compare-waterfalls" node_ref=wrap>
            <canvas class="layer" aria-hidden="true" node_ref=local.base></canvas>
            <canvas class="layer overlay" tabindex="0" role="img" data-testid="compare-focus"
                aria-label="Waterfalls of baseline A over this run B, matched spans side by side, coloured by how much slower or faster B is; click a row to select its span, the wheel zooms, double-click fits"
                node_ref=local.overlay
                on:pointermove=hover
                on:pointerleave=move |_| local.hover.set(None)
                on:click=move |ev| on_click(state, local, y(&ev))
                on:dblclick=move |_| local.window.set(None)
                on:wheel=move |ev| on_wheel(state, local, ev)
            ></canvas>
        </div>
    }
}
