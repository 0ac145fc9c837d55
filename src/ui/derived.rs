//! The values the views show that are derived from the loaded trace, each a memo over the trace
//! and the view-state fields it needs (never the whole view state): analyses once per trace,
//! the legend once per colour mode, the search matches once per query, the details once per
//! selection, the rows once per folding. `view_state::derived` names the same keys natively.

use super::derived_query::{
    flame_matches_memo, flame_memo, keys_memo, matches_memo, sorted_stats_memo, stats_memo,
    QueryMatches, StatsTable,
};
use super::state::{Loaded, Shared, ViewFields};
use crate::analysis::failures::{failures, Failure};
use crate::analysis::flame::FlameGraph;
use crate::analysis::flowmesh::{analyze, FlowMeshAnalysis};
use crate::analysis::llm::{llm_summary, LlmSummary};
use crate::analysis::span_critical_path::{
    sections_by_span, workflow_critical_path, Rules, Section, SectionsBySpan,
};
use crate::layout::chat::{conversation, ChatMessage};
use crate::layout::dag::{layout, DagLayout};
use crate::layout::details::{span_details, SpanDetails};
use crate::layout::palette::{Palette, Rgb};
use crate::layout::rows::{filtered_rows, visible_rows, Row};
use crate::layout::span_notes::SpanNotes;
use crate::layout::timeline::{aligned, effective_window};
use crate::model::{SpanIdx, Trace};
use crate::view_state::{resolve_selection, TimeWindow};
use leptos::prelude::*;

/// The details panel's content: the span's details and its conversation.
pub type SelectedDetails = (SpanDetails, Vec<ChatMessage>);

/// Every derived value, each behind its memo.
#[derive(Clone, Copy)]
pub struct Derivations {
    /// The selected span of the loaded trace.
    pub selected: Memo<Option<SpanIdx>>,
    /// The selected span of the baseline load (a comparison's A), when the selection is there.
    pub selected_baseline: Memo<Option<SpanIdx>>,
    /// Visible rows (trace, folds).
    pub rows: Memo<Option<Shared<Vec<Row>>>>,
    /// FlowMesh-compatible analysis (trace).
    pub analysis: Memo<Option<Shared<FlowMeshAnalysis>>>,
    /// Layout of the lineage DAG (analysis).
    pub dag: Memo<Option<Shared<DagLayout>>>,
    /// Critical sections by span, while the critical path is shown.
    pub critical: Memo<Option<Shared<SectionsBySpan>>>,
    /// LLM usage and cost (trace).
    pub llm: Memo<Option<Shared<LlmSummary>>>,
    /// Every failed span (trace).
    pub failures: Memo<Option<Shared<Vec<Failure>>>>,
    /// Colours (trace).
    pub palette: Memo<Option<Shared<Palette>>>,
    /// Data ids and tokens beside names and durations (trace, LLM usage).
    pub notes: Memo<Option<Shared<SpanNotes>>>,
    /// Traces drawn each from its own start (trace, align).
    pub aligned: Memo<bool>,
    /// The window shown (trace, window, aligned).
    pub window: Memo<Option<TimeWindow>>,
    /// The query and its matches (trace, search; the critical path when the query reads it).
    pub matches: Memo<Shared<QueryMatches>>,
    /// The statistics table, rows in their shown order (trace, statistics settings, scope).
    pub stats: Memo<Option<Shared<StatsTable>>>,
    /// Every attribute key of the load (trace).
    pub attribute_keys: Memo<Option<Shared<Vec<String>>>>,
    /// The flame graph (trace, flame mode; the critical path in that mode).
    pub flame: Memo<Option<Shared<FlameGraph>>>,
    /// Matching spans per flame box (flame graph, matches).
    pub flame_matches: Memo<Option<Shared<Vec<u32>>>>,
    /// The legend: each colour category in use (trace, palette, colour mode).
    pub legend: Memo<Shared<Vec<(String, Rgb)>>>,
    /// The selected span's details and conversation (trace, selection).
    pub details: Memo<Option<Shared<SelectedDetails>>>,
}

/// A memo of a value derived from the loaded trace alone (`None` while nothing is loaded).
fn per_trace<T: Send + Sync + 'static>(
    trace: RwSignal<Loaded>,
    derive: impl Fn(&Trace) -> T + Send + Sync + 'static,
) -> Memo<Option<Shared<T>>> {
    Memo::new(move |_| trace.with(|t| t.as_ref().map(|(_, t)| Shared::new(derive(t)))))
}

impl Derivations {
    /// The memos over `trace` (and the `baseline` load) and the view-state `fields`.
    pub fn new(
        trace: RwSignal<Loaded>,
        baseline: RwSignal<Loaded>,
        fields: ViewFields,
    ) -> Derivations {
        let analysis = per_trace(trace, analyze);
        let llm = per_trace(trace, llm_summary);
        let palette = per_trace(trace, Palette::new);
        let selected_in = |load: RwSignal<Loaded>, in_baseline: bool| {
            Memo::new(move |_| {
                let (id, in_trace) = fields.selection.get();
                if fields.selected_in_baseline.get() != in_baseline {
                    return None;
                }
                load.with(|t| resolve_selection(&t.as_ref()?.1, id, in_trace))
            })
        };
        let (selected, selected_baseline) =
            (selected_in(trace, false), selected_in(baseline, true));
        let aligned = Memo::new(move |_| {
            let asked = fields.align.get();
            trace.with(|t| t.as_ref().is_some_and(|(_, t)| aligned(t, asked)))
        });
        let window = Memo::new(move |_| {
            let (window, aligned) = (fields.window.get(), aligned.get());
            trace.with(|t| Some(effective_window(&t.as_ref()?.1, window, aligned)))
        });
        // the critical path whether shown or not: queries, statistics and the flame graph read it
        let sections = sections(trace, analysis);
        let matches = matches_memo(trace, fields, sections, aligned);
        let flame = flame_memo(trace, fields, sections);
        let stats = stats_memo(trace, fields, sections, (window, aligned, matches));
        Derivations {
            selected,
            selected_baseline,
            rows: rows(trace, fields, matches),
            analysis,
            dag: Memo::new(move |_| {
                let a = analysis.get()?;
                Some(Shared::new(layout(a.0.nodes.len(), &a.0.edges)))
            }),
            critical: critical(fields, sections),
            llm,
            failures: per_trace(trace, failures),
            palette,
            notes: Memo::new(move |_| {
                let llm = llm.get()?;
                trace.with(|t| Some(Shared::new(SpanNotes::new(&t.as_ref()?.1, &llm.0))))
            }),
            aligned,
            window,
            matches,
            stats: sorted_stats_memo(fields, stats),
            attribute_keys: keys_memo(trace),
            flame,
            flame_matches: flame_matches_memo(flame, matches),
            legend: legend(trace, fields, palette),
            details: details((trace, selected), (baseline, selected_baseline)),
        }
    }
}

/// The rows: every span by the folds, or with "show matches only" the matches and their
/// ancestors (none while the query does not parse; all for the empty query).
fn rows(
    trace: RwSignal<Loaded>,
    fields: ViewFields,
    matches: Memo<Shared<QueryMatches>>,
) -> Memo<Option<Shared<Vec<Row>>>> {
    Memo::new(move |_| {
        let expansion = fields.expansion.get();
        let only = fields.filter.get().then(|| matches.get());
        trace.with(|t| {
            let t = &t.as_ref()?.1;
            Some(Shared::new(match only {
                Some(m) if !m.0.is_empty_query() => {
                    filtered_rows(t, &expansion, &m.0.set.with_ancestors(t))
                }
                _ => visible_rows(t, &expansion),
            }))
        })
    })
}

/// The critical path of the trace, whether it is shown or not.
fn sections(
    trace: RwSignal<Loaded>,
    analysis: Memo<Option<Shared<FlowMeshAnalysis>>>,
) -> Memo<Option<Shared<Vec<Section>>>> {
    Memo::new(move |_| {
        let a = analysis.get()?;
        trace.with(|t| {
            Some(Shared::new(workflow_critical_path(
                &t.as_ref()?.1,
                &a.0,
                Rules::fixed(),
            )))
        })
    })
}

fn critical(
    fields: ViewFields,
    sections: Memo<Option<Shared<Vec<Section>>>>,
) -> Memo<Option<Shared<SectionsBySpan>>> {
    Memo::new(move |_| {
        if !fields.critical_path.get() {
            return None;
        }
        let path = sections.get()?;
        Some(Shared::new(sections_by_span(&path.0)))
    })
}

fn legend(
    trace: RwSignal<Loaded>,
    fields: ViewFields,
    palette: Memo<Option<Shared<Palette>>>,
) -> Memo<Shared<Vec<(String, Rgb)>>> {
    Memo::new(move |_| {
        let mode = fields.color.get();
        let palette = palette.get();
        trace.with(|t| {
            let items = t
                .as_ref()
                .zip(palette)
                .map(|((_, t), p)| p.0.legend(t, mode));
            Shared::new(items.unwrap_or_default())
        })
    })
}

/// The details of the selected span, of the loaded sources or of the baseline load. A baseline
/// span's links to other spans are plain text (they name spans of the other load), and its
/// overview says which run it belongs to.
fn details(
    (trace, selected): (RwSignal<Loaded>, Memo<Option<SpanIdx>>),
    (baseline, selected_baseline): (RwSignal<Loaded>, Memo<Option<SpanIdx>>),
) -> Memo<Option<Shared<SelectedDetails>>> {
    Memo::new(move |_| {
        let of = |load: RwSignal<Loaded>, s: SpanIdx| {
            load.with(|t| {
                let t = &t.as_ref()?.1;
                Some((span_details(t, s), conversation(t, s)))
            })
        };
        if let Some(s) = selected.get() {
            return of(trace, s).map(Shared::new);
        }
        let (mut d, chat) = of(baseline, selected_baseline.get()?)?;
        crate::layout::compare::details::mark_baseline(&mut d);
        Some(Shared::new((d, chat)))
    })
}
