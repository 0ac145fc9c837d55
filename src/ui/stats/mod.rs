//! The statistics view: its settings (scope, grouping, sub-grouping, shading), the scope line,
//! the table (`table`) and a row's menu with its duration histogram (`histogram`). Every
//! setting is a view-state field (in the link); the numbers come from the derived table.

mod histogram;
mod table;

use super::state::AppState;
use crate::analysis::stats::Column;
use crate::layout::stats_table::{group_choices, scope_text, title};
use crate::view_state::{Grouping, StatsScope, StatsSettings};
use leptos::prelude::*;

/// The row whose menu is open: (row, sub-row) positions in the table and the row's label (a
/// new grouping puts other rows at those positions: the menu then closes).
pub type MenuAt = Option<(usize, Option<usize>, String)>;

/// The statistics view.
#[component]
pub fn StatsView() -> impl IntoView {
    let menu: RwSignal<MenuAt> = RwSignal::new(None);
    view! {
        <div class="stats-view">
            <Controls />
            <ScopeLine />
            <div class="stats-body">
                <table::Table menu=menu />
                <histogram::RowMenu menu=menu />
            </div>
        </div>
    }
}

/// Changes the statistics settings (a discrete change: it pushes a history entry).
fn set(state: AppState, change: impl FnOnce(&mut StatsSettings)) {
    state.view.update(|v| change(&mut v.stats));
}

fn scope_label(s: StatsScope) -> &'static str {
    match s {
        StatsScope::All => "everything loaded",
        StatsScope::Window => "the visible window",
        StatsScope::Matches => "the query's matches",
    }
}

/// A `<select>` of groupings (with "(no sub-group)" first when `optional`).
fn grouping_select(
    state: AppState,
    testid: &'static str,
    optional: bool,
    read: fn(&StatsSettings) -> Option<Grouping>,
    write: fn(&mut StatsSettings, Option<Grouping>),
) -> impl IntoView {
    let current = move || {
        state
            .fields
            .stats
            .with(|s| read(s).map_or_else(|| "none".to_string(), |g| g.token()))
    };
    let options = move || {
        let keys = state.derived.attribute_keys.get();
        let keys = keys.as_ref().map_or(&[][..], |k| k.0.as_slice());
        let none = optional.then(|| {
            view! { <option value="none" prop:selected=move || current() == "none">"(no sub-group)"</option> }
        });
        let list = group_choices(keys)
            .into_iter()
            .map(|(g, label)| {
                let token = g.token();
                let at = token.clone();
                view! { <option value=token prop:selected=move || current() == at>{label}</option> }
            })
            .collect_view();
        (none, list)
    };
    let change = move |ev: leptos::ev::Event| {
        let g = Grouping::from_token(&event_target_value(&ev));
        set(state, |s| write(s, g));
    };
    view! { <select data-testid=testid on:change=change>{options}</select> }
}

/// Scope, group by, then by, shading.
#[component]
fn Controls() -> impl IntoView {
    let state = expect_context::<AppState>();
    let scope = move || state.fields.stats.with(|s| s.scope);
    let on_scope = move |ev: leptos::ev::Event| {
        if let Some(sc) = StatsScope::from_token(&event_target_value(&ev)) {
            set(state, |s| s.scope = sc);
        }
    };
    let scopes = StatsScope::ALL
        .map(|s| view! { <option value=s.token() prop:selected=move || scope() == s>{scope_label(s)}</option> })
        .collect_view();
    let heat = move || state.fields.stats.with(|s| s.heat.unwrap_or("none"));
    let on_heat = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        let column = Column::from_token(&v).filter(|c| *c != Column::Group);
        set(state, |s| s.heat = column.map(Column::token));
    };
    let heats = Column::ALL[1..]
        .iter()
        .map(|c| {
            let t = c.token();
            view! { <option value=t prop:selected=move || heat() == t>{title(*c)}</option> }
        })
        .collect_view();
    view! {
        <div class="stats-controls">
            <label>"Over "<select data-testid="stats-scope" on:change=on_scope>{scopes}</select></label>
            <label>" group by "{grouping_select(state, "stats-group", false, |s| Some(s.group.clone()), |s, g| if let Some(g) = g { s.group = g })}</label>
            <label>" then by "{grouping_select(state, "stats-subgroup", true, |s| s.subgroup.clone(), |s, g| s.subgroup = g)}</label>
            <label>" shade "<select data-testid="stats-heat" on:change=on_heat><option value="none" prop:selected=move || heat() == "none">"nothing"</option>{heats}</select></label>
        </div>
    }
}

/// How many spans the table covers, and from where.
#[component]
fn ScopeLine() -> impl IntoView {
    let state = expect_context::<AppState>();
    let text = move || {
        let scope = state.fields.stats.with(|s| s.scope);
        let spans = state
            .derived
            .stats
            .with(|t| t.as_ref().map_or(0, |t| t.0.table.0.total.count));
        let window = if scope == StatsScope::Window {
            state.derived.window.get().map_or(0, |w| w.len_ns())
        } else {
            0
        };
        let query = if scope == StatsScope::Matches {
            state.fields.search.get()
        } else {
            String::new()
        };
        scope_text(scope, spans, window, &query)
    };
    view! {
        <p class="stats-scope dim">
            <span data-testid="stats-scope-line">{text}</span>
            " · click a row to highlight its spans on the timeline, ⋯ for its histogram"
        </p>
    }
}
