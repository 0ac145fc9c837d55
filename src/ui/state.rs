//! `AppState`: the reactive state, provided once as context. Three kinds, kept apart:
//! shareable (`view`, mirrored in the URL), loaded (`trace`, `load`), and transient (scroll,
//! hover, paint bookkeeping). The model itself holds no signals.

use crate::analysis::failures::{failures, Failure};
use crate::analysis::flowmesh::{analyze, FlowMeshAnalysis};
use crate::analysis::llm::{llm_summary, LlmSummary};
use crate::analysis::span_critical_path::{
    sections_by_span, workflow_critical_path, Rules, SectionsBySpan,
};
use crate::layout::dag::{layout, DagLayout};
use crate::layout::palette::Palette;
use crate::layout::rows::{visible_rows, Row};
use crate::layout::span_notes::SpanNotes;
use crate::model::Trace;
use crate::view_state::{Expansion, ViewState};
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
}

/// All reactive state of the app.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The loaded trace (loaded state), with a generation number that changes per load.
    pub trace: RwSignal<Option<(u64, Arc<Trace>)>>,
    /// The shareable view state.
    pub view: RwSignal<ViewState>,
    /// Load progress (loaded state).
    pub load: RwSignal<LoadStatus>,
    /// Generation of the trace whose first timeline frame has been painted (transient).
    pub painted_generation: RwSignal<u64>,
    /// Vertical scroll of the waterfall, logical px (transient).
    pub scroll_top_px: RwSignal<f64>,
    /// Set to true to ask a running load to stop (transient).
    pub cancel_requested: RwSignal<bool>,
    /// Bytes of the loaded local files, kept while small enough to embed in a share link.
    pub local_files: StoredValue<Option<Arc<crate::view_state::embed::NamedFiles>>>,
    /// The share popover's content, when open (transient).
    pub share: RwSignal<Option<(String, String)>>,
    /// Visible rows, derived from the trace and the expansion.
    pub rows: Memo<Option<Shared<Vec<Row>>>>,
    /// FlowMesh-compatible analysis of the loaded trace.
    pub analysis: Memo<Option<Shared<FlowMeshAnalysis>>>,
    /// Layout of the lineage DAG.
    pub dag: Memo<Option<Shared<DagLayout>>>,
    /// Critical sections by span, while the critical path is shown.
    pub critical: Memo<Option<Shared<SectionsBySpan>>>,
    /// LLM usage and cost.
    pub llm: Memo<Option<Shared<LlmSummary>>>,
    /// Every failed span.
    pub failures: Memo<Option<Shared<Vec<Failure>>>>,
    /// Colours of the loaded trace.
    pub palette: Memo<Option<Shared<Palette>>>,
    /// Data ids and tokens the waterfall shows beside names and durations.
    pub notes: Memo<Option<Shared<SpanNotes>>>,
    /// Traces drawn each from its own start (asked in the view, else decided by the data).
    pub aligned: Memo<bool>,
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

impl AppState {
    /// Fresh state.
    pub fn new() -> Self {
        let trace: RwSignal<Option<(u64, Arc<Trace>)>> = RwSignal::new(None);
        let view = RwSignal::new(ViewState::default());
        let expansion: Memo<Expansion> = Memo::new(move |_| view.with(|v| v.expansion.clone()));
        let rows = Memo::new(move |_| {
            trace.with(|t| {
                t.as_ref()
                    .map(|(_, t)| Shared(Arc::new(expansion.with(|e| visible_rows(t, e)))))
            })
        });
        let analysis = Memo::new(move |_| {
            trace.with(|t| t.as_ref().map(|(_, t)| Shared(Arc::new(analyze(t)))))
        });
        let dag = Memo::new(move |_| {
            analysis.with(|a| {
                a.as_ref()
                    .map(|a| Shared(Arc::new(layout(a.0.nodes.len(), &a.0.edges))))
            })
        });
        let critical_on = Memo::new(move |_| view.with(|v| v.critical_path));
        let critical = Memo::new(move |_| {
            if !critical_on.get() {
                return None;
            }
            let a = analysis.get()?;
            trace.with(|t| {
                t.as_ref().map(|(_, t)| {
                    Shared(Arc::new(sections_by_span(&workflow_critical_path(
                        t,
                        &a.0,
                        Rules::fixed(),
                    ))))
                })
            })
        });
        let llm = Memo::new(move |_| {
            trace.with(|t| t.as_ref().map(|(_, t)| Shared(Arc::new(llm_summary(t)))))
        });
        let failures = Memo::new(move |_| {
            trace.with(|t| t.as_ref().map(|(_, t)| Shared(Arc::new(failures(t)))))
        });
        let palette = Memo::new(move |_| {
            trace.with(|t| t.as_ref().map(|(_, t)| Shared(Arc::new(Palette::new(t)))))
        });
        let notes = Memo::new(move |_| {
            let llm = llm.get()?;
            trace.with(|t| {
                t.as_ref()
                    .map(|(_, t)| Shared(Arc::new(SpanNotes::new(t, &llm.0))))
            })
        });
        let asked = Memo::new(move |_| view.with(|v| v.align));
        let aligned = Memo::new(move |_| {
            trace.with(|t| {
                t.as_ref()
                    .is_some_and(|(_, t)| crate::layout::timeline::aligned(t, asked.get()))
            })
        });
        AppState {
            trace,
            palette,
            notes,
            aligned,
            llm,
            failures,
            view,
            rows,
            analysis,
            dag,
            critical,
            load: RwSignal::new(LoadStatus::default()),
            painted_generation: RwSignal::new(0),
            scroll_top_px: RwSignal::new(0.0),
            cancel_requested: RwSignal::new(false),
            local_files: StoredValue::new(None),
            share: RwSignal::new(None),
        }
    }
}
