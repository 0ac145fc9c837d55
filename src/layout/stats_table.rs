//! The statistics view as the shell shows it: the analysis spec a view's settings mean
//! (`view_state::StatsSettings` -> `analysis::stats`), the columns shown, each cell's text,
//! a row's heat shade, the scope line and a row's duration histogram as bars. Invariants: the
//! settings' tokens are exactly the analysis's (tested both ways); usage columns show only
//! when something in scope reports usage; shading is a blend from white, so text stays legible.

use super::palette::Rgb;
use crate::analysis::llm::format_cost;
use crate::analysis::stats::{
    duration_histogram, Column, GroupBy, Scope, Statistics, StatsRow, StatsSpec,
};
use crate::model::{DurationNs, SpanIdx, Trace};
use crate::view_state::{Grouping, StatsScope, StatsSettings};

/// Rows shown at most; the rest are counted in one line (a table of a million groups, as
/// grouping by span id gives, would not render).
pub const MAX_ROWS: usize = 500;

/// Bars of a row's duration histogram.
pub const HISTOGRAM_BINS: usize = 24;

/// The analysis's grouping for a view's.
pub fn group_by(g: &Grouping) -> GroupBy {
    match g {
        Grouping::Service => GroupBy::Service,
        Grouping::Name => GroupBy::Name,
        Grouping::Type => GroupBy::Type,
        Grouping::Attribute(k) => GroupBy::Attribute(k.clone()),
    }
}

/// What the table groups by.
pub fn spec(s: &StatsSettings) -> StatsSpec {
    StatsSpec {
        group: group_by(&s.group),
        subgroup: s.subgroup.as_ref().map(group_by),
    }
}

/// The analysis's scope for a view's.
pub fn scope(s: StatsScope) -> Scope {
    match s {
        StatsScope::All => Scope::All,
        StatsScope::Window => Scope::Window,
        StatsScope::Matches => Scope::Matches,
    }
}

/// The column rows are sorted by (total when the link named none).
pub fn sort_column(s: &StatsSettings) -> Column {
    Column::from_token(s.sort).unwrap_or(Column::Total)
}

/// The column whose values shade the rows.
pub fn heat_column(s: &StatsSettings) -> Option<Column> {
    s.heat
        .and_then(Column::from_token)
        .filter(|c| *c != Column::Group)
}

/// The columns shown, in table order: tokens and cost only when the scope reports usage.
pub fn columns(table: &Statistics) -> Vec<Column> {
    let t = &table.total;
    let usage = t.tokens_in != 0 || t.tokens_out != 0 || t.cost != 0.0;
    Column::ALL
        .into_iter()
        .filter(|c| usage || !matches!(c, Column::TokensIn | Column::TokensOut | Column::Cost))
        .collect()
}

/// A column's heading.
pub fn title(c: Column) -> &'static str {
    match c {
        Column::Group => "group",
        Column::Count => "count",
        Column::Total => "total",
        Column::SelfTime => "self",
        Column::SelfPercent => "self %",
        Column::Avg => "avg",
        Column::Min => "min",
        Column::P50 => "p50",
        Column::P95 => "p95",
        Column::Max => "max",
        Column::Errors => "errors",
        Column::Critical => "critical",
        Column::TokensIn => "tokens in",
        Column::TokensOut => "tokens out",
        Column::Cost => "cost",
    }
}

/// What a column's heading says on hover.
pub fn explanation(c: Column) -> &'static str {
    match c {
        Column::Group => "the group's value; (none) for spans without the key",
        Column::Count => "spans",
        Column::Total => "summed durations",
        Column::SelfTime => "summed self times: each span minus the union of its children",
        Column::SelfPercent => "self / total",
        Column::Avg => "mean duration",
        Column::Min => "shortest span",
        Column::P50 => "median duration (nearest rank)",
        Column::P95 => "95th percentile duration (nearest rank: rank ⌈0.95 n⌉)",
        Column::Max => "longest span",
        Column::Errors => "spans with status ERROR",
        Column::Critical => "time on the critical path",
        Column::TokensIn => "prompt tokens reported",
        Column::TokensOut => "completion tokens reported",
        Column::Cost => "cost reported",
    }
}

/// The text of `row`'s cell in column `c`.
pub fn cell(row: &StatsRow, c: Column) -> String {
    let d = |ns: i64| DurationNs(ns).to_string();
    match c {
        Column::Group => row.label().to_string(),
        Column::Count => row.count.to_string(),
        Column::Total => d(row.total_ns),
        Column::SelfTime => d(row.self_ns),
        Column::SelfPercent => format!("{:.1} %", row.self_percent()),
        Column::Avg => d(row.avg_ns),
        Column::Min => d(row.min_ns),
        Column::P50 => d(row.p50_ns),
        Column::P95 => d(row.p95_ns),
        Column::Max => d(row.max_ns),
        Column::Errors => row.errors.to_string(),
        Column::Critical => d(row.critical_ns),
        Column::TokensIn => row.tokens_in.to_string(),
        Column::TokensOut => row.tokens_out.to_string(),
        Column::Cost if row.cost == 0.0 => "0".to_string(),
        Column::Cost => format_cost(row.cost),
    }
}

/// The shade of a row whose heat is `share` (0..=1): white to a warm orange.
pub fn heat_fill(share: f64) -> Rgb {
    let k = share.clamp(0.0, 1.0) * 0.85;
    let (to_r, to_g, to_b) = (0xf5u32, 0x9eu32, 0x42u32);
    let mix = |to: u32| (255.0 - (255.0 - to as f64) * k).round() as u32;
    Rgb((mix(to_r) << 16) | (mix(to_g) << 8) | mix(to_b))
}

/// The line above the table: how many spans it covers and where they come from.
pub fn scope_text(s: StatsScope, spans: u64, window_len_ns: i64, query: &str) -> String {
    let n = if spans == 1 {
        "1 span".to_string()
    } else {
        format!("{spans} spans")
    };
    match s {
        StatsScope::All => format!("{n}, everything loaded"),
        StatsScope::Window => format!(
            "{n} overlapping the visible window ({})",
            DurationNs(window_len_ns)
        ),
        StatsScope::Matches if query.trim().is_empty() => {
            format!("{n}: the query is empty, so everything loaded")
        }
        StatsScope::Matches => format!("{n} matching {query}"),
    }
}

/// One bar of a duration histogram as drawn: its share of the tallest bar and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramBar {
    /// Height as a share of the tallest bar, 0..=1.
    pub height: f64,
    /// Spans in it.
    pub count: u64,
    /// "12.0ms – 14.5ms".
    pub label: String,
}

/// The duration histogram of a row's spans as bars.
pub fn histogram(trace: &Trace, spans: &[SpanIdx]) -> Vec<HistogramBar> {
    let bins = duration_histogram(trace, spans, HISTOGRAM_BINS);
    let tallest = bins.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64;
    bins.iter()
        .map(|b| HistogramBar {
            height: b.count as f64 / tallest,
            count: b.count,
            label: format!("{} – {}", DurationNs(b.from_ns), DurationNs(b.to_ns)),
        })
        .collect()
}

/// The grouping choices: the built-in ones, then every attribute key of the load.
pub fn group_choices(keys: &[String]) -> Vec<(Grouping, String)> {
    let mut out = vec![
        (Grouping::Name, "span name".to_string()),
        (Grouping::Service, "service".to_string()),
        (Grouping::Type, "span type".to_string()),
    ];
    out.extend(
        keys.iter()
            .map(|k| (Grouping::Attribute(k.clone()), format!("attribute {k}"))),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view_state::stats_flame::STATS_COLUMNS;

    #[test]
    fn the_view_tokens_are_the_analysis_tokens() {
        let analysis: Vec<&str> = Column::ALL.iter().map(|c| c.token()).collect();
        assert_eq!(analysis, STATS_COLUMNS);
        for s in StatsScope::ALL {
            assert_eq!(scope(s).token(), s.token());
        }
        for g in [
            Grouping::Name,
            Grouping::Service,
            Grouping::Type,
            Grouping::Attribute("http.method".into()),
        ] {
            assert_eq!(GroupBy::parse(&g.token()), Some(group_by(&g)));
        }
    }

    #[test]
    fn shading_goes_from_white_and_keeps_text_legible() {
        assert_eq!(heat_fill(0.0), Rgb(0xffffff));
        let full = heat_fill(1.0).0;
        let (r, g, b) = (full >> 16, (full >> 8) & 0xff, full & 0xff);
        assert!(r > 0xf0 && g > 0x90 && b > 0x40, "{full:06x}");
        assert_eq!(heat_fill(7.0), heat_fill(1.0), "clamped");
    }

    #[test]
    fn the_scope_line_names_the_scope() {
        assert_eq!(
            scope_text(StatsScope::All, 1, 0, ""),
            "1 span, everything loaded"
        );
        assert_eq!(
            scope_text(StatsScope::Window, 12, 1_500_000, ""),
            "12 spans overlapping the visible window (1.50ms)"
        );
        assert_eq!(
            scope_text(StatsScope::Matches, 3, 0, "status=error"),
            "3 spans matching status=error"
        );
    }
}
