//! The toolbar: opening files, URLs and the example, the view and display controls, and the
//! status on the right (`status`); the query box sits in the bar under it (`query_bar`). Every button runs a command
//! (`layout::commands`), the one its key runs, and says its key in its tooltip.

use super::app::files_of;
use super::commands::run;
use super::file_origin_note::FileOriginNote;
use super::follow_bar::FollowControls;
use super::loader::{start_load, Input};
use super::server_browser::OpenFromServer;
use super::share::ShareButton;
use super::state::{AppState, LoadPhase};
use super::status::{Counts, Status};
use crate::layout::commands::Command;
use crate::view_state::{ActiveView, ColorMode};
use leptos::prelude::*;

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

/// Loads the bundled example workflow.
pub fn open_example(state: AppState) {
    let urls: Vec<String> = EXAMPLE.iter().map(|u| absolute_url(u)).collect();
    start_load(state, urls.iter().cloned().map(Input::Url).collect(), urls);
}

/// A button that runs `cmd`, titled with what it does and its key.
fn command_button(
    state: AppState,
    cmd: Command,
    text: &'static str,
    testid: &'static str,
) -> impl IntoView {
    view! { <button title=cmd.tooltip() data-testid=testid on:click=move |_| run(state, cmd)>{text}</button> }
}

/// The toolbar.
#[component]
pub fn Toolbar() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <header class="toolbar">
            <span class="brand">"Skein"</span>
            <Open />
            <OpenFromServer />
            <span class="sep"></span>
            {command_button(state, Command::Fit, "Fit", "fit")}
            {command_button(state, Command::ExpandAll, "Expand all", "expand-all")}
            {command_button(state, Command::CollapseAll, "Collapse all", "collapse-all")}
            <span class="sep"></span>
            <Views />
            <Display />
            <FollowControls />
            <span class="grow"></span>
            <ShareButton />
            <Status />
            <Counts />
        </header>
    }
}

/// Open files, a URL, or the example.
#[component]
fn Open() -> impl IntoView {
    let state = expect_context::<AppState>();
    let url_text = RwSignal::new(String::new());
    let on_files = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let inputs = files_of(input.files());
        input.set_value("");
        start_load(state, inputs, Vec::new());
    };
    let on_url = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = url_text.get_untracked();
        let (ok, bad): (Vec<String>, Vec<String>) = text
            .split_whitespace()
            .map(str::to_string)
            .partition(|u| crate::view_state::url::is_fetchable(u));
        if !bad.is_empty() {
            let message = format!(
                "Only http:// and https:// URLs can be opened: {}",
                bad.join(", ")
            );
            state
                .load
                .update(|l| (l.phase, l.message) = (LoadPhase::Error, message));
            return;
        }
        start_load(state, ok.iter().cloned().map(Input::Url).collect(), ok);
    };
    view! {
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
            <UrlWait />
            <button type="submit">"Open URL"</button>
        </form>
        <button data-testid="open-example" on:click=move |_| open_example(state)>"Open example"</button>
        <FileOriginNote />
    }
}

/// How long a URL may send nothing before its read is given up, seconds (the link's
/// `timeout=`; empty = 30).
#[component]
fn UrlWait() -> impl IntoView {
    let state = expect_context::<AppState>();
    let set_wait = move |ev: leptos::ev::Event| {
        let seconds = event_target_value(&ev).trim().parse::<u32>().ok();
        let seconds = seconds.filter(|s| (1..=crate::view_state::url::MAX_TIMEOUT_S).contains(s));
        state.view.update(|v| v.timeout_s = seconds);
    };
    view! {
        <input
            class="url-wait"
            type="number"
            min="1"
            max="86400"
            placeholder="30"
            data-testid="url-timeout"
            title="Seconds a URL may send nothing before Skein gives up on it (timeout= in links)"
            prop:value=move || state.fields.timeout_s.get().map(|s| s.to_string()).unwrap_or_default()
            on:change=set_wait
        />
        <span class="url-wait-unit">"s wait"</span>
    }
}

/// Timeline, lineage DAG, analysis, statistics, flame graph.
#[component]
fn Views() -> impl IntoView {
    let state = expect_context::<AppState>();
    let views = [
        (ActiveView::Timeline, "Timeline", "view-timeline"),
        (ActiveView::Dag, "Lineage DAG", "view-dag"),
        (ActiveView::Analysis, "Analysis", "view-analysis"),
        (ActiveView::Stats, "Statistics", "view-stats"),
        (ActiveView::Flame, "Flame graph", "view-flame"),
        (ActiveView::Compare, "Compare", "view-compare"),
    ];
    let buttons = views
        .into_iter()
        .map(|(v, label, id)| {
            let cmd = Command::ShowView(v);
            view! {
                <button data-testid=id title=cmd.tooltip() class:active=move || state.fields.active.get() == v on:click=move |_| run(state, cmd)>{label}</button>
            }
        })
        .collect_view();
    view! { <span class="views">{buttons}</span> }
}

/// Critical path, colour mode, aligned traces.
#[component]
fn Display() -> impl IntoView {
    let state = expect_context::<AppState>();
    let critical = Command::ToggleCriticalPath;
    let set_color = move |ev: leptos::ev::Event| {
        let mode = if event_target_value(&ev) == "service" {
            ColorMode::Service
        } else {
            ColorMode::SpanType
        };
        run(state, Command::SetColor(mode));
    };
    let several = move || {
        state
            .trace
            .with(|t| t.as_ref().is_some_and(|(_, t)| t.trace_count() > 1))
    };
    view! {
        <label class="toggle" title=critical.tooltip()>
            <input type="checkbox" data-testid="critical-path-toggle" prop:checked=move || state.fields.critical_path.get() on:change=move |_| run(state, critical) />
            " critical path"
        </label>
        <select
            data-testid="color-mode"
            title="Colour spans by"
            prop:value=move || if state.fields.color.get() == ColorMode::Service { "service" } else { "type" }
            on:change=set_color
        >
            <option value="type">"colour: span type"</option>
            <option value="service">"colour: service"</option>
        </select>
        <super::theme::ThemeToggle />
        <Show when=several>
            <label class="toggle" title="Draw each trace from its own start (on by itself when traces lie far apart)">
                <input
                    type="checkbox"
                    data-testid="align-traces"
                    prop:checked=move || state.derived.aligned.get()
                    on:change=move |ev| run(state, Command::SetAlign(event_target_checked(&ev)))
                />
                " align traces"
            </label>
        </Show>
    }
}
