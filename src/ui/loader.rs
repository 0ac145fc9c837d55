//! Reads dropped files and URLs as streams of chunks (`Blob.stream()`, fetch bodies) into an
//! ingest `Session`, with progress, cancel, and a clear message per failed source. Invariant:
//! no source is ever turned into one JS string; failures become diagnostics, never panics.

use super::browser::{now_ms, yield_to_browser};
use super::commands::reveal;
use super::state::{AppState, LoadPhase, LoadStatus};
use crate::ingest::fingerprint::{fingerprint, Fingerprinter};
use crate::ingest::Session;
use crate::model::{DiagnosticKind, FileIdx, Trace};
use crate::view_state::embed::NamedFiles;
use crate::view_state::{file_mismatches, FileRef};
use gloo_net::http::Request;
use js_sys::{Reflect, Uint8Array};
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStream, ReadableStreamDefaultReader, RequestCredentials, RequestMode};

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

/// How long to parse before letting the browser paint progress, ms.
const SLICE_MS: f64 = 40.0;

static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

struct Progress {
    state: AppState,
    read: u64,
    total: Option<u64>,
    last_yield: f64,
}

impl Progress {
    async fn advance(&mut self, n: u64, what: &str) -> bool {
        self.read += n;
        let t = now_ms();
        if t - self.last_yield > SLICE_MS {
            let (read, total) = (self.read, self.total);
            let message = format!("Reading {what}");
            self.state.load.update(|l| {
                l.bytes_read = read;
                l.bytes_total = total;
                l.message = message;
            });
            yield_to_browser().await;
            self.last_yield = now_ms();
        }
        !self.state.transient.cancel_requested.get_untracked()
    }
}

/// Reads a stream into the session; `Ok(false)` when cancelled.
async fn pump(
    stream: ReadableStream,
    session: &mut Session,
    f: FileIdx,
    what: &str,
    progress: &mut Progress,
    mut copy: Option<&mut Vec<u8>>,
    mut fp: Option<&mut Fingerprinter>,
) -> Result<bool, JsValue> {
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let result = JsFuture::from(reader.read()).await?;
        if Reflect::get(&result, &"done".into())?
            .as_bool()
            .unwrap_or(true)
        {
            return Ok(true);
        }
        let chunk: Uint8Array = Reflect::get(&result, &"value".into())?.unchecked_into();
        buf.resize(chunk.length() as usize, 0);
        chunk.copy_to(&mut buf);
        session.feed(f, &buf);
        if let Some(c) = copy.as_deref_mut() {
            c.extend_from_slice(&buf);
        }
        if let Some(fp) = fp.as_deref_mut() {
            fp.update(&buf);
        }
        if !progress.advance(buf.len() as u64, what).await {
            let _ = JsFuture::from(reader.cancel()).await;
            return Ok(false);
        }
    }
}

fn js_message(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

/// Why a fetch failed, in words a user can act on.
pub(super) async fn explain_fetch_failure(url: &str, err: &gloo_net::Error) -> String {
    // A CORS refusal and a network failure look the same to fetch(). An opaque no-cors
    // request tells them apart: it succeeds when the server answered at all.
    let reachable = Request::get(url)
        .mode(RequestMode::NoCors)
        .credentials(RequestCredentials::Omit)
        .send()
        .await
        .is_ok();
    if reachable {
        format!(
            "the server answered but its response may not be read from this page (cross-origin request blocked): the server must send Access-Control-Allow-Origin ({err})"
        )
    } else {
        format!("network error: the server could not be reached ({err})")
    }
}

async fn read_url(url: &str, session: &mut Session, progress: &mut Progress) -> bool {
    let response = match Request::get(url)
        .credentials(RequestCredentials::Omit)
        .send()
        .await
    {
        Ok(r) => r,
        Err(e) => {
            let why = explain_fetch_failure(url, &e).await;
            session.source_failed(
                url,
                DiagnosticKind::FetchFailed,
                format!("could not fetch: {why}"),
            );
            return true;
        }
    };
    if !response.ok() {
        session.source_failed(
            url,
            DiagnosticKind::FetchFailed,
            format!(
                "HTTP error {} {}",
                response.status(),
                response.status_text()
            ),
        );
        return true;
    }
    if let Some(len) = response
        .headers()
        .get("content-length")
        .and_then(|v| v.parse::<u64>().ok())
    {
        progress.total = Some(progress.total.unwrap_or(0) + len);
    }
    let Some(body) = response.body() else {
        let f = session.begin_source(url);
        session.end_source(f);
        return true;
    };
    let f = session.begin_source(url);
    let result = pump(body, session, f, url, progress, None, None).await;
    session.end_source(f);
    match result {
        Ok(go_on) => go_on,
        Err(e) => {
            session.source_failed(
                url,
                DiagnosticKind::FetchFailed,
                format!("the download broke off: {}", js_message(&e)),
            );
            true
        }
    }
}

async fn read_file(
    file: &web_sys::File,
    session: &mut Session,
    progress: &mut Progress,
    retained: &mut Option<NamedFiles>,
    refs: &mut Vec<FileRef>,
) -> bool {
    let name = file.name();
    let f = session.begin_source(&name);
    let keep = retained.as_ref().is_some_and(|r| {
        r.iter().map(|(_, b)| b.len()).sum::<usize>() + file.size() as usize <= RETAIN_LIMIT_BYTES
    });
    let mut copy = Vec::new();
    let mut fp = Fingerprinter::default();
    let result = pump(
        file.stream(),
        session,
        f,
        &name,
        progress,
        keep.then_some(&mut copy),
        Some(&mut fp),
    )
    .await;
    session.end_source(f);
    let (bytes, fingerprint) = fp.finish();
    refs.push(FileRef {
        name: name.clone(),
        bytes,
        fingerprint,
    });
    match (keep, retained.as_mut()) {
        (true, Some(r)) => r.push((name.clone(), copy)),
        _ => *retained = None,
    }
    match result {
        Ok(go_on) => go_on,
        Err(e) => {
            session.source_failed(
                &name,
                DiagnosticKind::Truncated,
                format!("reading the file failed: {}", js_message(&e)),
            );
            true
        }
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
}

/// Loads inputs into a fresh trace and installs it; `sources` are the URLs for the view state.
pub fn start_load(state: AppState, inputs: Vec<Input>, sources: Vec<String>) {
    read_inputs(state, inputs, move |r| {
        state.local_files.set_value(r.retained.map(Arc::new));
        install(state, r.trace, (sources, r.files), r.elapsed_ms, r.bytes);
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
}

/// Reads inputs into a fresh trace in the background, with progress and Cancel in the load
/// status, and hands it to `done`: the one reading path, whichever slot the trace then fills
/// (the loaded sources, or a comparison's baseline). Nothing happens for no inputs; a
/// cancelled read changes nothing.
pub fn read_inputs(state: AppState, inputs: Vec<Input>, done: impl FnOnce(ReadResult) + 'static) {
    if inputs.is_empty() {
        return;
    }
    state.transient.cancel_requested.set(false);
    let total = inputs.iter().map(Input::size).sum::<Option<u64>>();
    let names: Vec<String> = inputs.iter().map(Input::name).collect();
    state.load.set(LoadStatus {
        phase: LoadPhase::Loading,
        message: format!("Reading {}", names.join(", ")),
        bytes_read: 0,
        bytes_total: total,
        elapsed_ms: 0.0,
    });
    leptos::task::spawn_local(async move {
        let started = now_ms();
        let mut progress = Progress {
            state,
            read: 0,
            total,
            last_yield: started,
        };
        yield_to_browser().await;
        let Some((session, read)) = read_all(&inputs, &mut progress).await else {
            state.load.set(LoadStatus {
                phase: LoadPhase::Idle,
                message: "Loading cancelled; nothing was changed".into(),
                ..LoadStatus::default()
            });
            return;
        };
        let trace = session.finish();
        done(ReadResult {
            trace,
            retained: read.retained,
            files: read.refs,
            elapsed_ms: now_ms() - started,
            bytes: progress.read,
        });
    });
}

/// What reading the inputs kept besides the trace.
struct Read {
    /// Local files' bytes while small enough to embed in a share link.
    retained: Option<NamedFiles>,
    /// Name, size and fingerprint of each local file.
    refs: Vec<FileRef>,
}

/// Reads every input into one session; `None` when cancelled.
async fn read_all(inputs: &[Input], progress: &mut Progress) -> Option<(Session, Read)> {
    let mut session = Session::new();
    // local files (dropped, or embedded in a link) are kept while small, for share links
    let mut read = Read {
        retained: inputs
            .iter()
            .all(|i| !matches!(i, Input::Url(_)))
            .then(Vec::new),
        refs: Vec::new(),
    };
    for input in inputs {
        let go_on = match input {
            Input::File(f) => {
                read_file(
                    f,
                    &mut session,
                    progress,
                    &mut read.retained,
                    &mut read.refs,
                )
                .await
            }
            Input::Url(u) => read_url(u, &mut session, progress).await,
            Input::Bytes(name, bytes) => {
                read_bytes(name, bytes, &mut session, &mut read);
                true
            }
        };
        if !go_on {
            return None;
        }
    }
    Some((session, read))
}

/// Reads bytes already in memory (data embedded in a link).
fn read_bytes(name: &str, bytes: &[u8], session: &mut Session, read: &mut Read) {
    let f = session.begin_source(name);
    for chunk in bytes.chunks(1 << 16) {
        session.feed(f, chunk);
    }
    session.end_source(f);
    let (size, fp) = fingerprint(bytes);
    read.refs.push(FileRef {
        name: name.to_string(),
        bytes: size,
        fingerprint: fp,
    });
    if let Some(r) = read.retained.as_mut() {
        r.push((name.to_string(), bytes.to_vec()));
    }
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
    });
    if let Some(selected) = state.view.with_untracked(|v| v.selected_span(&trace)) {
        reveal(state, &trace, selected);
    }
}
