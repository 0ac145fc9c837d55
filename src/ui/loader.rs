//! Loads dropped files and URLs off the main thread: a parse worker (`parse_worker`, started by
//! `worker_pool`) streams and parses them and hands back the built trace as transferable buffers
//! (`ingest::transfer`); the page only decodes them into exact-size tables and installs the
//! trace. Progress comes as messages; Cancel terminates the worker at once, and so does a newer
//! load; a worker that dies ends its load with a message. Invariant: the page never runs a parse
//! slice, and the trace shown changes only when a load finished: Cancel, a crash or a failed
//! decode leave the previous one on screen.

use super::browser::{after_next_frame, now_ms};
use super::commands::reveal;
use super::fetch::DEFAULT_STALL_MS;
use super::load_run::{run, Limits};
use super::messages::{JobInput, Timings};
use super::state::{AppState, LoadPhase, LoadStatus};
use crate::ingest::WEB_BUDGET_BYTES;
use crate::model::Trace;
use crate::view_state::embed::NamedFiles;
use crate::view_state::{file_mismatches, FileRef};
use leptos::prelude::*;
use std::cell::RefCell;
use std::sync::Arc;

/// One thing to read.
pub enum Input {
    /// A dropped or picked file.
    File(web_sys::File),
    /// A URL (http/https, or a path relative to the app for the bundled example).
    Url(String),
    /// Bytes already in memory (data embedded in a share link).
    Bytes(String, Vec<u8>),
}

/// Local files up to this total size are kept in memory so a share link can embed them.
pub const RETAIN_LIMIT_BYTES: usize = 4 * 1024 * 1024;

/// Sources above this size show a progress bar with Cancel.
pub const PROGRESS_THRESHOLD_BYTES: u64 = 5_000_000;

static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The load running now: its number and handles to stop its workers.
struct Running {
    id: u64,
    workers: Vec<web_sys::Worker>,
}

thread_local! {
    static RUNNING: RefCell<Option<Running>> = const { RefCell::new(None) };
}

fn next_id() -> u64 {
    static LOADS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    LOADS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
}

/// True while load `id` is the one running (not cancelled, not superseded).
fn is_current(id: u64) -> bool {
    RUNNING.with(|r| r.borrow().as_ref().is_some_and(|r| r.id == id))
}

/// Stops the running load's workers, if any, and forgets the load.
fn stop_running() {
    if let Some(r) = RUNNING.with(|r| r.borrow_mut().take()) {
        for w in r.workers {
            w.terminate();
        }
    }
}

/// Registers a worker of load `id` (or stops it at once when that load is over).
fn register(id: u64, worker: web_sys::Worker) {
    RUNNING.with(|r| match r.borrow_mut().as_mut() {
        Some(r) if r.id == id => r.workers.push(worker),
        _ => worker.terminate(),
    });
}

/// Cancels the running load at once (its worker is terminated); the trace shown stays.
pub fn cancel_load(state: AppState) {
    state.transient.cancel_requested.set(true);
    if RUNNING.with(|r| r.borrow().is_none()) {
        return;
    }
    stop_running();
    let kept = state.trace.with_untracked(|t| t.is_some());
    state.load.set(LoadStatus {
        phase: if kept {
            LoadPhase::Done
        } else {
            LoadPhase::Idle
        },
        message: if kept {
            "Loading cancelled; the trace shown is the one before".into()
        } else {
            "Loading cancelled; nothing was changed".into()
        },
        ..LoadStatus::default()
    });
    if kept {
        // the trace shown is drawn already: ready again
        state.transient.painted_generation.update(|_| {});
    }
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::File(f) => f.name(),
            Input::Url(u) => u.clone(),
            Input::Bytes(n, _) => n.clone(),
        }
    }

    /// Its size, when known before reading.
    fn size(&self) -> Option<u64> {
        match self {
            Input::File(f) => Some(f.size() as u64),
            Input::Bytes(_, b) => Some(b.len() as u64),
            Input::Url(_) => None,
        }
    }

    fn into_job_input(self) -> JobInput {
        match self {
            Input::File(f) => JobInput::File(f),
            Input::Url(u) => JobInput::Url(u),
            Input::Bytes(n, b) => JobInput::Bytes(n, b),
        }
    }
}

/// How long a URL may send nothing before its read is given up, ms (the link's `timeout=`).
fn stall_ms(state: AppState) -> f64 {
    state
        .view
        .with_untracked(|v| v.timeout_s)
        .map_or(DEFAULT_STALL_MS, |s| f64::from(s) * 1000.0)
}

/// Loads inputs into a fresh trace and installs it; `sources` are the URLs for the view state.
/// A load already running is stopped first.
pub fn start_load(state: AppState, inputs: Vec<Input>, sources: Vec<String>) {
    read_inputs(state, inputs, move |r| {
        state.local_files.set_value(r.retained.map(Arc::new));
        install(state, r.trace, (sources, r.files), r.elapsed_ms, r.bytes);
        state.load.update(|l| l.timings = r.timings);
    });
}

/// What reading some inputs gave: the trace and what the shell keeps besides it.
pub struct ReadResult {
    /// The trace built from them.
    pub trace: Trace,
    /// Local files' bytes while small enough to embed in a share link.
    pub retained: Option<NamedFiles>,
    /// Name, size and fingerprint of each local file.
    pub files: Vec<FileRef>,
    /// From the start of loading to the trace being built, ms.
    pub elapsed_ms: f64,
    /// Bytes read.
    pub bytes: u64,
    /// Where the time went, `key=ms;...` (see `LoadStatus::timings`).
    pub timings: String,
}

/// Reads inputs into a fresh trace in the background, with progress and Cancel in the load
/// status, and hands it to `done`: the one reading path, whichever slot the trace then fills
/// (the loaded sources, or a comparison's baseline). Nothing happens for no inputs; a
/// cancelled or failed read changes nothing. A read already running is stopped first.
pub fn read_inputs(state: AppState, inputs: Vec<Input>, done: impl FnOnce(ReadResult) + 'static) {
    if inputs.is_empty() {
        return;
    }
    stop_running();
    let id = next_id();
    RUNNING.with(|r| {
        *r.borrow_mut() = Some(Running {
            id,
            workers: Vec::new(),
        })
    });
    state.transient.cancel_requested.set(false);
    let total = inputs.iter().map(Input::size).sum::<Option<u64>>();
    let names: Vec<String> = inputs.iter().map(Input::name).collect();
    state.load.set(LoadStatus {
        phase: LoadPhase::Loading,
        message: format!("Reading {}", names.join(", ")),
        bytes_read: 0,
        bytes_total: total,
        ..LoadStatus::default()
    });
    let any_url = inputs.iter().any(|i| matches!(i, Input::Url(_)));
    let limits = Limits {
        retain_limit: if any_url {
            0
        } else {
            RETAIN_LIMIT_BYTES as u64
        },
        stall_ms: stall_ms(state),
        budget_bytes: WEB_BUDGET_BYTES as f64,
    };
    let inputs: Vec<JobInput> = inputs.into_iter().map(Input::into_job_input).collect();
    leptos::task::spawn_local(async move {
        let started = now_ms();
        let result = run(state, inputs, limits, &|w| register(id, w)).await;
        // the decode was one task; installing (and deriving the views) is the next
        after_next_frame().await;
        if !is_current(id) {
            return; // cancelled, or a newer load took over
        }
        stop_running();
        match result {
            Ok(read) => {
                let timings = format!(
                    "{};decode={:.0};transfer={:.0}",
                    split_text(&read.timings),
                    read.decode_ms,
                    read.transfer_ms
                );
                let bytes = read.trace.sources().iter().map(|s| s.bytes).sum();
                done(ReadResult {
                    trace: read.trace,
                    retained: read.retained,
                    files: read.refs,
                    elapsed_ms: now_ms() - started,
                    bytes,
                    timings,
                });
            }
            Err(why) => state.load.set(LoadStatus {
                phase: LoadPhase::Error,
                message: format!("Loading stopped: {why}. The trace shown is the one before"),
                ..LoadStatus::default()
            }),
        }
    });
}

fn split_text(t: &Timings) -> String {
    format!(
        "wait={:.0};parse={:.0};build={:.0};encode={:.0};bytes={:.0}",
        t.wait_ms, t.parse_ms, t.build_ms, t.encode_ms, t.bytes
    )
}

/// The status line after a load: what loaded, or why nothing did.
pub fn outcome(trace: &Trace, elapsed_ms: f64) -> (LoadPhase, String) {
    let spans = trace.span_count();
    let problems = trace.problem_count();
    let empty = spans == 0
        && trace.lineage().is_empty()
        && trace.assets().is_empty()
        && trace.logs().is_empty();
    if empty {
        let message = match (trace.diagnostics().first(), problems) {
            (Some(d), 1) => format!("Nothing could be loaded: {d}"),
            (Some(d), n) => format!(
                "Nothing could be loaded: {d} (and {} more problem(s), listed under \"problems\")",
                n - 1
            ),
            (None, _) => "Nothing could be loaded: the sources hold no spans".to_string(),
        };
        return (LoadPhase::Error, message);
    }
    let noted = if problems > 0 {
        format!(", {problems} problem(s)")
    } else {
        String::new()
    };
    let sources = trace.sources().len();
    let message =
        format!("Loaded {spans} spans from {sources} source(s) in {elapsed_ms:.0} ms{noted}");
    (LoadPhase::Done, message)
}

/// The files a link expects that differ from the ones loaded (only for the first load after
/// opening the page: later drops simply replace the data).
fn link_mismatches(state: AppState, files: &[FileRef]) -> Vec<String> {
    let required = if state.trace.with_untracked(|t| t.is_none()) {
        state.view.with_untracked(|v| v.files.clone())
    } else {
        Vec::new()
    };
    if required.is_empty() || files.is_empty() {
        Vec::new()
    } else {
        file_mismatches(&required, files)
    }
}

/// Makes a freshly built trace the loaded one and applies the pending view (selection); the
/// view's sources become `sources` and `files` (an MLflow load sets its traces after this).
pub(super) fn install(
    state: AppState,
    trace: Trace,
    (sources, files): (Vec<String>, Vec<FileRef>),
    elapsed_ms: f64,
    bytes: u64,
) {
    let (phase, message) = outcome(&trace, elapsed_ms);
    // a link made with local files applies its view only to the same files
    let mismatches = link_mismatches(state, &files);
    let message = if mismatches.is_empty() {
        message
    } else {
        format!(
            "{message}. Not the files of the link: {}; its view was not applied",
            mismatches.join("; ")
        )
    };
    let generation = GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    let trace = Arc::new(trace);
    state.view.update(|v| {
        v.sources = sources;
        v.files = files;
        v.mlflow = v.mlflow.take().filter(|m| !m.opens_traces());
        if !mismatches.is_empty() {
            v.window = None;
            v.clear_selection();
        }
        // a selection in a comparison's baseline stays: it names a span of the other load
        if v.selected_span(&trace).is_none() && !v.compare.selected_in_baseline {
            v.clear_selection();
        }
        v.window = v.window.filter(|_| phase == LoadPhase::Done);
    });
    state.transient.geometry.update(|g| g.scroll_top_px = 0.0);
    state.trace.set(Some((generation, trace.clone())));
    state.load.set(LoadStatus {
        phase,
        message,
        bytes_read: bytes,
        bytes_total: Some(bytes),
        elapsed_ms,
        timings: String::new(),
    });
    if let Some(selected) = state.view.with_untracked(|v| v.selected_span(&trace)) {
        reveal(state, &trace, selected);
    }
}

/// Why a fetch failed, in words a user can act on (for `follow_poll`'s gloo requests).
pub(super) async fn explain_fetch_failure(url: &str, err: &gloo_net::Error) -> String {
    super::fetch::explain_fetch_failure(url, &err.to_string()).await
}
