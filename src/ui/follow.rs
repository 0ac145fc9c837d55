//! Follow mode's state in the shell (`Follow`, provided as context) and how a new snapshot of a
//! followed load reaches the view: the trace is replaced under the same load generation, the
//! window keeps its instants and the top row its place (`layout::follow_view`), the selection and
//! folds stay (external ids), and the new spans are counted for the badge. The polling loops
//! live in `follow_poll` (URL sources) and `mlflow_load` (MLflow traces); each owns its session.

use super::loader::{start_load, Input};
use super::state::AppState;
use crate::layout::follow_view::{anchored_scroll_px, kept_window};
use crate::model::Trace;
use leptos::prelude::*;
use std::sync::Arc;

/// Time between polls, ms ("about a second").
pub const POLL_MS: u32 = 1_000;

/// Polls in a row without growth after which following stops (and says so): 20 s.
pub const QUIET_POLLS: u32 = 20;

/// Where following stands (`follow-status`'s `data-state`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FollowPhase {
    /// Not following.
    #[default]
    Off,
    /// Polling.
    Following,
    /// Polling paused by the user.
    Paused,
    /// Polling stopped by itself; why.
    Done(String),
}

impl FollowPhase {
    /// The hook's `data-state` (`None` while off).
    pub fn hook(&self) -> Option<&'static str> {
        match self {
            FollowPhase::Off => None,
            FollowPhase::Following => Some("following"),
            FollowPhase::Paused => Some("paused"),
            FollowPhase::Done(_) => Some("done"),
        }
    }
}

/// Follow mode's reactive state, one per app.
#[derive(Clone, Copy)]
pub struct Follow {
    /// Where it stands.
    pub phase: RwSignal<FollowPhase>,
    /// Spans that arrived since following began (or since the badge was clicked).
    pub new_spans: RwSignal<usize>,
    /// Slide the window to the end of the trace as it grows (the user's explicit choice).
    pub follow_end: RwSignal<bool>,
    /// The last poll's problem, if it had one (polling goes on).
    pub last_problem: RwSignal<Option<String>>,
    /// Bumped by every start and stop: a loop whose number is not current ends.
    epoch: RwSignal<u64>,
}

impl Follow {
    /// Creates the state and provides it as context.
    pub fn provide() -> Follow {
        let f = Follow {
            phase: RwSignal::new(FollowPhase::Off),
            new_spans: RwSignal::new(0),
            follow_end: RwSignal::new(false),
            last_problem: RwSignal::new(None),
            epoch: RwSignal::new(0),
        };
        provide_context(f);
        f
    }

    /// A new polling loop begins; returns its number.
    pub fn begin(self) -> u64 {
        let epoch = self.epoch.get_untracked() + 1;
        self.epoch.set(epoch);
        self.phase.set(FollowPhase::Following);
        self.new_spans.set(0);
        self.last_problem.set(None);
        epoch
    }

    /// Ends any polling loop.
    pub fn stop(self) {
        self.epoch.update(|e| *e += 1);
        self.phase.set(FollowPhase::Off);
    }

    /// True while the loop numbered `epoch` may go on.
    pub fn is_current(self, epoch: u64) -> bool {
        self.epoch.get_untracked() == epoch
    }

    /// True while the loop should skip its polls.
    pub fn is_paused(self) -> bool {
        self.phase.get_untracked() == FollowPhase::Paused
    }

    /// The loop stopped by itself.
    pub fn done(self, why: String) {
        self.phase.set(FollowPhase::Done(why));
    }
}

/// The generation of the loaded trace (0 when none): a loop ends when another load replaced its.
pub fn loaded_generation(state: AppState) -> u64 {
    state
        .trace
        .with_untracked(|t| t.as_ref().map_or(0, |(g, _)| *g))
}

/// Shows `next`, a later snapshot of the loaded trace, without moving anything by itself.
pub fn apply_snapshot(state: AppState, follow: Follow, next: Trace) {
    let Some((generation, prev)) = state.trace.get_untracked() else {
        return;
    };
    let aligned = state.derived.aligned.get_untracked();
    let window = state.fields.window.get_untracked();
    let kept = kept_window(
        &prev,
        &next,
        window,
        aligned,
        follow.follow_end.get_untracked(),
    );
    let prev_rows = state.derived.rows.get_untracked();
    let added = next.span_count().saturating_sub(prev.span_count());
    let message = format!(
        "Loaded {} spans from {} source(s), followed as they grow",
        next.span_count(),
        next.sources().len()
    );
    let next = Arc::new(next);
    state.trace.set(Some((generation, next.clone())));
    // the rows memo re-derives from the new trace once, here
    let next_rows = state.derived.rows.get_untracked();
    if let (Some(pr), Some(nr)) = (prev_rows, next_rows) {
        let g = state.transient.geometry.get_untracked();
        let top = anchored_scroll_px(
            (&prev, &pr.0),
            (&next, &nr.0),
            g.scroll_top_px,
            g.row_height_px,
        );
        let top = g.clamp_scroll(top, nr.0.len());
        if top != g.scroll_top_px {
            state.transient.geometry.update(|g| g.scroll_top_px = top);
        }
    }
    if kept.is_some() && kept != window {
        state.view.update(|v| v.window = kept);
    }
    if added > 0 {
        follow.new_spans.update(|n| *n += added);
    }
    state.load.update(|l| l.message = message);
}

/// Opens URL sources: followed when the view asks for it (`follow=1`), else read once.
pub fn open_urls(state: AppState, follow: Follow, urls: Vec<String>) {
    follow.stop();
    if state.view.with_untracked(|v| v.follow) {
        super::follow_poll::start(state, follow, urls, true);
    } else {
        start_load(state, urls.iter().cloned().map(Input::Url).collect(), urls);
    }
}

/// The Follow toggle turned on: follows what is loaded (its URLs or MLflow traces), reading
/// it once more from the start into a session of its own, keeping the view.
pub fn resume(state: AppState, follow: Follow) {
    state.view.update(|v| v.follow = true);
    let (urls, mlflow) = state
        .view
        .with_untracked(|v| (v.sources.clone(), v.mlflow.clone()));
    match mlflow.filter(|m| m.opens_traces()) {
        Some(link) => super::mlflow_load::open_traces(state, follow, link, false),
        None if !urls.is_empty() => super::follow_poll::start(state, follow, urls, false),
        None => {}
    }
}

/// The Follow toggle turned off.
pub fn turn_off(state: AppState, follow: Follow) {
    follow.stop();
    state.view.update(|v| v.follow = false);
}
