//! What a new snapshot of a followed load does to what the user looks at: nothing moves by
//! itself. The window keeps the instants it showed (a fit becomes a fixed window, and when the
//! trace's start moves earlier the window's offsets grow by as much), unless the user chose to
//! follow the end; the rows keep the one at the top of the viewport where it was. Selection and
//! folds are kept by the view state itself (external ids).

use super::rows::{row_of_span, Row, RowItem};
use super::timeline::{effective_window, extent_ns};
use crate::model::{Trace, TraceId};
use crate::view_state::TimeWindow;

/// The window to show after the trace grew from `prev` to `next`: `window` (or the fit of
/// `prev` while none was chosen) showing the same instants, or, with `follow_end`, the same
/// length slid so it ends at the new end (with the margin a fit leaves). `None` while `prev`
/// held no span (the first spans decide the fit).
pub fn kept_window(
    prev: &Trace,
    next: &Trace,
    window: Option<TimeWindow>,
    aligned: bool,
    follow_end: bool,
) -> Option<TimeWindow> {
    if prev.span_count() == 0 {
        return None;
    }
    let w = effective_window(prev, window, aligned);
    if follow_end {
        let end = extent_ns(next, aligned);
        let end_ns = end.saturating_add(w.len_ns() / 50);
        return Some(TimeWindow {
            start_ns: end_ns.saturating_sub(w.len_ns()),
            end_ns,
        });
    }
    // offsets count from the start of everything loaded (of each trace when aligned, where
    // one shift cannot serve every trace: those keep their offsets)
    let moved_ns = if aligned {
        0
    } else {
        prev.start_time().since(next.start_time()).0
    };
    Some(TimeWindow {
        start_ns: w.start_ns.saturating_add(moved_ns),
        end_ns: w.end_ns.saturating_add(moved_ns),
    })
}

/// What a row shows, by external ids (dense indices change between snapshots).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowKey {
    Header(TraceId),
    Span(TraceId, crate::model::SpanId),
}

fn key_of(trace: &Trace, row: &Row) -> RowKey {
    match row.item {
        RowItem::TraceHeader(t) => RowKey::Header(trace.trace_ids()[t.0 as usize]),
        RowItem::Span(s) => RowKey::Span(trace.trace_id(s), trace.span(s).span_id),
    }
}

fn row_of_key(trace: &Trace, rows: &[Row], key: RowKey) -> Option<usize> {
    match key {
        RowKey::Span(t, id) => row_of_span(rows, trace.find_span_in(t, id)?),
        RowKey::Header(t) => {
            let t = trace.trace_index(t)?;
            rows.iter().position(|r| r.item == RowItem::TraceHeader(t))
        }
    }
}

/// The vertical scroll that keeps the row at the top of the viewport (`prev_rows` scrolled by
/// `scroll_top_px`) at the same place among `next_rows`, with the same part of it cut off;
/// `scroll_top_px` itself when that row is gone (folded away, or a header no longer drawn).
pub fn anchored_scroll_px(
    (prev, prev_rows): (&Trace, &[Row]),
    (next, next_rows): (&Trace, &[Row]),
    scroll_top_px: f64,
    row_height_px: f64,
) -> f64 {
    if row_height_px <= 0.0 || scroll_top_px <= 0.0 {
        return scroll_top_px.max(0.0);
    }
    let top = (scroll_top_px / row_height_px).floor() as usize;
    let Some(row) = prev_rows.get(top) else {
        return scroll_top_px;
    };
    match row_of_key(next, next_rows, key_of(prev, row)) {
        Some(now) => scroll_top_px + (now as f64 - top as f64) * row_height_px,
        None => scroll_top_px,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ingest_sources;
    use crate::layout::rows::visible_rows;
    use crate::view_state::Expansion;

    /// An OTel SDK line: span `id` under `parent` (0 = root), from `start_s` to `end_s` seconds.
    fn line(name: &str, id: u8, parent: u8, start_s: u8, end_s: u8) -> String {
        let parent = if parent == 0 {
            "null".to_string()
        } else {
            format!("\"0x{parent:016x}\"")
        };
        format!(
            r#"{{"name": "{name}", "context": {{"trace_id": "0x{:032x}", "span_id": "0x{id:016x}"}}, "parent_id": {parent}, "start_time": "2026-01-01T00:00:{start_s:02}Z", "end_time": "2026-01-01T00:00:{end_s:02}Z"}}"#,
            1
        )
    }

    fn trace_of(lines: &[String]) -> Trace {
        let text = lines.join("\n") + "\n";
        ingest_sources([("spans.jsonl", text.as_bytes())])
    }

    /// Spans are written as they end, so the root comes last and starts first.
    ///
    /// ```text
    ///  s   0    2    4    6    8   10
    ///  prev       [b 2-4]  [c 5-8]           rows: b, c (orphans, shown as roots)
    ///  next  [a 0---------------------10]    rows: a, b, c; the start moved 2 s earlier
    /// ```
    fn scenario() -> (Trace, Trace) {
        let b = line("b", 2, 1, 2, 4);
        let c = line("c", 3, 1, 5, 8);
        let a = line("a", 1, 0, 0, 10);
        (trace_of(&[b.clone(), c.clone()]), trace_of(&[b, c, a]))
    }

    const S: i64 = 1_000_000_000;

    #[test]
    fn the_window_keeps_its_instants() {
        let (prev, next) = scenario();
        // the user looked at c (5 s to 8 s: offsets 3 s to 6 s from b's start)
        let w = TimeWindow {
            start_ns: 3 * S,
            end_ns: 6 * S,
        };
        let kept = kept_window(&prev, &next, Some(w), false, false).unwrap();
        assert_eq!(
            kept,
            TimeWindow {
                start_ns: 5 * S,
                end_ns: 8 * S
            },
            "offsets now count from a's start"
        );
        // aligned traces keep their offsets
        assert_eq!(kept_window(&prev, &next, Some(w), true, false), Some(w));
        // a fit (2 s to 8 s, 6 s long, with its margin) becomes that fixed window
        let fit = kept_window(&prev, &next, None, false, false).unwrap();
        let margin = 6 * S / 50;
        assert_eq!((fit.start_ns, fit.end_ns), (2 * S - margin, 8 * S + margin));
        // nothing loaded before: the first spans decide
        let empty = trace_of(&[]);
        assert_eq!(kept_window(&empty, &next, Some(w), false, false), None);
    }

    #[test]
    fn following_the_end_slides_the_same_length() {
        let (prev, next) = scenario();
        let w = TimeWindow {
            start_ns: 0,
            end_ns: 2 * S,
        };
        let kept = kept_window(&prev, &next, Some(w), false, true).unwrap();
        // next spans 10 s: the window ends there (plus a fiftieth of its length)
        let end = 10 * S + 2 * S / 50;
        assert_eq!((kept.start_ns, kept.end_ns), (end - 2 * S, end));
    }

    #[test]
    fn the_top_row_stays_at_the_top() {
        let (prev, next) = scenario();
        let open = Expansion::default();
        let (pr, nr) = (visible_rows(&prev, &open), visible_rows(&next, &open));
        assert_eq!(pr.len(), 2);
        assert_eq!(nr.len(), 3);
        let row_px = 20.0;
        // scrolled so c (row 1) is at the top, 5 px of it cut off: a arrived above it
        let kept = anchored_scroll_px((&prev, &pr), (&next, &nr), 25.0, row_px);
        assert_eq!(kept, 45.0);
        // at the very top: stays at the top
        assert_eq!(
            anchored_scroll_px((&prev, &pr), (&next, &nr), 0.0, row_px),
            0.0
        );
        // a folded away: b and c are hidden, nothing to anchor to
        let mut folded = Expansion::default();
        folded.set(crate::model::SpanId(1), false);
        let nr = visible_rows(&next, &folded);
        assert_eq!(nr.len(), 1);
        assert_eq!(
            anchored_scroll_px((&prev, &pr), (&next, &nr), 25.0, row_px),
            25.0
        );
    }
}
