//! What the timeline shows before anything is loaded: what can be dropped, and the example.

use super::state::AppState;
use super::toolbar::open_example;
use leptos::prelude::*;

/// The welcome text, while no trace is loaded.
#[component]
pub fn Welcome() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <Show when=move || state.trace.with(|t| t.is_none())>
            <div class="welcome">
                <h1>"Skein"</h1>
                <p>"Drop trace files here (OpenTelemetry / FlowMesh JSONL, OTLP, Jaeger, Zipkin, Chrome, MLflow, Langfuse, JSON logs; .gz too), open files, or give a URL."</p>
                <p>"Everything stays in this tab: nothing is uploaded."</p>
                <button on:click=move |_| open_example(state)>"Open the example workflow"</button>
            </div>
        </Show>
    }
}
