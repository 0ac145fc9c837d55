//! The legend under the timeline: each colour category in use (known span types with their
//! icon), from the legend memo, which follows the trace and the colour mode only.

use super::state::AppState;
use super::type_icon::TypeIcon;
use crate::model::SpanType;
use leptos::prelude::*;

/// The legend.
#[component]
pub fn Legend() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <div class="legend" data-testid="legend">
            {move || state.derived.legend.get().0.iter().map(|(name, color)| {
                let swatch = match SpanType::classify(name) {
                    Some(kind) => view! { <TypeIcon kind /> }.into_any(),
                    None => view! { <span class="swatch" style=format!("background:{}", color.css())></span> }.into_any(),
                };
                view! { <span class="legend-item">{swatch}{name.clone()}</span> }
            }).collect_view()}
        </div>
    }
}
