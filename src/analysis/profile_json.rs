//! The analysis as JSON with exactly FlowMesh's `ProfileSummary` field names and nesting, so
//! FlowMesh tooling can read ours. Seconds are f64 from integer ns; times are FlowMesh's
//! `%Y-%m-%dT%H:%M:%S.%fZ` (microseconds).

use super::flowmesh::{Breakdown, FlowMeshAnalysis};
use crate::model::{time::format_iso8601_micros, DagNodeIdx, Trace};
use serde::Serialize;

#[derive(Serialize)]
struct Summary {
    event_type: Vec<String>,
    count: Vec<u64>,
    total_seconds: Vec<f64>,
    avg_seconds: Vec<f64>,
    min_seconds: Vec<f64>,
    max_seconds: Vec<f64>,
}

#[derive(Serialize)]
struct Asset {
    asset_guid: String,
    latest_data_id: String,
    latest_version: i64,
    user_id: String,
    versions: u64,
    created_at: String,
}

#[derive(Serialize)]
struct Lineage {
    data_id: String,
    source_data_id: String,
    created_at: String,
}

#[derive(Serialize)]
struct E2e {
    hardware_summary: Summary,
    network_summary: Summary,
    workflow_duration_seconds: f64,
    total_network_seconds: f64,
}

#[derive(Serialize)]
struct PerDataId {
    data_id: String,
    start_time: String,
    end_time: String,
    duration_seconds: f64,
    queuing_delay_seconds: f64,
    parent_data_ids: Vec<String>,
    blocking_parent_data_id: Option<String>,
}

#[derive(Serialize)]
struct ActiveWait {
    data_id: Vec<String>,
    active_seconds: Vec<f64>,
    wait_seconds: Vec<f64>,
}

#[derive(Serialize)]
struct CriticalPath {
    path: Vec<String>,
    critical_path_seconds: f64,
    active_wait_breakdown: ActiveWait,
    hardware_summary: Summary,
    network_summary: Summary,
    total_network_seconds: f64,
}

#[derive(Serialize)]
struct ProfileSummary {
    workflow_id: String,
    event_count: usize,
    data_ids: Vec<String>,
    assets: Vec<Asset>,
    lineage: Vec<Lineage>,
    e2e_breakdown: E2e,
    per_data_id: Vec<PerDataId>,
    critical_path: CriticalPath,
}

fn summary(list: &[super::flowmesh::NameStats]) -> Summary {
    Summary {
        event_type: list.iter().map(|n| n.name.clone()).collect(),
        count: list.iter().map(|n| n.count).collect(),
        total_seconds: list.iter().map(|n| n.total.as_secs_f64()).collect(),
        avg_seconds: list.iter().map(|n| n.avg_seconds()).collect(),
        min_seconds: list.iter().map(|n| n.min.as_secs_f64()).collect(),
        max_seconds: list.iter().map(|n| n.max.as_secs_f64()).collect(),
    }
}

fn split(b: &Breakdown) -> (Summary, Summary, f64) {
    (
        summary(&b.compute),
        summary(&b.network),
        b.total_network.as_secs_f64(),
    )
}

/// Assets grouped by `asset_guid` (first-occurrence order); the latest is the highest version,
/// a later row winning a tie.
fn assets(trace: &Trace) -> Vec<Asset> {
    let mut out: Vec<Asset> = Vec::new();
    for row in trace.assets() {
        match out.iter_mut().find(|a| a.asset_guid == row.asset_guid) {
            Some(a) => {
                a.versions += 1;
                if row.version >= a.latest_version {
                    a.latest_version = row.version;
                    a.latest_data_id = row.data_id.clone();
                    a.user_id = row.user_id.clone();
                    a.created_at = row.created_at.clone();
                }
            }
            None => out.push(Asset {
                asset_guid: row.asset_guid.clone(),
                latest_data_id: row.data_id.clone(),
                latest_version: row.version,
                user_id: row.user_id.clone(),
                versions: 1,
                created_at: row.created_at.clone(),
            }),
        }
    }
    out
}

/// The analysis as a `serde_json::Value` in `ProfileSummary` shape (field order kept).
pub fn profile_value(trace: &Trace, a: &FlowMeshAnalysis) -> serde_json::Value {
    let (hw, net, total_net) = split(&a.e2e);
    let (cp_hw, cp_net, cp_total_net) = split(&a.critical_breakdown);
    let name = |i: DagNodeIdx| a.nodes[i].data_id.clone();
    let summary = ProfileSummary {
        workflow_id: a.workflow_id.clone(),
        event_count: a.event_count,
        data_ids: a.nodes.iter().map(|n| n.data_id.clone()).collect(),
        assets: assets(trace),
        lineage: trace
            .lineage()
            .iter()
            .map(|e| Lineage {
                data_id: e.data_id.clone(),
                source_data_id: e.source_data_id.clone(),
                created_at: e.created_at.clone(),
            })
            .collect(),
        e2e_breakdown: E2e {
            hardware_summary: hw,
            network_summary: net,
            workflow_duration_seconds: a.workflow_duration.as_secs_f64(),
            total_network_seconds: total_net,
        },
        per_data_id: a
            .nodes
            .iter()
            .map(|n| PerDataId {
                data_id: n.data_id.clone(),
                start_time: format_iso8601_micros(n.start),
                end_time: format_iso8601_micros(n.end),
                duration_seconds: n.duration().as_secs_f64(),
                queuing_delay_seconds: n.queuing_delay.as_secs_f64(),
                parent_data_ids: n.parents.iter().map(|&p| name(p)).collect(),
                blocking_parent_data_id: n.blocking_parent.map(name),
            })
            .collect(),
        critical_path: CriticalPath {
            path: a.critical_path.iter().map(|&i| name(i)).collect(),
            critical_path_seconds: a.critical_path_duration().as_secs_f64(),
            active_wait_breakdown: ActiveWait {
                data_id: a.critical_path.iter().map(|&i| name(i)).collect(),
                active_seconds: a
                    .critical_path
                    .iter()
                    .map(|&i| a.nodes[i].duration().as_secs_f64())
                    .collect(),
                wait_seconds: a
                    .critical_path
                    .iter()
                    .map(|&i| a.nodes[i].queuing_delay.as_secs_f64())
                    .collect(),
            },
            hardware_summary: cp_hw,
            network_summary: cp_net,
            total_network_seconds: cp_total_net,
        },
    };
    serde_json::to_value(summary).unwrap_or(serde_json::Value::Null)
}

/// The analysis JSON text (pretty, 2-space indent), as the download and the CLI write it.
pub fn profile_json(trace: &Trace, a: &FlowMeshAnalysis) -> String {
    serde_json::to_string_pretty(&profile_value(trace, a)).unwrap_or_default()
}
