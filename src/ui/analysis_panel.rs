//! The analysis view: the critical path as active/wait bars, the per-data-id table (sortable),
//! compute and network breakdowns (end to end and on the critical path), and the exports:
//! analysis JSON (FlowMesh's ProfileSummary shape) and the DAG as Mermaid text.

use super::span_path_view::span_path_section;
use super::state::AppState;
use crate::analysis::flowmesh::{Breakdown, FlowMeshAnalysis};
use crate::analysis::{mermaid::mermaid, profile_json::profile_json};
use crate::model::{DagNodeIdx, DurationNs, Trace};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// Offers `text` as a file download named `name`.
fn download(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Ok(a) = doc.create_element("a") {
            if let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() {
                a.set_href(&url);
                a.set_download(name);
                a.click();
            }
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

fn breakdown_table(title: &'static str, b: &Breakdown) -> impl IntoView {
    let rows = [("compute", &b.compute), ("network", &b.network)]
        .into_iter()
        .flat_map(|(kind, list)| list.iter().map(move |n| (kind, n.clone())))
        .map(|(kind, n)| {
            let avg = DurationNs((n.avg_seconds() * 1e9).round() as i64);
            view! {
                <tr>
                    <td>{kind}</td>
                    <td>{n.name.clone()}</td>
                    <td class="num">{n.count}</td>
                    <td class="num">{n.total.to_string()}</td>
                    <td class="num">{avg.to_string()}</td>
                    <td class="num">{n.min.to_string()}</td>
                    <td class="num">{n.max.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>{title}</h3>
        <table class="grid">
            <thead><tr><th>"kind"</th><th>"span name"</th><th>"count"</th><th>"total"</th><th>"avg"</th><th>"min"</th><th>"max"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <p class="dim">{format!("network time (union of intervals): {}", b.total_network)}</p>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum SortBy {
    DataId,
    Start,
    Duration,
    Queuing,
}

fn critical_bars(a: &FlowMeshAnalysis) -> impl IntoView {
    let total = a.critical_path_duration().0.max(1) as f64;
    a.critical_path
        .iter()
        .map(|&i| {
            let n = &a.nodes[i];
            let (active, wait) = (n.duration().0 as f64 / total * 100.0, n.queuing_delay.0 as f64 / total * 100.0);
            view! {
                <div class="cp-row" data-testid="cp-bar">
                    <span class="cp-label">{n.data_id.clone()}</span>
                    <span class="cp-bar">
                        <span class="wait" style=format!("width:{wait:.2}%") title="waiting for inputs"></span>
                        <span class="active" style=format!("width:{active:.2}%") title="running"></span>
                    </span>
                    <span class="cp-num">{format!("{} + wait {}", n.duration(), n.queuing_delay)}</span>
                </div>
            }
        })
        .collect_view()
}

/// The data ids in the table's order: by `key`, ascending or not.
fn sorted(a: &FlowMeshAnalysis, (key, asc): (SortBy, bool)) -> Vec<DagNodeIdx> {
    let mut order: Vec<DagNodeIdx> = a.node_indices().collect();
    order.sort_by(|&x, &y| {
        let (nx, ny) = (&a.nodes[x], &a.nodes[y]);
        let o = match key {
            SortBy::DataId => nx.data_id.cmp(&ny.data_id),
            SortBy::Start => nx.start.cmp(&ny.start),
            SortBy::Duration => nx.duration().cmp(&ny.duration()),
            SortBy::Queuing => nx.queuing_delay.cmp(&ny.queuing_delay),
        };
        if asc {
            o
        } else {
            o.reverse()
        }
    });
    order
}

fn header(sort: RwSignal<(SortBy, bool)>, label: &'static str, key: SortBy) -> impl IntoView {
    let flip = move |_| {
        sort.update(|(k, asc)| {
            if *k == key {
                *asc = !*asc
            } else {
                (*k, *asc) = (key, true)
            }
        })
    };
    let arrow = move || {
        let (k, asc) = sort.get();
        (k == key).then_some(if asc { " ▲" } else { " ▼" })
    };
    view! { <th class="sortable" on:click=flip>{label}{arrow}</th> }
}

/// The per-data-id table, sorted as asked.
fn data_id_table(
    sort: RwSignal<(SortBy, bool)>,
    a: &FlowMeshAnalysis,
    trace: &Trace,
) -> impl IntoView {
    let rows = sorted(a, sort.get())
        .into_iter()
        .map(|i| {
            let n = &a.nodes[i];
            let blocking = n.blocking_parent.map(|p| a.nodes[p].data_id.clone());
            view! {
                <tr class:critical=a.is_critical(i) class:failed=n.is_error data-testid="data-id-row">
                    <td>{n.data_id.clone()}</td>
                    <td class="num">{format!("+{}", n.start.since(trace.start_time()))}</td>
                    <td class="num">{n.duration().to_string()}</td>
                    <td class="num">{n.queuing_delay.to_string()}</td>
                    <td>{blocking.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>{format!("Data ids ({})", a.nodes.len())}</h3>
        <table class="grid">
            <thead><tr>{header(sort, "data id", SortBy::DataId)}{header(sort, "start", SortBy::Start)}{header(sort, "duration", SortBy::Duration)}{header(sort, "queuing delay", SortBy::Queuing)}<th>"blocking parent"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn analysis_body(state: AppState, sort: RwSignal<(SortBy, bool)>) -> Option<AnyView> {
    let a = state.derived.analysis.get()?.0;
    if a.nodes.is_empty() {
        let path = span_path_section(state)?;
        let has_breakdown = !(a.e2e.compute.is_empty() && a.e2e.network.is_empty());
        let breakdown = has_breakdown.then(|| breakdown_table("End-to-end breakdown", &a.e2e));
        return Some(view! { {path} {breakdown} }.into_any());
    }
    let (_, trace) = state.trace.get()?;
    let problems = a
        .diagnostics
        .iter()
        .map(|d| view! { <p class="diag error">{d.to_string()}</p> })
        .collect_view();
    Some(view! {
        <h3>{format!("Critical path: {} (workflow {})", a.critical_path_duration(), a.workflow_duration)}</h3>
        {problems}
        <div class="cp-bars">{critical_bars(&a)}</div>
        <p class="dim legend-inline"><span class="swatch active"></span>"running "<span class="swatch wait"></span>"waiting for inputs"</p>
        {data_id_table(sort, &a, &trace)}
        {breakdown_table("End-to-end breakdown", &a.e2e)}
        {breakdown_table("On the critical path", &a.critical_breakdown)}
    }.into_any())
}

/// The analysis view.
#[component]
pub fn AnalysisPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let sort = RwSignal::new((SortBy::DataId, true));
    let copied = RwSignal::new(String::new());
    let on_download = move |_| {
        let analysis = state.derived.analysis.get_untracked();
        if let (Some((_, t)), Some(a)) = (state.trace.get_untracked(), analysis) {
            download("skein-analysis.json", &profile_json(&t, &a.0));
        }
    };
    let on_mermaid = move |_| {
        let Some(a) = state.derived.analysis.get_untracked() else {
            return;
        };
        let text = mermaid(&a.0);
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&text);
        }
        copied.set(text);
    };
    view! {
        <div class="analysis" data-testid="analysis-panel">
            <div class="analysis-actions">
                <button data-testid="analysis-json" on:click=on_download>"Download analysis JSON"</button>
                <button data-testid="copy-mermaid" on:click=on_mermaid>"Copy DAG as Mermaid"</button>
            </div>
            {move || (!copied.get().is_empty()).then(|| view! { <textarea class="mermaid-text" data-testid="mermaid-text" readonly prop:value=copied.get()></textarea> })}
            {move || analysis_body(state, sort)}
        </div>
    }
}
