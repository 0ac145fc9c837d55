//! The comparison as a readable report (`skein diff --format text`): the summary first, then
//! warnings, the critical path, the biggest movers, changed data ids and rows by status (at
//! most `LIMIT` lines per list, with the count of the rest).

use super::summary::{Mover, SideSummary};
use super::tolerance::Status;
use super::Comparison;
use crate::analysis::llm::format_cost;
use crate::model::DurationNs;
use std::fmt::Write;

/// Lines shown per list.
pub const LIMIT: usize = 20;

fn signed(d: DurationNs) -> String {
    if d.0 >= 0 {
        format!("+{d}")
    } else {
        format!("{d}")
    }
}

fn side_line(label: &str, s: &SideSummary) -> String {
    format!(
        "  {label}: {} wall clock, {} summed, {} spans, {} errors, {} tokens, cost {}{}",
        s.wall_clock,
        s.summed_duration,
        s.span_count,
        s.error_count,
        s.tokens,
        format_cost(s.cost),
        if s.run_count > 1 {
            format!(" (median of {} runs)", s.run_count)
        } else {
            String::new()
        }
    )
}

fn mover_lines(out: &mut String, title: &str, list: &[Mover]) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "  {title}:");
    for m in list {
        let _ = writeln!(
            out,
            "    {:>10}  {}  ({} -> {})",
            signed(m.delta()),
            m.name,
            m.a,
            m.b
        );
    }
}

/// The report text.
pub fn comparison_report(c: &Comparison) -> String {
    let s = &c.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Comparison by {} (tolerance {}): wall clock {} -> {} ({}, {})",
        c.key,
        c.tolerance,
        s.a.wall_clock,
        s.b.wall_clock,
        signed(DurationNs(s.b.wall_clock.0 - s.a.wall_clock.0)),
        s.wall_clock_status.label()
    );
    let _ = writeln!(out, "{}", side_line("A", &s.a));
    if let Some((lo, hi)) = s.a_wall_clock_range {
        let _ = writeln!(out, "     runs' wall clock {lo} .. {hi}");
    }
    let _ = writeln!(out, "{}", side_line("B", &s.b));
    let _ = writeln!(
        out,
        "  matched {}, added {}, removed {}, trust {:.0}%; errors: {} new, {} resolved",
        s.matched,
        s.added,
        s.removed,
        s.trust * 100.0,
        s.new_errors,
        s.resolved_errors
    );
    for w in &c.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    let cp = &s.critical_path;
    let _ = writeln!(
        out,
        "\nCritical path ({}): {}",
        if cp.is_of_data_ids {
            "data ids"
        } else {
            "keys"
        },
        if cp.is_same() {
            "same nodes"
        } else {
            "changed"
        }
    );
    let _ = writeln!(out, "  A: {}", cp.a.join(" -> "));
    let _ = writeln!(out, "  B: {}", cp.b.join(" -> "));
    for (label, list) in [("entered", &cp.entered), ("left", &cp.left)] {
        if !list.is_empty() {
            let _ = writeln!(out, "  {label}: {}", list.join(", "));
        }
    }
    let _ = writeln!(out, "\nMoved most:");
    mover_lines(&mut out, "services", &s.movers.services);
    mover_lines(&mut out, "span names", &s.movers.span_names);
    mover_lines(&mut out, "data ids", &s.movers.data_ids);
    let changed: Vec<_> = c
        .data_ids
        .iter()
        .filter(|d| d.status != Status::Unchanged || d.queuing_status != Status::Unchanged)
        .collect();
    if !changed.is_empty() {
        let _ = writeln!(out, "\nData ids changed ({}):", changed.len());
        for d in changed.iter().take(LIMIT) {
            let dur = |s: &Option<super::data_ids::DataIdSide>| {
                s.as_ref().map_or("-".to_string(), |s| {
                    format!("{} (queued {})", s.duration, s.queuing_delay)
                })
            };
            let _ = writeln!(
                out,
                "  {:<9} queuing {:<9} {}  {} -> {}",
                d.status.label(),
                d.queuing_status.label(),
                d.data_id,
                dur(&d.a),
                dur(&d.b)
            );
        }
    }
    for status in [
        Status::Slower,
        Status::Faster,
        Status::Added,
        Status::Removed,
        Status::Unchanged,
    ] {
        let rows: Vec<_> = c.rows.iter().filter(|r| r.status == status).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{} ({}):", status.label(), rows.len());
        for r in rows.iter().take(LIMIT) {
            let total = |m: &Option<super::measures::Measures>| {
                m.map_or("-".to_string(), |m| format!("{}×{}", m.count, m.total))
            };
            let flag = if r.baseline.is_some_and(|b| b.is_b_outside) {
                "  (outside the baseline's range)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {:>10}  {}  {} -> {}{flag}",
                signed(r.delta()),
                r.text,
                total(&r.a),
                total(&r.b)
            );
        }
        if rows.len() > LIMIT {
            let _ = writeln!(out, "  ... and {} more", rows.len() - LIMIT);
        }
    }
    out
}
