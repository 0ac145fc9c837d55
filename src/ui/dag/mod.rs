//! The lineage DAG view: the core's layered layout drawn as SVG (one `<g>` per node, so each
//! node is a real, testable element), with pan (drag) and zoom (wheel) computed by
//! `layout::dag::View`. Clicking a node selects its `task` span; the selected span's data id is
//! outlined. Labels are text nodes.

mod graph;

use super::state::AppState;
use crate::layout::dag::View;
use crate::model::AttrValue;
use leptos::prelude::*;

/// The DAG component.
#[component]
pub fn DagView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let shown = RwSignal::new(View {
        offset_px: (24.0, 24.0),
        zoom: 1.0,
    });
    let wrap = NodeRef::<leptos::html::Div>::new();
    // fit once per layout
    Effect::new(move |_| {
        let (Some(dag), Some(div)) = (state.derived.dag.get(), wrap.get()) else {
            return;
        };
        let r = div.get_bounding_client_rect();
        shown.set(View::fit(&dag.0, (r.width(), r.height())));
    });
    let selected_data_id = Memo::new(move |_| {
        let s = state.derived.selected.get()?;
        state
            .trace
            .with(|t| match t.as_ref()?.1.attribute(s, "data_id")? {
                AttrValue::Str(d) => Some(t.as_ref()?.1.text(d).to_string()),
                _ => None,
            })
    });
    // where the pointer and the view were when a drag started
    let drag = StoredValue::new(None::<((f64, f64), View)>);
    let at = |ev: &web_sys::MouseEvent| (f64::from(ev.client_x()), f64::from(ev.client_y()));
    let on_down =
        move |ev: web_sys::PointerEvent| drag.set_value(Some((at(&ev), shown.get_untracked())));
    let on_move = move |ev: web_sys::PointerEvent| {
        if let Some(((x0, y0), v)) = drag.get_value() {
            let (x, y) = at(&ev);
            shown.set(v.dragged((x - x0, y - y0)));
        }
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        // pointer relative to the container (offsetX would be relative to the node under it)
        let (left, top) = wrap.get_untracked().map_or((0.0, 0.0), |d| {
            let r = d.get_bounding_client_rect();
            (r.left(), r.top())
        });
        let (x, y) = at(&ev);
        shown.update(|v| *v = v.wheel(ev.delta_y(), (x - left, y - top)));
    };
    let cp_on = state.fields.critical_path;
    view! {
        <div class="dag" class:cp-on=move || cp_on.get() node_ref=wrap on:pointerdown=on_down on:pointermove=on_move on:pointerup=move |_| drag.set_value(None) on:wheel=on_wheel>
            {move || graph::graph(state, shown, selected_data_id)}
        </div>
    }
}
