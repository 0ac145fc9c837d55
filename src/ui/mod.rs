//! The web shell (feature `web`): Leptos components that adapt browser events to commands and
//! view-state changes, and replay the core's draw lists on canvases. No trace logic lives here.
//!
//! ```text
//!  state     AppState: the view state, one memo per field, values derived from them (derived)
//!  commands  keys and buttons -> layout::commands -> view state (+ focus, copy, help, reveal)
//!  app       boot + layout: toolbar (status), query bar, strips, panels, views, help overlay
//!  views     timeline (paint, input, tooltip), dag (graph), analysis, statistics (table,
//!            histogram), flame graph (paint, input), details, panels
//!  io        loader (files, URLs, streaming), url_sync (address bar), share (links), browser
//!  live      follow (+ follow_poll, follow_bar), mlflow_client, mlflow_load, server_browser
//! ```

mod analysis_panel;
mod app;
mod assessments;
mod browser;
mod commands;
mod compare;
mod dag;
mod derived;
mod derived_query;
mod details;
mod diagnostics;
mod failures_panel;
mod fetch;
mod file_origin_note;
mod flame;
mod follow;
mod follow_bar;
mod follow_poll;
mod help;
mod legend;
mod link_files;
mod llm_panel;
mod load_run;
mod loader;
mod messages;
mod mlflow_client;
mod mlflow_load;
mod overview;
mod painter;
mod parse_worker;
mod query_bar;
mod server_browser;
mod share;
mod span_path_view;
mod state;
mod stats;
mod status;
mod strips;
mod theme;
mod timeline;
mod toolbar;
mod type_icon;
mod url_sync;
mod welcome;
mod worker_pool;

/// Installs the panic hook and mounts the app on `<body>`; in a parse worker (the same wasm,
/// started by `worker_pool`), serves parse jobs instead.
pub fn mount() {
    console_error_panic_hook::set_once();
    if parse_worker::is_worker() {
        parse_worker::install();
        return;
    }
    leptos::mount::mount_to_body(app::App);
    worker_pool::prewarm();
}
