//! Hit testing of the waterfall: which axis time, toggle, span or trace header lies under a
//! point, from the same geometry and rows the draw list used. Invariant: rows are found by
//! arithmetic on the row height (O(1)), never by scanning.

use super::Geometry;
use crate::layout::rows::{Row, RowItem};
use crate::model::{SpanIdx, Trace, TraceIdx};
use crate::view_state::TimeWindow;

/// What is under a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Hit {
    /// The time axis, at this time offset (ns from the trace start).
    Axis { offset_ns: i64 },
    /// The expand/collapse toggle of a span row.
    Toggle(SpanIdx),
    /// A span row (label or bar area).
    Span(SpanIdx),
    /// A trace header row.
    Header(TraceIdx),
    /// Nothing.
    Empty,
}

/// Hit test at (x, y) logical px.
pub fn hit_test(
    trace: &Trace,
    rows: &[Row],
    window: TimeWindow,
    g: &Geometry,
    x: f64,
    y: f64,
) -> Hit {
    if y < g.axis_height_px {
        return Hit::Axis {
            offset_ns: g.scale(trace, window).offset_from_px(x),
        };
    }
    let i = ((y - g.axis_height_px + g.scroll_top_px) / g.row_height_px).floor();
    if i < 0.0 || i as usize >= rows.len() {
        return Hit::Empty;
    }
    let row = rows[i as usize];
    match row.item {
        RowItem::TraceHeader(t) => Hit::Header(t),
        RowItem::Span(s) => {
            let tx = g.toggle_x(row.depth);
            if row.has_children && x >= tx - 4.0 && x < tx + 12.0 {
                Hit::Toggle(s)
            } else {
                Hit::Span(s)
            }
        }
    }
}
