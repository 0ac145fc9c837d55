//! Replays a draw list on a 2D canvas. The only code that calls canvas drawing APIs; it sizes
//! the backing store for the device pixel ratio and never decides what to draw.

use crate::layout::icons;
use crate::layout::palette::Rgb;
use crate::layout::theme_colors::themed;
use crate::layout::time_scale::physical_from_logical;
use crate::layout::timeline::{Align, DrawCmd};
use crate::model::SpanType;
use crate::view_state::Theme;
use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, Path2d};

/// Font for every label: monospace, so widths are `chars x advance`.
pub const FONT: &str =
    "12px ui-monospace, SFMono-Regular, Menlo, Consolas, \"DejaVu Sans Mono\", monospace";
/// Bold variant.
pub const FONT_BOLD: &str =
    "bold 12px ui-monospace, SFMono-Regular, Menlo, Consolas, \"DejaVu Sans Mono\", monospace";

/// A canvas with its context and a cache of CSS colour strings.
pub struct Painter {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    colors: HashMap<u32, String>,
    icons: HashMap<SpanType, Path2d>,
    theme: Theme,
}

impl Painter {
    /// Wraps a canvas; `None` when it has no 2D context.
    pub fn new(canvas: HtmlCanvasElement) -> Option<Painter> {
        let ctx = canvas
            .get_context("2d")
            .ok()??
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        Some(Painter {
            canvas,
            ctx,
            colors: HashMap::new(),
            icons: HashMap::new(),
            theme: Theme::Light,
        })
    }

    /// Advance of one character of `FONT`, logical px.
    pub fn char_width_px(&self) -> f64 {
        self.ctx.set_font(FONT);
        self.ctx
            .measure_text("MMMMMMMMMM")
            .map_or(7.2, |m| m.width() / 10.0)
    }

    /// Resizes the backing store to `width x height` logical px at `dpr` and clears it.
    pub fn begin(&mut self, width_px: f64, height_px: f64, dpr: f64) {
        let (pw, ph) = (
            physical_from_logical(width_px, dpr),
            physical_from_logical(height_px, dpr),
        );
        if self.canvas.width() != pw || self.canvas.height() != ph {
            self.canvas.set_width(pw);
            self.canvas.set_height(ph);
        }
        let _ = self.ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        self.ctx.clear_rect(0.0, 0.0, width_px, height_px);
        self.ctx.set_text_baseline("middle");
    }

    /// Draws the next commands in `theme`'s colours (`layout::theme_colors`).
    pub fn set_theme(&mut self, theme: Theme) {
        if self.theme != theme {
            self.theme = theme;
            self.colors.clear();
        }
    }

    fn css(&mut self, c: Rgb) -> &str {
        let theme = self.theme;
        self.colors
            .entry(c.0)
            .or_insert_with(|| themed(c, theme).css())
    }

    /// Draws every command in order.
    pub fn replay(&mut self, cmds: &[DrawCmd]) {
        let mut font_bold = None;
        for c in cmds {
            match c {
                DrawCmd::Rect { x, y, w, h, fill } => {
                    self.fill(*fill);
                    self.ctx.fill_rect(*x, *y, *w, *h);
                }
                DrawCmd::Outline { x, y, w, h, stroke } => {
                    self.stroke(*stroke);
                    self.ctx.stroke_rect(
                        x.round() + 0.5,
                        y.round() + 0.5,
                        (w.round() - 1.0).max(0.0),
                        (h.round() - 1.0).max(0.0),
                    );
                }
                DrawCmd::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    stroke,
                } => {
                    self.stroke(*stroke);
                    self.ctx.begin_path();
                    self.ctx.move_to(x1.round() + 0.5, *y1);
                    self.ctx.line_to(x2.round() + 0.5, *y2);
                    self.ctx.stroke();
                }
                DrawCmd::Diamond { x, y, r, fill } => self.diamond((*x, *y), *r, *fill),
                DrawCmd::Icon {
                    x,
                    y,
                    size,
                    icon,
                    stroke,
                } => self.icon((*x, *y), *size, *icon, *stroke),
                DrawCmd::Text {
                    x,
                    y,
                    text,
                    fill,
                    align,
                    bold,
                } => {
                    if font_bold != Some(*bold) {
                        self.ctx.set_font(if *bold { FONT_BOLD } else { FONT });
                        font_bold = Some(*bold);
                    }
                    self.fill(*fill);
                    self.ctx.set_text_align(match align {
                        Align::Left => "left",
                        Align::Right => "right",
                    });
                    let _ = self.ctx.fill_text(text, *x, *y);
                }
            }
        }
    }

    fn fill(&mut self, c: Rgb) {
        let css = self.css(c).to_string();
        self.ctx.set_fill_style_str(&css);
    }

    fn stroke(&mut self, c: Rgb) {
        let css = self.css(c).to_string();
        self.ctx.set_stroke_style_str(&css);
        self.ctx.set_line_width(1.0);
    }

    fn diamond(&mut self, (x, y): (f64, f64), r: f64, fill: Rgb) {
        self.fill(fill);
        self.ctx.begin_path();
        self.ctx.move_to(x, y - r);
        self.ctx.line_to(x + r, y);
        self.ctx.line_to(x, y + r);
        self.ctx.line_to(x - r, y);
        self.ctx.close_path();
        self.ctx.fill();
    }

    fn icon(&mut self, (x, y): (f64, f64), size: f64, icon: SpanType, stroke: Rgb) {
        let css = self.css(stroke).to_string();
        let path = match self.icons.entry(icon) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let Ok(p) = Path2d::new_with_path_string(icons::path(icon)) else {
                    return;
                };
                e.insert(p)
            }
        };
        let k = size / icons::GRID;
        self.ctx.save();
        let _ = self.ctx.translate(x - size / 2.0, y - size / 2.0);
        let _ = self.ctx.scale(k, k);
        self.ctx.set_stroke_style_str(&css);
        self.ctx.set_line_width(icons::STROKE);
        self.ctx.set_line_join("round");
        self.ctx.set_line_cap("round");
        self.ctx.stroke_with_path(path);
        self.ctx.restore();
    }
}

/// Coalesces paint requests: `ask` runs the paint once in the next animation frame, however
/// many changes ask before then (at most one paint per frame).
#[derive(Clone)]
pub struct FramePaint {
    pending: Rc<Cell<bool>>,
    paint: Rc<dyn Fn()>,
}

impl FramePaint {
    /// A coalescer for `paint`.
    pub fn new(paint: impl Fn() + 'static) -> FramePaint {
        FramePaint {
            pending: Rc::new(Cell::new(false)),
            paint: Rc::new(paint),
        }
    }

    /// Asks for one paint in the next animation frame.
    pub fn ask(&self) {
        if !self.pending.replace(true) {
            let (pending, paint) = (self.pending.clone(), self.paint.clone());
            leptos::prelude::request_animation_frame(move || {
                pending.set(false);
                paint();
            });
        }
    }
}
