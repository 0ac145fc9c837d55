//! When a duration counts as changed (Grafana Tempo's trace-diff rule): A and B are the same
//! while |B - A| <= floor + ratio * max(A, B); by default 1 ms + 25 %, both parts adjustable
//! (`25%,1ms` in the CLI). Beyond it B is slower or faster.

use crate::model::DurationNs;
use std::fmt;

/// The status of one compared key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Status {
    /// B is slower than A beyond the tolerance.
    Slower,
    /// B is faster than A beyond the tolerance.
    Faster,
    /// Only B has it (in a baseline set: no baseline run has it, "new").
    Added,
    /// Only A has it.
    Removed,
    /// Within the tolerance.
    #[default]
    Unchanged,
}

impl Status {
    /// Lowercase name, as in the JSON.
    pub fn label(self) -> &'static str {
        match self {
            Status::Slower => "slower",
            Status::Faster => "faster",
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Unchanged => "unchanged",
        }
    }

    /// From the values on each side (`None` = absent there), by `tolerance`.
    pub fn of(a: Option<DurationNs>, b: Option<DurationNs>, tolerance: &Tolerance) -> Status {
        match (a, b) {
            (Some(a), Some(b)) => tolerance.classify(a, b),
            (None, Some(_)) => Status::Added,
            (Some(_), None) | (None, None) => Status::Removed,
        }
    }
}

/// The tolerance: `floor` plus `ratio` of the larger value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// Fraction of max(A, B), 0.25 = 25 %.
    pub ratio: f64,
    /// Absolute part.
    pub floor: DurationNs,
}

impl Default for Tolerance {
    /// 25 % + 1 ms.
    fn default() -> Tolerance {
        Tolerance {
            ratio: 0.25,
            floor: DurationNs(1_000_000),
        }
    }
}

impl Tolerance {
    /// The largest |B - A| still unchanged for these values, ns.
    pub fn allowed(&self, a: DurationNs, b: DurationNs) -> i64 {
        let larger = a.0.max(b.0).max(0) as f64;
        self.floor
            .0
            .max(0)
            .saturating_add((self.ratio.max(0.0) * larger) as i64)
    }

    /// Unchanged, slower or faster.
    pub fn classify(&self, a: DurationNs, b: DurationNs) -> Status {
        let d = b.0.saturating_sub(a.0);
        if d.saturating_abs() <= self.allowed(a, b) {
            Status::Unchanged
        } else if d > 0 {
            Status::Slower
        } else {
            Status::Faster
        }
    }
}

impl fmt::Display for Tolerance {
    /// `25%,1ms` (the form `FromStr` reads).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%,{}", self.ratio * 100.0, self.floor.exact_text())
    }
}

/// Reads a duration like `1ms`, `250us`, `0.5s`, `1500ns` (µs too), ns.
pub fn parse_duration(text: &str) -> Option<DurationNs> {
    DurationNs::parse_text(text)
}

impl std::str::FromStr for Tolerance {
    type Err = String;

    /// Reads `25%,1ms`, `10%`, `2ms` or `5%, 500us` (parts in any order; a missing part keeps
    /// its default).
    fn from_str(s: &str) -> Result<Tolerance, String> {
        let mut t = Tolerance::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if let Some(p) = part.strip_suffix('%') {
                let v: f64 = p
                    .trim()
                    .parse()
                    .map_err(|_| format!("bad percentage {part:?}"))?;
                if !(v.is_finite() && v >= 0.0) {
                    return Err(format!("bad percentage {part:?}"));
                }
                t.ratio = v / 100.0;
            } else {
                t.floor = parse_duration(part).ok_or_else(|| {
                    format!("bad duration {part:?} (expected e.g. 1ms, 250us, 0.5s)")
                })?;
            }
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: i64 = 1_000_000;

    #[test]
    fn default_is_one_ms_plus_a_quarter_of_the_larger() {
        let t = Tolerance::default();
        // 100 ms vs 126 ms: allowed 1 + 31.5 = 32.5 ms
        assert_eq!(
            t.classify(DurationNs(100 * MS), DurationNs(126 * MS)),
            Status::Unchanged
        );
        // 100 ms vs 140 ms: allowed 1 + 35 = 36 ms < 40
        assert_eq!(
            t.classify(DurationNs(100 * MS), DurationNs(140 * MS)),
            Status::Slower
        );
        assert_eq!(
            t.classify(DurationNs(140 * MS), DurationNs(100 * MS)),
            Status::Faster
        );
        // tiny values: the floor dominates (0 vs 1.3 ms: allowed 1 + 0.325 ms)
        let us = |n: i64| DurationNs(n * 1_000);
        assert_eq!(t.classify(us(0), us(1_300)), Status::Unchanged);
        assert_eq!(t.classify(us(0), us(1_400)), Status::Slower);
    }

    #[test]
    fn tolerance_text_round_trips() {
        let t: Tolerance = "10%,2ms".parse().unwrap();
        assert_eq!(t.floor, DurationNs(2 * MS));
        assert!((t.ratio - 0.1).abs() < 1e-12);
        assert_eq!(t.to_string(), "10%,2ms");
        let only_pct: Tolerance = "0%".parse().unwrap();
        assert_eq!(only_pct.floor, DurationNs(MS));
        assert_eq!(
            "500us".parse::<Tolerance>().unwrap().floor,
            DurationNs(500_000)
        );
        assert!("fast".parse::<Tolerance>().is_err());
        assert!("-5%".parse::<Tolerance>().is_err());
        assert_eq!(parse_duration("1.5s"), Some(DurationNs(1_500_000_000)));
    }
}
