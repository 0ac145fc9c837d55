//! JSON log lines (structlog and similar: one object per line with a message, a timestamp and
//! trace/span ids; FORMATS.md §11). Rules: the message is `event`, `msg` or `message`; the time
//! is `timestamp`/`time`/`ts` as ISO-8601 or epoch seconds/ms/µs/ns (told apart by magnitude);
//! ids come from `trace_id`/`span_id` (or `traceId`/`spanId`, `otelTraceID`/`otelSpanID`) and
//! are normalised like span ids; other fields are kept as attributes. Lines are joined to their
//! spans after everything is read (logs and spans may come in any order, in any files).

use super::builder::TraceBuilder;
use super::json_value::value_attr;
use crate::model::{
    time::parse_iso8601, DiagnosticKind, FileIdx, LogEntry, Severity, SpanId, StrIdx, TimestampNs,
    TraceId,
};
use serde_json::{Map, Value};

const MESSAGE: [&str; 3] = ["event", "msg", "message"];
const TIME: [&str; 3] = ["timestamp", "time", "ts"];
const TRACE: [&str; 3] = ["trace_id", "traceId", "otelTraceID"];
const SPAN: [&str; 3] = ["span_id", "spanId", "otelSpanID"];

/// Epoch seconds, ms, µs or ns (told apart by magnitude: s ~1.7e9, ms ~1.7e12, µs ~1.7e15,
/// ns ~1.7e18) to ns; integers stay exact, fractions are split off before scaling.
fn epoch(n: &serde_json::Number) -> Option<TimestampNs> {
    if let Some(i) = n.as_i64() {
        let scale = match i.unsigned_abs() {
            v if v > 100_000_000_000_000_000 => 1,
            v if v > 100_000_000_000_000 => 1_000,
            v if v > 100_000_000_000 => 1_000_000,
            _ => 1_000_000_000,
        };
        return i.checked_mul(scale).map(TimestampNs);
    }
    let f = n.as_f64()?;
    let (scale, a) = match f.abs() {
        v if v > 1e17 => (1.0, f),
        v if v > 1e14 => (1e3, f),
        v if v > 1e11 => (1e6, f),
        _ => (1e9, f),
    };
    let whole = a.trunc();
    Some(TimestampNs(
        (whole as i64).checked_mul(scale as i64)? + ((a - whole) * scale).round() as i64,
    ))
}

fn first<'a>(o: &'a Map<String, Value>, keys: &[&str]) -> Option<(&'a str, &'a Value)> {
    keys.iter()
        .find_map(|k| o.get_key_value(*k).map(|(k, v)| (k.as_str(), v)))
}

/// Reads one log line.
pub fn read_line(
    b: &mut TraceBuilder,
    source: FileIdx,
    line: u32,
    bytes: &[u8],
) -> Result<(), serde_json::Error> {
    let Value::Object(o) = serde_json::from_slice::<Value>(bytes)? else {
        return Err(serde::de::Error::custom("a log line is a JSON object"));
    };
    let time = match first(&o, &TIME).map(|(_, v)| v) {
        Some(Value::String(s)) => parse_iso8601(s),
        Some(Value::Number(n)) => epoch(n),
        _ => None,
    };
    let Some(time) = time else {
        b.diagnose(
            Severity::Error,
            DiagnosticKind::MissingField,
            source,
            Some(line),
            "log line without a readable timestamp; skipped".into(),
        );
        return Ok(());
    };
    let text = |keys: &[&str]| {
        first(&o, keys)
            .and_then(|(_, v)| v.as_str())
            .map(str::to_string)
    };
    let message = b.intern(&text(&MESSAGE).unwrap_or_default());
    let level = text(&["level", "severity", "levelname"]).map_or(StrIdx(0), |l| b.intern(&l));
    let trace_id = text(&TRACE).and_then(|t| TraceId::parse_hex(&t));
    let span_id = text(&SPAN).and_then(|s| SpanId::parse_hex(&s));
    let skip: Vec<&str> = MESSAGE
        .iter()
        .chain(&TIME)
        .chain(&TRACE)
        .chain(&SPAN)
        .chain(&["level", "severity", "levelname"])
        .copied()
        .collect();
    let a0 = b.attr_mark();
    for (k, v) in &o {
        if skip.contains(&k.as_str()) {
            continue;
        }
        let key = b.intern(k);
        if let Some(value) = value_attr(b, v) {
            b.push_attr(key, value);
        }
    }
    let attributes = a0..b.attr_mark();
    b.add_log(LogEntry {
        time,
        level,
        message,
        trace_id,
        span_id,
        span: None,
        attributes,
        source,
        line,
    });
    Ok(())
}
