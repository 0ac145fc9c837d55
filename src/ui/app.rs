//! The root component: boots from the address (URL sources, embedded data, the view), installs
//! the keys and the URL sync, and lays out the toolbar, the strips, the panels and the views.

use super::analysis_panel::AnalysisPanel;
use super::compare::CompareView;
use super::dag::DagView;
use super::details::DetailsPanel;
use super::diagnostics::{DiagnosticsPanel, LogsPanel};
use super::failures_panel::FailuresPanel;
use super::flame::FlameView;
use super::follow::{open_urls, Follow};
use super::help::HelpOverlay;
use super::legend::Legend;
use super::llm_panel::LlmPanel;
use super::loader::{start_load, Input};
use super::query_bar::QueryBar;
use super::server_browser::{Browser, ServerBrowser};
use super::state::{AppState, LoadPhase, LoadStatus};
use super::stats::StatsView;
use super::strips::{LinkNotes, LlmStrip, NeedsFiles};
use super::timeline::TimelineView;
use super::toolbar::Toolbar;
use super::welcome::Welcome;
use super::{commands, url_sync};
use crate::view_state::ActiveView;
use leptos::prelude::*;

/// The files of a `FileList` (a picker or a drop) as inputs.
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<Input> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(Input::File)
        .collect()
}

/// Applies the address: its view, then its data (embedded in the fragment) or its URLs.
fn boot(state: AppState, follow: Follow) -> Vec<String> {
    let initial = url_sync::read_initial();
    let sources = initial.state.sources.clone();
    state.view.set(initial.state);
    url_sync::install(state);
    let embedded = crate::view_state::embed::decode_sides(&super::browser::location_hash());
    if let Ok(e) = &embedded {
        super::compare::stash_embedded(state, e.baseline.clone());
    }
    match embedded.map(|e| e.sources) {
        Ok(Some(files)) => start_load(
            state,
            files.into_iter().map(|(n, b)| Input::Bytes(n, b)).collect(),
            Vec::new(),
        ),
        Err(e) => state.load.set(LoadStatus {
            phase: LoadPhase::Error,
            message: format!("Nothing loaded: {e}"),
            ..Default::default()
        }),
        Ok(None) if !sources.is_empty() => open_urls(state, follow, sources),
        Ok(None) => super::mlflow_load::boot(state, follow),
    }
    initial.notes
}

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    let follow = Follow::provide();
    let link_notes = boot(state, follow);
    Browser::provide(state, follow);
    commands::install_keys(state);
    super::compare::install_loader(state);
    view! {
        <div class="app">
            <Toolbar />
            <QueryBar />
            <ServerBrowser />
            <LinkNotes notes=link_notes />
            <NeedsFiles />
            <LlmStrip />
            <DiagnosticsPanel />
            <LogsPanel />
            <LlmPanel />
            <FailuresPanel />
            <Workspace />
            <HelpOverlay />
        </div>
    }
}

/// The drop zone around the views: the timeline (always mounted: it keeps its canvases), the
/// DAG, the analysis, the statistics and the flame graph (mounted while shown), and the
/// details beside them.
#[component]
fn Workspace() -> impl IntoView {
    let state = expect_context::<AppState>();
    let dragging = RwSignal::new(false);
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let files = files_of(ev.data_transfer().and_then(|d| d.files()));
        start_load(state, files, Vec::new());
    };
    let on_drag_over = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(true);
    };
    let active = state.fields.active;
    view! {
        <main
            class="workspace"
            class:dragging=move || dragging.get()
            data-testid="drop-zone"
            on:dragenter=on_drag_over
            on:dragover=on_drag_over
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <div class="timeline-column" class:hidden=move || active.get() != ActiveView::Timeline>
                <TimelineView />
                <Welcome />
                <Legend />
            </div>
            <Show when=move || active.get() == ActiveView::Dag>
                <div class="dag-column"><DagView /></div>
            </Show>
            <Show when=move || active.get() == ActiveView::Analysis>
                <div class="analysis-column"><AnalysisPanel /></div>
            </Show>
            <Show when=move || active.get() == ActiveView::Stats>
                <div class="stats-column"><StatsView /></div>
            </Show>
            <Show when=move || active.get() == ActiveView::Flame>
                <div class="flame-column"><FlameView /></div>
            </Show>
            <Show when=move || active.get() == ActiveView::Compare>
                <div class="compare-column"><CompareView /></div>
            </Show>
            <DetailsPanel />
        </main>
    }
}
