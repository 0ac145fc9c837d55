//! The comparison's summary, shown first: the figures A → B with their Δ, matching and trust,
//! the critical path, a baseline set's spread, warnings and the top movers (from
//! `layout::compare::summary`). The `compare-summary` hook carries the raw numbers.

use super::Compared;
use crate::layout::compare::summary::summary_view;
use crate::ui::state::Shared;
use leptos::prelude::*;

/// The summary of one comparison.
#[component]
pub fn Summary(c: Shared<Compared>) -> impl IntoView {
    let cmp = &c.0.comparison;
    let s = &cmp.summary;
    let v = summary_view(cmp);
    let figures = v
        .figures
        .into_iter()
        .map(|f| {
            view! {
                <div class=format!("figure {}", f.tone.class())>
                    <div class="figure-label">{f.label}</div>
                    <div class="figure-values">{f.a}" → "<b>{f.b}</b></div>
                    <div class="figure-delta">{f.delta}</div>
                </div>
            }
        })
        .collect_view();
    let movers = v
        .movers
        .into_iter()
        .map(|(kind, lines)| {
            view! {
                <div class="movers">
                    <div class="figure-label">{format!("moved most: {kind}")}</div>
                    <ul>{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                </div>
            }
        })
        .collect_view();
    let warnings = v
        .warnings
        .into_iter()
        .map(|w| view! { <div class="compare-warning" data-testid="compare-warning">{format!("⚠ {w}")}</div> })
        .collect_view();
    let baseline = v
        .baseline
        .map(|b| view! { <div class="baseline-set" data-testid="compare-baseline-set">{b}</div> });
    let critical = v.critical_path.join(" · ");
    let critical_title = critical.clone();
    view! {
        <section
            class="compare-summary"
            data-testid="compare-summary"
            data-matched=s.matched.to_string()
            data-added=s.added.to_string()
            data-removed=s.removed.to_string()
            data-a-duration-ns=s.a.wall_clock.0.to_string()
            data-b-duration-ns=s.b.wall_clock.0.to_string()
            data-compute-ms=format!("{:.1}", c.0.compute_ms)
        >
            <div class="figures">{figures}</div>
            <div class="summary-lines">
                <div><span class="figure-label">"matching "</span>{v.matching}<span class="dim">{format!(" ({})", v.method)}</span></div>
                <div title=critical_title><span class="figure-label">"critical path "</span>{critical}</div>
                {baseline}
                {warnings}
            </div>
            <div class="movers-row">{movers}</div>
        </section>
    }
}
