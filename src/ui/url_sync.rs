//! Keeps the address bar equal to the view state's text form: read once at start, written
//! (debounced, since browsers throttle history calls) whenever the view changes.

use super::browser::{location_search, replace_query};
use super::state::AppState;
use crate::view_state::url::{parse, Parsed};
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

/// Delay before writing the URL after a change, ms.
const WRITE_DELAY_MS: u64 = 200;

/// The view state in the current address.
pub fn read_initial() -> Parsed {
    parse(&location_search())
}

/// Writes the view state into the address whenever it changes.
pub fn install_writer(state: AppState) {
    let pending = Rc::new(Cell::new(false));
    Effect::new(move |_| {
        state.view.track();
        if pending.replace(true) {
            return;
        }
        let pending = pending.clone();
        set_timeout(
            move || {
                pending.set(false);
                replace_query(&state.view.with_untracked(|v| v.to_string()));
            },
            Duration::from_millis(WRITE_DELAY_MS),
        );
    });
}
