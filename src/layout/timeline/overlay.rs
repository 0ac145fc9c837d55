//! The overlay layer (hover outline, axis range being selected) and the tooltip, laid out here
//! like the base layer so the shell only replays and places what it gets.

use super::clock::shown_start_ns;
use super::draw::DrawCmd;
use super::geometry::Geometry;
use super::hit::Hit;
use crate::layout::palette;
use crate::model::{time::format_iso8601, DurationNs, Trace};

/// Width the tooltip is kept clear of the canvas's right edge, px.
const TOOLTIP_WIDTH_PX: f64 = 260.0;

/// The overlay: an outline around the row under the pointer (`hover_y`, when over a span), and
/// the axis range being dragged (`range`, x from and to).
pub fn overlay_list(g: &Geometry, hover_y: Option<f64>, range: Option<(f64, f64)>) -> Vec<DrawCmd> {
    let mut cmds = Vec::new();
    if let Some(i) = hover_y.and_then(|y| g.row_index_at(y)) {
        cmds.push(DrawCmd::Outline {
            x: 0.0,
            y: g.row_y(i),
            w: g.width_px,
            h: g.row_height_px,
            stroke: palette::HOVER,
        });
    }
    if let Some((a, b)) = range {
        cmds.push(DrawCmd::Rect {
            x: a.min(b),
            y: 0.0,
            w: (a - b).abs(),
            h: g.height_px,
            fill: palette::RANGE,
        });
    }
    cmds
}

/// The tooltip's text for what is under the pointer: a span's name, duration and start, or a
/// time on the axis (absolute, unless traces are aligned).
pub fn tooltip_text(trace: &Trace, hit: Hit, aligned: bool) -> Option<String> {
    Some(match hit {
        Hit::Span(s) | Hit::Toggle(s) => format!(
            "{}\n{} · starts at +{}",
            trace.name(s),
            trace.span(s).duration(),
            DurationNs(shown_start_ns(trace, s, aligned))
        ),
        Hit::Axis { offset_ns } if aligned => {
            format!("+{}\nfrom the start of each trace", DurationNs(offset_ns))
        }
        Hit::Axis { offset_ns } => format!(
            "+{}\n{}",
            DurationNs(offset_ns),
            format_iso8601(trace.start_time().plus(DurationNs(offset_ns)))
        ),
        Hit::Header(_) | Hit::Empty => return None,
    })
}

/// Where the tooltip's top-left corner goes for a pointer at (x, y): below right of it, kept
/// inside the canvas.
pub fn tooltip_position(g: &Geometry, x: f64, y: f64) -> (f64, f64) {
    (
        (x + 14.0).min(g.width_px - TOOLTIP_WIDTH_PX).max(0.0),
        y + 16.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hover_outline_frames_the_row_under_the_pointer() {
        let g = Geometry::for_viewport(800.0, 300.0, 5.0);
        let cmds = overlay_list(&g, Some(g.row_y(3) + 1.0), None);
        assert_eq!(
            cmds,
            [DrawCmd::Outline {
                x: 0.0,
                y: g.row_y(3),
                w: 800.0,
                h: g.row_height_px,
                stroke: palette::HOVER
            }]
        );
        assert!(
            overlay_list(&g, Some(3.0), None).is_empty(),
            "over the axis"
        );
        assert_eq!(tooltip_position(&g, 790.0, 10.0), (540.0, 26.0));
    }
}
