//! The compare view (issue 9): run B (the loaded sources) against a baseline A (a second load
//! read by the same loader, or other trace ids of the one load). `CompareShell` holds the
//! baseline load and the values derived from both loads, each a memo: the comparison once per
//! (A, B, key, tolerance, picks), never per frame, and the waterfall lanes and the Δ DAG once
//! per comparison. The view: the bar (sources, picks, key, tolerance, swap), the summary, one
//! tab (table, waterfalls, DAG) and the text diff of a selected LLM or tool pair.
//!
//! ```text
//!  trace (B) ─┐
//!  baseline ──┼─> compared ─> links ─> lanes (waterfalls)
//!  settings ──┘       └────> dag (Δ DAG)        selection + links -> pair (text diff)
//! ```

mod bar;
mod dag;
mod load;
mod pair;
mod summary;
mod table;
mod waterfalls;

pub use load::{install_loader, stash_embedded};

use super::browser::now_ms;
use super::commands::select_span;
use super::state::{AppState, Loaded, Shared, ViewFields};
use crate::analysis::compare::{compare, Comparison, SpanLinks};
use crate::layout::compare::dag::{delta_dag, DeltaDag};
use crate::layout::compare::sides::{options, pick, sides, Picked};
use crate::layout::compare::waterfall::{lanes, Lane, Lanes};
use crate::model::{SpanIdx, Trace};
use crate::view_state::compare::CompareTab;
use crate::view_state::embed::NamedFiles;
use leptos::prelude::*;
use std::sync::Arc;

/// Two loads compared.
pub struct Compared {
    /// A's load (the baseline load, or the loaded sources when A and B share one load).
    pub a: Arc<Trace>,
    /// B's load (the loaded sources).
    pub b: Arc<Trace>,
    /// True when A's spans live in the baseline load (selecting one selects there).
    pub a_in_baseline: bool,
    /// Which trace ids make each side.
    pub picked: Picked,
    /// The comparison.
    pub comparison: Comparison,
    /// How long computing it took, ms.
    pub compute_ms: f64,
}

impl Compared {
    /// The lane a span of load `in_baseline` belongs to (`None` when neither side holds it).
    pub fn lane_of(&self, s: SpanIdx, in_baseline: bool) -> Option<Lane> {
        if in_baseline {
            return self.a_in_baseline.then_some(Lane::A);
        }
        let t = self.b.span(s).trace;
        let holds = |p: &Option<Vec<_>>| p.as_ref().is_none_or(|ids| ids.contains(&t));
        if self.a_in_baseline {
            holds(&self.picked.b).then_some(Lane::B)
        } else if holds(&self.picked.b) {
            Some(Lane::B)
        } else {
            holds(&self.picked.a).then_some(Lane::A)
        }
    }
}

/// The comparison's part of the app state.
#[derive(Clone, Copy)]
pub struct CompareShell {
    /// The baseline load A (its own trace, with the generation of its load).
    pub baseline: RwSignal<Loaded>,
    /// Bytes of the baseline's local files, kept while small enough to embed in a share link.
    pub baseline_files: StoredValue<Option<Arc<NamedFiles>>>,
    /// Baseline files a link embedded, read once the loaded sources are in.
    pub pending: StoredValue<Option<NamedFiles>>,
    /// The URLs the baseline was last read from (a view change reloads only when they differ).
    pub requested: StoredValue<Vec<String>>,
    /// When the baseline was last installed (`performance.now()`, ms), for the benchmark.
    pub installed_at_ms: RwSignal<f64>,
    /// The comparison, or why there is none (`None` while B is not loaded).
    pub compared: Memo<Option<Result<Shared<Compared>, String>>>,
    /// Each span's key and partner, per side.
    pub links: Memo<Option<Shared<(SpanLinks, SpanLinks)>>>,
    /// The waterfalls' rows.
    pub lanes: Memo<Option<Shared<Lanes>>>,
    /// B's lineage DAG coloured by Δ.
    pub dag: Memo<Option<Shared<DeltaDag>>>,
}

fn compared(
    trace: RwSignal<Loaded>,
    baseline: RwSignal<Loaded>,
    fields: ViewFields,
) -> Memo<Option<Result<Shared<Compared>, String>>> {
    Memo::new(move |_| {
        let settings = fields.compare.get();
        let b = trace.with(|t| t.as_ref().map(|(_, t)| t.clone()))?;
        let a_load = baseline.with(|t| t.as_ref().map(|(_, t)| t.clone()));
        let picked = match pick(a_load.as_deref(), &b, &settings) {
            Ok(p) => p,
            Err(why) => return Some(Err(why.to_string())),
        };
        let a_in_baseline = a_load.is_some();
        let a = a_load.unwrap_or_else(|| b.clone());
        let started = now_ms();
        let comparison = compare(&sides(&a, &b, &picked), &options(&settings));
        Some(Ok(Shared::new(Compared {
            compute_ms: now_ms() - started,
            a,
            b,
            a_in_baseline,
            picked,
            comparison,
        })))
    })
}

impl CompareShell {
    /// The baseline slot and the memos over it, the loaded sources and the settings.
    pub fn new(trace: RwSignal<Loaded>, fields: ViewFields) -> CompareShell {
        let baseline = RwSignal::new(None);
        let compared = compared(trace, baseline, fields);
        let ok = move || compared.get().and_then(Result::ok);
        let links = Memo::new(move |_| Some(Shared::new(ok()?.0.comparison.span_links())));
        let lanes = Memo::new(move |_| {
            let (c, links) = (ok()?, links.get()?);
            let s = sides(&c.0.a, &c.0.b, &c.0.picked);
            let runs = s.a.runs();
            let a = runs.get(c.0.comparison.reference_run).unwrap_or(&s.a);
            Some(Shared::new(lanes(
                a,
                &s.b,
                &links.0,
                &c.0.comparison.tolerance,
            )))
        });
        CompareShell {
            baseline,
            baseline_files: StoredValue::new(None),
            pending: StoredValue::new(None),
            requested: StoredValue::new(Vec::new()),
            installed_at_ms: RwSignal::new(0.0),
            compared,
            links,
            lanes,
            dag: Memo::new(move |_| Some(Shared::new(delta_dag(&ok()?.0.comparison)))),
        }
    }
}

/// Selects span `s` of a lane (A's spans in the baseline load are selected there) and, for B
/// or a shared load, reveals it in the timeline.
pub fn select_in_lane(state: AppState, c: &Compared, lane: Lane, s: SpanIdx) {
    if lane == Lane::A && c.a_in_baseline {
        let a = c.a.clone();
        state.view.update(|v| v.select_in_baseline(&a, s));
    } else {
        select_span(state, s);
    }
}

/// The selected span as (lane, span), when one of the compared sides holds it.
pub fn selected_in_lanes(state: AppState, c: &Compared) -> Option<(Lane, SpanIdx)> {
    if let Some(s) = state.derived.selected.get() {
        return c.lane_of(s, false).map(|l| (l, s));
    }
    let s = state.derived.selected_baseline.get()?;
    c.lane_of(s, true).map(|l| (l, s))
}

/// The tabs under the summary.
fn tabs(state: AppState) -> impl IntoView {
    CompareTab::ALL
        .into_iter()
        .map(|t| {
            let label = match t {
                CompareTab::Table => "Table",
                CompareTab::Waterfalls => "Waterfalls",
                CompareTab::Dag => "Lineage DAG (Δ)",
            };
            let testid = format!("compare-tab-{}", t.name());
            view! {
                <button data-testid=testid class:active=move || state.fields.compare_tab.get() == t on:click=move |_| state.view.update(|v| v.compare.tab = t)>{label}</button>
            }
        })
        .collect_view()
}

/// The comparison itself: summary, tabs, the tab shown, the pair's text diff.
fn compared_view(state: AppState, c: Shared<Compared>) -> impl IntoView {
    let body = move || match state.fields.compare_tab.get() {
        CompareTab::Table => view! { <table::CompareTable /> }.into_any(),
        CompareTab::Waterfalls => view! { <waterfalls::Waterfalls /> }.into_any(),
        CompareTab::Dag => view! { <dag::DeltaDagView /> }.into_any(),
    };
    view! {
        <summary::Summary c=c.clone() />
        <div class="compare-tabs views">{tabs(state)}</div>
        <div class="compare-body">{body}</div>
        <pair::PairPane />
    }
}

/// The compare view.
#[component]
pub fn CompareView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let content = move || {
        match state.compare.compared.get() {
        Some(Ok(c)) => compared_view(state, c).into_any(),
        Some(Err(why)) => view! { <load::Prompt why=why /> }.into_any(),
        None => view! { <load::Prompt why="Load run B first (Open files, Open URL), then a baseline A to compare it with".to_string() /> }.into_any(),
    }
    };
    view! {
        <div class="compare" data-testid="compare-view" data-baseline-at-ms=move || format!("{:.1}", state.compare.installed_at_ms.get())>
            <bar::CompareBar />
            <load::BaselineNeeded />
            {content}
        </div>
    }
}
