//! Hit testing: what is under a point of the waterfall, by the same geometry the draw list
//! used.

use super::geometry::Geometry;
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

impl Hit {
    /// True over a span's row (its label, toggle or bar).
    pub fn is_span(self) -> bool {
        matches!(self, Hit::Span(_) | Hit::Toggle(_))
    }
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
    if g.is_axis(y) {
        return Hit::Axis {
            offset_ns: g.scale(trace, window).offset_from_px(x),
        };
    }
    let Some(&row) = g.row_index_at(y).and_then(|i| rows.get(i)) else {
        return Hit::Empty;
    };
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
