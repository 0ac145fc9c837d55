//! Assessments (MLflow feedback and expectations) where the user meets them: a section of the
//! span details (on the span they name, else the trace's root: `analysis::assessments`), chips
//! in the server browser's trace list and in the LLM panel's trace and call rows. Every one
//! shown carries the `assessment` hook with its name and value. Text nodes only.

use super::state::AppState;
use crate::analysis::assessments::{assessments, span_assessments};
use crate::model::{Assessment, AssessmentKind, SpanIdx, Trace, TraceId};
use leptos::prelude::*;

/// How a value reads at a glance: a pass (`good`), a fail (`bad`), or neither ("").
fn verdict(value: &str) -> &'static str {
    match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "pass" | "passed" | "up" => "good",
        "false" | "no" | "fail" | "failed" | "down" => "bad",
        _ => "",
    }
}

/// One assessment as a chip: `name: value`.
pub fn chip(name: String, value: String, is_expectation: bool) -> impl IntoView {
    let class = if is_expectation {
        "assessment-chip expectation".to_string()
    } else {
        format!("assessment-chip {}", verdict(&value))
    };
    let text = format!("{name}: {value}");
    let title = if is_expectation {
        format!("expectation {text}")
    } else {
        format!("feedback {text}")
    };
    view! { <span class=class data-testid="assessment" data-name=name data-value=value title=title>{text}</span> }
}

/// Chips for a list of assessments.
pub fn chips(list: Vec<Assessment>) -> impl IntoView {
    let chips = list
        .into_iter()
        .map(|a| {
            let value = a.value_text();
            chip(a.name, value, a.kind == AssessmentKind::Expectation)
        })
        .collect_view();
    view! { <span class="chips">{chips}</span> }
}

/// The assessments of every span of trace `id` (of the whole trace and of its spans).
pub fn of_trace(trace: &Trace, id: TraceId) -> Vec<Assessment> {
    assessments(trace)
        .into_iter()
        .filter(|a| trace.trace_id(a.span) == id)
        .map(|a| a.assessment)
        .collect()
}

/// The assessments on span `s`.
pub fn of_span(trace: &Trace, s: SpanIdx) -> Vec<Assessment> {
    span_assessments(trace, s)
}

fn card(a: Assessment) -> impl IntoView {
    let kind = match a.kind {
        AssessmentKind::Feedback => "feedback",
        AssessmentKind::Expectation => "expectation",
    };
    let value = a.value_text();
    let value_class = match a.kind {
        AssessmentKind::Expectation => "verdict".to_string(),
        AssessmentKind::Feedback => format!("verdict {}", verdict(&value)),
    };
    let source = [a.source_type.as_str(), a.source_id.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let on_span = if a.span_id.is_some() {
        "on this span"
    } else {
        "on the trace"
    };
    let (hook_name, hook_value) = (a.name.clone(), value.clone());
    view! {
        <div class=format!("assessment {kind}") data-testid="assessment" data-name=hook_name data-value=hook_value>
            <div class="assessment-head">
                <span class="assessment-name">{a.name}</span>
                <span class=value_class>{value}</span>
                <span class="dim">{format!("{kind} {on_span}")}</span>
            </div>
            {(!source.is_empty()).then(|| view! { <div class="dim">{source}</div> })}
            {a.rationale.map(|r| view! { <p class="assessment-rationale">{r}</p> })}
            {a.error.map(|e| view! { <p class="assessment-error">{e}</p> })}
        </div>
    }
}

/// The details panel's "Assessments" section for the selected span.
#[component]
pub fn AssessmentSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let s = state.derived.selected.get()?;
        let list = state
            .trace
            .with(|t| t.as_ref().map(|(_, t)| of_span(t, s)))?;
        (!list.is_empty()).then(|| {
            view! {
                <h3>"Assessments"</h3>
                <div class="assessments">{list.into_iter().map(card).collect_view()}</div>
            }
        })
    }
}
