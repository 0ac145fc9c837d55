//! The analysis view of a load without data ids, where the lineage analysis has nothing to
//! say: the span-tree critical path in figures (length, share of the traces' time, sections)
//! and the spans on it, most time on the path first; a row click selects its span.

use super::commands::select_span;
use super::state::AppState;
use crate::analysis::span_path_summary::path_summary;
use leptos::prelude::*;

/// Rows drawn at most (the rest are counted).
const MAX_ROWS: usize = 200;

/// The section, or `None` while nothing is loaded.
pub fn span_path_section(state: AppState) -> Option<AnyView> {
    let sections = state.derived.path.get()?;
    let (_, trace) = state.trace.get()?;
    let s = path_summary(&trace, &sections.0);
    let share = |d| format!("{:.1} %", s.percent_of_roots(d));
    let rows = s
        .spans
        .iter()
        .take(MAX_ROWS)
        .map(|p| {
            let i = p.span;
            view! {
                <tr data-testid="span-path-row" data-ns=p.on_path.0 class="clickable" on:click=move |_| select_span(state, i)>
                    <td><button class="link">{trace.name(i).to_string()}</button></td>
                    <td>{trace.service_name(i).to_string()}</td>
                    <td class="num">{p.on_path.to_string()}</td>
                    <td class="num">{share(p.on_path)}</td>
                    <td class="num">{p.sections}</td>
                </tr>
            }
        })
        .collect_view();
    let more = (s.spans.len() > MAX_ROWS).then(|| {
        format!(
            "{} more spans on the path, not listed",
            s.spans.len() - MAX_ROWS
        )
    });
    let heading = format!(
        "Critical path (span tree): {}, {} of the traces' time, {} sections over {} spans",
        s.length,
        share(s.length),
        s.sections,
        s.spans.len()
    );
    Some(
        view! {
            <section data-testid="span-path" data-length-ns=s.length.0 data-roots-ns=s.roots.0 data-sections=s.sections>
                <h3>{heading}</h3>
                <p class="dim">"No data ids in this load, so there is no lineage to analyse: this is the critical path of the span tree (each root's last-finishing child, recursively), the same path the timeline draws."</p>
                <table class="grid">
                    <thead><tr><th>"span"</th><th>"service"</th><th>"on the path"</th><th>"share"</th><th>"sections"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                {more.map(|m| view! { <p class="dim">{m}</p> })}
            </section>
        }
        .into_any(),
    )
}
