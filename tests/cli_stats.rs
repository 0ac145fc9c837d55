//! `skein stats` end to end on `big_sample_1k/spans.jsonl`: per-name counts, totals, self
//! times, percentiles and errors, and `--query` counts, each against an independent reading
//! of the JSON lines (serde_json and a timestamp parser of the test's own, no Skein model).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;
use support::otel_lines::{duration_ns, iso_ns, lines};
use support::*;

fn skein(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_skein"))
        .args(args)
        .output()
        .unwrap()
}

fn big() -> String {
    shared("generated/big_sample_1k/spans.jsonl")
        .to_string_lossy()
        .into_owned()
}

fn stats_json(args: &[&str]) -> Vec<Value> {
    let out = skein(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Self time computed here: the span minus the union of its children clipped to it.
fn self_times(rows: &[Value]) -> Vec<i64> {
    let id = |v: &Value| v.as_str().map(str::to_string);
    let mut children: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
    for r in rows {
        if let Some(p) = id(&r["parent_id"]) {
            let a = iso_ns(r["start_time"].as_str().unwrap());
            children.entry(p).or_default().push((a, a + duration_ns(r)));
        }
    }
    rows.iter()
        .map(|r| {
            let a = iso_ns(r["start_time"].as_str().unwrap());
            let b = a + duration_ns(r);
            let mut kids: Vec<(i64, i64)> = children
                .get(&id(&r["context"]["span_id"]).unwrap())
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|(x, y)| (x.max(a), y.min(b)))
                .filter(|(x, y)| y > x)
                .collect();
            kids.sort();
            let (mut covered, mut until) = (0, i64::MIN);
            for (x, y) in kids {
                let x = x.max(until);
                if y > x {
                    covered += y - x;
                    until = y;
                }
            }
            b - a - covered
        })
        .collect()
}

fn nearest_rank(sorted: &[i64], p: usize) -> i64 {
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

#[test]
fn group_by_name_equals_an_independent_count_over_the_json_lines() {
    let rows = lines(std::path::Path::new(&big()));
    let selfs = self_times(&rows);
    // name -> (durations, self total, errors)
    let mut want: BTreeMap<String, (Vec<i64>, i64, u64)> = BTreeMap::new();
    for (r, s) in rows.iter().zip(&selfs) {
        let e = want
            .entry(r["name"].as_str().unwrap().to_string())
            .or_default();
        e.0.push(duration_ns(r));
        e.1 += s;
        e.2 += u64::from(r["status"]["status_code"] == "ERROR");
    }
    let got = stats_json(&["stats", &big(), "--group", "name"]);
    assert_eq!(got.len(), want.len());
    for row in &got {
        let name = row["group"].as_str().unwrap();
        let (mut d, self_ns, errors) = want[name].clone();
        d.sort();
        let total: i64 = d.iter().sum();
        assert_eq!(row["count"], d.len(), "{name}");
        assert_eq!(row["total_ns"], total, "{name}");
        let secs = row["total_seconds"].as_f64().unwrap();
        assert!((secs - total as f64 / 1e9).abs() < 1e-9, "{name}");
        assert_eq!(row["self_ns"], self_ns, "{name}");
        assert_eq!(row["p50_ns"], nearest_rank(&d, 50), "{name}");
        assert_eq!(row["p95_ns"], nearest_rank(&d, 95), "{name}");
        assert_eq!(row["max_ns"], *d.last().unwrap(), "{name}");
        assert_eq!(row["errors"], errors, "{name}");
        for k in ["self_seconds", "p50_seconds", "p95_seconds", "max_seconds"] {
            assert!(row[k].is_f64(), "{name} {k}");
        }
    }
    // sorted by total, descending
    let totals: Vec<i64> = got
        .iter()
        .map(|r| r["total_ns"].as_i64().unwrap())
        .collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]));
}

fn attr(r: &Value, k: &str) -> Option<Value> {
    r["attributes"].get(k).cloned()
}

fn host(r: &Value) -> &str {
    r["resource"]["attributes"]["host.name"].as_str().unwrap()
}

/// Attribute text as the test reads it: strings as written, other values as JSON.
fn attr_text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// Free text over name, service, span id, attribute keys and values, resource attributes and
/// event names, lowercased.
fn has_text(r: &Value, needle: &str) -> bool {
    let needle = needle.to_lowercase();
    let mut texts = vec![
        r["name"].as_str().unwrap().to_string(),
        r["context"]["span_id"]
            .as_str()
            .unwrap()
            .trim_start_matches("0x")
            .to_string(),
    ];
    for attrs in [&r["attributes"], &r["resource"]["attributes"]] {
        for (k, v) in attrs.as_object().unwrap() {
            texts.push(k.clone());
            texts.push(attr_text(v));
        }
    }
    for e in r["events"].as_array().unwrap() {
        texts.push(e["name"].as_str().unwrap().to_string());
    }
    texts.iter().any(|t| t.to_lowercase().contains(&needle))
}

#[test]
fn query_counts_equal_an_independent_filter_over_the_json_lines() {
    let rows = lines(std::path::Path::new(&big()));
    let ms = 1_000_000;
    type Filter = Box<dyn Fn(&Value) -> bool>;
    let cases: Vec<(&str, Filter)> = vec![
        (
            "name=generation duration>50ms",
            Box::new(move |r| r["name"] == "generation" && duration_ns(r) > 50 * ms),
        ),
        (
            "status=error or (host.name=gpu-node-01 flowmesh.type=network)",
            Box::new(move |r| {
                r["status"]["status_code"] == "ERROR"
                    || (host(r) == "gpu-node-01" && attr(r, "flowmesh.type").unwrap() == "network")
            }),
        ),
        (
            "gen.output_tokens>=200 -model.name attempt=1 not kind=client",
            Box::new(move |r| {
                attr(r, "gen.output_tokens").is_some_and(|v| v.as_f64().unwrap() >= 200.0)
                    && attr(r, "model.name").is_none()
                    && attr(r, "attempt").is_some_and(|v| v == 1)
                    && r["kind"] != "SpanKind.CLIENT"
            }),
        ),
        (
            "model.name~^Qwen/.*8B$ or duration<=1ms",
            Box::new(move |r| {
                attr(r, "model.name").is_some_and(|v| {
                    let m = v.as_str().unwrap();
                    m.starts_with("Qwen/") && m.ends_with("8B")
                }) || duration_ns(r) <= ms
            }),
        ),
        ("upstream", Box::new(|r| has_text(r, "upstream"))),
        (
            "data_id=tsk-0000007 or data_id=tsk-0000011",
            Box::new(|r| {
                ["tsk-0000007", "tsk-0000011"]
                    .map(Value::from)
                    .contains(&attr(r, "data_id").unwrap())
            }),
        ),
        (
            "TSK-0000007 -\"net.transport\"",
            Box::new(|r| has_text(r, "tsk-0000007") && attr(r, "net.transport").is_none()),
        ),
        (
            "\"model load\" or dump",
            Box::new(|r| has_text(r, "model load") || has_text(r, "dump")),
        ),
        (
            "duration>2.5%",
            // one trace: 2.5 % of its span from the first start to the last end
            Box::new({
                let first = rows
                    .iter()
                    .map(|r| iso_ns(r["start_time"].as_str().unwrap()))
                    .min()
                    .unwrap();
                let last = rows
                    .iter()
                    .map(|r| iso_ns(r["end_time"].as_str().unwrap()))
                    .max()
                    .unwrap();
                move |r| duration_ns(r) as f64 > (last - first) as f64 * 0.025
            }),
        ),
    ];
    for (q, keep) in cases {
        let want = rows.iter().filter(|r| keep(r)).count() as u64;
        assert!(want > 0, "{q} should match something here");
        let got = stats_json(&["stats", &big(), "--group", "service", "--query", q]);
        let count: u64 = got.iter().map(|r| r["count"].as_u64().unwrap()).sum();
        assert_eq!(count, want, "{q}");
    }
}

#[test]
fn bad_queries_and_options_are_usage_errors() {
    let out = skein(&["stats", &big(), "--query", "duration>5 or"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("  duration>5 or\n           ^\n"), "{err}");
    assert!(err.contains("needs a unit"), "{err}");
    for bad in [
        vec!["stats"],
        vec!["stats", "x.jsonl", "--group", "nope"],
        vec!["stats", "x.jsonl", "--subgroup", "attr:"],
        vec!["stats", "x.jsonl", "--sort", "speed"],
        vec!["stats", "x.jsonl", "--format", "xml"],
        vec!["stats", "x.jsonl", "--colour", "red"],
    ] {
        assert_eq!(skein(&bad).status.code(), Some(2), "{bad:?}");
    }
    assert_eq!(
        skein(&["stats", "/no/such/file.jsonl"]).status.code(),
        Some(1)
    );
}

#[test]
fn attribute_groups_sub_groups_and_the_text_table() {
    let got = stats_json(&[
        "stats",
        &big(),
        "--group",
        "attr:model.name",
        "--subgroup",
        "name",
    ]);
    let none = got.iter().find(|r| r["lacks_key"] == true).unwrap();
    assert_eq!(none["group"], "(none)");
    assert_eq!(none["count"], 916);
    let qwen = got.iter().find(|r| r["group"] == "Qwen/Qwen3-8B").unwrap();
    assert_eq!(qwen["count"], 36);
    let sub: u64 = qwen["subgroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["count"].as_u64().unwrap())
        .sum();
    assert_eq!(sub, 36);
    let out = skein(&["stats", &big(), "--format", "text", "--sort", "count"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let first: Vec<&str> = text.lines().take(2).collect();
    assert!(
        first[0].starts_with("group") && first[0].contains("p95"),
        "{text}"
    );
    assert!(first[1].starts_with("generation "), "{text}");
    assert!(
        text.lines().last().unwrap().starts_with("(all)  "),
        "{text}"
    );
    assert!(text.lines().last().unwrap().contains(" 1000 "), "{text}");
}
