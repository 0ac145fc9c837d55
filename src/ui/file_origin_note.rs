//! The note shown beside the URL box when Skein runs from `file://` (the single-file build):
//! browsers refuse most fetches from such pages, so the page says so instead of failing later.

use super::browser::is_file_origin;
use leptos::prelude::*;

/// "Opened from file://": drop or pick files; URLs may be refused by the browser.
#[component]
pub fn FileOriginNote() -> impl IntoView {
    is_file_origin().then(|| {
        view! {
            <span class="file-origin-note" data-testid="file-origin-note">
                "Opened from file://: pick or drop files (this browser may refuse URLs and the example here)"
            </span>
        }
    })
}
