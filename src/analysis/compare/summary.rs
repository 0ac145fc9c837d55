//! The comparison's summary, read first: wall clock A -> B, summed span duration, span count,
//! errors (new and resolved), the critical path (same or not, what entered and left), tokens,
//! cost, trust, and the services / span names / data ids that moved most. For a baseline set
//! every A figure is the median over its runs.

use super::baseline::{median_f64, median_i64};
use super::measures::SideMeasures;
use super::tolerance::Status;
use crate::model::DurationNs;
use std::collections::BTreeMap;

/// How many movers are listed per kind.
pub const MOVERS: usize = 10;

/// One side's totals.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SideSummary {
    /// Runs (1, or the baseline set's size).
    pub run_count: usize,
    /// Spans.
    pub span_count: u64,
    /// Spans with status ERROR.
    pub error_count: u64,
    /// Latest end minus earliest start.
    pub wall_clock: DurationNs,
    /// Sum of every span's duration.
    pub summed_duration: DurationNs,
    /// Time on the critical path (sum of its sections).
    pub critical_path: DurationNs,
    /// Total tokens.
    pub tokens: i64,
    /// Total cost.
    pub cost: f64,
}

impl SideSummary {
    /// The totals of one run.
    pub fn of(m: &SideMeasures) -> SideSummary {
        SideSummary {
            run_count: 1,
            span_count: m.total.count,
            error_count: m.total.errors,
            wall_clock: m.wall_clock,
            summed_duration: m.total.total,
            critical_path: m.total.critical,
            tokens: m.total.tokens,
            cost: m.total.cost,
        }
    }

    /// Each figure's median over `runs`, with `run_count` = the number of runs.
    pub fn median(runs: &[SideSummary]) -> SideSummary {
        let ints = |f: fn(&SideSummary) -> i64| median_i64(runs.iter().map(f).collect());
        SideSummary {
            run_count: runs.len(),
            span_count: ints(|s| s.span_count as i64).max(0) as u64,
            error_count: ints(|s| s.error_count as i64).max(0) as u64,
            wall_clock: DurationNs(ints(|s| s.wall_clock.0)),
            summed_duration: DurationNs(ints(|s| s.summed_duration.0)),
            critical_path: DurationNs(ints(|s| s.critical_path.0)),
            tokens: ints(|s| s.tokens),
            cost: median_f64(runs.iter().map(|s| s.cost).collect()),
        }
    }
}

/// How the critical path changed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CriticalPathChange {
    /// True when the paths are lists of data ids (both sides are FlowMesh workflows); else they
    /// are key texts of the spans on the span-tree critical path.
    pub is_of_data_ids: bool,
    /// A's path, in order.
    pub a: Vec<String>,
    /// B's path, in order.
    pub b: Vec<String>,
    /// On B's path, not on A's (in B's order).
    pub entered: Vec<String>,
    /// On A's path, not on B's (in A's order).
    pub left: Vec<String>,
}

impl CriticalPathChange {
    /// The change from path `a` to path `b`.
    pub fn between(is_of_data_ids: bool, a: Vec<String>, b: Vec<String>) -> CriticalPathChange {
        let entered = b.iter().filter(|x| !a.contains(x)).cloned().collect();
        let left = a.iter().filter(|x| !b.contains(x)).cloned().collect();
        CriticalPathChange {
            is_of_data_ids,
            a,
            b,
            entered,
            left,
        }
    }

    /// True when both paths have the same nodes (in any order).
    pub fn is_same(&self) -> bool {
        self.entered.is_empty() && self.left.is_empty()
    }
}

/// One service, span name or data id and its total on each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mover {
    /// Its name.
    pub name: String,
    /// Total in A (0 when absent).
    pub a: DurationNs,
    /// Total in B (0 when absent).
    pub b: DurationNs,
}

impl Mover {
    /// B - A.
    pub fn delta(&self) -> DurationNs {
        DurationNs(self.b.0 - self.a.0)
    }
}

/// The biggest movers by |Δ| (then by name), at most `MOVERS`, none with Δ = 0.
pub fn ranked(a: &BTreeMap<String, i64>, b: &BTreeMap<String, i64>) -> Vec<Mover> {
    let mut names: Vec<&String> = a.keys().chain(b.keys()).collect();
    names.sort();
    names.dedup();
    let mut out: Vec<Mover> = names
        .into_iter()
        .map(|n| Mover {
            name: n.clone(),
            a: DurationNs(a.get(n).copied().unwrap_or(0)),
            b: DurationNs(b.get(n).copied().unwrap_or(0)),
        })
        .filter(|m| m.delta().0 != 0)
        .collect();
    out.sort_by(|x, y| {
        y.delta()
            .0
            .unsigned_abs()
            .cmp(&x.delta().0.unsigned_abs())
            .then_with(|| x.name.cmp(&y.name))
    });
    out.truncate(MOVERS);
    out
}

/// What moved most.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Movers {
    /// Services by summed span duration.
    pub services: Vec<Mover>,
    /// Span names by summed span duration.
    pub span_names: Vec<Mover>,
    /// Data ids by duration.
    pub data_ids: Vec<Mover>,
}

/// The summary.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// A's totals (medians for a baseline set).
    pub a: SideSummary,
    /// B's totals.
    pub b: SideSummary,
    /// For a baseline set: the smallest and largest wall clock of its runs.
    pub a_wall_clock_range: Option<(DurationNs, DurationNs)>,
    /// Wall clock, by the tolerance.
    pub wall_clock_status: Status,
    /// Matched span pairs (against the reference run).
    pub matched: usize,
    /// Spans only in B.
    pub added: usize,
    /// Spans only in A.
    pub removed: usize,
    /// matched / max(spans A, spans B).
    pub trust: f64,
    /// Errors B has beyond A's, summed over keys.
    pub new_errors: u64,
    /// Errors A had beyond B's, summed over keys.
    pub resolved_errors: u64,
    /// Keys with new errors, sorted.
    pub new_error_keys: Vec<String>,
    /// Keys with resolved errors, sorted.
    pub resolved_error_keys: Vec<String>,
    /// How the critical path changed.
    pub critical_path: CriticalPathChange,
    /// What moved most.
    pub movers: Movers,
}
