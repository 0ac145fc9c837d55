//! Colours: by span type (fixed per known type: FlowMesh compute / network / marker, LLM,
//! tool, ...), otherwise by service name.
//! Invariant: the same key always gets the same colour; errors always read as errors.

use crate::model::ids::fnv1a64;
use crate::model::{SpanIdx, SpanType, StrIdx, Trace};
use rustc_hash::FxHashMap;

/// An sRGB colour, 0xRRGGBB; with the `FADED` bit set, that colour faded towards the
/// theme's background (`dim`), resolved when drawn (`theme_colors::themed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u32);

/// The bit of an `Rgb` that marks it faded (`dim`).
pub const FADED: u32 = 0x0100_0000;

impl Rgb {
    /// CSS text `#rrggbb` (a faded colour as the light theme draws it).
    pub fn css(self) -> String {
        format!(
            "#{:06x}",
            super::theme_colors::resolve(self, false).0 & 0xff_ffff
        )
    }

    /// This colour moved `k` (0..=1) of the way to `to`.
    pub fn mix(self, to: Rgb, k: f64) -> Rgb {
        let ch = |shift: u32| {
            let (a, b) = ((self.0 >> shift) & 0xff, (to.0 >> shift) & 0xff);
            ((a as f64 + (b as f64 - a as f64) * k).round() as u32 & 0xff) << shift
        };
        Rgb(ch(16) | ch(8) | ch(0))
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

/// The outline around the row under the pointer.
pub const HOVER: Rgb = Rgb(0x2563eb);

/// The time range being selected on the axis.
pub const RANGE: Rgb = Rgb(0xbfdbfe);

/// An exception event's tick on a bar.
pub const EXCEPTION: Rgb = Rgb(0x5a0000);

/// Critical-path sections (a strip along the bar, the DAG's path, the analysis bars): amber,
/// never red, because red means failed.
pub const CRITICAL: Rgb = Rgb(0xb45309);

/// A colour faded towards the background (spans off the critical path): white in the light
/// theme, the dark background in the dark one.
pub fn dim(c: Rgb) -> Rgb {
    Rgb((c.0 & 0xff_ffff) | FADED)
}

/// Categorical palette for services and unknown type texts: Tableau 20 without its two reds
/// (red means error), ordered so neighbours in the order of assignment differ most.
const PALETTE: [Rgb; 18] = [
    Rgb(0x4e79a7),
    Rgb(0xf28e2b),
    Rgb(0x59a14f),
    Rgb(0xb07aa1),
    Rgb(0x499894),
    Rgb(0xb6992d),
    Rgb(0xd37295),
    Rgb(0x9d7660),
    Rgb(0x79706e),
    Rgb(0xa0cbe8),
    Rgb(0xffbe7d),
    Rgb(0x8cd17d),
    Rgb(0xd4a6c8),
    Rgb(0x86bcb6),
    Rgb(0xf1ce63),
    Rgb(0xfabfd2),
    Rgb(0xd7b5a6),
    Rgb(0xbab0ac),
];

pub use crate::view_state::ColorMode;

/// The most categories the legend lists.
pub const LEGEND_MAX: usize = 24;

/// The legend's note when it lists fewer categories than there are ("24 of 30 shown"), or
/// `None` when it lists them all.
pub fn legend_note(shown: usize, total: usize) -> Option<String> {
    (total > shown).then(|| format!("{shown} of {total} shown"))
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

/// Colour for a category text by itself (no trace at hand): a known type's colour, else a
/// stable hash into the palette.
pub fn category_color(key: &str) -> Rgb {
    match SpanType::classify(key) {
        Some(t) => type_color(t),
        None => PALETTE[(fnv1a64(key.as_bytes()) % PALETTE.len() as u64) as usize],
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

/// The colours of one loaded trace: known span types get their fixed colour; services and
/// unknown type texts get palette colours in the order of their sorted names, so the first 18
/// never share one (a hash would collide long before). Built once per trace; the same data
/// always gives the same colours.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Palette {
    /// Colour of each span-type text (by interned index).
    types: FxHashMap<StrIdx, Rgb>,
    /// Colour of each service name (by interned index).
    services: FxHashMap<StrIdx, Rgb>,
}

impl Palette {
    /// The palette of `trace`.
    pub fn new(trace: &Trace) -> Palette {
        let mut types = FxHashMap::default();
        let mut unknown: Vec<StrIdx> = Vec::new();
        for (t, kind) in trace.type_kinds() {
            match kind {
                Some(kind) => {
                    types.insert(t, type_color(kind));
                }
                None => unknown.push(t),
            }
        }
        unknown.sort_by_key(|t| trace.text(*t));
        for (i, t) in unknown.into_iter().enumerate() {
            types.insert(t, PALETTE[i % PALETTE.len()]);
        }
        let mut names: Vec<StrIdx> = trace
            .resources()
            .iter()
            .map(|r| r.service_name)
            .filter(|n| !trace.text(*n).is_empty())
            .collect();
        names.sort_by_key(|n| trace.text(*n));
        names.dedup();
        let services = names
            .into_iter()
            .enumerate()
            .map(|(i, n)| (n, PALETTE[i % PALETTE.len()]))
            .collect();
        Palette { types, services }
    }

    /// Fill colour of a span bar (before error and dimming rules).
    pub fn span_color(&self, trace: &Trace, s: SpanIdx, mode: ColorMode) -> Rgb {
        let span = trace.span(s);
        if mode == ColorMode::SpanType && span.span_type.0 != 0 {
            if let Some(c) = self.types.get(&span.span_type) {
                return *c;
            }
        }
        let service = trace
            .resources()
            .get(span.resource.ix())
            .map(|r| r.service_name);
        service
            .and_then(|n| self.services.get(&n))
            .copied()
            .unwrap_or_else(|| category_color(category(trace, s, mode)))
    }

    /// The legend: each category in use with its colour, sorted by name (at most `LEGEND_MAX`).
    pub fn legend(&self, trace: &Trace, mode: ColorMode) -> Vec<(String, Rgb)> {
        let mut keys: std::collections::BTreeMap<&str, Rgb> = std::collections::BTreeMap::new();
        for i in 0..trace.span_count() as u32 {
            let s = SpanIdx(i);
            keys.entry(category(trace, s, mode))
                .or_insert_with(|| self.span_color(trace, s, mode));
        }
        keys.into_iter()
            .take(LEGEND_MAX)
            .map(|(k, c)| (k.to_string(), c))
            .collect()
    }

    /// How many categories the legend would list if it had no limit.
    pub fn legend_total(&self, trace: &Trace, mode: ColorMode) -> usize {
        let keys: std::collections::BTreeSet<&str> = (0..trace.span_count() as u32)
            .map(|i| category(trace, SpanIdx(i), mode))
            .collect();
        keys.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ingest_sources;

    #[test]
    fn services_get_distinct_colours_in_name_order() {
        let lines: Vec<String> = (0..18)
            .map(|i| {
                format!(
                    r#"{{"name": "s", "context": {{"trace_id": "0x01", "span_id": "0x{:02x}"}}, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:01Z", "resource": {{"attributes": {{"service.name": "svc-{i:02}"}}}}}}"#,
                    i + 1
                )
            })
            .collect();
        let t = ingest_sources([("t.jsonl", lines.join("\n").as_bytes())]);
        let p = Palette::new(&t);
        let legend = p.legend(&t, ColorMode::Service);
        assert_eq!(legend.len(), 18);
        let colours: std::collections::BTreeSet<u32> = legend.iter().map(|(_, c)| c.0).collect();
        assert_eq!(colours.len(), 18, "no two of 18 services share a colour");
        assert_eq!(legend[0], ("svc-00".to_string(), PALETTE[0]));
        assert!(
            legend.iter().all(|(_, c)| *c != ERROR),
            "red is kept for errors"
        );
        assert_eq!(Palette::new(&t), p, "the same data gives the same colours");
    }

    #[test]
    fn known_types_keep_their_colour_whatever_the_spelling() {
        let line = |id: u32, ty: &str| {
            format!(
                r#"{{"name": "s", "context": {{"trace_id": "0x01", "span_id": "0x{id:02x}"}}, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:01Z", "attributes": {{"langfuse.observation.type": "{ty}"}}}}"#
            )
        };
        let text = [
            line(1, "generation"),
            line(2, "GENERATION"),
            line(3, "tool"),
            line(4, "custom-step"),
        ]
        .join("\n");
        let t = ingest_sources([("t.jsonl", text.as_bytes())]);
        let p = Palette::new(&t);
        let c = |i: u32| p.span_color(&t, SpanIdx(i), ColorMode::SpanType);
        assert_eq!(
            (c(0), c(1), c(2)),
            (
                type_color(SpanType::Llm),
                type_color(SpanType::Llm),
                type_color(SpanType::Tool)
            )
        );
        let legend: Vec<String> = p
            .legend(&t, ColorMode::SpanType)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(legend, ["LLM", "custom-step", "tool"]);
    }

    #[test]
    fn a_truncated_legend_says_how_many_it_shows() {
        // 30 services, one span each: the legend lists the first 24 by name and says so
        let lines: Vec<String> = (0..30)
            .map(|i| {
                format!(
                    r#"{{"name": "s", "context": {{"trace_id": "0x01", "span_id": "0x{:02x}"}}, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:01Z", "resource": {{"attributes": {{"service.name": "svc-{i:02}"}}}}}}"#,
                    i + 1
                )
            })
            .collect();
        let t = ingest_sources([("t.jsonl", lines.join("\n").as_bytes())]);
        let p = Palette::new(&t);
        let legend = p.legend(&t, ColorMode::Service);
        assert_eq!(legend.len(), 24);
        assert_eq!(legend[23].0, "svc-23");
        assert_eq!(p.legend_total(&t, ColorMode::Service), 30);
        assert_eq!(legend_note(24, 30).as_deref(), Some("24 of 30 shown"));
        assert_eq!(legend_note(18, 18), None, "a complete legend says nothing");
    }
}
