//! The compare view's bar: what A and B are (their sources, or the runs picked from one load,
//! with a picker when a load holds several runs), "Compare with…", the matching key, the
//! tolerance and Swap. Every control writes the view state; the comparison memo follows.

use super::load::{swap, BaselineInput};
use super::Compared;
use crate::layout::compare::sides::by_start;
use crate::model::{Trace, TraceId, TraceIdx};
use crate::ui::state::{AppState, Shared};
use crate::view_state::compare::{CompareKey, ToleranceSpec};
use leptos::prelude::*;

/// One run of a load as a picker shows it: `7c1e5b0f… · agent_run · 48.7ms`.
fn run_label(t: &Trace, i: TraceIdx) -> String {
    let id = t.trace_ids()[i.ix()].to_string();
    let name = t.first_root(i).map_or("", |r| t.name(r));
    let (start, end) = t.trace_bounds_of(i);
    format!(
        "{}… · {name} · {}",
        &id[..id.len().min(8)],
        end.since(start)
    )
}

/// What a side holds, in words.
pub(super) fn side_text(t: &Trace, picked: &Option<Vec<TraceIdx>>) -> String {
    let names: Vec<&str> = t
        .sources()
        .iter()
        .map(|s| s.name.rsplit('/').next().unwrap_or(&s.name))
        .collect();
    let runs = match picked {
        Some(p) if p.len() == 1 => run_label(t, p[0]),
        Some(p) => format!("{} runs (baseline set)", p.len()),
        None if t.trace_count() > 1 => format!("all {} runs", t.trace_count()),
        None => format!("{} spans", t.span_count()),
    };
    format!("{runs} · {}", names.join(", "))
}

/// A picker of the runs of `load` for one side; `set` offers "every other run" (A in one load).
fn picker(state: AppState, c: &Compared, is_a: bool) -> Option<impl IntoView> {
    let (load, picked) = if is_a {
        (&c.a, &c.picked.a)
    } else {
        (&c.b, &c.picked.b)
    };
    if load.trace_count() < 2 {
        return None;
    }
    let one_load = !c.a_in_baseline;
    let ids: Vec<TraceId> = by_start(load)
        .iter()
        .map(|&i| load.trace_ids()[i.ix()])
        .collect();
    let current = match picked {
        Some(p) if p.len() == 1 => load.trace_ids()[p[0].ix()].to_string(),
        Some(_) if one_load => "set".to_string(),
        _ => String::new(),
    };
    let other = if is_a {
        c.picked.b.clone()
    } else {
        c.picked.a.clone()
    };
    let other_ids: Vec<TraceId> = other
        .iter()
        .flatten()
        .map(|i| load.trace_ids()[i.ix()])
        .collect();
    let options = by_start(load)
        .into_iter()
        .map(|i| view! { <option value=load.trace_ids()[i.ix()].to_string()>{run_label(load, i)}</option> })
        .collect_view();
    let all = match (one_load, is_a) {
        (true, true) => Some(("set", "every other run (baseline set)".to_string())),
        (true, false) => None,
        (false, _) => Some(("", format!("all {} runs", ids.len()))),
    };
    let all = all.map(|(value, text)| view! { <option value=value>{text}</option> });
    let on_change = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let chosen: Vec<TraceId> = match value.as_str() {
            "" => Vec::new(),
            "set" => ids
                .iter()
                .copied()
                .filter(|t| !other_ids.contains(t))
                .collect(),
            v => TraceId::parse_hex(v).into_iter().collect(),
        };
        state.view.update(|v| match is_a {
            true => v.compare.settings.a_traces = chosen,
            false => v.compare.settings.b_traces = chosen,
        });
    };
    let testid = if is_a {
        "compare-pick-a"
    } else {
        "compare-pick-b"
    };
    Some(
        view! { <select data-testid=testid prop:value=current on:change=on_change>{all}{options}</select> },
    )
}

/// The sides: A's and B's sources or runs, and the pickers.
fn sides_view(state: AppState, c: Shared<Compared>) -> impl IntoView {
    let a = side_text(&c.0.a, &c.0.picked.a);
    let b = side_text(&c.0.b, &c.0.picked.b);
    let (a_title, b_title) = (a.clone(), b.clone());
    view! {
        <span class="side side-a" title=a_title><b>"A"</b>" baseline: "{a}</span>
        {picker(state, &c.0, true)}
        <button data-testid="compare-swap" title="Exchange A and B" on:click=move |_| swap(state)>"⇅ Swap"</button>
        <span class="side side-b" title=b_title><b>"B"</b>" this run: "{b}</span>
        {picker(state, &c.0, false)}
    }
}

/// The key: automatic, data id, path, or an attribute (typed in).
fn key_control(state: AppState) -> impl IntoView {
    let key = move || state.fields.compare.with(|s| s.key.clone());
    let kind = move || match key() {
        None => "",
        Some(CompareKey::DataId) => "data-id",
        Some(CompareKey::Path) => "path",
        Some(CompareKey::Attr(_)) => "attr",
    };
    let attr = move || match key() {
        Some(CompareKey::Attr(k)) => k,
        _ => String::new(),
    };
    let set = move |k: Option<CompareKey>| state.view.update(|v| v.compare.settings.key = k);
    let on_kind = move |ev: leptos::ev::Event| match event_target_value(&ev).as_str() {
        "data-id" => set(Some(CompareKey::DataId)),
        "path" => set(Some(CompareKey::Path)),
        "attr" => set(Some(CompareKey::Attr("gen_ai.tool.name".into()))),
        _ => set(None),
    };
    let on_attr = move |ev: leptos::ev::Event| {
        let k = event_target_value(&ev);
        set((!k.trim().is_empty()).then(|| CompareKey::Attr(k.trim().to_string())));
    };
    view! {
        <label class="field" title="What makes a span of A the same as a span of B (never the span id)">
            "match by "
            <select data-testid="compare-key" prop:value=kind on:change=on_kind>
                <option value="">"auto (data id, else path)"</option>
                <option value="data-id">"data id"</option>
                <option value="path">"path"</option>
                <option value="attr">"attribute…"</option>
            </select>
        </label>
        <Show when=move || kind() == "attr">
            <input class="attr-key" data-testid="compare-attr" prop:value=attr on:change=on_attr placeholder="attribute key" />
        </Show>
    }
}

/// The tolerance, as text (`25%,1ms`); a bad entry is marked and not applied.
fn tolerance_control(state: AppState) -> impl IntoView {
    let bad = RwSignal::new(None::<String>);
    let text = move || {
        state
            .fields
            .compare
            .with(|s| s.tolerance.unwrap_or_default().to_string())
    };
    let on_change =
        move |ev: leptos::ev::Event| match event_target_value(&ev).parse::<ToleranceSpec>() {
            Ok(t) => {
                bad.set(None);
                let t = (t != ToleranceSpec::default()).then_some(t);
                state.view.update(|v| v.compare.settings.tolerance = t);
            }
            Err(e) => bad.set(Some(e)),
        };
    view! {
        <label class="field" title="A duration is unchanged while |B − A| ≤ floor + percent of the larger (Tempo's rule)">
            "unchanged within "
            <input class="tolerance" class:bad=move || bad.get().is_some() data-testid="compare-tolerance" prop:value=text on:change=on_change />
        </label>
        {move || bad.get().map(|e| view! { <span class="bad-note">{e}</span> })}
    }
}

/// The bar.
#[component]
pub fn CompareBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let sides = move || {
        state
            .compare
            .compared
            .get()
            .and_then(Result::ok)
            .map(|c| sides_view(state, c))
    };
    view! {
        <div class="compare-bar">
            <BaselineInput />
            {sides}
            <span class="grow"></span>
            {key_control(state)}
            {tolerance_control(state)}
        </div>
    }
}
