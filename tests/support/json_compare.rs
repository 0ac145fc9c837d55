//! Compares analysis JSON with a reference analyzer's output: same keys and strings, numbers
//! within a tolerance, and event-type summaries compared as maps keyed by event type (the
//! reference iterates a set there, so its order is arbitrary).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Map, Value};

const SUMMARY_KEYS: [&str; 2] = ["hardware_summary", "network_summary"];

fn summary_as_map(v: &Value) -> Value {
    let o = v.as_object().unwrap();
    let names = o["event_type"].as_array().unwrap();
    let mut out = Map::new();
    for (i, n) in names.iter().enumerate() {
        let mut row = Map::new();
        for (k, col) in o {
            if k != "event_type" {
                row.insert(k.clone(), col[i].clone());
            }
        }
        out.insert(n.as_str().unwrap().to_string(), Value::Object(row));
    }
    Value::Object(out)
}

/// Differences between `got` and `want` (empty when equal within `tol`).
pub fn diff(got: &Value, want: &Value, tol: f64, path: &str, out: &mut Vec<String>) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            let mut gk: Vec<_> = g.keys().collect();
            let mut wk: Vec<_> = w.keys().collect();
            gk.sort();
            wk.sort();
            if gk != wk {
                out.push(format!("{path}: keys {gk:?} != {wk:?}"));
                return;
            }
            for (k, wv) in w {
                let p = format!("{path}.{k}");
                if SUMMARY_KEYS.contains(&k.as_str()) {
                    diff(&summary_as_map(&g[k]), &summary_as_map(wv), tol, &p, out);
                } else {
                    diff(&g[k], wv, tol, &p, out);
                }
            }
        }
        (Value::Array(g), Value::Array(w)) => {
            if g.len() != w.len() {
                out.push(format!("{path}: length {} != {}", g.len(), w.len()));
                return;
            }
            for (i, (a, b)) in g.iter().zip(w).enumerate() {
                diff(a, b, tol, &format!("{path}[{i}]"), out);
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            if (a - b).abs() > tol {
                out.push(format!("{path}: {a} != {b}"));
            }
        }
        _ => {
            if got != want {
                out.push(format!("{path}: {got} != {want}"));
            }
        }
    }
}
