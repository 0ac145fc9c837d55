//! The waterfall component: two stacked canvases (base + hover overlay) and a tooltip.
//! Input handlers only change the view state (or transient hover/drag state); painting
//! happens in at most one animation frame per batch of changes, replaying core draw lists.

use super::browser::{device_pixel_ratio, now_ms};
use super::painter::Painter;
use super::state::AppState;
use crate::layout::palette;
use crate::layout::timeline::{
    draw_list, extent_ns, hit_test, shift_ns, DrawCmd, Geometry, Hit,
    TimelineView as TimelineViewSpec,
};
use crate::model::{time::format_iso8601, DurationNs, Trace};
use crate::view_state::{navigation, TimeWindow};
use leptos::html;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// Height of one row, logical px.
pub const ROW_HEIGHT_PX: f64 = 22.0;
/// Height of the time axis, logical px.
pub const AXIS_HEIGHT_PX: f64 = 28.0;
/// Width of the span-name column, logical px.
pub const LABEL_WIDTH_PX: f64 = 300.0;
/// Zoom factor per W/S key press.
const KEY_ZOOM: f64 = 0.8;
/// Pan share of the window per A/D key press.
const KEY_PAN: f64 = 0.2;

thread_local! {
    static VIEWPORT_PX: Cell<(f64, f64)> = const { Cell::new((1200.0, 600.0)) };
}

/// Height available for rows in the current viewport, logical px.
pub fn viewport_rows_height() -> f64 {
    VIEWPORT_PX.with(|v| v.get().1) - AXIS_HEIGHT_PX
}

/// The effective window: the view's, or the whole trace (the longest one when aligned).
pub fn effective_window(trace: &Trace, window: Option<TimeWindow>, aligned: bool) -> TimeWindow {
    window.unwrap_or_else(|| navigation::fit(extent_ns(trace, aligned)))
}

fn geometry(size: (f64, f64), scroll_top_px: f64, char_width_px: f64) -> Geometry {
    Geometry {
        width_px: size.0,
        height_px: size.1,
        label_width_px: LABEL_WIDTH_PX.min(size.0 * 0.4),
        axis_height_px: AXIS_HEIGHT_PX,
        row_height_px: ROW_HEIGHT_PX,
        scroll_top_px,
        char_width_px,
    }
}

#[derive(Clone, Copy)]
enum Drag {
    Pan {
        x: f64,
        y: f64,
        window: TimeWindow,
        scroll: f64,
        moved: bool,
    },
    Range {
        x: f64,
    },
}

/// Zooms the view around `anchor_px` (None = centre).
pub fn zoom_view(state: AppState, factor: f64, anchor_px: Option<f64>) {
    let Some((_, trace)) = state.trace.get_untracked() else {
        return;
    };
    let (w, h) = VIEWPORT_PX.with(|v| v.get());
    let g = geometry((w, h), 0.0, 7.0);
    let aligned = state.aligned.get_untracked();
    let window = effective_window(&trace, state.view.with_untracked(|v| v.window), aligned);
    let scale = g.scale(&trace, window);
    let anchor = anchor_px.map_or(window.start_ns + window.len_ns() / 2, |x| {
        scale.offset_from_px(x)
    });
    let extent = extent_ns(&trace, aligned);
    state
        .view
        .update(|v| v.window = Some(navigation::zoom(window, anchor, factor, extent)));
}

/// Pans the view by a share of the window (positive = later).
pub fn pan_view(state: AppState, share: f64) {
    let Some((_, trace)) = state.trace.get_untracked() else {
        return;
    };
    let aligned = state.aligned.get_untracked();
    let window = effective_window(&trace, state.view.with_untracked(|v| v.window), aligned);
    let extent = extent_ns(&trace, aligned);
    let delta = (window.len_ns() as f64 * share).round() as i64;
    state
        .view
        .update(|v| v.window = Some(navigation::pan(window, delta, extent)));
}

/// Key zoom step and pan step, for the keyboard handler.
pub fn key_steps() -> (f64, f64) {
    (KEY_ZOOM, KEY_PAN)
}

/// The timeline component.
#[component]
pub fn TimelineView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let base = NodeRef::<html::Canvas>::new();
    let overlay = NodeRef::<html::Canvas>::new();
    let wrap = NodeRef::<html::Div>::new();
    let size = RwSignal::new((0.0f64, 0.0f64));
    let hover = RwSignal::new(None::<(Hit, f64, f64)>);
    let range = RwSignal::new(None::<(f64, f64)>);

    let rows = state.rows;
    let window = Memo::new(move |_| state.view.with(|v| v.window));
    let selected = Memo::new(move |_| state.view.with(|v| (v.selected, v.selected_trace)));
    let search = Memo::new(move |_| state.view.with(|v| v.search.trim().to_lowercase()));
    let color = Memo::new(move |_| state.view.with(|v| v.color));

    let painter: Rc<RefCell<Option<(Painter, Painter, f64)>>> = Rc::new(RefCell::new(None));
    let frame_pending = Rc::new(Cell::new(false));

    let paint = {
        let painter = painter.clone();
        move || {
            let (Some(base_el), Some(overlay_el)) = (base.get_untracked(), overlay.get_untracked())
            else {
                return;
            };
            let mut slot = painter.borrow_mut();
            if slot.is_none() {
                if let (Some(b), Some(o)) = (
                    Painter::new(base_el.clone()),
                    Painter::new(overlay_el.clone()),
                ) {
                    let cw = b.char_width_px();
                    *slot = Some((b, o, cw));
                }
            }
            let Some((base_p, _, char_w)) = slot.as_mut() else {
                return;
            };
            let sz = size.get_untracked();
            if sz.0 < 10.0 || sz.1 < 10.0 {
                return;
            }
            let started = now_ms();
            let dpr = device_pixel_ratio();
            base_p.begin(sz.0, sz.1, dpr);
            let Some((generation, trace)) = state.trace.get_untracked() else {
                return;
            };
            let Some(rows) = rows.get_untracked() else {
                return;
            };
            let g = geometry(sz, state.scroll_top_px.get_untracked(), *char_w);
            let sel = state.view.with_untracked(|v| v.selected_span(&trace));
            let search_lower = search.get_untracked();
            let critical = state.critical.get_untracked();
            let (Some(palette), Some(notes)) =
                (state.palette.get_untracked(), state.notes.get_untracked())
            else {
                return;
            };
            let spec = TimelineViewSpec {
                window: effective_window(
                    &trace,
                    window.get_untracked(),
                    state.aligned.get_untracked(),
                ),
                selected: sel,
                search_lower: &search_lower,
                color_mode: state.view.with_untracked(|v| v.color),
                critical: critical.as_ref().map(|c| c.0.as_ref()),
                palette: &palette.0,
                notes: &notes.0,
                aligned: state.aligned.get_untracked(),
            };
            let cmds = draw_list(&trace, &rows.0, &spec, &g);
            base_p.replay(&cmds);
            // exposed for the benchmark script: how long the last base-layer paint took
            let _ = base_el.set_attribute("data-paint-ms", &format!("{:.2}", now_ms() - started));
            if state.painted_generation.get_untracked() != generation {
                state.painted_generation.set(generation);
            }
        }
    };
    let paint = Rc::new(paint);

    // Any change that affects the base layer asks for one paint in the next animation frame.
    Effect::new({
        let frame_pending = frame_pending.clone();
        let paint = paint.clone();
        move |_| {
            state.trace.track();
            rows.track();
            window.track();
            selected.track();
            search.track();
            state.critical.track();
            state.aligned.track();
            color.track();
            size.track();
            state.scroll_top_px.track();
            if !frame_pending.replace(true) {
                let frame_pending = frame_pending.clone();
                let paint = paint.clone();
                request_animation_frame(move || {
                    frame_pending.set(false);
                    paint();
                });
            }
        }
    });

    // The overlay: hover highlight and range selection, cheap enough to draw at once.
    Effect::new({
        let painter = painter.clone();
        move |_| {
            let h = hover.get();
            let r = range.get();
            let sz = size.get();
            let mut slot = painter.borrow_mut();
            let Some((_, over, _)) = slot.as_mut() else {
                return;
            };
            over.begin(sz.0, sz.1, device_pixel_ratio());
            let mut cmds = Vec::new();
            if let Some((Hit::Span(_) | Hit::Toggle(_), _, y)) = h {
                let row_top = ((y - AXIS_HEIGHT_PX + state.scroll_top_px.get_untracked())
                    / ROW_HEIGHT_PX)
                    .floor()
                    * ROW_HEIGHT_PX
                    + AXIS_HEIGHT_PX
                    - state.scroll_top_px.get_untracked();
                cmds.push(DrawCmd::Outline {
                    x: 0.0,
                    y: row_top,
                    w: sz.0,
                    h: ROW_HEIGHT_PX,
                    stroke: palette::Rgb(0x2563eb),
                });
            }
            if let Some((a, b)) = r {
                cmds.push(DrawCmd::Rect {
                    x: a.min(b),
                    y: 0.0,
                    w: (a - b).abs(),
                    h: sz.1,
                    fill: palette::Rgb(0xbfdbfe),
                });
            }
            over.replay(&cmds);
        }
    });

    let measure = move || {
        if let Some(div) = wrap.get_untracked() {
            let r = div.get_bounding_client_rect();
            VIEWPORT_PX.with(|v| v.set((r.width(), r.height())));
            size.set((r.width(), r.height()));
        }
    };
    // The timeline's box changes with the window and with the details panel opening, so it is
    // observed directly rather than through window resize events.
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

    let current_geometry = move || {
        geometry(
            size.get_untracked(),
            state.scroll_top_px.get_untracked(),
            7.0,
        )
    };
    let hit_at = move |x: f64, y: f64| -> Option<(Arc<Trace>, Hit)> {
        let (_, trace) = state.trace.get_untracked()?;
        let rows = rows.get_untracked()?;
        let w = effective_window(
            &trace,
            window.get_untracked(),
            state.aligned.get_untracked(),
        );
        let hit = hit_test(&trace, &rows.0, w, &current_geometry(), x, y);
        Some((trace, hit))
    };
    let clamp_scroll = move |top: f64| {
        let n = rows.get_untracked().map_or(0, |r| r.0.len());
        top.clamp(0.0, current_geometry().max_scroll_px(n))
    };

    let drag: Rc<Cell<Option<Drag>>> = Rc::new(Cell::new(None));
    let on_down = {
        let drag = drag.clone();
        move |ev: web_sys::PointerEvent| {
            if ev.button() != 0 {
                return;
            }
            let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
            let Some((trace, _)) = hit_at(x, y) else {
                return;
            };
            if let Some(el) = overlay.get_untracked() {
                let _ = el.set_pointer_capture(ev.pointer_id());
            }
            if y < AXIS_HEIGHT_PX {
                drag.set(Some(Drag::Range { x }));
                range.set(Some((x, x)));
            } else {
                let w = effective_window(
                    &trace,
                    window.get_untracked(),
                    state.aligned.get_untracked(),
                );
                drag.set(Some(Drag::Pan {
                    x,
                    y,
                    window: w,
                    scroll: state.scroll_top_px.get_untracked(),
                    moved: false,
                }));
            }
        }
    };
    let on_move = {
        let drag = drag.clone();
        move |ev: web_sys::PointerEvent| {
            let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
            match drag.get() {
                Some(Drag::Pan {
                    x: x0,
                    y: y0,
                    window: w0,
                    scroll,
                    moved,
                }) => {
                    let moved = moved || (x - x0).abs() + (y - y0).abs() > 3.0;
                    drag.set(Some(Drag::Pan {
                        x: x0,
                        y: y0,
                        window: w0,
                        scroll,
                        moved,
                    }));
                    if moved {
                        if let Some((_, trace)) = state.trace.get_untracked() {
                            let g = current_geometry();
                            let px_per_ns = g.scale(&trace, w0).px_per_ns();
                            let delta = (-(x - x0) / px_per_ns).round() as i64;
                            let extent = extent_ns(&trace, state.aligned.get_untracked());
                            state
                                .view
                                .update(|v| v.window = Some(navigation::pan(w0, delta, extent)));
                            state.scroll_top_px.set(clamp_scroll(scroll - (y - y0)));
                        }
                    }
                }
                Some(Drag::Range { x: x0 }) => range.set(Some((x0, x))),
                None => hover.set(hit_at(x, y).map(|(_, h)| (h, x, y))),
            }
        }
    };
    let on_up = {
        let drag = drag.clone();
        move |ev: web_sys::PointerEvent| {
            let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
            match drag.take() {
                Some(Drag::Pan { moved: false, .. }) => match hit_at(x, y) {
                    Some((trace, Hit::Toggle(s))) => state
                        .view
                        .update(|v| v.expansion.toggle(trace.span(s).span_id)),
                    Some((trace, Hit::Span(s))) => state.view.update(|v| v.select(&trace, s)),
                    Some((_, Hit::Empty)) => state.view.update(|v| v.clear_selection()),
                    _ => {}
                },
                Some(Drag::Range { x: x0 }) => {
                    range.set(None);
                    if (x - x0).abs() > 4.0 {
                        if let Some((trace, _)) = hit_at(x, y) {
                            let scale = current_geometry().scale(
                                &trace,
                                effective_window(
                                    &trace,
                                    window.get_untracked(),
                                    state.aligned.get_untracked(),
                                ),
                            );
                            let (a, b) = (
                                scale.offset_from_px(x0.min(x)),
                                scale.offset_from_px(x0.max(x)),
                            );
                            state.view.update(|v| {
                                v.window = Some(TimeWindow {
                                    start_ns: a,
                                    end_ns: b.max(a + navigation::MIN_WINDOW_NS),
                                })
                            });
                        }
                    }
                }
                _ => {}
            }
        }
    };
    let on_dblclick = move |ev: web_sys::MouseEvent| {
        if let Some((trace, Hit::Span(s))) =
            hit_at(f64::from(ev.offset_x()), f64::from(ev.offset_y()))
        {
            let span = trace.span(s);
            let shift = shift_ns(&trace, s, state.aligned.get_untracked());
            let (a, b) = (
                span.start.since(trace.start_time()).0 - shift,
                span.end.since(trace.start_time()).0 - shift,
            );
            state
                .view
                .update(|v| v.window = Some(navigation::focus(a, b)));
        }
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let (dx, dy) = (ev.delta_x(), ev.delta_y());
        if ev.ctrl_key() || ev.meta_key() {
            zoom_view(state, (dy * 0.002).exp(), Some(f64::from(ev.offset_x())));
        } else if ev.shift_key() || dx.abs() > dy.abs() {
            let d = if dx.abs() > dy.abs() { dx } else { dy };
            pan_view(state, d / size.get_untracked().0.max(1.0));
        } else {
            state
                .scroll_top_px
                .set(clamp_scroll(state.scroll_top_px.get_untracked() + dy));
        }
    };
    let on_leave = move |_| hover.set(None);

    let tooltip = move || {
        let (hit, x, y) = hover.get()?;
        let (_, trace) = state.trace.get()?;
        let text = match hit {
            Hit::Span(s) | Hit::Toggle(s) => {
                let span = trace.span(s);
                let at = span.start.since(trace.start_time()).0
                    - shift_ns(&trace, s, state.aligned.get_untracked());
                format!(
                    "{}\n{} · starts at +{}",
                    trace.name(s),
                    span.duration(),
                    DurationNs(at)
                )
            }
            Hit::Axis { offset_ns } if state.aligned.get_untracked() => {
                format!("+{}\nfrom the start of each trace", DurationNs(offset_ns))
            }
            Hit::Axis { offset_ns } => format!(
                "+{}\n{}",
                DurationNs(offset_ns),
                format_iso8601(trace.start_time().plus(DurationNs(offset_ns)))
            ),
            _ => return None,
        };
        let left = (x + 14.0).min(size.get_untracked().0 - 260.0).max(0.0);
        Some(
            view! { <div class="tooltip" data-testid="tooltip" style=format!("left:{left}px;top:{}px", y + 16.0)>{text}</div> },
        )
    };

    view! {
        <div class="timeline" node_ref=wrap>
            <canvas class="layer" data-testid="timeline-canvas" node_ref=base></canvas>
            <canvas
                class="layer overlay"
                node_ref=overlay
                on:pointerdown=on_down
                on:pointermove=on_move
                on:pointerup=on_up
                on:dblclick=on_dblclick
                on:wheel=on_wheel
                on:pointerleave=on_leave
            ></canvas>
            {tooltip}
        </div>
    }
}
