//! JSON log lines (structlog and similar: one object per line with a message, a timestamp and
//! trace/span ids; FORMATS.md §11). Rules: the message is `event`, `msg` or `message`; the time
//! is `timestamp`/`time`/`ts` as ISO-8601 or epoch seconds/ms/µs/ns (told apart by magnitude);
//! ids come from `trace_id`/`span_id` (or `traceId`/`spanId`, `otelTraceID`/`otelSpanID`) and
//! are normalised like span ids; other fields are kept as attributes. Lines are joined to their
//! spans after everything is read (logs and spans may come in any order, in any files).

use super::detect::Keys;
use super::formats::Reader;
use super::toolkit::{attr_from_json, RecordCx, TimeField, TIME_RANGE};
use crate::model::{DiagnosticKind, LogEntry, SpanId, StrIdx, TimestampNs, TraceId};
use serde_json::{Map, Value};

/// The JSON log reader: a message key with a time or trace/span ids.
pub const READER: Reader = Reader::new("JSON log", is_log_line, read_line);

fn is_log_line(k: &Keys) -> bool {
    k.has_any(&MESSAGE) && k.has_any(&["timestamp", "time", "ts", "trace_id", "span_id"])
}

const MESSAGE: [&str; 3] = ["event", "msg", "message"];
const TIME: [&str; 3] = ["timestamp", "time", "ts"];
const TRACE: [&str; 3] = ["trace_id", "traceId", "otelTraceID"];
const SPAN: [&str; 3] = ["span_id", "spanId", "otelSpanID"];

/// Epoch seconds, ms, µs or ns (told apart by magnitude: s ~1.7e9, ms ~1.7e12, µs ~1.7e15,
/// ns ~1.7e18) to ns; integers stay exact, fractions are split off before scaling.
fn epoch(n: &serde_json::Number) -> Option<TimestampNs> {
    if let Some(i) = n.as_i64() {
        return match i.unsigned_abs() {
            v if v > 100_000_000_000_000_000 => Some(TimestampNs(i)),
            v if v > 100_000_000_000_000 => TimestampNs::from_micros(i),
            v if v > 100_000_000_000 => TimestampNs::from_millis(i),
            _ => TimestampNs::from_secs(i),
        };
    }
    let f = n.as_f64()?;
    let unit_ns = match f.abs() {
        v if v > 1e17 => 1,
        v if v > 1e14 => 1_000,
        v if v > 1e11 => 1_000_000,
        _ => 1_000_000_000,
    };
    TimestampNs::from_fraction(f, unit_ns)
}

fn first<'a>(o: &'a Map<String, Value>, keys: &[&str]) -> Option<(&'a str, &'a Value)> {
    keys.iter()
        .find_map(|k| o.get_key_value(*k).map(|(k, v)| (k.as_str(), v)))
}

/// Reads one log line.
fn read_line(cx: &mut RecordCx<'_>, bytes: &[u8]) -> Result<(), serde_json::Error> {
    let Value::Object(o) = serde_json::from_slice::<Value>(bytes)? else {
        return Err(serde::de::Error::custom("a log line is a JSON object"));
    };
    let time = match first(&o, &TIME).map(|(_, v)| v) {
        Some(Value::String(s)) => TimeField::from_iso(Some(s)),
        Some(Value::Number(n)) => match epoch(n) {
            Some(t) => TimeField::Ns(t.0),
            None => TimeField::OutOfRange(n.to_string()),
        },
        _ => TimeField::Missing,
    };
    let time = match time {
        TimeField::Ns(ns) => TimestampNs(ns),
        TimeField::OutOfRange(v) => {
            let m = format!("log line's timestamp {v} is out of range ({TIME_RANGE}); skipped");
            cx.skip(DiagnosticKind::BadValue, m);
            return Ok(());
        }
        TimeField::Missing | TimeField::Unreadable(_) => {
            let m = "log line without a readable timestamp; skipped".to_string();
            cx.skip(DiagnosticKind::MissingField, m);
            return Ok(());
        }
    };
    let text = |keys: &[&str]| {
        first(&o, keys)
            .and_then(|(_, v)| v.as_str())
            .map(str::to_string)
    };
    let trace_id = id(cx, text(&TRACE), TraceId::parse_hex, "trace id");
    let span_id = id(cx, text(&SPAN), SpanId::parse_hex, "span id");
    let b = &mut *cx.b;
    let message = b.intern(&text(&MESSAGE).unwrap_or_default());
    let level = text(&["level", "severity", "levelname"]).map_or(StrIdx(0), |l| b.intern(&l));
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
        if let Some(value) = attr_from_json(b, v) {
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
        source: cx.source,
        line: cx.line,
    });
    Ok(())
}

/// An id the line names, parsed; one that is not hex is reported (the line is then not joined
/// to a span by it).
fn id<T>(
    cx: &mut RecordCx<'_>,
    text: Option<String>,
    parse: impl Fn(&str) -> Option<T>,
    what: &str,
) -> Option<T> {
    let text = text.filter(|t| !t.is_empty())?;
    let id = parse(&text);
    if id.is_none() {
        cx.repair(
            DiagnosticKind::BadValue,
            format!("log line's {what} {text:?} is not hex; not joined by it"),
        );
    }
    id
}
