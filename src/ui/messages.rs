//! The messages between the page and its parse workers, as plain JS objects: a job (what to
//! read, with the limits), the worker's progress, and its result (the transfer format's buffers,
//! moved, not copied, plus each local file's fingerprint). Both sides build and read them here
//! only, so the protocol has one definition. Invariant: reading a message never panics; a field
//! that is missing or of the wrong type reads as absent.

use crate::view_state::FileRef;

/// Local files' bytes, each with its place in the load.
pub type Placed = Vec<(u32, (String, Vec<u8>))>;
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// One thing a worker reads.
pub enum JobInput {
    /// A dropped or picked file (structured-cloned: the worker reads it itself).
    File(web_sys::File),
    /// A URL, fetched by the worker.
    Url(String),
    /// Bytes already in memory (data embedded in a link), named.
    Bytes(String, Vec<u8>),
}

/// What a parse worker is asked to do.
pub struct Job {
    /// What to read, in order, each with its place in the whole load.
    pub inputs: Vec<(u32, JobInput)>,
    /// Hand back a partial read (unlinked, for a merge) instead of a built trace.
    pub partial: bool,
    /// Keep local files' bytes (for share links) while they total at most this many bytes.
    pub retain_limit: u64,
    /// Give up on a URL after this long without a byte, ms.
    pub stall_ms: f64,
    /// Stop reading once the trace's tables take this many bytes.
    pub budget_bytes: f64,
}

/// The result of a parse: the trace's buffers and what the page keeps besides.
pub struct Done {
    /// The transfer format's buffers (`ingest::transfer`), in order.
    pub buffers: Vec<Vec<u8>>,
    /// Name, size and fingerprint of each local file read, with its place in the load.
    pub refs: Vec<(u32, FileRef)>,
    /// Local files' bytes (with their places), when they were small enough to keep.
    pub retained: Option<Placed>,
    /// Where the worker's time went, ms: waiting for bytes, parsing, building, encoding.
    pub timings: Timings,
}

/// Where a load's time went, ms.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    /// Waiting for bytes (network, disk).
    pub wait_ms: f64,
    /// Parsing them into tables.
    pub parse_ms: f64,
    /// Linking, repairing, deriving the indices.
    pub build_ms: f64,
    /// Encoding into the transfer format.
    pub encode_ms: f64,
    /// When the worker posted the result (`performance.timeOrigin + now()`).
    pub posted_at_ms: f64,
    /// Bytes read.
    pub bytes: f64,
}

fn set(o: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(o, &key.into(), &value.into());
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn number(o: &JsValue, key: &str) -> f64 {
    get(o, key).as_f64().unwrap_or(0.0)
}

/// A message of this `kind` with its fields set by `fill`.
fn message(kind: &str, fill: impl FnOnce(&Object)) -> Object {
    let o = Object::new();
    set(&o, "type", kind);
    fill(&o);
    o
}

/// The `type` of a message ("" when it has none).
pub fn kind_of(message: &JsValue) -> String {
    get(message, "type").as_string().unwrap_or_default()
}

/// Copies bytes into a fresh `ArrayBuffer` (one copy out of wasm memory).
pub fn array_buffer(bytes: &[u8]) -> ArrayBuffer {
    Uint8Array::from(bytes).buffer()
}

/// Copies an `ArrayBuffer` (or a view of one) into wasm memory.
pub fn bytes_of(buffer: &JsValue) -> Vec<u8> {
    if buffer.is_undefined() || buffer.is_null() {
        return Vec::new();
    }
    Uint8Array::new(buffer).to_vec()
}

/// The first message to a worker: the compiled module of this very wasm.
pub fn boot(module: &JsValue) -> Object {
    message("boot", |o| set(o, "module", module.clone()))
}

/// A worker saying its Rust side is listening.
pub fn ready() -> Object {
    message("ready", |_| {})
}

/// Progress: bytes read, of the total when known.
pub fn progress(read: u64, total: Option<u64>) -> Object {
    message("progress", |o| {
        set(o, "read", read as f64);
        if let Some(t) = total {
            set(o, "total", t as f64);
        }
    })
}

/// Reads a progress message: (read, total).
pub fn read_progress(m: &JsValue) -> (u64, Option<u64>) {
    let total = get(m, "total").as_f64().map(|t| t as u64);
    (number(m, "read") as u64, total)
}

impl Job {
    /// The job as a message.
    pub fn to_message(&self) -> Object {
        message("parse", |o| {
            let inputs = Array::new();
            for (index, input) in &self.inputs {
                let i = Object::new();
                set(&i, "index", *index);
                match input {
                    JobInput::File(f) => set(&i, "file", f.clone()),
                    JobInput::Url(u) => set(&i, "url", u.as_str()),
                    JobInput::Bytes(name, bytes) => {
                        set(&i, "name", name.as_str());
                        set(&i, "bytes", Uint8Array::from(bytes.as_slice()));
                    }
                }
                inputs.push(&i);
            }
            set(o, "inputs", inputs);
            set(o, "partial", self.partial);
            set(o, "retainLimit", self.retain_limit as f64);
            set(o, "stallMs", self.stall_ms);
            set(o, "budget", self.budget_bytes);
        })
    }

    /// Reads a job message (inputs of no known shape are left out).
    pub fn from_message(m: &JsValue) -> Job {
        let inputs = Array::from(&get(m, "inputs"))
            .iter()
            .filter_map(|i| {
                let index = number(&i, "index") as u32;
                if let Ok(f) = get(&i, "file").dyn_into::<web_sys::File>() {
                    return Some((index, JobInput::File(f)));
                }
                if let Some(u) = get(&i, "url").as_string() {
                    return Some((index, JobInput::Url(u)));
                }
                let name = get(&i, "name").as_string()?;
                Some((index, JobInput::Bytes(name, bytes_of(&get(&i, "bytes")))))
            })
            .collect();
        Job {
            inputs,
            partial: get(m, "partial").as_bool().unwrap_or(false),
            retain_limit: number(m, "retainLimit") as u64,
            stall_ms: number(m, "stallMs"),
            budget_bytes: number(m, "budget"),
        }
    }
}

/// A merge job: the partial reads of the other workers, their buffers moved along.
pub fn merge_job(partials: &[Array]) -> (Object, Array) {
    let transfer = Array::new();
    let list = Array::new();
    for p in partials {
        for b in p.iter() {
            transfer.push(&b);
        }
        list.push(p);
    }
    (message("merge", |o| set(o, "partials", list)), transfer)
}

/// The partial reads of a merge job, still in JS memory.
pub fn partials_of(m: &JsValue) -> Vec<Array> {
    Array::from(&get(m, "partials"))
        .iter()
        .map(|p| Array::from(&p))
        .collect()
}

impl Done {
    /// The result as a message and the buffers to transfer with it; each buffer leaves wasm
    /// memory as it is copied out (the worker's copy is freed at once).
    pub fn into_message(self) -> (Object, Array) {
        let transfer = Array::new();
        for b in self.buffers {
            transfer.push(&array_buffer(&b));
        }
        let refs = Array::new();
        for (index, r) in &self.refs {
            let o = Object::new();
            set(&o, "index", *index);
            set(&o, "name", r.name.as_str());
            set(&o, "bytes", r.bytes as f64);
            set(&o, "fingerprint", format!("{:016x}", r.fingerprint));
            refs.push(&o);
        }
        let retained = self.retained.map(|files| {
            let list = Array::new();
            for (index, (name, bytes)) in files {
                let o = Object::new();
                set(&o, "index", index);
                set(&o, "name", name);
                set(&o, "bytes", Uint8Array::from(bytes.as_slice()));
                list.push(&o);
            }
            list
        });
        let t = self.timings;
        let m = message("done", |o| {
            set(o, "buffers", transfer.clone());
            set(o, "refs", refs);
            set(o, "retained", retained.map_or(JsValue::NULL, JsValue::from));
            for (k, v) in [
                ("waitMs", t.wait_ms),
                ("parseMs", t.parse_ms),
                ("buildMs", t.build_ms),
                ("encodeMs", t.encode_ms),
                ("postedAt", t.posted_at_ms),
                ("bytes", t.bytes),
            ] {
                set(o, k, v);
            }
        });
        (m, transfer)
    }

    /// The buffers of a result message, still in JS memory (taken one at a time by the decoder).
    pub fn buffers_of(m: &JsValue) -> Array {
        Array::from(&get(m, "buffers"))
    }

    /// The refs, retained files and timings of a result message.
    pub fn extras_of(m: &JsValue) -> (Vec<(u32, FileRef)>, Option<Placed>, Timings) {
        let refs = Array::from(&get(m, "refs"))
            .iter()
            .map(|r| {
                let file = FileRef {
                    name: get(&r, "name").as_string().unwrap_or_default(),
                    bytes: number(&r, "bytes") as u64,
                    fingerprint: get(&r, "fingerprint")
                        .as_string()
                        .and_then(|h| u64::from_str_radix(&h, 16).ok())
                        .unwrap_or(0),
                };
                (number(&r, "index") as u32, file)
            })
            .collect();
        let retained = get(m, "retained");
        let retained = (!retained.is_null() && !retained.is_undefined()).then(|| {
            Array::from(&retained)
                .iter()
                .map(|f| {
                    let name = get(&f, "name").as_string().unwrap_or_default();
                    (
                        number(&f, "index") as u32,
                        (name, bytes_of(&get(&f, "bytes"))),
                    )
                })
                .collect()
        });
        let timings = Timings {
            wait_ms: number(m, "waitMs"),
            parse_ms: number(m, "parseMs"),
            build_ms: number(m, "buildMs"),
            encode_ms: number(m, "encodeMs"),
            posted_at_ms: number(m, "postedAt"),
            bytes: number(m, "bytes"),
        };
        (refs, retained, timings)
    }
}
