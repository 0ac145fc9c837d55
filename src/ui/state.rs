//! `AppState`: the reactive state, provided once as context. Three kinds, kept apart:
//! shareable (`view`, mirrored in the URL), loaded (`trace`, `load`), and transient (scroll,
//! hover, paint bookkeeping). The model holds no signals. Components never read `view` whole:
//! they read `fields`, one memo per view-state field, and the values derived from them here,
//! each from the fields it needs only (`view_state::derived`), so a pan recomputes the paint
//! and nothing else.

use super::compare::CompareShell;
use super::derived::Derivations;
use crate::layout::timeline::Geometry;
use crate::model::{SpanId, Trace, TraceId};
use crate::view_state::compare::{CompareSettings, CompareTab};
use crate::view_state::derived::{rows_key, search_key, selection_key};
use crate::view_state::{
    ActiveView, ColorMode, Expansion, FileRef, FlameSettings, MlflowLink, Panel, StatsSettings,
    Theme, TimeWindow, ViewState,
};
use leptos::prelude::*;
use std::sync::Arc;

/// Where loading stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoadPhase {
    /// Nothing loaded yet.
    #[default]
    Idle,
    /// Reading sources.
    Loading,
    /// A trace is loaded (ready once its first frame is painted).
    Done,
    /// Nothing could be loaded.
    Error,
}

/// Progress and outcome of the current load.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LoadStatus {
    /// Phase.
    pub phase: LoadPhase,
    /// What is being read, or the outcome.
    pub message: String,
    /// Bytes read so far.
    pub bytes_read: u64,
    /// Total bytes when known.
    pub bytes_total: Option<u64>,
    /// Milliseconds from the start of loading to the trace being built.
    pub elapsed_ms: f64,
    /// Where the last load's time went, `key=ms;...` (wait, parse, build, encode, transfer,
    /// decode; bytes): the load benchmark reads it from `load-status`'s `data-timings`.
    pub timings: String,
}

/// A loaded trace with the generation number of its load (it changes per load).
pub type Loaded = Option<(u64, Arc<Trace>)>;

/// One memo per view-state field: what components read instead of the whole view state.
#[derive(Clone, Copy)]
pub struct ViewFields {
    /// Visible window (`None` = fit).
    pub window: Memo<Option<TimeWindow>>,
    /// Selected span id and, when needed, its trace id.
    pub selection: Memo<(Option<SpanId>, Option<TraceId>)>,
    /// Search text.
    pub search: Memo<String>,
    /// Colour mode.
    pub color: Memo<ColorMode>,
    /// Main view.
    pub active: Memo<ActiveView>,
    /// Open side panel.
    pub panel: Memo<Option<Panel>>,
    /// Open/closed subtrees.
    pub expansion: Memo<Expansion>,
    /// Align traces as asked (`None` = decided by the data).
    pub align: Memo<Option<bool>>,
    /// Critical path shown.
    pub critical_path: Memo<bool>,
    /// Local files a link was made with.
    pub files: Memo<Vec<FileRef>>,
    /// Seconds a URL may send nothing (`None` = 30).
    pub timeout_s: Memo<Option<u32>>,
    /// Show only the query's matches.
    pub filter: Memo<bool>,
    /// How the statistics view is set.
    pub stats: Memo<StatsSettings>,
    /// How the flame graph view is set.
    pub flame: Memo<FlameSettings>,
    /// What the comparison is computed from besides the loads (key, tolerance, picks).
    pub compare: Memo<CompareSettings>,
    /// The compare view's tab.
    pub compare_tab: Memo<CompareTab>,
    /// The baseline's URLs and the local files a link made it with.
    pub baseline_sources: Memo<(Vec<String>, Vec<FileRef>)>,
    /// The selection names a span of the baseline load.
    pub selected_in_baseline: Memo<bool>,
    /// URL sources (`url=`).
    pub sources: Memo<Vec<String>>,
    /// Follow the sources as they grow.
    pub follow: Memo<bool>,
    /// The MLflow server browsed and the traces opened from it.
    pub mlflow: Memo<Option<MlflowLink>>,
    /// The theme picked (`None` = the system's).
    pub theme: Memo<Option<Theme>>,
}

fn field<T: PartialEq + Send + Sync + 'static>(
    view: RwSignal<ViewState>,
    read: impl Fn(&ViewState) -> T + Send + Sync + 'static,
) -> Memo<T> {
    Memo::new(move |_| view.with(|v| read(v)))
}

impl ViewFields {
    fn new(view: RwSignal<ViewState>) -> ViewFields {
        ViewFields {
            window: field(view, |v| v.window),
            selection: field(view, selection_key),
            search: field(view, |v| search_key(v).to_string()),
            color: field(view, |v| v.color),
            active: field(view, |v| v.view),
            panel: field(view, |v| v.panel),
            expansion: field(view, |v| rows_key(v).clone()),
            align: field(view, |v| v.align),
            critical_path: field(view, |v| v.critical_path),
            files: field(view, |v| v.files.clone()),
            timeout_s: field(view, |v| v.timeout_s),
            filter: field(view, |v| v.filter),
            stats: field(view, |v| v.stats.clone()),
            flame: field(view, |v| v.flame.clone()),
            compare: field(view, |v| v.compare.settings.clone()),
            compare_tab: field(view, |v| v.compare.tab),
            baseline_sources: field(view, |v| {
                (v.compare.baseline.clone(), v.compare.baseline_files.clone())
            }),
            selected_in_baseline: field(view, |v| v.compare.selected_in_baseline),
            sources: field(view, |v| v.sources.clone()),
            follow: field(view, |v| v.follow),
            mlflow: field(view, |v| v.mlflow.clone()),
            theme: field(view, |v| v.theme),
        }
    }
}

/// Transient state of the shell that more than one component reads.
#[derive(Clone, Copy)]
pub struct Transient {
    /// Generation of the trace whose first timeline frame has been painted.
    pub painted_generation: RwSignal<u64>,
    /// The waterfall's geometry at its current size (set by the timeline as it is measured).
    pub geometry: RwSignal<Geometry>,
    /// Set to true to ask a running load to stop.
    pub cancel_requested: RwSignal<bool>,
    /// The share popover's content, when open.
    pub share: RwSignal<Option<(String, String)>>,
    /// The key help overlay is open.
    pub help_open: RwSignal<bool>,
    /// The system asks for dark colours (`prefers-color-scheme: dark`).
    pub system_dark: RwSignal<bool>,
}

/// All reactive state of the app.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The loaded trace (loaded state).
    pub trace: RwSignal<Loaded>,
    /// The shareable view state: written by commands, read whole only by the URL sync.
    pub view: RwSignal<ViewState>,
    /// One memo per view-state field.
    pub fields: ViewFields,
    /// Values derived from the trace and the fields.
    pub derived: Derivations,
    /// Load progress (loaded state).
    pub load: RwSignal<LoadStatus>,
    /// Transient shell state.
    pub transient: Transient,
    /// Bytes of the loaded local files, kept while small enough to embed in a share link.
    pub local_files: StoredValue<Option<Arc<crate::view_state::embed::NamedFiles>>>,
    /// The comparison: the baseline load A and what is derived from both loads.
    pub compare: CompareShell,
}

/// A large derived value compared by identity, so memos never compare their contents.
pub struct Shared<T>(pub Arc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Shared<T> {
    /// Wraps a freshly derived value.
    pub fn new(value: T) -> Self {
        Shared(Arc::new(value))
    }
}

impl AppState {
    /// The theme shown (tracked): the one picked, else the system's.
    pub fn theme(&self) -> Theme {
        Theme::effective(self.fields.theme.get(), self.transient.system_dark.get())
    }

    /// The theme shown, untracked (for painting inside an effect that tracks `theme`).
    pub fn theme_untracked(&self) -> Theme {
        Theme::effective(
            self.fields.theme.get_untracked(),
            self.transient.system_dark.get_untracked(),
        )
    }

    /// Fresh state.
    pub fn new() -> Self {
        let trace: RwSignal<Loaded> = RwSignal::new(None);
        let view = RwSignal::new(ViewState::default());
        let fields = ViewFields::new(view);
        let compare = CompareShell::new(trace, fields);
        AppState {
            trace,
            view,
            fields,
            derived: Derivations::new(trace, compare.baseline, fields),
            load: RwSignal::new(LoadStatus::default()),
            transient: Transient {
                painted_generation: RwSignal::new(0),
                geometry: RwSignal::new(Geometry::for_viewport(1200.0, 600.0, 0.0)),
                cancel_requested: RwSignal::new(false),
                share: RwSignal::new(None),
                help_open: RwSignal::new(false),
                system_dark: RwSignal::new(false),
            },
            local_files: StoredValue::new(None),
            compare,
        }
    }
}
