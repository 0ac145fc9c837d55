//! A span type's icon as inline SVG, from the same path table the canvas draws
//! (`layout::icons`), in the type's colour.

use crate::layout::{icons, palette};
use crate::model::SpanType;
use leptos::prelude::*;

/// The icon of `kind`, with its label as the accessible name.
#[component]
pub fn TypeIcon(kind: SpanType) -> impl IntoView {
    view! {
        <svg class="type-icon" viewBox="0 0 12 12" width="12" height="12" role="img" aria-label=kind.label() data-testid="type-icon" data-type=kind.label()>
            <path
                d=icons::path(kind)
                fill="none"
                stroke=palette::type_color(kind).css()
                stroke-width=icons::STROKE.to_string()
                stroke-linejoin="round"
                stroke-linecap="round"
            />
        </svg>
    }
}
