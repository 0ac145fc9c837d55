//! The overview strip above the waterfall: the density of the whole load (computed once per
//! trace, width and critical path by `layout::overview::density`), the visible window as a box.
//! A click centres the window there, a drag moves it (through the view state, so the address
//! is replaced as for a pan). Painted at most once per animation frame; the strip says where
//! its box is (`data-window`, px from its left) for browser tests.

use super::browser::{device_pixel_ratio, now_ms};
use super::painter::{FramePaint, Painter};
use super::state::{AppState, Shared};
use crate::layout::overview::{density, Density, Strip, OVERVIEW_HEIGHT_PX};
use crate::layout::timeline::extent_ns;
use crate::view_state::TimeWindow;
use leptos::html;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

/// Everything one frame of the strip needs.
#[derive(Clone, PartialEq)]
struct Frame {
    density: Shared<Density>,
    strip: Strip,
    window: TimeWindow,
    width_px: f64,
    extent_ns: i64,
}

fn frame(state: AppState, density: Memo<Option<Shared<Density>>>) -> Option<Frame> {
    let g = state.transient.geometry.get();
    let aligned = state.derived.aligned.get();
    let extent = state
        .trace
        .with(|t| t.as_ref().map(|(_, t)| extent_ns(t, aligned)))?;
    Some(Frame {
        density: density.get()?,
        strip: Strip {
            x0_px: g.bars_x0(),
            width_px: g.bars_width(),
        },
        window: state.derived.window.get()?,
        width_px: g.width_px,
        extent_ns: extent,
    })
}

/// The density memo: over the trace, the columns of the bar area, alignment and critical path.
fn density_memo(state: AppState) -> Memo<Option<Shared<Density>>> {
    let columns = Memo::new(move |_| {
        state
            .transient
            .geometry
            .with(|g| g.bars_width().round() as usize)
    });
    Memo::new(move |_| {
        let (n, aligned, critical) = (
            columns.get(),
            state.derived.aligned.get(),
            state.derived.critical.get(),
        );
        state.trace.with(|t| {
            let t = &t.as_ref()?.1;
            Some(Shared::new(density(
                t,
                n,
                aligned,
                critical.as_ref().map(|c| c.0.as_ref()),
            )))
        })
    })
}

fn paint(canvas: NodeRef<html::Canvas>, painter: &RefCell<Option<Painter>>, f: &Frame) {
    let mut slot = painter.borrow_mut();
    if slot.is_none() {
        *slot = canvas.get_untracked().and_then(Painter::new);
    }
    let Some(p) = slot.as_mut() else { return };
    let started = now_ms();
    p.begin(f.width_px, OVERVIEW_HEIGHT_PX, device_pixel_ratio());
    let cmds = f
        .strip
        .draw_list(&f.density.0, f.window, OVERVIEW_HEIGHT_PX);
    p.replay(&cmds);
    if let Some(el) = canvas.get_untracked() {
        let _ = el.set_attribute("data-paint-ms", &format!("{:.2}", now_ms() - started));
    }
}

/// Paints the strip at most once per animation frame after any change it shows.
fn install_paint(canvas: NodeRef<html::Canvas>, now: Memo<Option<Frame>>) {
    let painter = Rc::new(RefCell::new(None::<Painter>));
    let frame = FramePaint::new(move || {
        if let Some(f) = now.get_untracked() {
            paint(canvas, &painter, &f);
        }
    });
    Effect::new(move |_| {
        now.track();
        frame.ask();
    });
}

/// The overview strip component.
#[component]
pub fn OverviewStrip() -> impl IntoView {
    let state = expect_context::<AppState>();
    let canvas = NodeRef::<html::Canvas>::new();
    let density = density_memo(state);
    let now = Memo::new(move |_| frame(state, density));
    install_paint(canvas, now);
    // the pointer's x and the window when the drag began
    let drag = StoredValue::new(None::<(f64, TimeWindow)>);
    let set_window = move |w: TimeWindow| state.view.update(|v| v.window = Some(w));
    let on_down = move |ev: web_sys::PointerEvent| {
        let Some(f) = now.get_untracked().filter(|_| ev.button() == 0) else {
            return;
        };
        if let Some(el) = canvas.get_untracked() {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        let x = f64::from(ev.offset_x());
        let (a, b) = f.strip.window_box(&f.density.0, f.window);
        let from = if x < a || x > b {
            let w = f.strip.centred_at(&f.density.0, f.window, x, f.extent_ns);
            set_window(w);
            w
        } else {
            f.window
        };
        drag.set_value(Some((x, from)));
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        let (Some((x0, from)), Some(f)) = (drag.get_value(), now.get_untracked()) else {
            return;
        };
        let dx = f64::from(ev.offset_x()) - x0;
        set_window(f.strip.dragged(&f.density.0, from, dx, f.extent_ns));
    };
    let window_attr = move || {
        now.with(|f| {
            f.as_ref().map(|f| {
                let (a, b) = f.strip.window_box(&f.density.0, f.window);
                format!("{a:.1},{b:.1}")
            })
        })
    };
    let strip_attr = move || {
        now.with(|f| {
            f.as_ref().map(|f| {
                let r = f.density.0.range;
                format!(
                    "{:.1},{:.1},{},{}",
                    f.strip.x0_px, f.strip.width_px, r.start_ns, r.end_ns
                )
            })
        })
    };
    view! {
        <div class="overview" data-testid="overview" data-window=window_attr data-strip=strip_attr
            class:hidden=move || now.with(|f| f.is_none())>
            <canvas
                node_ref=canvas
                on:pointerdown=on_down
                on:pointermove=on_move
                on:pointerup=move |_| drag.set_value(None)
            ></canvas>
        </div>
    }
}
