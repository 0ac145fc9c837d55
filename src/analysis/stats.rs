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

fn sort_rows(rows: &mut [StatsRow], column: Column, descending: bool) {
    rows.sort_by(|a, b| {
        let by_value = if column == Column::Group {
            a.label().cmp(b.label())
        } else {
            let o = a.value(column).total_cmp(&b.value(column));
            if descending {
                o.reverse()
            } else {
                o
            }
        };
        by_value.then_with(|| a.label().cmp(b.label()))
    });
    if column == Column::Group && descending {
        rows.reverse();
    }
    for r in rows {
        sort_rows(&mut r.subgroups, column, descending);
    }
}

/// Facts each row reads, derived once per table.
struct Facts {
    /// Critical-section length per span (empty when there is no critical path).
    critical_ns: Vec<i64>,
    usage: UsageIndex,
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
    let mut critical_ns = Vec::new();
    if !critical.is_empty() {
        critical_ns = vec![0i64; trace.span_count()];
        for c in critical {
            if let Some(v) = critical_ns.get_mut(c.span.ix()) {
                *v += c.end_ns - c.start_ns;
            }
        }
    }
    let facts = Facts {
        critical_ns,
        usage: UsageIndex::new(trace),
    };
    let primary = group_labels(trace, &spec.group, &in_scope);
    let secondary = spec
        .subgroup
        .as_ref()
        .map(|g| group_labels(trace, g, &in_scope));
    let mut rows: Vec<StatsRow> = buckets(&primary.1, primary.0.len(), &in_scope)
        .into_iter()
        .enumerate()
        .filter(|(_, spans)| !spans.is_empty())
        .map(|(g, spans)| {
            let subgroups = secondary.as_ref().map_or_else(Vec::new, |(labels, of)| {
                let sub_of: Vec<u32> = spans.iter().map(|s| of[position(&in_scope, *s)]).collect();
                buckets(&sub_of, labels.len(), &spans)
                    .into_iter()
                    .enumerate()
                    .filter(|(_, sub)| !sub.is_empty())
                    .map(|(k, sub)| summarize(trace, labels[k].clone(), sub, &facts, Vec::new()))
                    .collect()
            });
            summarize(trace, primary.0[g].clone(), spans, &facts, subgroups)
        })
        .collect();
    sort_rows(&mut rows, Column::Total, true);
    let total = summarize(trace, None, in_scope, &facts, Vec::new());
    Statistics { rows, total }
}

/// Index of `s` in the ascending list `in_scope` (it is in it).
fn position(in_scope: &[SpanIdx], s: SpanIdx) -> usize {
    in_scope.binary_search(&s).unwrap_or(0)
}

/// Spans split by group id (`of[k]` is the group of `spans[k]`), each list by ascending index.
fn buckets(of: &[u32], groups: usize, spans: &[SpanIdx]) -> Vec<Vec<SpanIdx>> {
    let mut out: Vec<Vec<SpanIdx>> = vec![Vec::new(); groups];
    for (s, g) in spans.iter().zip(of) {
        if let Some(b) = out.get_mut(*g as usize) {
            b.push(*s);
        }
    }
    out
}

/// The numbers of one group.
fn summarize(
    trace: &Trace,
    group: Option<String>,
    spans: Vec<SpanIdx>,
    facts: &Facts,
    subgroups: Vec<StatsRow>,
) -> StatsRow {
    let mut durations: Vec<i64> = spans.iter().map(|s| trace.span(*s).duration().0).collect();
    let mut row = StatsRow {
        group,
        count: spans.len() as u64,
        total_ns: durations.iter().sum(),
        self_ns: spans.iter().map(|s| trace.self_time(*s).0).sum(),
        min_ns: 0,
        avg_ns: 0,
        p50_ns: 0,
        p95_ns: 0,
        max_ns: 0,
        errors: spans.iter().filter(|s| trace.span(**s).is_error()).count() as u64,
        critical_ns: 0,
        tokens_in: 0,
        tokens_out: 0,
        cost: 0.0,
        slowest: None,
        spans: Vec::new(),
        subgroups,
    };
    if !facts.critical_ns.is_empty() {
        row.critical_ns = spans.iter().map(|s| facts.critical_ns[s.ix()]).sum();
    }
    if !facts.usage.entries().is_empty() {
        for u in spans.iter().filter_map(|s| facts.usage.usage(*s)) {
            row.tokens_in += u.input;
            row.tokens_out += u.output;
            row.cost += u.cost;
        }
    }
    row.slowest = spans
        .iter()
        .copied()
        .zip(&durations)
        .fold(None, |best: Option<(SpanIdx, i64)>, (s, &d)| match best {
            Some((_, bd)) if bd >= d => best,
            _ => Some((s, d)),
        })
        .map(|b| b.0);
    durations.sort_unstable();
    let n = durations.len();
    if n > 0 {
        row.min_ns = durations[0];
        row.max_ns = durations[n - 1];
        row.p50_ns = durations[nearest_rank(n, 50.0) - 1];
        row.p95_ns = durations[nearest_rank(n, 95.0) - 1];
        let total = i128::from(row.total_ns);
        row.avg_ns = ((total + n as i128 / 2) / n as i128) as i64;
    }
    row.spans = spans;
    row
}
