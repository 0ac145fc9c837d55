//! Chrome Trace Event Format, and issue 4's "same workflow in four encodings" check.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use skein::model::{DiagnosticKind, Severity, Trace};
use support::*;

/// (span id, parent's span id, name, duration µs), sorted.
fn shape(t: &Trace) -> Vec<(String, Option<String>, String, i64)> {
    let mut v: Vec<_> = t
        .spans()
        .iter()
        .map(|s| {
            (
                s.span_id.to_string(),
                s.parent.map(|p| t.span(p).span_id.to_string()),
                t.text(s.name).to_string(),
                s.duration().0 / 1000,
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn the_same_workflow_in_four_encodings_gives_the_same_spans() {
    let dir = "generated/big_sample_1k";
    let jsonl = ingest_paths(&[shared(&format!("{dir}/spans.jsonl"))]);
    let reference = shape(&jsonl);
    assert_eq!(reference.len(), 1000);
    for file in ["otlp.jsonl", "trace.jaeger.json", "trace.chrome.json"] {
        let t = ingest_paths(&[shared(&format!("{dir}/{file}"))]);
        assert!(
            t.diagnostics().is_empty(),
            "{file}: {:#?}",
            &t.diagnostics()[..t.diagnostics().len().min(3)]
        );
        let got = shape(&t);
        assert_eq!(got.len(), reference.len(), "{file}");
        for (g, r) in got.iter().zip(&reference) {
            assert_eq!((&g.0, &g.1, &g.2), (&r.0, &r.1, &r.2), "{file}");
            // µs in every format here; OTLP keeps ns, so allow the SDK's rounding
            assert!((g.3 - r.3).abs() <= 1, "{file}: {g:?} vs {r:?}");
        }
        assert_eq!(
            t.trace_ids(),
            jsonl.trace_ids(),
            "{file}: the same trace id"
        );
    }
}

fn events(file: &str) -> Vec<serde_json::Value> {
    let bytes = read(&shared(&format!("public/chrome/{file}")));
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Array(v)) => v,
        Ok(serde_json::Value::Object(o)) => o["traceEvents"].as_array().unwrap().clone(),
        _ => skein::ingest::chrome::complete_elements(&bytes)
            .iter()
            .map(|e| serde_json::from_str(e.get()).unwrap())
            .collect(),
    }
}

#[test]
fn every_chrome_fixture_loads_its_slices() {
    for entry in std::fs::read_dir(shared("public/chrome")).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        let t = ingest_paths(&[shared(&format!("public/chrome/{file}"))]);
        assert!(
            t.diagnostics()
                .iter()
                .all(|d| d.severity == Severity::Repaired),
            "{file}: {:#?}",
            t.diagnostics()
        );
        // every X, B (closed or not) and async begin (b, S) is a slice; instants may add markers
        let sync = events(&file)
            .iter()
            .filter(|e| matches!(e["ph"].as_str(), Some("X" | "B")))
            .count();
        let slices = sync
            + events(&file)
                .iter()
                .filter(|e| matches!(e["ph"].as_str(), Some("b" | "S")))
                .count();
        let instant_spans = t.spans().iter().filter(|s| s.is_instant()).count();
        assert!(
            t.span_count() >= sync,
            "{file}: {} spans < {sync} slices",
            t.span_count()
        );
        assert!(t.span_count() - instant_spans <= slices, "{file}");
        if !t.spans().is_empty() {
            assert_eq!(t.sources()[0].format, "Chrome trace", "{file}");
        }
    }
}

#[test]
fn nesting_comes_from_durations_not_file_order() {
    // pairs of X events with equal ts listed in both orders: the longer one is the parent
    let t = ingest_paths(&[shared(
        "public/chrome/speedscope_te_x-events-matching-start.json",
    )]);
    for s in t.spans() {
        if let Some(p) = s.parent {
            let p = t.span(p);
            assert!(
                p.start <= s.start && s.end <= p.end,
                "{} inside {}",
                t.text(s.name),
                t.text(p.name)
            );
        }
    }
    assert!(t.spans().iter().any(|s| s.parent.is_some()));
}

#[test]
fn unbalanced_and_extra_end_events_are_reported() {
    let t = ingest_paths(&[shared("public/chrome/speedscope_te_unbalanced-name.json")]);
    // E "alpha" closes B "beta" and E "beta" closes B "alpha": both matched by order, both reported
    assert_eq!(t.span_count(), 2);
    assert_eq!(t.diagnostics().len(), 2, "{:#?}", t.diagnostics());
    assert!(t
        .diagnostics()
        .iter()
        .all(|d| d.message.contains("matched by order")));
    let t = ingest_paths(&[shared(
        "public/chrome/speedscope_te_too-many-end-events.json",
    )]);
    assert!(
        t.diagnostics()
            .iter()
            .any(|d| d.message.contains("no open B event")),
        "{:#?}",
        t.diagnostics()
    );
}

#[test]
fn truncated_arrays_are_salvaged() {
    for file in [
        "speedscope_te_simple-partial.json",
        "speedscope_te_simple-partial-trailing-comma.json",
        "speedscope_te_simple-partial-whitespace.json",
    ] {
        let t = ingest_paths(&[shared(&format!("public/chrome/{file}"))]);
        assert_eq!(t.span_count(), 4, "{file}");
        assert_eq!(
            t.diagnostics()
                .iter()
                .filter(|d| d.kind == DiagnosticKind::Truncated)
                .count(),
            1,
            "{file}"
        );
    }
}

#[test]
fn process_names_become_services() {
    let t = ingest_paths(&[shared("public/chrome/speedscope_te_multiprocess.json")]);
    let names: Vec<String> = events("speedscope_te_multiprocess.json")
        .iter()
        .filter(|e| e["ph"] == "M" && e["name"] == "process_name")
        .map(|e| e["args"]["name"].as_str().unwrap().to_string())
        .collect();
    assert!(!names.is_empty());
    for n in names {
        assert!(
            t.resources().iter().any(|r| t.text(r.service_name) == n),
            "{n}"
        );
    }
}
