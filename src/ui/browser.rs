//! Thin wrappers over browser APIs used in several places (timing, yielding, window access).

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// `performance.now()` in ms (0 when unavailable).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Lets the browser run other tasks (paint, handle input) before resuming: for work that stays
/// on the page (follow polling; parsing never does: see `parse_worker`).
pub async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Lets the browser draw a frame before resuming (the next animation frame, then a task after
/// it): splits the page's work after a load (decode, then install) so no frame waits for both.
pub async fn after_next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let Some(w) = web_sys::window() else {
            let _ = resolve.call0(&JsValue::NULL);
            return;
        };
        let later = Closure::once_into_js(move || {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
            }
        });
        let _ = w.request_animation_frame(later.unchecked_ref());
    });
    let _ = JsFuture::from(promise).await;
}

/// The current `location.search` ("" when unavailable).
pub fn location_search() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// Writes `query` (keeping path and fragment) into the current history entry, or a new one.
pub fn write_query(query: &str, push: bool) {
    if let Some(w) = web_sys::window() {
        if let Ok(h) = w.history() {
            let loc = w.location();
            let url = format!(
                "{}{query}{}",
                loc.pathname().unwrap_or_default(),
                loc.hash().unwrap_or_default()
            );
            let _ = if push {
                h.push_state_with_url(&JsValue::NULL, "", Some(&url))
            } else {
                h.replace_state_with_url(&JsValue::NULL, "", Some(&url))
            };
        }
    }
}

/// The current `location.hash` ("" when unavailable).
pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// `origin + pathname` of the page.
pub fn page_base() -> String {
    web_sys::window()
        .map(|w| {
            format!(
                "{}{}",
                w.location().origin().unwrap_or_default(),
                w.location().pathname().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// The device pixel ratio (1 when unavailable).
pub fn device_pixel_ratio() -> f64 {
    web_sys::window().map_or(1.0, |w| w.device_pixel_ratio())
}

/// True when the page was opened from `file://` (the single-file build), where browsers refuse
/// most URL fetches.
pub fn is_file_origin() -> bool {
    web_sys::window()
        .and_then(|w| w.location().protocol().ok())
        .is_some_and(|p| p == "file:")
}
