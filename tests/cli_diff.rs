//! `skein diff` end to end: the native binary on two runs of the same generated workflow (the
//! shared seeded generator, another `--workers` or `--error-rate`; B's trace and span ids
//! rewritten here so nothing matches by id). Each side's per-data-id numbers and critical path
//! must equal `skein analyze` on that side alone, and Δ = B − A.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use support::*;

const FILES: [&str; 3] = ["spans.jsonl", "lineage.jsonl", "assets.jsonl"];

fn skein(args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_skein"))
        .args(args)
        .output()
        .unwrap()
}

fn json_of(args: &[String]) -> Value {
    let out = skein(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("skein-diff-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn generate(out: &Path, args: &[&str]) {
    let status = Command::new("python3")
        .arg(shared("generators/big_otel_jsonl.py"))
        .args(args)
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("python3");
    assert!(status.success());
}

/// Rewrites every trace and span id (spans, parents, links) of `from`'s spans into `to`, so no
/// id is shared with the original; lineage and assets are copied.
fn rewrite_ids(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    let hex = |v: &Value, width: usize, mask: u128| -> Value {
        match v.as_str() {
            Some(s) => {
                let n = u128::from_str_radix(s.trim_start_matches("0x"), 16).unwrap();
                Value::String(format!("0x{:0width$x}", n ^ mask))
            }
            None => v.clone(),
        }
    };
    let (trace_mask, span_mask) = (0x5eed_u128 << 64 | 0xabcd, 0x0f0f_0000_f00d_u128);
    let mut text = String::new();
    for line in String::from_utf8(read(&from.join("spans.jsonl")))
        .unwrap()
        .lines()
    {
        let mut v: Value = serde_json::from_str(line).unwrap();
        let ctx = &mut v["context"];
        ctx["trace_id"] = hex(&ctx["trace_id"], 32, trace_mask);
        ctx["span_id"] = hex(&ctx["span_id"], 16, span_mask);
        v["parent_id"] = hex(&v["parent_id"], 16, span_mask);
        if let Some(links) = v["links"].as_array_mut() {
            for l in links {
                let c = &mut l["context"];
                c["trace_id"] = hex(&c["trace_id"], 32, trace_mask);
                c["span_id"] = hex(&c["span_id"], 16, span_mask);
            }
        }
        text.push_str(&serde_json::to_string(&v).unwrap());
        text.push('\n');
    }
    std::fs::write(to.join("spans.jsonl"), text).unwrap();
    for f in &FILES[1..] {
        std::fs::copy(from.join(f), to.join(f)).unwrap();
    }
}

fn files(dir: &Path) -> Vec<String> {
    FILES
        .iter()
        .map(|f| dir.join(f).to_string_lossy().into_owned())
        .collect()
}

fn span_ids(dir: &Path) -> BTreeSet<String> {
    String::from_utf8(read(&dir.join("spans.jsonl")))
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["context"]["span_id"].as_str().unwrap().to_string()
        })
        .collect()
}

/// (span lines, lines with status ERROR), read with plain serde_json.
fn span_facts(dir: &Path) -> (u64, u64) {
    let text = String::from_utf8(read(&dir.join("spans.jsonl"))).unwrap();
    let rows: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let errors = rows
        .iter()
        .filter(|v| v["status"]["status_code"] == "ERROR")
        .count();
    (rows.len() as u64, errors as u64)
}

/// Checks one side of the diff against `skein analyze` on that side's files.
fn same_as_analyze(diff: &Value, side: &str, dir: &Path) {
    let mut args = vec!["analyze".to_string()];
    args.extend(files(dir));
    let profile = json_of(&args);
    let want: BTreeMap<&str, &Value> = profile["per_data_id"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["data_id"].as_str().unwrap(), d))
        .collect();
    let path: Vec<&str> = profile["critical_path"]["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(diff["critical_path"]["of"], "data-id");
    assert_eq!(
        diff["critical_path"][side],
        profile["critical_path"]["path"]
    );
    let mut seen = BTreeSet::new();
    for d in diff["per_data_id"].as_array().unwrap() {
        let id = d["data_id"].as_str().unwrap();
        let got = &d[side];
        if got.is_null() {
            assert!(!want.contains_key(id), "{side} lacks {id}");
            continue;
        }
        seen.insert(id);
        let w = want[id];
        assert_eq!(
            got["duration_seconds"], w["duration_seconds"],
            "{side} {id}"
        );
        assert_eq!(
            got["queuing_delay_seconds"], w["queuing_delay_seconds"],
            "{side} {id}"
        );
        assert_eq!(
            got["blocking_parent_data_id"], w["blocking_parent_data_id"],
            "{side} {id}"
        );
        assert_eq!(got["on_critical_path"], path.contains(&id), "{side} {id}");
    }
    assert_eq!(seen, want.keys().copied().collect::<BTreeSet<_>>());
    let summary = &diff["summary"][side];
    let (spans, errors) = span_facts(dir);
    assert_eq!(summary["span_count"], spans);
    assert_eq!(summary["error_count"], errors);
    assert_eq!(summary["run_count"], 1);
    // every span lies inside its task: the wall clock is the workflow's duration
    assert_eq!(
        summary["duration_seconds"],
        profile["e2e_breakdown"]["workflow_duration_seconds"]
    );
}

fn check_deltas(diff: &Value) {
    let secs = |v: &Value| v.as_f64().unwrap();
    for d in diff["per_data_id"].as_array().unwrap() {
        let (a, b) = (&d["a"], &d["b"]);
        if a.is_null() || b.is_null() {
            assert!(d["delta_seconds"].is_null());
            assert_eq!(d["status"], if a.is_null() { "added" } else { "removed" });
            continue;
        }
        let want = secs(&b["duration_seconds"]) - secs(&a["duration_seconds"]);
        assert!((secs(&d["delta_seconds"]) - want).abs() < 1e-9, "{d}");
        let want_q = secs(&b["queuing_delay_seconds"]) - secs(&a["queuing_delay_seconds"]);
        assert!(
            (secs(&d["delta_queuing_seconds"]) - want_q).abs() < 1e-9,
            "{d}"
        );
    }
    let s = &diff["summary"];
    let n = |v: &Value| v.as_u64().unwrap();
    assert_eq!(
        n(&s["matched"]) + n(&s["removed"]),
        n(&s["a"]["span_count"])
    );
    assert_eq!(n(&s["matched"]) + n(&s["added"]), n(&s["b"]["span_count"]));
    let larger = n(&s["a"]["span_count"]).max(n(&s["b"]["span_count"])) as f64;
    assert!((secs(&s["trust"]) - n(&s["matched"]) as f64 / larger).abs() < 1e-12);
}

fn generated_pair(name: &str, a_args: &[&str], b_args: &[&str]) -> Value {
    let dir = temp(name);
    let (a, b_raw, b) = (dir.join("a"), dir.join("b_raw"), dir.join("b"));
    generate(&a, a_args);
    generate(&b_raw, b_args);
    rewrite_ids(&b_raw, &b);
    assert!(span_ids(&a).is_disjoint(&span_ids(&b)));
    let mut args = vec!["diff".to_string()];
    args.extend(files(&b));
    args.push("--vs".into());
    args.extend(files(&a));
    let diff = json_of(&args);
    assert_eq!(diff["key"], "data-id");
    same_as_analyze(&diff, "a", &a);
    same_as_analyze(&diff, "b", &b);
    check_deltas(&diff);
    let _ = std::fs::remove_dir_all(&dir);
    diff
}

#[test]
fn another_worker_count_moves_queuing_not_work() {
    let diff = generated_pair(
        "workers",
        &["3000", "--seed", "11", "--workers", "4"],
        &["3000", "--seed", "11", "--workers", "2"],
    );
    // same seed, same work: every span has a partner
    assert_eq!(diff["summary"]["trust"], 1.0);
    assert_eq!(diff["summary"]["duration_status"], "slower");
}

#[test]
fn another_error_rate_adds_retries() {
    let diff = generated_pair(
        "errors",
        &["3000", "--seed", "5", "--error-rate", "0.0"],
        &["3000", "--seed", "5", "--error-rate", "0.3"],
    );
    let s = &diff["summary"];
    assert_eq!(s["a"]["error_count"], 0);
    assert!(s["b"]["error_count"].as_u64().unwrap() > 0);
    assert_eq!(s["new_errors"], s["b"]["error_count"]);
}

fn fixture(name: &str) -> String {
    ours(&format!("compare/{name}"))
        .to_string_lossy()
        .into_owned()
}

#[test]
fn two_runs_of_one_file_picked_by_trace_id_and_a_baseline_set() {
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let runs = fixture("baseline_runs.jsonl");
    let picked = json_of(&v(&[
        "diff",
        &runs,
        "--a-trace",
        "0x000000000000000000000000000000e1",
        "--b-trace",
        "0x000000000000000000000000000000e3",
        "--key",
        "path",
        "--tolerance",
        "5%,1ms",
    ]));
    assert_eq!(picked["key"], "path");
    assert_eq!(picked["tolerance"], "5%,1ms");
    assert!(picked["per_data_id"].as_array().unwrap().len() == 4);
    let c = picked["per_data_id"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["data_id"] == "c")
        .unwrap();
    // c: 28 -> 32 ms; 4 ms > 1 ms + 5 % of 32 ms
    assert_eq!(c["status"], "slower");
    assert_eq!(picked["summary"]["a"]["run_count"], 1);
    let set = json_of(&v(&["diff", &fixture("baseline_b.jsonl"), "--vs", &runs]));
    assert_eq!(set["summary"]["a"]["run_count"], 3);
    let outside: Vec<&str> = set["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["baseline"]["b_outside"] == true)
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        outside,
        [
            "[c] flowmesh-worker:task",
            "[c] flowmesh-worker:task > generation·leaf"
        ]
    );
}

#[test]
fn text_report_and_usage_errors() {
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let out = skein(&v(&[
        "diff",
        &fixture("c_slower.jsonl"),
        "--vs",
        &fixture("base.jsonl"),
        "--format",
        "text",
    ]));
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("Comparison by data-id (tolerance 25%,1ms): wall clock 50.0ms -> 80.0ms"),
        "{text}"
    );
    assert!(text.contains("\nslower (2):\n"), "{text}");
    for bad in [
        v(&["diff", &fixture("base.jsonl")]),
        v(&["diff", "--vs", &fixture("base.jsonl")]),
        v(&[
            "diff",
            &fixture("base.jsonl"),
            "--vs",
            &fixture("base.jsonl"),
            "--key",
            "span-id",
        ]),
        v(&[
            "diff",
            &fixture("base.jsonl"),
            "--vs",
            &fixture("base.jsonl"),
            "--tolerance",
            "fast",
        ]),
    ] {
        assert_eq!(skein(&bad).status.code(), Some(2), "{bad:?}");
    }
    let missing = skein(&v(&[
        "diff",
        "/nonexistent.jsonl",
        "--vs",
        &fixture("base.jsonl"),
    ]));
    assert_eq!(missing.status.code(), Some(1));
}
