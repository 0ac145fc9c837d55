//! A statistics row's menu: the duration histogram of its spans (equal-width bars from the
//! shortest to the longest), and buttons that highlight its spans or jump to its slowest
//! instance on the timeline.

use super::MenuAt;
use crate::analysis::stats::StatsRow;
use crate::layout::commands::Command;
use crate::layout::stats_table::histogram;
use crate::model::DurationNs;
use crate::ui::commands::{run, select_span};
use crate::ui::state::AppState;
use crate::view_state::ActiveView;
use leptos::prelude::*;

/// The open row's menu, if any.
#[component]
pub fn RowMenu(menu: RwSignal<MenuAt>) -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let (i, sub, label) = menu.get()?;
        let stats = state.derived.stats.get()?;
        let trace = state.trace.get()?.1;
        let group = stats.0.table.0.rows.get(i)?;
        let row: &StatsRow = match sub {
            Some(j) => group.subgroups.get(j)?,
            None => group,
        };
        if row.label() != label {
            return None;
        }
        let title = match sub {
            Some(_) => format!("{} › {}", group.label(), row.label()),
            None => row.label().to_string(),
        };
        let bars = histogram(&trace, &row.spans)
            .into_iter()
            .map(|b| {
                let h = format!("height: {:.1}%", (b.height * 100.0).max(1.0));
                let tip = format!("{}: {} spans", b.label, b.count);
                view! { <div class="bar-slot" title=tip><div class="bar" data-testid="histogram-bar" data-count=b.count style=h></div></div> }
            })
            .collect_view();
        let slowest = row.slowest;
        let jump = move |_| {
            if let Some(s) = slowest {
                run(state, Command::ShowView(ActiveView::Timeline));
                select_span(state, s);
            }
            menu.set(None);
        };
        let slowest_text = format!("Jump to the slowest ({})", DurationNs(row.max_ns));
        Some(view! {
            <div class="row-menu-popover" data-testid="stats-row-popover">
                <div class="popover-head">
                    <strong>{title}</strong>
                    <span class="dim">{format!(" · {} spans", row.count)}</span>
                    <button class="close" title="close" on:click=move |_| menu.set(None)>"×"</button>
                </div>
                <div class="histogram" data-testid="stats-histogram">{bars}</div>
                <div class="histogram-axis dim">
                    <span>{DurationNs(row.min_ns).to_string()}</span>
                    <span>{format!("p50 {} · p95 {}", DurationNs(row.p50_ns), DurationNs(row.p95_ns))}</span>
                    <span>{DurationNs(row.max_ns).to_string()}</span>
                </div>
                <button data-testid="stats-jump-slowest" on:click=jump>{slowest_text}</button>
            </div>
        })
    }
}
