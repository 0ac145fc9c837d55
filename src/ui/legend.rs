//! The legend under the timeline: each colour category in use (known span types with their
//! icon), from the legend memo, which follows the trace and the colour mode only; "24 of N
//! shown" when there are more categories than it lists; the critical path's colour while shown.

use super::state::AppState;
use super::type_icon::TypeIcon;
use crate::layout::palette::legend_note;
use crate::model::SpanType;
use leptos::prelude::*;

/// The legend.
#[component]
pub fn Legend() -> impl IntoView {
    let state = expect_context::<AppState>();
    let note = Memo::new(move |_| {
        let (mode, palette) = (state.fields.color.get(), state.derived.palette.get()?);
        let shown = state.derived.legend.with(|l| l.0.len());
        state.trace.with(|t| {
            let t = &t.as_ref()?.1;
            legend_note(shown, palette.0.legend_total(t, mode))
        })
    });
    view! {
        <div class="legend" data-testid="legend">
            {move || state.derived.legend.get().0.iter().map(|(name, color)| {
                let swatch = match SpanType::classify(name) {
                    Some(kind) => view! { <TypeIcon kind /> }.into_any(),
                    None => view! { <span class="swatch" style=format!("background:{}", color.css())></span> }.into_any(),
                };
                view! { <span class="legend-item">{swatch}{name.clone()}</span> }
            }).collect_view()}
            {move || note.get().map(|n| view! { <span class="legend-item dim" data-testid="legend-note">{n}</span> })}
            <Show when=move || state.fields.critical_path.get()>
                <span class="legend-item" data-testid="legend-critical"><span class="swatch critical"></span>"critical path"</span>
                <span class="legend-item"><span class="swatch failed"></span>"failed"</span>
            </Show>
        </div>
    }
}
