//! Per data id, A against B: duration, queuing delay, blocking parent and whether it is on the
//! critical path, each exactly as `flowmesh::analyze` defines it on that side alone (so each
//! side's numbers equal `skein analyze` on it). The Δ of duration colours the lineage DAG.

use super::baseline::{median_i64, BaselineRange};
use super::tolerance::{Status, Tolerance};
use crate::analysis::flowmesh::FlowMeshAnalysis;
use crate::model::{DagNodeIdx, DurationNs, SpanIdx};
use std::collections::BTreeSet;

/// One data id on one side.
#[derive(Debug, Clone, PartialEq)]
pub struct DataIdSide {
    /// The baseline run it was read from (0 on B and for a single run).
    pub run: usize,
    /// Index into that side's `FlowMeshAnalysis::nodes` (its DAG node).
    pub node: DagNodeIdx,
    /// Its root `task` span, if any (to select it).
    pub task_span: Option<SpanIdx>,
    /// Task end - start.
    pub duration: DurationNs,
    /// Wait for its latest-ready parent.
    pub queuing_delay: DurationNs,
    /// The parent it waited for.
    pub blocking_parent: Option<String>,
    /// True when it is on that side's lineage critical path.
    pub is_on_critical_path: bool,
    /// True when it failed.
    pub is_error: bool,
}

/// One data id compared.
#[derive(Debug, Clone, PartialEq)]
pub struct DataIdRow {
    /// The data id.
    pub data_id: String,
    /// By duration, within the tolerance or not; added / removed when one side lacks it.
    pub status: Status,
    /// By queuing delay, the same way (added / removed as `status`).
    pub queuing_status: Status,
    /// In A. For a baseline set: the reference run's node (or, when it lacks the data id, the
    /// first run's that has it; see `DataIdSide::run`), with duration and queuing delay
    /// replaced by the medians of the runs that have it.
    pub a: Option<DataIdSide>,
    /// In B.
    pub b: Option<DataIdSide>,
    /// For a baseline set: the spread of its duration over the runs.
    pub baseline: Option<BaselineRange>,
}

impl DataIdRow {
    /// B's duration minus A's, when both have it.
    pub fn delta_duration(&self) -> Option<DurationNs> {
        Some(DurationNs(
            self.b.as_ref()?.duration.0 - self.a.as_ref()?.duration.0,
        ))
    }

    /// B's queuing delay minus A's, when both have it.
    pub fn delta_queuing(&self) -> Option<DurationNs> {
        Some(DurationNs(
            self.b.as_ref()?.queuing_delay.0 - self.a.as_ref()?.queuing_delay.0,
        ))
    }
}

fn side_of(a: &FlowMeshAnalysis, run: usize, data_id: &str) -> Option<DataIdSide> {
    let i = a.node(data_id)?;
    let n = &a.nodes[i];
    Some(DataIdSide {
        run,
        node: i,
        task_span: n.task_span,
        duration: n.duration(),
        queuing_delay: n.queuing_delay,
        blocking_parent: n.blocking_parent.map(|p| a.nodes[p].data_id.clone()),
        is_on_critical_path: a.is_critical(i),
        is_error: n.is_error,
    })
}

/// Every data id of the baseline runs and B, sorted by id. `reference` is the index of the run
/// the span-level facts come from.
pub fn compare_data_ids(
    runs: &[&FlowMeshAnalysis],
    reference: usize,
    b: &FlowMeshAnalysis,
    tolerance: &Tolerance,
) -> Vec<DataIdRow> {
    let mut ids: BTreeSet<&str> = b.nodes.iter().map(|n| n.data_id.as_str()).collect();
    for r in runs {
        ids.extend(r.nodes.iter().map(|n| n.data_id.as_str()));
    }
    let is_set = runs.len() > 1;
    ids.into_iter()
        .map(|id| {
            let bs = side_of(b, 0, id);
            let per_run: Vec<DataIdSide> = (runs.iter().enumerate())
                .filter_map(|(run, r)| side_of(r, run, id))
                .collect();
            let mut a = runs.get(reference).and_then(|r| side_of(r, reference, id));
            let mut baseline = None;
            if is_set && !per_run.is_empty() {
                let durations: Vec<DurationNs> = per_run.iter().map(|s| s.duration).collect();
                let range = BaselineRange::of(&durations, bs.as_ref().map(|s| s.duration));
                let median_queuing =
                    median_i64(per_run.iter().map(|s| s.queuing_delay.0).collect());
                let reference_side = a.take().unwrap_or_else(|| per_run[0].clone());
                a = range.map(|r| DataIdSide {
                    duration: r.median,
                    queuing_delay: DurationNs(median_queuing),
                    ..reference_side
                });
                baseline = range;
            }
            let status = Status::of(
                a.as_ref().map(|s| s.duration),
                bs.as_ref().map(|s| s.duration),
                tolerance,
            );
            let queuing_status = Status::of(
                a.as_ref().map(|s| s.queuing_delay),
                bs.as_ref().map(|s| s.queuing_delay),
                tolerance,
            );
            DataIdRow {
                data_id: id.to_string(),
                status,
                queuing_status,
                a,
                b: bs,
                baseline,
            }
        })
        .collect()
}
