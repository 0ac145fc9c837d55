//! The app shell: toolbar (open files, URL, example, search, fit, status), the drop zone
//! around the timeline, the details and diagnostics panels, and the keyboard shortcuts.

use super::analysis_panel::AnalysisPanel;
use super::dag_view::DagView;
use super::details::DetailsPanel;
use super::diagnostics::{DiagnosticsPanel, LogsPanel};
use super::failures_panel::FailuresPanel;
use super::file_origin_note::FileOriginNote;
use super::llm_panel::LlmPanel;
use super::loader::{select_span, start_load, Input, PROGRESS_THRESHOLD_BYTES};
use super::share::ShareButton;
use super::state::{AppState, LoadPhase};
use super::timeline_view::{effective_window, key_steps, pan_view, zoom_view, TimelineView};
use super::type_icon::TypeIcon;
use super::url_sync;
use crate::analysis::llm::format_cost;
use crate::layout::palette::ColorMode;
use crate::layout::rows::{row_of_span, RowItem};
use crate::layout::timeline::search_matches;
use crate::view_state::{ActiveView, Panel};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Files of the bundled example workflow, relative to the app.
const EXAMPLE: [&str; 3] = [
    "examples/flowmesh/spans.jsonl",
    "examples/flowmesh/lineage.jsonl",
    "examples/flowmesh/assets.jsonl",
];

fn absolute_url(relative: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    web_sys::Url::new_with_base(relative, &base)
        .map(|u| u.href())
        .unwrap_or_else(|_| relative.to_string())
}

fn files_of(list: Option<web_sys::FileList>) -> Vec<Input> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(Input::File)
        .collect()
}

fn is_typing(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.has_attribute("contenteditable")
        })
}

fn move_selection(state: AppState, step: i64) {
    let Some((_, trace)) = state.trace.get_untracked() else {
        return;
    };
    let Some(rows) = state.rows.get_untracked() else {
        return;
    };
    let span_at = |i: usize| {
        if let RowItem::Span(s) = rows.0[i].item {
            Some(s)
        } else {
            None
        }
    };
    let current = state
        .view
        .with_untracked(|v| v.selected_span(&trace))
        .and_then(|s| row_of_span(&rows.0, s));
    // the next span row in the step's direction (trace headers are skipped), else stay
    let next = match current {
        Some(i) if step > 0 => (i + 1..rows.0.len())
            .find_map(span_at)
            .or_else(|| span_at(i)),
        Some(i) => (0..i).rev().find_map(span_at).or_else(|| span_at(i)),
        None => (0..rows.0.len()).find_map(span_at),
    };
    let Some(s) = next else { return };
    select_span(state, s);
}

fn on_key(state: AppState, ev: web_sys::KeyboardEvent) {
    if is_typing(&ev) {
        if ev.key() == "Escape" {
            if let Some(el) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.blur();
            }
        }
        return;
    }
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return;
    }
    let (zoom, pan) = key_steps();
    let handled = match ev.key().as_str() {
        "w" | "W" => {
            zoom_view(state, zoom, None);
            true
        }
        "s" | "S" => {
            zoom_view(state, 1.0 / zoom, None);
            true
        }
        "a" | "A" => {
            pan_view(state, -pan);
            true
        }
        "d" | "D" => {
            pan_view(state, pan);
            true
        }
        "f" | "F" | "0" => {
            state.view.update(|v| v.window = None);
            true
        }
        "ArrowDown" | "j" => {
            move_selection(state, 1);
            true
        }
        "ArrowUp" | "k" => {
            move_selection(state, -1);
            true
        }
        "Enter" | " " => {
            if let Some(id) = state.view.with_untracked(|v| v.selected) {
                state.view.update(|v| v.expansion.toggle(id));
            }
            true
        }
        "l" | "L" => {
            super::share::open_share(state);
            true
        }
        "c" | "C" => {
            state.view.update(|v| v.critical_path = !v.critical_path);
            true
        }
        "Escape" => {
            state.view.update(|v| v.clear_selection());
            true
        }
        "/" => {
            if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| {
                d.query_selector("[data-testid=search-input]")
                    .ok()
                    .flatten()
            }) {
                if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
            true
        }
        _ => false,
    };
    if handled {
        ev.prevent_default();
    }
}

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    let initial = url_sync::read_initial();
    let link_notes = initial.notes.clone();
    let sources = initial.state.sources.clone();
    state.view.set(initial.state);
    url_sync::install(state);
    match crate::view_state::embed::decode(&super::browser::location_hash()) {
        Ok(Some(files)) => start_load(
            state,
            files.into_iter().map(|(n, b)| Input::Bytes(n, b)).collect(),
            Vec::new(),
        ),
        Err(e) => state.load.set(super::state::LoadStatus {
            phase: LoadPhase::Error,
            message: format!("Nothing loaded: {e}"),
            ..Default::default()
        }),
        Ok(None) if !sources.is_empty() => start_load(
            state,
            sources.iter().cloned().map(Input::Url).collect(),
            sources,
        ),
        Ok(None) => {}
    }
    let key_handle = window_event_listener(leptos::ev::keydown, move |ev| on_key(state, ev));
    on_cleanup(move || key_handle.remove());

    let dragging = RwSignal::new(false);
    let url_text = RwSignal::new(String::new());

    let on_files = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let inputs = files_of(input.files());
        input.set_value("");
        start_load(state, inputs, Vec::new());
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        start_load(
            state,
            files_of(ev.data_transfer().and_then(|d| d.files())),
            Vec::new(),
        );
    };
    let on_drag_over = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(true);
    };
    let on_url = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let urls: Vec<String> = url_text
            .get_untracked()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let (ok, bad): (Vec<String>, Vec<String>) = urls
            .into_iter()
            .partition(|u| crate::view_state::url::is_fetchable(u));
        if !bad.is_empty() {
            state.load.update(|l| {
                l.phase = LoadPhase::Error;
                l.message = format!(
                    "Only http:// and https:// URLs can be opened: {}",
                    bad.join(", ")
                );
            });
            return;
        }
        start_load(state, ok.iter().cloned().map(Input::Url).collect(), ok);
    };
    let on_example = move |_| {
        let urls: Vec<String> = EXAMPLE.iter().map(|u| absolute_url(u)).collect();
        start_load(state, urls.iter().cloned().map(Input::Url).collect(), urls);
    };

    let data_state = move || match state.load.with(|l| l.phase) {
        LoadPhase::Idle => "idle",
        LoadPhase::Loading => "loading",
        LoadPhase::Error => "error",
        LoadPhase::Done => {
            let generation = state.trace.with(|t| t.as_ref().map_or(0, |(g, _)| *g));
            // the timeline is ready once its first frame is painted; the other views render at once
            if state.view.with(|v| v.view) != ActiveView::Timeline
                || state.painted_generation.get() == generation
            {
                "ready"
            } else {
                "loading"
            }
        }
    };
    let span_count = move || {
        state
            .trace
            .with(|t| t.as_ref().map_or(0, |(_, t)| t.span_count()))
    };
    let diag_count = move || {
        state
            .trace
            .with(|t| t.as_ref().map_or(0, |(_, t)| t.problem_count()))
    };
    let has_trace = move || state.trace.with(|t| t.is_some());
    let matches = Memo::new(move |_| {
        let q = state.view.with(|v| v.search.clone());
        state
            .trace
            .with(|t| t.as_ref().map_or(0, |(_, t)| search_matches(t, &q).len()))
    });
    let progress = move || {
        let l = state.load.get();
        (l.phase == LoadPhase::Loading && l.bytes_total.is_none_or(|t| t > PROGRESS_THRESHOLD_BYTES)).then(|| {
            let max = l.bytes_total.unwrap_or(0).max(1) as f64;
            let label = match l.bytes_total {
                Some(t) => format!("{:.1} / {:.1} MB", l.bytes_read as f64 / 1e6, t as f64 / 1e6),
                None => format!("{:.1} MB", l.bytes_read as f64 / 1e6),
            };
            view! {
                <progress data-testid="load-progress" max=max value=l.bytes_read as f64></progress>
                <span class="progress-label">{label}</span>
                <button data-testid="cancel-load" on:click=move |_| state.cancel_requested.set(true)>"Cancel"</button>
            }
        })
    };
    let legend_items = Memo::new(move |_| {
        let mode = state.view.with(|v| v.color);
        let palette = state.palette.get();
        state.trace.with(|t| {
            t.as_ref()
                .zip(palette)
                .map(|((_, t), p)| p.0.legend(t, mode))
                .unwrap_or_default()
        })
    });
    let fit_label = move || {
        state.trace.with(|t| {
            t.as_ref().map(|(_, t)| {
                let w = effective_window(t, state.view.with(|v| v.window), state.aligned.get());
                format!("window {}", crate::model::DurationNs(w.len_ns()))
            })
        })
    };
    let notes = (!link_notes.is_empty()).then(
        || view! { <div class="link-notes" data-testid="link-notes">{link_notes.join("; ")}</div> },
    );
    let llm_strip = move || {
        let s = state.llm.get()?;
        let u = s.0.total;
        (u.spans > 0).then(|| {
            let cost = if u.cost > 0.0 { format!(" · cost {}", format_cost(u.cost)) } else { String::new() };
            let cached = if u.cached > 0 { format!(" (cached {})", u.cached) } else { String::new() };
            let models = s.0.per_model.iter().map(|(m, u)| format!("{m}: {} calls, {} tokens", u.spans, u.total)).collect::<Vec<_>>().join("; ");
            view! {
                <button class="llm-summary" data-testid="llm-summary" title="Usage per trace and per model" on:click=move |_| state.view.update(|v| v.toggle_panel(Panel::Llm))>
                    {format!("LLM: {} calls · tokens in {} / out {} / total {}{cached}{cost} · {models}", u.spans, u.input, u.output, u.total)}
                </button>
            }
        })
    };
    // a link made with local files that were not embedded: ask for them
    let needs_files = move || {
        let files = state.view.with(|v| v.files.clone());
        let waiting =
            state.trace.with(|t| t.is_none()) && state.load.with(|l| l.phase != LoadPhase::Loading);
        (!files.is_empty() && waiting).then(|| {
            let list = files.iter().map(|f| format!("{} ({:.1} MB)", f.name, f.bytes as f64 / 1e6)).collect::<Vec<_>>().join(", ");
            view! {
                <div class="link-notes" data-testid="needs-files">
                    {format!("This link was made with local files. Drop the same files here to open its view: {list}. They are checked before the view is applied; nothing is uploaded.")}
                </div>
            }
        })
    };

    view! {
        <div class="app">
            <header class="toolbar">
                <span class="brand">"Skein"</span>
                <label class="button">
                    "Open files"
                    <input type="file" multiple data-testid="file-input" on:change=on_files />
                </label>
                <form class="url-form" on:submit=on_url>
                    <input
                        type="url"
                        data-testid="url-input"
                        placeholder="https://host/spans.jsonl"
                        prop:value=move || url_text.get()
                        on:input=move |ev| url_text.set(event_target_value(&ev))
                    />
                    <button type="submit">"Open URL"</button>
                </form>
                <button data-testid="open-example" on:click=on_example>"Open example"</button>
                <FileOriginNote />
                <span class="sep"></span>
                <input
                    class="search"
                    data-testid="search-input"
                    placeholder="Search spans (/)"
                    prop:value=move || state.view.with(|v| v.search.clone())
                    on:input=move |ev| state.view.update(|v| v.search = event_target_value(&ev))
                />
                <span class="matches" data-testid="search-count">
                    {move || { let n = matches.get(); (n > 0).then(|| format!("{n} match(es)")) }}
                </span>
                <button title="Fit the whole trace (F)" data-testid="fit" on:click=move |_| state.view.update(|v| v.window = None)>"Fit"</button>
                <button title="Expand all" on:click=move |_| state.view.update(|v| v.expansion.set_all(true))>"Expand all"</button>
                <button title="Collapse all" on:click=move |_| state.view.update(|v| v.expansion.set_all(false))>"Collapse all"</button>
                <span class="sep"></span>
                <span class="views">
                    {[(ActiveView::Timeline, "Timeline", "view-timeline"), (ActiveView::Dag, "Lineage DAG", "view-dag"), (ActiveView::Analysis, "Analysis", "view-analysis")]
                        .into_iter()
                        .map(|(v, label, id)| view! {
                            <button data-testid=id class:active=move || state.view.with(|s| s.view == v) on:click=move |_| state.view.update(|s| s.view = v)>{label}</button>
                        })
                        .collect_view()}
                </span>
                <label class="toggle" title="Highlight the critical path (C)">
                    <input
                        type="checkbox"
                        data-testid="critical-path-toggle"
                        prop:checked=move || state.view.with(|v| v.critical_path)
                        on:change=move |ev| state.view.update(|v| v.critical_path = event_target_checked(&ev))
                    />
                    " critical path"
                </label>
                <select
                    data-testid="color-mode"
                    title="Colour spans by"
                    prop:value=move || if state.view.with(|v| v.color == ColorMode::Service) { "service" } else { "type" }
                    on:change=move |ev| {
                        let mode = if event_target_value(&ev) == "service" { ColorMode::Service } else { ColorMode::SpanType };
                        state.view.update(|v| v.color = mode);
                    }
                >
                    <option value="type">"colour: span type"</option>
                    <option value="service">"colour: service"</option>
                </select>
                <Show when=move || state.trace.with(|t| t.as_ref().is_some_and(|(_, t)| t.trace_count() > 1))>
                    <label class="toggle" title="Draw each trace from its own start (on by itself when traces lie far apart)">
                        <input
                            type="checkbox"
                            data-testid="align-traces"
                            prop:checked=move || state.aligned.get()
                            on:change=move |ev| state.view.update(|v| {
                                v.align = Some(event_target_checked(&ev));
                                v.window = None;
                            })
                        />
                        " align traces"
                    </label>
                </Show>
                <span class="grow"></span>
                <ShareButton />
                <span class="window-label">{fit_label}</span>
                <span class="status" data-testid="load-status" data-state=data_state>{move || state.load.with(|l| l.message.clone())}</span>
                {progress}
                <span class="badges">
                    {move || state.trace.with(|t| t.as_ref().map(|(_, t)| t.sources().iter().map(|src| {
                        let label = if src.format.is_empty() { "unreadable".to_string() } else { src.format.clone() };
                        let title = format!("{} ({} records, {} bytes)", src.name, src.records, src.bytes);
                        view! { <span class="badge" data-testid="format-badge" title=title>{label}</span> }
                    }).collect_view()))}
                </span>
                <span class="count"><span data-testid="span-count">{span_count}</span>" spans"</span>
                {move || {
                    let n = state.trace.with(|t| t.as_ref().map_or(0, |(_, t)| t.logs().len()));
                    (n > 0).then(|| view! {
                        <button class="count" data-testid="logs-count" on:click=move |_| state.view.update(|v| v.toggle_panel(Panel::Logs))>
                            {format!("{n} logs")}
                        </button>
                    })
                }}
                {move || {
                    let n = state.failures.with(|f| f.as_ref().map_or(0, |f| f.0.len()));
                    (n > 0).then(|| view! {
                        <button class="count failed-button" data-testid="failures-count" on:click=move |_| state.view.update(|v| v.toggle_panel(Panel::Failures))>
                            {format!("{n} failed")}
                        </button>
                    })
                }}
                <button
                    class=move || { if diag_count() > 0 { "count diag-button has-problems" } else { "count diag-button" } }
                    data-testid="diagnostics-count"
                    on:click=move |_| state.view.update(|v| v.toggle_panel(Panel::Diagnostics))
                >
                    {diag_count}
                    " problems"
                </button>
            </header>
            {notes}
            {needs_files}
            {llm_strip}
            <DiagnosticsPanel />
            <LogsPanel />
            <LlmPanel />
            <FailuresPanel />
            <main
                class="workspace"
                class:dragging=move || dragging.get()
                data-testid="drop-zone"
                on:dragenter=on_drag_over
                on:dragover=on_drag_over
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <div class="timeline-column" class:hidden=move || state.view.with(|v| v.view != ActiveView::Timeline)>
                    <TimelineView />
                    <Show when=move || !has_trace()>
                        <div class="welcome">
                            <h1>"Skein"</h1>
                            <p>"Drop trace files here (OpenTelemetry / FlowMesh JSONL, OTLP, Jaeger, Zipkin, Chrome, MLflow, Langfuse, JSON logs; .gz too), open files, or give a URL."</p>
                            <p>"Everything stays in this tab: nothing is uploaded."</p>
                            <button on:click=on_example>"Open the example workflow"</button>
                        </div>
                    </Show>
                    <div class="legend" data-testid="legend">
                        {move || legend_items.get().into_iter().map(|(name, color)| view! {
                            <span class="legend-item">
                                {match crate::model::SpanType::classify(&name) {
                                    Some(kind) => view! { <TypeIcon kind /> }.into_any(),
                                    None => view! { <span class="swatch" style=format!("background:{}", color.css())></span> }.into_any(),
                                }}
                                {name}
                            </span>
                        }).collect_view()}
                    </div>
                </div>
                <Show when=move || state.view.with(|v| v.view == ActiveView::Dag)>
                    <div class="dag-column"><DagView /></div>
                </Show>
                <Show when=move || state.view.with(|v| v.view == ActiveView::Analysis)>
                    <div class="analysis-column"><AnalysisPanel /></div>
                </Show>
                <DetailsPanel />
            </main>
        </div>
    }
}
