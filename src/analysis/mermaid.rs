//! The lineage DAG as Mermaid flowchart text, critical nodes and edges styled.

use super::flowmesh::FlowMeshAnalysis;
use std::fmt::Write;

fn label(text: &str) -> String {
    text.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

/// `flowchart LR` text: one node per data id (id, duration, wait), one arrow per edge.
pub fn mermaid(a: &FlowMeshAnalysis) -> String {
    let mut out = String::from("flowchart LR\n");
    for (i, n) in a.nodes.iter().enumerate() {
        let _ = writeln!(
            out,
            "  n{i}[\"{}<br/>{} · wait {}\"]",
            label(&n.data_id),
            n.duration(),
            n.queuing_delay
        );
    }
    let mut critical_links = Vec::new();
    for (k, &(p, c)) in a.edges.iter().enumerate() {
        let _ = writeln!(out, "  n{} --> n{}", p.0, c.0);
        if a.is_critical_edge(p, c) {
            critical_links.push(k.to_string());
        }
    }
    out.push_str("  classDef critical stroke:#d62728,stroke-width:3px\n");
    out.push_str("  classDef failed fill:#fde2e2\n");
    if !a.critical_path.is_empty() {
        let ids: Vec<String> = a
            .critical_path
            .iter()
            .map(|i| format!("n{}", i.0))
            .collect();
        let _ = writeln!(out, "  class {} critical", ids.join(","));
    }
    let failed: Vec<String> = a
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.is_error)
        .map(|(i, _)| format!("n{i}"))
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "  class {} failed", failed.join(","));
    }
    if !critical_links.is_empty() {
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:#d62728,stroke-width:3px",
            critical_links.join(",")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::flowmesh::{DataNode, FlowMeshAnalysis};
    use crate::model::{DagNodeIdx, DurationNs, TimestampNs};

    fn node(id: &str) -> DataNode {
        DataNode {
            data_id: id.into(),
            task_span: None,
            spans: vec![],
            start: TimestampNs(0),
            end: TimestampNs(1_000_000),
            ready: None,
            parents: vec![],
            queuing_delay: DurationNs(0),
            blocking_parent: None,
            is_error: false,
        }
    }

    #[test]
    fn critical_nodes_and_links_are_styled_and_labels_escaped() {
        let a = FlowMeshAnalysis {
            nodes: vec![node("a\"<b>"), node("b"), node("c")],
            edges: vec![
                (DagNodeIdx(0), DagNodeIdx(1)),
                (DagNodeIdx(0), DagNodeIdx(2)),
            ],
            critical_path: vec![DagNodeIdx(0), DagNodeIdx(2)],
            ..FlowMeshAnalysis::default()
        };
        let m = mermaid(&a);
        assert!(m.starts_with("flowchart LR\n"));
        assert!(
            m.contains("n0[\"a#quot;#lt;b#gt;<br/>1.00ms · wait 0ns\"]"),
            "{m}"
        );
        assert!(m.contains("class n0,n2 critical"));
        assert!(m.contains("linkStyle 1 stroke"));
        assert!(!m.contains("linkStyle 0"));
    }
}
