//! The query bar under the toolbar: the query box (the query language; on big loads the query
//! runs once typing pauses, so a keystroke never waits for it), the error with the part at
//! fault marked, "i / N" with previous / next, "show matches only", and the preset pills.
//! Every button runs a command; typing replaces the history entry (`url_sync`).

use super::commands::run;
use super::state::AppState;
use crate::layout::commands::Command;
use crate::layout::query_box::{count_text, error_view, typing_pause_ms};
use crate::query::PRESETS;
use leptos::prelude::*;
use std::time::Duration;

/// The query bar.
#[component]
pub fn QueryBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let step = |cmd: Command, text: &'static str, testid: &'static str| {
        view! { <button class="step" title=cmd.tooltip() data-testid=testid on:click=move |_| run(state, cmd)>{text}</button> }
    };
    let only = Command::ToggleMatchesOnly;
    view! {
        <div class="query-bar">
            <div class="query-line">
                <QueryInput />
                <MatchCount />
                {step(Command::PreviousMatch, "‹", "previous-match")}
                {step(Command::NextMatch, "›", "next-match")}
                <label class="toggle" title=only.tooltip()>
                    <input type="checkbox" data-testid="matches-only" prop:checked=move || state.fields.filter.get() on:change=move |_| run(state, only) />
                    " show matches only"
                </label>
                <Pills />
            </div>
            <QueryErrorLine />
        </div>
    }
}

/// Writes the typed text as the query (when it differs).
fn commit(state: AppState, text: String) {
    if state.view.with_untracked(|v| v.search != text) {
        state.view.update(|v| v.search = text);
    }
}

/// The query box: the text becomes the query at once on small loads, after a pause in typing
/// on big ones; Enter (Shift+Enter) runs it at once and steps to the next (previous) match.
#[component]
fn QueryInput() -> impl IntoView {
    let state = expect_context::<AppState>();
    let input = NodeRef::<leptos::html::Input>::new();
    let pending: StoredValue<Option<TimeoutHandle>> = StoredValue::new(None);
    let cancel = move || {
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        pending.set_value(None);
    };
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        let spans = state
            .trace
            .with_untracked(|t| t.as_ref().map_or(0, |(_, t)| t.span_count()));
        cancel();
        match typing_pause_ms(spans) {
            0 => commit(state, text),
            ms => {
                let later = move || {
                    pending.set_value(None);
                    // a pill or a link may have replaced the text meanwhile: it wins
                    if input.get_untracked().is_some_and(|i| i.value() == text) {
                        commit(state, text);
                    }
                };
                let handle = set_timeout_with_handle(later, Duration::from_millis(u64::from(ms)));
                pending.set_value(handle.ok());
            }
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Enter" {
            ev.prevent_default();
            cancel();
            commit(state, event_target_value(&ev));
            let cmd = if ev.shift_key() {
                Command::PreviousMatch
            } else {
                Command::NextMatch
            };
            run(state, cmd);
        }
    };
    let placeholder = format!(
        "Query: words, key=value, duration>100ms, status=error, type=llm, or, not … ({})",
        Command::FocusSearch.keys().unwrap_or("/")
    );
    view! {
        <input
            node_ref=input
            class="search"
            data-testid="search-input"
            spellcheck="false"
            placeholder=placeholder
            prop:value=move || state.fields.search.get()
            on:input=on_input
            on:keydown=on_key
        />
    }
}

/// "i / N" (or "N matches"): `data-count` is N, absent for the empty query.
#[component]
fn MatchCount() -> impl IntoView {
    let state = expect_context::<AppState>();
    let d = state.derived;
    let position = move || {
        let s = d.selected.get()?;
        let aligned = d.aligned.get();
        let t = state.trace.with(|t| t.as_ref().map(|(_, t)| t.clone()))?;
        d.matches
            .with(|m| m.0.steppable().and_then(|o| o.position(&t, s, aligned)))
    };
    let text = move || {
        let (n, empty) = d.matches.with(|m| (m.0.order.len(), m.0.is_empty_query()));
        count_text(position(), n, empty)
    };
    let count = move || {
        d.matches
            .with(|m| (!m.0.is_empty_query()).then(|| m.0.order.len().to_string()))
    };
    view! { <span class="matches" data-testid="search-count" data-count=count>{text}</span> }
}

/// The preset pills: each puts its query in the box.
#[component]
fn Pills() -> impl IntoView {
    let state = expect_context::<AppState>();
    PRESETS
        .iter()
        .map(|p| {
            let cmd = Command::SetQuery(p.query);
            let active = move || state.fields.search.with(|q| q == p.query);
            view! {
                <button class="pill" class:active=active title=format!("query: {}", p.query) data-testid="preset-pill" data-query=p.query on:click=move |_| run(state, cmd)>{p.label}</button>
            }
        })
        .collect_view()
}

/// Why the query does not parse, with the part at fault marked (only while it does not).
#[component]
fn QueryErrorLine() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let text = state.fields.search.get();
        let e = state
            .derived
            .matches
            .with(|m| m.0.error().map(|e| error_view(&text, e)))?;
        let fault = if e.fault.is_empty() {
            " ".to_string()
        } else {
            e.fault
        };
        Some(view! {
            <div class="query-error" data-testid="query-error" role="alert">
                <code>{e.before}<mark>{fault}</mark>{e.after}</code>
                <span class="reason">{e.message}</span>
            </div>
        })
    }
}
