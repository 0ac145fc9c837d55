//! The waterfall as a draw list: (trace, rows, view, geometry) -> commands the shell replays on
//! a canvas, and the inverse, hit testing. Invariants: only rows inside the viewport are
//! visited (culling is O(visible rows)); a bar is at least 1 px wide; labels appear only where
//! they fit, measured with the monospace advance the shell measured once.
//!
//! ```text
//!  +------------------+-------------------------------------------+
//!  | (label column)   | 0      50ms     100ms    150ms  (axis)    |  axis_height_px
//!  +------------------+-------------------------------------------+
//!  | ▾ task           | [=================================]  151ms |  row_height_px
//!  |   ▸ model load   |     [=======]  60ms                       |
//!  +------------------+-------------------------------------------+
//!    label_width_px     bar area: TimeScale maps the window onto it
//! ```

use super::palette::{self, ColorMode, Rgb};
use super::rows::{Row, RowItem};
use super::span_notes::SpanNotes;
use super::ticks::ticks;
use super::time_scale::TimeScale;
use crate::model::{SpanFlags, SpanIdx, SpanType, Trace, TraceIdx};
use crate::view_state::TimeWindow;

/// Fixed sizes of the waterfall, logical px.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    /// Canvas width.
    pub width_px: f64,
    /// Canvas height.
    pub height_px: f64,
    /// Width of the span-name column.
    pub label_width_px: f64,
    /// Height of the time axis.
    pub axis_height_px: f64,
    /// Height of one row.
    pub row_height_px: f64,
    /// Vertical scroll of the rows.
    pub scroll_top_px: f64,
    /// Advance of one monospace character (measured by the shell).
    pub char_width_px: f64,
}

impl Geometry {
    /// Left edge of the bar area.
    pub fn bars_x0(&self) -> f64 {
        self.label_width_px + 8.0
    }

    /// Width of the bar area.
    pub fn bars_width(&self) -> f64 {
        (self.width_px - self.bars_x0() - 12.0).max(10.0)
    }

    /// The time scale for a window.
    pub fn scale(&self, trace: &Trace, window: TimeWindow) -> TimeScale {
        TimeScale {
            origin: trace.start_time(),
            window,
            x0_px: self.bars_x0(),
            width_px: self.bars_width(),
        }
    }

    /// Range of row indices at least partly visible.
    pub fn visible_row_range(&self, row_count: usize) -> std::ops::Range<usize> {
        let first = (self.scroll_top_px / self.row_height_px).floor().max(0.0) as usize;
        let n = ((self.height_px - self.axis_height_px) / self.row_height_px).ceil() as usize + 1;
        first.min(row_count)..(first + n).min(row_count)
    }

    /// y of the top of row `i`.
    pub fn row_y(&self, i: usize) -> f64 {
        self.axis_height_px + i as f64 * self.row_height_px - self.scroll_top_px
    }

    /// Largest useful scroll offset for `row_count` rows.
    pub fn max_scroll_px(&self, row_count: usize) -> f64 {
        (row_count as f64 * self.row_height_px - (self.height_px - self.axis_height_px)
            + self.row_height_px)
            .max(0.0)
    }

    /// x of the expand/collapse toggle of a row at `depth`.
    pub fn toggle_x(&self, depth: u16) -> f64 {
        6.0 + f64::from(depth.min(40)) * 14.0
    }
}

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

/// What the timeline needs from the view beyond geometry.
#[derive(Debug, Clone, Copy)]
pub struct TimelineView<'a> {
    /// Visible window.
    pub window: TimeWindow,
    /// Selected span.
    pub selected: Option<SpanIdx>,
    /// Lowercased search text ("" = none).
    pub search_lower: &'a str,
    /// Colour mode.
    pub color_mode: ColorMode,
    /// Colours of this trace.
    pub palette: &'a palette::Palette,
    /// Data ids and tokens shown beside names and durations.
    pub notes: &'a SpanNotes,
    /// Critical sections by span when the critical path is shown (others are dimmed).
    pub critical: Option<&'a rustc_hash::FxHashMap<SpanIdx, Vec<(i64, i64)>>>,
    /// Each trace drawn from its own start (see `aligned`).
    pub aligned: bool,
}

/// Whether traces are drawn each from its own start: as asked, else when there are several and
/// they lie far apart (their spread is over 10x the longest one), so that none shrinks to a
/// sliver on a clock shared with traces recorded hours or years away.
pub fn aligned(trace: &Trace, asked: Option<bool>) -> bool {
    asked.unwrap_or_else(|| {
        let longest = trace.longest_trace().0.max(1);
        trace.trace_count() > 1
            && trace.end_time().since(trace.start_time()).0 > longest.saturating_mul(10)
    })
}

/// Length of the time axis a fit shows: everything, or the longest trace when aligned.
pub fn extent_ns(trace: &Trace, aligned: bool) -> i64 {
    if aligned {
        trace.longest_trace().0
    } else {
        trace.end_time().since(trace.start_time()).0
    }
}

/// How far span times of `s` move left before they are drawn (its trace's offset when aligned).
pub fn shift_ns(trace: &Trace, s: SpanIdx, aligned: bool) -> i64 {
    if aligned {
        trace.trace_offset(trace.span(s).trace).0
    } else {
        0
    }
}

fn fit_text(text: &str, width_px: f64, char_px: f64) -> Option<String> {
    let max = (width_px / char_px.max(1.0)).floor() as usize;
    let n = text.chars().count();
    if n <= max {
        Some(text.to_string())
    } else if max >= 4 {
        Some(
            text.chars()
                .take(max - 1)
                .chain(std::iter::once('…'))
                .collect(),
        )
    } else {
        None
    }
}

fn flag_note(flags: SpanFlags) -> &'static str {
    if flags.has(SpanFlags::ORPHAN) {
        " (orphan)"
    } else if flags.has(SpanFlags::CYCLE_CUT) {
        " (cycle cut)"
    } else if flags.has(SpanFlags::STARTS_BEFORE_PARENT) {
        " (skew)"
    } else if flags.has(SpanFlags::END_REPAIRED) {
        " (end fixed)"
    } else if flags.has(SpanFlags::RUNNING) {
        " (running)"
    } else {
        ""
    }
}

/// True when the span's name or service contains the (lowercased) search text.
pub fn matches_search(trace: &Trace, s: SpanIdx, search_lower: &str) -> bool {
    !search_lower.is_empty()
        && (trace.name(s).to_lowercase().contains(search_lower)
            || trace.service_name(s).to_lowercase().contains(search_lower))
}

/// All spans matching the search, in row order of a fully expanded tree (by index here).
pub fn search_matches(trace: &Trace, search: &str) -> Vec<SpanIdx> {
    let needle = search.trim().to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    // names and services are interned: decide each distinct string once (lowercasing is the
    // cost), then compare indices per span; same result as `matches_search` on every span
    let mut verdict = vec![0u8; trace.strings().len()]; // 0 = not yet, 1 = no, 2 = yes
    let mut hit = |i: crate::model::StrIdx| {
        let v = &mut verdict[i.ix()];
        if *v == 0 {
            *v = if trace.text(i).to_lowercase().contains(&needle) {
                2
            } else {
                1
            };
        }
        *v == 2
    };
    (0..trace.span_count() as u32)
        .map(SpanIdx)
        .filter(|&s| {
            let span = trace.span(s);
            hit(span.name)
                || trace
                    .resources()
                    .get(span.resource.ix())
                    .is_some_and(|r| hit(r.service_name))
        })
        .collect()
}

/// Builds the base layer of the waterfall.
pub fn draw_list(
    trace: &Trace,
    rows: &[Row],
    view: &TimelineView<'_>,
    g: &Geometry,
) -> Vec<DrawCmd> {
    let mut out = Vec::with_capacity(256);
    let scale = g.scale(trace, view.window);
    let x_end = g.bars_x0() + g.bars_width();
    let tick_list = ticks(&scale, 90.0);
    for t in &tick_list {
        out.push(DrawCmd::Line {
            x1: t.x_px,
            y1: g.axis_height_px,
            x2: t.x_px,
            y2: g.height_px,
            stroke: palette::GRID,
        });
    }
    let range = g.visible_row_range(rows.len());
    for i in range {
        let row = rows[i];
        let y = g.row_y(i);
        let mid = y + g.row_height_px / 2.0;
        match row.item {
            RowItem::TraceHeader(t) => draw_header(&mut out, trace, t, y, g),
            RowItem::Span(s) => {
                let span = trace.span(s);
                if view.selected == Some(s) {
                    out.push(DrawCmd::Rect {
                        x: 0.0,
                        y,
                        w: g.width_px,
                        h: g.row_height_px,
                        fill: palette::SELECTED_ROW,
                    });
                } else if matches_search(trace, s, view.search_lower) {
                    out.push(DrawCmd::Rect {
                        x: 0.0,
                        y,
                        w: g.width_px,
                        h: g.row_height_px,
                        fill: palette::MATCH_ROW,
                    });
                }
                // label column
                let tx = g.toggle_x(row.depth);
                if row.has_children {
                    let glyph = if row.is_expanded { "▾" } else { "▸" };
                    out.push(DrawCmd::Text {
                        x: tx,
                        y: mid,
                        text: glyph.into(),
                        fill: palette::TEXT_DIM,
                        align: Align::Left,
                        bold: false,
                    });
                }
                let mut name_x = tx + 14.0;
                if let Some(kind) = trace.span_type(s) {
                    out.push(DrawCmd::Icon {
                        x: name_x + 6.0,
                        y: mid,
                        size: 12.0,
                        icon: kind,
                        stroke: palette::type_color(kind),
                    });
                    name_x += 16.0;
                }
                // a FlowMesh task root says which data id it produced
                let label = match view.notes.data_id(s) {
                    Some(d) => format!(
                        "{} · {}{}",
                        trace.name(s),
                        trace.text(d),
                        flag_note(span.flags)
                    ),
                    None => format!("{}{}", trace.name(s), flag_note(span.flags)),
                };
                if let Some(text) =
                    fit_text(&label, g.label_width_px - name_x - 4.0, g.char_width_px)
                {
                    let fill = if span.is_error() {
                        palette::ERROR
                    } else {
                        palette::TEXT
                    };
                    out.push(DrawCmd::Text {
                        x: name_x,
                        y: mid,
                        text,
                        fill,
                        align: Align::Left,
                        bold: false,
                    });
                }
                draw_bar(&mut out, trace, s, &scale, view, g, y, x_end);
            }
        }
    }
    // label column separator and axis on top of the rows
    out.push(DrawCmd::Line {
        x1: g.label_width_px,
        y1: 0.0,
        x2: g.label_width_px,
        y2: g.height_px,
        stroke: palette::GRID,
    });
    out.push(DrawCmd::Rect {
        x: 0.0,
        y: 0.0,
        w: g.width_px,
        h: g.axis_height_px,
        fill: palette::AXIS_BG,
    });
    out.push(DrawCmd::Line {
        x1: 0.0,
        y1: g.axis_height_px,
        x2: g.width_px,
        y2: g.axis_height_px,
        stroke: palette::GRID,
    });
    out.push(DrawCmd::Text {
        x: 8.0,
        y: g.axis_height_px / 2.0,
        text: format!("{} spans", trace.span_count()),
        fill: palette::TEXT_DIM,
        align: Align::Left,
        bold: false,
    });
    for t in &tick_list {
        out.push(DrawCmd::Line {
            x1: t.x_px,
            y1: g.axis_height_px - 6.0,
            x2: t.x_px,
            y2: g.axis_height_px,
            stroke: palette::TEXT_DIM,
        });
        if t.x_px + 2.0 < x_end {
            out.push(DrawCmd::Text {
                x: t.x_px + 3.0,
                y: g.axis_height_px / 2.0 - 2.0,
                text: t.label.clone(),
                fill: palette::TEXT,
                align: Align::Left,
                bold: false,
            });
        }
    }
    out
}

fn draw_header(out: &mut Vec<DrawCmd>, trace: &Trace, t: TraceIdx, y: f64, g: &Geometry) {
    out.push(DrawCmd::Rect {
        x: 0.0,
        y,
        w: g.width_px,
        h: g.row_height_px,
        fill: palette::AXIS_BG,
    });
    // which trace, what it is, and where it came from: traces from different files and formats
    // sit one under the other, each under its own header
    let mut text = format!("trace {}", trace.trace_ids()[t.ix()]);
    if let Some(root) = trace.first_root(t) {
        let source = trace.sources().get(trace.span(root).source.ix());
        text.push_str(&format!(" · {}", trace.name(root)));
        if let Some(src) = source {
            text.push_str(&format!(" · {} ({})", src.format, src.name));
        }
    }
    if let Some(text) = fit_text(&text, g.width_px - 16.0, g.char_width_px) {
        out.push(DrawCmd::Text {
            x: 8.0,
            y: y + g.row_height_px / 2.0,
            text,
            fill: palette::TEXT,
            align: Align::Left,
            bold: true,
        });
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_bar(
    out: &mut Vec<DrawCmd>,
    trace: &Trace,
    s: SpanIdx,
    scale: &TimeScale,
    view: &TimelineView<'_>,
    g: &Geometry,
    y: f64,
    x_end: f64,
) {
    let span = trace.span(s);
    let x0 = g.bars_x0();
    let shift = shift_ns(trace, s, view.aligned);
    let px =
        |t: crate::model::TimestampNs| scale.px_from_time(crate::model::TimestampNs(t.0 - shift));
    let a = px(span.start);
    let b = px(span.end);
    let mid = y + g.row_height_px / 2.0;
    if b < x0 - 6.0 || a > x_end + 6.0 {
        return; // outside the window
    }
    let base = if span.is_error() {
        palette::ERROR
    } else {
        view.palette.span_color(trace, s, view.color_mode)
    };
    let sections = view.critical.and_then(|c| c.get(&s));
    // off the critical path spans fade, but failures always stand out
    let fill = match (view.critical, sections) {
        (Some(_), None) if !span.is_error() => palette::dim(base),
        _ => base,
    };
    if span.is_instant() {
        out.push(DrawCmd::Diamond {
            x: a,
            y: mid,
            r: 5.0,
            fill,
        });
    } else {
        let left = a.max(x0 - 2.0);
        let right = b.min(x_end + 2.0);
        let w = (right - left).max(1.0);
        let bar_h = g.row_height_px - 8.0;
        out.push(DrawCmd::Rect {
            x: left,
            y: y + 4.0,
            w,
            h: bar_h,
            fill,
        });
        if span.is_error() || view.selected == Some(s) {
            out.push(DrawCmd::Outline {
                x: left,
                y: y + 4.0,
                w,
                h: bar_h,
                stroke: palette::TEXT,
            });
        }
        for &(a_ns, b_ns) in sections.into_iter().flatten() {
            let (sa, sb) = (
                px(crate::model::TimestampNs(a_ns)).max(left),
                px(crate::model::TimestampNs(b_ns)).min(left + w),
            );
            if sb > sa - 1.0 {
                out.push(DrawCmd::Rect {
                    x: sa,
                    y: y + g.row_height_px - 6.0,
                    w: (sb - sa).max(1.0),
                    h: 3.0,
                    fill: palette::CRITICAL,
                });
            }
        }
        if w > 6.0 && !trace.logs().is_empty() {
            for l in trace.span_logs(s) {
                let lx = px(l.time);
                if lx >= left && lx <= left + w {
                    out.push(DrawCmd::Rect {
                        x: lx - 1.0,
                        y: y + g.row_height_px - 7.0,
                        w: 3.0,
                        h: 4.0,
                        fill: palette::LOG,
                    });
                }
            }
        }
        if w > 6.0 {
            for e in trace.span_events(s) {
                let ex = px(e.time);
                if ex >= left && ex <= left + w {
                    let stroke = if trace.text(e.name) == "exception" {
                        Rgb(0x5a0000)
                    } else {
                        palette::TEXT
                    };
                    out.push(DrawCmd::Line {
                        x1: ex,
                        y1: y + 3.0,
                        x2: ex,
                        y2: y + g.row_height_px - 3.0,
                        stroke,
                    });
                }
            }
        }
    }
    // an LLM call says what it used beside its duration
    let label = match view.notes.tokens(s) {
        Some(tokens) => format!("{} · {tokens} tok", span.duration()),
        None => span.duration().to_string(),
    };
    let label_w = label.chars().count() as f64 * g.char_width_px;
    if b + 6.0 + label_w < x_end {
        out.push(DrawCmd::Text {
            x: b.max(x0) + 6.0,
            y: mid,
            text: label,
            fill: palette::TEXT_DIM,
            align: Align::Left,
            bold: false,
        });
    } else if a - 6.0 - label_w > x0 {
        out.push(DrawCmd::Text {
            x: a - 6.0,
            y: mid,
            text: label,
            fill: palette::TEXT_DIM,
            align: Align::Right,
            bold: false,
        });
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ingest_sources;
    use crate::layout::rows::visible_rows;
    use crate::view_state::Expansion;

    const TWO_SPANS: &str = concat!(
        r#"{"name": "root", "context": {"trace_id": "0x01", "span_id": "0x0a"}, "parent_id": null, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:01Z"}"#,
        "\n",
        r#"{"name": "child", "context": {"trace_id": "0x01", "span_id": "0x0b"}, "parent_id": "0x0a", "start_time": "2026-01-01T00:00:00.5Z", "end_time": "2026-01-01T00:00:00.75Z"}"#,
        "\n"
    );

    /// Colours and notes of a trace, as the shell derives them once per trace.
    fn looks(t: &Trace) -> (palette::Palette, SpanNotes) {
        let llm = crate::analysis::llm::llm_summary(t);
        (palette::Palette::new(t), SpanNotes::new(t, &llm))
    }

    /// The first second, coloured by type, nothing selected or highlighted.
    fn whole_second((palette, notes): &(palette::Palette, SpanNotes)) -> TimelineView<'_> {
        TimelineView {
            window: TimeWindow {
                start_ns: 0,
                end_ns: 1_000_000_000,
            },
            selected: None,
            search_lower: "",
            color_mode: ColorMode::SpanType,
            critical: None,
            palette,
            notes,
            aligned: false,
        }
    }

    fn geometry() -> Geometry {
        Geometry {
            width_px: 1000.0,
            height_px: 400.0,
            label_width_px: 200.0,
            axis_height_px: 30.0,
            row_height_px: 20.0,
            scroll_top_px: 0.0,
            char_width_px: 7.0,
        }
    }

    #[test]
    fn bars_sit_where_the_scale_says_and_hits_invert_them() {
        let t = ingest_sources([("t.jsonl", TWO_SPANS.as_bytes())]);
        let rows = visible_rows(&t, &Expansion::default());
        let g = geometry();
        let window = TimeWindow {
            start_ns: 0,
            end_ns: 1_000_000_000,
        };
        let palette = looks(&t);
        let view = whole_second(&palette);
        let cmds = draw_list(&t, &rows, &view, &g);
        let bars: Vec<(f64, f64)> = cmds
            .iter()
            .filter_map(|c| match c {
                DrawCmd::Rect { x, w, h, .. } if *h == 12.0 => Some((*x, *w)),
                _ => None,
            })
            .collect();
        let x0 = g.bars_x0();
        let bw = g.bars_width();
        assert_eq!(bars.len(), 2);
        assert!((bars[0].0 - x0).abs() < 1e-9 && (bars[0].1 - bw).abs() < 1e-6);
        assert!((bars[1].0 - (x0 + bw * 0.5)).abs() < 1e-6 && (bars[1].1 - bw * 0.25).abs() < 1e-6);
        // row 1 is the child; its toggle area is empty (no children), so it is a span hit
        let child = t.find_span(crate::model::SpanId(0xb)).unwrap();
        assert_eq!(
            hit_test(&t, &rows, window, &g, x0 + bw * 0.6, 30.0 + 25.0),
            Hit::Span(child)
        );
        let root = t.find_span(crate::model::SpanId(0xa)).unwrap();
        assert_eq!(
            hit_test(&t, &rows, window, &g, g.toggle_x(0) + 2.0, 35.0),
            Hit::Toggle(root)
        );
        assert!(matches!(
            hit_test(&t, &rows, window, &g, x0, 10.0),
            Hit::Axis { offset_ns: 0 }
        ));
    }

    #[test]
    fn only_visible_rows_are_drawn() {
        let mut text = String::new();
        for i in 1..=500u32 {
            text.push_str(&format!(
                r#"{{"name": "s{i}", "context": {{"trace_id": "0x01", "span_id": "0x{i:x}"}}, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:01Z"}}"#
            ));
            text.push('\n');
        }
        let t = ingest_sources([("t.jsonl", text.as_bytes())]);
        let rows = visible_rows(&t, &Expansion::default());
        assert_eq!(rows.len(), 500);
        let g = Geometry {
            scroll_top_px: 2000.0,
            ..geometry()
        };
        let palette = looks(&t);
        let view = whole_second(&palette);
        let cmds = draw_list(&t, &rows, &view, &g);
        let names: Vec<&str> = cmds
            .iter()
            .filter_map(|c| match c {
                DrawCmd::Text { text, .. } if text.starts_with('s') && !text.contains(' ') => {
                    Some(text.as_str())
                }
                _ => None,
            })
            .collect();
        assert_eq!(names.first(), Some(&"s101"));
        assert!(names.len() <= 20, "{}", names.len());
    }

    #[test]
    fn critical_path_dims_the_rest_but_never_errors() {
        let text = TWO_SPANS.replace(
            r#""parent_id": "0x0a", "start_time""#,
            r#""parent_id": "0x0a", "status": {"status_code": "ERROR"}, "start_time""#,
        );
        let t = ingest_sources([("t.jsonl", text.as_bytes())]);
        let rows = visible_rows(&t, &Expansion::default());
        let root = t.find_span(crate::model::SpanId(0xa)).unwrap();
        let mut critical = rustc_hash::FxHashMap::default();
        critical.insert(root, vec![(t.span(root).start.0, t.span(root).end.0)]);
        let palette = looks(&t);
        let view = TimelineView {
            critical: Some(&critical),
            ..whole_second(&palette)
        };
        let fills: Vec<Rgb> = draw_list(&t, &rows, &view, &geometry())
            .iter()
            .filter_map(|c| match c {
                DrawCmd::Rect { h, fill, .. } if *h == 12.0 => Some(*fill),
                _ => None,
            })
            .collect();
        assert_eq!(fills.len(), 2);
        assert_ne!(
            fills[0],
            palette::dim(fills[0]),
            "the critical root keeps its colour"
        );
        assert_eq!(fills[1], palette::ERROR, "the failed child is not dimmed");
    }

    #[test]
    fn search_matches_names_and_services_like_the_row_highlight() {
        let t = ingest_sources([("t.jsonl", TWO_SPANS.as_bytes())]);
        let all: Vec<SpanIdx> = (0..t.span_count() as u32).map(SpanIdx).collect();
        for q in ["ROOT", "child", "o", "nothing", " "] {
            let needle = q.trim().to_lowercase();
            let slow: Vec<SpanIdx> = all
                .iter()
                .copied()
                .filter(|s| matches_search(&t, *s, &needle))
                .collect();
            assert_eq!(search_matches(&t, q), slow, "{q}");
        }
    }

    #[test]
    fn collapsing_hides_children() {
        let t = ingest_sources([("t.jsonl", TWO_SPANS.as_bytes())]);
        let mut e = Expansion::default();
        assert_eq!(visible_rows(&t, &e).len(), 2);
        e.toggle(crate::model::SpanId(0xa));
        assert_eq!(visible_rows(&t, &e).len(), 1);
        e.set_all(false);
        assert_eq!(visible_rows(&t, &e).len(), 1);
        e.set_all(true);
        assert_eq!(visible_rows(&t, &e).len(), 2);
    }

    #[test]
    fn typed_spans_get_their_icon_before_the_name() {
        let lines = TWO_SPANS.replace(
            r#""parent_id": "0x0a","#,
            r#""parent_id": "0x0a", "attributes": {"gen_ai.operation.name": "execute_tool", "gen_ai.usage.input_tokens": 40, "gen_ai.usage.output_tokens": 2},"#,
        );
        let t = ingest_sources([("t.jsonl", lines.as_bytes())]);
        let rows = visible_rows(&t, &Expansion::default());
        let palette = looks(&t);
        let view = whole_second(&palette);
        let cmds = draw_list(&t, &rows, &view, &geometry());
        let icons: Vec<(f64, SpanType)> = cmds
            .iter()
            .filter_map(|c| match c {
                DrawCmd::Icon { x, icon, .. } => Some((*x, *icon)),
                _ => None,
            })
            .collect();
        assert_eq!(icons.len(), 1, "only the typed child has an icon");
        assert_eq!(icons[0].1, SpanType::Tool);
        let label_x = |name: &str| {
            cmds.iter()
                .find_map(|c| match c {
                    DrawCmd::Text { x, text, .. } if text == name => Some(*x),
                    _ => None,
                })
                .unwrap()
        };
        assert!(
            label_x("child") > icons[0].0 + 6.0,
            "the name starts right of the icon"
        );
        assert!(
            label_x("root") < icons[0].0,
            "an untyped name is not shifted"
        );
        // its duration label carries the tokens it used
        assert!(
            cmds.iter()
                .any(|c| matches!(c, DrawCmd::Text { text, .. } if text == "250ms · 42 tok")),
            "{cmds:#?}"
        );
    }
}
