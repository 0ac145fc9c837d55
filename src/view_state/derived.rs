//! What each derived value of the views reads from the view state, as one key function per
//! value, and a counting cache over them. The shell makes one Leptos memo per view-state field
//! and derives each value from the trace and the key below only, so a pan or zoom (a new
//! `window`) recomputes the waterfall's paint and nothing else. `Derived` is the same rule in
//! plain Rust: a native test drives it over a sequence of views and counts computations.

use super::{ColorMode, Expansion, ViewState};
use crate::model::{SpanId, TraceId};

/// The legend reads the colour mode (and the trace).
pub fn legend_key(v: &ViewState) -> ColorMode {
    v.color
}

/// The search matches read the search text (and the trace).
pub fn search_key(v: &ViewState) -> &str {
    &v.search
}

/// The details panel reads the selection (and the trace).
pub fn selection_key(v: &ViewState) -> (Option<SpanId>, Option<TraceId>) {
    (v.selected, v.selected_trace)
}

/// The visible rows read the folds (and the trace).
pub fn rows_key(v: &ViewState) -> &Expansion {
    &v.expansion
}

/// A value derived from a key, computed again only when the key changes (a memo); counts
/// its computations.
#[derive(Debug)]
pub struct Derived<K, V> {
    key: Option<K>,
    value: Option<V>,
    computations: u64,
}

impl<K, V> Default for Derived<K, V> {
    fn default() -> Self {
        Derived {
            key: None,
            value: None,
            computations: 0,
        }
    }
}

impl<K: PartialEq + Clone, V> Derived<K, V> {
    /// The value for `key`, computing it with `compute` when the key differs from the last one.
    pub fn get(&mut self, key: &K, compute: impl FnOnce(&K) -> V) -> &V {
        if self.key.as_ref() != Some(key) {
            self.value = None;
            self.key = Some(key.clone());
        }
        let computations = &mut self.computations;
        self.value.get_or_insert_with(|| {
            *computations += 1;
            compute(key)
        })
    }

    /// How many times the value was computed.
    pub fn computations(&self) -> u64 {
        self.computations
    }
}
