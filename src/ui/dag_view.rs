//! The lineage DAG view: the core's layered layout drawn as SVG (one `<g>` per node, so each
//! node is a real, testable element), with pan (drag) and zoom (wheel). Clicking a node selects
//! its `task` span; the selected span's data id is highlighted. Labels are text nodes.

use super::loader::select_span;
use super::state::AppState;
use crate::layout::dag::{NODE_H, NODE_W};
use crate::model::AttrValue;
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;

fn path_d(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        d.push_str(&format!("{}{x:.1},{y:.1} ", if i == 0 { "M" } else { "L" }));
    }
    d
}

type DragStart = (f64, f64, f64, f64);

/// Characters of a data id that fit in a node box (12 px monospace); longer ids end in "…"
/// (the full id is in the node's tooltip).
const LABEL_CHARS: usize = 18;

fn label(id: &str) -> String {
    if id.chars().count() <= LABEL_CHARS {
        id.to_string()
    } else {
        id.chars()
            .take(LABEL_CHARS - 1)
            .chain(std::iter::once('…'))
            .collect()
    }
}

/// The DAG component.
#[component]
pub fn DagView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let zoom = RwSignal::new(1.0f64);
    let offset = RwSignal::new((24.0f64, 24.0f64));
    let wrap = NodeRef::<leptos::html::Div>::new();
    // fit once per layout: readable first, whole graph second
    Effect::new(move |_| {
        let Some(dag) = state.dag.get() else { return };
        let Some(div) = wrap.get() else { return };
        let r = div.get_bounding_client_rect();
        let fit = ((r.width() - 48.0) / dag.0.width).min((r.height() - 48.0) / dag.0.height);
        // readable first (labels stay >= ~10 px), whole graph second
        zoom.set(fit.clamp(0.8, 1.0));
        offset.set((24.0, 24.0));
    });
    let selected_data_id = Memo::new(move |_| {
        let (id, in_trace) = state.view.with(|v| (v.selected, v.selected_trace));
        state.trace.with(|t| {
            let (_, t) = t.as_ref()?;
            let s = crate::view_state::resolve_selection(t, id, in_trace)?;
            match t.attribute(s, "data_id")? {
                AttrValue::Str(d) => Some(t.text(d).to_string()),
                _ => None,
            }
        })
    });
    let cp_on = Memo::new(move |_| state.view.with(|v| v.critical_path));
    // pointer position and offset when the drag started
    let drag: Rc<Cell<Option<DragStart>>> = Rc::new(Cell::new(None));
    let on_down = {
        let drag = drag.clone();
        move |ev: web_sys::PointerEvent| {
            let (ox, oy) = offset.get_untracked();
            drag.set(Some((
                f64::from(ev.client_x()),
                f64::from(ev.client_y()),
                ox,
                oy,
            )));
        }
    };
    let on_move = {
        let drag = drag.clone();
        move |ev: web_sys::PointerEvent| {
            if let Some((x0, y0, ox, oy)) = drag.get() {
                offset.set((
                    ox + f64::from(ev.client_x()) - x0,
                    oy + f64::from(ev.client_y()) - y0,
                ));
            }
        }
    };
    let on_up = move |_| drag.set(None);
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let factor = (-ev.delta_y() * 0.0015).exp();
        let z0 = zoom.get_untracked();
        let z1 = (z0 * factor).clamp(0.05, 3.0);
        let (ox, oy) = offset.get_untracked();
        // pointer relative to the container (offsetX would be relative to the node under it)
        let (left, top) = wrap.get_untracked().map_or((0.0, 0.0), |d| {
            let r = d.get_bounding_client_rect();
            (r.left(), r.top())
        });
        let (mx, my) = (
            f64::from(ev.client_x()) - left,
            f64::from(ev.client_y()) - top,
        );
        // keep the point under the pointer in place
        offset.set((mx - (mx - ox) * z1 / z0, my - (my - oy) * z1 / z0));
        zoom.set(z1);
    };
    let select_node = move |i: crate::model::DagNodeIdx| {
        let Some(a) = state.analysis.get_untracked() else {
            return;
        };
        let Some(task) = a.0.nodes[i]
            .task_span
            .or_else(|| a.0.nodes[i].spans.first().copied())
        else {
            return;
        };
        select_span(state, task);
    };
    // Node and edge markup is static (no per-node reactivity, so thousands of nodes render
    // once); the critical-path toggle flips one class on the container, the selection is one
    // overlay rectangle, and pan/zoom is a compositor transform on the whole drawing.
    let graph = move || {
        let a = state.analysis.get()?;
        let dag = state.dag.get()?;
        let edges = dag
            .0
            .edges
            .iter()
            .map(|e| {
                let critical = a.0.is_critical_edge(e.from, e.to);
                let class = if critical { "edge on-path" } else { "edge" };
                view! { <path class=class d=path_d(&e.points) marker-end="url(#arrow)" data-critical=critical.to_string()></path> }
            })
            .collect_view();
        let nodes = dag
            .0
            .nodes
            .iter()
            .map(|b| {
                let n = &a.0.nodes[b.node];
                let i = b.node;
                let critical = a.0.is_critical(i);
                let class = match (critical, n.is_error) {
                    (true, true) => "node on-path failed",
                    (true, false) => "node on-path",
                    (false, true) => "node failed",
                    (false, false) => "node",
                };
                let line2 = format!("{}{}", n.duration(), if n.is_error { " · failed" } else { "" });
                let line3 = format!("wait {}", n.queuing_delay);
                view! {
                    <g class=class transform=format!("translate({:.1},{:.1})", b.x, b.y) data-testid="dag-node" data-data-id=n.data_id.clone() data-critical=critical.to_string() on:click=move |_| select_node(i)>
                        <title>{n.data_id.clone()}</title>
                        <rect width=NODE_W height=NODE_H rx="6"></rect>
                        <text x="10" y="19" class="node-title">{label(&n.data_id)}</text>
                        <text x="10" y="35">{line2}</text>
                        <text x="10" y="49" class="node-dim">{line3}</text>
                    </g>
                }
            })
            .collect_view();
        let selection = {
            let a = a.clone();
            let dag = dag.clone();
            move || {
                let id = selected_data_id.get()?;
                let i = a.0.node(&id)?;
                let b = dag.0.nodes[i];
                Some(
                    view! { <rect class="selection" data-testid="dag-selection" data-data-id=id x=b.x - 4.0 y=b.y - 4.0 width=NODE_W + 8.0 height=NODE_H + 8.0 rx="9"></rect> },
                )
            }
        };
        let note = (!a.0.edges_from_lineage && !a.0.edges.is_empty())
            .then(|| view! { <div class="dag-note">"No lineage rows: edges derived from span links between task spans."</div> });
        let empty =
            a.0.nodes
                .is_empty()
                .then(|| view! { <div class="dag-note">"No spans carry a data_id attribute, so there is no lineage DAG to draw."</div> });
        let (w, h) = (dag.0.width + 16.0, dag.0.height + 16.0);
        Some(view! {
            {note}
            {empty}
            <div class="dag-canvas" style=move || { let (x, y) = offset.get(); format!("transform: translate({x:.1}px,{y:.1}px) scale({:.4})", zoom.get()) }>
                <svg class="dag-svg" data-testid="dag-svg" data-edges=a.0.edges.len().to_string() width=w height=h viewBox=format!("-8 -8 {w} {h}")>
                    <defs>
                        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z"></path>
                        </marker>
                    </defs>
                    {selection}
                    {edges}
                    {nodes}
                </svg>
            </div>
        })
    };
    view! {
        <div class="dag" class:cp-on=move || cp_on.get() node_ref=wrap on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:wheel=on_wheel>
            {graph}
        </div>
    }
}
