//! The commands of a draw list, in logical px: what the painter replays on a canvas.

use super::super::palette::Rgb;
use crate::model::SpanType;

/// Text alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Left edge at x.
    Left,
    /// Right edge at x.
    Right,
}

/// One drawing command, logical px.
#[derive(Debug, Clone, PartialEq)]
pub enum DrawCmd {
    /// A filled rectangle.
    Rect {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        fill: Rgb,
    },
    /// A rectangle outline (1 px).
    Outline {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        stroke: Rgb,
    },
    /// A line.
    Line {
        x1: f64,
        y1: f64,
        x2: f64,
        y2: f64,
        stroke: Rgb,
    },
    /// A diamond (zero-duration span, marker).
    Diamond { x: f64, y: f64, r: f64, fill: Rgb },
    /// A span-type icon (`layout::icons`) centred at (x, y), `size` px square.
    Icon {
        x: f64,
        y: f64,
        size: f64,
        icon: SpanType,
        stroke: Rgb,
    },
    /// Text; `y` is the vertical middle.
    Text {
        x: f64,
        y: f64,
        text: String,
        fill: Rgb,
        align: Align,
        bold: bool,
    },
}
