//! Strips between the toolbar and the views: what a link could not apply, the local files a
//! link needs, and the LLM usage summary (which opens the LLM panel).

use super::commands::run;
use super::state::{AppState, LoadPhase};
use crate::analysis::llm::format_cost;
use crate::layout::commands::Command;
use crate::view_state::Panel;
use leptos::prelude::*;

/// What the address held that could not be applied.
#[component]
pub fn LinkNotes(notes: Vec<String>) -> impl IntoView {
    (!notes.is_empty()).then(
        || view! { <div class="link-notes" data-testid="link-notes">{notes.join("; ")}</div> },
    )
}

/// A link made with local files that were not embedded: ask for them.
#[component]
pub fn NeedsFiles() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let files = state.fields.files.get();
        let waiting =
            state.trace.with(|t| t.is_none()) && state.load.with(|l| l.phase != LoadPhase::Loading);
        (!files.is_empty() && waiting).then(|| {
            let list = files
                .iter()
                .map(|f| format!("{} ({:.1} MB)", f.name, f.bytes as f64 / 1e6))
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                <div class="link-notes" data-testid="needs-files">
                    {format!("This link was made with local files. Drop the same files here to open its view: {list}. They are checked before the view is applied; nothing is uploaded.")}
                </div>
            }
        })
    }
}

/// Calls, tokens and cost, when spans report usage.
#[component]
pub fn LlmStrip() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let s = state.derived.llm.get()?;
        let u = s.0.total;
        (u.spans > 0).then(|| {
            let cost = if u.cost > 0.0 { format!(" · cost {}", format_cost(u.cost)) } else { String::new() };
            let cached = if u.cached > 0 { format!(" (cached {})", u.cached) } else { String::new() };
            let models = s.0.per_model.iter().map(|(m, u)| format!("{m}: {} calls, {} tokens", u.spans, u.total)).collect::<Vec<_>>().join("; ");
            let text = format!("LLM: {} calls · tokens in {} / out {} / total {}{cached}{cost} · {models}", u.spans, u.input, u.output, u.total);
            view! {
                <button class="llm-summary" data-testid="llm-summary" title="Usage per trace and per model" on:click=move |_| run(state, Command::TogglePanel(Panel::Llm))>{text}</button>
            }
        })
    }
}
