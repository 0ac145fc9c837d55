//! The comparison table: one group per status (slower, faster, added, removed, unchanged),
//! rows in the core's order (signed Δ), A, B, Δ, Δ %, and notes (errors, tokens, cost, a
//! baseline set's range). A group shows its first `SHOWN_PER_GROUP` rows until "show all". A
//! row click selects its span on its side; the selected span's row is highlighted.

use super::{select_in_lane, selected_in_lanes, Compared};
use crate::analysis::compare::tolerance::Status;
use crate::analysis::compare::Row;
use crate::layout::compare::colors::delta_color;
use crate::layout::compare::table::{cells, groups, heading, Group, SHOWN_PER_GROUP};
use crate::layout::compare::waterfall::Lane;
use crate::model::DurationNs;
use crate::ui::state::{AppState, Shared};
use leptos::prelude::*;
use std::collections::BTreeSet;

/// Selects the span a row stands for: its first pair's B span, else its A span.
fn select_row(state: AppState, c: &Compared, row: &Row) {
    let Some(p) = c.comparison.pairs_of(row).first() else {
        return;
    };
    match (p.b, p.a) {
        (Some(s), _) => select_in_lane(state, c, Lane::B, s),
        (None, Some(s)) => select_in_lane(state, c, Lane::A, s),
        (None, None) => {}
    }
}

fn row_view(
    state: AppState,
    c: &Shared<Compared>,
    i: usize,
    selected: Memo<Option<u32>>,
) -> impl IntoView {
    let r = &c.0.comparison.rows[i];
    let cell = cells(r);
    let ns = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
    let fill = delta_color(
        r.status,
        DurationNs(cell.a_ns.unwrap_or(0)),
        DurationNs(cell.b_ns.unwrap_or(0)),
    );
    let key = r.key.0;
    let key_text = cell.key.clone();
    let (c2, outside) = (c.clone(), cell.baseline.as_ref().is_some_and(|b| b.1));
    let notes = [
        cell.extras.clone(),
        cell.baseline.map(|b| b.0).unwrap_or_default(),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" · ");
    view! {
        <tr
            data-testid="compare-row"
            data-key=key_text
            data-status=cell.status
            data-a-ns=ns(cell.a_ns)
            data-b-ns=ns(cell.b_ns)
            class:selected=move || selected.get() == Some(key)
            class:outside=outside
            on:click=move |_| select_row(state, &c2.0, &c2.0.comparison.rows[i])
        >
            <td class="key"><span class="swatch" style=format!("background:{}", fill.css())></span>{cell.key}</td>
            <td class="num">{cell.a}</td>
            <td class="num">{cell.b}</td>
            <td class="num delta">{cell.delta}</td>
            <td class="num">{cell.percent}</td>
            <td class="notes">{notes}</td>
        </tr>
    }
}

fn group_view(
    state: AppState,
    c: &Shared<Compared>,
    g: Group,
    shown_all: RwSignal<BTreeSet<Status>>,
    selected: Memo<Option<u32>>,
) -> impl IntoView {
    let status = g.status;
    let total = g.rows.len();
    let all = shown_all.with_untracked(|s| s.contains(&status));
    let end = if all {
        g.rows.end
    } else {
        g.rows.start + total.min(SHOWN_PER_GROUP)
    };
    let rows = (g.rows.start..end)
        .map(|i| row_view(state, c, i, selected))
        .collect_view();
    let more = (end < g.rows.end).then(|| {
        view! {
            <tr class="more"><td colspan="6">
                <button on:click=move |_| shown_all.update(|s| { s.insert(status); })>{format!("show all {total}")}</button>
            </td></tr>
        }
    });
    view! {
        <tbody class=format!("group {}", status.label())>
            <tr class="group-head"><th colspan="6">{heading(&g)}</th></tr>
            {rows}
            {more}
        </tbody>
    }
}

/// The table.
#[component]
pub fn CompareTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let shown_all = RwSignal::new(BTreeSet::new());
    let selected = Memo::new(move |_| {
        let c = state.compare.compared.get()?.ok()?;
        let links = state.compare.links.get()?;
        let (lane, s) = selected_in_lanes(state, &c.0)?;
        let by_lane = if lane == Lane::A {
            &links.0 .0
        } else {
            &links.0 .1
        };
        by_lane.key_of.get(&s).map(|k| k.0)
    });
    let table = move || {
        let c = state.compare.compared.get()?.ok()?;
        shown_all.track();
        let body = groups(&c.0.comparison)
            .into_iter()
            .map(|g| group_view(state, &c, g, shown_all, selected))
            .collect_view();
        Some(view! {
            <table class="grid compare-table" data-testid="compare-table">
                <thead><tr><th>"key"</th><th>"A"</th><th>"B"</th><th>"Δ"</th><th>"Δ %"</th><th>"notes"</th></tr></thead>
                {body}
            </table>
        })
    };
    view! { <div class="compare-table-wrap">{table}</div> }
}
