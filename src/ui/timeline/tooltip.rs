//! The tooltip over the waterfall: text and position from layout, shown as a text node.

use crate::layout::timeline::{tooltip_position, tooltip_text, Hit};
use crate::ui::state::AppState;
use leptos::prelude::*;

/// The tooltip for what is under the pointer.
#[component]
pub fn Tooltip(hover: RwSignal<Option<(Hit, f64, f64)>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let (hit, x, y) = hover.get()?;
        let (_, trace) = state.trace.get_untracked()?;
        let text = tooltip_text(&trace, hit, state.derived.aligned.get_untracked())?;
        let (left, top) = tooltip_position(&state.transient.geometry.get_untracked(), x, y);
        Some(view! {
            <div class="tooltip" data-testid="tooltip" style=format!("left:{left}px;top:{top}px")>{text}</div>
        })
    }
}
