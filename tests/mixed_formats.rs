//! Several formats in one drop: spans of the same trace id merge into one trace, whatever the
//! format; different trace ids stay separate traces, one under the other, each under a header
//! that names its root span, format and file.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use skein::analysis::llm::llm_summary;
use skein::layout::palette::Palette;
use skein::layout::rows::{visible_rows, RowItem};
use skein::layout::span_notes::SpanNotes;
use skein::layout::timeline::{draw_list, DrawCmd, Geometry, TimelineSpec};
use skein::view_state::{ColorMode, Expansion, TimeWindow};
use support::*;

/// A canvas tall enough to show every row.
fn all_rows(rows: usize, width_px: f64) -> Geometry {
    Geometry {
        width_px,
        height_px: 20.0 * (rows as f64 + 2.0),
        label_width_px: 300.0,
        axis_height_px: 30.0,
        row_height_px: 20.0,
        scroll_top_px: 0.0,
        char_width_px: 7.0,
    }
}

#[test]
fn the_same_trace_id_in_two_formats_is_one_trace() {
    let t = ingest_paths(&[
        shared("generated/otel_sdk/spans.jsonl"),
        shared("generated/otel_sdk/otlp_trace.json"),
    ]);
    let alone = ingest_paths(&[shared("generated/otel_sdk/spans.jsonl")]);
    assert_eq!(t.trace_ids(), alone.trace_ids());
    assert_eq!(span_summary(&t), span_summary(&alone));
}

#[test]
fn different_trace_ids_from_different_formats_sit_side_by_side_under_their_headers() {
    let files = [
        "generated/mlflow/trace_1_agent_run.json",
        "public/zipkin/zipkin-lens_yelp.json",
        "public/chrome/catapult_simple_trace.json",
    ];
    let singles: Vec<_> = files.iter().map(|f| ingest_paths(&[shared(f)])).collect();
    let t = ingest_paths(&files.map(shared));
    assert_eq!(
        t.trace_ids().len(),
        singles.iter().map(|s| s.trace_ids().len()).sum::<usize>()
    );
    assert_eq!(
        t.span_count(),
        singles.iter().map(|s| s.span_count()).sum::<usize>()
    );
    // every trace keeps to the file it came from
    for (i, _) in t.trace_ids().iter().enumerate() {
        let sources: std::collections::BTreeSet<_> = t
            .spans()
            .iter()
            .filter(|s| s.trace.ix() == i)
            .map(|s| s.source)
            .collect();
        assert_eq!(sources.len(), 1, "trace {i} mixes files");
    }
    // the header rows say which format and file each trace came from
    let rows = visible_rows(&t, &Expansion::default());
    let headers = rows
        .iter()
        .filter(|r| matches!(r.item, RowItem::TraceHeader(_)))
        .count();
    assert_eq!(headers, t.trace_ids().len());
    let g = all_rows(rows.len(), 1600.0);
    let view = TimelineSpec {
        window: TimeWindow {
            start_ns: 0,
            end_ns: t.end_time().since(t.start_time()).0.max(1),
        },
        selected: None,
        matches: &[],
        color_mode: ColorMode::SpanType,
        critical: None,
        palette: &Palette::new(&t),
        notes: &SpanNotes::new(&t, &llm_summary(&t)),
        aligned: false,
    };
    let texts: Vec<String> = draw_list(&t, &rows, &view, &g)
        .into_iter()
        .filter_map(|c| match c {
            DrawCmd::Text {
                text, bold: true, ..
            } => Some(text),
            _ => None,
        })
        .collect();
    for (file, single) in files.iter().zip(&singles) {
        let name = file.rsplit('/').next().unwrap();
        let label = format!("{} ({name})", single.sources()[0].format);
        assert!(
            texts.iter().any(|h| h.contains(&label)),
            "{label} in {texts:#?}"
        );
    }
}

#[test]
fn traces_far_apart_are_drawn_each_from_its_own_start() {
    use skein::layout::timeline::{aligned, extent_ns};
    // recorded years apart: on one clock each would be a sliver
    let files = [
        "generated/mlflow/trace_1_agent_run.json",
        "public/zipkin/zipkin-lens_yelp.json",
    ];
    let t = ingest_paths(&files.map(shared));
    assert!(aligned(&t, None), "far apart: aligned by default");
    assert!(!aligned(&t, Some(false)), "unless asked not to");
    let one = ingest_paths(&[shared("generated/otel_sdk/spans.jsonl")]);
    assert!(!aligned(&one, None), "a single trace keeps its clock");
    let rows = visible_rows(&t, &Expansion::default());
    let g = all_rows(rows.len(), 1200.0);
    let palette = Palette::new(&t);
    let view = TimelineSpec {
        window: TimeWindow {
            start_ns: 0,
            end_ns: extent_ns(&t, true),
        },
        selected: None,
        matches: &[],
        color_mode: ColorMode::SpanType,
        critical: None,
        palette: &palette,
        notes: &SpanNotes::new(&t, &llm_summary(&t)),
        aligned: true,
    };
    let cmds = draw_list(&t, &rows, &view, &g);
    // each trace's first root starts at the left edge of the bars, and its longest trace fills them
    let bars: Vec<(f64, f64, f64)> = cmds
        .iter()
        .filter_map(|c| match c {
            DrawCmd::Rect { x, y, w, h, .. } if *h == 12.0 => Some((*x, *y, *w)),
            _ => None,
        })
        .collect();
    for (i, row) in rows.iter().enumerate() {
        let RowItem::Span(s) = row.item else { continue };
        if Some(s) != t.first_root(t.span(s).trace) {
            continue;
        }
        let y = g.row_y(i) + 4.0;
        let bar = bars.iter().find(|b| (b.1 - y).abs() < 0.5).unwrap();
        assert!(
            (bar.0 - g.bars_x0()).abs() < 1.0,
            "root of trace {:?} starts at {} not {}",
            t.span(s).trace,
            bar.0,
            g.bars_x0()
        );
        assert!(bar.2 > 10.0, "and is not a sliver: {} px", bar.2);
    }
}
