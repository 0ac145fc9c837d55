//! Layout: pure functions from (trace, view, geometry) to rows, scales, ticks and draw lists.
//! The shell replays draw lists; it never computes positions itself.

pub mod chat;
pub mod commands;
pub mod dag;
pub mod details;
pub mod icons;
pub mod json_tree;
pub mod palette;
pub mod rows;
pub mod span_notes;
pub mod ticks;
pub mod time_scale;
pub mod timeline;
