//! The selected pair of matched LLM or tool spans: durations, tokens and cost A → B with Δ, and
//! the line diff of each text field (prompt, response, tool arguments and results) as text
//! nodes, never as markup. Computed once per selection (a memo), shown under the tab.

use super::{selected_in_lanes, Compared};
use crate::analysis::compare::text_diff::{is_llm_or_tool, pair_detail, PairDetail};
use crate::layout::compare::pair::{duration_line, line_class, prefix, usage_lines};
use crate::layout::compare::waterfall::Lane;
use crate::model::SpanIdx;
use crate::ui::state::{AppState, Shared};
use leptos::prelude::*;

/// The pair the selection is part of: (A's span, B's span, the detail), when it is a matched
/// LLM or tool span.
fn selected_pair(state: AppState, c: &Compared) -> Option<(SpanIdx, SpanIdx, PairDetail)> {
    let links = state.compare.links.get()?;
    let (lane, s) = selected_in_lanes(state, c)?;
    let (sa, sb) = match lane {
        Lane::A => (s, *links.0 .0.partner.get(&s)?),
        Lane::B => (*links.0 .1.partner.get(&s)?, s),
    };
    (is_llm_or_tool(&c.a, sa) || is_llm_or_tool(&c.b, sb))
        .then(|| (sa, sb, pair_detail(&c.a, sa, &c.b, sb)))
}

fn detail_view(c: &Compared, (sa, sb, d): (SpanIdx, SpanIdx, PairDetail)) -> impl IntoView {
    let usage = usage_lines(&d)
        .into_iter()
        .map(|(what, a, b, delta)| view! { <tr><th>{what}</th><td class="num">{a}</td><td class="num">{b}</td><td class="num">{delta}</td></tr> })
        .collect_view();
    let fields = d
        .fields
        .into_iter()
        .map(|f| {
            let source = match (f.key_a, f.key_b) {
                (Some(a), Some(b)) if a == b => a.to_string(),
                (a, b) => format!("A {} · B {}", a.unwrap_or("—"), b.unwrap_or("—")),
            };
            let head = format!("{} ({source}){}", f.field, if f.is_same { " · same" } else { "" });
            let lines = match f.lines {
                Some(lines) => lines.into_iter().map(|l| view! { <div class=line_class(l.change) data-testid="compare-diff-line">{format!("{}{}", prefix(l.change), l.text)}</div> }).collect_view().into_any(),
                None => view! { <div class="dim">"too long to diff (over 5000 lines)"</div> }.into_any(),
            };
            view! { <h4>{head}</h4><div class="diff">{lines}</div> }
        })
        .collect_view();
    let (da, db) = (c.a.span(sa).duration(), c.b.span(sb).duration());
    view! {
        <section class="compare-pair" data-testid="compare-pair">
            <h3>{format!("A {} ↔ B {}", c.a.name(sa), c.b.name(sb))}</h3>
            <div class="dim">{duration_line(da, db)}</div>
            <table class="grid usage"><thead><tr><th></th><th>"A"</th><th>"B"</th><th>"Δ"</th></tr></thead><tbody>{usage}</tbody></table>
            {fields}
        </section>
    }
}

/// The pane, when the selection is a matched LLM or tool span.
#[component]
pub fn PairPane() -> impl IntoView {
    let state = expect_context::<AppState>();
    let pair = Memo::new(move |_| {
        let c = state.compare.compared.get()?.ok()?;
        let p = selected_pair(state, &c.0)?;
        Some((c, Shared::new(p)))
    });
    move || {
        let (c, p) = pair.get()?;
        Some(detail_view(&c.0, (*p.0).clone()))
    }
}
