//! The lanes layout of every Chrome fixture in `../shared/fixtures/public/chrome/` (issue 11):
//! every slice sits in its own thread's lane, a slice contained in another of its thread sits
//! in a lower row, and no two spans of one row overlap. Threads, processes and times come from
//! the fixture files read here with plain serde_json, not from our reader.
//!
//! ```text
//!  pid 1 / tid 7:  [====== A ======]        A contains B: row(B) > row(A)
//!                    [== B ==]  [C]          B, C: one row, disjoint
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use skein::ingest::ingest_sources;
use skein::layout::lanes::{lanes, LaneBy};
use std::collections::HashMap;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/public/chrome")
}

fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Slices of the file (X events with dur, B events) keyed by (name, start ns): their threads.
type Slices = HashMap<(String, i64), Vec<(String, String)>>;

fn slices_in(doc: &serde_json::Value) -> (Slices, HashMap<String, String>) {
    let events = doc
        .get("traceEvents")
        .or(Some(doc))
        .and_then(|e| e.as_array())
        .cloned()
        .unwrap_or_default();
    let (mut slices, mut processes) = (Slices::new(), HashMap::new());
    for e in &events {
        let (pid, tid) = (
            e.get("pid").map(text).unwrap_or_default(),
            e.get("tid").map(text).unwrap_or_default(),
        );
        let ph = e.get("ph").and_then(|p| p.as_str()).unwrap_or("");
        let name = e.get("name").and_then(|n| n.as_str()).unwrap_or("");
        if ph == "M" && name == "process_name" {
            if let Some(n) = e.pointer("/args/name").and_then(|n| n.as_str()) {
                processes.insert(pid.clone(), n.to_string());
            }
        }
        let sliced = (ph == "X" && e.get("dur").is_some()) || ph == "B";
        if let (true, Some(ts)) = (sliced, e.get("ts").and_then(|t| t.as_f64())) {
            let start_ns = (ts * 1000.0).round() as i64;
            slices
                .entry((name.to_string(), start_ns))
                .or_default()
                .push((pid, tid));
        }
    }
    (slices, processes)
}

#[test]
fn every_chrome_fixture_lays_out_one_lane_per_thread() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut checked_files = 0;
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let trace = ingest_sources([(name.as_str(), bytes.as_slice())]);
        let laid = lanes(&trace, LaneBy::Thread, &[]);
        // rows: disjoint spans, sorted by start
        for lane in &laid.lanes {
            for row in &lane.rows {
                for w in row.windows(2) {
                    let (a, b) = (trace.span(w[0]), trace.span(w[1]));
                    assert!(
                        a.end <= b.start && a.start < b.start,
                        "{name}: overlap in a row"
                    );
                }
            }
        }
        // a truncated array is salvaged by the reader but not parseable here: rows checked only
        let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            continue;
        };
        let (slices, processes) = slices_in(&doc);
        let mut matched: Vec<(usize, usize, i64, i64)> = Vec::new();
        for s in trace.span_indices() {
            let span = trace.span(s);
            let key = (trace.name(s).to_string(), span.start.0);
            let Some(threads) = slices.get(&key) else {
                continue;
            };
            let (l, r) = laid.place[s.ix()];
            let lane = &laid.lanes[l as usize];
            let in_its_lane = threads.iter().any(|(pid, tid)| {
                let service = processes.get(pid).cloned().unwrap_or(format!("pid {pid}"));
                lane.thread.as_deref() == Some(tid.as_str()) && lane.service == service
            });
            assert!(
                in_its_lane,
                "{name}: {key:?} is in lane {}, not {threads:?}",
                lane.label()
            );
            matched.push((l as usize, r as usize, span.start.0, span.end.0));
        }
        if slices.is_empty() {
            continue;
        }
        assert!(!matched.is_empty(), "{name}: no slice of the file found");
        // containment on one thread puts the inner slice lower
        for a in &matched {
            for b in &matched {
                let inside = a.0 == b.0 && a.2 <= b.2 && b.3 <= a.3 && (a.3 - a.2) > (b.3 - b.2);
                assert!(
                    !inside || b.1 > a.1,
                    "{name}: a nested slice is not below its parent"
                );
            }
        }
        checked_files += 1;
    }
    assert!(checked_files >= 10, "only {checked_files} fixtures checked");
}

#[test]
fn the_devtools_trace_has_far_fewer_lines_than_spans() {
    let name = "speedscope_chrome116_devtools_trace.json";
    let bytes = std::fs::read(dir().join(name)).unwrap();
    let trace = ingest_sources([(name, bytes.as_slice())]);
    let laid = lanes(&trace, LaneBy::Thread, &[]);
    assert!(
        laid.lines.len() * 10 < trace.span_count(),
        "{} lines",
        laid.lines.len()
    );
    // folding the first lane hides its rows, keeps its header
    let folded = lanes(&trace, LaneBy::Thread, &[0]);
    assert_eq!(
        folded.lines.len(),
        laid.lines.len() - laid.lanes[0].rows.len()
    );
}
