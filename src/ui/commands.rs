//! Runs commands (`layout::commands`): every key and button goes through `run`, which applies
//! the command to the view state and carries out what only the shell can do (focus the search
//! box, copy a link, open the help, scroll a row into view). Also the one keyboard listener and
//! the one way to select a span from a list, a link or a node.

use super::share::open_share;
use super::state::AppState;
use crate::layout::commands::{apply, command_for_key, Command, Context, Effect};
use crate::layout::rows::{ancestors, row_of_span};
use crate::model::{SpanIdx, Trace};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Runs one command.
pub fn run(state: AppState, cmd: Command) {
    let trace = state.trace.get_untracked().map(|(_, t)| t);
    let rows = state.derived.rows.get_untracked();
    // only stepping reads the matches: other commands never force a pending query to run
    let matches = matches!(cmd, Command::NextMatch | Command::PreviousMatch)
        .then(|| state.derived.matches.get_untracked());
    let cx = Context {
        trace: trace.as_deref(),
        rows: rows.as_ref().map_or(&[], |r| r.0.as_slice()),
        aligned: state.derived.aligned.get_untracked(),
        help_open: state.transient.help_open.get_untracked(),
        matches: matches.as_ref().and_then(|m| m.0.steppable()),
    };
    let mut view = state.view.get_untracked();
    let effect = apply(cmd, &mut view, &cx);
    if state.view.with_untracked(|v| *v != view) {
        state.view.set(view);
    }
    match effect {
        Effect::Nothing => {}
        Effect::Reveal(s) => {
            if let Some(t) = &trace {
                reveal(state, t, s);
            }
        }
        Effect::FocusSearch => focus_search(),
        Effect::CopyLink => open_share(state),
        Effect::OpenHelp => state.transient.help_open.set(true),
        Effect::CloseHelp => state.transient.help_open.set(false),
    }
}

fn focus_search() {
    let input = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector("[data-testid=search-input]")
                .ok()
                .flatten()
        })
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = input {
        let _ = el.focus();
    }
}

/// True when the key belongs to the focused element: any key in a text box, a select or an
/// editable element; Enter and Space on other controls (they press buttons and tick boxes).
fn is_typing(ev: &web_sys::KeyboardEvent) -> bool {
    let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    let is_text = match el.tag_name().as_str() {
        "TEXTAREA" | "SELECT" => true,
        "INPUT" => !matches!(
            el.get_attribute("type").unwrap_or_default().as_str(),
            "checkbox" | "radio" | "button" | "submit" | "file" | "range" | "color"
        ),
        _ => el.has_attribute("contenteditable"),
    };
    let activates = matches!(ev.key().as_str(), "Enter" | " ")
        && matches!(el.tag_name().as_str(), "INPUT" | "BUTTON" | "A");
    is_text || activates
}

/// Listens for keys on the window for as long as the calling component lives: Esc in a text box
/// leaves it; any other key in one is the box's.
pub fn install_keys(state: AppState) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
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
        if let Some(cmd) = command_for_key(&ev.key(), ev.ctrl_key(), ev.meta_key(), ev.alt_key()) {
            ev.prevent_default();
            run(state, cmd);
        }
    });
    on_cleanup(move || handle.remove());
}

/// Selects span `s` of the loaded trace and brings it into view (every list, link and node that
/// selects a span goes through here).
pub fn select_span(state: AppState, s: SpanIdx) {
    let Some((_, trace)) = state.trace.get_untracked() else {
        return;
    };
    state.view.update(|v| v.select(&trace, s));
    reveal(state, &trace, s);
}

/// Expands the ancestors of `s` and scrolls so that its row is in view.
pub fn reveal(state: AppState, trace: &Trace, s: SpanIdx) {
    let hidden: Vec<_> = state.view.with_untracked(|v| {
        ancestors(trace, s)
            .into_iter()
            .map(|a| trace.span(a).span_id)
            .filter(|id| !v.expansion.is_expanded(*id))
            .collect()
    });
    if !hidden.is_empty() {
        state.view.update(|v| {
            for id in hidden {
                v.expansion.set(id, true);
            }
        });
    }
    // the rows memo re-derives once from the new expansion; no second flattening here
    let Some(i) = state
        .derived
        .rows
        .with_untracked(|r| r.as_ref().and_then(|r| row_of_span(&r.0, s)))
    else {
        return;
    };
    let g = state.transient.geometry.get_untracked();
    if let Some(top) = g.scroll_to_reveal(i) {
        state.transient.geometry.update(|g| g.scroll_top_px = top);
    }
}
