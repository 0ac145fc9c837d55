//! The diagnostics panel: every problem found while loading, with source and line, as text.

use super::state::AppState;
use crate::model::Severity;
use leptos::prelude::*;

/// Most diagnostics rendered at once (the rest are counted).
const MAX_SHOWN: usize = 500;

/// The list of diagnostics, shown when opened from the count in the toolbar.
#[component]
pub fn DiagnosticsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        if state.view.with(|v| v.panel != Some(crate::view_state::Panel::Diagnostics)) {
            return None;
        }
        let (_, trace) = state.trace.get()?;
        let total = trace.diagnostics.len();
        let rows = trace
            .diagnostics
            .iter()
            .take(MAX_SHOWN)
            .map(|d| {
                let where_ = match d.line {
                    Some(l) => format!("{}:{l}", d.source),
                    None => d.source.clone(),
                };
                let class = if d.severity == Severity::Error { "diag error" } else { "diag repaired" };
                view! {
                    <li class=class data-testid="diagnostic">
                        <span class="where">{where_}</span>
                        " "
                        <span class="what">{d.message.clone()}</span>
                    </li>
                }
            })
            .collect_view();
        let more = (total > MAX_SHOWN).then(|| view! { <li>{format!("… and {} more", total - MAX_SHOWN)}</li> });
        Some(view! {
            <section class="diagnostics" data-testid="diagnostics-panel">
                <div class="diagnostics-head">
                    <h3>{format!("{total} problem(s) while loading")}</h3>
                    <button class="close" on:click=move |_| state.view.update(|v| v.panel = None)>"×"</button>
                </div>
                <ul>{rows}{more}</ul>
            </section>
        })
    }
}
