//! `AppState`: the reactive state, provided once as context. Three kinds, kept apart:
//! shareable (`view`, mirrored in the URL), loaded (`trace`, `load`), and transient (scroll,
//! hover, paint bookkeeping). The model itself holds no signals.

use crate::layout::rows::{visible_rows, Row};
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
    /// Diagnostics panel open (transient).
    pub diagnostics_open: RwSignal<bool>,
    /// Visible rows, derived from the trace and the expansion.
    pub rows: Memo<Option<SharedRows>>,
}

/// Rows compared by identity, so a memo of them never compares a million rows.
#[derive(Clone)]
pub struct SharedRows(pub Arc<Vec<Row>>);

impl PartialEq for SharedRows {
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
        let rows =
            Memo::new(move |_| trace.with(|t| t.as_ref().map(|(_, t)| SharedRows(Arc::new(expansion.with(|e| visible_rows(t, e)))))));
        AppState {
            trace,
            view,
            rows,
            load: RwSignal::new(LoadStatus::default()),
            painted_generation: RwSignal::new(0),
            scroll_top_px: RwSignal::new(0.0),
            cancel_requested: RwSignal::new(false),
            diagnostics_open: RwSignal::new(false),
        }
    }
}
