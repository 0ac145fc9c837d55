//! The LLM panel: token usage and cost per trace, per model and per call (`analysis::llm`), as
//! tables of text; a trace row selects that trace's root span, a call row its span. When the
//! load holds assessments (MLflow), the trace and call rows show theirs in a last column.

use super::assessments::{chips, of_span, of_trace};
use super::commands::select_span;
use super::diagnostics::{is_open, panel_frame};
use super::state::AppState;
use crate::analysis::llm::{format_cost, LlmSummary, Usage};
use crate::model::{Trace, TraceIdx};
use crate::view_state::Panel;
use leptos::prelude::*;

fn usage_cells(u: &Usage) -> impl IntoView {
    let cached = if u.cached > 0 {
        u.cached.to_string()
    } else {
        String::new()
    };
    let cost = if u.cost > 0.0 {
        format_cost(u.cost)
    } else {
        String::new()
    };
    view! {
        <td class="num">{u.spans}</td>
        <td class="num">{u.input}</td>
        <td class="num">{u.output}</td>
        <td class="num">{u.total}</td>
        <td class="num">{cached}</td>
        <td class="num">{cost}</td>
    }
}

fn head(first: &'static str, assessed: bool) -> impl IntoView {
    view! {
        <tr>
            <th>{first}</th>
            <th class="num">"calls"</th>
            <th class="num">"in"</th>
            <th class="num">"out"</th>
            <th class="num">"total"</th>
            <th class="num">"cached"</th>
            <th class="num">"cost"</th>
            {assessed.then(|| view! { <th>"assessments"</th> })}
        </tr>
    }
}

/// Calls listed at most (the rest are counted).
const MAX_CALLS: usize = 200;

fn trace_rows(
    state: AppState,
    trace: &Trace,
    summary: &LlmSummary,
    assessed: bool,
) -> impl IntoView {
    summary
        .per_trace
        .iter()
        .map(|(id, u)| {
            let idx = trace.trace_index(*id).unwrap_or(TraceIdx(0));
            let root = trace.first_root(idx);
            let name = root.map_or_else(String::new, |r| trace.name(r).to_string());
            let hex = id.to_string();
            let label = format!("{name} · {}", &hex[..hex.len().min(8)]);
            let select = move |_| {
                if let Some(r) = root {
                    select_span(state, r);
                }
            };
            view! {
                <tr data-testid="llm-trace-row">
                    <td><button class="link" title=hex.clone() on:click=select>{label}</button></td>
                    {usage_cells(u)}
                    {assessed.then(|| view! { <td>{chips(of_trace(trace, *id))}</td> })}
                </tr>
            }
        })
        .collect_view()
}

fn call_rows(
    state: AppState,
    trace: &Trace,
    summary: &LlmSummary,
    assessed: bool,
) -> impl IntoView {
    summary
        .calls
        .iter()
        .take(MAX_CALLS)
        .map(|c| {
            let (s, u) = (c.span, c.usage);
            let cost = if u.cost > 0.0 { format_cost(u.cost) } else { String::new() };
            view! {
                <tr data-testid="llm-call-row">
                    <td>
                        <button class="link" on:click=move |_| select_span(state, s)>{trace.name(s).to_string()}</button>
                    </td>
                    <td>{c.model.clone().unwrap_or_default()}</td>
                    <td class="num">{u.input}</td>
                    <td class="num">{u.output}</td>
                    <td class="num">{u.total}</td>
                    <td class="num">{cost}</td>
                    <td class="num">{trace.span(s).duration().to_string()}</td>
                    {assessed.then(|| view! { <td>{chips(of_span(trace, s))}</td> })}
                </tr>
            }
        })
        .collect_view()
}

fn calls_table(
    state: AppState,
    trace: &Trace,
    summary: &LlmSummary,
    assessed: bool,
) -> impl IntoView {
    let more = (summary.calls.len() > MAX_CALLS)
        .then(|| view! { <p class="dim">{format!("… and {} more calls", summary.calls.len() - MAX_CALLS)}</p> });
    view! {
        <div>
            <table class="grid">
                <thead>
                    <tr>
                        <th>"call (most tokens first)"</th>
                        <th>"model"</th>
                        <th class="num">"in"</th>
                        <th class="num">"out"</th>
                        <th class="num">"total"</th>
                        <th class="num">"cost"</th>
                        <th class="num">"duration"</th>
                        {assessed.then(|| view! { <th>"assessments"</th> })}
                    </tr>
                </thead>
                <tbody>{call_rows(state, trace, summary, assessed)}</tbody>
            </table>
            {more}
        </div>
    }
}

/// Usage per trace, per model and per call, opened from the LLM strip.
#[component]
pub fn LlmPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        if !is_open(state, Panel::Llm) {
            return None;
        }
        let summary = state.derived.llm.get()?.0;
        let (_, trace) = state.trace.get()?;
        let assessed = !crate::analysis::assessments::assessments(&trace).is_empty();
        let models = summary
            .per_model
            .iter()
            .map(|(m, u)| view! { <tr data-testid="llm-model-row"><td>{m.clone()}</td>{usage_cells(u)}</tr> })
            .collect_view();
        let t = summary.total;
        let title = format!("LLM usage: {} calls, {} tokens", t.spans, t.total);
        let body = view! {
            <div class="llm-tables">
                <table class="grid">
                    <thead>{head("trace", assessed)}</thead>
                    <tbody>{trace_rows(state, &trace, &summary, assessed)}</tbody>
                    <tfoot><tr><th>"all"</th>{usage_cells(&t)}{assessed.then(|| view! { <td></td> })}</tr></tfoot>
                </table>
                <table class="grid">
                    <thead>{head("model", false)}</thead>
                    <tbody>{models}</tbody>
                </table>
                {calls_table(state, &trace, &summary, assessed)}
            </div>
        };
        Some(panel_frame(state, Panel::Llm, title, body))
    }
}
