//! Starting parse workers. A worker runs this same wasm: the page hands it the compiled module
//! (`wasm_bindgen::module()`), so nothing is downloaded or compiled twice, and the same code works
//! from a static host (the worker script `parse_worker-<hash>.js` beside `index.html`) and from
//! the single-file `skein.html` (its worker script is a Blob URL); either page names it in
//! `window.skeinParseWorker` (written by `scripts/single_file.mjs`). No SharedArrayBuffer: messages and transferred buffers only.
//! One worker is started ahead (`prewarm`) so the first load does not wait for it. Invariant: a
//! worker that dies (a trap, out of memory) becomes an event, never a page error.

use super::messages;
use futures::channel::mpsc::{unbounded, UnboundedReceiver, UnboundedSender};
use futures::future::{select, Either};
use futures::StreamExt;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

/// How long a worker may take to start, ms.
const START_MS: f64 = 20_000.0;

/// What a worker said.
pub enum Event {
    /// A message it posted.
    Message(JsValue),
    /// It died or could not start (why).
    Failed(String),
}

/// A started parse worker.
pub struct ParseWorker {
    worker: Worker,
    events: UnboundedReceiver<Event>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static WARM: RefCell<Option<ParseWorker>> = const { RefCell::new(None) };
}

/// The worker script the page names (its file, or the single-file page's Blob URL), else
/// `parse_worker.js` beside the page.
fn script_url() -> String {
    let window = web_sys::window();
    let blob = window
        .as_ref()
        .and_then(|w| js_sys::Reflect::get(w, &"skeinParseWorker".into()).ok())
        .and_then(|v| v.as_string());
    if let Some(url) = blob {
        return url;
    }
    let base = window
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default();
    web_sys::Url::new_with_base("parse_worker.js", &base)
        .map(|u| u.href())
        .unwrap_or_else(|_| "parse_worker.js".into())
}

fn forward(tx: &UnboundedSender<Event>, e: Event) {
    let _ = tx.unbounded_send(e);
}

impl ParseWorker {
    /// Starts a worker and waits until its Rust side listens.
    pub async fn start() -> Result<ParseWorker, String> {
        // a classic worker: a module worker cannot start from a Blob URL in a file:// page
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Classic);
        let worker = Worker::new_with_options(&script_url(), &options)
            .map_err(|e| format!("the parse worker could not be started ({e:?})"))?;
        let (tx, events) = unbounded();
        let on_message = {
            let tx = tx.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
                forward(&tx, Event::Message(ev.data()))
            })
        };
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            ev.prevent_default();
            // an ErrorEvent names the error; a worker that could not load its script sends a
            // bare Event
            let what = js_sys::Reflect::get(&ev, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "it stopped".into());
            forward(&tx, Event::Failed(what))
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let mut w = ParseWorker {
            worker,
            events,
            _on_message: on_message,
            _on_error: on_error,
        };
        w.post(&messages::boot(&wasm_bindgen::module()), None);
        let first = {
            let timeout = Box::pin(super::fetch::sleep_ms(START_MS));
            match select(Box::pin(w.next()), timeout).await {
                Either::Left((Event::Message(m), _)) => Ok(messages::kind_of(&m)),
                Either::Left((Event::Failed(why), _)) => Err(why),
                Either::Right(_) => Err("it did not start within 20 s".to_string()),
            }
        };
        match first {
            Ok(kind) if kind == "ready" => Ok(w),
            Ok(kind) => Err(format!("the parse worker said {kind:?} instead of ready")),
            Err(why) => Err(format!("the parse worker could not start: {why}")),
        }
    }

    /// A started worker: the warm one if there is one, else a new one.
    pub async fn take() -> Result<ParseWorker, String> {
        match WARM.with(|w| w.borrow_mut().take()) {
            Some(w) => Ok(w),
            None => ParseWorker::start().await,
        }
    }

    /// Posts a message, moving the buffers in `transfer`.
    pub fn post(&self, message: &JsValue, transfer: Option<&js_sys::Array>) {
        let posted = match transfer {
            Some(t) => self.worker.post_message_with_transfer(message, t),
            None => self.worker.post_message(message),
        };
        if let Err(e) = posted {
            web_sys::console::error_1(&e);
        }
    }

    /// The next event (a worker whose channel closed has failed).
    pub async fn next(&mut self) -> Event {
        self.events
            .next()
            .await
            .unwrap_or_else(|| Event::Failed("it stopped".into()))
    }

    /// A handle that can stop the worker from elsewhere (Cancel).
    pub fn handle(&self) -> Worker {
        self.worker.clone()
    }
}

impl Drop for ParseWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// Starts one worker ahead, for the next load.
pub fn prewarm() {
    if WARM.with(|w| w.borrow().is_some()) {
        return;
    }
    wasm_bindgen_futures::spawn_local(async {
        if let Ok(w) = ParseWorker::start().await {
            WARM.with(|slot| {
                let mut slot = slot.borrow_mut();
                if slot.is_none() {
                    *slot = Some(w);
                }
            });
        }
    });
}
