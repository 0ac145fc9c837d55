//! Colours of a comparison: a diverging, colour-blind-safe scale for Δ (ColorBrewer PuOr:
//! orange = slower, purple = faster, grey = within the tolerance), three steps each way by
//! how large the change is, and one colour each for added and removed (which are also marked
//! by a glyph and an outline, never by colour alone). Invariant: the legend lists exactly the
//! colours `delta_color` and `presence_color` give.

use crate::analysis::compare::tolerance::Status;
use crate::layout::palette::Rgb;
use crate::model::DurationNs;

/// Slower, by step (small, medium, large change).
pub const SLOWER: [Rgb; 3] = [Rgb(0xfdb863), Rgb(0xe08214), Rgb(0xb35806)];
/// Faster, by step.
pub const FASTER: [Rgb; 3] = [Rgb(0xb2abd2), Rgb(0x8073ac), Rgb(0x542788)];
/// Within the tolerance.
pub const UNCHANGED: Rgb = Rgb(0xc9c9c9);
/// Only in B.
pub const ADDED: Rgb = Rgb(0x35978f);
/// Only in A.
pub const REMOVED: Rgb = Rgb(0x9e9e9e);

/// The step of a change: |Δ| as a share of the larger side, below 1/3, below 2/3, above.
fn step(a: DurationNs, b: DurationNs) -> usize {
    let larger = a.0.max(b.0).max(1) as f64;
    let share = (b.0 - a.0).unsigned_abs() as f64 / larger;
    if share < 1.0 / 3.0 {
        0
    } else if share < 2.0 / 3.0 {
        1
    } else {
        2
    }
}

/// The fill for a change from `a` to `b` with status `status` (added / removed by presence).
pub fn delta_color(status: Status, a: DurationNs, b: DurationNs) -> Rgb {
    match status {
        Status::Slower => SLOWER[step(a, b)],
        Status::Faster => FASTER[step(a, b)],
        Status::Unchanged => UNCHANGED,
        Status::Added => ADDED,
        Status::Removed => REMOVED,
    }
}

/// True when text on `fill` should be white (the dark steps).
pub fn is_dark(fill: Rgb) -> bool {
    fill == SLOWER[2] || fill == FASTER[1] || fill == FASTER[2] || fill == ADDED
}

/// One legend entry: its text, its fill and a glyph shown beside it ("" for none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegendItem {
    /// What the colour means.
    pub label: &'static str,
    /// The colour.
    pub fill: Rgb,
    /// The mark drawn with it (`+` added, `−` removed).
    pub glyph: &'static str,
}

/// The legend of the Δ colours, slower steps first, always shown with the Δ views.
pub fn legend() -> Vec<LegendItem> {
    let item = |label, fill, glyph| LegendItem { label, fill, glyph };
    vec![
        item("much slower (Δ > 2/3 of the larger)", SLOWER[2], ""),
        item("slower (> 1/3)", SLOWER[1], ""),
        item("a little slower", SLOWER[0], ""),
        item("unchanged (within the tolerance)", UNCHANGED, ""),
        item("a little faster", FASTER[0], ""),
        item("faster (> 1/3)", FASTER[1], ""),
        item("much faster (> 2/3)", FASTER[2], ""),
        item("added (only in B)", ADDED, "+"),
        item("removed (only in A)", REMOVED, "−"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_follow_the_share_of_the_larger_side_and_the_legend_lists_every_colour() {
        let ms = |n: i64| DurationNs(n * 1_000_000);
        // 100 -> 120: 1/6 of 120; 100 -> 200: 1/2; 100 -> 400: 3/4
        assert_eq!(delta_color(Status::Slower, ms(100), ms(120)), SLOWER[0]);
        assert_eq!(delta_color(Status::Slower, ms(100), ms(200)), SLOWER[1]);
        assert_eq!(delta_color(Status::Slower, ms(100), ms(400)), SLOWER[2]);
        assert_eq!(delta_color(Status::Faster, ms(400), ms(100)), FASTER[2]);
        assert_eq!(delta_color(Status::Unchanged, ms(0), ms(0)), UNCHANGED);
        let legend: Vec<Rgb> = legend().iter().map(|i| i.fill).collect();
        for c in SLOWER
            .iter()
            .chain(&FASTER)
            .chain(&[UNCHANGED, ADDED, REMOVED])
        {
            assert!(legend.contains(c), "{c:?} is in the legend");
        }
        assert_eq!(legend.len(), 9);
        assert!(is_dark(SLOWER[2]) && !is_dark(UNCHANGED));
    }
}
