//! Painting the flame graph: the boxes at most once per animation frame after any change they
//! show, replaying `layout::flame::draw_list`; the hovered box's outline on the overlay at
//! once. The painter measures the label font once.

use super::Local;
use crate::layout::flame::{draw_list, FlameView as Spec};
use crate::layout::flame_zoom::summary as layout_summary;
use crate::layout::palette;
use crate::layout::timeline::DrawCmd;
use crate::ui::browser::device_pixel_ratio;
use crate::ui::painter::{FramePaint, Painter};
use crate::ui::state::AppState;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

type Painters = Rc<RefCell<Option<(Painter, Painter)>>>;

/// Installs the box and overlay effects.
pub fn install(state: AppState, local: Local) {
    let painters: Painters = Rc::new(RefCell::new(None));
    let paint = {
        let painters = painters.clone();
        FramePaint::new(move || paint_boxes(state, local, &painters))
    };
    Effect::new(move |_| {
        state.trace.track();
        state.derived.flame.track();
        state.derived.flame_matches.track();
        state.derived.palette.track();
        state.derived.selected.track();
        state.fields.color.track();
        state.theme();
        local.layout.track();
        paint.ask();
    });
    Effect::new(move |_| {
        let (hover, g, theme) = (local.hover.get(), local.geometry.get(), state.theme());
        let mut slot = painters.borrow_mut();
        let Some((_, over)) = slot.as_mut() else {
            return;
        };
        over.set_theme(theme);
        over.begin(g.width_px, g.height_px, device_pixel_ratio());
        let outline = hover.and_then(|(b, _, _)| {
            local.layout.with_untracked(|l| {
                let l = l.as_ref()?;
                let fb = l.0.boxes.iter().find(|x| x.node == b)?;
                Some(DrawCmd::Outline {
                    x: fb.x_px,
                    y: fb.row as f64 * g.row_height_px - g.scroll_top_px,
                    w: fb.w_px.max(2.0),
                    h: g.row_height_px - 1.0,
                    stroke: palette::HOVER,
                })
            })
        });
        over.replay(outline.as_slice());
    });
}

fn ensure_painters(local: Local, painters: &Painters) -> bool {
    let mut slot = painters.borrow_mut();
    if slot.is_none() {
        let (Some(b), Some(o)) = (local.base.get_untracked(), local.overlay.get_untracked()) else {
            return false;
        };
        if let (Some(b), Some(o)) = (Painter::new(b), Painter::new(o)) {
            let cw = b.char_width_px();
            local.geometry.update_untracked(|g| g.char_width_px = cw);
            *slot = Some((b, o));
        }
    }
    slot.is_some()
}

fn paint_boxes(state: AppState, local: Local, painters: &Painters) {
    if !ensure_painters(local, painters) {
        return;
    }
    let g = local.geometry.get_untracked();
    let d = state.derived;
    let (Some((_, trace)), Some(graph), Some(layout), Some(colors)) = (
        state.trace.get_untracked(),
        d.flame.get_untracked(),
        local.layout.get_untracked(),
        d.palette.get_untracked(),
    ) else {
        return;
    };
    if g.width_px < 10.0 || g.height_px < 10.0 {
        return;
    }
    let counts = d.flame_matches.get_untracked();
    let selected = d
        .selected
        .get_untracked()
        .and_then(|s| graph.0.node_of_span(s));
    let spec = Spec {
        palette: &colors.0,
        color_mode: state.fields.color.get_untracked(),
        match_counts: counts.as_ref().map(|c| c.0.as_slice()),
        selected,
    };
    let mut slot = painters.borrow_mut();
    let Some((base, _)) = slot.as_mut() else {
        return;
    };
    base.set_theme(state.theme_untracked());
    base.begin(g.width_px, g.height_px, device_pixel_ratio());
    base.replay(&draw_list(&trace, &graph.0, &layout.0, &spec, &g));
}

/// The canvas's `data-summary`: what is laid out (boxes, rows, root total, first boxes).
pub fn summary(state: AppState, local: Local) -> Option<String> {
    let graph = state.derived.flame.get()?;
    let layout = local.layout.get()?;
    let (_, t) = state.trace.get()?;
    Some(layout_summary(&t, &graph.0, &layout.0))
}
