//! The comparison's summary as the compare view shows it, read first: one figure per total
//! (wall clock, summed span time, critical-path time, spans, errors, tokens, cost), each A -> B
//! with its Δ and whether it is better or worse; matching (matched / added / removed, trust);
//! the critical path (same nodes, or what entered and left); the top movers; the baseline
//! set; warnings. Invariant: every number comes from `Comparison::summary`, so the page shows
//! what `skein diff` prints.

use super::table::signed;
use crate::analysis::compare::summary::Mover;
use crate::analysis::compare::tolerance::Status;
use crate::analysis::compare::Comparison;
use crate::analysis::llm::format_cost;
use crate::model::DurationNs;

/// Movers listed per kind in the summary.
pub const MOVERS_SHOWN: usize = 5;

/// Whether a change is good news.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Slower, more errors, more cost.
    Worse,
    /// Faster, fewer errors.
    Better,
    /// Within the tolerance, or equal.
    Same,
    /// Neither (span counts, tokens).
    Neutral,
}

impl Tone {
    /// Its CSS class suffix.
    pub fn class(self) -> &'static str {
        match self {
            Tone::Worse => "worse",
            Tone::Better => "better",
            Tone::Same => "same",
            Tone::Neutral => "neutral",
        }
    }
}

/// One summary figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// What it is (`wall clock`).
    pub label: &'static str,
    /// A's value (for a baseline set, the runs' median).
    pub a: String,
    /// B's value.
    pub b: String,
    /// The change (`+4.10ms, slower`).
    pub delta: String,
    /// Good news or not.
    pub tone: Tone,
}

/// The summary, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryView {
    /// The figures, wall clock first.
    pub figures: Vec<Figure>,
    /// `matched 120 · added 3 · removed 1 · trust 97%`.
    pub matching: String,
    /// The key and the tolerance used (`by data-id, tolerance 25%,1ms`).
    pub method: String,
    /// `same nodes (a → c → d)` or what entered and left.
    pub critical_path: Vec<String>,
    /// (kind, lines) of the biggest movers by |Δ|, kinds without movers left out.
    pub movers: Vec<(&'static str, Vec<String>)>,
    /// For a baseline set: its size, spread and how many keys B is outside of.
    pub baseline: Option<String>,
    /// What makes the comparison less trustworthy (names carrying ids, missing keys).
    pub warnings: Vec<String>,
}

fn duration_figure(label: &'static str, a: DurationNs, b: DurationNs, status: Status) -> Figure {
    let d = DurationNs(b.0 - a.0);
    let (word, tone) = match status {
        Status::Slower => ("slower", Tone::Worse),
        Status::Faster => ("faster", Tone::Better),
        _ => ("unchanged", Tone::Same),
    };
    Figure {
        label,
        a: a.to_string(),
        b: b.to_string(),
        delta: format!("{}, {word}", signed(d)),
        tone,
    }
}

fn count_figure(label: &'static str, a: i64, b: i64, more_is_worse: bool) -> Figure {
    let tone = match (b - a, more_is_worse) {
        (0, _) => Tone::Same,
        (_, false) => Tone::Neutral,
        (d, true) if d > 0 => Tone::Worse,
        _ => Tone::Better,
    };
    Figure {
        label,
        a: a.to_string(),
        b: b.to_string(),
        delta: format!("{:+}", b - a),
        tone,
    }
}

/// Summed queuing delay of the data ids each side has, and how many waited longer or shorter
/// beyond the tolerance (`None` without data ids).
fn queuing_figure(c: &Comparison) -> Option<Figure> {
    if c.data_ids.is_empty() {
        return None;
    }
    let sum = |f: fn(&crate::analysis::compare::data_ids::DataIdRow) -> Option<DurationNs>| {
        DurationNs(c.data_ids.iter().filter_map(f).map(|d| d.0).sum())
    };
    let a = sum(|d| d.a.as_ref().map(|s| s.queuing_delay));
    let b = sum(|d| d.b.as_ref().map(|s| s.queuing_delay));
    let count = |s: Status| c.data_ids.iter().filter(|d| d.queuing_status == s).count();
    let mut f = duration_figure("queuing (summed)", a, b, c.tolerance.classify(a, b));
    f.delta = format!(
        "{} · {} waited longer, {} shorter",
        signed(DurationNs(b.0 - a.0)),
        count(Status::Slower),
        count(Status::Faster)
    );
    Some(f)
}

fn mover_line(m: &Mover) -> String {
    format!("{}  {}  ({} → {})", signed(m.delta()), m.name, m.a, m.b)
}

fn critical_lines(c: &Comparison) -> Vec<String> {
    let cp = &c.summary.critical_path;
    let what = if cp.is_of_data_ids {
        "data ids"
    } else {
        "span keys"
    };
    if cp.is_same() {
        return vec![format!("same nodes ({what}): {}", cp.b.join(" → "))];
    }
    let mut out = vec![format!("changed ({what})")];
    for (label, list) in [("entered", &cp.entered), ("left", &cp.left)] {
        if !list.is_empty() {
            out.push(format!("{label}: {}", list.join(", ")));
        }
    }
    out
}

/// The summary of `c`.
pub fn summary_view(c: &Comparison) -> SummaryView {
    let s = &c.summary;
    let tol = &c.tolerance;
    let mut figures = vec![
        duration_figure(
            "wall clock",
            s.a.wall_clock,
            s.b.wall_clock,
            s.wall_clock_status,
        ),
        duration_figure(
            "summed span time",
            s.a.summed_duration,
            s.b.summed_duration,
            tol.classify(s.a.summed_duration, s.b.summed_duration),
        ),
        duration_figure(
            "critical path",
            s.a.critical_path,
            s.b.critical_path,
            tol.classify(s.a.critical_path, s.b.critical_path),
        ),
        count_figure("spans", s.a.span_count as i64, s.b.span_count as i64, false),
    ];
    let mut errors = count_figure(
        "errors",
        s.a.error_count as i64,
        s.b.error_count as i64,
        true,
    );
    errors.delta = format!("{} new, {} resolved", s.new_errors, s.resolved_errors);
    if s.new_errors > 0 {
        errors.tone = Tone::Worse;
    }
    figures.push(errors);
    if let Some(q) = queuing_figure(c) {
        figures.push(q);
    }
    if s.a.tokens != 0 || s.b.tokens != 0 {
        figures.push(count_figure("tokens", s.a.tokens, s.b.tokens, false));
    }
    if s.a.cost != 0.0 || s.b.cost != 0.0 {
        let tone = match s.b.cost.total_cmp(&s.a.cost) {
            std::cmp::Ordering::Greater => Tone::Worse,
            std::cmp::Ordering::Less => Tone::Better,
            std::cmp::Ordering::Equal => Tone::Same,
        };
        figures.push(Figure {
            label: "cost",
            a: format_cost(s.a.cost),
            b: format_cost(s.b.cost),
            delta: super::pair::cost_delta(s.a.cost, s.b.cost),
            tone,
        });
    }
    let outside = c
        .rows
        .iter()
        .filter(|r| r.baseline.is_some_and(|b| b.is_b_outside))
        .count();
    let baseline = (s.a.run_count > 1).then(|| {
        let spread = s
            .a_wall_clock_range
            .map_or(String::new(), |(lo, hi)| format!(", wall clock {lo} .. {hi}"));
        format!(
            "A is a baseline set of {} runs (A's figures are their medians{spread}); B is outside the runs' range on {outside} key(s)",
            s.a.run_count
        )
    });
    let movers = [
        ("services", &s.movers.services),
        ("span names", &s.movers.span_names),
        ("data ids", &s.movers.data_ids),
    ]
    .into_iter()
    .filter(|(_, list)| !list.is_empty())
    .map(|(kind, list)| {
        (
            kind,
            list.iter().take(MOVERS_SHOWN).map(mover_line).collect(),
        )
    })
    .collect();
    SummaryView {
        figures,
        matching: format!(
            "matched {} · added {} · removed {} · trust {:.0}%",
            s.matched,
            s.added,
            s.removed,
            s.trust * 100.0
        ),
        method: format!("by {}, tolerance {}", c.key, c.tolerance),
        critical_path: critical_lines(c),
        movers,
        baseline,
        warnings: c.warnings.clone(),
    }
}
