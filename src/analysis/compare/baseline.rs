//! A baseline of several runs (distinct trace ids among A's sources): per key, the runs that
//! have it give a median and a min–max range, and B's value outside the range is flagged. The
//! median of an even count is the mean of the middle two (rounded down, in ns). The span-level
//! pairs are made against one reference run: the run with the median wall-clock time.

use super::measures::Measures;
use crate::model::DurationNs;

/// The baseline's spread of one value (durations, ns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaselineRange {
    /// Baseline runs that have the key.
    pub runs: u32,
    /// Their median.
    pub median: DurationNs,
    /// Their smallest.
    pub min: DurationNs,
    /// Their largest.
    pub max: DurationNs,
    /// True when B has the key and its value is below `min` or above `max`.
    pub is_b_outside: bool,
}

impl BaselineRange {
    /// The range of `values` (one per run that has the key) and where `b` falls; `None` when
    /// no run has it.
    pub fn of(values: &[DurationNs], b: Option<DurationNs>) -> Option<BaselineRange> {
        let min = values.iter().copied().min()?;
        let max = values.iter().copied().max()?;
        let median = DurationNs(median_i64(values.iter().map(|v| v.0).collect()));
        Some(BaselineRange {
            runs: values.len() as u32,
            median,
            min,
            max,
            is_b_outside: b.is_some_and(|b| b < min || b > max),
        })
    }
}

/// Median of integers (the mean of the middle two for an even count, rounded down); 0 when
/// empty.
pub fn median_i64(mut v: Vec<i64>) -> i64 {
    if v.is_empty() {
        return 0;
    }
    v.sort_unstable();
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        // halves first: no overflow near i64::MAX
        let (a, b) = (v[m - 1], v[m]);
        a / 2 + b / 2 + (a % 2 + b % 2).div_euclid(2)
    }
}

/// Median of floats (mean of the middle two for an even count); 0 when empty.
pub fn median_f64(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// Each field's median over `runs` (the runs that have the key).
pub fn median_measures(runs: &[Measures]) -> Measures {
    let ints = |f: fn(&Measures) -> i64| median_i64(runs.iter().map(f).collect());
    Measures {
        count: ints(|m| m.count as i64).max(0) as u64,
        total: DurationNs(ints(|m| m.total.0)),
        self_time: DurationNs(ints(|m| m.self_time.0)),
        critical: DurationNs(ints(|m| m.critical.0)),
        errors: ints(|m| m.errors as i64).max(0) as u64,
        tokens: ints(|m| m.tokens),
        cost: median_f64(runs.iter().map(|m| m.cost).collect()),
    }
}

/// Index of the run with the median value (the lower middle for an even count; the first run
/// in order among equal values).
pub fn median_index(values: &[DurationNs]) -> usize {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by_key(|&i| (values[i], i));
    order
        .get(values.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_ranges() {
        assert_eq!(median_i64(vec![5, 1, 3]), 3);
        assert_eq!(median_i64(vec![4, 1, 3, 10]), 3); // (3 + 4) / 2 rounded down
        assert_eq!(median_i64(vec![i64::MAX, i64::MAX]), i64::MAX);
        assert_eq!(median_f64(vec![1.0, 2.0]), 1.5);
        let d = |v: &[i64]| v.iter().map(|&x| DurationNs(x)).collect::<Vec<_>>();
        let r = BaselineRange::of(&d(&[30, 10, 20]), Some(DurationNs(31))).unwrap();
        assert_eq!(
            (r.runs, r.median, r.min, r.max),
            (3, DurationNs(20), DurationNs(10), DurationNs(30))
        );
        assert!(r.is_b_outside);
        assert!(
            !BaselineRange::of(&d(&[30, 10]), Some(DurationNs(30)))
                .unwrap()
                .is_b_outside
        );
        assert!(BaselineRange::of(&[], Some(DurationNs(1))).is_none());
        assert_eq!(median_index(&d(&[30, 10, 20])), 2);
        assert_eq!(median_index(&d(&[30, 10, 20, 40])), 2);
    }
}
