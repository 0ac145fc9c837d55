//! Following URL sources: one polling loop per followed load, owning its `Session`. Every
//! second each source still growing is asked for what follows its offset, by the rules of
//! `ingest::follow` (Range, validators, 200 fallback); new bytes are fed to the session and a
//! snapshot is shown (`follow::apply_snapshot`). Invariant: bytes are fed once, in order, and
//! never parsed again; the loop ends when another load replaced its trace, when following is
//! turned off, or when every source is complete or quiet (and it says which).

use super::browser::{now_ms, yield_to_browser};
use super::follow::{apply_snapshot, loaded_generation, Follow, POLL_MS, QUIET_POLLS};
use super::loader::{explain_fetch_failure, install};
use super::state::{AppState, LoadPhase, LoadStatus};
use crate::ingest::follow::{Follower, PollAnswer, PollRequest, Step, StopReason};
use crate::ingest::Session;
use crate::model::{DiagnosticKind, FileIdx};
use gloo_net::http::Request;
use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCache, RequestCredentials};

/// Bytes fed to the session between two chances for the browser to paint.
const FEED_SLICE: usize = 1 << 20;

/// Waits `ms` milliseconds.
pub async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// What a polling loop does once its pause is over.
pub enum Turn {
    /// Another follow or another load took over: end the loop.
    Stop,
    /// Paused: ask nothing this round.
    Skip,
    /// Poll.
    Poll,
}

/// Waits one poll interval, then says whether the loop of follow `epoch` over the load of
/// `generation` goes on. A load that replaced the followed one (a followed one would have a new
/// epoch) turns follow off in the link too.
pub async fn next_turn(state: AppState, follow: Follow, epoch: u64, generation: u64) -> Turn {
    sleep_ms(POLL_MS).await;
    if !follow.is_current(epoch) {
        return Turn::Stop;
    }
    if loaded_generation(state) != generation {
        follow.stop();
        state.view.update(|v| v.follow = false);
        return Turn::Stop;
    }
    if follow.is_paused() {
        Turn::Skip
    } else {
        Turn::Poll
    }
}

/// An answer, owned.
struct Answer {
    status: u16,
    content_range: Option<String>,
    etag: Option<String>,
    last_modified: Option<String>,
    body: Vec<u8>,
}

/// One GET with the poll's headers: no credentials, no cache (the server decides freshness).
async fn fetch(url: &str, req: &PollRequest) -> Result<Answer, String> {
    let mut b = Request::get(url)
        .credentials(RequestCredentials::Omit)
        .cache(RequestCache::NoStore);
    if let Some(from) = req.range_from {
        b = b.header("Range", &format!("bytes={from}-"));
    }
    if let Some(tag) = &req.if_none_match {
        b = b.header("If-None-Match", tag);
    }
    if let Some(when) = &req.if_modified_since {
        b = b.header("If-Modified-Since", when);
    }
    let r = match b.send().await {
        Ok(r) => r,
        Err(e) => return Err(explain_fetch_failure(url, &e).await),
    };
    let h = r.headers();
    Ok(Answer {
        status: r.status(),
        content_range: h.get("content-range"),
        etag: h.get("etag"),
        last_modified: h.get("last-modified"),
        body: r
            .binary()
            .await
            .map_err(|e| format!("the body broke off: {e}"))?,
    })
}

/// What one poll of a source brought.
enum Polled {
    Grew,
    Same,
    Replaced,
    Failed(String),
}

/// One followed source.
struct Followed {
    url: String,
    f: FileIdx,
    follower: Follower,
    failures: u32,
    stopped: Option<Result<StopReason, String>>,
}

async fn feed(session: &mut Session, f: FileIdx, bytes: &[u8]) {
    for slice in bytes.chunks(FEED_SLICE) {
        session.feed(f, slice);
        if bytes.len() > FEED_SLICE {
            yield_to_browser().await;
        }
    }
}

impl Followed {
    async fn poll(&mut self, session: &mut Session) -> Polled {
        let a = match fetch(&self.url, &self.follower.request()).await {
            Ok(a) => a,
            Err(why) => return Polled::Failed(why),
        };
        let step = self.follower.on_answer(&PollAnswer {
            status: a.status,
            content_range: a.content_range.as_deref(),
            etag: a.etag.as_deref(),
            last_modified: a.last_modified.as_deref(),
            body: &a.body,
        });
        match step {
            Step::Append([]) | Step::Unchanged => Polled::Same,
            Step::Append(bytes) => {
                feed(session, self.f, bytes).await;
                Polled::Grew
            }
            Step::Replaced(_) => Polled::Replaced,
            Step::Failed(why) => Polled::Failed(why),
        }
    }

    /// Decides whether this source is done after a poll.
    fn judge(&mut self, session: &mut Session, polled: &Polled, first: bool) {
        match polled {
            Polled::Failed(why) if first => {
                session.source_failed(&self.url, DiagnosticKind::FetchFailed, why.clone());
                self.stopped = Some(Err(why.clone()));
            }
            Polled::Failed(why) => {
                self.failures += 1;
                if self.failures >= QUIET_POLLS {
                    self.stopped = Some(Err(why.clone()));
                }
            }
            _ => {
                self.failures = 0;
                let complete = session.source(self.f).is_complete();
                self.stopped = self.follower.stop(complete, QUIET_POLLS).map(Ok);
            }
        }
    }
}

/// Why the loop stopped, in a sentence.
fn summary(sources: &[Followed]) -> String {
    let failed: Vec<String> = sources
        .iter()
        .filter_map(|s| match &s.stopped {
            Some(Err(why)) => Some(format!("{}: {why}", s.url)),
            _ => None,
        })
        .collect();
    let quiet = sources
        .iter()
        .any(|s| s.stopped == Some(Ok(StopReason::NoGrowth)));
    if !failed.is_empty() {
        format!("Stopped following: {}", failed.join("; "))
    } else if quiet {
        format!(
            "Stopped following: nothing new for {} s (Follow starts again)",
            QUIET_POLLS * POLL_MS / 1000
        )
    } else {
        "Done: the run is complete".to_string()
    }
}

/// One round over the sources still followed; `None` when one was replaced, else whether any
/// grew.
async fn round(sources: &mut [Followed], session: &mut Session, follow: Follow) -> Option<bool> {
    let mut grew = false;
    for s in sources.iter_mut().filter(|s| s.stopped.is_none()) {
        let first = s.follower.offset() == 0;
        let polled = s.poll(session).await;
        match &polled {
            Polled::Grew => grew = true,
            Polled::Replaced => return None,
            Polled::Failed(why) => follow.last_problem.set(Some(format!("{}: {why}", s.url))),
            Polled::Same => {}
        }
        s.judge(session, &polled, first);
    }
    Some(grew)
}

/// Starts following `urls` in a new session. `fresh`: a new load (the view's pending state
/// applies, as for any load); else the loaded trace is replaced keeping the view.
pub fn start(state: AppState, follow: Follow, urls: Vec<String>, fresh: bool) {
    let epoch = follow.begin();
    if fresh {
        state.load.set(LoadStatus {
            phase: LoadPhase::Loading,
            message: format!("Reading {} (following)", urls.join(", ")),
            ..LoadStatus::default()
        });
    }
    leptos::task::spawn_local(async move {
        let started = now_ms();
        let mut session = Session::new();
        let mut sources: Vec<Followed> = urls
            .iter()
            .map(|u| Followed {
                url: u.clone(),
                f: session.begin_source(u),
                follower: Follower::new(0),
                failures: 0,
                stopped: None,
            })
            .collect();
        if round(&mut sources, &mut session, follow).await.is_none() || !follow.is_current(epoch) {
            return;
        }
        let trace = session.snapshot();
        if fresh {
            let bytes = sources.iter().map(|s| s.follower.offset()).sum();
            install(
                state,
                trace,
                (urls.clone(), Vec::new()),
                now_ms() - started,
                bytes,
            );
        } else {
            apply_snapshot(state, follow, trace);
        }
        follow_loop(state, follow, epoch, (session, sources), urls).await;
    });
}

async fn follow_loop(
    state: AppState,
    follow: Follow,
    epoch: u64,
    (mut session, mut sources): (Session, Vec<Followed>),
    urls: Vec<String>,
) {
    let generation = loaded_generation(state);
    loop {
        if sources.iter().all(|s| s.stopped.is_some()) {
            follow.done(summary(&sources));
            return;
        }
        match next_turn(state, follow, epoch, generation).await {
            Turn::Stop => return,
            Turn::Skip => continue,
            Turn::Poll => {}
        }
        match round(&mut sources, &mut session, follow).await {
            // a file that shrank was replaced: read it again from its start
            None => return start(state, follow, urls, false),
            Some(true) if follow.is_current(epoch) && loaded_generation(state) == generation => {
                apply_snapshot(state, follow, session.snapshot());
            }
            Some(_) => {}
        }
    }
}
