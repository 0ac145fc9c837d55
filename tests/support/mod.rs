//! Shared helpers for fixture tests: where the fixtures live and small summaries of a Trace.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

pub mod otel_lines;

use skein::model::{DiagnosticKind, Trace};
use std::path::PathBuf;

/// `../shared/fixtures` next to the repo (override with `SKEIN_SHARED_FIXTURES`).
pub fn shared(rel: &str) -> PathBuf {
    let base = std::env::var("SKEIN_SHARED_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures"));
    base.join(rel)
}

/// A scenario fixture of ours under `tests/fixtures/`.
pub fn ours(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

pub fn read(path: &PathBuf) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Ingests files by path, naming each source by its file name.
pub fn ingest_paths(paths: &[PathBuf]) -> Trace {
    let data: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                read(p),
            )
        })
        .collect();
    skein::ingest::ingest_sources(data.iter().map(|(n, b)| (n.as_str(), b.as_slice())))
}

/// (span id, parent span id as read, linked parent's span id, start, end, name), sorted.
pub fn span_summary(t: &Trace) -> Vec<(String, String, Option<String>, i64, i64, String)> {
    let mut v: Vec<_> = t
        .spans()
        .iter()
        .map(|s| {
            (
                s.span_id.to_string(),
                s.parent_span_id.to_string(),
                s.parent.map(|p| t.spans()[p.ix()].span_id.to_string()),
                s.start.0,
                s.end.0,
                t.text(s.name).to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

pub fn kinds(t: &Trace) -> Vec<DiagnosticKind> {
    t.diagnostics().iter().map(|d| d.kind).collect()
}

/// Everything a view can read of a trace, as text, for whole-trace comparisons.
pub fn canonical(t: &Trace) -> Vec<String> {
    let mut out: Vec<String> = t
        .span_indices()
        .map(|i| {
            let s = t.span(i);
            let attrs: Vec<String> = t
                .span_attributes(i)
                .iter()
                .map(|a| format!("{}={:?}", t.text(a.key), attr_text(t, a.value)))
                .collect();
            let events: Vec<String> = t
                .span_events(i)
                .iter()
                .map(|e| format!("{}@{}", t.text(e.name), e.time.0))
                .collect();
            format!(
                "{} {} {:?} {} {}..{} {} {:?} {:?} {} [{}] [{}]",
                t.trace_id(i),
                s.span_id,
                s.parent.map(|p| t.span(p).span_id),
                t.name(i),
                s.start.0,
                s.end.0,
                s.status.label(),
                t.text(s.status_message),
                s.flags,
                t.text(s.span_type),
                attrs.join(", "),
                events.join(", ")
            )
        })
        .collect();
    out.sort();
    out.extend(t.diagnostics().iter().map(|d| d.to_string()));
    out.extend(t.sources().iter().map(|s| format!("{s:?}")));
    out
}

fn attr_text(t: &Trace, v: skein::model::AttrValue) -> String {
    use skein::model::AttrValue::*;
    match v {
        Str(s) | Json(s) => t.text(s).to_string(),
        Int(i) => i.to_string(),
        Float(f) => f.to_string(),
        Bool(b) => b.to_string(),
    }
}
