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

    /// Reads a non-negative duration written with a unit: `1ms`, `250us` (or `µs`), `0.5s`,
    /// `1500ns`. Whole numbers are read exactly; fractions are rounded to the nanosecond.
    pub fn parse_text(text: &str) -> Option<DurationNs> {
        let t = text.trim();
        let (number, unit_ns) = DURATION_UNITS
            .iter()
            .find_map(|(unit, ns)| t.strip_suffix(unit).map(|n| (n.trim(), *ns)))?;
        if let Ok(whole) = number.parse::<u64>() {
            return i64::try_from(whole)
                .ok()?
                .checked_mul(unit_ns)
                .map(DurationNs);
        }
        let v: f64 = number.parse().ok()?;
        let ns = (v * unit_ns as f64).round();
        (v.is_finite() && v >= 0.0 && ns < i64::MAX as f64).then_some(DurationNs(ns as i64))
    }

    /// The shortest exact text `parse_text` reads back: the largest unit that divides the value
    /// (`1ms`, `1500us`, `7ns`, `0ns`).
    pub fn exact_text(self) -> String {
        let ns = self.0;
        for (unit, size) in DURATION_UNITS.iter().rev() {
            if ns != 0 && ns % size == 0 {
                return format!("{}{unit}", ns / size);
            }
        }
        format!("{ns}ns")
    }
}

/// Units `DurationNs::parse_text` reads, two-letter ones first (so `ms` is not read as `s`).
const DURATION_UNITS: [(&str, i64); 5] = [
    ("ns", 1),
    ("µs", 1_000),
    ("us", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
];

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

const MINUTE_NS: i64 = 60 * NS_PER_SEC;
const HOUR_NS: i64 = 60 * MINUTE_NS;
const DAY_NS: i64 = 24 * HOUR_NS;

/// A length of time with the precision a step needs, the one duration format of the project
/// (axis ticks pass their step; `DurationNs`'s `Display` passes a step that keeps three
/// significant digits): `950ns`, `250µs`, `1.25s`, `2m 30s`, `4h 10m`, `2d 01h`.
pub fn format_duration(ns: i64, step_ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let v = ns.unsigned_abs();
    if step_ns >= MINUTE_NS && v >= MINUTE_NS as u64 {
        let s = v / NS_PER_SEC as u64;
        let (d, h, m) = (s / 86_400, (s / 3_600) % 24, (s / 60) % 60);
        return if step_ns >= DAY_NS {
            if h == 0 {
                format!("{sign}{d}d")
            } else {
                format!("{sign}{d}d {h:02}h")
            }
        } else if v >= HOUR_NS as u64 {
            format!("{sign}{}h {m:02}m", s / 3_600)
        } else {
            format!("{sign}{}m {:02}s", s / 60, s % 60)
        };
    }
    // the unit follows the value; the decimals follow the step so that one step shows
    let (unit_ns, unit) = match v {
        v if v >= 1_000_000_000 => (1_000_000_000u64, "s"),
        v if v >= 1_000_000 => (1_000_000, "ms"),
        v if v >= 1_000 => (1_000, "µs"),
        _ => return format!("{sign}{v}ns"),
    };
    let step = step_ns.unsigned_abs().max(1);
    let mut decimals = 0;
    while decimals < 6 && !(step * 10u64.pow(decimals as u32)).is_multiple_of(unit_ns) {
        decimals += 1;
    }
    format!("{sign}{:.*}{unit}", decimals, v as f64 / unit_ns as f64)
}

/// The step that gives a duration three significant digits (a minute and more: the clock).
fn display_step_ns(ns: i64) -> i64 {
    let v = ns.unsigned_abs();
    match v {
        v if v >= DAY_NS as u64 => DAY_NS,
        v if v >= MINUTE_NS as u64 => MINUTE_NS,
        _ => {
            let unit: u64 = match v {
                v if v >= 1_000_000_000 => 1_000_000_000,
                v if v >= 1_000_000 => 1_000_000,
                _ => 1_000,
            };
            let value = v as f64 / unit as f64;
            let step = if value < 10.0 {
                unit / 100
            } else if value < 100.0 {
                unit / 10
            } else {
                unit
            };
            step.max(1) as i64
        }
    }
}

impl fmt::Display for DurationNs {
    /// Short human form with 3 significant digits: `950ns`, `12.3µs`, `1.50ms`, `2.35s`, `3m 05s`,
    /// `4h 10m`, `2d 01h`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_duration(self.0, display_step_ns(self.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_text_reads_back_exactly() {
        let d = |t: &str| DurationNs::parse_text(t);
        assert_eq!(d("1ms"), Some(DurationNs(1_000_000)));
        assert_eq!(d(" 250 us"), Some(DurationNs(250_000)));
        assert_eq!(d("250µs"), Some(DurationNs(250_000)));
        assert_eq!(d("0.5s"), Some(DurationNs(500_000_000)));
        assert_eq!(d("1500ns"), Some(DurationNs(1_500)));
        assert_eq!(
            d("9007199254740993ns"),
            Some(DurationNs(9_007_199_254_740_993))
        );
        for bad in [
            "",
            "ms",
            "5",
            "-1ms",
            "1 min",
            "infs",
            "99999999999999999999s",
        ] {
            assert_eq!(d(bad), None, "{bad:?}");
        }
        for ns in [0, 7, 1_000, 1_500_000, 2_000_000_000, 9_007_199_254_740_993] {
            let text = DurationNs(ns).exact_text();
            assert_eq!(d(&text), Some(DurationNs(ns)), "{text}");
        }
        assert_eq!(DurationNs(1_500_000).exact_text(), "1500us");
    }

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
