//! "Copy link": a link that reopens the same view. Traces loaded from URLs are reopened from
//! those URLs; small local files travel inside the link's fragment (never sent to a server);
//! larger ones cannot, and the dialog says so plainly, with the link's size.

use super::browser::page_base;
use super::commands::run;
use super::state::AppState;
use crate::layout::commands::Command;
use crate::view_state::embed;
use leptos::prelude::*;

/// Builds the link for the current view and opens the popover (also copies it). The rules hold
/// for both sides of a comparison: URLs travel as URLs, small local files inside the fragment
/// (both sides' together, else one side's), larger ones as names and fingerprints.
pub fn open_share(state: AppState) {
    let view = state.view.get_untracked();
    let base = format!("{}{}", page_base(), view);
    let has_baseline = state.compare.baseline.with_untracked(Option::is_some);
    let local = |yes: bool, files: Option<std::sync::Arc<embed::NamedFiles>>| files.filter(|_| yes);
    let mine = local(
        view.sources.is_empty() && !view.mlflow.as_ref().is_some_and(|m| m.opens_traces()),
        state.local_files.get_value(),
    );
    let theirs = local(
        has_baseline && view.compare.baseline.is_empty(),
        state.compare.baseline_files.get_value(),
    );
    let (m, t) = (
        mine.as_deref().map(Vec::as_slice),
        theirs.as_deref().map(Vec::as_slice),
    );
    let embedded = [(m, t), (m, None), (None, t)]
        .into_iter()
        .find_map(|(x, y)| Some((embed::encode_sides(x, y)?, x.is_some(), y.is_some())));
    let (link, with_main, with_baseline) = match &embedded {
        Some((fragment, x, y)) => (format!("{base}#{fragment}"), *x, *y),
        None => (base, false, false),
    };
    let kb = link.len() as f64 / 1024.0;
    let from_mlflow = view.mlflow.as_ref().is_some_and(|m| m.opens_traces());
    let mut what = if from_mlflow {
        "The link reopens the traces from the MLflow server; whoever opens it needs access to it."
            .to_string()
    } else if !view.sources.is_empty() {
        "The link reopens the trace from its URL(s); whoever opens it needs access to them."
            .to_string()
    } else if with_main {
        format!("The link embeds the trace data itself ({kb:.1} KB); it opens with no server, and the data never reaches one.")
    } else {
        "The loaded files are too large to embed (links carry at most 64 KB of data): this link restores the view, and whoever opens it must drop the same files.".to_string()
    };
    if has_baseline {
        what.push_str(if !view.compare.baseline.is_empty() {
            " The baseline A reopens from its URL(s)."
        } else if with_baseline {
            " The baseline A's files are embedded too."
        } else {
            " The baseline A's files are too large to embed: whoever opens the link picks them with Compare with… (they are checked)."
        });
    }
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(&link);
    }
    state.transient.share.set(Some((link, what)));
}

/// The toolbar button and its popover.
#[component]
pub fn ShareButton() -> impl IntoView {
    let state = expect_context::<AppState>();
    let popover = move || {
        state.transient.share.get().map(|(link, what)| {
            let size = format!("{} characters", link.len());
            view! {
                <div class="share-popover" data-testid="share-popover">
                    <p>"Link copied. " {what}</p>
                    <input data-testid="share-link" readonly prop:value=link on:focus=move |ev| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        input.select();
                    } />
                    <p class="dim">{size}</p>
                    <button on:click=move |_| state.transient.share.set(None)>"Close"</button>
                </div>
            }
        })
    };
    view! {
        <span class="share">
            <button data-testid="copy-link" title=Command::CopyLink.tooltip() disabled=move || state.trace.with(|t| t.is_none()) on:click=move |_| run(state, Command::CopyLink)>
                "Copy link"
            </button>
            {popover}
        </span>
    }
}
