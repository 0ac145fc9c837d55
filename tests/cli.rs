//! `skein analyze` end to end: the native binary on real fixture files.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use std::process::Command;
use support::*;

fn skein(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_skein"))
        .args(args)
        .output()
        .unwrap()
}

fn workflow() -> Vec<String> {
    ["spans.jsonl", "lineage.jsonl", "assets.jsonl"]
        .iter()
        .map(|f| {
            shared(&format!("generated/otel_sdk/{f}"))
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

#[test]
fn json_output_is_the_flowmesh_profile() {
    let files = workflow();
    let mut args = vec!["analyze"];
    args.extend(files.iter().map(String::as_str));
    let out = skein(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let want: serde_json::Value = serde_json::from_slice(&read(&shared(
        "expected/flowmesh-profile/otel_sdk.profile.json",
    )))
    .unwrap();
    assert_eq!(got["critical_path"]["path"], want["critical_path"]["path"]);
    assert_eq!(got["data_ids"], want["data_ids"]);
    assert_eq!(got["lineage"], want["lineage"]);
}

#[test]
fn text_report_and_gzip_input() {
    let dir = std::env::temp_dir().join(format!("skein-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gz = dir.join("spans.jsonl.gz");
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut e, &read(&shared("generated/otel_sdk/spans.jsonl"))).unwrap();
    std::fs::write(&gz, e.finish().unwrap()).unwrap();
    let lineage = shared("generated/otel_sdk/lineage.jsonl");
    let out = skein(&[
        "analyze",
        gz.to_str().unwrap(),
        lineage.to_str().unwrap(),
        "--format",
        "text",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(text.contains("Critical path:"), "{text}");
    let path_lines: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Critical path"))
        .skip(1)
        .take(4)
        .collect();
    let ids: Vec<&str> = path_lines
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "tsk-ingest",
            "tsk-branch-a",
            "tsk-synthesis",
            "tsk-evaluate"
        ]
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn bad_usage_and_missing_files_fail_clearly() {
    assert_eq!(skein(&[]).status.code(), Some(2));
    assert_eq!(skein(&["analyze"]).status.code(), Some(2));
    let out = skein(&["analyze", "/nonexistent/spans.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/spans.jsonl"));
}
