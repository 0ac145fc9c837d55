//! Local files across loads. A link made with local files keeps its view (window, selection,
//! folds, main view) pending until those files arrive: a wrong drop shows the dropped trace
//! and the view waits for the right files. Back/Forward to an entry of local files shows those
//! files (reread from memory when their bytes were kept, as for share links) or, when they
//! were too large to keep, empties the page and asks for them: never another entry's trace.

use super::commands::reveal;
use super::loader::{start_load, Input};
use super::state::{AppState, LoadPhase, LoadStatus};
use crate::view_state::embed::NamedFiles;
use crate::view_state::{file_mismatches, FileRef, ViewState};
use leptos::prelude::*;
use std::sync::Arc;

/// How many loads' bytes are kept for Back/Forward (each at most the share-link limit).
const KEPT_LOADS: usize = 4;

/// The pending link view and the bytes of recent local loads (page lifetime).
#[derive(Clone, Copy)]
pub struct LinkFiles {
    /// The view of a link whose files have not arrived yet.
    pending: RwSignal<Option<ViewState>>,
    /// The files of recent loads with their bytes, newest last.
    kept: StoredValue<Vec<(Vec<FileRef>, Arc<NamedFiles>)>>,
}

impl LinkFiles {
    /// Provides the context (before the address is applied: Back/Forward reads it).
    pub fn provide() -> LinkFiles {
        let lf = LinkFiles {
            pending: RwSignal::new(None),
            kept: StoredValue::new(Vec::new()),
        };
        provide_context(lf);
        lf
    }

    /// Takes the address's view as pending when it names local files, and watches loads.
    pub fn install(self, state: AppState) {
        let initial = state.view.get_untracked();
        if !initial.files.is_empty() {
            self.pending.set(Some(initial));
        }
        Effect::new(move |prev: Option<Option<u64>>| {
            let generation = state.trace.with(|t| t.as_ref().map(|(g, _)| *g));
            if generation.is_some() && prev != Some(generation) {
                self.loaded(state);
            }
            generation
        });
    }

    /// After a load: keeps its bytes, and applies the pending view when its files came.
    fn loaded(self, state: AppState) {
        let files = state.view.with_untracked(|v| v.files.clone());
        if files.is_empty() {
            return;
        }
        if let Some(bytes) = state.local_files.get_value() {
            self.kept.update_value(|k| {
                k.retain(|(f, _)| *f != files);
                k.push((files.clone(), bytes));
                if k.len() > KEPT_LOADS {
                    k.remove(0);
                }
            });
        }
        let Some(link) = self.pending.get_untracked() else {
            return;
        };
        if !file_mismatches(&link.files, &files).is_empty() {
            return;
        }
        self.pending.set(None);
        let mut next = state.view.get_untracked();
        next.view = link.view;
        next.window = link.window;
        next.selected = link.selected;
        next.selected_trace = link.selected_trace;
        next.expansion = link.expansion.clone();
        if state.view.with_untracked(|v| *v != next) {
            state.view.set(next);
        }
        if let Some((_, trace)) = state.trace.get_untracked() {
            if let Some(s) = state.view.with_untracked(|v| v.selected_span(&trace)) {
                reveal(state, &trace, s);
            }
        }
    }

    /// Back/Forward reached `entry`, an entry of other local files than those shown: reread
    /// them from memory, else show nothing and ask for them (the entry's view then waits).
    pub fn revisit(self, state: AppState, entry: &ViewState) {
        let bytes = self.kept.with_value(|k| {
            k.iter()
                .find(|(f, _)| file_mismatches(&entry.files, f).is_empty())
                .map(|(_, b)| b.clone())
        });
        match bytes {
            Some(b) => {
                self.pending.set(Some(entry.clone()));
                state.trace.set(None);
                let inputs = b
                    .iter()
                    .map(|(name, bytes)| Input::Bytes(name.clone(), bytes.clone()))
                    .collect();
                start_load(state, inputs, Vec::new());
            }
            None => {
                self.pending.set(Some(entry.clone()));
                state.trace.set(None);
                state.load.set(LoadStatus {
                    phase: LoadPhase::Idle,
                    message: "This history entry shows local files: drop them again".into(),
                    ..Default::default()
                });
            }
        }
    }
}

/// While a link's view waits for its files, says so (and which files).
#[component]
pub fn PendingLinkView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lf = expect_context::<LinkFiles>();
    move || {
        let link = lf.pending.get()?;
        let loaded = state.trace.with(|t| t.is_some());
        let names: Vec<String> = link.files.iter().map(|f| f.name.clone()).collect();
        loaded.then(|| {
            view! {
                <div class="link-notes" data-testid="pending-link-view">
                    {format!("The link's view (its selection and window) is kept until its own files are dropped: {}.", names.join(", "))}
                </div>
            }
        })
    }
}
