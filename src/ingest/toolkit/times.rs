//! The reader toolkit's times: a record's time field read as what it holds (a time, nothing,
//! a value out of range, something that is no time), so that every reader reports each case
//! the same way. Invariant: a value that i64 nanoseconds cannot hold (an instant outside
//! 1677-09-21..2262-04-11, a duration over 292 years, an end past that range) is `OutOfRange`
//! and reported, never saturated or clamped.

use super::RecordCx;
use crate::model::iso8601::{self, IsoError};
use crate::model::{DiagnosticKind, SpanId, TimestampNs};
use serde_json::Value;

/// The range nanosecond times hold, as said in messages.
pub const TIME_RANGE: &str = "times must lie between 1677-09-21 and 2262-04-11";

/// What one time (or duration) field of a record held.
#[derive(Debug, Clone, PartialEq)]
pub enum TimeField {
    /// No such field, or `null`.
    Missing,
    /// A usable value, in nanoseconds.
    Ns(i64),
    /// A real number or date-time that i64 nanoseconds cannot hold: the value as written.
    OutOfRange(String),
    /// Something that is no time at all: why.
    Unreadable(String),
}

fn scaled(whole: i64, unit_ns: i64, written: impl FnOnce() -> String) -> TimeField {
    match whole.checked_mul(unit_ns) {
        Some(ns) => TimeField::Ns(ns),
        None => TimeField::OutOfRange(written()),
    }
}

/// True for an optional sign and digits only (an integer, whatever its size).
fn is_integer_text(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

impl TimeField {
    /// A JSON number, or a string of a decimal integer (OTLP and MLflow write ns as strings),
    /// counting `unit_ns` nanoseconds per unit; fractions of a number are rounded to the ns.
    pub fn from_json(v: Option<&Value>, unit_ns: i64) -> TimeField {
        match v {
            None | Some(Value::Null) => TimeField::Missing,
            Some(Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => scaled(i, unit_ns, || n.to_string()),
                // a u64 past i64, or a float: exact when it fits, else out of range
                (None, Some(f)) => match TimestampNs::from_fraction(f, unit_ns) {
                    Some(t) if n.is_f64() => TimeField::Ns(t.0),
                    _ => TimeField::OutOfRange(n.to_string()),
                },
                (None, None) => TimeField::OutOfRange(n.to_string()),
            },
            Some(Value::String(s)) => {
                let t = s.trim();
                match t.parse::<i64>() {
                    Ok(i) => scaled(i, unit_ns, || t.to_string()),
                    Err(_) if is_integer_text(t) => TimeField::OutOfRange(t.to_string()),
                    Err(_) => TimeField::Unreadable(format!("{s:?} is not a whole number")),
                }
            }
            Some(other) => TimeField::Unreadable(format!("{other} is not a number")),
        }
    }

    /// A count of `unit_ns`-nanosecond units read as an integer (typed rows).
    pub fn from_units(v: Option<i64>, unit_ns: i64) -> TimeField {
        match v {
            None => TimeField::Missing,
            Some(i) => scaled(i, unit_ns, || i.to_string()),
        }
    }

    /// An ISO 8601 / RFC 3339 date-time (`iso8601::parse`, which says why a text is none).
    pub fn from_iso(text: Option<&str>) -> TimeField {
        match text {
            None => TimeField::Missing,
            Some(t) => match iso8601::parse(t) {
                Ok(ts) => TimeField::Ns(ts.0),
                Err(IsoError::OutOfRange) => TimeField::OutOfRange(format!("{t:?}")),
                Err(e) => TimeField::Unreadable(format!("{t:?} is {e}")),
            },
        }
    }

    /// The value in ns, when it is one.
    pub fn ns(&self) -> Option<i64> {
        match self {
            TimeField::Ns(v) => Some(*v),
            _ => None,
        }
    }

    /// The instant `self` after `start` when `self` is a duration: out of range when the sum
    /// is (a span of year 2262 lasting a day), never saturated.
    pub fn after(self, start: TimestampNs) -> TimeField {
        match self {
            TimeField::Ns(d) => match start.0.checked_add(d) {
                Some(end) => TimeField::Ns(end),
                None => TimeField::OutOfRange(format!("{} ns + {d} ns", start.0)),
            },
            other => other,
        }
    }
}

impl RecordCx<'_> {
    /// A time the span cannot do without (its start): the time, or `None` with the span
    /// skipped and reported (missing, out of range, unreadable). `what` names the span and its
    /// field as the format says it, e.g. `Zipkin span 00f0…: timestamp`.
    pub fn required_time(&mut self, t: TimeField, what: &str) -> Option<TimestampNs> {
        let (kind, message) = match t {
            TimeField::Ns(ns) => return Some(TimestampNs(ns)),
            TimeField::Missing => (DiagnosticKind::MissingField, format!("{what} is missing")),
            TimeField::OutOfRange(v) => (
                DiagnosticKind::BadValue,
                format!("{what} {v} is out of range ({TIME_RANGE})"),
            ),
            TimeField::Unreadable(why) => (DiagnosticKind::BadValue, format!("{what}: {why}")),
        };
        self.skip(kind, format!("{message}; span skipped"));
        None
    }

    /// A span's end: the time; when it has none (`missing` says what, in the format's words)
    /// an instant at `start` (reported by `end_or_instant`); when it is out of range or
    /// unreadable, `None` with the span skipped and reported.
    pub fn end_time(
        &mut self,
        t: TimeField,
        span: SpanId,
        start: TimestampNs,
        missing: &str,
    ) -> Option<TimestampNs> {
        match t {
            TimeField::Missing => Some(self.end_or_instant(None, span, start, missing)),
            other => self.required_time(other, &format!("span {span}: its end")),
        }
    }

    /// An event's time, or its span's start (reported) when it has no usable one; a time out
    /// of range says so.
    pub fn event_time_field(
        &mut self,
        t: TimeField,
        span: SpanId,
        start: TimestampNs,
    ) -> TimestampNs {
        match t {
            TimeField::Ns(ns) => TimestampNs(ns),
            TimeField::OutOfRange(v) => {
                let m = format!(
                    "span {span}: an event's time {v} is out of range ({TIME_RANGE}); placed at the span start"
                );
                self.repair(DiagnosticKind::BadValue, m);
                start
            }
            TimeField::Missing | TimeField::Unreadable(_) => self.event_time(None, span, start),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_and_strings_read_exactly_and_nothing_is_clamped() {
        let us = 1_000;
        let year_9999_us = json!(253_402_300_799_000_000i64);
        assert_eq!(
            TimeField::from_json(Some(&year_9999_us), us),
            TimeField::OutOfRange("253402300799000000".into())
        );
        assert_eq!(
            TimeField::from_json(Some(&json!(1_700_000_000_000_000i64)), us),
            TimeField::Ns(1_700_000_000_000_000_000)
        );
        assert_eq!(
            TimeField::from_json(Some(&json!("18446744073709551615")), 1),
            TimeField::OutOfRange("18446744073709551615".into())
        );
        assert_eq!(
            TimeField::from_json(Some(&json!(u64::MAX)), 1),
            TimeField::OutOfRange("18446744073709551615".into())
        );
        assert_eq!(
            TimeField::from_json(Some(&json!(1.5)), us),
            TimeField::Ns(1_500)
        );
        assert_eq!(
            TimeField::from_json(Some(&json!(1e300)), us),
            TimeField::OutOfRange("1e+300".into())
        );
        assert!(matches!(
            TimeField::from_json(Some(&json!("soon")), 1),
            TimeField::Unreadable(_)
        ));
        assert_eq!(
            TimeField::from_json(Some(&Value::Null), 1),
            TimeField::Missing
        );
        assert_eq!(
            TimeField::from_units(Some(i64::MAX / 10), us),
            TimeField::OutOfRange((i64::MAX / 10).to_string())
        );
        assert_eq!(
            TimeField::from_iso(Some("9999-12-31T23:59:59Z")),
            TimeField::OutOfRange("\"9999-12-31T23:59:59Z\"".into())
        );
        let near_end = TimestampNs(i64::MAX - 10);
        assert!(matches!(
            TimeField::Ns(11).after(near_end),
            TimeField::OutOfRange(_)
        ));
        assert_eq!(TimeField::Ns(10).after(near_end), TimeField::Ns(i64::MAX));
    }
}
