//! The two sides of a comparison: A (the baseline) and B (this run), each a whole `Trace` or the
//! spans of some of its trace ids (when one load holds several runs, any two can be picked).
//! Invariant: a side never holds a span of a trace id it was not given.

use crate::model::{DurationNs, SpanIdx, TimestampNs, Trace, TraceIdx};

/// One side: a trace, or the spans of some of its trace ids.
#[derive(Debug, Clone)]
pub struct Side<'t> {
    trace: &'t Trace,
    /// `kept[t]`: the side holds trace id `t`; `None` = every trace id.
    kept: Option<Vec<bool>>,
}

impl<'t> Side<'t> {
    /// Every span of `trace`.
    pub fn whole(trace: &'t Trace) -> Side<'t> {
        Side { trace, kept: None }
    }

    /// The spans of the trace ids `traces` (indices into `trace.trace_ids()`; unknown ones are
    /// ignored).
    pub fn of_traces(trace: &'t Trace, traces: &[TraceIdx]) -> Side<'t> {
        let mut kept = vec![false; trace.trace_count()];
        for t in traces {
            if let Some(k) = kept.get_mut(t.ix()) {
                *k = true;
            }
        }
        Side {
            trace,
            kept: Some(kept),
        }
    }

    /// The trace the side reads.
    pub fn trace(&self) -> &'t Trace {
        self.trace
    }

    /// `Some(kept)` with `kept[t]` true for each trace id held, `None` when all are.
    pub fn kept(&self) -> Option<&[bool]> {
        self.kept.as_deref()
    }

    /// True when the side holds trace id `t`.
    pub fn holds_trace(&self, t: TraceIdx) -> bool {
        self.kept
            .as_ref()
            .is_none_or(|k| k.get(t.ix()) == Some(&true))
    }

    /// True when the side holds span `s`.
    pub fn holds(&self, s: SpanIdx) -> bool {
        self.holds_trace(self.trace.span(s).trace)
    }

    /// The trace ids held, in trace order.
    pub fn trace_indices(&self) -> Vec<TraceIdx> {
        (0..self.trace.trace_count() as u32)
            .map(TraceIdx)
            .filter(|&t| self.holds_trace(t))
            .collect()
    }

    /// The side's spans, in input order.
    pub fn spans(&self) -> impl Iterator<Item = SpanIdx> + '_ {
        self.trace.span_indices().filter(|&s| self.holds(s))
    }

    /// The side's root spans, in display order.
    pub fn roots(&self) -> impl Iterator<Item = SpanIdx> + '_ {
        self.trace
            .roots()
            .iter()
            .copied()
            .filter(|&s| self.holds(s))
    }

    /// Number of spans held.
    pub fn span_count(&self) -> usize {
        match self.kept {
            None => self.trace.span_count(),
            Some(_) => self.spans().count(),
        }
    }

    /// Earliest start and latest end of the side's spans (the trace start twice when empty).
    pub fn bounds(&self) -> (TimestampNs, TimestampNs) {
        if self.kept.is_none() {
            return (self.trace.start_time(), self.trace.end_time());
        }
        let bounds: Vec<(TimestampNs, TimestampNs)> = self
            .trace_indices()
            .into_iter()
            .map(|t| self.trace.trace_bounds_of(t))
            .collect();
        match (
            bounds.iter().map(|b| b.0).min(),
            bounds.iter().map(|b| b.1).max(),
        ) {
            (Some(a), Some(b)) => (a, b),
            _ => (self.trace.start_time(), self.trace.start_time()),
        }
    }

    /// Wall-clock duration: latest end minus earliest start.
    pub fn wall_clock(&self) -> DurationNs {
        let (a, b) = self.bounds();
        b.since(a)
    }

    /// One side per trace id held (a single run stays itself): the runs of a baseline set.
    pub fn runs(&self) -> Vec<Side<'t>> {
        let held = self.trace_indices();
        if held.len() <= 1 {
            return vec![self.clone()];
        }
        held.into_iter()
            .map(|t| Side::of_traces(self.trace, &[t]))
            .collect()
    }
}

/// A picked pair of sides.
#[derive(Debug, Clone)]
pub struct Sides<'t> {
    /// The baseline (several trace ids make a baseline set).
    pub a: Side<'t>,
    /// This run.
    pub b: Side<'t>,
}

impl<'t> Sides<'t> {
    /// The same pair with A and B exchanged.
    pub fn swapped(self) -> Sides<'t> {
        Sides {
            a: self.b,
            b: self.a,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ingest_sources;

    fn two_runs() -> Trace {
        let line = |trace: u32, id: u32, start_ms: u32, end_ms: u32| {
            format!(
                r#"{{"name": "s", "context": {{"trace_id": "0x{trace:x}", "span_id": "0x{id:x}"}}, "start_time": "2026-01-01T00:00:00.{start_ms:03}000Z", "end_time": "2026-01-01T00:00:00.{end_ms:03}000Z"}}"#
            )
        };
        let text = [line(1, 1, 0, 10), line(2, 2, 5, 40), line(1, 3, 2, 8)].join("\n");
        ingest_sources([("runs.jsonl", text.as_bytes())])
    }

    #[test]
    fn a_subset_holds_only_its_trace_ids() {
        let t = two_runs();
        let first = Side::of_traces(&t, &[TraceIdx(0)]);
        assert_eq!(first.span_count(), 2);
        assert_eq!(first.wall_clock(), DurationNs(10_000_000));
        assert_eq!(first.roots().count(), 2);
        let whole = Side::whole(&t);
        assert_eq!(whole.span_count(), 3);
        assert_eq!(whole.wall_clock(), DurationNs(40_000_000));
        assert_eq!(whole.runs().len(), 2);
        assert_eq!(first.runs().len(), 1);
        let s = Sides {
            a: first,
            b: Side::of_traces(&t, &[TraceIdx(1)]),
        }
        .swapped();
        assert_eq!(s.a.span_count(), 1);
        assert_eq!(s.b.span_count(), 2);
    }
}
