//! ISO 8601 / RFC 3339 date-times to `TimestampNs`, with a reason when the text is not one.
//! Accepts what producers write and the standards allow: extended (`2026-11-22T02:26:41Z`) and
//! basic (`20261122T022641Z`) forms, `T`, `t` or a space between date and time, minutes-only
//! precision, a fraction of any length after `.` or `,` (kept to the nanosecond), and `Z`, `z`,
//! `±hh`, `±hhmm`, `±hh:mm` offsets; no offset reads as UTC. Invariant: every accepted text maps
//! to exactly the instant it names, and one outside 1677-09-21..2262-04-11 (what i64 ns hold) is
//! `OutOfRange`, never clamped.

use super::time::TimestampNs;
use std::fmt;

/// Why a text is not a usable date-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsoError {
    /// Not ISO 8601 / RFC 3339; the reason names the part that is wrong.
    Syntax(&'static str),
    /// A real date-time that integer nanoseconds since 1970 cannot hold.
    OutOfRange,
}

impl fmt::Display for IsoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IsoError::Syntax(why) => write!(f, "not an ISO 8601 date-time ({why})"),
            IsoError::OutOfRange => f.write_str(
                "a date-time outside the range nanosecond times can hold (1677-09-21 to 2262-04-11)",
            ),
        }
    }
}

const NS_PER_SEC: i128 = 1_000_000_000;

/// Reads exactly `n` ASCII digits at the front of `b`.
fn take_digits<'a>(b: &'a [u8], n: usize, what: &'static str) -> Result<(i64, &'a [u8]), IsoError> {
    if b.len() < n || !b[..n].iter().all(u8::is_ascii_digit) {
        return Err(IsoError::Syntax(what));
    }
    let v = b[..n]
        .iter()
        .fold(0i64, |v, &d| v * 10 + i64::from(d - b'0'));
    Ok((v, &b[n..]))
}

/// Skips `sep` when the text uses the extended form (`extended`), else requires its absence.
fn separator(b: &[u8], sep: u8, extended: bool) -> Result<&[u8], IsoError> {
    match (b.first(), extended) {
        (Some(&c), true) if c == sep => Ok(&b[1..]),
        (_, true) => Err(IsoError::Syntax("a separator is missing")),
        (Some(&c), false) if c == sep => {
            Err(IsoError::Syntax("basic and extended forms are mixed"))
        }
        (_, false) => Ok(b),
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The fraction after `.` or `,`, as nanoseconds (digits past the ninth are dropped).
fn fraction(b: &[u8]) -> Result<(i64, &[u8]), IsoError> {
    let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 {
        return Err(IsoError::Syntax("the fraction has no digits"));
    }
    let mut ns = 0i64;
    let mut scale = 100_000_000;
    for &c in &b[..n.min(9)] {
        ns += i64::from(c - b'0') * scale;
        scale /= 10;
    }
    Ok((ns, &b[n..]))
}

/// The UTC offset at the end of the text, in seconds east of UTC.
fn offset(b: &[u8]) -> Result<i64, IsoError> {
    let (sign, rest) = match b {
        [] | [b'Z' | b'z'] => return Ok(0),
        [b'+', rest @ ..] => (1, rest),
        [b'-', rest @ ..] => (-1, rest),
        _ => return Err(IsoError::Syntax("unexpected text after the time")),
    };
    let (h, rest) = take_digits(rest, 2, "the offset hours are not two digits")?;
    let m = match rest {
        [] => 0,
        [b':', rest @ ..] | rest => {
            let (m, tail) = take_digits(rest, 2, "the offset minutes are not two digits")?;
            if !tail.is_empty() {
                return Err(IsoError::Syntax("unexpected text after the offset"));
            }
            m
        }
    };
    if h > 23 || m > 59 {
        return Err(IsoError::Syntax("the offset is out of range"));
    }
    Ok(sign * (h * 3600 + m * 60))
}

/// Parses an ISO 8601 / RFC 3339 date-time (see the module comment for the forms).
pub fn parse(text: &str) -> Result<TimestampNs, IsoError> {
    let b = text.trim().as_bytes();
    let (year, rest) = take_digits(b, 4, "the year is not four digits")?;
    let extended = rest.first() == Some(&b'-');
    let rest = separator(rest, b'-', extended)?;
    let (month, rest) = take_digits(rest, 2, "the month is not two digits")?;
    let rest = separator(rest, b'-', extended)?;
    let (day, rest) = take_digits(rest, 2, "the day is not two digits")?;
    let rest = match rest.first() {
        Some(b'T' | b't' | b' ') => &rest[1..],
        None => return Err(IsoError::Syntax("a date without a time")),
        _ => return Err(IsoError::Syntax("the date and time are not separated by T")),
    };
    let (hour, rest) = take_digits(rest, 2, "the hour is not two digits")?;
    let rest = separator(rest, b':', extended)?;
    let (minute, mut rest) = take_digits(rest, 2, "the minutes are not two digits")?;
    let mut second = 0;
    let starts_seconds = if extended {
        rest.first() == Some(&b':')
    } else {
        rest.first().is_some_and(u8::is_ascii_digit)
    };
    if starts_seconds {
        let (s, tail) = take_digits(
            separator(rest, b':', extended)?,
            2,
            "the seconds are not two digits",
        )?;
        second = s;
        rest = tail;
    }
    let mut frac_ns = 0;
    if let Some((b'.' | b',', tail)) = rest.split_first() {
        (frac_ns, rest) = fraction(tail)?;
    }
    let offset_s = offset(rest)?;
    if !(1..=12).contains(&month) {
        return Err(IsoError::Syntax("the month is not 01-12"));
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(IsoError::Syntax("the day does not exist in that month"));
    }
    // 24:00:00 is the end of the day (ISO 8601); 60 seconds is a leap second
    if hour > 24
        || minute > 59
        || second > 60
        || (hour == 24 && (minute, second, frac_ns) != (0, 0, 0))
    {
        return Err(IsoError::Syntax("the time of day is out of range"));
    }
    let days = i128::from(days_from_civil(year, month, day));
    let secs = days * 86_400 + i128::from(hour * 3600 + minute * 60 + second - offset_s);
    let ns = secs * NS_PER_SEC + i128::from(frac_ns);
    i64::try_from(ns)
        .map(TimestampNs)
        .map_err(|_| IsoError::OutOfRange)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns(text: &str) -> i64 {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e}")).0
    }

    #[test]
    fn forms_the_standards_allow_name_the_same_instant() {
        let want = ns("2026-11-22T02:26:41.5Z");
        for same in [
            "2026-11-22T02:26:41,5Z",
            "2026-11-22t02:26:41.500z",
            "2026-11-22 02:26:41.5+00:00",
            "2026-11-22T07:56:41.5+05:30",
            "2026-11-22T07:56:41.5+0530",
            "2026-11-22T00:26:41.5-02",
            "20261122T022641.5Z",
            "2026-11-22T02:26:41.500000000000Z",
            "  2026-11-22T02:26:41.5  ",
        ] {
            assert_eq!(ns(same), want, "{same}");
        }
        assert_eq!(ns("2026-11-22T02:26Z"), ns("2026-11-22T02:26:00Z"));
        assert_eq!(ns("2026-11-22T24:00:00Z"), ns("2026-11-23T00:00:00Z"));
        assert_eq!(ns("1970-01-01T00:00:00Z"), 0);
        assert_eq!(ns("1969-12-31T23:59:59.999999999Z"), -1);
    }

    #[test]
    fn what_is_no_date_time_says_why() {
        for (bad, why) in [
            ("", "year"),
            ("2026-11-22", "without a time"),
            ("2026-13-01T00:00:00Z", "month"),
            ("2026-02-29T00:00:00Z", "day does not exist"),
            ("2026-04-31T00:00:00Z", "day does not exist"),
            ("2026-11-22T02:26:41.Z", "fraction"),
            ("2026-11-22T25:00:00Z", "time of day"),
            ("2026-11-22T02:26:41Zjunk", "unexpected"),
            ("2026-11-22T02:26:41+5", "offset hours"),
            ("2026-11-22T0226:41Z", "separator"),
            ("20261122T02:26:41Z", "mixed"),
            ("abcd-ef-ghTij:kl:mnZ", "year"),
        ] {
            match parse(bad) {
                Err(IsoError::Syntax(reason)) => assert!(reason.contains(why), "{bad}: {reason}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
        assert_eq!(
            ns("2024-02-29T00:00:00Z"),
            ns("2024-03-01T00:00:00Z") - 86_400 * 1_000_000_000
        );
    }

    #[test]
    fn times_beyond_what_nanoseconds_hold_are_out_of_range_not_clamped() {
        assert_eq!(parse("9999-12-31T23:59:59Z"), Err(IsoError::OutOfRange));
        assert_eq!(parse("1600-01-01T00:00:00Z"), Err(IsoError::OutOfRange));
        assert_eq!(ns("2262-04-11T23:47:16.854775807Z"), i64::MAX);
        assert_eq!(
            parse("2262-04-11T23:47:16.854775808Z"),
            Err(IsoError::OutOfRange)
        );
    }
}
