//! The parse worker's side. The page starts a Web Worker with this same wasm (the compiled module
//! is handed over, see `worker_pool`); `install` takes over its messages. For each job it reads
//! the files, URLs and bytes into one ingest `Session` (streamed chunk by chunk, URLs with a
//! stall timeout, within the memory budget), reports progress, builds the trace and posts it
//! back in the transfer format, the buffers moved to the page. Invariant: the worker is the only
//! place that parses; the page never runs a parse slice. A trap here kills this worker only.

use super::fetch::{self, epoch_ms, js_message, FetchError};
use super::messages::{self, Done, Job, JobInput, Timings};
use crate::ingest::fingerprint::{fingerprint, Fingerprinter};
use crate::ingest::transfer::{decode_partial, encode_partial, encode_trace};
use crate::ingest::Session;
use crate::model::{DiagnosticKind, FileIdx};
use crate::view_state::FileRef;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, ReadableStreamDefaultReader};

/// Least time between two progress messages, ms.
const PROGRESS_EVERY_MS: f64 = 100.0;

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// True when this wasm runs in a worker (no window): it then serves jobs instead of mounting.
pub fn is_worker() -> bool {
    web_sys::window().is_none()
}

/// Serves jobs from the page, then says it is ready.
pub fn install() {
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|ev: MessageEvent| {
        let data = ev.data();
        match messages::kind_of(&data).as_str() {
            "parse" => wasm_bindgen_futures::spawn_local(parse(Job::from_message(&data))),
            "merge" => merge(&data),
            _ => {}
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope().post_message(&messages::ready());
}

/// Reads a job's inputs into a session, keeping count of bytes and time.
struct Reading {
    session: Session,
    read: u64,
    total: Option<u64>,
    last_post: f64,
    timings: Timings,
    refs: Vec<(u32, FileRef)>,
    retained: Option<messages::Placed>,
    retain_limit: u64,
    /// The input being read: its place in the load.
    input: u32,
}

impl Reading {
    /// Feeds a chunk; false once the session stopped at its budget.
    fn feed(&mut self, f: FileIdx, bytes: &[u8]) -> bool {
        let t = epoch_ms();
        self.session.feed(f, bytes);
        self.timings.parse_ms += epoch_ms() - t;
        self.read += bytes.len() as u64;
        if t - self.last_post > PROGRESS_EVERY_MS {
            self.last_post = t;
            let _ = scope().post_message(&messages::progress(self.read, self.total));
        }
        self.session.stop().is_none()
    }

    /// Keeps a local file's bytes for share links while the files stay small.
    fn keep(&mut self, name: &str, bytes: Option<Vec<u8>>) {
        let kept: u64 = self
            .retained
            .iter()
            .flatten()
            .map(|(_, (_, b))| b.len() as u64)
            .sum();
        match (bytes, self.retained.as_mut()) {
            (Some(b), Some(r)) if kept + b.len() as u64 <= self.retain_limit => {
                r.push((self.input, (name.to_string(), b)))
            }
            _ => self.retained = None,
        }
    }

    async fn file(&mut self, file: &web_sys::File) {
        let name = file.name();
        let f = self.session.begin_source(&name);
        let keep = self.retained.is_some() && file.size() as u64 <= self.retain_limit;
        let mut copy = keep.then(Vec::new);
        let mut fp = Fingerprinter::default();
        let reader: ReadableStreamDefaultReader = file.stream().get_reader().unchecked_into();
        loop {
            let t = epoch_ms();
            let result = wasm_bindgen_futures::JsFuture::from(reader.read()).await;
            self.timings.wait_ms += epoch_ms() - t;
            let chunk = match result {
                Ok(r) if !is_done(&r) => chunk_of(&r),
                Ok(_) => break,
                Err(e) => {
                    let why = format!("reading the file failed: {}", js_message(&e));
                    self.session
                        .source_failed(&name, DiagnosticKind::Truncated, why);
                    break;
                }
            };
            let bytes = chunk.to_vec();
            fp.update(&bytes);
            if let Some(c) = copy.as_mut() {
                c.extend_from_slice(&bytes);
            }
            if !self.feed(f, &bytes) {
                let _ = reader.cancel();
                break;
            }
        }
        self.session.end_source(f);
        let (bytes, fingerprint) = fp.finish();
        let file = FileRef {
            name: name.clone(),
            bytes,
            fingerprint,
        };
        self.refs.push((self.input, file));
        self.keep(&name, copy);
    }

    async fn url(&mut self, url: &str, stall_ms: f64) {
        let t = epoch_ms();
        let opened = fetch::open(url, stall_ms).await;
        self.timings.wait_ms += epoch_ms() - t;
        let mut body = match opened {
            Ok(Some(body)) => body,
            Ok(None) => {
                let f = self.session.begin_source(url);
                self.session.end_source(f);
                return;
            }
            Err(e) => return self.failed(url, e, stall_ms),
        };
        if let Some(len) = body.length {
            self.total = Some(self.total.unwrap_or(0) + len);
            // the page shows "read / total" from the first byte on
            let _ = scope().post_message(&messages::progress(self.read, self.total));
        }
        let f = self.session.begin_source(url);
        let mut bytes = Vec::new();
        loop {
            let t = epoch_ms();
            let next = body.next().await;
            self.timings.wait_ms += epoch_ms() - t;
            match next {
                Ok(Some(chunk)) => {
                    bytes.resize(chunk.length() as usize, 0);
                    chunk.copy_to(&mut bytes);
                    if !self.feed(f, &bytes) {
                        body.stop();
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    self.failed(url, e, stall_ms);
                    break;
                }
            }
        }
        self.session.end_source(f);
    }

    fn failed(&mut self, url: &str, e: FetchError, stall_ms: f64) {
        let seconds = stall_ms / 1000.0;
        let message = match e {
            FetchError::Failed(why) => why,
            FetchError::Stalled { bytes: None } => format!(
                "the server sent no answer within {seconds:.0} s; gave up (wait longer with timeout=<seconds> in the link, or the URL form's wait field)"
            ),
            FetchError::Stalled { bytes: Some(n) } => format!(
                "the server sent nothing for {seconds:.0} s after {:.1} MB; stopped reading, what came is kept (wait longer with timeout=<seconds> in the link, or the URL form's wait field)",
                n as f64 / 1e6
            ),
        };
        self.session
            .source_failed(url, DiagnosticKind::FetchFailed, message);
    }

    fn bytes(&mut self, name: &str, bytes: Vec<u8>) {
        let f = self.session.begin_source(name);
        for chunk in bytes.chunks(1 << 16) {
            if !self.feed(f, chunk) {
                break;
            }
        }
        self.session.end_source(f);
        let (size, fp) = fingerprint(&bytes);
        let file = FileRef {
            name: name.to_string(),
            bytes: size,
            fingerprint: fp,
        };
        self.refs.push((self.input, file));
        self.keep(name, Some(bytes));
    }
}

fn is_done(result: &JsValue) -> bool {
    Reflect::get(result, &"done".into())
        .ok()
        .and_then(|d| d.as_bool())
        .unwrap_or(true)
}

fn chunk_of(result: &JsValue) -> Uint8Array {
    Reflect::get(result, &"value".into())
        .map(JsCast::unchecked_into)
        .unwrap_or_else(|_| Uint8Array::new_with_length(0))
}

/// Total bytes of the inputs whose size is known before reading.
fn known_size(inputs: &[(u32, JobInput)]) -> Option<u64> {
    inputs
        .iter()
        .map(|(_, i)| match i {
            JobInput::File(f) => Some(f.size() as u64),
            JobInput::Bytes(_, b) => Some(b.len() as u64),
            JobInput::Url(_) => None,
        })
        .sum()
}

/// Runs a parse job and posts the result.
async fn parse(job: Job) {
    let mut session = Session::new();
    if job.budget_bytes > 0.0 {
        session.set_budget(job.budget_bytes as u64);
    }
    let total = known_size(&job.inputs);
    if let Some(t) = total {
        session.expect_bytes(t);
    }
    let all_local = job
        .inputs
        .iter()
        .all(|(_, i)| !matches!(i, JobInput::Url(_)));
    let mut r = Reading {
        session,
        read: 0,
        total,
        last_post: epoch_ms(),
        timings: Timings::default(),
        refs: Vec::new(),
        retained: all_local.then(Vec::new),
        retain_limit: job.retain_limit,
        input: 0,
    };
    for (index, input) in job.inputs {
        if r.session.stop().is_some() {
            break;
        }
        r.input = index;
        r.session.begin_input(index);
        match input {
            JobInput::File(f) => r.file(&f).await,
            JobInput::Url(u) => r.url(&u, job.stall_ms).await,
            JobInput::Bytes(name, bytes) => r.bytes(&name, bytes),
        }
        r.session.end_input();
    }
    post_result(r, job.partial);
}

/// Builds the trace (or, for a merge, the partial read), encodes it and posts it.
fn post_result(r: Reading, partial: bool) {
    let mut timings = r.timings;
    timings.bytes = r.read as f64;
    let t = epoch_ms();
    let buffers = if partial {
        let p = r.session.into_partial();
        timings.build_ms = epoch_ms() - t;
        encode_partial(&p)
    } else {
        let trace = r.session.finish();
        timings.build_ms = epoch_ms() - t;
        encode_trace(&trace).into_list()
    };
    timings.encode_ms = epoch_ms() - t - timings.build_ms;
    post_done(Done {
        buffers,
        refs: r.refs,
        retained: r.retained,
        timings,
    });
}

/// Merges the partial reads of a load's other workers into one trace and posts it.
fn merge(message: &JsValue) {
    let t = epoch_ms();
    let mut partials = Vec::new();
    for buffers in messages::partials_of(message) {
        let decoded = decode_partial(&mut |k| {
            let b = messages::bytes_of(&buffers.get(k as u32));
            buffers.set(k as u32, JsValue::UNDEFINED);
            b
        });
        match decoded {
            Ok(p) => partials.push(p),
            // the page hears of it as this worker's error
            Err(e) => wasm_bindgen::throw_str(&format!("the parts could not be merged: {e}")),
        }
    }
    let trace = crate::ingest::merge::merge(partials);
    let mut timings = Timings {
        build_ms: epoch_ms() - t,
        ..Timings::default()
    };
    let t = epoch_ms();
    let buffers = encode_trace(&trace).into_list();
    drop(trace);
    timings.encode_ms = epoch_ms() - t;
    post_done(Done {
        buffers,
        refs: Vec::new(),
        retained: None,
        timings,
    });
}

fn post_done(mut done: Done) {
    done.timings.posted_at_ms = epoch_ms();
    let (message, transfer) = done.into_message();
    if let Err(e) = scope().post_message_with_transfer(&message, &transfer) {
        web_sys::console::error_1(&e);
    }
}
