//! The DAG's markup. Node and edge markup is static (no per-node reactivity, so thousands of
//! nodes render once); the critical-path toggle flips one class on the container, the
//! selection is one overlay rectangle, and pan/zoom is a compositor transform on the drawing.

use crate::analysis::flowmesh::FlowMeshAnalysis;
use crate::layout::dag::{node_label, path_data, DagLayout, View, NODE_H, NODE_W};
use crate::model::DagNodeIdx;
use crate::ui::commands::select_span;
use crate::ui::state::{AppState, Shared};
use leptos::prelude::*;

fn select_node(state: AppState, a: &FlowMeshAnalysis, i: DagNodeIdx) {
    let node = &a.nodes[i];
    if let Some(task) = node.task_span.or_else(|| node.spans.first().copied()) {
        select_span(state, task);
    }
}

fn edges(a: &FlowMeshAnalysis, dag: &DagLayout) -> impl IntoView {
    dag.edges
        .iter()
        .map(|e| {
            let critical = a.is_critical_edge(e.from, e.to);
            let class = if critical { "edge on-path" } else { "edge" };
            view! { <path class=class d=path_data(&e.points) marker-end="url(#arrow)" data-critical=critical.to_string()></path> }
        })
        .collect_view()
}

fn nodes(state: AppState, a: &Shared<FlowMeshAnalysis>, dag: &DagLayout) -> impl IntoView {
    dag.nodes
        .iter()
        .map(|b| {
            let (n, i) = (&a.0.nodes[b.node], b.node);
            let critical = a.0.is_critical(i);
            let class = match (critical, n.is_error) {
                (true, true) => "node on-path failed",
                (true, false) => "node on-path",
                (false, true) => "node failed",
                (false, false) => "node",
            };
            let line2 = format!("{}{}", n.duration(), if n.is_error { " · failed" } else { "" });
            let line3 = format!("wait {}", n.queuing_delay);
            let a = a.clone();
            view! {
                <g class=class transform=format!("translate({:.1},{:.1})", b.x, b.y) data-testid="dag-node" data-data-id=n.data_id.clone() data-critical=critical.to_string() on:click=move |_| select_node(state, &a.0, i)>
                    <title>{n.data_id.clone()}</title>
                    <rect width=NODE_W height=NODE_H rx="6"></rect>
                    <text x="10" y="19" class="node-title">{node_label(&n.data_id)}</text>
                    <text x="10" y="35">{line2}</text>
                    <text x="10" y="49" class="node-dim">{line3}</text>
                </g>
            }
        })
        .collect_view()
}

fn notes(a: &FlowMeshAnalysis) -> impl IntoView {
    let derived = (!a.edges_from_lineage && !a.edges.is_empty())
        .then(|| view! { <div class="dag-note">"No lineage rows: edges derived from span links between task spans."</div> });
    let empty = a.nodes.is_empty().then(|| view! { <div class="dag-note">"No spans carry a data_id attribute, so there is no lineage DAG to draw."</div> });
    (derived, empty)
}

/// The drawing: notes, then the SVG of edges and nodes with the selection outline.
pub fn graph(
    state: AppState,
    shown: RwSignal<View>,
    selected_data_id: Memo<Option<String>>,
) -> Option<impl IntoView> {
    let a = state.derived.analysis.get()?;
    let dag = state.derived.dag.get()?;
    let selection = {
        let (a, dag) = (a.clone(), dag.clone());
        move || {
            let id = selected_data_id.get()?;
            let b = dag.0.nodes[a.0.node(&id)?];
            Some(
                view! { <rect class="selection" data-testid="dag-selection" data-data-id=id x=b.x - 4.0 y=b.y - 4.0 width=NODE_W + 8.0 height=NODE_H + 8.0 rx="9"></rect> },
            )
        }
    };
    let (w, h) = (dag.0.width + 16.0, dag.0.height + 16.0);
    Some(view! {
        {notes(&a.0)}
        <div class="dag-canvas" style=move || shown.get().css()>
            <svg class="dag-svg" data-testid="dag-svg" data-edges=a.0.edges.len().to_string() width=w height=h viewBox=format!("-8 -8 {w} {h}")>
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z"></path>
                    </marker>
                </defs>
                {selection}
                {edges(&a.0, &dag.0)}
                {nodes(state, &a, &dag.0)}
            </svg>
        </div>
    })
}
