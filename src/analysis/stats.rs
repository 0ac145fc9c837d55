//! Statistics per group of spans (service, span name, span type or any attribute's value, with
//! one optional sub-group level) over a scope (the whole load, a time window, a query's
//! matches). Invariants: self time is a span's duration minus the union of its children each
//! clipped to it, so 0 <= self <= duration whatever the children do; percentiles are nearest
//! rank (p95 = the value at rank ceil(0.95 n) of the sorted durations); rows come sorted (total
//! descending, then label), never in hash order.

mod distribution;
mod grouping;
mod scope;

pub use distribution::{duration_histogram, nearest_rank, HistogramBin};
pub use grouping::{attribute_keys, GroupBy};
pub use scope::{spans_in_window, Scope};

use super::span_critical_path::Section;
use super::span_set::SpanSet;
use super::usage_index::UsageIndex;
use crate::model::{SpanIdx, Trace};
use grouping::group_labels;
use std::cmp::Ordering;

/// One row: a group (or sub-group) of spans and its numbers. Times are ns.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsRow {
    /// The group's value; `None` for spans that lack the grouping key.
    pub group: Option<String>,
    /// Spans.
    pub count: u64,
    /// Summed durations.
    pub total_ns: i64,
    /// Summed self times.
    pub self_ns: i64,
    /// Shortest duration.
    pub min_ns: i64,
    /// Mean duration, rounded to the nearest ns.
    pub avg_ns: i64,
    /// Nearest-rank median duration.
    pub p50_ns: i64,
    /// Nearest-rank 95th percentile duration.
    pub p95_ns: i64,
    /// Longest duration.
    pub max_ns: i64,
    /// Spans with status ERROR.
    pub errors: u64,
    /// Summed lengths of the group's critical sections.
    pub critical_ns: i64,
    /// Prompt tokens reported.
    pub tokens_in: i64,
    /// Completion tokens reported.
    pub tokens_out: i64,
    /// Cost reported.
    pub cost: f64,
    /// The longest span (the first by index among equals).
    pub slowest: Option<SpanIdx>,
    /// The group's spans, by ascending index (a row click highlights these).
    pub spans: Vec<SpanIdx>,
    /// Sub-groups, sorted like the rows.
    pub subgroups: Vec<StatsRow>,
}

/// Label of the row of spans that lack the grouping key.
pub const NONE_LABEL: &str = "(none)";

impl StatsRow {
    /// The group as shown ("(none)" for spans lacking the key).
    pub fn label(&self) -> &str {
        self.group.as_deref().unwrap_or(NONE_LABEL)
    }

    /// Self time as a share of the total, percent (0 when the total is 0).
    pub fn self_percent(&self) -> f64 {
        if self.total_ns == 0 {
            0.0
        } else {
            self.self_ns as f64 * 100.0 / self.total_ns as f64
        }
    }

    /// The number in `column` (0 for the group column), for sorting and shading.
    pub fn value(&self, column: Column) -> f64 {
        match column {
            Column::Group => 0.0,
            Column::Count => self.count as f64,
            Column::Total => self.total_ns as f64,
            Column::SelfTime => self.self_ns as f64,
            Column::SelfPercent => self.self_percent(),
            Column::Avg => self.avg_ns as f64,
            Column::Min => self.min_ns as f64,
            Column::P50 => self.p50_ns as f64,
            Column::P95 => self.p95_ns as f64,
            Column::Max => self.max_ns as f64,
            Column::Errors => self.errors as f64,
            Column::Critical => self.critical_ns as f64,
            Column::TokensIn => self.tokens_in as f64,
            Column::TokensOut => self.tokens_out as f64,
            Column::Cost => self.cost,
        }
    }
}

/// A column of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// The group label.
    Group,
    /// Span count.
    Count,
    /// Total time.
    Total,
    /// Self time.
    SelfTime,
    /// Self time, percent of total.
    SelfPercent,
    /// Mean duration.
    Avg,
    /// Shortest duration.
    Min,
    /// Median duration.
    P50,
    /// 95th percentile duration.
    P95,
    /// Longest duration.
    Max,
    /// Error count.
    Errors,
    /// Time on the critical path.
    Critical,
    /// Prompt tokens.
    TokensIn,
    /// Completion tokens.
    TokensOut,
    /// Cost.
    Cost,
}

impl Column {
    /// Every column, in table order.
    pub const ALL: [Column; 15] = [
        Column::Group,
        Column::Count,
        Column::Total,
        Column::SelfTime,
        Column::SelfPercent,
        Column::Avg,
        Column::Min,
        Column::P50,
        Column::P95,
        Column::Max,
        Column::Errors,
        Column::Critical,
        Column::TokensIn,
        Column::TokensOut,
        Column::Cost,
    ];

    /// Its name in links and on the command line (`--sort`).
    pub fn token(self) -> &'static str {
        match self {
            Column::Group => "group",
            Column::Count => "count",
            Column::Total => "total",
            Column::SelfTime => "self",
            Column::SelfPercent => "self_percent",
            Column::Avg => "avg",
            Column::Min => "min",
            Column::P50 => "p50",
            Column::P95 => "p95",
            Column::Max => "max",
            Column::Errors => "errors",
            Column::Critical => "critical",
            Column::TokensIn => "tokens_in",
            Column::TokensOut => "tokens_out",
            Column::Cost => "cost",
        }
    }

    /// The column with that name.
    pub fn from_token(t: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.token() == t)
    }
}

/// What to group by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatsSpec {
    /// The rows.
    pub group: GroupBy,
    /// The optional second level inside each row.
    pub subgroup: Option<GroupBy>,
}

/// The table: one row per group, and the whole scope as one row.
#[derive(Debug, Clone, PartialEq)]
pub struct Statistics {
    /// The groups.
    pub rows: Vec<StatsRow>,
    /// Every span in scope as one row (`group` is `None`, `subgroups` empty).
    pub total: StatsRow,
}

impl Statistics {
    /// Sorts rows and sub-rows by `column`; ties go by label, ascending.
    pub fn sort_by(&mut self, column: Column, descending: bool) {
        sort_rows(&mut self.rows, column, descending);
    }

    /// How far `row`'s value in `column` is towards the largest row's, 0..=1, for heat-map
    /// shading (0 when every row is 0).
    pub fn heat(&self, row: &StatsRow, column: Column) -> f64 {
        let max = self
            .rows
            .iter()
            .map(|r| r.value(column))
            .fold(0.0f64, f64::max);
        if max > 0.0 {
            (row.value(column) / max).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

/// The order `sort_by` would put `rows` in, as indices (for a view that sorts without
/// moving the rows): `order[k]` is the row shown k-th.
pub fn row_order(rows: &[StatsRow], column: Column, descending: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| compare_rows(&rows[a], &rows[b], column, descending));
    order
}

/// The one row order: by `column` (descending or not), ties by label ascending; the group
/// column by label alone.
fn compare_rows(a: &StatsRow, b: &StatsRow, column: Column, descending: bool) -> Ordering {
    if column == Column::Group {
        let o = a.label().cmp(b.label());
        return if descending { o.reverse() } else { o };
    }
    let o = a.value(column).total_cmp(&b.value(column));
    let o = if descending { o.reverse() } else { o };
    o.then_with(|| a.label().cmp(b.label()))
}

fn sort_rows(rows: &mut [StatsRow], column: Column, descending: bool) {
    rows.sort_by(|a, b| compare_rows(a, b, column, descending));
    for r in rows {
        sort_rows(&mut r.subgroups, column, descending);
    }
}

/// What each row reads, per position in the scope's span list, derived once per table (so
/// sub-groups and the whole-scope row do not recompute self times, measured at 1M spans).
struct Facts {
    spans: Vec<SpanIdx>,
    duration_ns: Vec<i64>,
    self_ns: Vec<i64>,
    is_error: Vec<bool>,
    /// Critical-section length (empty when there is no critical path).
    critical_ns: Vec<i64>,
    usage: UsageIndex,
}

impl Facts {
    fn new(trace: &Trace, spans: Vec<SpanIdx>, critical: &[Section]) -> Facts {
        let mut critical_ns = Vec::new();
        if !critical.is_empty() {
            let mut by_span = vec![0i64; trace.span_count()];
            for c in critical {
                if let Some(v) = by_span.get_mut(c.span.ix()) {
                    *v = v.saturating_add(c.end_ns.saturating_sub(c.start_ns));
                }
            }
            critical_ns = spans.iter().map(|s| by_span[s.ix()]).collect();
        }
        Facts {
            duration_ns: spans.iter().map(|s| trace.span(*s).duration().0).collect(),
            self_ns: spans.iter().map(|s| trace.self_time(*s).0).collect(),
            is_error: spans.iter().map(|s| trace.span(*s).is_error()).collect(),
            critical_ns,
            usage: UsageIndex::new(trace),
            spans,
        }
    }
}

/// The statistics of the spans in `scope` (every span when `None`) grouped by `spec`;
/// `critical` are the critical sections the views draw. Rows sorted by total, descending.
pub fn statistics(
    trace: &Trace,
    spec: &StatsSpec,
    scope: Option<&SpanSet>,
    critical: &[Section],
) -> Statistics {
    let in_scope: Vec<SpanIdx> = match scope {
        Some(s) => s.iter().filter(|s| s.ix() < trace.span_count()).collect(),
        None => trace.span_indices().collect(),
    };
    let primary = group_labels(trace, &spec.group, &in_scope);
    let secondary = spec
        .subgroup
        .as_ref()
        .map(|g| group_labels(trace, g, &in_scope));
    let facts = Facts::new(trace, in_scope, critical);
    let all: Vec<u32> = (0..facts.spans.len() as u32).collect();
    let mut scratch = Vec::new();
    let mut rows: Vec<StatsRow> = buckets(&primary.1, primary.0.len(), &all)
        .into_iter()
        .enumerate()
        .filter(|(_, at)| !at.is_empty())
        .map(|(g, at)| {
            let subgroups = secondary.as_ref().map_or_else(Vec::new, |(labels, of)| {
                let sub_of: Vec<u32> = at.iter().map(|k| of[*k as usize]).collect();
                buckets(&sub_of, labels.len(), &at)
                    .into_iter()
                    .enumerate()
                    .filter(|(_, sub)| !sub.is_empty())
                    .map(|(k, sub)| {
                        let mut r =
                            summarize(labels[k].clone(), &sub, &facts, &mut scratch, Vec::new());
                        r.spans = sub.iter().map(|k| facts.spans[*k as usize]).collect();
                        r
                    })
                    .collect()
            });
            let mut r = summarize(primary.0[g].clone(), &at, &facts, &mut scratch, subgroups);
            r.spans = at.iter().map(|k| facts.spans[*k as usize]).collect();
            r
        })
        .collect();
    sort_rows(&mut rows, Column::Total, true);
    let mut total = summarize(None, &all, &facts, &mut scratch, Vec::new());
    total.spans = facts.spans;
    Statistics { rows, total }
}

/// Positions split by group id (`of[k]` is the group of `at[k]`), each list ascending.
fn buckets(of: &[u32], groups: usize, at: &[u32]) -> Vec<Vec<u32>> {
    // sized up front: no list grows by copying itself (measured at 1M spans)
    let mut sizes = vec![0usize; groups];
    for g in of {
        if let Some(n) = sizes.get_mut(*g as usize) {
            *n += 1;
        }
    }
    let mut out: Vec<Vec<u32>> = sizes.into_iter().map(Vec::with_capacity).collect();
    for (k, g) in at.iter().zip(of) {
        if let Some(b) = out.get_mut(*g as usize) {
            b.push(*k);
        }
    }
    out
}

/// The numbers of the spans at positions `at` (ascending) of the scope (`spans` is left for
/// the caller to fill); `scratch` is reused for their durations.
fn summarize(
    group: Option<String>,
    at: &[u32],
    facts: &Facts,
    scratch: &mut Vec<i64>,
    subgroups: Vec<StatsRow>,
) -> StatsRow {
    let mut row = StatsRow {
        group,
        count: at.len() as u64,
        total_ns: 0,
        self_ns: 0,
        min_ns: 0,
        avg_ns: 0,
        p50_ns: 0,
        p95_ns: 0,
        max_ns: 0,
        errors: 0,
        critical_ns: 0,
        tokens_in: 0,
        tokens_out: 0,
        cost: 0.0,
        slowest: None,
        spans: Vec::new(),
        subgroups,
    };
    scratch.clear();
    let mut slowest: Option<(i64, SpanIdx)> = None;
    for &k in at {
        let k = k as usize;
        let d = facts.duration_ns[k];
        scratch.push(d);
        // saturating: hostile files can hold spans of centuries
        row.total_ns = row.total_ns.saturating_add(d);
        row.self_ns = row.self_ns.saturating_add(facts.self_ns[k]);
        row.errors += u64::from(facts.is_error[k]);
        if slowest.is_none_or(|(best, _)| d > best) {
            slowest = Some((d, facts.spans[k]));
        }
    }
    row.slowest = slowest.map(|b| b.1);
    if !facts.critical_ns.is_empty() {
        row.critical_ns = at.iter().fold(0i64, |a, k| {
            a.saturating_add(facts.critical_ns[*k as usize])
        });
    }
    if !facts.usage.entries().is_empty() {
        for u in at
            .iter()
            .filter_map(|k| facts.usage.usage(facts.spans[*k as usize]))
        {
            row.tokens_in = row.tokens_in.saturating_add(u.input);
            row.tokens_out = row.tokens_out.saturating_add(u.output);
            row.cost += u.cost;
        }
    }
    let n = scratch.len();
    if n > 0 {
        row.min_ns = scratch.iter().copied().min().unwrap_or(0);
        row.max_ns = slowest.map_or(0, |b| b.0);
        // two selections instead of a sort: O(n) each
        row.p95_ns = *scratch.select_nth_unstable(nearest_rank(n, 95.0) - 1).1;
        let p50 = nearest_rank(n, 50.0) - 1;
        row.p50_ns = *scratch.select_nth_unstable(p50).1;
        let total = i128::from(row.total_ns);
        row.avg_ns = ((total + n as i128 / 2) / n as i128) as i64;
    }
    row
}
