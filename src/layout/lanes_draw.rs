//! The lanes layout as a draw list, culled like the waterfall: only lines inside the viewport
//! are visited, and in each row only the spans inside the window (binary search on starts,
//! which are sorted and, the spans being disjoint, so are ends). Spans narrower than a pixel
//! that touch one column merge into one 1 px mark (level of detail), so a frame costs
//! O(visible rows x visible columns), not O(spans).

use super::lanes::{Lanes, Line};
use super::palette::{self, Palette};
use super::timeline::{Align, DrawCmd, Geometry};
use crate::model::Trace;
use crate::view_state::{ColorMode, TimeWindow};

/// Draws the visible lines of `lanes` for `window` with the waterfall's geometry.
pub fn draw_list(
    trace: &Trace,
    lanes: &Lanes,
    palette: &Palette,
    window: TimeWindow,
    g: &Geometry,
) -> Vec<DrawCmd> {
    let scale = g.scale(trace, window);
    let (x0, x_end) = (g.bars_x0(), g.bars_x0() + g.bars_width());
    let (t0, t1) = (scale.time_from_px(x0).0, scale.time_from_px(x_end).0);
    let mut out = Vec::with_capacity(512);
    for i in g.visible_row_range(lanes.lines.len()) {
        let y = g.row_y(i);
        match lanes.lines[i] {
            Line::Header(l) => {
                let lane = &lanes.lanes[l];
                out.push(DrawCmd::Rect {
                    x: 0.0,
                    y,
                    w: g.width_px,
                    h: g.row_height_px,
                    fill: palette::AXIS_BG,
                });
                let mark = if lane.folded { "▸" } else { "▾" };
                out.push(DrawCmd::Text {
                    x: 6.0,
                    y: y + g.row_height_px / 2.0,
                    text: format!("{mark} {} · {} rows", lane.label(), lane.rows.len()),
                    fill: palette::TEXT,
                    align: Align::Left,
                    bold: true,
                });
            }
            Line::Row(l, r) => {
                let row = &lanes.lanes[l].rows[r];
                let mut k = row.partition_point(|&s| trace.span(s).end.0 < t0);
                while let Some(&s) = row.get(k).filter(|&&s| trace.span(s).start.0 <= t1) {
                    let span = trace.span(s);
                    let a = scale.px_from_time(span.start).max(x0 - 2.0);
                    let b = scale.px_from_time(span.end).min(x_end + 2.0);
                    let fill = if span.is_error() {
                        palette::ERROR
                    } else {
                        palette.span_color(trace, s, ColorMode::SpanType)
                    };
                    out.push(DrawCmd::Rect {
                        x: a,
                        y: y + 2.0,
                        w: (b - a).max(1.0),
                        h: g.row_height_px - 4.0,
                        fill,
                    });
                    k += 1;
                    if b - a < 1.0 {
                        // this 1 px mark stands for every span ending in its column: skip them
                        let next = scale.time_from_px(a.floor() + 1.0).0;
                        k += row[k..].partition_point(|&s| trace.span(s).end.0 < next);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ingest_sources;
    use crate::layout::lanes::{lanes, LaneBy};
    use crate::view_state::navigation;

    /// Two threads of one process, a slice nested in another on thread 1:
    ///
    /// ```text
    ///  tid 1: [======== a ========]
    ///            [== b ==]
    ///  tid 2:        [== c ==]
    /// ```
    const CHROME: &str = r#"[
        {"ph": "X", "name": "a", "pid": 1, "tid": 1, "ts": 0, "dur": 100},
        {"ph": "X", "name": "b", "pid": 1, "tid": 1, "ts": 20, "dur": 30},
        {"ph": "X", "name": "c", "pid": 1, "tid": 2, "ts": 40, "dur": 30}
    ]"#;

    #[test]
    fn headers_and_rows_are_drawn_and_culled() {
        let t = ingest_sources([("t.json", CHROME.as_bytes())]);
        let l = lanes(&t, LaneBy::Thread, &[]);
        assert_eq!(l.lines.len(), 5, "{:?}", l.lines); // 2 headers, 2 + 1 rows
        let g = Geometry::for_viewport(1000.0, 400.0, 0.0);
        let window = navigation::fit(100_000);
        let cmds = draw_list(&t, &l, &Palette::new(&t), window, &g);
        let bars = cmds
            .iter()
            .filter(|c| matches!(c, DrawCmd::Rect { h, .. } if *h < g.row_height_px))
            .count();
        assert_eq!(bars, 3);
        // a window before everything draws the headers only
        let early = TimeWindow {
            start_ns: -1_000_000,
            end_ns: -500_000,
        };
        let cmds = draw_list(&t, &l, &Palette::new(&t), early, &g);
        assert_eq!(cmds.len(), 4, "two headers, each a band and a label");
    }
}
