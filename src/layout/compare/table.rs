//! The comparison table as text cells: the core's rows (already sorted by signed Δ within
//! slower / faster / added / removed / unchanged) split into one group per status, each row's
//! A, B, Δ and Δ % written out. Invariant: a group's rows are a contiguous range of
//! `Comparison::rows`, so the table never re-sorts.

use crate::analysis::compare::measures::Measures;
use crate::analysis::compare::tolerance::Status;
use crate::analysis::compare::{Comparison, Row};
use crate::analysis::llm::format_cost;
use crate::model::DurationNs;
use std::ops::Range;

/// Rows shown per group before "show all".
pub const SHOWN_PER_GROUP: usize = 100;

/// One status group of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Its status.
    pub status: Status,
    /// Its rows: a range of `Comparison::rows`.
    pub rows: Range<usize>,
}

/// The groups in table order (empty ones left out).
pub fn groups(c: &Comparison) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for (i, r) in c.rows.iter().enumerate() {
        match out.last_mut() {
            Some(g) if g.status == r.status => g.rows.end = i + 1,
            _ => out.push(Group {
                status: r.status,
                rows: i..i + 1,
            }),
        }
    }
    out
}

/// A group's heading: `slower (12)`.
pub fn heading(g: &Group) -> String {
    let what = match g.status {
        Status::Slower => "slower",
        Status::Faster => "faster",
        Status::Added => "added (only in B)",
        Status::Removed => "removed (only in A)",
        Status::Unchanged => "unchanged",
    };
    format!("{what} ({})", g.rows.len())
}

/// One row's cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cells {
    /// The key's text.
    pub key: String,
    /// `slower`, `faster`, `added`, `removed` or `unchanged`.
    pub status: &'static str,
    /// A: count and total (`3 × 12.3ms`), `—` when absent.
    pub a: String,
    /// B, the same way.
    pub b: String,
    /// B − A, signed (`+4.10ms`).
    pub delta: String,
    /// Δ as a percentage of A (`+33%`), `—` without A.
    pub percent: String,
    /// Errors, tokens and cost where either side has some (`errors 0 → 2 · tokens 470 → 520`).
    pub extras: String,
    /// A's total duration, ns (`None` when absent).
    pub a_ns: Option<i64>,
    /// B's total duration, ns.
    pub b_ns: Option<i64>,
    /// For a baseline set: the runs' median and range, and whether B is outside it.
    pub baseline: Option<(String, bool)>,
}

/// A signed duration: `+4.10ms`, `-1.20s`, `0ns`.
pub fn signed(d: DurationNs) -> String {
    if d.0 > 0 {
        format!("+{d}")
    } else {
        d.to_string()
    }
}

fn side_text(m: &Option<Measures>) -> String {
    match m {
        Some(m) if m.count == 1 => m.total.to_string(),
        Some(m) => format!("{} × {}", m.count, m.total),
        None => "—".into(),
    }
}

fn extras(r: &Row) -> String {
    let (a, b) = (r.a.unwrap_or_default(), r.b.unwrap_or_default());
    let mut parts = Vec::new();
    if a.errors > 0 || b.errors > 0 {
        parts.push(format!("errors {} → {}", a.errors, b.errors));
    }
    if a.tokens != 0 || b.tokens != 0 {
        parts.push(format!("tokens {} → {}", a.tokens, b.tokens));
    }
    if a.cost != 0.0 || b.cost != 0.0 {
        parts.push(format!(
            "cost {} → {}",
            format_cost(a.cost),
            format_cost(b.cost)
        ));
    }
    parts.join(" · ")
}

/// The cells of row `r`.
pub fn cells(r: &Row) -> Cells {
    let percent = match r.delta_ratio() {
        Some(x) => format!("{:+.0}%", x * 100.0),
        None => "—".into(),
    };
    Cells {
        key: r.text.clone(),
        status: r.status.label(),
        a: side_text(&r.a),
        b: side_text(&r.b),
        delta: signed(r.delta()),
        percent,
        extras: extras(r),
        a_ns: r.a.map(|m| m.total.0),
        b_ns: r.b.map(|m| m.total.0),
        baseline: r.baseline.map(|b| {
            (
                format!(
                    "runs {}: median {}, {} .. {}",
                    b.runs, b.median, b.min, b.max
                ),
                b.is_b_outside,
            )
        }),
    }
}
