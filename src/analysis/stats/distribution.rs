//! Distributions of durations: the nearest-rank percentile rule and duration histograms.
//! Invariant: integer arithmetic only (no float rounding moves a rank or a bin edge).

use crate::model::{SpanIdx, Trace};

/// The 1-based nearest rank of `percent` among `n` sorted values: ceil(percent / 100 * n),
/// at least 1 (computed in parts per million, so p95 of 20 values is exactly rank 19).
pub fn nearest_rank(n: usize, percent: f64) -> usize {
    let ppm = (percent.clamp(0.0, 100.0) * 10_000.0).round() as u128;
    let rank = (ppm * n as u128).div_ceil(1_000_000);
    (rank as usize).clamp(1, n.max(1))
}

/// One bar of a duration histogram: spans with `from_ns <= duration < to_ns` (the last bar
/// includes its `to_ns`, the longest duration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistogramBin {
    /// Lower bound, ns.
    pub from_ns: i64,
    /// Upper bound, ns.
    pub to_ns: i64,
    /// Spans in it.
    pub count: u64,
}

/// Durations of `spans` in `bins` equal-width bars from the shortest to the longest (one bar
/// when they are all equal; none for no spans).
pub fn duration_histogram(trace: &Trace, spans: &[SpanIdx], bins: usize) -> Vec<HistogramBin> {
    let d: Vec<i64> = spans
        .iter()
        .filter(|s| s.ix() < trace.span_count())
        .map(|s| trace.span(*s).duration().0)
        .collect();
    let (Some(&min), Some(&max)) = (d.iter().min(), d.iter().max()) else {
        return Vec::new();
    };
    if min == max {
        return vec![HistogramBin {
            from_ns: min,
            to_ns: max,
            count: d.len() as u64,
        }];
    }
    let bins = bins.max(1) as i128;
    let width = ((i128::from(max) - i128::from(min) + bins - 1) / bins).max(1);
    let mut out: Vec<HistogramBin> = (0..bins)
        .map(|i| HistogramBin {
            from_ns: (i128::from(min) + i * width) as i64,
            to_ns: (i128::from(min) + (i + 1) * width).min(i128::from(max)) as i64,
            count: 0,
        })
        .collect();
    for v in d {
        let k = ((i128::from(v) - i128::from(min)) / width).min(bins - 1) as usize;
        out[k].count += 1;
    }
    out.retain(|b| b.from_ns <= max);
    out
}
