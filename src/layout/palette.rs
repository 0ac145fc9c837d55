//! Colours: by span type (fixed per known type: FlowMesh compute / network / marker, LLM,
//! tool, ...), otherwise by service name.
//! Invariant: the same key always gets the same colour; errors always read as errors.

use crate::model::{SpanIdx, SpanType, Trace};

/// An sRGB colour, 0xRRGGBB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u32);

impl Rgb {
    /// CSS text `#rrggbb`.
    pub fn css(self) -> String {
        format!("#{:06x}", self.0 & 0xff_ffff)
    }
}

/// Error fill.
pub const ERROR: Rgb = Rgb(0xd62728);
/// Text on light backgrounds.
pub const TEXT: Rgb = Rgb(0x1f2328);
/// Secondary text.
pub const TEXT_DIM: Rgb = Rgb(0x656d76);
/// Grid lines and separators.
pub const GRID: Rgb = Rgb(0xe4e7eb);
/// Row background for the selection.
pub const SELECTED_ROW: Rgb = Rgb(0xdbeafe);
/// Search match row background.
pub const MATCH_ROW: Rgb = Rgb(0xfff3bf);
/// Axis background.
pub const AXIS_BG: Rgb = Rgb(0xf6f8fa);
/// Marker (zero-duration) fill.
pub const MARKER: Rgb = Rgb(0x7f7f7f);

/// Log-line ticks on bars.
pub const LOG: Rgb = Rgb(0x7c3aed);

/// Critical-path sections (a dark strip along the bar).
pub const CRITICAL: Rgb = Rgb(0x111827);

/// A colour faded towards white (spans off the critical path).
pub fn dim(c: Rgb) -> Rgb {
    let mix = |shift: u32| {
        let v = (c.0 >> shift) & 0xff;
        (v + (255 - v) * 7 / 10) << shift
    };
    Rgb(mix(16) | mix(8) | mix(0))
}

/// Categorical palette (Tableau 10 without red, which means error).
const PALETTE: [Rgb; 9] =
    [Rgb(0x4e79a7), Rgb(0xf28e2b), Rgb(0x59a14f), Rgb(0xb07aa1), Rgb(0x76b7b2), Rgb(0xedc948), Rgb(0xff9da7), Rgb(0x9c755f), Rgb(0xbab0ac)];

pub use crate::view_state::ColorMode;

fn hash(text: &str) -> u32 {
    // FNV-1a: stable across runs and platforms
    text.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// Fixed colour of each known span type, so LLM calls, tools and retrievers never share one.
pub fn type_color(t: SpanType) -> Rgb {
    match t {
        SpanType::Compute => PALETTE[0],
        SpanType::Network => PALETTE[1],
        SpanType::Marker => MARKER,
        SpanType::Llm => Rgb(0x8b5cf6),
        SpanType::ChatModel => Rgb(0x6366f1),
        SpanType::Tool => Rgb(0xf59e0b),
        SpanType::Retriever => Rgb(0x10b981),
        SpanType::Embedding => Rgb(0x06b6d4),
        SpanType::Chain => Rgb(0x64748b),
        SpanType::Agent => Rgb(0x2563eb),
        SpanType::Guardrail => Rgb(0xdb2777),
        SpanType::Reranker => Rgb(0x84cc16),
        SpanType::Parser => Rgb(0xa16207),
        SpanType::Evaluator => Rgb(0x0d9488),
        SpanType::Event => Rgb(0x9ca3af),
    }
}

/// Colour for a category text (type name or service name).
pub fn category_color(key: &str) -> Rgb {
    match SpanType::classify(key) {
        Some(t) => type_color(t),
        None => PALETTE[(hash(key) % PALETTE.len() as u32) as usize],
    }
}

/// The category text a span is coloured by: its type's label when the type is a known one
/// (so `LLM`, `GENERATION` and `generation` are one legend entry), else the type text as
/// written, else the service.
pub fn category(trace: &Trace, s: SpanIdx, mode: ColorMode) -> &str {
    let span = trace.span(s);
    if mode == ColorMode::SpanType && span.span_type.0 != 0 {
        return match trace.span_type(s) {
            Some(t) => t.label(),
            None => trace.text(span.span_type),
        };
    }
    let service = trace.service_name(s);
    if service.is_empty() {
        "(no service)"
    } else {
        service
    }
}

/// Fill colour of a span bar.
pub fn span_color(trace: &Trace, s: SpanIdx, mode: ColorMode) -> Rgb {
    category_color(category(trace, s, mode))
}

/// The legend: each category in use with its colour, sorted by name.
pub fn legend(trace: &Trace, mode: ColorMode) -> Vec<(String, Rgb)> {
    let mut keys = std::collections::BTreeSet::new();
    for i in 0..trace.spans.len() as u32 {
        keys.insert(category(trace, SpanIdx(i), mode));
    }
    keys.into_iter().take(24).map(|k| (k.to_string(), category_color(k))).collect()
}
