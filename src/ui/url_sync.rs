//! Keeps the address bar equal to the view state's text form. Discrete changes (select, switch
//! view, fold, load) push a history entry at once; continuous ones (pan, zoom, typing) replace
//! the current entry after a short debounce (browsers throttle history calls). Back/Forward
//! bring the earlier view back, reloading sources only when they differ.

use super::browser::{location_search, write_query};
use super::follow::{open_urls, Follow};
use super::state::AppState;
use crate::view_state::url::{parse, Parsed};
use crate::view_state::{history_step, HistoryStep, ViewState};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

/// Delay before a continuous change is written, ms.
const WRITE_DELAY_MS: u64 = 200;

/// The view state in the current address.
pub fn read_initial() -> Parsed {
    parse(&location_search())
}

/// Mirrors the view state into the address and follows Back/Forward.
pub fn install(state: AppState) {
    let follow = expect_context::<Follow>();
    let last: Rc<RefCell<ViewState>> = Rc::new(RefCell::new(state.view.get_untracked()));
    let pending = Rc::new(Cell::new(false));
    Effect::new({
        let last = last.clone();
        move |_| {
            let now = state.view.get();
            // decide first: the borrow must end before `last` is written below
            let step = history_step(&last.borrow(), &now);
            match step {
                HistoryStep::None => {}
                HistoryStep::Push => {
                    write_query(&now.to_string(), true);
                    *last.borrow_mut() = now;
                }
                HistoryStep::Replace => {
                    if pending.replace(true) {
                        return;
                    }
                    let (last, pending) = (last.clone(), pending.clone());
                    set_timeout(
                        move || {
                            pending.set(false);
                            let now = state.view.get_untracked();
                            let step = history_step(&last.borrow(), &now);
                            if step != HistoryStep::None {
                                write_query(&now.to_string(), false);
                                *last.borrow_mut() = now;
                            }
                        },
                        Duration::from_millis(WRITE_DELAY_MS),
                    );
                }
            }
        }
    });
    let handle = window_event_listener(leptos::ev::popstate, move |_| {
        let parsed = parse(&location_search()).state;
        *last.borrow_mut() = parsed.clone();
        let reload = state.view.with_untracked(|v| v.sources != parsed.sources)
            && !parsed.sources.is_empty();
        let opened = |m: &Option<crate::view_state::MlflowLink>| {
            m.as_ref().map(|m| (m.server.clone(), m.traces.clone()))
        };
        let reopen = parsed
            .mlflow
            .clone()
            .filter(|m| m.opens_traces())
            .filter(|_| {
                state
                    .view
                    .with_untracked(|v| opened(&v.mlflow) != opened(&parsed.mlflow))
            });
        state.view.set(parsed.clone());
        if reload {
            open_urls(state, follow, parsed.sources);
        } else if let Some(link) = reopen {
            super::mlflow_load::open_traces(state, follow, link, true);
        }
    });
    on_cleanup(move || handle.remove());
}
