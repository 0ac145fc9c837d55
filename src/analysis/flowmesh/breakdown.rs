//! Compute and network time by span name (FlowMesh's "event types"): compute totals sum the
//! durations of spans with a `batch_id`; network totals are unions of intervals, per name and
//! over all network spans.

use super::TASK;
use crate::analysis::intervals::union_length;
use crate::model::{DurationNs, SpanIdx, StrIdx, Trace};
use rustc_hash::FxHashMap;

/// Statistics of the spans with one name.
#[derive(Debug, Clone, PartialEq)]
pub struct NameStats {
    /// Span name (FlowMesh's "event type").
    pub name: String,
    /// Number of spans.
    pub count: u64,
    /// Compute: sum of durations of spans carrying a `batch_id`; network: union length.
    pub total: DurationNs,
    /// Sum of all durations (for the average).
    pub sum: DurationNs,
    /// Shortest.
    pub min: DurationNs,
    /// Longest.
    pub max: DurationNs,
}

impl NameStats {
    /// Mean duration, seconds.
    pub fn avg_seconds(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum.as_secs_f64() / self.count as f64
        }
    }
}

/// Compute and network time by span name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Breakdown {
    /// Compute spans by name, in order of first occurrence.
    pub compute: Vec<NameStats>,
    /// Network spans by name, in order of first occurrence.
    pub network: Vec<NameStats>,
    /// Union of all network spans' intervals.
    pub total_network: DurationNs,
}

/// Compute/network statistics over `spans` (in input order), skipping markers and `task`.
pub fn breakdown(trace: &Trace, spans: &[SpanIdx], batch_key: Option<StrIdx>) -> Breakdown {
    let compute = trace.strings().find("compute");
    let network = trace.strings().find("network");
    let task_name = trace.strings().find(TASK);
    let mut b = Breakdown::default();
    let mut net_intervals: FxHashMap<StrIdx, Vec<(i64, i64)>> = FxHashMap::default();
    let mut slot_of: FxHashMap<(bool, StrIdx), usize> = FxHashMap::default();
    let mut all_net: Vec<(i64, i64)> = Vec::new();
    for &s in spans {
        let span = trace.span(s);
        if Some(span.name) == task_name || span.span_type.0 == 0 {
            continue;
        }
        let is_compute = Some(span.span_type) == compute;
        let is_network = Some(span.span_type) == network;
        if !is_compute && !is_network {
            continue;
        }
        let list = if is_compute {
            &mut b.compute
        } else {
            &mut b.network
        };
        let name_idx = span.name;
        let name = trace.text(name_idx);
        let pos = match slot_of.get(&(is_compute, name_idx)) {
            Some(&p) => p,
            None => {
                slot_of.insert((is_compute, name_idx), list.len());
                list.push(NameStats {
                    name: name.to_string(),
                    count: 0,
                    total: DurationNs(0),
                    sum: DurationNs(0),
                    min: DurationNs(i64::MAX),
                    max: DurationNs(i64::MIN),
                });
                list.len() - 1
            }
        };
        let d = span.duration();
        let st = &mut list[pos];
        st.count += 1;
        st.sum.0 += d.0;
        st.min = st.min.min(d);
        st.max = st.max.max(d);
        if is_compute {
            if super::str_attr(trace, s, batch_key).is_some() {
                st.total.0 += d.0;
            }
        } else {
            net_intervals
                .entry(name_idx)
                .or_default()
                .push((span.start.0, span.end.0));
            all_net.push((span.start.0, span.end.0));
        }
    }
    for (&(is_compute, name_idx), &pos) in &slot_of {
        if !is_compute {
            if let Some(iv) = net_intervals.get_mut(&name_idx) {
                b.network[pos].total = DurationNs(union_length(iv));
            }
        }
    }
    b.total_network = DurationNs(union_length(&mut all_net));
    b
}
