//! The diagnostics panel: every problem found while loading, with source and line, as text.

use super::commands::{run, select_span};
use super::state::AppState;
use crate::layout::commands::Command;
use crate::model::Severity;
use crate::view_state::Panel;
use leptos::prelude::*;

/// Most diagnostics rendered at once (the rest are counted).
const MAX_SHOWN: usize = 500;

/// The frame every list panel shares: a title, a close button, the body.
pub(super) fn panel_frame(
    state: AppState,
    panel: Panel,
    title: String,
    body: impl IntoView + 'static,
) -> impl IntoView {
    let testid = match panel {
        Panel::Diagnostics => "diagnostics-panel",
        Panel::Logs => "logs-panel",
        Panel::Llm => "llm-panel",
        Panel::Failures => "failures-panel",
    };
    let close = Command::TogglePanel(panel);
    view! {
        <section class="diagnostics" data-testid=testid>
            <div class="diagnostics-head">
                <h3>{title}</h3>
                <button class="close" on:click=move |_| run(state, close)>"×"</button>
            </div>
            {body}
        </section>
    }
}

/// True while `panel` is the open one (reads the panel field only).
pub(super) fn is_open(state: AppState, panel: Panel) -> bool {
    state.fields.panel.get() == Some(panel)
}

/// The list of diagnostics, shown when opened from the count in the toolbar.
#[component]
pub fn DiagnosticsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        if !is_open(state, Panel::Diagnostics) {
            return None;
        }
        let (_, trace) = state.trace.get()?;
        let total = trace.problem_count();
        let listed = trace.diagnostics().len();
        let rows = trace
            .diagnostics()
            .iter()
            .take(MAX_SHOWN)
            .map(|d| {
                let where_ = match d.line {
                    Some(l) => format!("{}:{l}", d.source),
                    None => d.source.clone(),
                };
                let class = if d.severity == Severity::Error {
                    "diag error"
                } else {
                    "diag repaired"
                };
                view! {
                    <li class=class data-testid="diagnostic">
                        <span class="where">{where_}</span>
                        " "
                        <span class="what">{d.message.clone()}</span>
                    </li>
                }
            })
            .collect_view();
        let more = (listed > MAX_SHOWN)
            .then(|| view! { <li>{format!("… and {} more", listed - MAX_SHOWN)}</li> });
        Some(panel_frame(
            state,
            Panel::Diagnostics,
            format!("{total} problem(s) while loading"),
            view! { <ul>{rows}{more}</ul> },
        ))
    }
}

/// Every JSON log line, by time; a line joined to a span selects it on click, the others stay
/// listed as they are.
#[component]
pub fn LogsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        if !is_open(state, Panel::Logs) {
            return None;
        }
        let (_, trace) = state.trace.get()?;
        let total = trace.logs().len();
        let unmatched = trace.logs().iter().filter(|l| l.span.is_none()).count();
        let rows = trace
            .logs()
            .iter()
            .take(MAX_SHOWN)
            .map(|l| {
                let text = format!("+{} {} {}", l.time.since(trace.start_time()), trace.text(l.level), trace.text(l.message));
                match l.span {
                    Some(s) => view! {
                        <li class="diag" data-testid="log-line">
                            <button class="link" on:click=move |_| select_span(state, s)>{text}</button>
                        </li>
                    }
                    .into_any(),
                    None => view! { <li class="diag" data-testid="log-line">{text}" (no loaded span)"</li> }.into_any(),
                }
            })
            .collect_view();
        Some(panel_frame(
            state,
            Panel::Logs,
            format!("{total} log line(s), {unmatched} without a loaded span"),
            view! { <ul>{rows}</ul> },
        ))
    }
}
