//! B's lineage DAG coloured by Δ duration (`layout::compare::dag`), as SVG with one `<g>` per
//! node: removed nodes are dashed ghosts, new ones carry a `+`, B's critical path is drawn
//! solid and A's dashed; the legend is always shown. Drag pans, wheel zooms (the DAG view's
//! own pan/zoom machine); a click selects the node's task span on its side.

use super::select_in_lane;
use crate::layout::compare::colors::legend;
use crate::layout::compare::dag::{
    node_delta_text, node_path_text, node_tooltip, DeltaDag, Presence,
};
use crate::layout::compare::waterfall::Lane;
use crate::layout::dag::{node_label, path_data, View, NODE_H, NODE_W};
use crate::ui::state::{AppState, Shared};
use leptos::prelude::*;

fn edges(d: &DeltaDag) -> impl IntoView {
    d.edges
        .iter()
        .zip(&d.layout.edges)
        .map(|(e, route)| {
            let class = match (e.on_b_path, e.on_a_path, e.is_removed) {
                (true, true, _) => "edge on-b-path on-a-path",
                (true, false, _) => "edge on-b-path",
                (false, true, _) => "edge on-a-path",
                (false, false, true) => "edge removed",
                (false, false, false) => "edge",
            };
            view! { <path class=class d=path_data(&route.points) marker-end="url(#cmp-arrow)"></path> }
        })
        .collect_view()
}

fn nodes(state: AppState, d: &Shared<DeltaDag>) -> impl IntoView {
    d.0.nodes
        .iter()
        .zip(&d.0.layout.nodes)
        .enumerate()
        .map(|(i, (n, b))| {
            let mut class = String::from("node");
            for (on, c) in [(n.presence == Presence::Removed, " removed"), (n.presence == Presence::Added, " added"), (n.on_b_path, " on-b-path"), (n.on_a_path, " on-a-path"), (n.is_dark, " dark"), (n.is_error, " failed")] {
                if on {
                    class.push_str(c);
                }
            }
            let title = match n.presence {
                Presence::Added => format!("+ {}", node_label(&n.data_id)),
                Presence::Removed => format!("− {}", node_label(&n.data_id)),
                Presence::Both => node_label(&n.data_id),
            };
            let fill = if n.presence == Presence::Removed { "none".to_string() } else { n.fill.css() };
            let d = d.clone();
            let on_click = move |_| {
                let Some(Ok(c)) = state.compare.compared.get_untracked() else { return };
                let n = &d.0.nodes[i];
                if let Some(task) = n.task {
                    select_in_lane(state, &c.0, if n.is_in_a { Lane::A } else { Lane::B }, task);
                }
            };
            view! {
                <g class=class transform=format!("translate({:.1},{:.1})", b.x, b.y) data-testid="compare-dag-node" data-data-id=n.data_id.clone() data-status=n.status.label() on:click=on_click>
                    <title>{node_tooltip(n)}</title>
                    <rect width=NODE_W height=NODE_H rx="6" style=format!("fill:{fill}")></rect>
                    <text x="10" y="19" class="node-title">{title}</text>
                    <text x="10" y="35">{node_delta_text(n)}</text>
                    <text x="10" y="49" class="node-dim">{node_path_text(n)}</text>
                </g>
            }
        })
        .collect_view()
}

/// The legend: the Δ colours, the marks, the two critical paths.
fn legend_view() -> impl IntoView {
    let items = legend()
        .into_iter()
        .map(|i| view! { <span class="legend-item"><span class="swatch" style=format!("background:{}", i.fill.css())></span>{format!("{}{}", if i.glyph.is_empty() { String::new() } else { format!("{} ", i.glyph) }, i.label)}</span> })
        .collect_view();
    view! {
        <div class="legend compare-legend" data-testid="compare-legend">
            {items}
            <span class="legend-item"><svg width="28" height="8"><line x1="0" y1="4" x2="28" y2="4" class="key-b-path"></line></svg>"B's critical path"</span>
            <span class="legend-item"><svg width="28" height="8"><line x1="0" y1="4" x2="28" y2="4" class="key-a-path"></line></svg>"A's critical path"</span>
        </div>
    }
}

/// The Δ DAG view.
#[component]
pub fn DeltaDagView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let shown = RwSignal::new(View {
        offset_px: (24.0, 24.0),
        zoom: 1.0,
    });
    let wrap = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let (Some(d), Some(div)) = (state.compare.dag.get(), wrap.get()) else {
            return;
        };
        let r = div.get_bounding_client_rect();
        shown.set(View::fit(&d.0.layout, (r.width(), r.height())));
    });
    let drag = StoredValue::new(None::<((f64, f64), View)>);
    let at = |ev: &web_sys::MouseEvent| (f64::from(ev.client_x()), f64::from(ev.client_y()));
    let on_move = move |ev: web_sys::PointerEvent| {
        if let Some(((x0, y0), v)) = drag.get_value() {
            let (x, y) = at(&ev);
            shown.set(v.dragged((x - x0, y - y0)));
        }
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let (left, top) = wrap.get_untracked().map_or((0.0, 0.0), |d| {
            (
                d.get_bounding_client_rect().left(),
                d.get_bounding_client_rect().top(),
            )
        });
        let (x, y) = at(&ev);
        shown.update(|v| *v = v.wheel(ev.delta_y(), (x - left, y - top)));
    };
    let graph = move || {
        let d = state.compare.dag.get()?;
        if d.0.nodes.is_empty() {
            return Some(view! { <div class="dag-note">"Neither run has data ids, so there is no lineage DAG to compare."</div> }.into_any());
        }
        let (w, h) = (d.0.layout.width + 16.0, d.0.layout.height + 16.0);
        Some(view! {
            <div class="dag-canvas" style=move || shown.get().css()>
                <svg class="dag-svg" data-testid="compare-dag-svg" width=w height=h viewBox=format!("-8 -8 {w} {h}")>
                    <defs><marker id="cmp-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"></path></marker></defs>
                    {edges(&d.0)}
                    {nodes(state, &d)}
                </svg>
            </div>
        }.into_any())
    };
    view! {
        <div class="compare-dag-wrap">
            <div class="dag compare-dag" node_ref=wrap on:pointerdown=move |ev: web_sys::PointerEvent| drag.set_value(Some((at(&ev), shown.get_untracked()))) on:pointermove=on_move on:pointerup=move |_| drag.set_value(None) on:pointerleave=move |_| drag.set_value(None) on:wheel=on_wheel>
                {graph}
            </div>
            {legend_view()}
        </div>
    }
}
