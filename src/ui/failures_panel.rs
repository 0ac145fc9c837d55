//! The failures panel: every failed span (`analysis::failures`) with its exception or status
//! message, as text; clicking one selects it and scrolls the timeline to it.

use super::commands::select_span;
use super::diagnostics::{is_open, panel_frame};
use super::state::AppState;
use crate::view_state::Panel;
use leptos::prelude::*;

/// Most failures rendered at once (the rest are counted).
const MAX_SHOWN: usize = 500;

/// The list of failed spans, opened from the "failed" count in the toolbar.
#[component]
pub fn FailuresPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        if !is_open(state, Panel::Failures) {
            return None;
        }
        let list = state.derived.failures.get()?.0;
        let (_, trace) = state.trace.get()?;
        let rows = list
            .iter()
            .take(MAX_SHOWN)
            .map(|f| {
                let s = f.span;
                let what = match (&f.error_type, f.message.is_empty()) {
                    (Some(t), false) => format!("{t}: {}", f.message),
                    (Some(t), true) => t.clone(),
                    (None, false) => f.message.clone(),
                    (None, true) => "status ERROR".to_string(),
                };
                let service = trace.service_name(s);
                let name = if service.is_empty() {
                    trace.name(s).to_string()
                } else {
                    format!("{} · {service}", trace.name(s))
                };
                let note = if f.has_failed_child {
                    " (a child failed too)"
                } else {
                    ""
                };
                let at = format!("+{}", trace.span(s).start.since(trace.start_time()));
                view! {
                    <li class="diag error row-pick" data-testid="failed-span" on:click=move |_| select_span(state, s)>
                        <button class="link">{name}</button>
                        " "
                        <span class="where">{at}</span>
                        " "
                        <span class="what">{what}{note}</span>
                    </li>
                }
            })
            .collect_view();
        let more = (list.len() > MAX_SHOWN)
            .then(|| view! { <li>{format!("… and {} more", list.len() - MAX_SHOWN)}</li> });
        Some(panel_frame(
            state,
            Panel::Failures,
            format!("{} failed span(s)", list.len()),
            view! { <ul>{rows}{more}</ul> },
        ))
    }
}
