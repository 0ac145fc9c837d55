//! A matched pair of LLM or tool spans as the compare view shows it: which spans they are,
//! their tokens and cost A -> B with Δ, and each compared text field's line diff with `+` / `−`
//! / ` ` prefixes (rendered as text, never as markup).

use super::table::signed;
use crate::analysis::compare::text_diff::{LineChange, PairDetail};
use crate::analysis::llm::{format_cost, Usage};
use crate::model::DurationNs;

/// One usage line: what, A, B, Δ.
pub type UsageLine = (&'static str, String, String, String);

/// Tokens in / out / total and cost, A -> B, where either side reports them.
pub fn usage_lines(d: &PairDetail) -> Vec<UsageLine> {
    let (a, b) = (d.usage_a.unwrap_or_default(), d.usage_b.unwrap_or_default());
    if d.usage_a.is_none() && d.usage_b.is_none() {
        return Vec::new();
    }
    let tokens = |label, f: fn(&Usage) -> i64| {
        let (x, y) = (f(&a), f(&b));
        (label, x.to_string(), y.to_string(), format!("{:+}", y - x))
    };
    let mut out = vec![
        tokens("tokens in", |u| u.input),
        tokens("tokens out", |u| u.output),
        tokens("tokens total", |u| u.total),
    ];
    if a.cost != 0.0 || b.cost != 0.0 {
        out.push((
            "cost",
            format_cost(a.cost),
            format_cost(b.cost),
            cost_delta(a.cost, b.cost),
        ));
    }
    out
}

/// B's cost minus A's (`+0.000012`), or `unchanged`.
pub fn cost_delta(a: f64, b: f64) -> String {
    let d = b - a;
    if d.abs() < 5e-7 {
        "unchanged".into()
    } else {
        format!("{d:+.6}")
    }
}

/// The durations line: `A 40.7ms → B 52.1ms (+11.4ms)`.
pub fn duration_line(a: DurationNs, b: DurationNs) -> String {
    format!("duration {a} → {b} ({})", signed(DurationNs(b.0 - a.0)))
}

/// The prefix a diff line is shown with.
pub fn prefix(change: LineChange) -> &'static str {
    match change {
        LineChange::Same => "  ",
        LineChange::Removed => "− ",
        LineChange::Added => "+ ",
    }
}

/// A diff line's CSS class.
pub fn line_class(change: LineChange) -> &'static str {
    match change {
        LineChange::Same => "diff-line same",
        LineChange::Removed => "diff-line removed",
        LineChange::Added => "diff-line added",
    }
}
