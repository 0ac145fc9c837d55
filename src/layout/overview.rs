//! The overview strip: the whole load's span density per pixel column (computed once per trace
//! and width, O(spans + columns) with difference arrays), its draw list (O(columns) per frame,
//! whatever the span count) and the arithmetic of dragging its window box. Invariant: the strip
//! maps the fit window (`navigation::fit` of the extent) onto its columns, so at fit the box
//! covers the whole strip.
//!
//! ```text
//!  x0_px                                                       x0_px + width_px
//!  |▁▁▂▃▅▇█▇▅▃▂▁▁▁▁▂▂▃▃▅▅▇▇▅▃▂▁|  ▁▂▃▅▇▅▃▂▁▁  ▁▂▃▂▁|   <- spans per column (sqrt scale)
//!  |   ▌ (error)   ┌──────────────┐                |   <- red: a failed span there
//!  |━━━━━━━━━━━━━━━│━━━━━━━━━━━━━━│━━━━━━━━━━━━━━━━|   <- dark: the critical path (when shown)
//!                  └─ window box ─┘ drag it, or click to centre the window there
//! ```

use super::palette::{self, Rgb};
use super::timeline::{extent_ns, shift_ns, Align, DrawCmd};
use crate::analysis::span_critical_path::SectionsBySpan;
use crate::model::Trace;
use crate::view_state::{navigation, TimeWindow};

/// Height of the strip, logical px.
pub const OVERVIEW_HEIGHT_PX: f64 = 40.0;
/// Narrowest window box drawn, px (a tiny window stays findable).
const MIN_BOX_PX: f64 = 4.0;
const BAR: Rgb = Rgb(0x8da2bb);
const BOX: Rgb = palette::HOVER;

/// Span density of a whole load per column.
#[derive(Debug, Clone, PartialEq)]
pub struct Density {
    /// Spans overlapping each column.
    pub counts: Vec<u32>,
    /// Failed spans overlapping each column.
    pub errors: Vec<u32>,
    /// Columns the critical path passes through (empty when it is not shown).
    pub critical: Vec<bool>,
    /// Largest count.
    pub max: u32,
    /// The time range the columns cover (offsets from the load's start, as the view's window).
    pub range: TimeWindow,
}

/// Column of offset `t_ns` in `range` cut into `n` columns, clamped into the strip.
fn column(range: TimeWindow, n: usize, t_ns: i64) -> usize {
    let share = (t_ns - range.start_ns) as f64 / range.len_ns().max(1) as f64;
    ((share * n as f64).floor().max(0.0) as usize).min(n.saturating_sub(1))
}

/// Adds 1 over columns `[a, b]` of a difference array.
fn mark(diff: &mut [i64], a: usize, b: usize) {
    diff[a] += 1;
    diff[b + 1] -= 1;
}

fn prefix(diff: &[i64], n: usize) -> Vec<u32> {
    let mut run = 0i64;
    diff[..n]
        .iter()
        .map(|d| {
            run += d;
            run.max(0) as u32
        })
        .collect()
}

/// Counts, per column of `columns`, the spans (and failed spans) whose drawn interval overlaps
/// it, and marks the columns the critical path's sections cover. Times are drawn as the
/// waterfall draws them (`aligned`: each trace from its own start).
pub fn density(
    trace: &Trace,
    columns: usize,
    aligned: bool,
    critical: Option<&SectionsBySpan>,
) -> Density {
    let range = navigation::fit(extent_ns(trace, aligned));
    let n = columns.max(1);
    let (mut all, mut failed) = (vec![0i64; n + 1], vec![0i64; n + 1]);
    let origin = trace.start_time();
    for s in trace.span_indices() {
        let span = trace.span(s);
        let shift = shift_ns(trace, s, aligned);
        let a = column(range, n, span.start.since(origin).0 - shift);
        let b = column(range, n, span.end.since(origin).0 - shift).max(a);
        mark(&mut all, a, b);
        if span.is_error() {
            mark(&mut failed, a, b);
        }
    }
    let critical = critical.map_or_else(Vec::new, |c| {
        let mut on = vec![0i64; n + 1];
        for (&s, sections) in c {
            let shift = shift_ns(trace, s, aligned);
            for &(a_ns, b_ns) in sections {
                let a = column(range, n, a_ns - origin.0 - shift);
                let b = column(range, n, b_ns - origin.0 - shift).max(a);
                mark(&mut on, a, b);
            }
        }
        prefix(&on, n).into_iter().map(|c| c > 0).collect()
    });
    let counts = prefix(&all, n);
    Density {
        max: counts.iter().copied().max().unwrap_or(0),
        counts,
        errors: prefix(&failed, n),
        critical,
        range,
    }
}

/// Where the strip is drawn: its left edge and width, px (the waterfall's bar area).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Strip {
    /// Left edge of the columns, px.
    pub x0_px: f64,
    /// Width of the columns, px.
    pub width_px: f64,
}

impl Strip {
    fn px_from_ns(&self, range: TimeWindow, t_ns: i64) -> f64 {
        self.x0_px + (t_ns - range.start_ns) as f64 / range.len_ns().max(1) as f64 * self.width_px
    }

    fn ns_from_px(&self, range: TimeWindow, x_px: f64) -> i64 {
        let share = (x_px - self.x0_px) / self.width_px.max(1.0);
        range.start_ns + (share * range.len_ns() as f64).round() as i64
    }

    /// The window box, left and right px (at least `MIN_BOX_PX` wide, centred on the window).
    pub fn window_box(&self, d: &Density, window: TimeWindow) -> (f64, f64) {
        let (a, b) = (
            self.px_from_ns(d.range, window.start_ns),
            self.px_from_ns(d.range, window.end_ns),
        );
        let mid = (a + b) / 2.0;
        let half = ((b - a) / 2.0).max(MIN_BOX_PX / 2.0);
        (mid - half, mid + half)
    }

    /// The window moved so its middle is at `x_px` (a click on the strip), kept on the load.
    pub fn centred_at(
        &self,
        d: &Density,
        window: TimeWindow,
        x_px: f64,
        extent: i64,
    ) -> TimeWindow {
        let mid = self.ns_from_px(d.range, x_px);
        let half = window.len_ns() / 2;
        navigation::clamp(
            TimeWindow {
                start_ns: mid - half,
                end_ns: mid - half + window.len_ns(),
            },
            extent,
        )
    }

    /// The window `from` moved by a drag of `dx_px` along the strip, kept on the load.
    pub fn dragged(&self, d: &Density, from: TimeWindow, dx_px: f64, extent: i64) -> TimeWindow {
        let ns_per_px = d.range.len_ns() as f64 / self.width_px.max(1.0);
        navigation::pan(from, (dx_px * ns_per_px).round() as i64, extent)
    }

    /// The strip's draw list: background, density bars, failures, critical path, window box.
    pub fn draw_list(&self, d: &Density, window: TimeWindow, height_px: f64) -> Vec<DrawCmd> {
        let n = d.counts.len().max(1);
        let col_px = self.width_px / n as f64;
        // the box is drawn inside the strip even when the window reaches past the load
        let (a, b) = self.window_box(d, window);
        let right = self.x0_px + self.width_px;
        let box_a = a.clamp(self.x0_px, right - MIN_BOX_PX);
        let box_b = b.clamp(box_a + MIN_BOX_PX, right);
        let mut out = Vec::with_capacity(n * 2 + 8);
        let rect = |x: f64, y: f64, w: f64, h: f64, fill: Rgb| DrawCmd::Rect { x, y, w, h, fill };
        out.push(rect(
            self.x0_px,
            0.0,
            self.width_px,
            height_px,
            palette::AXIS_BG,
        ));
        out.push(rect(box_a, 0.0, box_b - box_a, height_px, palette::RANGE));
        out.push(DrawCmd::Text {
            x: 8.0,
            y: height_px / 2.0,
            text: "overview".into(),
            fill: palette::TEXT_DIM,
            align: Align::Left,
            bold: false,
        });
        let bars_h = height_px - 8.0;
        let max = f64::from(d.max.max(1)).sqrt();
        for (i, &c) in d.counts.iter().enumerate().filter(|(_, &c)| c > 0) {
            let h = (f64::from(c).sqrt() / max * bars_h).max(1.0);
            let x = self.x0_px + i as f64 * col_px;
            out.push(rect(x, 4.0 + bars_h - h, col_px.max(1.0), h, BAR));
        }
        for (i, _) in d.errors.iter().enumerate().filter(|(_, &e)| e > 0) {
            let x = self.x0_px + i as f64 * col_px;
            out.push(rect(x, 0.0, col_px.max(1.0), 4.0, palette::ERROR));
        }
        for (i, _) in d.critical.iter().enumerate().filter(|(_, &on)| on) {
            let x = self.x0_px + i as f64 * col_px;
            out.push(rect(
                x,
                height_px - 3.0,
                col_px.max(1.0),
                3.0,
                palette::CRITICAL,
            ));
        }
        for inset in [0.0, 1.0] {
            out.push(DrawCmd::Outline {
                x: box_a + inset,
                y: inset,
                w: box_b - box_a - 2.0 * inset,
                h: height_px - 2.0 * inset,
                stroke: BOX,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ingest_sources;

    fn span(id: u32, parent: Option<u32>, ms: (u32, u32), error: bool) -> String {
        let parent = parent.map_or("null".to_string(), |p| format!("\"0x{p:x}\""));
        let status = if error { "ERROR" } else { "OK" };
        format!(
            r#"{{"name": "s{id}", "context": {{"trace_id": "0x1", "span_id": "0x{id:x}"}}, "parent_id": {parent}, "start_time": "2026-01-01T00:00:00.{:03}000Z", "end_time": "2026-01-01T00:00:00.{:03}000Z", "status": {{"status_code": "{status}"}}}}"#,
            ms.0, ms.1
        )
    }

    /// ```text
    ///  ms    0         250        500        750       1000 (extent 1 s, fit adds 2% a side)
    ///  root  [==========================================]
    ///  a     [==========]
    ///  b                            [=====] (failed)
    /// ```
    fn trace() -> Trace {
        let lines = [
            span(1, None, (0, 999), false),
            span(2, Some(1), (0, 250), false),
            span(3, Some(1), (500, 600), true),
        ];
        let text = lines.join("\n") + "\n";
        ingest_sources([("s.jsonl", text.as_bytes())])
    }

    #[test]
    fn counts_are_spans_overlapping_each_column() {
        let t = trace();
        let d = density(&t, 104, false, None);
        // fit: -19.98 ms .. 1018.98 ms over 104 columns, ~9.99 ms each; column of t ms:
        let col = |ms: f64| ((ms + 19.98) / 1038.96 * 104.0).floor() as usize;
        assert_eq!(d.counts[col(100.0)], 2, "root and a");
        assert_eq!(d.counts[col(400.0)], 1, "root only");
        assert_eq!(d.counts[col(550.0)], 2, "root and b");
        assert_eq!(d.counts[0], 0, "left margin");
        assert_eq!(d.max, 2);
        assert_eq!(d.errors[col(550.0)], 1);
        assert_eq!(d.errors[col(400.0)], 0);
        assert!(d.critical.is_empty());
    }

    #[test]
    fn the_window_box_follows_the_window_and_drags_move_it() {
        let t = trace();
        let d = density(&t, 1000, false, None);
        let strip = Strip {
            x0_px: 100.0,
            width_px: 1000.0,
        };
        let fit = d.range;
        let (a, b) = strip.window_box(&d, fit);
        assert!((a - 100.0).abs() < 1e-9 && (b - 1100.0).abs() < 1e-9);
        let half = TimeWindow {
            start_ns: fit.start_ns,
            end_ns: fit.start_ns + fit.len_ns() / 2,
        };
        let moved = strip.dragged(&d, half, 200.0, 999_000_000);
        // 200 px of 1000 = a fifth of the fit window's length
        assert_eq!(moved.start_ns - half.start_ns, fit.len_ns() / 5);
        assert_eq!(moved.len_ns(), half.len_ns());
        let centred = strip.centred_at(&d, half, 600.0, 999_000_000);
        let (a, b) = strip.window_box(&d, centred);
        assert!(((a + b) / 2.0 - 600.0).abs() < 0.01);
    }

    #[test]
    fn a_tiny_window_still_has_a_box_and_draws_cost_columns_not_spans() {
        let t = trace();
        let d = density(&t, 300, false, None);
        let strip = Strip {
            x0_px: 0.0,
            width_px: 300.0,
        };
        let w = TimeWindow {
            start_ns: 500_000_000,
            end_ns: 500_000_100,
        };
        let (a, b) = strip.window_box(&d, w);
        assert!(b - a >= MIN_BOX_PX - 1e-9);
        let cmds = strip.draw_list(&d, w, OVERVIEW_HEIGHT_PX);
        assert!(cmds.len() <= 2 * 300 + 5);
        let errors = cmds
            .iter()
            .filter(|c| matches!(c, DrawCmd::Rect { fill, .. } if *fill == palette::ERROR))
            .count();
        assert!(errors > 0);
    }
}
