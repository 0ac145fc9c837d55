//! The colour theme in the page: follows `prefers-color-scheme` (and its changes) unless the
//! view state picks one, and sets `data-theme` on the root element for the stylesheet. The
//! canvases read the same theme (`AppState::theme`) and draw with `layout::theme_colors`.

use super::state::AppState;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

const DARK_QUERY: &str = "(prefers-color-scheme: dark)";

/// Watches the system setting and keeps the root's `data-theme` on the theme shown.
pub fn install(state: AppState) {
    if let Some(mq) = web_sys::window().and_then(|w| w.match_media(DARK_QUERY).ok().flatten()) {
        state.transient.system_dark.set(mq.matches());
        let system_dark = state.transient.system_dark;
        let on_change = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            if let Some(mq) = ev.dyn_ref::<web_sys::MediaQueryList>() {
                system_dark.set(mq.matches());
            }
        });
        let _ = mq.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        // the listener lives as long as the page
        on_change.forget();
    }
    Effect::new(move |_| {
        let theme = state.theme();
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element());
        if let Some(root) = root {
            let _ = root.set_attribute("data-theme", theme.token());
        }
    });
}

/// The toolbar button that switches to the other theme (kept in the link as `theme=`).
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let state = expect_context::<AppState>();
    let label = move || match state.theme() {
        crate::view_state::Theme::Dark => "☀ light",
        crate::view_state::Theme::Light => "☾ dark",
    };
    let toggle = move |_| {
        let next = state.theme_untracked().other();
        state.view.update(|v| v.theme = Some(next));
    };
    view! {
        <button data-testid="theme-toggle" title="Switch between the dark and the light theme (the link keeps the choice; without one the system setting decides)" on:click=toggle>{label}</button>
    }
}
