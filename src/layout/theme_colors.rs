//! The canvases' colours per theme. Data colours (span types, services, errors) are the same
//! in both themes; each chrome colour of `palette` (text, grid, axis, selection, ...) has a
//! dark counterpart, and a faded colour fades towards the theme's background. Invariant: the
//! light theme draws every colour as `palette` defines it.

use super::palette::{self, Rgb, FADED};
use crate::view_state::Theme;

/// The dark theme's page background (the canvases are transparent over it).
pub const DARK_BG: Rgb = Rgb(0x0d1117);
/// The light theme's page background.
pub const LIGHT_BG: Rgb = Rgb(0xffffff);

/// Each light chrome colour with its dark counterpart.
const DARK_CHROME: [(Rgb, Rgb); 9] = [
    (palette::TEXT, Rgb(0xe6edf3)),
    (palette::TEXT_DIM, Rgb(0x9da7b3)),
    (palette::GRID, Rgb(0x30363d)),
    (palette::SELECTED_ROW, Rgb(0x1c3352)),
    (palette::MATCH_ROW, Rgb(0x4a3d0c)),
    (palette::AXIS_BG, Rgb(0x161b22)),
    (palette::RANGE, Rgb(0x1e3a8a)),
    (palette::EXCEPTION, Rgb(0xff9b9b)),
    (palette::CRITICAL, Rgb(0xfbbf24)),
];

/// Colour `c` as theme `theme` draws it.
pub fn themed(c: Rgb, theme: Theme) -> Rgb {
    resolve(c, theme == Theme::Dark)
}

/// `themed` by a flag: the one mapping both themes go through.
pub(super) fn resolve(c: Rgb, dark: bool) -> Rgb {
    if c.0 & FADED != 0 {
        let base = Rgb(c.0 & 0xff_ffff);
        return match dark {
            false => base.mix(LIGHT_BG, 0.7),
            true => base.mix(DARK_BG, 0.6),
        };
    }
    if !dark {
        return c;
    }
    DARK_CHROME
        .iter()
        .find(|(light, _)| *light == c)
        .map_or(c, |(_, d)| *d)
}

/// Text colour readable on a bar filled with `fill`: black on light fills, white on dark ones
/// (by the fill's relative luminance, WCAG's formula).
pub fn text_on(fill: Rgb) -> Rgb {
    let lin = |shift: u32| {
        let v = ((fill.0 >> shift) & 0xff) as f64 / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(16) + 0.7152 * lin(8) + 0.0722 * lin(0);
    // the luminance where black and white text have equal contrast (at least 4.58:1 either way)
    if l > 0.179 {
        Rgb(0x000000)
    } else {
        Rgb(0xffffff)
    }
}

/// A statistics row's heat shade (`share` 0..=1) in theme `theme`: from the background to a
/// warm orange.
pub fn heat_fill(share: f64, theme: Theme) -> Rgb {
    let k = share.clamp(0.0, 1.0);
    match theme {
        Theme::Light => super::stats_table::heat_fill(share),
        Theme::Dark => DARK_BG.mix(Rgb(0xb45309), k * 0.8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_draws_the_palette_as_defined_and_dark_swaps_only_chrome() {
        let data = palette::type_color(crate::model::SpanType::Llm);
        for c in [palette::TEXT, palette::GRID, palette::ERROR, data] {
            assert_eq!(themed(c, Theme::Light), c);
        }
        assert_eq!(themed(palette::ERROR, Theme::Dark), palette::ERROR);
        assert_eq!(themed(data, Theme::Dark), data);
        for (light, _) in DARK_CHROME {
            assert_ne!(
                themed(light, Theme::Dark),
                light,
                "{light:?} has a dark form"
            );
        }
    }

    /// Contrast ratio of two colours (WCAG), computed here on its own.
    fn contrast(a: Rgb, b: Rgb) -> f64 {
        let lum = |c: Rgb| {
            let ch = |s: u32| {
                let v = ((c.0 >> s) & 0xff) as f64 / 255.0;
                if v <= 0.04045 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * ch(16) + 0.7152 * ch(8) + 0.0722 * ch(0)
        };
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn text_reads_on_each_background() {
        // WCAG AA for normal text is 4.5:1; the dim text and axis labels must meet it too
        for (fg, bg) in [(palette::TEXT, LIGHT_BG), (palette::TEXT_DIM, LIGHT_BG)] {
            assert!(contrast(fg, bg) >= 4.5, "{fg:?} on {bg:?}");
            let (dfg, dbg) = (themed(fg, Theme::Dark), DARK_BG);
            assert!(contrast(dfg, dbg) >= 4.5, "{dfg:?} on {dbg:?}");
            let axis = themed(palette::AXIS_BG, Theme::Dark);
            assert!(contrast(dfg, axis) >= 4.5, "{dfg:?} on the dark axis");
        }
        for fill in [
            Rgb(0x4e79a7),
            Rgb(0xffbe7d),
            Rgb(0x8b5cf6),
            palette::ERROR,
            Rgb(0xf1ce63),
        ] {
            assert!(contrast(text_on(fill), fill) >= 4.5, "label on {fill:?}");
        }
    }

    #[test]
    fn a_faded_colour_fades_towards_the_theme_background() {
        let c = Rgb(0x4e79a7);
        let f = palette::dim(c);
        // light: 70 % of the way to white, as before the dark theme
        assert_eq!(themed(f, Theme::Light), Rgb(0xcad7e5));
        let dark = themed(f, Theme::Dark);
        assert!(
            contrast(dark, DARK_BG) < contrast(c, DARK_BG),
            "fainter on dark"
        );
        assert_eq!(f.css(), "#cad7e5");
    }

    #[test]
    fn critical_is_not_red_in_either_theme() {
        for t in Theme::ALL {
            assert_ne!(themed(palette::CRITICAL, t), palette::ERROR);
        }
        assert_ne!(palette::CRITICAL, palette::ERROR);
    }
}
