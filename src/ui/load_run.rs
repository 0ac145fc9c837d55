//! Running a load on parse workers: one worker for one input; for several, up to one per core
//! (`navigator.hardwareConcurrency`, at most `MAX_WORKERS`), each reading its share (inputs
//! spread by size) into a partial read, then a fresh worker merging the parts into one trace.
//! The page only sums progress, moves buffers between workers and decodes the result. Every
//! worker is registered with the load (`on_start`) so Cancel can stop it at once.

use super::browser::now_ms;
use super::fetch::epoch_ms;
use super::messages::{self, Done, Job, JobInput, Placed, Timings};
use super::state::AppState;
use super::worker_pool::{Event, ParseWorker};
use crate::ingest::transfer::decode_trace;
use crate::model::Trace;
use crate::view_state::embed::NamedFiles;
use crate::view_state::FileRef;
use futures::future::{join_all, try_join_all};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// Most workers one load starts (each holds its share's tables while it reads).
const MAX_WORKERS: usize = 4;

/// What a finished load brings.
pub struct Read {
    /// The trace.
    pub trace: Trace,
    /// Local files' bytes while small enough to embed in a share link.
    pub retained: Option<NamedFiles>,
    /// Name, size and fingerprint of each local file, in load order.
    pub refs: Vec<FileRef>,
    /// The workers' share of the time (the slowest reader's wait and parse).
    pub timings: Timings,
    /// From the last worker posting the result to the page receiving it, ms.
    pub transfer_ms: f64,
    /// Decoding the buffers into the trace, ms.
    pub decode_ms: f64,
}

/// The limits every job of a load shares.
pub struct Limits {
    /// Keep local files' bytes up to this total (0: keep none).
    pub retain_limit: u64,
    /// Give up on a URL after this long without a byte, ms.
    pub stall_ms: f64,
    /// Memory budget of the whole load, bytes.
    pub budget_bytes: f64,
}

/// Spreads inputs over `k` workers, biggest first onto the least loaded (URLs count as big:
/// their size is unknown), keeping each worker's inputs in load order.
fn spread(inputs: Vec<JobInput>, k: usize) -> Vec<Vec<(u32, JobInput)>> {
    let size = |i: &JobInput| match i {
        JobInput::File(f) => f.size(),
        JobInput::Bytes(_, b) => b.len() as f64,
        JobInput::Url(_) => 1e9,
    };
    let mut order: Vec<(f64, u32, JobInput)> = inputs
        .into_iter()
        .enumerate()
        .map(|(n, i)| (size(&i), n as u32, i))
        .collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut groups: Vec<(f64, Vec<(u32, JobInput)>)> = (0..k).map(|_| (0.0, Vec::new())).collect();
    for (s, n, input) in order {
        if let Some(g) = groups.iter_mut().min_by(|a, b| a.0.total_cmp(&b.0)) {
            g.0 += s;
            g.1.push((n, input));
        }
    }
    groups
        .into_iter()
        .map(|(_, mut g)| {
            g.sort_by_key(|(n, _)| *n);
            g
        })
        .filter(|g| !g.is_empty())
        .collect()
}

fn cores() -> usize {
    let n = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
    (n as usize).clamp(1, MAX_WORKERS)
}

/// Per worker: bytes read, and its total once known.
type Counts = Rc<RefCell<Vec<(u64, Option<u64>)>>>;

/// Runs `job` on `worker` until its result; progress (bytes read, of the total when known) goes
/// to `read[slot]` and the status.
async fn run_job(
    state: AppState,
    mut worker: ParseWorker,
    job: Job,
    read: Counts,
    slot: usize,
) -> Result<JsValue, String> {
    worker.post(&job.to_message(), None);
    loop {
        match worker.next().await {
            Event::Message(m) => match messages::kind_of(&m).as_str() {
                "progress" => {
                    read.borrow_mut()[slot] = messages::read_progress(&m);
                    let read = read.borrow();
                    let sum = read.iter().map(|(n, _)| n).sum();
                    // the total once every worker knows its own (a URL's Content-Length)
                    let total: Option<u64> = read.iter().map(|(_, t)| *t).sum();
                    state.load.update(|l| {
                        l.bytes_read = sum;
                        l.bytes_total = total.or(l.bytes_total);
                    });
                }
                "done" => return Ok(m),
                _ => {}
            },
            Event::Failed(why) => {
                return Err(format!(
                    "the reader stopped unexpectedly ({why}), most likely out of memory; load fewer or smaller files"
                ))
            }
        }
    }
}

/// Takes `n` started workers (the warm one first), registering each with the load.
async fn workers(n: usize, on_start: &dyn Fn(web_sys::Worker)) -> Result<Vec<ParseWorker>, String> {
    let started = join_all((0..n).map(|_| ParseWorker::take())).await;
    let mut out = Vec::with_capacity(n);
    for w in started {
        let w = w?;
        on_start(w.handle());
        out.push(w);
    }
    super::worker_pool::prewarm();
    Ok(out)
}

/// Reads `inputs` on workers and decodes the trace they built.
pub async fn run(
    state: AppState,
    inputs: Vec<JobInput>,
    limits: Limits,
    on_start: &dyn Fn(web_sys::Worker),
) -> Result<Read, String> {
    let groups = spread(inputs, cores());
    let partial = groups.len() > 1;
    let started = workers(groups.len(), on_start).await?;
    let read = Rc::new(RefCell::new(vec![(0u64, None); groups.len()]));
    // each of n workers may take 2/(n+1) of the budget: one big input among small ones still
    // gets most of it (2/3 for two workers), and n workers together stay under 2x the budget
    let budget = limits.budget_bytes * 2.0 / (groups.len() + 1) as f64;
    let jobs = started
        .into_iter()
        .zip(groups)
        .enumerate()
        .map(|(slot, (w, inputs))| {
            let job = Job {
                inputs,
                partial,
                retain_limit: limits.retain_limit,
                stall_ms: limits.stall_ms,
                budget_bytes: budget,
            };
            run_job(state, w, job, read.clone(), slot)
        });
    // the first failure ends the load: the other jobs are dropped, their workers terminated
    let results = try_join_all(jobs).await?;
    let mut refs: Vec<(u32, FileRef)> = Vec::new();
    let mut retained: Option<Placed> = Some(Vec::new());
    let mut timings = Timings::default();
    for done in &results {
        let (r, kept, t) = Done::extras_of(done);
        refs.extend(r);
        retained = retained.zip(kept).map(|(mut a, b)| {
            a.extend(b);
            a
        });
        timings.wait_ms = timings.wait_ms.max(t.wait_ms);
        timings.parse_ms = timings.parse_ms.max(t.parse_ms);
        timings.build_ms = timings.build_ms.max(t.build_ms);
        timings.encode_ms = timings.encode_ms.max(t.encode_ms);
        timings.posted_at_ms = t.posted_at_ms;
        timings.bytes += t.bytes;
    }
    let last = if partial {
        let parts: Vec<js_sys::Array> = results.iter().map(Done::buffers_of).collect();
        drop(results);
        let merger = workers(1, on_start)
            .await?
            .pop()
            .ok_or("no worker to merge")?;
        let (message, transfer) = messages::merge_job(&parts);
        merger.post(&message, Some(&transfer));
        let done = run_job_merge(merger).await?;
        let (_, _, t) = Done::extras_of(&done);
        timings.build_ms += t.build_ms;
        timings.encode_ms += t.encode_ms;
        timings.posted_at_ms = t.posted_at_ms;
        done
    } else {
        results.into_iter().next().ok_or("no result")?
    };
    decode(last, refs, retained, timings, limits.retain_limit)
}

async fn run_job_merge(mut merger: ParseWorker) -> Result<JsValue, String> {
    loop {
        match merger.next().await {
            Event::Message(m) if messages::kind_of(&m) == "done" => return Ok(m),
            Event::Message(_) => {}
            Event::Failed(why) => return Err(format!("merging the parts failed ({why})")),
        }
    }
}

fn decode(
    done: JsValue,
    mut refs: Vec<(u32, FileRef)>,
    retained: Option<Placed>,
    timings: Timings,
    retain_limit: u64,
) -> Result<Read, String> {
    let transfer_ms = epoch_ms() - timings.posted_at_ms;
    let buffers = Done::buffers_of(&done);
    let t = now_ms();
    let trace = decode_trace(&mut |k| {
        let b = messages::bytes_of(&buffers.get(k as u32));
        buffers.set(k as u32, JsValue::UNDEFINED);
        b
    })
    .map_err(|e| e.to_string())?;
    let decode_ms = now_ms() - t;
    refs.sort_by_key(|(n, _)| *n);
    let retained = retained
        .map(|mut r| {
            r.sort_by_key(|(n, _)| *n);
            r.into_iter().map(|(_, f)| f).collect::<NamedFiles>()
        })
        .filter(|r| r.iter().map(|(_, b)| b.len() as u64).sum::<u64>() <= retain_limit);
    Ok(Read {
        trace,
        retained,
        refs: refs.into_iter().map(|(_, f)| f).collect(),
        timings,
        transfer_ms,
        decode_ms,
    })
}
