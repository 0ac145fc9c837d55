//! The values derived from the query and the statistics and flame settings, each a memo over
//! the trace and the fields it needs: the parsed query once per query text, its matches once
//! per query (and per critical path when the query reads it), the statistics once per
//! grouping and scope (the window only in window scope, the matches only in matches scope;
//! sorting reorders without recomputing), the flame graph once per mode (zooming re-lays out
//! only). Leptos memos are lazy: none of this runs until a view reads it.

use super::state::{Loaded, Shared, ViewFields};
use crate::analysis::flame::{flame_graph, FlameGraph};
use crate::analysis::span_critical_path::Section;
use crate::analysis::span_set::SpanSet;
use crate::analysis::stats::{attribute_keys, row_order, spans_in_window, statistics, Statistics};
use crate::layout::flame_zoom::flame_mode;
use crate::layout::stats_table::{sort_column, spec};
use crate::model::{SpanIdx, Trace};
use crate::query::{matches_in_order, MatchOrder, Query, QueryContext, QueryError};
use crate::view_state::{FlameTime, StatsScope, TimeWindow};
use leptos::prelude::*;

/// The query's matches in the forms the views read.
#[derive(Default)]
pub struct QueryMatches {
    /// The parsed query, or why it does not parse.
    pub query: Option<Result<Query, QueryError>>,
    /// Matching spans (empty while the query does not parse; every span for the empty query).
    pub set: SpanSet,
    /// Matching spans by index, for the timeline's highlight (empty for the empty query).
    pub sorted: Vec<SpanIdx>,
    /// Matches in drawing order, for "i / N" and stepping.
    pub order: MatchOrder,
}

impl QueryMatches {
    /// True when the query is empty (nothing is highlighted or filtered).
    pub fn is_empty_query(&self) -> bool {
        match &self.query {
            None => true,
            Some(Ok(q)) => q.is_empty(),
            Some(Err(_)) => false,
        }
    }

    /// The parse error, if the query does not parse.
    pub fn error(&self) -> Option<&QueryError> {
        self.query.as_ref().and_then(|q| q.as_ref().err())
    }

    /// The parsed query, if it parses.
    pub fn parsed(&self) -> Option<&Query> {
        self.query.as_ref().and_then(|q| q.as_ref().ok())
    }

    /// The matches in order while the query parses (what stepping reads).
    pub fn steppable(&self) -> Option<&MatchOrder> {
        self.parsed().filter(|q| !q.is_empty()).map(|_| &self.order)
    }
}

/// The statistics table with the order its rows are shown in.
pub struct StatsTable {
    /// Rows as computed (by total), shared with the unsorted memo.
    pub table: Shared<Statistics>,
    /// `order[k]`: the row shown k-th, with its sub-rows' order.
    pub order: Vec<(usize, Vec<usize>)>,
}

/// Matches of the query text in `fields.search`, over the critical path `sections` when the
/// query reads it.
pub fn matches_memo(
    trace: RwSignal<Loaded>,
    fields: ViewFields,
    sections: Memo<Option<Shared<Vec<Section>>>>,
    aligned: Memo<bool>,
) -> Memo<Shared<QueryMatches>> {
    Memo::new(move |_| {
        let text = fields.search.get();
        let Some(t) = trace.with(|t| t.as_ref().map(|(_, t)| t.clone())) else {
            return Shared::new(QueryMatches::default());
        };
        let parsed = Query::parse(&text);
        let q = match &parsed {
            Ok(q) => q,
            Err(_) => {
                return Shared::new(QueryMatches {
                    set: SpanSet::empty(t.span_count()),
                    query: Some(parsed),
                    ..Default::default()
                })
            }
        };
        let critical = if q.uses_critical_path() {
            sections.get()
        } else {
            None
        };
        let path: &[Section] = critical.as_ref().map_or(&[], |c| c.0.as_slice());
        let set = q.matches(&QueryContext::new(&t, path));
        let (sorted, order) = if q.is_empty() {
            (Vec::new(), MatchOrder::default())
        } else {
            (
                set.iter().collect(),
                matches_in_order(&t, &set, aligned.get()),
            )
        };
        Shared::new(QueryMatches {
            query: Some(parsed),
            set,
            sorted,
            order,
        })
    })
}

/// What a statistics table covers: `None` for everything.
fn scope_set(
    t: &Trace,
    scope: StatsScope,
    window: Memo<Option<TimeWindow>>,
    aligned: Memo<bool>,
    matches: Memo<Shared<QueryMatches>>,
) -> Option<SpanSet> {
    match scope {
        StatsScope::All => None,
        StatsScope::Window => {
            let w = window.get()?;
            Some(spans_in_window(t, w.start_ns, w.end_ns, aligned.get()))
        }
        StatsScope::Matches => matches.with(|m| (!m.0.is_empty_query()).then(|| m.0.set.clone())),
    }
}

/// The statistics of the view's grouping and scope, computed once per grouping and scope;
/// `order` then sorts without recomputing.
pub fn stats_memo(
    trace: RwSignal<Loaded>,
    fields: ViewFields,
    sections: Memo<Option<Shared<Vec<Section>>>>,
    scope_inputs: (
        Memo<Option<TimeWindow>>,
        Memo<bool>,
        Memo<Shared<QueryMatches>>,
    ),
) -> Memo<Option<Shared<Statistics>>> {
    let grouping = Memo::new(move |_| fields.stats.with(|s| (spec(s), s.scope)));
    Memo::new(move |_| {
        let (spec, scope) = grouping.get();
        let t = trace.with(|t| t.as_ref().map(|(_, t)| t.clone()))?;
        let (window, aligned, matches) = scope_inputs;
        let set = scope_set(&t, scope, window, aligned, matches);
        let path = sections.get()?;
        Some(Shared::new(statistics(&t, &spec, set.as_ref(), &path.0)))
    })
}

/// The statistics with their shown order (sort column and direction).
pub fn sorted_stats_memo(
    fields: ViewFields,
    stats: Memo<Option<Shared<Statistics>>>,
) -> Memo<Option<Shared<StatsTable>>> {
    let sort = Memo::new(move |_| fields.stats.with(|s| (sort_column(s), s.descending)));
    Memo::new(move |_| {
        let (column, descending) = sort.get();
        let stats = stats.get()?;
        let rows = &stats.0.rows;
        let order = row_order(rows, column, descending)
            .into_iter()
            .map(|i| (i, row_order(&rows[i].subgroups, column, descending)))
            .collect();
        Some(Shared::new(StatsTable {
            table: stats,
            order,
        }))
    })
}

/// Every attribute key of the load (the grouping choices).
pub fn keys_memo(trace: RwSignal<Loaded>) -> Memo<Option<Shared<Vec<String>>>> {
    Memo::new(move |_| trace.with(|t| t.as_ref().map(|(_, t)| Shared::new(attribute_keys(t)))))
}

/// The flame graph of the view's mode (the critical path read only in that mode).
pub fn flame_memo(
    trace: RwSignal<Loaded>,
    fields: ViewFields,
    sections: Memo<Option<Shared<Vec<Section>>>>,
) -> Memo<Option<Shared<FlameGraph>>> {
    let mode = Memo::new(move |_| fields.flame.with(|f| f.mode));
    Memo::new(move |_| {
        let mode = mode.get();
        let t = trace.with(|t| t.as_ref().map(|(_, t)| t.clone()))?;
        let path = if mode == FlameTime::Critical {
            Some(sections.get()?)
        } else {
            None
        };
        let path: &[Section] = path.as_ref().map_or(&[], |p| p.0.as_slice());
        Some(Shared::new(flame_graph(&t, flame_mode(mode), path)))
    })
}

/// Matching spans per flame box (`None` for the empty query: nothing is dimmed).
pub fn flame_matches_memo(
    flame: Memo<Option<Shared<FlameGraph>>>,
    matches: Memo<Shared<QueryMatches>>,
) -> Memo<Option<Shared<Vec<u32>>>> {
    Memo::new(move |_| {
        let graph = flame.get()?;
        matches
            .with(|m| (!m.0.is_empty_query()).then(|| Shared::new(graph.0.match_counts(&m.0.set))))
    })
}
