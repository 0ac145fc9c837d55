//! Skein: a trace viewer that runs entirely in the browser.
//!
//! ```text
//!  bytes (File / URL stream, gzip)                      user input
//!        |                                                  |
//!   ingest::Session --frames, detects, reads--> model::Trace (immutable, Arc)
//!        |                                        |             |
//!        |                               analysis (pure)   view_state (URL text)
//!        |                                        \             /
//!        |                                  layout (pure): rows, time scale, draw list
//!        v                                                |
//!   diagnostics (data)                           ui (feature "web"): Leptos + canvas
//! ```
//!
//! The core (`model`, `ingest`, `analysis`, `query`, `view_state`, `layout`) has no browser code and
//! builds and tests natively with `--no-default-features`. The shell (`ui`) only adapts browser
//! events to view-state changes and replays draw lists on a canvas.

pub mod analysis;
pub mod ingest;
pub mod layout;
pub mod model;
pub mod query;
pub mod view_state;

#[cfg(feature = "web")]
pub mod ui;
