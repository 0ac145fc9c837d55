//! The legend, the search matches, the details and the rows are derived once per trace and per
//! what they read (colour mode, query, selection, folds), never per window change: twenty zoom
//! and pan steps, with a span selected, a panel open and a search active, compute none of them
//! again. The keys are the ones the shell's memos read (`view_state::derived`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use skein::layout::details::span_details;
use skein::layout::palette::Palette;
use skein::layout::rows::visible_rows;
use skein::layout::timeline::{effective_window, extent_ns, search_matches};
use skein::model::Trace;
use skein::view_state::derived::{legend_key, rows_key, search_key, selection_key, Derived};
use skein::view_state::{navigation, resolve_selection, Panel, ViewState};
use support::*;

/// The derived values of one loaded trace, each behind its memo-like cache.
#[derive(Default)]
struct Views {
    legend: Derived<skein::view_state::ColorMode, usize>,
    search: Derived<String, usize>,
    details: Derived<(Option<skein::model::SpanId>, Option<skein::model::TraceId>), bool>,
    rows: Derived<skein::view_state::Expansion, usize>,
}

impl Views {
    /// What the shell derives after a view change, each from its own key only.
    fn derive(&mut self, t: &Trace, palette: &Palette, v: &ViewState) {
        self.legend
            .get(&legend_key(v), |mode| palette.legend(t, *mode).len());
        self.search
            .get(&search_key(v).to_string(), |q| search_matches(t, q).len());
        self.details.get(&selection_key(v), |(id, in_trace)| {
            resolve_selection(t, *id, *in_trace)
                .map(|s| span_details(t, s))
                .is_some()
        });
        self.rows
            .get(&rows_key(v).clone(), |e| visible_rows(t, e).len());
    }
}

/// Zooms in around the middle and pans right and left: 20 steps, each a new window only.
fn pan_and_zoom(t: &Trace, v: &mut ViewState, views: &mut Views, palette: &Palette) {
    let extent = extent_ns(t, false);
    for step in 0..20 {
        let w = effective_window(t, v.window, false);
        v.window = Some(match step % 4 {
            0 => navigation::zoom(w, w.start_ns + w.len_ns() / 2, 0.8, extent),
            1 | 2 => navigation::pan(w, w.len_ns() / 5, extent),
            _ => navigation::pan(w, -w.len_ns() / 5, extent),
        });
        views.derive(t, palette, v);
    }
}

#[test]
fn a_window_change_derives_nothing_but_the_paint() {
    let t = ingest_paths(&[shared("generated/otel_sdk/spans.jsonl")]);
    let palette = Palette::new(&t);
    let mut views = Views::default();
    let mut v = ViewState::default();
    views.derive(&t, &palette, &v);
    pan_and_zoom(&t, &mut v, &mut views, &palette);
    // with a span selected, the failures panel open and a search active
    let failed = t.span_indices().find(|&s| t.span(s).is_error()).unwrap();
    v.select(&t, failed);
    v.panel = Some(Panel::Failures);
    v.search = "gen".into();
    views.derive(&t, &palette, &v);
    pan_and_zoom(&t, &mut v, &mut views, &palette);
    assert_eq!(views.legend.computations(), 1, "the legend: once per trace");
    assert_eq!(
        views.search.computations(),
        2,
        "the matches: once per query (\"\" and \"gen\")"
    );
    assert_eq!(
        views.details.computations(),
        2,
        "the details: once per selection"
    );
    assert_eq!(views.rows.computations(), 1, "the rows: once per folding");
    // the next query, colour mode and fold are each computed once more
    v.search = "gene".into();
    v.color = skein::view_state::ColorMode::Service;
    v.expansion.set_all(false);
    views.derive(&t, &palette, &v);
    pan_and_zoom(&t, &mut v, &mut views, &palette);
    assert_eq!(
        (
            views.legend.computations(),
            views.search.computations(),
            views.rows.computations()
        ),
        (2, 3, 2)
    );
}
