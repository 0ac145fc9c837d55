//! The shareable view state: what the user looks at, as one value, and its URL text form.
//! Invariants: `parse(format(v)) == v`; parsing is per field (a bad value drops only that
//! field, with a note saying so); links use external ids (span id hex), never dense indices.

pub mod compare;
pub mod derived;
pub mod embed;
pub mod lanes;
pub mod mlflow_link;
pub mod navigation;
pub mod stats_flame;
pub mod theme;
pub mod url;

use crate::model::{SpanId, SpanIdx, Trace, TraceId};
use compare::CompareView;
pub use lanes::LaneMode;
pub use mlflow_link::MlflowLink;
pub use stats_flame::{FlameSettings, FlameStep, FlameTime, Grouping, StatsScope, StatsSettings};
use std::collections::BTreeSet;
pub use theme::Theme;

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
    /// The statistics table.
    Stats,
    /// The flame graph.
    Flame,
    /// Run B against its baseline A (issue 9).
    Compare,
}

impl ActiveView {
    /// URL token.
    pub fn token(self) -> &'static str {
        match self {
            ActiveView::Timeline => "timeline",
            ActiveView::Dag => "dag",
            ActiveView::Analysis => "analysis",
            ActiveView::Stats => "stats",
            ActiveView::Flame => "flame",
            ActiveView::Compare => "compare",
        }
    }

    /// Every view.
    pub const ALL: [ActiveView; 6] = [
        ActiveView::Timeline,
        ActiveView::Dag,
        ActiveView::Analysis,
        ActiveView::Stats,
        ActiveView::Flame,
        ActiveView::Compare,
    ];

    /// Parses a URL token.
    pub fn from_token(t: &str) -> Option<ActiveView> {
        ActiveView::ALL.into_iter().find(|v| v.token() == t)
    }
}

/// How spans are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ColorMode {
    /// By span type (`flowmesh.type`), falling back to the service when a span has none.
    #[default]
    SpanType,
    /// By service name.
    Service,
}

/// A panel that can be open beside the main view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Panel {
    /// The list of problems found while loading.
    Diagnostics,
    /// The list of JSON log lines (joined or not).
    Logs,
    /// LLM usage and cost per trace and per model.
    Llm,
    /// Every failed span.
    Failures,
}

impl Panel {
    /// Every panel.
    pub const ALL: [Panel; 4] = [Panel::Diagnostics, Panel::Logs, Panel::Llm, Panel::Failures];

    /// Its name in links (`panel=<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Panel::Diagnostics => "diagnostics",
            Panel::Logs => "logs",
            Panel::Llm => "llm",
            Panel::Failures => "failures",
        }
    }

    /// The panel with that link name.
    pub fn from_name(name: &str) -> Option<Panel> {
        Panel::ALL.into_iter().find(|p| p.name() == name)
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

/// A local file a link was made with: whoever opens the link must drop the same file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileRef {
    /// File name.
    pub name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Content fingerprint (`ingest::fingerprint`).
    pub fingerprint: u64,
}

/// Everything a link reproduces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ViewState {
    /// URLs to load (`url=`, repeatable, http/https only).
    pub sources: Vec<String>,
    /// Local files the view was made with (`file=`, repeatable), when they are not embedded.
    pub files: Vec<FileRef>,
    /// Main view.
    pub view: ActiveView,
    /// Visible window; `None` = fit the whole trace.
    pub window: Option<TimeWindow>,
    /// Selected span, by its span id (`span=`).
    pub selected: Option<SpanId>,
    /// The selected span's trace id, kept only when the span id alone would name a span of
    /// another trace (several loaded traces share it; `trace=`). See `selected_span`.
    pub selected_trace: Option<TraceId>,
    /// Open/closed subtrees.
    pub expansion: Expansion,
    /// Search text: a query in the query language (the `query` module).
    pub search: String,
    /// Show only the query's matches and their ancestors (`filter=1`).
    pub filter: bool,
    /// How the statistics view is set.
    pub stats: StatsSettings,
    /// How the flame graph view is set.
    pub flame: FlameSettings,
    /// Critical path highlighted.
    pub critical_path: bool,
    /// Colour mode.
    pub color: ColorMode,
    /// Open side panel, if any.
    pub panel: Option<Panel>,
    /// Each trace drawn from its own start (`Some(true)`), on one clock (`Some(false)`), or
    /// decided by the data (`None`: aligned when traces lie far apart, `layout::timeline::aligned`).
    pub align: Option<bool>,
    /// Keep reading the URL sources as they grow (`follow=1`): poll for appended bytes until the
    /// source says its run is complete or stops growing.
    pub follow: bool,
    /// Seconds a URL may send nothing before its read is given up (`timeout=`; `None` = 30).
    pub timeout_s: Option<u32>,
    /// The comparison with a baseline (`vs=`, `vsfile=`, `key=`, `tol=`, `atrace=`, `btrace=`,
    /// `ctab=`, `spanin=`).
    pub compare: CompareView,
    /// An MLflow tracking server: browsed, and the traces opened from it (`mlflow=`,
    /// `experiment=`, `trace=tr-...`).
    pub mlflow: Option<MlflowLink>,
    /// The colour theme picked (`theme=`); `None` follows the system setting.
    pub theme: Option<Theme>,
    /// Lanes (`lanes=off|thread|service`); `None` = by the data: lanes by thread for
    /// profile-like traces (`layout::lanes::is_profile_like`), else the waterfall.
    pub lanes: Option<LaneMode>,
}

impl ViewState {
    /// The selected span of `trace`. The rule for a span id that several traces share: with
    /// `selected_trace`, the span of that trace; without, the span in the earliest trace
    /// holding the id (`Trace::find_span`), which is what a link written before traces shared
    /// it meant. `None` while the selection names a span of the baseline load.
    pub fn selected_span(&self, trace: &Trace) -> Option<SpanIdx> {
        if self.compare.selected_in_baseline {
            return None;
        }
        resolve_selection(trace, self.selected, self.selected_trace)
    }

    /// The selected span of the baseline load `baseline`, when the selection is there.
    pub fn selected_baseline_span(&self, baseline: &Trace) -> Option<SpanIdx> {
        if !self.compare.selected_in_baseline {
            return None;
        }
        resolve_selection(baseline, self.selected, self.selected_trace)
    }

    /// Selects span `s` of `trace`: its span id, and its trace id when the span id alone
    /// would resolve to another span.
    pub fn select(&mut self, trace: &Trace, s: SpanIdx) {
        let id = trace.span(s).span_id;
        self.selected = Some(id);
        self.selected_trace = (trace.find_span(id) != Some(s)).then(|| trace.trace_id(s));
        self.compare.selected_in_baseline = false;
    }

    /// Selects span `s` of the baseline load `baseline` (a comparison's A side), by the same
    /// rule as `select`.
    pub fn select_in_baseline(&mut self, baseline: &Trace, s: SpanIdx) {
        self.select(baseline, s);
        self.compare.selected_in_baseline = true;
    }

    /// Clears the selection.
    pub fn clear_selection(&mut self) {
        self.selected = None;
        self.selected_trace = None;
        self.compare.selected_in_baseline = false;
    }

    /// Opens `panel`, or closes it when it is the open one.
    pub fn toggle_panel(&mut self, panel: Panel) {
        self.panel = if self.panel == Some(panel) {
            None
        } else {
            Some(panel)
        };
    }
}

/// The span a selection (`selected`, `selected_trace`) names in `trace`: see
/// `ViewState::selected_span` for the rule.
pub fn resolve_selection(
    trace: &Trace,
    selected: Option<SpanId>,
    selected_trace: Option<TraceId>,
) -> Option<SpanIdx> {
    let id = selected?;
    match selected_trace {
        Some(t) => trace.find_span_in(t, id),
        None => trace.find_span(id),
    }
}

/// What differs between the files a link was made with and the files dropped to open it, one
/// sentence per file (empty when they match).
pub fn file_mismatches(required: &[FileRef], dropped: &[FileRef]) -> Vec<String> {
    let mut out = Vec::new();
    for r in required {
        match dropped.iter().find(|d| d.name == r.name) {
            None => out.push(format!("{} was not dropped", r.name)),
            Some(d) if d.bytes != r.bytes => out.push(format!(
                "{} differs from the linked file ({} bytes, the link expects {})",
                r.name, d.bytes, r.bytes
            )),
            Some(d) if d.fingerprint != r.fingerprint => out.push(format!(
                "{} differs from the linked file (same size, different content)",
                r.name
            )),
            Some(_) => {}
        }
    }
    out
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
        || prev.selected_trace != next.selected_trace
        || prev.view != next.view
        || prev.sources != next.sources
        || prev.files != next.files
        || prev.critical_path != next.critical_path
        || prev.expansion != next.expansion
        || prev.color != next.color
        || prev.panel != next.panel
        || prev.align != next.align
        || prev.filter != next.filter
        || prev.stats != next.stats
        || prev.flame != next.flame
        || prev.compare != next.compare
        || prev.follow != next.follow
        || prev.mlflow != next.mlflow
        || prev.lanes != next.lanes
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
    fn file_mismatches_name_the_file() {
        let f = |name: &str, bytes, fingerprint| FileRef {
            name: name.into(),
            bytes,
            fingerprint,
        };
        let required = [f("spans.jsonl", 10, 1), f("lineage.jsonl", 5, 2)];
        assert!(file_mismatches(
            &required,
            &[f("lineage.jsonl", 5, 2), f("spans.jsonl", 10, 1)]
        )
        .is_empty());
        let m = file_mismatches(&required, &[f("spans.jsonl", 11, 1)]);
        assert_eq!(m.len(), 2);
        assert!(
            m[0].starts_with("spans.jsonl differs") && m[1] == "lineage.jsonl was not dropped",
            "{m:?}"
        );
        assert!(
            file_mismatches(&required[..1], &[f("spans.jsonl", 10, 3)])[0]
                .contains("different content")
        );
    }

    /// Two traces hold span id 0x7; trace b starts first, so a bare `span=7` means its span.
    ///
    /// ```text
    ///  trace b  [7 root]            starts 00:00:00
    ///  trace a          [7 root]    starts 00:00:05
    /// ```
    #[test]
    fn a_span_id_two_traces_share_selects_the_span_clicked() {
        let line = |trace: &str, second: u32| {
            format!(
                r#"{{"name": "in {trace}", "context": {{"trace_id": "0x{trace}", "span_id": "0x07"}}, "start_time": "2026-01-01T00:00:0{second}Z", "end_time": "2026-01-01T00:00:0{}Z"}}"#,
                second + 1
            )
        };
        let text = format!("{}\n{}\n", line("a", 5), line("b", 0));
        let t = crate::ingest::ingest_sources([("t.jsonl", text.as_bytes())]);
        let in_trace = |name: &str| t.span_indices().find(|&s| t.name(s) == name).unwrap();
        let (a, b) = (in_trace("in a"), in_trace("in b"));
        let mut v = ViewState::default();
        v.select(&t, a);
        assert_eq!(v.selected_span(&t), Some(a));
        assert_eq!(
            v.selected_trace,
            Some(t.trace_id(a)),
            "span id alone names b's span"
        );
        let reopened = url::parse(&v.to_string()).state;
        assert_eq!(
            reopened.selected_span(&t),
            Some(a),
            "the link keeps the choice"
        );
        v.select(&t, b);
        assert_eq!(v.selected_span(&t), Some(b));
        assert_eq!(
            v.selected_trace, None,
            "the rule already gives b: no trace= needed"
        );
        v.clear_selection();
        assert_eq!(v.selected_span(&t), None);
    }

    #[test]
    fn discrete_changes_push_and_continuous_ones_replace() {
        let a = ViewState::default();
        assert_eq!(history_step(&a, &a.clone()), HistoryStep::None);
        let zoomed = ViewState {
            window: Some(TimeWindow {
                start_ns: 0,
                end_ns: 5,
            }),
            ..a.clone()
        };
        assert_eq!(history_step(&a, &zoomed), HistoryStep::Replace);
        let searched = ViewState {
            search: "gen".into(),
            ..a.clone()
        };
        assert_eq!(history_step(&a, &searched), HistoryStep::Replace);
        let selected = ViewState {
            selected: Some(SpanId(7)),
            ..zoomed.clone()
        };
        assert_eq!(history_step(&zoomed, &selected), HistoryStep::Push);
        let other_trace = ViewState {
            selected_trace: Some(TraceId(2)),
            ..selected.clone()
        };
        assert_eq!(history_step(&selected, &other_trace), HistoryStep::Push);
        let dag = ViewState {
            view: ActiveView::Dag,
            ..a.clone()
        };
        assert_eq!(history_step(&a, &dag), HistoryStep::Push);
        let cp = ViewState {
            critical_path: true,
            ..a.clone()
        };
        assert_eq!(history_step(&a, &cp), HistoryStep::Push);
        let aligned = ViewState {
            align: Some(false),
            ..a.clone()
        };
        assert_eq!(history_step(&a, &aligned), HistoryStep::Push);
        let panel = ViewState {
            panel: Some(Panel::Llm),
            ..a.clone()
        };
        assert_eq!(history_step(&a, &panel), HistoryStep::Push);
        let mut compared = a.clone();
        compared.compare.settings.key = Some(compare::CompareKey::Path);
        assert_eq!(history_step(&a, &compared), HistoryStep::Push);
    }
}
