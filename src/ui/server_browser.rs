//! The MLflow server browser ("Open from server", `?mlflow=<server>`): the server's
//! experiments, then an experiment's traces (time, name, status, duration, spans, tokens,
//! assessments; newest first, paged, searched with MLflow's own filter syntax, the server's
//! error shown when it rejects a filter); one trace or several (merged) open into the views.
//! The server, the experiments listed and the traces opened live in the view state (`mlflow`);
//! the lists are this component's. Every value is a text node.

use super::assessments::chip;
use super::follow::Follow;
use super::mlflow_client::send;
use super::mlflow_load::open_traces;
use super::state::AppState;
use crate::ingest::mlflow_list::{experiment_label, listed, ListedAssessment, ListedTrace};
use crate::ingest::mlflow_server::{
    experiments_search, merge_page, parse_experiments, parse_traces, traces_search, Experiment,
    TraceQuery, TraceRow,
};
use crate::view_state::MlflowLink;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// Traces asked for per page.
const PAGE_SIZE: u32 = 50;

/// The browser's own state (the lists), provided as context.
#[derive(Clone, Copy)]
pub struct Browser {
    /// The panel is shown.
    pub open: RwSignal<bool>,
    server_text: RwSignal<String>,
    experiments: RwSignal<Vec<Experiment>>,
    rows: RwSignal<Vec<TraceRow>>,
    next_page: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
    loading: RwSignal<bool>,
    filter_text: RwSignal<String>,
    filter: RwSignal<String>,
    checked: RwSignal<BTreeSet<String>>,
    /// Numbers each trace-list request, so a late answer to an older one is dropped.
    request: RwSignal<u64>,
    follow: Follow,
}

impl Browser {
    /// Creates the state (open when the address browses a server without opening traces),
    /// provides it, and starts listing whenever the server or the experiments change.
    pub fn provide(state: AppState, follow: Follow) -> Browser {
        let link = state.fields.mlflow.get_untracked();
        let b = Browser {
            open: RwSignal::new(link.as_ref().is_some_and(|m| !m.opens_traces())),
            server_text: RwSignal::new(link.map(|m| m.server).unwrap_or_default()),
            experiments: RwSignal::new(Vec::new()),
            rows: RwSignal::new(Vec::new()),
            next_page: RwSignal::new(None),
            error: RwSignal::new(None),
            loading: RwSignal::new(false),
            filter_text: RwSignal::new(String::new()),
            filter: RwSignal::new(String::new()),
            checked: RwSignal::new(BTreeSet::new()),
            request: RwSignal::new(0),
            follow,
        };
        provide_context(b);
        b.watch(state);
        b
    }

    fn watch(self, state: AppState) {
        let server = Memo::new(move |_| state.fields.mlflow.get().map(|m| m.server));
        let experiments = Memo::new(move |_| {
            state
                .fields
                .mlflow
                .get()
                .map(|m| m.experiments)
                .unwrap_or_default()
        });
        Effect::new(move |_| {
            if let (true, Some(server)) = (self.open.get(), server.get()) {
                self.server_text.set(server.clone());
                self.list_experiments(server);
            }
        });
        Effect::new(move |_| {
            let (open, filter, ids) = (self.open.get(), self.filter.get(), experiments.get());
            if let (true, Some(server)) = (open, server.get_untracked()) {
                self.rows.set(Vec::new());
                self.checked.set(BTreeSet::new());
                if !ids.is_empty() {
                    self.list_traces(server, ids, filter, None);
                }
            }
        });
    }

    fn list_experiments(self, server: String) {
        self.error.set(None);
        leptos::task::spawn_local(async move {
            let answer = send(&server, &experiments_search(&server, None)).await;
            match answer.and_then(|b| parse_experiments(&b).map_err(|e| e.to_string())) {
                Ok(page) => self.experiments.set(page.experiments),
                Err(why) => {
                    self.experiments.set(Vec::new());
                    self.error.set(Some(why));
                }
            }
        });
    }

    fn list_traces(self, server: String, ids: Vec<String>, filter: String, page: Option<String>) {
        let n = self.request.get_untracked() + 1;
        self.request.set(n);
        self.loading.set(true);
        self.error.set(None);
        let more = page.is_some();
        let q = TraceQuery {
            experiment_ids: ids,
            filter,
            max_results: PAGE_SIZE,
            page_token: page,
            ..TraceQuery::default()
        };
        leptos::task::spawn_local(async move {
            let answer = send(&server, &traces_search(&server, &q)).await;
            if self.request.get_untracked() != n {
                return; // a newer list was asked for meanwhile
            }
            self.loading.set(false);
            match answer.and_then(|b| parse_traces(&b).map_err(|e| e.to_string())) {
                Ok(page) => {
                    self.next_page.set(page.next_page_token.clone());
                    self.rows.update(|rows| {
                        if !more {
                            rows.clear();
                        }
                        merge_page(rows, page);
                    });
                }
                Err(why) => {
                    self.next_page.set(None);
                    self.error.set(Some(why));
                }
            }
        });
    }
}

/// The toolbar button that shows or hides the browser.
#[component]
pub fn OpenFromServer() -> impl IntoView {
    let b = expect_context::<Browser>();
    view! {
        <button data-testid="open-server" title="Browse an MLflow tracking server's experiments and traces" class:active=move || b.open.get() on:click=move |_| b.open.update(|o| *o = !*o)>
            "Open from server"
        </button>
    }
}

/// Points the view at another server (its experiments are listed next).
fn connect(state: AppState, b: Browser) {
    let text = b.server_text.get_untracked();
    let text = text.trim();
    if !crate::view_state::url::is_fetchable(text) {
        b.error.set(Some(format!(
            "Give the server's http:// or https:// address (e.g. http://127.0.0.1:5000), not {text:?}"
        )));
        return;
    }
    b.experiments.set(Vec::new());
    let link = MlflowLink::server(text);
    state.view.update(|v| {
        if v.mlflow.as_ref().map(|m| &m.server) != Some(&link.server) {
            v.mlflow = Some(link);
        }
    });
}

/// Opens the given traces of the listed server (merged into one view).
fn open(state: AppState, b: Browser, traces: Vec<String>) {
    let Some(link) = state.fields.mlflow.get_untracked() else {
        return;
    };
    b.open.set(false);
    open_traces(state, b.follow, MlflowLink { traces, ..link }, true);
}

fn server_form(state: AppState, b: Browser) -> impl IntoView {
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        connect(state, b);
    };
    view! {
        <form class="server-form" on:submit=on_submit>
            <input
                type="url"
                data-testid="server-url"
                placeholder="http://127.0.0.1:5000"
                prop:value=move || b.server_text.get()
                on:input=move |ev| b.server_text.set(event_target_value(&ev))
            />
            <button type="submit">"Connect"</button>
        </form>
    }
}

fn experiment_list(state: AppState, b: Browser) -> impl IntoView {
    let chosen = move || {
        state
            .fields
            .mlflow
            .get()
            .map(|m| m.experiments)
            .unwrap_or_default()
    };
    let pick = move |id: String| {
        state.view.update(|v| {
            if let Some(m) = v.mlflow.as_mut() {
                m.experiments = vec![id];
            }
        })
    };
    move || {
        let chosen = chosen();
        let items = b.experiments.get().into_iter().map(|e| {
            let (label, when) = experiment_label(&e);
            let id = e.experiment_id.clone();
            let active = chosen.contains(&id);
            view! {
                <li>
                    <button class="server-experiment" class:active=active data-testid="server-experiment" data-experiment-id=id.clone() on:click=move |_| pick(id.clone())>
                        <span>{label}</span>
                        <span class="dim">{when}</span>
                    </button>
                </li>
            }
        });
        view! { <ul class="server-experiments">{items.collect_view()}</ul> }
    }
}

fn assessment_chip(a: ListedAssessment) -> impl IntoView {
    chip(a.name, a.value, a.is_expectation)
}

fn trace_row(state: AppState, b: Browser, t: ListedTrace) -> impl IntoView {
    let id = t.trace_id.clone();
    let (check_id, open_id) = (id.clone(), id.clone());
    let is_checked = move || b.checked.with(|c| c.contains(&check_id));
    let toggle = move |_| {
        b.checked.update(|c| {
            if !c.remove(&id) {
                c.insert(id.clone());
            }
        })
    };
    let status_class = format!("status-{}", t.status.to_ascii_lowercase());
    let spans = (!t.spans.is_empty()).then(|| t.spans.clone());
    let (hook_id, hook_status) = (t.trace_id.clone(), t.status.clone());
    view! {
        <tr data-testid="server-trace" data-trace-id=hook_id data-status=hook_status data-span-count=spans>
            <td><input type="checkbox" title="Open several at once" prop:checked=is_checked on:change=toggle /></td>
            <td class="num">{t.time}</td>
            <td><button class="link" title=t.trace_id on:click=move |_| open(state, b, vec![open_id.clone()])>{t.name}</button></td>
            <td class=status_class>{t.status}</td>
            <td class="num">{t.duration}</td>
            <td class="num">{t.spans}</td>
            <td class="num">{t.tokens}</td>
            <td><span class="chips">{t.assessments.into_iter().map(assessment_chip).collect_view()}</span></td>
        </tr>
    }
}

fn trace_table(state: AppState, b: Browser) -> impl IntoView {
    let rows = move || {
        b.rows
            .get()
            .iter()
            .map(|r| trace_row(state, b, listed(r)))
            .collect_view()
    };
    view! {
        <table class="grid server-trace-list">
            <thead>
                <tr>
                    <th></th><th>"time (UTC)"</th><th>"name"</th><th>"status"</th><th class="num">"duration"</th>
                    <th class="num">"spans"</th><th class="num">"tokens in / out / total"</th><th>"assessments"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn search_form(b: Browser) -> impl IntoView {
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        b.filter
            .set(b.filter_text.get_untracked().trim().to_string());
    };
    view! {
        <form class="server-form" on:submit=on_submit>
            <input
                class="server-filter"
                data-testid="server-filter"
                placeholder="MLflow filter, e.g. status = 'ERROR' AND tags.env = 'prod'"
                prop:value=move || b.filter_text.get()
                on:input=move |ev| b.filter_text.set(event_target_value(&ev))
            />
            <button type="submit">"Search"</button>
        </form>
    }
}

fn trace_actions(state: AppState, b: Browser) -> impl IntoView {
    let open_checked = move |_| open(state, b, b.checked.get_untracked().into_iter().collect());
    let more = move |_| {
        let (Some(link), Some(token)) = (
            state.fields.mlflow.get_untracked(),
            b.next_page.get_untracked(),
        ) else {
            return;
        };
        b.list_traces(
            link.server,
            link.experiments,
            b.filter.get_untracked(),
            Some(token),
        );
    };
    let count = move || {
        let n = b.rows.with(Vec::len);
        match (b.loading.get(), b.next_page.with(Option::is_some)) {
            (true, _) => "listing…".to_string(),
            (false, true) => format!("{n} traces listed, newest first; more on the server"),
            (false, false) => format!("{n} traces, newest first"),
        }
    };
    view! {
        <div class="server-actions">
            <button data-testid="server-open-selected" disabled=move || b.checked.with(BTreeSet::is_empty) on:click=open_checked>
                {move || format!("Open selected ({})", b.checked.with(BTreeSet::len))}
            </button>
            <Show when=move || b.next_page.with(Option::is_some)>
                <button data-testid="server-more" on:click=more>"Load more"</button>
            </Show>
            <span class="dim" data-testid="server-count">{count}</span>
        </div>
    }
}

/// The browser panel, shown below the toolbar while open.
#[component]
pub fn ServerBrowser() -> impl IntoView {
    let state = expect_context::<AppState>();
    let b = expect_context::<Browser>();
    let has_experiment = move || {
        state
            .fields
            .mlflow
            .get()
            .is_some_and(|m| !m.experiments.is_empty())
    };
    view! {
        <Show when=move || b.open.get()>
            <section class="server-browser" data-testid="server-browser">
                <div class="server-head">
                    <h3>"MLflow tracking server"</h3>
                    {server_form(state, b)}
                    <span class="grow"></span>
                    <button class="close" title="Close" on:click=move |_| b.open.set(false)>"×"</button>
                </div>
                {move || b.error.get().map(|e| view! { <p class="server-error" data-testid="server-error">{e}</p> })}
                <div class="server-body">
                    {experiment_list(state, b)}
                    <div class="server-traces">
                        <Show when=has_experiment fallback=|| view! { <p class="dim">"Pick an experiment to list its traces."</p> }>
                            {search_form(b)}
                            {trace_actions(state, b)}
                            {trace_table(state, b)}
                        </Show>
                    </div>
                </div>
            </section>
        </Show>
    }
}
