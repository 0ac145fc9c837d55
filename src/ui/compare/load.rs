//! Loading the baseline A: the "Compare with…" control (file input, URL, drop target), links'
//! `vs=` URLs and embedded baseline files (read once the loaded sources are in), the check of
//! `vsfile=` files, and swapping A and B. A is read by the loader's one reading path
//! (`loader::read_inputs`) into its own trace; only where it is installed differs.

use super::super::app::files_of;
use super::super::browser::now_ms;
use super::super::loader::{outcome, read_inputs, Input, ReadResult};
use super::super::state::{AppState, LoadPhase, LoadStatus};
use crate::view_state::url::is_fetchable;
use crate::view_state::{file_mismatches, ActiveView};
use leptos::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

static GENERATION: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// A baseline asked for while run B was still loading, read once B is in.
    static DEFERRED: std::cell::RefCell<Option<(Vec<Input>, Vec<String>)>> =
        const { std::cell::RefCell::new(None) };
}

/// Reads `inputs` as the baseline A; `sources` are its URLs for the view state.
pub fn load_baseline(state: AppState, inputs: Vec<Input>, sources: Vec<String>) {
    let b_loading = state.trace.with_untracked(Option::is_none)
        && state.load.with_untracked(|l| l.phase == LoadPhase::Loading);
    if b_loading {
        // a read now would take over from B's; `install_loader` starts it once B is in
        DEFERRED.with(|d| *d.borrow_mut() = Some((inputs, sources)));
        return;
    }
    state.compare.requested.set_value(sources.clone());
    read_inputs(state, inputs, move |r| install(state, r, sources));
}

/// The files a link expects for the baseline that differ from the ones read (only while no
/// baseline was loaded since the link was opened).
fn mismatches(state: AppState, r: &ReadResult) -> Vec<String> {
    let first = state.compare.baseline.with_untracked(|b| b.is_none());
    let required = state
        .view
        .with_untracked(|v| v.compare.baseline_files.clone());
    if !first || required.is_empty() || r.files.is_empty() {
        return Vec::new();
    }
    file_mismatches(&required, &r.files)
}

/// B's trace ids while A and B are runs of the one load (`None` otherwise).
fn compared_b_of_one_load(state: AppState) -> Option<Vec<crate::model::TraceId>> {
    let c = state.compare.compared.get_untracked()?.ok()?;
    let picked = c.0.picked.b.as_ref().filter(|_| !c.0.a_in_baseline)?;
    Some(picked.iter().map(|i| c.0.b.trace_ids()[i.ix()]).collect())
}

/// Makes a freshly read trace the baseline, and opens the compare view on it.
fn install(state: AppState, r: ReadResult, sources: Vec<String>) {
    let (phase, message) = outcome(&r.trace, r.elapsed_ms);
    if phase != LoadPhase::Done {
        state.load.set(LoadStatus {
            phase,
            message: format!("Baseline A: {message}"),
            ..LoadStatus::default()
        });
        return;
    }
    let wrong = mismatches(state, &r);
    let b_now = compared_b_of_one_load(state);
    let trace = Arc::new(r.trace);
    state
        .compare
        .baseline_files
        .set_value(r.retained.map(Arc::new));
    state.view.update(|v| {
        v.compare.baseline = sources;
        v.compare.baseline_files = r.files;
        // A is the new load now; B stays the run it was when A came from the same load
        v.compare.settings.a_traces.clear();
        if let Some(ids) = b_now {
            v.compare.settings.b_traces = ids;
        }
        if v.compare.selected_in_baseline && v.selected_baseline_span(&trace).is_none() {
            v.clear_selection();
        }
        v.view = ActiveView::Compare;
    });
    state.compare.installed_at_ms.set(now_ms());
    let generation = GENERATION.fetch_add(1, Ordering::Relaxed) + 1;
    state.compare.baseline.set(Some((generation, trace)));
    let note = if wrong.is_empty() {
        String::new()
    } else {
        format!(". Not the baseline files of the link: {}", wrong.join("; "))
    };
    state.load.set(LoadStatus {
        phase,
        message: format!(
            "Baseline A: {}{note}",
            message.replacen("Loaded", "loaded", 1)
        ),
        bytes_read: r.bytes,
        bytes_total: Some(r.bytes),
        elapsed_ms: r.elapsed_ms,
        timings: r.timings,
    });
}

/// Keeps the baseline equal to what the view asks for: once the loaded sources are in, reads
/// the baseline files a link embedded, or its `vs=` URLs when they differ from the last ones
/// read (a link, Back/Forward), and drops the baseline when the view no longer has one.
pub fn install_loader(state: AppState) {
    Effect::new(move |_| {
        let (urls, files) = state.fields.baseline_sources.get();
        let ready = state.trace.with(|t| t.is_some());
        if !ready || state.load.with(|l| l.phase == LoadPhase::Loading) {
            return;
        }
        if let Some((inputs, sources)) = DEFERRED.with(|d| d.borrow_mut().take()) {
            load_baseline(state, inputs, sources);
        } else if let Some(embedded) = state
            .compare
            .pending
            .try_update_value(Option::take)
            .flatten()
        {
            let inputs = embedded
                .into_iter()
                .map(|(n, b)| Input::Bytes(n, b))
                .collect();
            load_baseline(state, inputs, Vec::new());
        } else if !urls.is_empty() && state.compare.requested.get_value() != urls {
            load_baseline(state, urls.iter().cloned().map(Input::Url).collect(), urls);
        } else if urls.is_empty()
            && files.is_empty()
            && state.compare.baseline.with_untracked(Option::is_some)
        {
            state.compare.baseline.set(None);
            state.compare.requested.set_value(Vec::new());
        }
    });
}

/// Keeps baseline files a link embedded until the loaded sources are read.
pub fn stash_embedded(state: AppState, files: Option<crate::view_state::embed::NamedFiles>) {
    state.compare.pending.set_value(files);
}

/// Exchanges A and B: the two loads (with their sources, files and picks), or, in one load,
/// the picked trace ids. The selection stays on the same span.
pub fn swap(state: AppState) {
    let Some(Ok(c)) = state.compare.compared.get_untracked() else {
        return;
    };
    let ids = |p: &Option<Vec<crate::model::TraceIdx>>, t: &crate::model::Trace| {
        p.iter()
            .flatten()
            .map(|i| t.trace_ids()[i.ix()])
            .collect::<Vec<_>>()
    };
    let (a_ids, b_ids) = (ids(&c.0.picked.a, &c.0.a), ids(&c.0.picked.b, &c.0.b));
    if !c.0.a_in_baseline {
        state.view.update(|v| {
            v.compare.settings.a_traces = b_ids;
            v.compare.settings.b_traces = a_ids;
        });
        return;
    }
    let (main, base) = (
        state.trace.get_untracked(),
        state.compare.baseline.get_untracked(),
    );
    let (mine, theirs) = (
        state.local_files.get_value(),
        state.compare.baseline_files.get_value(),
    );
    state.view.update(|v| {
        std::mem::swap(&mut v.sources, &mut v.compare.baseline);
        std::mem::swap(&mut v.files, &mut v.compare.baseline_files);
        v.compare.settings.a_traces = b_ids;
        v.compare.settings.b_traces = a_ids;
        if v.selected.is_some() {
            v.compare.selected_in_baseline = !v.compare.selected_in_baseline;
        }
        v.window = None;
    });
    state
        .compare
        .requested
        .set_value(state.view.with_untracked(|v| v.compare.baseline.clone()));
    state.local_files.set_value(theirs);
    state.compare.baseline_files.set_value(mine);
    state.compare.baseline.set(main);
    state.trace.set(base);
}

/// "Compare with…": a file input, a URL box and a drop target for the baseline's files.
#[component]
pub fn BaselineInput() -> impl IntoView {
    let state = expect_context::<AppState>();
    let url_text = RwSignal::new(String::new());
    let dragging = RwSignal::new(false);
    let on_files = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let inputs = files_of(input.files());
        input.set_value("");
        load_baseline(state, inputs, Vec::new());
    };
    let on_url = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let urls: Vec<String> = url_text
            .get_untracked()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        if urls.iter().all(|u| is_fetchable(u)) {
            load_baseline(state, urls.iter().cloned().map(Input::Url).collect(), urls);
        } else {
            state.load.update(|l| {
                (l.phase, l.message) = (
                    LoadPhase::Error,
                    "Only http:// and https:// URLs can be opened as the baseline".into(),
                )
            });
        }
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        ev.stop_propagation(); // the workspace would load them as B
        dragging.set(false);
        load_baseline(
            state,
            files_of(ev.data_transfer().and_then(|d| d.files())),
            Vec::new(),
        );
    };
    let on_over = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        ev.stop_propagation();
        dragging.set(true);
    };
    view! {
        <span class="compare-input" class:dragging=move || dragging.get() data-testid="compare-drop" title="Drop the baseline's files here" on:dragenter=on_over on:dragover=on_over on:dragleave=move |_| dragging.set(false) on:drop=on_drop>
            <label class="button primary">"Compare with…"<input type="file" multiple data-testid="compare-input" on:change=on_files /></label>
            <form class="url-form" on:submit=on_url>
                <input type="url" data-testid="compare-url" placeholder="baseline URL(s)" prop:value=move || url_text.get() on:input=move |ev| url_text.set(event_target_value(&ev)) />
                <button type="submit">"Load A"</button>
            </form>
            <span class="dim">"or drop files here"</span>
        </span>
    }
}

/// A link made with local baseline files that were not embedded: ask for them.
#[component]
pub fn BaselineNeeded() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let (_, files) = state.fields.baseline_sources.get();
        let waiting = state.compare.baseline.with(|b| b.is_none());
        (!files.is_empty() && waiting).then(|| {
            let list: Vec<String> = files.iter().map(|f| format!("{} ({:.1} MB)", f.name, f.bytes as f64 / 1e6)).collect();
            view! {
                <div class="link-notes" data-testid="needs-baseline-files">
                    {format!("This comparison was made with local baseline files. Pick them with Compare with… to reopen it: {}. They are checked first; nothing is uploaded.", list.join(", "))}
                </div>
            }
        })
    }
}

/// What to do when there is nothing to compare yet.
#[component]
pub fn Prompt(why: String) -> impl IntoView {
    view! {
        <div class="compare-prompt" data-testid="compare-prompt">
            <h2>"Compare two runs"</h2>
            <p>{why}</p>
            <p class="dim">"The loaded sources are run B (this run). Add a baseline A with Compare with… (files, a URL, or drop its files on that control), or load several runs at once and pick two in the bar above. Spans are matched by data id, path or an attribute, never by span id."</p>
        </div>
    }
}
