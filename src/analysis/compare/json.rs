//! The comparison as JSON (what `skein diff --format json` prints): the fields issue 9 names
//! (`key`, `summary`, `per_data_id`, `critical_path`, `rows`) plus deltas, baseline ranges,
//! movers and warnings. Seconds are f64 from integer ns, exactly as `skein analyze` writes
//! them, so each side's per-data-id numbers compare equal. Typed structs, not `json!` values:
//! two 1M-span runs make 340k rows, and building a map per object took 8 s.

use super::data_ids::DataIdSide;
use super::measures::Measures;
use super::summary::{Mover, SideSummary};
use super::{baseline::BaselineRange, Comparison};
use crate::model::DurationNs;
use serde::Serialize;

fn secs(d: DurationNs) -> f64 {
    d.as_secs_f64()
}

#[derive(Serialize)]
struct SideJson {
    span_count: u64,
    error_count: u64,
    duration_seconds: f64,
    run_count: usize,
    summed_span_seconds: f64,
    critical_path_seconds: f64,
    tokens: i64,
    cost: f64,
    duration_range_seconds: Option<[f64; 2]>,
}

impl SideJson {
    fn of(s: &SideSummary, range: Option<(DurationNs, DurationNs)>) -> SideJson {
        SideJson {
            span_count: s.span_count,
            error_count: s.error_count,
            duration_seconds: secs(s.wall_clock),
            run_count: s.run_count,
            summed_span_seconds: secs(s.summed_duration),
            critical_path_seconds: secs(s.critical_path),
            tokens: s.tokens,
            cost: s.cost,
            duration_range_seconds: range.map(|(a, b)| [secs(a), secs(b)]),
        }
    }
}

#[derive(Serialize)]
struct MoverJson<'c> {
    name: &'c str,
    a_seconds: f64,
    b_seconds: f64,
    delta_seconds: f64,
}

fn movers(list: &[Mover]) -> Vec<MoverJson<'_>> {
    list.iter()
        .map(|m| MoverJson {
            name: &m.name,
            a_seconds: secs(m.a),
            b_seconds: secs(m.b),
            delta_seconds: secs(m.delta()),
        })
        .collect()
}

#[derive(Serialize)]
struct MoversJson<'c> {
    services: Vec<MoverJson<'c>>,
    span_names: Vec<MoverJson<'c>>,
    data_ids: Vec<MoverJson<'c>>,
}

#[derive(Serialize)]
struct SummaryJson<'c> {
    a: SideJson,
    b: SideJson,
    duration_status: &'static str,
    matched: usize,
    added: usize,
    removed: usize,
    trust: f64,
    new_errors: u64,
    resolved_errors: u64,
    new_error_keys: &'c [String],
    resolved_error_keys: &'c [String],
    critical_path_same: bool,
    movers: MoversJson<'c>,
}

#[derive(Serialize)]
struct BaselineJson {
    runs: u32,
    median_seconds: f64,
    min_seconds: f64,
    max_seconds: f64,
    b_outside: bool,
}

fn baseline(r: &Option<BaselineRange>) -> Option<BaselineJson> {
    r.map(|r| BaselineJson {
        runs: r.runs,
        median_seconds: secs(r.median),
        min_seconds: secs(r.min),
        max_seconds: secs(r.max),
        b_outside: r.is_b_outside,
    })
}

#[derive(Serialize)]
struct DataSideJson<'c> {
    duration_seconds: f64,
    queuing_delay_seconds: f64,
    on_critical_path: bool,
    blocking_parent_data_id: Option<&'c str>,
    failed: bool,
}

fn data_side(s: &Option<DataIdSide>) -> Option<DataSideJson<'_>> {
    s.as_ref().map(|s| DataSideJson {
        duration_seconds: secs(s.duration),
        queuing_delay_seconds: secs(s.queuing_delay),
        on_critical_path: s.is_on_critical_path,
        blocking_parent_data_id: s.blocking_parent.as_deref(),
        failed: s.is_error,
    })
}

#[derive(Serialize)]
struct DataIdJson<'c> {
    data_id: &'c str,
    status: &'static str,
    queuing_status: &'static str,
    a: Option<DataSideJson<'c>>,
    b: Option<DataSideJson<'c>>,
    delta_seconds: Option<f64>,
    delta_queuing_seconds: Option<f64>,
    baseline: Option<BaselineJson>,
}

#[derive(Serialize)]
struct CriticalPathJson<'c> {
    of: &'static str,
    a: &'c [String],
    b: &'c [String],
    same: bool,
    entered: &'c [String],
    left: &'c [String],
}

#[derive(Serialize)]
struct MeasuresJson {
    count: u64,
    total_seconds: f64,
    self_seconds: f64,
    errors: u64,
    critical_seconds: f64,
    tokens: i64,
    cost: f64,
}

fn measures(m: &Option<Measures>) -> Option<MeasuresJson> {
    m.map(|m| MeasuresJson {
        count: m.count,
        total_seconds: secs(m.total),
        self_seconds: secs(m.self_time),
        errors: m.errors,
        critical_seconds: secs(m.critical),
        tokens: m.tokens,
        cost: m.cost,
    })
}

#[derive(Serialize)]
struct RowJson<'c> {
    key: &'c str,
    status: &'static str,
    a: Option<MeasuresJson>,
    b: Option<MeasuresJson>,
    delta_seconds: f64,
    delta_percent: Option<f64>,
    baseline: Option<BaselineJson>,
}

#[derive(Serialize)]
struct ComparisonJson<'c> {
    key: String,
    tolerance: String,
    summary: SummaryJson<'c>,
    per_data_id: Vec<DataIdJson<'c>>,
    critical_path: CriticalPathJson<'c>,
    rows: Vec<RowJson<'c>>,
    warnings: &'c [String],
}

fn document(c: &Comparison) -> ComparisonJson<'_> {
    let s = &c.summary;
    let cp = &s.critical_path;
    ComparisonJson {
        key: c.key.to_string(),
        tolerance: c.tolerance.to_string(),
        summary: SummaryJson {
            a: SideJson::of(&s.a, s.a_wall_clock_range),
            b: SideJson::of(&s.b, None),
            duration_status: s.wall_clock_status.label(),
            matched: s.matched,
            added: s.added,
            removed: s.removed,
            trust: s.trust,
            new_errors: s.new_errors,
            resolved_errors: s.resolved_errors,
            new_error_keys: &s.new_error_keys,
            resolved_error_keys: &s.resolved_error_keys,
            critical_path_same: cp.is_same(),
            movers: MoversJson {
                services: movers(&s.movers.services),
                span_names: movers(&s.movers.span_names),
                data_ids: movers(&s.movers.data_ids),
            },
        },
        per_data_id: (c.data_ids.iter())
            .map(|d| DataIdJson {
                data_id: &d.data_id,
                status: d.status.label(),
                queuing_status: d.queuing_status.label(),
                a: data_side(&d.a),
                b: data_side(&d.b),
                delta_seconds: d.delta_duration().map(secs),
                delta_queuing_seconds: d.delta_queuing().map(secs),
                baseline: baseline(&d.baseline),
            })
            .collect(),
        critical_path: CriticalPathJson {
            of: if cp.is_of_data_ids { "data-id" } else { "key" },
            a: &cp.a,
            b: &cp.b,
            same: cp.is_same(),
            entered: &cp.entered,
            left: &cp.left,
        },
        rows: (c.rows.iter())
            .map(|r| RowJson {
                key: &r.text,
                status: r.status.label(),
                a: measures(&r.a),
                b: measures(&r.b),
                delta_seconds: secs(r.delta()),
                delta_percent: r.delta_ratio().map(|x| x * 100.0),
                baseline: baseline(&r.baseline),
            })
            .collect(),
        warnings: &c.warnings,
    }
}

/// The comparison as a JSON value (field order kept).
pub fn comparison_value(c: &Comparison) -> serde_json::Value {
    serde_json::to_value(document(c)).unwrap_or(serde_json::Value::Null)
}

/// The comparison JSON text (pretty, 2-space indent).
pub fn comparison_json(c: &Comparison) -> String {
    serde_json::to_string_pretty(&document(c)).unwrap_or_default()
}
