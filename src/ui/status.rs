//! The right end of the toolbar: the window length, where loading stands (with progress and
//! Cancel for big sources), the format of each source, and the counts that open panels (logs,
//! failed spans, problems).

use super::commands::run;
use super::loader::PROGRESS_THRESHOLD_BYTES;
use super::state::{AppState, LoadPhase};
use crate::layout::commands::Command;
use crate::model::DurationNs;
use crate::view_state::{ActiveView, Panel};
use leptos::prelude::*;

/// `load-status`'s `data-state`: `ready` once the first frame of the loaded trace is painted
/// (the timeline) or at once (the other views).
fn data_state(state: AppState) -> &'static str {
    match state.load.with(|l| l.phase) {
        LoadPhase::Idle => "idle",
        LoadPhase::Loading => "loading",
        LoadPhase::Error => "error",
        LoadPhase::Done => {
            let generation = state.trace.with(|t| t.as_ref().map_or(0, |(g, _)| *g));
            let painted = state.transient.painted_generation.get() == generation;
            if state.fields.active.get() != ActiveView::Timeline || painted {
                "ready"
            } else {
                "loading"
            }
        }
    }
}

/// The progress bar and Cancel, while a big source loads.
fn progress(state: AppState) -> Option<impl IntoView> {
    let l = state.load.get();
    let big = l.bytes_total.is_none_or(|t| t > PROGRESS_THRESHOLD_BYTES);
    (l.phase == LoadPhase::Loading && big).then(|| {
        let max = l.bytes_total.unwrap_or(0).max(1) as f64;
        let label = match l.bytes_total {
            Some(t) => format!("{:.1} / {:.1} MB", l.bytes_read as f64 / 1e6, t as f64 / 1e6),
            None => format!("{:.1} MB", l.bytes_read as f64 / 1e6),
        };
        // the bar once there is something to show (a total, or bytes); Cancel at once, also
        // while a server has not answered yet
        let bar = (l.bytes_total.is_some() || l.bytes_read > 0).then(|| {
            view! {
                <progress data-testid="load-progress" max=max value=l.bytes_read as f64></progress>
                <span class="progress-label">{label}</span>
            }
        });
        view! {
            {bar}
            <button data-testid="cancel-load" on:click=move |_| super::loader::cancel_load(state)>"Cancel"</button>
        }
    })
}

/// The window length, the load status and the sources' formats.
#[component]
pub fn Status() -> impl IntoView {
    let state = expect_context::<AppState>();
    let window = move || {
        let w = state.derived.window.get()?;
        Some(format!("window {}", DurationNs(w.len_ns())))
    };
    let badges = move || {
        state.trace.with(|t| {
            t.as_ref().map(|(_, t)| {
                t.sources()
                    .iter()
                    .map(|src| {
                        let label = if src.format.is_empty() { "unreadable".to_string() } else { src.format.clone() };
                        let title = format!("{} ({} records, {} bytes)", src.name, src.records, src.bytes);
                        view! { <span class="badge" data-testid="format-badge" title=title>{label}</span> }
                    })
                    .collect_view()
            })
        })
    };
    view! {
        <span class="window-label">{window}</span>
        <span class="status" data-testid="load-status" data-state=move || data_state(state) data-timings=move || state.load.with(|l| l.timings.clone())>{move || state.load.with(|l| l.message.clone())}</span>
        {move || progress(state)}
        <span class="badges">{badges}</span>
    }
}

/// A count that opens (or closes) a panel, shown when there is something to count.
fn panel_count(
    state: AppState,
    panel: Panel,
    count: Signal<u64>,
    what: &'static str,
    class: &'static str,
) -> impl IntoView {
    let testid = match panel {
        Panel::Logs => "logs-count",
        Panel::Failures => "failures-count",
        Panel::Diagnostics => "diagnostics-count",
        Panel::Llm => "llm-count",
    };
    move || {
        let n = count.get();
        (n > 0).then(|| {
            view! { <button class=class data-testid=testid on:click=move |_| run(state, Command::TogglePanel(panel))>{format!("{n} {what}")}</button> }
        })
    }
}

/// Spans, logs, failed spans and problems.
#[component]
pub fn Counts() -> impl IntoView {
    let state = expect_context::<AppState>();
    let spans = move || {
        state
            .trace
            .with(|t| t.as_ref().map_or(0, |(_, t)| t.span_count()))
    };
    let logs = Signal::derive(move || {
        state
            .trace
            .with(|t| t.as_ref().map_or(0, |(_, t)| t.logs().len() as u64))
    });
    let failed = Signal::derive(move || {
        state
            .derived
            .failures
            .with(|f| f.as_ref().map_or(0, |f| f.0.len() as u64))
    });
    let problems = move || {
        state
            .trace
            .with(|t| t.as_ref().map_or(0, |(_, t)| t.problem_count()))
    };
    let problems_class = move || {
        if problems() > 0 {
            "count diag-button has-problems"
        } else {
            "count diag-button"
        }
    };
    view! {
        <span class="count"><span data-testid="span-count">{spans}</span>" spans"</span>
        {panel_count(state, Panel::Logs, logs, "logs", "count")}
        {panel_count(state, Panel::Failures, failed, "failed", "count failed-button")}
        <button class=problems_class data-testid="diagnostics-count" on:click=move |_| run(state, Command::TogglePanel(Panel::Diagnostics))>
            {problems}
            " problems"
        </button>
    }
}
