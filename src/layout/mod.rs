//! Layout: pure functions from (trace, view, geometry) to rows, scales, ticks and draw lists.
//! The shell replays draw lists; it never computes positions itself.

pub mod chat;
pub mod commands;
pub mod compare;
pub mod dag;
pub mod details;
pub mod flame;
pub mod flame_zoom;
pub mod follow_view;
pub mod icons;
pub mod json_tree;
pub mod palette;
pub mod query_box;
pub mod rows;
pub mod span_notes;
pub mod stats_table;
pub mod ticks;
pub mod time_scale;
pub mod timeline;

/// Small traces the layout tests share, each drawn where it is defined.
#[cfg(test)]
pub(crate) mod scenarios {
    /// One trace: `root` (0 – 1 s) and its `child` (0.5 – 0.75 s).
    ///
    /// ```text
    ///  root   [==============================]
    ///  child                 [=======]
    /// ```
    pub const TWO_SPANS: &str = concat!(
        r#"{"name": "root", "context": {"trace_id": "0x01", "span_id": "0x0a"}, "parent_id": null, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:01Z"}"#,
        "\n",
        r#"{"name": "child", "context": {"trace_id": "0x01", "span_id": "0x0b"}, "parent_id": "0x0a", "start_time": "2026-01-01T00:00:00.5Z", "end_time": "2026-01-01T00:00:00.75Z"}"#,
        "\n"
    );
}
