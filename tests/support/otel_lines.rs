//! Reading OTel SDK JSON lines without Skein: plain serde_json and a timestamp parser of our
//! own, so tests can count and sum spans independently of the model.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use serde_json::Value;

/// Every JSON object of a JSON Lines file.
pub fn lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` as epoch nanoseconds.
pub fn iso_ns(text: &str) -> i64 {
    let t = text.strip_suffix('Z').unwrap();
    let (date, time) = t.split_once('T').unwrap();
    let d: Vec<i64> = date.split('-').map(|x| x.parse().unwrap()).collect();
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let h: Vec<i64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
    let frac_ns: i64 = format!("{frac:0<9}")[..9].parse().unwrap();
    // days since 1970-01-01, counting month lengths directly
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mut days: i64 = (1970..d[0]).map(|y| if leap(y) { 366 } else { 365 }).sum();
    let month_days = [
        31,
        if leap(d[0]) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    days += month_days[..(d[1] - 1) as usize].iter().sum::<i64>() + d[2] - 1;
    ((days * 24 + h[0]) * 60 + h[1]) * 60 * 1_000_000_000 + h[2] * 1_000_000_000 + frac_ns
}

/// A span line's duration, ns.
pub fn duration_ns(v: &Value) -> i64 {
    iso_ns(v["end_time"].as_str().unwrap()) - iso_ns(v["start_time"].as_str().unwrap())
}
