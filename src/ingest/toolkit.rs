//! The reader toolkit: the conversions every format reader needs, written once. A reader gets a
//! `RecordCx` (the builder, the source, the line, the source's scratch) and uses it to report
//! what it skips or
//! repairs, to name a span that has no name, to place an event that has no time, and so on;
//! JSON values become attributes, text, integers and ids here. Invariant: a repair made through
//! these helpers is always reported (file, line, what was done), and every reader repairs the
//! same problem the same way.

mod times;

pub use times::{TimeField, TIME_RANGE};

use super::builder::{SpanDraft, TraceBuilder};
use super::formats::SourceScratch;
use crate::model::{
    AttrValue, DiagnosticKind, FileIdx, Severity, SpanId, StatusCode, StrIdx, TimestampNs, TraceId,
};
use base64::Engine;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// The name a span without one is shown with.
pub const UNNAMED: &str = "(unnamed)";
/// The name an event without one is shown with.
pub const UNNAMED_EVENT: &str = "(unnamed event)";

/// One record being read: the builder it goes into and where it came from.
pub struct RecordCx<'a> {
    /// The builder the rows go into.
    pub b: &'a mut TraceBuilder,
    /// The source being read.
    pub source: FileIdx,
    /// 1-based line of the record's first byte.
    pub line: u32,
    /// What readers keep between this source's records (`formats::SourceScratch`).
    pub scratch: &'a mut SourceScratch,
}

impl RecordCx<'_> {
    /// A span draft of this record (defaults for what the format does not say); the events
    /// and links pushed from now on are the span's (`add`).
    pub fn draft(
        &self,
        ids: (TraceId, SpanId),
        name: StrIdx,
        times: (TimestampNs, TimestampNs),
    ) -> SpanDraft {
        SpanDraft::new(self.b, ids, name, times, (self.source, self.line))
    }

    /// Adds the span: its events and links are those pushed since the draft was made.
    pub fn add(&mut self, mut d: SpanDraft) {
        d.events.end = self.b.event_mark();
        d.links.end = self.b.link_mark();
        self.b.add_span(d);
    }

    /// Like `add`, but a span already read with the same ids is replaced (for producers whose
    /// last copy of a record wins; the reader reports the replacement).
    pub fn upsert(&mut self, mut d: SpanDraft) {
        d.events.end = self.b.event_mark();
        d.links.end = self.b.link_mark();
        self.b.upsert_span(d);
    }

    /// Reports a row (or span, event, ...) that was skipped; `message` says what and why.
    pub fn skip(&mut self, kind: DiagnosticKind, message: String) {
        self.b
            .diagnose(Severity::Error, kind, self.source, Some(self.line), message);
    }

    /// Reports a documented repair made to keep a row; `message` says what was done.
    pub fn repair(&mut self, kind: DiagnosticKind, message: String) {
        self.b.diagnose(
            Severity::Repaired,
            kind,
            self.source,
            Some(self.line),
            message,
        );
    }

    /// The span's name interned, or "(unnamed)" (reported) when it has none or an empty one.
    pub fn span_name(&mut self, name: Option<&str>, span: SpanId) -> StrIdx {
        self.named(name, UNNAMED, || format!("span {span}: missing name"))
    }

    /// An event's name interned, or "(unnamed event)" (reported) when it has none.
    pub fn event_name(&mut self, name: Option<&str>, span: SpanId) -> StrIdx {
        self.named(name, UNNAMED_EVENT, || {
            format!("span {span}: an event has no name")
        })
    }

    fn named(&mut self, name: Option<&str>, fallback: &str, what: impl Fn() -> String) -> StrIdx {
        match name {
            Some(n) if !n.is_empty() => self.b.intern(n),
            _ => {
                let message = format!("{}; shown as \"{fallback}\"", what());
                self.repair(DiagnosticKind::MissingField, message);
                self.b.intern(fallback)
            }
        }
    }

    /// An event's name where the format allows none (OTLP: proto3 leaves an empty name out),
    /// shown as "(unnamed event)" with nothing to report.
    pub fn optional_event_name(&mut self, name: Option<&str>) -> StrIdx {
        self.b
            .intern(name.filter(|n| !n.is_empty()).unwrap_or(UNNAMED_EVENT))
    }

    /// An event's time, or the span's start (reported) when it has no readable one.
    pub fn event_time(
        &mut self,
        time: Option<TimestampNs>,
        span: SpanId,
        start: TimestampNs,
    ) -> TimestampNs {
        time.unwrap_or_else(|| {
            self.repair(
                DiagnosticKind::BadValue,
                format!("span {span}: an event has no readable time; placed at the span start"),
            );
            start
        })
    }

    /// A span's end, or its start (an instant, reported) when it has no readable end;
    /// `missing` names what is missing in the format's words (`no endTime`, `no duration`).
    pub fn end_or_instant(
        &mut self,
        end: Option<TimestampNs>,
        span: SpanId,
        start: TimestampNs,
        missing: &str,
    ) -> TimestampNs {
        end.unwrap_or_else(|| {
            self.repair(
                DiagnosticKind::MissingField,
                format!("span {span} has {missing} (incomplete); drawn as an instant"),
            );
            start
        })
    }

    /// The parent id read from `text` by `parse`, or none (a root, reported) when the text is
    /// there but not an id. No text, or an empty one, is simply a root.
    pub fn parent_id(
        &mut self,
        text: Option<&str>,
        parse: impl Fn(&str) -> Option<SpanId>,
        span: SpanId,
        field: &str,
    ) -> SpanId {
        match text.map(str::trim) {
            None | Some("") => SpanId(0),
            Some(p) => parse(p).unwrap_or_else(|| {
                self.repair(
                    DiagnosticKind::BadValue,
                    format!("span {span}: {field} {p:?} is not an id; shown as a root"),
                );
                SpanId(0)
            }),
        }
    }

    /// Sets the draft's status and, when there is one, its status message.
    pub fn set_status(
        &mut self,
        d: &mut SpanDraft,
        code: Option<StatusCode>,
        message: Option<&str>,
    ) {
        d.status = code.unwrap_or_default();
        if let Some(m) = message.filter(|m| !m.is_empty()) {
            d.status_message = self.b.intern(m);
        }
    }

    /// Adds a link of the span being read to `ids`, with the attributes `attributes` pushes;
    /// a link without readable ids is dropped (reported).
    pub fn link(
        &mut self,
        span: SpanId,
        ids: Option<(TraceId, SpanId)>,
        attributes: impl FnOnce(&mut TraceBuilder) -> std::ops::Range<u32>,
    ) {
        match ids {
            Some(ids) => {
                let attributes = attributes(self.b);
                self.b.add_link(ids, attributes);
            }
            None => self.link_dropped(span),
        }
    }

    /// Reports a link that names no readable trace or span id (it is dropped).
    pub fn link_dropped(&mut self, span: SpanId) {
        self.repair(
            DiagnosticKind::BadValue,
            format!("span {span}: a link has no readable trace and span id; link dropped"),
        );
    }
}

/// A JSON object's entries in file order, values left as raw JSON text (`null` = no entries).
#[derive(Debug, Default)]
pub struct Entries<'a>(pub Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Entries<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Entries<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<'a>, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<Cow<'de, str>>()? {
                    let v: &'de RawValue = map.next_value()?;
                    out.push((k, v));
                }
                Ok(Entries(out))
            }
            fn visit_unit<E>(self) -> Result<Entries<'a>, E> {
                Ok(Entries::default())
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// Raw JSON as an attribute value; `None` for `null`. Integers stay exact (beyond i64 they
/// keep their digits as text), strings are interned, arrays and objects keep their JSON text.
pub fn attr_from_raw(b: &mut TraceBuilder, raw: &RawValue) -> Option<AttrValue> {
    let text = raw.get();
    let first = *text.as_bytes().first()?;
    Some(match first {
        b'"' => {
            let s: Cow<str> = serde_json::from_str(text).ok()?;
            AttrValue::Str(b.intern(&s))
        }
        b't' => AttrValue::Bool(true),
        b'f' => AttrValue::Bool(false),
        b'n' => return None,
        b'[' | b'{' => AttrValue::Json(b.intern(text)),
        _ => number_from_text(b, text)?,
    })
}

fn number_from_text(b: &mut TraceBuilder, text: &str) -> Option<AttrValue> {
    if text.bytes().any(|c| matches!(c, b'.' | b'e' | b'E')) {
        return text.parse::<f64>().ok().map(AttrValue::Float);
    }
    match text.parse::<i64>() {
        Ok(v) => Some(AttrValue::Int(v)),
        // beyond i64: keep the exact digits rather than a rounded float
        Err(_) => Some(AttrValue::Json(b.intern(text))),
    }
}

/// A parsed JSON value as an attribute value, by the same rules as `attr_from_raw`.
pub fn attr_from_json(b: &mut TraceBuilder, v: &Value) -> Option<AttrValue> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(x) => AttrValue::Bool(*x),
        Value::String(s) => AttrValue::Str(b.intern(s)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => AttrValue::Int(i),
            None if n.is_f64() => AttrValue::Float(n.as_f64().unwrap_or(f64::NAN)),
            None => AttrValue::Json(b.intern(&n.to_string())),
        },
        other => AttrValue::Json(b.intern(&other.to_string())),
    })
}

/// Pushes raw `key: value` entries as attributes (nulls left out); returns their range.
pub fn push_raw_attrs(b: &mut TraceBuilder, entries: &Entries<'_>) -> std::ops::Range<u32> {
    let a0 = b.attr_mark();
    for (k, v) in &entries.0 {
        let key = b.intern(k);
        if let Some(value) = attr_from_raw(b, v) {
            b.push_attr(key, value);
        }
    }
    a0..b.attr_mark()
}

/// Pushes parsed `key: value` pairs as attributes (nulls left out); returns their range.
pub fn push_json_attrs<'a>(
    b: &mut TraceBuilder,
    entries: impl IntoIterator<Item = (&'a String, &'a Value)>,
) -> std::ops::Range<u32> {
    let a0 = b.attr_mark();
    for (k, v) in entries {
        let key = b.intern(k);
        if let Some(value) = attr_from_json(b, v) {
            b.push_attr(key, value);
        }
    }
    a0..b.attr_mark()
}

/// The text of a JSON value: a string as written, `null` as nothing, anything else as its
/// compact JSON (numbers as written).
pub fn json_text(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s.as_str()),
        Value::Null => Cow::Borrowed(""),
        other => Cow::Owned(other.to_string()),
    }
}

/// An integer written as a JSON number or as a decimal string (OTLP's `"1700000000123456789"`),
/// exact beyond 2^53; `None` for anything else, fractions included.
pub fn json_int(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => s.trim().parse::<i64>().ok(),
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_u64().and_then(|u| i64::try_from(u).ok())),
        _ => None,
    }
}

/// Nanoseconds from microseconds written as a JSON number, integer (exact) or fraction
/// (rounded to the ns); `None` for anything else or out of range.
pub fn json_micros(v: &Value) -> Option<i64> {
    json_units(v, 1_000)
}

/// Nanoseconds from milliseconds written as a JSON number (pflow's `duration_ms`, 2 decimals),
/// integer (exact) or fraction (rounded to the ns); `None` for anything else or out of range.
pub fn json_millis(v: &Value) -> Option<i64> {
    json_units(v, 1_000_000)
}

fn json_units(v: &Value, unit_ns: i64) -> Option<i64> {
    let n = v.as_number()?;
    match n.as_i64() {
        Some(whole) => whole.checked_mul(unit_ns),
        None => TimestampNs::from_fraction(n.as_f64()?, unit_ns).map(|t| t.0),
    }
}

/// A status written as text (`ERROR`, `STATUS_CODE_OK`, ...) or as the OTLP number.
pub fn json_status(v: &Value) -> Option<StatusCode> {
    match v {
        Value::Number(n) => StatusCode::from_number(n.as_u64()?),
        Value::String(s) => StatusCode::parse_name(s),
        _ => None,
    }
}

/// The bits of an id written as `bytes * 2` hex digits (any case) or as base64 of `bytes` raw
/// bytes (protojson, MLflow).
pub fn hex_or_base64_bits(text: &str, bytes: usize) -> Option<u128> {
    let t = text.trim();
    if t.len() == bytes * 2 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return u128::from_str_radix(t, 16).ok();
    }
    let raw = base64::engine::general_purpose::STANDARD.decode(t).ok()?;
    if raw.len() != bytes {
        return None;
    }
    Some(raw.iter().fold(0u128, |acc, b| (acc << 8) | u128::from(*b)))
}

/// A trace id as 32 hex digits or base64 of 16 bytes.
pub fn hex_or_base64_trace_id(text: &str) -> Option<TraceId> {
    hex_or_base64_bits(text, 16).map(TraceId)
}

/// A span id as 16 hex digits or base64 of 8 bytes; zero (the invalid id) is rejected.
pub fn hex_or_base64_span_id(text: &str) -> Option<SpanId> {
    hex_or_base64_bits(text, 8)
        .map(|v| SpanId(v as u64))
        .filter(|s| s.0 != 0)
}

/// A parent span id written like a span id (hex or base64); all zeros means "no parent".
pub fn hex_or_base64_parent_id(text: &str) -> Option<SpanId> {
    hex_or_base64_bits(text, 8).map(|v| SpanId(v as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_stay_exact_and_text_reads_plainly() {
        let big: Value = serde_json::from_str("1795314401377266186").unwrap();
        assert_eq!(json_int(&big), Some(1_795_314_401_377_266_186));
        assert_eq!(
            json_int(&Value::from("1795314401377266186")),
            Some(1_795_314_401_377_266_186)
        );
        assert_eq!(json_int(&Value::from(1.5)), None);
        assert_eq!(json_micros(&Value::from(1.5)), Some(1_500));
        assert_eq!(json_micros(&Value::from(7)), Some(7_000));
        assert_eq!(json_millis(&Value::from(12.34)), Some(12_340_000));
        assert_eq!(json_millis(&Value::from(3)), Some(3_000_000));
        assert_eq!(json_millis(&Value::from("3")), None);
        assert_eq!(json_text(&Value::from("a")), "a");
        assert_eq!(json_text(&Value::from(12)), "12");
        assert_eq!(json_text(&Value::Null), "");
        assert_eq!(json_text(&serde_json::json!([1, "x"])), r#"[1,"x"]"#);
        assert_eq!(json_status(&Value::from(2)), Some(StatusCode::Error));
        assert_eq!(
            json_status(&Value::from("STATUS_CODE_OK")),
            Some(StatusCode::Ok)
        );
    }

    #[test]
    fn ids_read_as_hex_or_base64() {
        assert_eq!(
            hex_or_base64_span_id("00f067aa0ba902b7"),
            Some(SpanId(0x00f0_67aa_0ba9_02b7))
        );
        assert_eq!(
            hex_or_base64_span_id("APBnqgupArc="),
            Some(SpanId(0x00f0_67aa_0ba9_02b7))
        );
        assert_eq!(hex_or_base64_span_id("AAAAAAAAAAA="), None, "zero is no id");
        assert_eq!(hex_or_base64_trace_id("abc"), None);
    }
}
