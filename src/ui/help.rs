//! The key help (`?`): the command table's bindings as rows, generated from
//! `layout::commands::help_rows`, so it lists exactly the keys that exist. Esc or the button
//! closes it.

use super::commands::run;
use super::state::AppState;
use crate::layout::commands::{help_rows, Command};
use leptos::prelude::*;

fn rows() -> impl IntoView {
    help_rows()
        .into_iter()
        .map(|(keys, action)| {
            view! {
                <tr data-testid="help-row">
                    <td class="keys"><kbd>{keys}</kbd></td>
                    <td>{action}</td>
                </tr>
            }
        })
        .collect_view()
}

/// The overlay, while open.
#[component]
pub fn HelpOverlay() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <Show when=move || state.transient.help_open.get()>
            <div class="help-overlay" data-testid="help-overlay">
                <div class="help-box" role="dialog" aria-label="Keys">
                    <div class="diagnostics-head">
                        <h3>"Keys"</h3>
                        <button class="close" title=Command::Dismiss.tooltip() on:click=move |_| run(state, Command::Dismiss)>"×"</button>
                    </div>
                    <table class="kv help-keys">{rows()}</table>
                </div>
            </div>
        </Show>
    }
}
