//! Span-type icons as SVG path data on a 12 x 12 grid, drawn as 1.5-unit strokes. One table
//! serves the canvas (the painter builds a `Path2D` from the text) and the DOM (an inline
//! `<svg>` in the details panel and legend), so both always show the same glyph; no icon font.

use crate::model::SpanType;

/// Side of the icon grid the paths are drawn on.
pub const GRID: f64 = 12.0;

/// Stroke width on that grid.
pub const STROKE: f64 = 1.5;

/// The outline path of a span type's icon.
pub fn path(t: SpanType) -> &'static str {
    match t {
        // four-point sparkle
        SpanType::Llm => "M6 1L7.3 4.7L11 6L7.3 7.3L6 11L4.7 7.3L1 6L4.7 4.7Z",
        // speech bubble
        SpanType::ChatModel => "M1.5 2H10.5V8H5.5L3 10.5V8H1.5Z",
        // hammer
        SpanType::Tool => "M1.5 2H8L10.5 4.5H1.5ZM5 4.5V10.5H7V4.5",
        // magnifying glass
        SpanType::Retriever => "M5 1.5A3.5 3.5 0 1 0 5 8.5A3.5 3.5 0 1 0 5 1.5ZM7.5 7.5L10.5 10.5",
        // points of a vector space
        SpanType::Embedding => "M2 2H4V4H2ZM8 2H10V4H8ZM2 8H4V10H2ZM8 8H10V10H8ZM5 5H7V7H5Z",
        // two chain links
        SpanType::Chain => "M5 4H3A2 2 0 0 0 3 8H5M7 4H9A2 2 0 0 1 9 8H7M4 6H8",
        // a person
        SpanType::Agent => "M6 1.5A2 2 0 1 0 6 5.5A2 2 0 1 0 6 1.5ZM2 10.5A4 3.5 0 0 1 10 10.5",
        // shield
        SpanType::Guardrail => "M6 1L10 2.5V6C10 8.5 8 10 6 11C4 10 2 8.5 2 6V2.5Z",
        // ranked lines
        SpanType::Reranker => "M2 3H10M2 6H8M2 9H5",
        // braces
        SpanType::Parser => "M4 1.5C2.5 1.5 3 5 1.5 6C3 7 2.5 10.5 4 10.5M8 1.5C9.5 1.5 9 5 10.5 6C9 7 9.5 10.5 8 10.5",
        // check mark
        SpanType::Evaluator => "M2 6.5L5 9.5L10 2.5",
        // lightning bolt
        SpanType::Event => "M6.5 1L3 7H6L5.5 11L9 5H6Z",
        // chip with pins
        SpanType::Compute => "M3 3H9V9H3ZM5 1V3M7 1V3M5 9V11M7 9V11M1 5H3M1 7H3M9 5H11M9 7H11",
        // two opposite arrows
        SpanType::Network => "M1 4H10M8 2L10 4L8 6M11 8H2M4 6L2 8L4 10",
        // flag
        SpanType::Marker => "M3 11V1.5H9L7.5 4L9 6.5H3",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_icon_is_path_data_inside_the_grid() {
        let mut seen = std::collections::BTreeSet::new();
        for t in SpanType::ALL {
            let p = path(t);
            assert!(p.starts_with('M'), "{t:?}");
            assert!(seen.insert(p), "{t:?} shares its icon");
            let mut number = String::new();
            for c in p.chars().chain(std::iter::once(' ')) {
                if c.is_ascii_digit() || c == '.' {
                    number.push(c);
                } else {
                    assert!("MLHVCAZ ".contains(c), "{t:?}: unexpected {c:?}");
                    if !number.is_empty() {
                        let v: f64 = number.parse().unwrap();
                        assert!((0.0..=GRID).contains(&v), "{t:?}: {v}");
                        number.clear();
                    }
                }
            }
        }
    }
}
