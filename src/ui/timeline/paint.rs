//! Painting the waterfall: the base layer at most once per animation frame, after any change it
//! shows (never per input event), replaying `layout::timeline::draw_list`; the overlay at once,
//! replaying `overlay_list`. The painter measures the label font once; the geometry keeps it.

use super::Local;
use crate::layout::timeline::{draw_list, overlay_list, TimelineSpec as Spec};
use crate::ui::browser::{device_pixel_ratio, now_ms};
use crate::ui::painter::{FramePaint, Painter};
use crate::ui::state::AppState;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

/// The two painters, made once the canvases exist.
type Painters = Rc<RefCell<Option<(Painter, Painter)>>>;

/// Installs the base-layer and overlay effects.
pub fn install(state: AppState, local: Local) {
    let painters: Painters = Rc::new(RefCell::new(None));
    let paint = {
        let painters = painters.clone();
        FramePaint::new(move || paint_base(state, local, &painters))
    };
    // any change the base layer shows asks for one paint in the next animation frame
    Effect::new(move |_| {
        track_base(state);
        paint.ask();
    });
    // the overlay: hover highlight and range selection, cheap enough to draw at once
    Effect::new(move |_| {
        let (hover, range, g) = (
            local.hover.get(),
            local.range.get(),
            state.transient.geometry.get(),
        );
        let theme = state.theme();
        let mut slot = painters.borrow_mut();
        if let Some((_, over)) = slot.as_mut() {
            over.set_theme(theme);
            over.begin(g.width_px, g.height_px, device_pixel_ratio());
            let hover_y = hover.filter(|(h, _, _)| h.is_span()).map(|(_, _, y)| y);
            over.replay(&overlay_list(&g, hover_y, range));
        }
    });
}

/// Everything the base layer shows.
fn track_base(state: AppState) {
    let d = state.derived;
    state.trace.track();
    d.rows.track();
    d.window.track();
    d.selected.track();
    d.matches.track();
    d.critical.track();
    d.aligned.track();
    d.palette.track();
    d.notes.track();
    state.fields.color.track();
    state.transient.geometry.track();
    state.theme();
}

fn ensure_painters(state: AppState, local: Local, painters: &Painters) -> bool {
    let mut slot = painters.borrow_mut();
    if slot.is_none() {
        let (Some(b), Some(o)) = (local.base.get_untracked(), local.overlay.get_untracked()) else {
            return false;
        };
        if let (Some(b), Some(o)) = (Painter::new(b), Painter::new(o)) {
            let cw = b.char_width_px();
            state
                .transient
                .geometry
                .update_untracked(|g| g.char_width_px = cw);
            *slot = Some((b, o));
        }
    }
    slot.is_some()
}

fn paint_base(state: AppState, local: Local, painters: &Painters) {
    if !ensure_painters(state, local, painters) {
        return;
    }
    let g = state.transient.geometry.get_untracked();
    let d = state.derived;
    let (Some((generation, trace)), Some(rows), Some(window)) = (
        state.trace.get_untracked(),
        d.rows.get_untracked(),
        d.window.get_untracked(),
    ) else {
        return;
    };
    let (Some(palette), Some(notes)) = (d.palette.get_untracked(), d.notes.get_untracked()) else {
        return;
    };
    if g.width_px < 10.0 || g.height_px < 10.0 {
        return;
    }
    let (critical, matches) = (d.critical.get_untracked(), d.matches.get_untracked());
    let spec = Spec {
        window,
        selected: d.selected.get_untracked(),
        matches: &matches.0.sorted,
        color_mode: state.fields.color.get_untracked(),
        critical: critical.as_ref().map(|c| c.0.as_ref()),
        palette: &palette.0,
        notes: &notes.0,
        aligned: d.aligned.get_untracked(),
    };
    let started = now_ms();
    let mut slot = painters.borrow_mut();
    let Some((base, _)) = slot.as_mut() else {
        return;
    };
    base.set_theme(state.theme_untracked());
    base.begin(g.width_px, g.height_px, device_pixel_ratio());
    let list = draw_list(&trace, &rows.0, &spec, &g);
    base.replay(&list);
    // exposed for the benchmark script: how long the last base-layer paint took
    if let Some(el) = local.base.get_untracked() {
        let _ = el.set_attribute("data-paint-ms", &format!("{:.2}", now_ms() - started));
        // and for tests: the labels drawn in the bar area (durations), one per line
        let _ = el.set_attribute("data-bar-labels", &bar_labels(&list, &g));
    }
    if state.transient.painted_generation.get_untracked() != generation {
        state.transient.painted_generation.set(generation);
    }
}

/// The texts drawn right of the name column and below the axis, one per line.
fn bar_labels(
    list: &[crate::layout::timeline::DrawCmd],
    g: &crate::layout::timeline::Geometry,
) -> String {
    let texts = list.iter().filter_map(|c| match c {
        crate::layout::timeline::DrawCmd::Text { x, y, text, .. }
            if *x > g.label_width_px && *y > g.axis_height_px =>
        {
            Some(text.as_str())
        }
        _ => None,
    });
    texts.collect::<Vec<_>>().join("\n")
}
