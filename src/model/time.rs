//! Time as integer nanoseconds: `TimestampNs` (epoch) and `DurationNs`, ISO-8601 parsing and
//! readable formatting. Invariant: no f64 ever holds an epoch time; f64 appears only for
//! offsets from a nearby origin (see `layout::time_scale`).

use std::fmt;

/// Nanoseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TimestampNs(pub i64);

/// A length of time in nanoseconds; may be negative when it is a difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DurationNs(pub i64);

impl TimestampNs {
    /// Time elapsed from `earlier` to `self`.
    pub fn since(self, earlier: TimestampNs) -> DurationNs {
        DurationNs(self.0.saturating_sub(earlier.0))
    }

    /// This timestamp moved by `d`.
    pub fn plus(self, d: DurationNs) -> TimestampNs {
        TimestampNs(self.0.saturating_add(d.0))
    }

    /// Microseconds since the epoch, truncated toward negative infinity.
    pub fn as_micros_floor(self) -> i64 {
        self.0.div_euclid(1_000)
    }

    /// Seconds since the epoch; `None` outside the range of i64 ns (years 1677..2262).
    pub fn from_secs(s: i64) -> Option<TimestampNs> {
        s.checked_mul(NS_PER_SEC).map(TimestampNs)
    }

    /// Milliseconds since the epoch; `None` outside the i64 ns range.
    pub fn from_millis(ms: i64) -> Option<TimestampNs> {
        ms.checked_mul(1_000_000).map(TimestampNs)
    }

    /// Microseconds since the epoch; `None` outside the i64 ns range.
    pub fn from_micros(us: i64) -> Option<TimestampNs> {
        us.checked_mul(1_000).map(TimestampNs)
    }

    /// Fractional seconds, ms or µs since the epoch (`unit_ns` ns per unit): the whole units
    /// are scaled exactly, the fraction is rounded to the nearest ns; `None` when not finite
    /// or out of range.
    pub fn from_fraction(value: f64, unit_ns: i64) -> Option<TimestampNs> {
        if !value.is_finite() || value.abs() >= i64::MAX as f64 {
            return None;
        }
        let whole = value.trunc();
        let frac = ((value - whole) * unit_ns as f64).round() as i64;
        (whole as i64)
            .checked_mul(unit_ns)?
            .checked_add(frac)
            .map(TimestampNs)
    }
}

impl DurationNs {
    /// Microseconds; `None` outside the i64 ns range.
    pub fn from_micros(us: i64) -> Option<DurationNs> {
        us.checked_mul(1_000).map(DurationNs)
    }

    /// Seconds as f64, for display and FlowMesh-compatible JSON only.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }
}

const NS_PER_SEC: i64 = 1_000_000_000;

/// (year, month, day) of a day count since 1970-01-01; inverse of `iso8601::days_from_civil`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Parses an ISO 8601 / RFC 3339 date-time (`super::iso8601::parse`, which also says why a text
/// is not one); a missing offset reads as UTC.
pub fn parse_iso8601(text: &str) -> Option<TimestampNs> {
    super::iso8601::parse(text).ok()
}

/// ISO-8601 UTC text with nanoseconds, e.g. `2026-11-22T02:26:41.457292000Z`.
pub fn format_iso8601(t: TimestampNs) -> String {
    let secs = t.0.div_euclid(NS_PER_SEC);
    let ns = t.0.rem_euclid(NS_PER_SEC);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ns:09}Z",
        sod / 3600,
        (sod / 60) % 60,
        sod % 60
    )
}

/// FlowMesh's `%Y-%m-%dT%H:%M:%S.%fZ` rendering: microseconds, truncated.
pub fn format_iso8601_micros(t: TimestampNs) -> String {
    let full = format_iso8601(t);
    // "YYYY-MM-DDTHH:MM:SS." is 20 bytes, then 9 fraction digits, then "Z".
    format!("{}Z", &full[..26])
}

impl fmt::Display for DurationNs {
    /// Short human form with 3 significant digits: `950ns`, `12.3µs`, `1.50ms`, `2.35s`, `3m 05s`,
    /// `4h 10m`, `2d 01h`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = self.0;
        let sign = if ns < 0 { "-" } else { "" };
        let a = ns.unsigned_abs() as f64;
        let (value, unit) = if a < 1e3 {
            return write!(f, "{sign}{}ns", ns.unsigned_abs());
        } else if a < 1e6 {
            (a / 1e3, "µs")
        } else if a < 1e9 {
            (a / 1e6, "ms")
        } else if a < 60e9 {
            (a / 1e9, "s")
        } else {
            let total_s = ns.unsigned_abs() / 1_000_000_000;
            if total_s < 3600 {
                return write!(f, "{sign}{}m {:02}s", total_s / 60, total_s % 60);
            }
            if total_s < 86_400 {
                return write!(f, "{sign}{}h {:02}m", total_s / 3600, (total_s / 60) % 60);
            }
            return write!(
                f,
                "{sign}{}d {:02}h",
                total_s / 86_400,
                (total_s / 3600) % 24
            );
        };
        if value < 10.0 {
            write!(f, "{sign}{value:.2}{unit}")
        } else if value < 100.0 {
            write!(f, "{sign}{value:.1}{unit}")
        } else {
            write!(f, "{sign}{value:.0}{unit}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_otel_sdk_micros_with_z() {
        let t = parse_iso8601("2026-11-22T02:26:41.457292Z").unwrap();
        assert_eq!(format_iso8601(t), "2026-11-22T02:26:41.457292000Z");
    }

    #[test]
    fn parses_flowmesh_offset_and_missing_fraction() {
        let a = parse_iso8601("2026-11-22T02:26:41.545276+00:00").unwrap();
        let b = parse_iso8601("2026-11-22T02:26:41.545276Z").unwrap();
        assert_eq!(a, b);
        let whole = parse_iso8601("2026-04-30T14:00:03+00:00").unwrap();
        assert_eq!(whole.0 % NS_PER_SEC, 0);
        let shifted = parse_iso8601("2026-04-30T16:00:03+02:00").unwrap();
        assert_eq!(whole, shifted);
    }

    #[test]
    fn parses_nanosecond_fraction_exactly() {
        let t = parse_iso8601("2015-09-03T16:40:00.841654024Z").unwrap();
        assert_eq!(t.0 % NS_PER_SEC, 841_654_024);
        assert_eq!(t.0 / NS_PER_SEC, 1_441_298_400);
    }

    #[test]
    fn epoch_and_leap_day_round_trip() {
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Some(TimestampNs(0)));
        let t = parse_iso8601("2024-02-29T23:59:59.999999999Z").unwrap();
        assert_eq!(format_iso8601(t), "2024-02-29T23:59:59.999999999Z");
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "2026-11-22",
            "2026-13-01T00:00:00Z",
            "2026-11-22T02:26:41.Z",
            "abcd-ef-ghTij:kl:mnZ",
            "2026-11-22T02:26:41Zjunk",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(DurationNs(950).to_string(), "950ns");
        assert_eq!(DurationNs(12_345).to_string(), "12.3µs");
        assert_eq!(DurationNs(1_500_000).to_string(), "1.50ms");
        assert_eq!(DurationNs(2_345_000_000).to_string(), "2.35s");
        assert_eq!(DurationNs(185_000_000_000).to_string(), "3m 05s");
        assert_eq!(
            DurationNs(2 * 86_400_000_000_000 + 3_600_000_000_000).to_string(),
            "2d 01h"
        );
        assert_eq!(DurationNs(-2_000).to_string(), "-2.00µs");
    }

    #[test]
    fn unit_conversions_are_exact_and_checked() {
        assert_eq!(
            TimestampNs::from_micros(1_700_000_000_123_456),
            Some(TimestampNs(1_700_000_000_123_456_000))
        );
        assert_eq!(TimestampNs::from_millis(-3), Some(TimestampNs(-3_000_000)));
        assert_eq!(TimestampNs::from_secs(2), Some(TimestampNs(2_000_000_000)));
        assert_eq!(TimestampNs::from_micros(i64::MAX / 10), None);
        assert_eq!(DurationNs::from_micros(5), Some(DurationNs(5_000)));
        assert_eq!(
            TimestampNs::from_fraction(1.5, 1_000),
            Some(TimestampNs(1_500))
        );
        assert_eq!(
            TimestampNs::from_fraction(1_700_000_000.25, NS_PER_SEC),
            Some(TimestampNs(1_700_000_000_250_000_000))
        );
        assert_eq!(TimestampNs::from_fraction(f64::NAN, 1), None);
    }

    #[test]
    fn micros_rendering_matches_flowmesh() {
        let t = parse_iso8601("2026-11-22T02:26:41.407743Z").unwrap();
        assert_eq!(format_iso8601_micros(t), "2026-11-22T02:26:41.407743Z");
    }
}
