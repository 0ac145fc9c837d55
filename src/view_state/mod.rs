//! The shareable view state: what the user looks at, as one value, and its URL text form.
//! Invariants: `parse(format(v)) == v`; parsing is per field (a bad value drops only that
//! field, with a note saying so); links use external ids (span id hex), never dense indices.

pub mod embed;
pub mod navigation;
pub mod url;

use crate::model::SpanId;
use std::collections::BTreeSet;

/// The visible time range, relative to the trace start, in integer nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeWindow {
    /// Offset of the left edge from the trace start, ns.
    pub start_ns: i64,
    /// Offset of the right edge from the trace start, ns (> start_ns).
    pub end_ns: i64,
}

impl TimeWindow {
    /// Window length, ns.
    pub fn len_ns(&self) -> i64 {
        self.end_ns.saturating_sub(self.start_ns)
    }
}

/// Which main view is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ActiveView {
    /// The span waterfall.
    #[default]
    Timeline,
    /// The lineage DAG.
    Dag,
    /// The analysis tables.
    Analysis,
}

impl ActiveView {
    /// URL token.
    pub fn token(self) -> &'static str {
        match self {
            ActiveView::Timeline => "timeline",
            ActiveView::Dag => "dag",
            ActiveView::Analysis => "analysis",
        }
    }

    /// Parses a URL token.
    pub fn from_token(t: &str) -> Option<ActiveView> {
        [ActiveView::Timeline, ActiveView::Dag, ActiveView::Analysis].into_iter().find(|v| v.token() == t)
    }
}

/// Which subtrees are open: every span follows `all_collapsed` except those in `toggled`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Expansion {
    /// True when subtrees start collapsed ("collapse all").
    pub all_collapsed: bool,
    /// Spans whose state is the opposite of the default.
    pub toggled: BTreeSet<SpanId>,
}

impl Expansion {
    /// True when the children of span `id` are shown.
    pub fn is_expanded(&self, id: SpanId) -> bool {
        self.all_collapsed == self.toggled.contains(&id)
    }

    /// Flips one span.
    pub fn toggle(&mut self, id: SpanId) {
        if !self.toggled.remove(&id) {
            self.toggled.insert(id);
        }
    }

    /// Sets one span's state.
    pub fn set(&mut self, id: SpanId, expanded: bool) {
        if self.is_expanded(id) != expanded {
            self.toggle(id);
        }
    }

    /// Expands or collapses everything.
    pub fn set_all(&mut self, expanded: bool) {
        self.all_collapsed = !expanded;
        self.toggled.clear();
    }
}

/// Everything a link reproduces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ViewState {
    /// URLs to load (`url=`, repeatable, http/https only).
    pub sources: Vec<String>,
    /// Main view.
    pub view: ActiveView,
    /// Visible window; `None` = fit the whole trace.
    pub window: Option<TimeWindow>,
    /// Selected span.
    pub selected: Option<SpanId>,
    /// Open/closed subtrees.
    pub expansion: Expansion,
    /// Search text.
    pub search: String,
    /// Critical path highlighted.
    pub critical_path: bool,
}

/// How a change of view state is recorded in the browser history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryStep {
    /// Nothing changed.
    None,
    /// A continuous change (pan, zoom, typing a search): replace the current entry.
    Replace,
    /// A discrete change (select, switch view, fold, load, toggle): a new entry, so Back undoes it.
    Push,
}

/// Decides how going from `prev` to `next` is recorded.
pub fn history_step(prev: &ViewState, next: &ViewState) -> HistoryStep {
    if prev == next {
        HistoryStep::None
    } else if prev.selected != next.selected
        || prev.view != next.view
        || prev.sources != next.sources
        || prev.critical_path != next.critical_path
        || prev.expansion != next.expansion
    {
        HistoryStep::Push
    } else {
        HistoryStep::Replace
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discrete_changes_push_and_continuous_ones_replace() {
        let a = ViewState::default();
        assert_eq!(history_step(&a, &a.clone()), HistoryStep::None);
        let zoomed = ViewState { window: Some(TimeWindow { start_ns: 0, end_ns: 5 }), ..a.clone() };
        assert_eq!(history_step(&a, &zoomed), HistoryStep::Replace);
        let searched = ViewState { search: "gen".into(), ..a.clone() };
        assert_eq!(history_step(&a, &searched), HistoryStep::Replace);
        let selected = ViewState { selected: Some(SpanId(7)), ..zoomed.clone() };
        assert_eq!(history_step(&zoomed, &selected), HistoryStep::Push);
        let dag = ViewState { view: ActiveView::Dag, ..a.clone() };
        assert_eq!(history_step(&a, &dag), HistoryStep::Push);
        let cp = ViewState { critical_path: true, ..a.clone() };
        assert_eq!(history_step(&a, &cp), HistoryStep::Push);
    }
}
