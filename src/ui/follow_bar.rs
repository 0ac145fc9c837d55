//! Follow mode's controls in the toolbar, shown on loads that can be followed (URL sources,
//! MLflow traces): the Follow toggle, where polling stands (`follow-status`), Pause / Resume,
//! the explicit choice to keep the end of the trace in view, and the "N new spans" badge
//! (`new-spans`), which shows them all when clicked.

use super::commands::run;
use super::follow::{resume, turn_off, Follow, FollowPhase, POLL_MS};
use super::state::AppState;
use crate::layout::commands::Command;
use crate::layout::follow_view::kept_window;
use crate::model::DurationNs;
use leptos::prelude::*;

fn status_text(phase: &FollowPhase, problem: Option<String>, length: Option<DurationNs>) -> String {
    let length = length.map_or_else(String::new, |d| format!(" · trace {d} so far"));
    match phase {
        FollowPhase::Off => String::new(),
        FollowPhase::Following => {
            let base = format!("Following: asking every {} s{length}", POLL_MS / 1000);
            match problem {
                Some(p) => format!("{base} (last problem: {p})"),
                None => base,
            }
        }
        FollowPhase::Paused => format!("Paused: nothing is asked until Resume{length}"),
        FollowPhase::Done(why) => why.clone(),
    }
}

fn pause_button(follow: Follow) -> impl IntoView {
    let label = move || match follow.phase.get() {
        FollowPhase::Paused => Some("Resume"),
        FollowPhase::Following => Some("Pause"),
        _ => None,
    };
    let flip = move |_| {
        follow.phase.update(|p| {
            *p = match p {
                FollowPhase::Paused => FollowPhase::Following,
                _ => FollowPhase::Paused,
            }
        })
    };
    move || {
        label()
            .map(|text| view! { <button data-testid="follow-pause" on:click=flip>{text}</button> })
    }
}

/// Turns "keep the end in view" on or off; on slides the window to the end at once.
fn set_follow_end(state: AppState, follow: Follow, on: bool) {
    follow.follow_end.set(on);
    if !on {
        return;
    }
    if let Some((_, t)) = state.trace.get_untracked() {
        let (window, aligned) = (
            state.fields.window.get_untracked(),
            state.derived.aligned.get_untracked(),
        );
        let slid = kept_window(&t, &t, window, aligned, true);
        state.view.update(|v| v.window = slid);
    }
}

fn new_spans_badge(state: AppState, follow: Follow) -> impl IntoView {
    let show_all = move |_| {
        follow.new_spans.set(0);
        run(state, Command::Fit);
    };
    move || {
        let n = follow.new_spans.get();
        (n > 0).then(|| {
            let text = if n == 1 { "1 new span".to_string() } else { format!("{n} new spans") };
            view! { <button class="new-spans" data-testid="new-spans" title="Show the whole trace (fit)" on:click=show_all>{text}</button> }
        })
    }
}

/// The controls (in the toolbar).
#[component]
pub fn FollowControls() -> impl IntoView {
    let state = expect_context::<AppState>();
    let follow = expect_context::<Follow>();
    let followable = move || {
        state.trace.with(Option::is_some)
            && (!state.fields.sources.with(Vec::is_empty)
                || state
                    .fields
                    .mlflow
                    .with(|m| m.as_ref().is_some_and(|m| m.opens_traces())))
    };
    let toggle = move |ev: leptos::ev::Event| {
        if event_target_checked(&ev) {
            resume(state, follow);
        } else {
            turn_off(state, follow);
        }
    };
    let status = move || {
        let phase = follow.phase.get();
        phase.hook().map(|hook| {
            let length = state.trace.with(|t| {
                t.as_ref()
                    .map(|(_, t)| t.end_time().since(t.start_time()))
            });
            let text = status_text(&phase, follow.last_problem.get(), length);
            let title = text.clone();
            view! { <span class="follow-status" data-testid="follow-status" data-state=hook title=title>{text}</span> }
        })
    };
    view! {
        <Show when=followable>
            <span class="follow-controls">
                <label class="toggle" title="Keep reading the sources as they grow (follow=1 in links)">
                    <input type="checkbox" data-testid="follow-toggle" prop:checked=move || state.fields.follow.get() on:change=toggle />
                    " Follow"
                </label>
                {pause_button(follow)}
                <Show when=move || follow.phase.with(|p| *p != FollowPhase::Off)>
                    <label class="toggle" title="Slide the window to the end of the trace as it grows">
                        <input type="checkbox" data-testid="follow-end" prop:checked=move || follow.follow_end.get() on:change=move |ev| set_follow_end(state, follow, event_target_checked(&ev)) />
                        " keep the end in view"
                    </label>
                </Show>
                {status}
                {new_spans_badge(state, follow)}
            </span>
        </Show>
    }
}
