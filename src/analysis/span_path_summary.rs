//! What the span critical path adds up to, for a trace without data ids (where the lineage
//! analysis has nothing to say): the path's length, its share of the traces' time, and the time
//! each span spends on it, longest first. Sections of one span are summed; shares are of the
//! summed durations of the roots, so a load of several traces stays within 100 %.

use super::span_critical_path::Section;
use crate::model::{DurationNs, SpanIdx, Trace};
use rustc_hash::FxHashMap;

/// One span's part of the critical path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathSpan {
    /// The span.
    pub span: SpanIdx,
    /// Time on the critical path, summed over its sections.
    pub on_path: DurationNs,
    /// How many sections of the path are this span's.
    pub sections: u32,
}

/// The critical path in figures.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PathSummary {
    /// Summed length of every section.
    pub length: DurationNs,
    /// Summed duration of the roots (the time the path is a share of).
    pub roots: DurationNs,
    /// Number of sections.
    pub sections: usize,
    /// Spans on the path, most time first (then by span index, so the order is stable).
    pub spans: Vec<PathSpan>,
}

impl PathSummary {
    /// `part` as a share of the roots' time, in percent (0 when the roots take no time).
    pub fn percent_of_roots(&self, part: DurationNs) -> f64 {
        if self.roots.0 <= 0 {
            return 0.0;
        }
        part.0 as f64 * 100.0 / self.roots.0 as f64
    }
}

/// Sums `sections` (the trace's span critical path) per span.
pub fn path_summary(trace: &Trace, sections: &[Section]) -> PathSummary {
    let mut per_span: FxHashMap<SpanIdx, (i64, u32)> = FxHashMap::default();
    let mut length = 0i64;
    for s in sections {
        let len = s.end_ns.saturating_sub(s.start_ns).max(0);
        length = length.saturating_add(len);
        let e = per_span.entry(s.span).or_default();
        e.0 = e.0.saturating_add(len);
        e.1 += 1;
    }
    let mut spans: Vec<PathSpan> = per_span
        .into_iter()
        .map(|(span, (ns, n))| PathSpan {
            span,
            on_path: DurationNs(ns),
            sections: n,
        })
        .collect();
    spans.sort_unstable_by(|a, b| b.on_path.cmp(&a.on_path).then(a.span.cmp(&b.span)));
    let roots = trace
        .roots()
        .iter()
        .map(|&r| trace.span(r).duration().0.max(0))
        .fold(0i64, i64::saturating_add);
    PathSummary {
        length: DurationNs(length),
        roots: DurationNs(roots),
        sections: sections.len(),
        spans,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::span_critical_path::{critical_path, Rules};
    use crate::ingest::ingest_sources;

    fn line(id: u32, parent: Option<u32>, start_ms: u32, end_ms: u32) -> String {
        let parent = parent.map_or("null".to_string(), |p| format!("\"0x{p:x}\""));
        format!(
            r#"{{"name": "s{id}", "context": {{"trace_id": "0x1", "span_id": "0x{id:x}"}}, "parent_id": {parent}, "start_time": "2026-01-01T00:00:00.{start_ms:03}000Z", "end_time": "2026-01-01T00:00:00.{end_ms:03}000Z"}}"#
        ) + "\n"
    }

    #[test]
    fn sections_are_summed_per_span_longest_first() {
        // ms:   0    10        40   50             90  100
        // s1    [==================================]        root
        // s2         [=========]                           child
        // s3                        [==============]       child, finished last
        // path: s1 0..10, s2 10..40, s1 40..50, s3 50..90, s1 90..100
        let text = [
            line(1, None, 0, 100),
            line(2, Some(1), 10, 40),
            line(3, Some(1), 50, 90),
        ]
        .concat();
        let t = ingest_sources([("t.jsonl", text.as_bytes())]);
        let s = path_summary(&t, &critical_path(&t, Rules::fixed()));
        let ms = |n: i64| DurationNs(n * 1_000_000);
        assert_eq!(s.length, ms(100));
        assert_eq!(s.roots, ms(100));
        assert_eq!(s.sections, 5);
        let got: Vec<(&str, DurationNs, u32)> = s
            .spans
            .iter()
            .map(|p| (t.name(p.span), p.on_path, p.sections))
            .collect();
        assert_eq!(
            got,
            [("s3", ms(40), 1), ("s1", ms(30), 3), ("s2", ms(30), 1)] // a tie goes by file order
        );
        assert!((s.percent_of_roots(ms(40)) - 40.0).abs() < 1e-9);
    }

    #[test]
    fn nothing_loaded_is_all_zeros() {
        let t = ingest_sources([("t.jsonl", &b""[..])]);
        let s = path_summary(&t, &[]);
        assert_eq!(s, PathSummary::default());
        assert_eq!(s.percent_of_roots(DurationNs(5)), 0.0);
    }
}
