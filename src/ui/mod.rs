//! The web shell (feature `web`): Leptos components that adapt browser events to view-state
//! changes and replay the core's draw lists on canvases. No trace logic lives here.

mod analysis_panel;
mod app;
mod browser;
mod dag_view;
mod details;
mod diagnostics;
mod failures_panel;
mod file_origin_note;
mod llm_panel;
mod loader;
mod painter;
mod share;
mod state;
mod timeline_view;
mod type_icon;
mod url_sync;

/// Installs the panic hook and mounts the app on `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
