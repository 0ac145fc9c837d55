//! The statistics table: sortable headings, one `stats-row` per group (sub-groups indented
//! under it), heat shading of the chosen column, the whole scope as a last row. A row click
//! puts the row's query in the box and shows the timeline, where its spans are highlighted
//! (filtered with "show matches only"); the ⋯ button opens the row's menu.

use super::{set, MenuAt};
use crate::analysis::stats::{Column, StatsRow};
use crate::layout::stats_table::{
    cell, columns, explanation, heat_column, heat_fill, sort_column, spec, title, MAX_ROWS,
};
use crate::query::row_query;
use crate::ui::state::AppState;
use crate::view_state::{ActiveView, StatsScope};
use leptos::prelude::*;

/// Where a row sits: its position among the rows and, for a sub-row, among its group's.
#[derive(Clone, Copy)]
struct At {
    row: usize,
    sub: Option<usize>,
}

/// The table.
#[component]
pub fn Table(menu: RwSignal<MenuAt>) -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let stats = state.derived.stats.get()?;
        let settings = state.fields.stats.get();
        let table = &stats.0.table.0;
        let cols = columns(table);
        let heat = heat_column(&settings);
        let max = heat.map(|c| table.rows.iter().map(|r| r.value(c)).fold(0.0f64, f64::max));
        let shade = move |r: &StatsRow| match (heat, max) {
            (Some(c), Some(m)) if m > 0.0 => Some(heat_fill(r.value(c) / m).css()),
            _ => None,
        };
        let mut body = Vec::new();
        for (i, subs) in &stats.0.order {
            if body.len() >= MAX_ROWS {
                break;
            }
            let r = &table.rows[*i];
            body.push(row_view(
                state,
                menu,
                r,
                At { row: *i, sub: None },
                &cols,
                shade(r),
            ));
            for j in subs.iter().take(MAX_ROWS.saturating_sub(body.len())) {
                let at = At {
                    row: *i,
                    sub: Some(*j),
                };
                let s = &r.subgroups[*j];
                body.push(row_view(state, menu, s, at, &cols, shade(s)));
            }
        }
        let hidden = table
            .rows
            .len()
            .saturating_sub(stats.0.order.len().min(MAX_ROWS));
        let more = (body.len() >= MAX_ROWS && hidden > 0)
            .then(|| view! { <p class="dim">{format!("{hidden} more groups not shown: sort to see others")}</p> });
        let total_cells = cols
            .iter()
            .map(|c| {
                let text = if *c == Column::Group {
                    "(all)".to_string()
                } else {
                    cell(&table.total, *c)
                };
                view! { <td class:num=*c != Column::Group>{text}</td> }
            })
            .collect_view();
        Some(view! {
            <div class="stats-table-wrap">
            <table class="grid stats-table" data-testid="stats-table">
                <thead><tr>{headings(state, &cols)}<th></th></tr></thead>
                <tbody>
                    {body}
                    <tr class="total" data-testid="stats-total">{total_cells}<td></td></tr>
                </tbody>
            </table>
            {more}
            </div>
        })
    }
}

/// Clickable headings: a click sorts by the column, a second click turns the order round.
fn headings(state: AppState, cols: &[Column]) -> impl IntoView {
    let sorted = state
        .fields
        .stats
        .with_untracked(|s| (sort_column(s), s.descending));
    cols.iter()
        .map(|&c| {
            let arrow = match sorted {
                (s, true) if s == c => " ▼",
                (s, false) if s == c => " ▲",
                _ => "",
            };
            let sort = move |_| {
                set(state, |s| {
                    if sort_column(s) == c {
                        s.descending = !s.descending;
                    } else {
                        s.sort = c.token();
                        s.descending = c != Column::Group;
                    }
                })
            };
            view! {
                <th class:num=c != Column::Group class:sorted=!arrow.is_empty() title=explanation(c) data-column=c.token() on:click=sort>
                    {title(c)}{arrow}
                </th>
            }
        })
        .collect_view()
}

/// Puts the query of the row at `at` in the box and shows the timeline.
fn pick(state: AppState, at: At) {
    let Some((_, trace)) = state.trace.get_untracked() else {
        return;
    };
    let Some(stats) = state.derived.stats.get_untracked() else {
        return;
    };
    let settings = state.fields.stats.get_untracked();
    let matches = state.derived.matches.get_untracked();
    let scope = (settings.scope == StatsScope::Matches)
        .then(|| matches.0.parsed())
        .flatten();
    let table = &stats.0.table.0;
    let Some(group) = table.rows.get(at.row) else {
        return;
    };
    let (row, parent) = match at.sub.and_then(|j| group.subgroups.get(j)) {
        Some(sub) => (sub, Some(group)),
        None => (group, None),
    };
    if let Some(q) = row_query(&trace, &spec(&settings), row, parent, scope) {
        state.view.update(|v| {
            v.search = q;
            v.view = ActiveView::Timeline;
        });
    }
}

fn row_view(
    state: AppState,
    menu: RwSignal<MenuAt>,
    r: &StatsRow,
    at: At,
    cols: &[Column],
    shade: Option<String>,
) -> impl IntoView {
    let cells = cols
        .iter()
        .map(|c| {
            let text = cell(r, *c);
            let group = *c == Column::Group;
            let none = group && r.group.is_none();
            let tip = group.then(|| text.clone());
            view! { <td class:num=!group class:none=none title=tip>{text}</td> }
        })
        .collect_view();
    let label = r.label().to_string();
    let open_menu = move |ev: leptos::ev::MouseEvent| {
        ev.stop_propagation();
        menu.set(Some((at.row, at.sub, label.clone())));
    };
    view! {
        <tr
            data-testid="stats-row"
            class:sub=at.sub.is_some()
            style=shade.map(|c| format!("background-color: {c}"))
            title="click: highlight these spans on the timeline"
            data-group=r.label().to_string()
            data-level=if at.sub.is_some() { "1" } else { "0" }
            data-count=r.count
            data-total-ns=r.total_ns
            data-self-ns=r.self_ns
            data-p95-ns=r.p95_ns
            data-errors=r.errors
            on:click=move |_| pick(state, at)
        >
            {cells}
            <td><button class="row-menu" data-testid="stats-row-menu" title="duration histogram, slowest span" on:click=open_menu>"⋯"</button></td>
        </tr>
    }
}
