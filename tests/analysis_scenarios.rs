//! FlowMesh analysis scenarios of our own (tests/fixtures/analysis/README.md). Expected values
//! are worked out by hand from the diagrams, not taken from our output.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use skein::analysis::flowmesh::{analyze, FlowMeshAnalysis};
use skein::model::{DiagnosticKind, DurationNs};
use support::*;

const MS: i64 = 1_000_000;

fn run(name: &str) -> (skein::model::Trace, FlowMeshAnalysis) {
    let t = ingest_paths(&[ours(&format!("analysis/{name}"))]);
    assert!(t.diagnostics().is_empty(), "{:#?}", t.diagnostics());
    let a = analyze(&t);
    (t, a)
}

fn path(a: &FlowMeshAnalysis) -> Vec<&str> {
    a.critical_path
        .iter()
        .map(|&i| a.nodes[i].data_id.as_str())
        .collect()
}

fn node<'a>(a: &'a FlowMeshAnalysis, id: &str) -> &'a skein::analysis::flowmesh::DataNode {
    &a.nodes[a.node(id).unwrap()]
}

/// ```text
///        a  ready 10
///       / \
///  11  b   c  12        b ready 30, c ready 40
///       \ /
///        d  starts 42   -> waits 2 ms for c
/// ```
#[test]
fn diamond() {
    let (_, a) = run("diamond.jsonl");
    assert_eq!(path(&a), ["a", "c", "d"]);
    let d = node(&a, "d");
    assert_eq!(d.queuing_delay, DurationNs(2 * MS));
    assert_eq!(a.nodes[d.blocking_parent.unwrap()].data_id, "c");
    assert_eq!(node(&a, "b").queuing_delay, DurationNs(MS));
    assert_eq!(node(&a, "c").queuing_delay, DurationNs(2 * MS));
    // active: a 10 + c 28 + d 8; wait: 0 + 2 + 2
    assert_eq!(a.critical_path_duration(), DurationNs(50 * MS));
    assert_eq!(a.edges.len(), 4);
    assert!(a.edges_from_lineage);
}

/// ```text
///   a ready 10 ─┐
///   b ready 10 ─┴─> c   (lineage rows list b first)
/// ```
#[test]
fn fan_in_with_parents_ready_at_the_same_instant() {
    let (_, a) = run("fan_in_same_instant.jsonl");
    let c = node(&a, "c");
    assert_eq!(a.nodes[c.blocking_parent.unwrap()].data_id, "b");
    assert_eq!(path(&a), ["b", "c"]);
    assert_eq!(c.queuing_delay, DurationNs(2 * MS));
}

/// ```text
///   a (ready 10) -> b (ERROR, never dumps, task ends at 20)
/// ```
#[test]
fn failed_task_without_dump() {
    let (_, a) = run("failed_task.jsonl");
    let b = node(&a, "b");
    assert!(b.is_error && b.ready.is_none());
    assert_eq!(path(&a), ["a", "b"]);
    assert_eq!(b.queuing_delay, DurationNs(MS));
}

/// ```text
///        s
///       / \
///      x   y      x's and y's generation spans carry batch_id = m
///   (m: the merge parent, a data id with its own task, no lineage)
/// ```
#[test]
fn merged_batch_counts_the_merge_parent_on_the_path() {
    let (_, a) = run("merged_batch.jsonl");
    assert_eq!(path(&a), ["s", "x"]);
    let gen = |b: &skein::analysis::flowmesh::Breakdown| {
        b.compute
            .iter()
            .find(|n| n.name == "generation")
            .unwrap()
            .count
    };
    // s, x on the path, plus m because x's spans name it as batch_id: 3 generation spans
    assert_eq!(gen(&a.critical_breakdown), 3);
    assert_eq!(gen(&a.e2e), 4);
}

/// ```text
///   a <-> b   (a -> b and b -> a)
/// ```
#[test]
fn lineage_cycle_is_reported_and_does_not_hang() {
    let (_, a) = run("lineage_cycle.jsonl");
    assert_eq!(path(&a), ["a", "b"]);
    assert_eq!(a.diagnostics.len(), 1);
    assert_eq!(a.diagnostics[0].kind, DiagnosticKind::LineageCycle);
}

#[test]
fn spans_without_a_data_id_take_no_part() {
    let (t, a) = run("spans_without_data_id.jsonl");
    assert_eq!(t.span_count(), 5);
    assert_eq!(a.event_count, 3);
    assert!(a.e2e.network.iter().all(|n| n.name != "http GET"));
    assert!(a.e2e.compute.iter().all(|n| n.name != "orphan compute"));
}

/// ```text
///   a ──> b          task "" (data_id = "") ends last, at 90 ms
///   "" ──> b, b ──> ""   (lineage rows naming the empty id)
/// ```
/// FlowMesh's analyzer skips empty data ids: no node "", no edge to or from it, and the path
/// ends at b, not at the later empty task.
#[test]
fn an_empty_data_id_is_no_data_id() {
    let (t, a) = run("empty_data_id.jsonl");
    assert_eq!(t.spans().len(), 9);
    assert!(
        a.nodes.iter().all(|n| !n.data_id.is_empty()),
        "{:?}",
        a.nodes.iter().map(|n| &n.data_id).collect::<Vec<_>>()
    );
    assert_eq!(a.nodes.len(), 2);
    assert_eq!(path(&a), ["a", "b"]);
    assert_eq!(a.edges.len(), 1);
    // the empty task's three spans take no part
    assert_eq!(a.event_count, 6);
}

#[test]
fn older_flowmesh_kind_attribute_is_accepted() {
    let (_, a) = run("flowmesh_kind_alias.jsonl");
    assert_eq!(
        a.e2e
            .compute
            .iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>(),
        ["generation"]
    );
    assert_eq!(
        a.e2e
            .network
            .iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>(),
        ["dump to storage"]
    );
    assert_eq!(path(&a), ["a", "b"]);
}

#[test]
fn links_between_task_spans_give_derived_edges_without_lineage() {
    // the otel_sdk task spans link to their upstream tasks; without lineage.jsonl the DAG is
    // derived from them and says so
    let t = ingest_paths(&[shared("generated/otel_sdk/spans.jsonl")]);
    let a = analyze(&t);
    assert!(!a.edges_from_lineage);
    assert_eq!(a.edges.len(), 6);
    let with_rows = analyze(&ingest_paths(&[
        shared("generated/otel_sdk/spans.jsonl"),
        shared("generated/otel_sdk/lineage.jsonl"),
    ]));
    let names = |a: &FlowMeshAnalysis| {
        let mut e: Vec<(String, String)> = a
            .edges
            .iter()
            .map(|&(p, c)| (a.nodes[p].data_id.clone(), a.nodes[c].data_id.clone()))
            .collect();
        e.sort();
        e
    };
    assert_eq!(names(&a), names(&with_rows));
}
