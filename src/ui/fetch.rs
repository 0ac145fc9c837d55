//! Fetching a URL as a stream of chunks, in the page or in a worker (only the global scope's
//! `fetch`, `setTimeout` and `performance` are used), with a stall timeout: the response and
//! every read wait at most so long for a byte, then the request is aborted and the caller told
//! how far it got. Requests never carry credentials. Invariant: no wait here is unbounded.

use js_sys::{Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, ReadableStreamDefaultReader, RequestCredentials, RequestInit,
    RequestMode,
};

/// How long a URL may send nothing before its read is given up, by default, ms.
pub const DEFAULT_STALL_MS: f64 = 30_000.0;

/// `performance.timeOrigin + performance.now()`, ms: comparable between the page and workers.
pub fn epoch_ms() -> f64 {
    let performance = Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok());
    performance.map_or(0.0, |p| p.time_origin() + p.now())
}

/// A promise resolved with `value` after `ms` (the global `setTimeout`).
fn after(ms: f64, value: JsValue) -> Promise {
    Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout = Reflect::get(&global, &"setTimeout".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        let bound = resolve.bind1(&JsValue::NULL, &value);
        if let Some(f) = set_timeout {
            let _ = f.call2(&global, &bound, &ms.into());
        }
    })
}

/// Waits `ms`.
pub async fn sleep_ms(ms: f64) {
    let _ = JsFuture::from(after(ms, JsValue::UNDEFINED)).await;
}

/// Awaits `promise` for at most `ms`: `Ok(None)` when the time ran out first.
pub async fn within(promise: Promise, ms: f64) -> Result<Option<JsValue>, JsValue> {
    let timed_out = js_sys::Object::new();
    let race = Promise::race(&js_sys::Array::of2(
        &promise,
        &after(ms, timed_out.clone().into()),
    ));
    let v = JsFuture::from(race).await?;
    Ok((!js_sys::Object::is(&v, &timed_out)).then_some(v))
}

/// An error's message.
pub fn js_message(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

/// The global `fetch(url, {credentials: omit, mode, signal})` (page or worker).
fn fetch(url: &str, mode: RequestMode, signal: Option<&AbortSignal>) -> Promise {
    let init = RequestInit::new();
    init.set_credentials(RequestCredentials::Omit);
    init.set_mode(mode);
    if let Some(s) = signal {
        init.set_signal(Some(s));
    }
    let global = js_sys::global();
    let call = Reflect::get(&global, &"fetch".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .map(|f| f.call2(&global, &url.into(), &init));
    match call {
        Some(Ok(p)) => p.unchecked_into(),
        Some(Err(e)) => Promise::reject(&e),
        None => Promise::reject(&"fetch is not available here".into()),
    }
}

/// Why a fetch failed, in words a user can act on.
pub async fn explain_fetch_failure(url: &str, err: &str) -> String {
    // A CORS refusal and a network failure look the same to fetch(). An opaque no-cors
    // request tells them apart: it succeeds when the server answered at all.
    let probe = fetch(url, RequestMode::NoCors, None);
    let reachable = matches!(within(probe, 5_000.0).await, Ok(Some(_)));
    if reachable {
        format!(
            "the server answered but its response may not be read from this page (cross-origin request blocked): the server must send Access-Control-Allow-Origin ({err})"
        )
    } else {
        format!("network error: the server could not be reached ({err})")
    }
}

/// Why a URL could not be read (to the end).
pub enum FetchError {
    /// Nothing came for the stall time: before the response, or after `bytes` of the body.
    Stalled {
        /// Body bytes received before it stalled (None: not even the response came).
        bytes: Option<u64>,
    },
    /// The request failed (network, CORS, HTTP status), said in words.
    Failed(String),
}

/// A response being read.
pub struct Body {
    reader: ReadableStreamDefaultReader,
    abort: AbortController,
    /// `Content-Length`, when sent.
    pub length: Option<u64>,
    stall_ms: f64,
    read: u64,
}

/// Starts fetching `url`; fails when no response (headers) comes within `stall_ms`.
pub async fn open(url: &str, stall_ms: f64) -> Result<Option<Body>, FetchError> {
    let abort = AbortController::new().map_err(|e| FetchError::Failed(js_message(&e)))?;
    let sent = fetch(url, RequestMode::Cors, Some(&abort.signal()));
    let response: web_sys::Response = match within(sent, stall_ms).await {
        Ok(Some(r)) => r.unchecked_into(),
        Ok(None) => {
            abort.abort();
            return Err(FetchError::Stalled { bytes: None });
        }
        Err(e) => {
            let why = js_message(&e);
            return Err(FetchError::Failed(format!(
                "could not fetch: {}",
                explain_fetch_failure(url, &why).await
            )));
        }
    };
    if !response.ok() {
        return Err(FetchError::Failed(format!(
            "HTTP error {} {}",
            response.status(),
            response.status_text()
        )));
    }
    let length = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.parse::<u64>().ok());
    let Some(stream) = response.body() else {
        return Ok(None);
    };
    Ok(Some(Body {
        reader: stream.get_reader().unchecked_into(),
        abort,
        length,
        stall_ms,
        read: 0,
    }))
}

impl Body {
    /// The next chunk, `None` at the end; gives up (and aborts the request) after the stall
    /// time without a byte.
    pub async fn next(&mut self) -> Result<Option<Uint8Array>, FetchError> {
        match within(self.reader.read(), self.stall_ms).await {
            Ok(Some(result)) => {
                let done = Reflect::get(&result, &"done".into())
                    .ok()
                    .and_then(|d| d.as_bool())
                    .unwrap_or(true);
                if done {
                    return Ok(None);
                }
                let chunk: Uint8Array = Reflect::get(&result, &"value".into())
                    .map_err(|e| FetchError::Failed(js_message(&e)))?
                    .unchecked_into();
                self.read += u64::from(chunk.length());
                Ok(Some(chunk))
            }
            Ok(None) => {
                self.stop();
                Err(FetchError::Stalled {
                    bytes: Some(self.read),
                })
            }
            Err(e) => Err(FetchError::Failed(format!(
                "the download broke off: {}",
                js_message(&e)
            ))),
        }
    }

    /// Aborts the request (a stopped or cancelled read).
    pub fn stop(&self) {
        let _ = self.reader.cancel();
        self.abort.abort();
    }
}
