//! Every file under `../shared/fixtures/public/` and `generated/` in one pass: the format we
//! detect is the one the reference sniffer (`generators/detect_format.py`, run here) names; the
//! span counts are those `SOURCES.md` lists (public files) or that a plain serde_json count of
//! the file gives (generated files); the deliberately invalid files and the files that are no
//! trace at all give diagnostics, never a panic and never a silent empty view.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use serde_json::Value;
use skein::model::{DiagnosticKind, Severity, Trace};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use support::*;

/// Our format label for each reference format id.
fn our_label(reference: &str) -> &'static str {
    match reference {
        "otlp-json" => "OTLP/JSON",
        "chrome-trace" => "Chrome trace",
        "otel-sdk-span" => "OTel SDK spans",
        "mlflow-trace" => "MLflow trace",
        "langfuse-export" => "Langfuse export",
        "jaeger-api" | "jaeger-api-wrapped" | "jaeger-trace" | "jaeger-span" => "Jaeger JSON",
        "gcp-cloud-trace-v1" => "Google Cloud Trace",
        "zipkin-v2" => "Zipkin v2",
        "flowmesh-lineage" => "FlowMesh lineage",
        "flowmesh-asset" => "FlowMesh assets",
        "json-log" => "JSON log",
        "pflow-trace" | "pflow-trace-legacy" => "pflow trace",
        "empty" => "",
        other => panic!("reference format {other} has no label here"),
    }
}

/// `python3 detect_format.py --all`: relative path -> reference format id.
fn reference_formats() -> BTreeMap<String, String> {
    let out = std::process::Command::new("python3")
        .arg(shared("generators/detect_format.py"))
        .arg("--all")
        .output()
        .expect("python3 runs the reference sniffer (scripts/setup.sh installs it)");
    assert!(
        out.status.success(),
        "the sniffer knows every fixture: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols[2].to_string(), cols[0].to_string())
        })
        .collect()
}

/// SOURCES.md's table: public-relative path -> the "spans" column.
fn listed_counts() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(shared("SOURCES.md")).unwrap();
    text.lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cols: Vec<&str> = l.split('|').map(str::trim).collect();
            (
                format!("public/{}", cols[1].trim_matches('`')),
                cols[3].to_string(),
            )
        })
        .collect()
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The JSON values of a file: one document, JSON Lines, or concatenated documents.
fn values(bytes: &[u8]) -> Vec<Value> {
    serde_json::Deserializer::from_slice(bytes)
        .into_iter::<Value>()
        .map_while(Result::ok)
        .collect()
}

/// Spans (or observations, or log lines, or rows) in a generated file, counted with serde_json
/// by the shape FORMATS.md describes, independently of our readers.
fn plain_count(reference: &str, bytes: &[u8]) -> usize {
    let vals = values(bytes);
    let arr = |v: &Value, k: &str| v[k].as_array().map_or(0, Vec::len);
    match reference {
        "otlp-json" => vals
            .iter()
            .flat_map(|d| d["resourceSpans"].as_array().unwrap())
            .flat_map(|r| r["scopeSpans"].as_array().unwrap())
            .map(|s| arr(s, "spans"))
            .sum(),
        "mlflow-trace" => vals.iter().map(|d| arr(&d["data"], "spans")).sum(),
        "jaeger-api" => vals
            .iter()
            .flat_map(|d| d["data"].as_array().unwrap())
            .map(|t| arr(t, "spans"))
            .sum(),
        "chrome-trace" => vals
            .iter()
            .flat_map(|d| {
                d.as_array()
                    .or_else(|| d["traceEvents"].as_array())
                    .unwrap()
            })
            // slices, and instants that are spans of their own (they carry a span id: FlowMesh
            // markers in the generator's encoding, FORMATS.md §8)
            .filter(|e| {
                matches!(e["ph"].as_str(), Some("X" | "B"))
                    || (matches!(e["ph"].as_str(), Some("i" | "I"))
                        && e["args"]["span_id"].is_string())
            })
            .count(),
        // one record per span / log line / row
        "otel-sdk-span" | "json-log" | "flowmesh-lineage" | "flowmesh-asset" => vals.len(),
        // the run, one span per node id (finished or still running), and what nests in them
        "pflow-trace" => {
            let ids: std::collections::BTreeSet<i64> = vals
                .iter()
                .filter(|l| l["kind"] == "node.start" || l["kind"] == "event")
                .map(|l| l["id"].as_i64().unwrap())
                .collect();
            let nested: usize = vals
                .iter()
                .filter(|l| l["kind"] == "event")
                .map(|e| pflow_nested(e) - 1)
                .sum();
            1 + ids.len() + nested
        }
        "pflow-trace-legacy" => {
            let nodes = vals[0]["nodes"].as_array().unwrap();
            1 + nodes
                .iter()
                .filter(|n| n.get("node_type").is_some())
                .map(pflow_nested)
                .sum::<usize>()
        }
        "empty" => 0,
        other => panic!("no plain count for {other}"),
    }
}

/// A pflow node entry, its batch items, their embedded events and sub-workflow children.
fn pflow_nested(e: &Value) -> usize {
    let items = e["batch_items"].as_array().into_iter().flatten();
    let in_items: usize = items
        .map(|i| {
            1 + i["events"]
                .as_array()
                .into_iter()
                .flatten()
                .map(pflow_nested)
                .sum::<usize>()
        })
        .sum();
    let children = e["sub_workflow_events"].as_array().into_iter().flatten();
    1 + in_items + children.map(pflow_nested).sum::<usize>()
}

/// What we loaded of the kind the file holds.
fn our_count(reference: &str, t: &Trace) -> usize {
    // a repeated span id is kept once, a span without a start time is skipped: each is reported,
    // and together with the loaded spans they are the file's spans
    let reported = t
        .diagnostics()
        .iter()
        .filter(|d| {
            d.kind == DiagnosticKind::DuplicateSpan
                || (d.kind == DiagnosticKind::MissingField && d.severity == Severity::Error)
        })
        .count();
    match reference {
        "json-log" => t.logs().len(),
        "flowmesh-lineage" => t.lineage().len(),
        "flowmesh-asset" => t.assets().len(),
        _ => t.span_count() + reported,
    }
}

#[test]
fn every_shared_fixture_loads_with_its_format_and_counts() {
    let formats = reference_formats();
    let listed = listed_counts();
    let mut files = Vec::new();
    files_under(&shared("public"), &mut files);
    files_under(&shared("generated"), &mut files);
    files.sort();
    let mut checked = 0;
    for path in &files {
        let rel = path
            .strip_prefix(shared(""))
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = read(path);
        let t = ingest_paths(std::slice::from_ref(path));
        let Some(reference) = formats.get(&rel) else {
            // files the sniffer leaves out are not traces (a capture log, a generator manifest):
            // they load nothing and say why
            assert!(t.spans().is_empty(), "{rel}");
            assert!(
                t.diagnostics()
                    .iter()
                    .any(|d| d.kind == DiagnosticKind::UnknownFormat),
                "{rel}: {:#?}",
                t.diagnostics()
            );
            checked += 1;
            continue;
        };
        assert_eq!(
            t.sources()[0].format,
            our_label(reference),
            "{rel}: detected"
        );
        let ours = our_count(reference, &t);
        if let Some(col) = listed.get(&rel) {
            // "57", "35 ev (3 X/B)" or "partial"
            let chrome_slices = col
                .split_once('(')
                .map(|(_, r)| r.trim_end_matches(" X/B)").parse::<usize>().unwrap());
            match (chrome_slices, col.parse::<usize>()) {
                (Some(slices), _) => {
                    let in_file = values(&bytes)
                        .iter()
                        .flat_map(|d| {
                            d.as_array()
                                .or_else(|| d["traceEvents"].as_array())
                                .unwrap()
                                .clone()
                        })
                        .filter(|e| matches!(e["ph"].as_str(), Some("X" | "B")))
                        .count();
                    assert_eq!(in_file, slices, "{rel}: SOURCES.md and the file agree");
                    assert!(
                        ours >= slices,
                        "{rel}: {ours} spans, {slices} X/B slices listed"
                    );
                }
                (None, Ok(n)) if rel.contains("/invalid/") => {
                    assert!(ours <= n, "{rel}");
                    assert!(
                        t.diagnostics()
                            .iter()
                            .any(|d| d.severity == Severity::Error
                                || d.severity == Severity::Repaired),
                        "{rel}"
                    );
                }
                (None, Ok(n)) => assert_eq!(ours, n, "{rel}: spans listed in SOURCES.md"),
                (None, Err(_)) => {
                    assert_eq!(col, "partial", "{rel}");
                    assert!(
                        ours > 0,
                        "{rel}: a truncated array still loads its complete events"
                    );
                }
            }
        } else {
            assert!(
                rel.starts_with("generated/"),
                "{rel} is missing from SOURCES.md"
            );
            match reference.as_str() {
                // counted per document kind above; Langfuse OTLP files are OTLP too
                "otlp-json" | "mlflow-trace" | "jaeger-api" | "otel-sdk-span" | "json-log"
                | "flowmesh-lineage" | "flowmesh-asset" | "empty" | "pflow-trace"
                | "pflow-trace-legacy" => {
                    assert_eq!(ours, plain_count(reference, &bytes), "{rel}: count")
                }
                "chrome-trace" => assert_eq!(
                    ours,
                    plain_count(reference, &bytes),
                    "{rel}: one span per slice or span instant"
                ),
                other => panic!("{rel}: {other} not expected under generated/"),
            }
            if reference != "empty" {
                assert!(
                    t.diagnostics().is_empty(),
                    "{rel}: {:#?}",
                    &t.diagnostics()[..t.diagnostics().len().min(3)]
                );
            }
        }
        checked += 1;
    }
    assert_eq!(checked, files.len());
    assert!(checked >= 100, "the whole catalogue: {checked} files");
}
