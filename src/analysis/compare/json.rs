//! The comparison as JSON (what `skein diff --format json` prints): the fields issue 9 names
//! (`key`, `summary`, `per_data_id`, `critical_path`, `rows`) plus deltas, baseline ranges,
//! movers and warnings. Seconds are f64 from integer ns, exactly as `skein analyze` writes
//! them, so each side's per-data-id numbers compare equal.

use super::data_ids::DataIdSide;
use super::measures::Measures;
use super::summary::{Mover, SideSummary};
use super::{baseline::BaselineRange, Comparison};
use crate::model::DurationNs;
use serde_json::{json, Value};

fn secs(d: DurationNs) -> f64 {
    d.as_secs_f64()
}

fn side_summary(s: &SideSummary, range: Option<(DurationNs, DurationNs)>) -> Value {
    json!({
        "span_count": s.span_count,
        "error_count": s.error_count,
        "duration_seconds": secs(s.wall_clock),
        "run_count": s.run_count,
        "summed_span_seconds": secs(s.summed_duration),
        "critical_path_seconds": secs(s.critical_path),
        "tokens": s.tokens,
        "cost": s.cost,
        "duration_range_seconds": range.map(|(a, b)| [secs(a), secs(b)]),
    })
}

fn movers(list: &[Mover]) -> Value {
    list.iter()
        .map(|m| {
            json!({
                "name": m.name,
                "a_seconds": secs(m.a),
                "b_seconds": secs(m.b),
                "delta_seconds": secs(m.delta()),
            })
        })
        .collect()
}

fn baseline(r: &Option<BaselineRange>) -> Value {
    match r {
        None => Value::Null,
        Some(r) => json!({
            "runs": r.runs,
            "median_seconds": secs(r.median),
            "min_seconds": secs(r.min),
            "max_seconds": secs(r.max),
            "b_outside": r.is_b_outside,
        }),
    }
}

fn data_side(s: &Option<DataIdSide>) -> Value {
    match s {
        None => Value::Null,
        Some(s) => json!({
            "duration_seconds": secs(s.duration),
            "queuing_delay_seconds": secs(s.queuing_delay),
            "on_critical_path": s.is_on_critical_path,
            "blocking_parent_data_id": s.blocking_parent,
            "failed": s.is_error,
        }),
    }
}

fn measures(m: &Option<Measures>) -> Value {
    match m {
        None => Value::Null,
        Some(m) => json!({
            "count": m.count,
            "total_seconds": secs(m.total),
            "self_seconds": secs(m.self_time),
            "errors": m.errors,
            "critical_seconds": secs(m.critical),
            "tokens": m.tokens,
            "cost": m.cost,
        }),
    }
}

/// The comparison as a JSON value (field order kept).
pub fn comparison_value(c: &Comparison) -> Value {
    let s = &c.summary;
    let cp = &s.critical_path;
    json!({
        "key": c.key.to_string(),
        "tolerance": c.tolerance.to_string(),
        "summary": {
            "a": side_summary(&s.a, s.a_wall_clock_range),
            "b": side_summary(&s.b, None),
            "duration_status": s.wall_clock_status.label(),
            "matched": s.matched,
            "added": s.added,
            "removed": s.removed,
            "trust": s.trust,
            "new_errors": s.new_errors,
            "resolved_errors": s.resolved_errors,
            "new_error_keys": s.new_error_keys,
            "resolved_error_keys": s.resolved_error_keys,
            "critical_path_same": cp.is_same(),
            "movers": {
                "services": movers(&s.movers.services),
                "span_names": movers(&s.movers.span_names),
                "data_ids": movers(&s.movers.data_ids),
            },
        },
        "per_data_id": c.data_ids.iter().map(|d| json!({
            "data_id": d.data_id,
            "status": d.status.label(),
            "queuing_status": d.queuing_status.label(),
            "a": data_side(&d.a),
            "b": data_side(&d.b),
            "delta_seconds": d.delta_duration().map(secs),
            "delta_queuing_seconds": d.delta_queuing().map(secs),
            "baseline": baseline(&d.baseline),
        })).collect::<Vec<_>>(),
        "critical_path": {
            "of": if cp.is_of_data_ids { "data-id" } else { "key" },
            "a": cp.a,
            "b": cp.b,
            "same": cp.is_same(),
            "entered": cp.entered,
            "left": cp.left,
        },
        "rows": c.rows.iter().map(|r| json!({
            "key": r.text,
            "status": r.status.label(),
            "a": measures(&r.a),
            "b": measures(&r.b),
            "delta_seconds": secs(r.delta()),
            "delta_percent": r.delta_ratio().map(|x| x * 100.0),
            "baseline": baseline(&r.baseline),
        })).collect::<Vec<_>>(),
        "warnings": c.warnings,
    })
}

/// The comparison JSON text (pretty, 2-space indent).
pub fn comparison_json(c: &Comparison) -> String {
    serde_json::to_string_pretty(&comparison_value(c)).unwrap_or_default()
}
