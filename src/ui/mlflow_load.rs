//! Opens traces of an MLflow tracking server, merged into one view: per trace its info (state,
//! previews, token usage, assessments) and its spans from get-trace-artifact, read by the same
//! MLflow reader as files. Traces still in progress are followed: every second their info and
//! spans are asked for again (`ingest::mlflow_follow`), and the view is re-read from the
//! documents when the server says more, keeping what the user looks at. Invariant: the view
//! state's `mlflow` field names exactly the traces shown.

use super::browser::now_ms;
use super::follow::{apply_snapshot, loaded_generation, Follow, POLL_MS, QUIET_POLLS};
use super::follow_poll::{next_turn, Turn};
use super::loader::install;
use super::mlflow_client::send;
use super::state::{AppState, LoadPhase, LoadStatus};
use crate::ingest::follow::StopReason;
use crate::ingest::mlflow_follow::TraceWatch;
use crate::ingest::mlflow_server::{parse_trace_info, trace_artifact, trace_info};
use crate::ingest::Session;
use crate::model::{DiagnosticKind, Trace};
use crate::view_state::MlflowLink;
use leptos::prelude::*;

/// A trace's source name, as diagnostics and format badges show it.
fn source_name(server: &str, trace_id: &str) -> String {
    format!("{trace_id} on {server}")
}

/// Asks for one trace's info, then its spans.
async fn fetch(server: &str, trace_id: &str) -> Result<TraceWatch, String> {
    let info = send(server, &trace_info(server, trace_id)).await?;
    let row = parse_trace_info(&info).map_err(|e| format!("{trace_id}: {e}"))?;
    let spans = send(server, &trace_artifact(server, trace_id)).await?;
    Ok(TraceWatch::new(row, spans))
}

/// The traces as last read, with the ones that could not be read.
struct Opened {
    server: String,
    watches: Vec<TraceWatch>,
    failed: Vec<(String, String)>,
}

impl Opened {
    /// The trace of every document (a trace that ended is a source that ended; one in progress
    /// stays open, so its orphans wait for their root without a diagnostic).
    fn trace(&self) -> Trace {
        let mut session = Session::new();
        for w in &self.watches {
            let name = source_name(&self.server, w.trace_id());
            match w.document() {
                Ok(doc) => {
                    let f = session.begin_source(&name);
                    session.feed(f, &doc);
                    if w.is_complete() {
                        session.end_source(f);
                    }
                }
                Err(e) => session.source_failed(&name, DiagnosticKind::FetchFailed, e.to_string()),
            }
        }
        for (name, why) in &self.failed {
            session.source_failed(name, DiagnosticKind::FetchFailed, why.clone());
        }
        if self.watches.iter().all(TraceWatch::is_complete) {
            session.finish()
        } else {
            session.snapshot()
        }
    }

    fn bytes(&self) -> u64 {
        self.watches.iter().map(TraceWatch::len_bytes).sum()
    }
}

/// Opens the link's MLflow traces at start-up, if it names any.
pub fn boot(state: AppState, follow: Follow) {
    let link = state.view.with_untracked(|v| v.mlflow.clone());
    if let Some(link) = link.filter(MlflowLink::opens_traces) {
        open_traces(state, follow, link, true);
    }
}

/// Opens `link`'s traces. `fresh`: a new load; else the loaded view is kept (Follow turned on).
pub fn open_traces(state: AppState, follow: Follow, link: MlflowLink, fresh: bool) {
    follow.stop();
    if fresh {
        state.load.set(LoadStatus {
            phase: LoadPhase::Loading,
            message: format!(
                "Reading {} trace(s) from the MLflow server at {}",
                link.traces.len(),
                link.server
            ),
            ..LoadStatus::default()
        });
    }
    leptos::task::spawn_local(async move {
        let started = now_ms();
        let mut opened = Opened {
            server: link.server.clone(),
            watches: Vec::new(),
            failed: Vec::new(),
        };
        for id in &link.traces {
            match fetch(&link.server, id).await {
                Ok(w) => opened.watches.push(w),
                Err(why) => opened.failed.push((source_name(&link.server, id), why)),
            }
        }
        let trace = opened.trace();
        if fresh {
            install(
                state,
                trace,
                (Vec::new(), Vec::new()),
                now_ms() - started,
                opened.bytes(),
            );
            state.local_files.set_value(None);
            state.view.update(|v| v.mlflow = Some(link));
        } else {
            apply_snapshot(state, follow, trace);
        }
        let in_progress = opened.watches.iter().any(|w| !w.is_complete());
        if in_progress {
            state.view.update(|v| v.follow = true);
        }
        if in_progress || state.view.with_untracked(|v| v.follow) {
            let epoch = follow.begin();
            follow_loop(state, follow, epoch, opened).await;
        }
    });
}

/// Why the loop stopped, in a sentence.
fn summary(opened: &Opened, failed_rounds: u32) -> String {
    if failed_rounds >= QUIET_POLLS {
        "Stopped following: the MLflow server stopped answering".to_string()
    } else if opened
        .watches
        .iter()
        .any(|w| w.stop(QUIET_POLLS) == Some(StopReason::NoGrowth))
    {
        format!(
            "Stopped following: nothing new on the server for {} s (Follow starts again)",
            QUIET_POLLS * POLL_MS / 1000
        )
    } else {
        "Done: every trace is complete".to_string()
    }
}

async fn follow_loop(state: AppState, follow: Follow, epoch: u64, mut opened: Opened) {
    let generation = loaded_generation(state);
    let mut failed_rounds = 0;
    loop {
        let all_stopped = opened.watches.iter().all(|w| w.stop(QUIET_POLLS).is_some());
        if all_stopped || failed_rounds >= QUIET_POLLS {
            follow.done(summary(&opened, failed_rounds));
            return;
        }
        match next_turn(state, follow, epoch, generation).await {
            Turn::Stop => return,
            Turn::Skip => continue,
            Turn::Poll => {}
        }
        let mut changed = false;
        let mut failed = false;
        let server = opened.server.clone();
        for w in opened.watches.iter_mut() {
            if w.stop(QUIET_POLLS).is_some() {
                continue;
            }
            match fetch(&server, w.trace_id()).await {
                Ok(now) => {
                    let (row, spans) = now.into_parts();
                    changed |= w.on_poll(row, spans);
                }
                Err(why) => {
                    failed = true;
                    follow.last_problem.set(Some(why));
                }
            }
        }
        failed_rounds = if failed { failed_rounds + 1 } else { 0 };
        if changed && follow.is_current(epoch) && loaded_generation(state) == generation {
            apply_snapshot(state, follow, opened.trace());
        }
    }
}
