//! Matches in time order, for "i / N" and Enter / Shift+Enter stepping. Invariant: the order is
//! by (offset as drawn, depth, index), so a parent comes before a child starting with it, and
//! the first step from no current match lands on the first match at or after the start of the
//! visible window (Shift+Enter: the last one before it), wrapping around at either end.

use crate::analysis::span_set::SpanSet;
use crate::model::{SpanIdx, Trace};

/// The matches of a query sorted as the timeline draws them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchOrder {
    /// (offset from the load's start as drawn in ns, depth, span), ascending.
    keys: Vec<(i64, u16, SpanIdx)>,
}

/// The spans of `matches` in drawing order; `aligned` as the timeline draws (each trace from
/// its own start, `layout::timeline::aligned`).
pub fn matches_in_order(trace: &Trace, matches: &SpanSet, aligned: bool) -> MatchOrder {
    let mut keys: Vec<(i64, u16, SpanIdx)> = matches
        .iter()
        .filter(|s| s.ix() < trace.span_count())
        .map(|s| (offset_ns(trace, s, aligned), trace.depth_of(s), s))
        .collect();
    keys.sort_unstable();
    MatchOrder { keys }
}

fn offset_ns(trace: &Trace, s: SpanIdx, aligned: bool) -> i64 {
    let span = trace.span(s);
    let shift = if aligned {
        trace.trace_offset(span.trace).0
    } else {
        0
    };
    span.start.since(trace.start_time()).0.saturating_sub(shift)
}

impl MatchOrder {
    /// Number of matches (the N of "i / N").
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when nothing matches.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The match at position `i`.
    pub fn span(&self, i: usize) -> Option<SpanIdx> {
        self.keys.get(i).map(|k| k.2)
    }

    /// Every match, in order.
    pub fn spans(&self) -> impl Iterator<Item = SpanIdx> + '_ {
        self.keys.iter().map(|k| k.2)
    }

    /// Position of span `s` among the matches (its i - 1 in "i / N"), if it is one.
    pub fn position(&self, trace: &Trace, s: SpanIdx, aligned: bool) -> Option<usize> {
        if s.ix() >= trace.span_count() {
            return None;
        }
        let key = (offset_ns(trace, s, aligned), trace.depth_of(s), s);
        self.keys.binary_search(&key).ok()
    }

    /// The first match at or after `window_start_ns` (an offset like `TimeWindow::start_ns`),
    /// else the first of all.
    pub fn first_from(&self, window_start_ns: i64) -> Option<usize> {
        if self.keys.is_empty() {
            return None;
        }
        let k = self.keys.partition_point(|k| k.0 < window_start_ns);
        Some(if k == self.keys.len() { 0 } else { k })
    }

    /// One step (Enter: `forward`, Shift+Enter: back) from `current` (the selected span); when
    /// it is no match, the step starts from the visible window's start.
    pub fn step(
        &self,
        trace: &Trace,
        current: Option<SpanIdx>,
        forward: bool,
        window_start_ns: i64,
        aligned: bool,
    ) -> Option<usize> {
        let n = self.keys.len();
        if n == 0 {
            return None;
        }
        match current.and_then(|s| self.position(trace, s, aligned)) {
            Some(i) if forward => Some((i + 1) % n),
            Some(i) => Some((i + n - 1) % n),
            None if forward => self.first_from(window_start_ns),
            None => {
                let k = self.keys.partition_point(|k| k.0 < window_start_ns);
                Some(if k == 0 { n - 1 } else { k - 1 })
            }
        }
    }
}
