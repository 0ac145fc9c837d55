//! Every date-time string written in the shared fixtures (OTel SDK, FlowMesh rows, Langfuse,
//! structlog, pflow, Google Cloud Trace...) parses, to the instant Python's
//! `datetime.fromisoformat` (the reference, run by the test) gives, to the microsecond.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use serde_json::Value;
use skein::model::iso8601::parse;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use support::shared;

/// A loose date-time shape: `YYYY-MM-DD` then `T`, `t` or a space, then `HH:MM`.
fn looks_like_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 16
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b't' | b' ')
        && b[13] == b':'
}

fn strings_in(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) if looks_like_date_time(s) => {
            out.insert(s.clone());
        }
        Value::Array(a) => a.iter().for_each(|x| strings_in(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings_in(x, out)),
        _ => {}
    }
}

fn walk(dir: &Path, out: &mut BTreeSet<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if let Ok(bytes) = std::fs::read(&p) {
            // one document, JSON Lines or values back to back; text that is no JSON is skipped
            for v in serde_json::Deserializer::from_slice(&bytes)
                .into_iter::<Value>()
                .map_while(Result::ok)
            {
                strings_in(&v, out);
            }
        }
    }
}

/// Python's reading of each text as µs since the epoch (naive = UTC), one per line.
fn python_micros(texts: &[String]) -> Vec<i64> {
    let script = r#"
import sys
from datetime import datetime, timezone
for line in sys.stdin.read().splitlines():
    t = datetime.fromisoformat(line.upper())
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    d = t - datetime(1970, 1, 1, tzinfo=timezone.utc)
    print((d.days * 86400 + d.seconds) * 1000000 + d.microseconds)
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 (the reference parser)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(texts.join("\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect()
}

#[test]
fn every_date_time_in_the_fixtures_parses_to_the_reference_instant() {
    let mut found = BTreeSet::new();
    walk(&shared(""), &mut found);
    let texts: Vec<String> = found.into_iter().collect();
    assert!(texts.len() > 1000, "only {} date-times found", texts.len());
    let shapes: BTreeSet<String> = texts
        .iter()
        .map(|t| {
            t.chars()
                .map(|c| if c.is_ascii_digit() { '9' } else { c })
                .collect()
        })
        .collect();
    assert!(
        shapes.len() >= 5,
        "the fixtures hold several shapes: {shapes:?}"
    );
    let reference = python_micros(&texts);
    for (text, want) in texts.iter().zip(reference) {
        let ours = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(ours.as_micros_floor(), want, "{text:?}");
    }
}
