//! The analysis as a readable text report (the CLI's `--format text`): critical path with
//! active/wait, end-to-end breakdown, queuing delays, lineage, problems.

use super::flowmesh::{Breakdown, FlowMeshAnalysis};
use crate::model::{DurationNs, Trace};
use std::fmt::Write;

fn breakdown_table(out: &mut String, b: &Breakdown) {
    let _ = writeln!(
        out,
        "  {:<8} {:<28} {:>6} {:>11} {:>11} {:>11} {:>11}",
        "kind", "span name", "count", "total", "avg", "min", "max"
    );
    for (kind, list) in [("compute", &b.compute), ("network", &b.network)] {
        for n in list {
            let avg = DurationNs((n.avg_seconds() * 1e9).round() as i64);
            let _ = writeln!(
                out,
                "  {:<8} {:<28} {:>6} {:>11} {:>11} {:>11} {:>11}",
                kind,
                n.name,
                n.count,
                n.total.to_string(),
                avg.to_string(),
                n.min.to_string(),
                n.max.to_string()
            );
        }
    }
    let _ = writeln!(out, "  total network time (union): {}", b.total_network);
}

/// The report text.
pub fn text_report(trace: &Trace, a: &FlowMeshAnalysis) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Workflow {}: {} data ids, {} lineage edges{}, {} spans with a data id, duration {}",
        a.workflow_id,
        a.nodes.len(),
        a.edges.len(),
        if a.edges_from_lineage || a.edges.is_empty() {
            ""
        } else {
            " (derived from span links)"
        },
        a.event_count,
        a.workflow_duration
    );
    let active: i64 = a
        .critical_path
        .iter()
        .map(|&i| a.nodes[i].duration().0)
        .sum();
    let wait: i64 = a
        .critical_path
        .iter()
        .map(|&i| a.nodes[i].queuing_delay.0)
        .sum();
    let _ = writeln!(
        out,
        "\nCritical path: {} = active {} + wait {}",
        a.critical_path_duration(),
        DurationNs(active),
        DurationNs(wait)
    );
    for &i in &a.critical_path {
        let n = &a.nodes[i];
        let _ = writeln!(
            out,
            "  {:<32} active {:>11}  wait {:>11}{}",
            n.data_id,
            n.duration().to_string(),
            n.queuing_delay.to_string(),
            if n.is_error { "  ERROR" } else { "" }
        );
    }
    let _ = writeln!(out, "\nEnd-to-end breakdown:");
    breakdown_table(&mut out, &a.e2e);
    let _ = writeln!(out, "\nOn the critical path:");
    breakdown_table(&mut out, &a.critical_breakdown);
    let _ = writeln!(out, "\nQueuing delays:");
    let _ = writeln!(
        out,
        "  {:<32} {:>11} {:>11} {:>11}  blocking parent",
        "data id", "start", "duration", "queuing"
    );
    for n in &a.nodes {
        let blocking = n
            .blocking_parent
            .map_or("-".to_string(), |p| a.nodes[p].data_id.clone());
        let _ = writeln!(
            out,
            "  {:<32} {:>11} {:>11} {:>11}  {}",
            n.data_id,
            format!("+{}", n.start.since(trace.start_time())),
            n.duration().to_string(),
            n.queuing_delay.to_string(),
            blocking
        );
    }
    let _ = writeln!(out, "\nLineage:");
    for &(p, c) in &a.edges {
        let _ = writeln!(out, "  {} -> {}", a.nodes[p].data_id, a.nodes[c].data_id);
    }
    let problems: Vec<String> = trace
        .diagnostics()
        .iter()
        .chain(&a.diagnostics)
        .map(|d| d.to_string())
        .collect();
    if !problems.is_empty() {
        let _ = writeln!(out, "\nProblems ({}):", problems.len());
        for p in problems {
            let _ = writeln!(out, "  {p}");
        }
    }
    out
}
