//! Which spans make A and B: with a baseline load, A is that load and B the loaded sources
//! (each narrowed to the trace ids picked, if any); with one load of several traces, two of
//! its trace ids (by default the latest-starting one is B and the one before it A). Also the
//! core's options from the view state's settings.
//!
//! ```text
//!  one load:  traces by start  t0  t1  t2  t3        default  A = t2, B = t3
//!  two loads: baseline load = A (atrace= narrows it), sources = B (btrace= narrows it)
//! ```

use crate::analysis::compare::key::MatchKey;
use crate::analysis::compare::side::{Side, Sides};
use crate::analysis::compare::tolerance::Tolerance;
use crate::analysis::compare::Options;
use crate::model::{Trace, TraceIdx};
use crate::view_state::compare::{CompareKey, CompareSettings};

/// The trace ids of each side: `None` = the whole load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picked {
    /// A's trace ids (indices into A's load).
    pub a: Option<Vec<TraceIdx>>,
    /// B's trace ids (indices into B's load).
    pub b: Option<Vec<TraceIdx>>,
}

/// Why there is nothing to compare yet, as the compare view says it.
pub const NEEDS_BASELINE: &str = "Load a baseline run A to compare with (Compare with…), or load several runs at once and pick two";

/// The trace ids of `load` in start order (ties by index).
pub fn by_start(load: &Trace) -> Vec<TraceIdx> {
    let mut order: Vec<TraceIdx> = (0..load.trace_count() as u32).map(TraceIdx).collect();
    order.sort_by_key(|&t| (load.trace_bounds_of(t).0, t.0));
    order
}

/// The picked trace ids that `load` holds, in start order (unknown ones are ignored).
fn resolve(load: &Trace, ids: &[crate::model::TraceId]) -> Vec<TraceIdx> {
    let mut out: Vec<TraceIdx> = by_start(load)
        .into_iter()
        .filter(|&t| ids.contains(&load.trace_ids()[t.ix()]))
        .collect();
    out.dedup();
    out
}

/// The sides to compare. `baseline` is the baseline load, if any; `sources` the loaded
/// sources. `Err` says why nothing can be compared.
pub fn pick(
    baseline: Option<&Trace>,
    sources: &Trace,
    s: &CompareSettings,
) -> Result<Picked, &'static str> {
    if let Some(a_load) = baseline {
        let narrow = |load: &Trace, ids: &[crate::model::TraceId]| {
            let picked = resolve(load, ids);
            (!picked.is_empty()).then_some(picked)
        };
        return Ok(Picked {
            a: narrow(a_load, &s.a_traces),
            b: narrow(sources, &s.b_traces),
        });
    }
    let order = by_start(sources);
    if order.len() < 2 {
        return Err(NEEDS_BASELINE);
    }
    let mut b = resolve(sources, &s.b_traces);
    let mut a = resolve(sources, &s.a_traces);
    a.retain(|t| !b.contains(t));
    if b.is_empty() {
        // the latest-starting trace that A does not hold
        b = order
            .iter()
            .rev()
            .find(|t| !a.contains(t))
            .into_iter()
            .copied()
            .collect();
    }
    if a.is_empty() {
        // the trace starting just before B's first, else the first after it
        let at = order.iter().position(|t| b.first() == Some(t)).unwrap_or(0);
        let before = order[..at].iter().rev().find(|t| !b.contains(t));
        let after = order[at..].iter().find(|t| !b.contains(t));
        a = before.or(after).into_iter().copied().collect();
    }
    if a.is_empty() || b.is_empty() {
        return Err("Pick two different runs as A and B");
    }
    Ok(Picked {
        a: Some(a),
        b: Some(b),
    })
}

/// The sides of the picks.
pub fn sides<'t>(a_load: &'t Trace, b_load: &'t Trace, p: &Picked) -> Sides<'t> {
    let side = |load: &'t Trace, ids: &Option<Vec<TraceIdx>>| match ids {
        Some(ids) => Side::of_traces(load, ids),
        None => Side::whole(load),
    };
    Sides {
        a: side(a_load, &p.a),
        b: side(b_load, &p.b),
    }
}

/// The core's options for the view state's settings.
pub fn options(s: &CompareSettings) -> Options {
    Options {
        key: s.key.as_ref().map(|k| match k {
            CompareKey::DataId => MatchKey::DataId,
            CompareKey::Path => MatchKey::Path,
            CompareKey::Attr(a) => MatchKey::Attr(a.clone()),
        }),
        tolerance: s.tolerance.map_or_else(Tolerance::default, |t| Tolerance {
            ratio: t.ratio(),
            floor: t.floor,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ingest_sources;
    use crate::model::TraceId;

    /// Four runs in one file, written out of start order:
    ///
    /// ```text
    ///  trace 3  [0 s]      trace 1 [1 s]      trace 4 [2 s]      trace 2 [3 s]
    /// ```
    fn four_runs() -> Trace {
        let line = |trace: u32, second: u32| {
            format!(
                r#"{{"name": "run", "context": {{"trace_id": "0x{trace:x}", "span_id": "0x{trace:x}"}}, "start_time": "2026-01-01T00:00:0{second}Z", "end_time": "2026-01-01T00:00:0{}Z"}}"#,
                second + 1
            )
        };
        let text = [line(1, 1), line(2, 3), line(3, 0), line(4, 2)].join("\n");
        ingest_sources([("runs.jsonl", text.as_bytes())])
    }

    fn ids(t: &Trace, p: &Option<Vec<TraceIdx>>) -> Vec<u128> {
        p.iter()
            .flatten()
            .map(|i| t.trace_ids()[i.ix()].0)
            .collect()
    }

    #[test]
    fn one_load_compares_the_latest_run_with_the_one_before() {
        let t = four_runs();
        let p = pick(None, &t, &CompareSettings::default()).unwrap();
        assert_eq!((ids(&t, &p.a), ids(&t, &p.b)), (vec![4], vec![2]));
        // B picked: A is the run before it; the earliest run has none before, so the next
        let b_first = CompareSettings {
            b_traces: vec![TraceId(3)],
            ..CompareSettings::default()
        };
        let p = pick(None, &t, &b_first).unwrap();
        assert_eq!((ids(&t, &p.a), ids(&t, &p.b)), (vec![1], vec![3]));
        // a baseline set of two picked runs; B the latest other one
        let set = CompareSettings {
            a_traces: vec![TraceId(1), TraceId(3), TraceId(99)],
            ..CompareSettings::default()
        };
        let p = pick(None, &t, &set).unwrap();
        assert_eq!((ids(&t, &p.a), ids(&t, &p.b)), (vec![3, 1], vec![2]));
        let same = CompareSettings {
            a_traces: vec![TraceId(2)],
            b_traces: vec![TraceId(2)],
            ..CompareSettings::default()
        };
        let p = pick(None, &t, &same).unwrap();
        assert_eq!(ids(&t, &p.a), vec![4], "A never holds B's run");
        let single = ingest_sources([("one.jsonl", b"" as &[u8])]);
        assert_eq!(
            pick(None, &single, &CompareSettings::default()),
            Err(NEEDS_BASELINE)
        );
    }

    #[test]
    fn a_baseline_load_is_a_whole_unless_narrowed() {
        let (a, b) = (four_runs(), four_runs());
        let p = pick(Some(&a), &b, &CompareSettings::default()).unwrap();
        assert_eq!(p, Picked { a: None, b: None });
        let narrowed = CompareSettings {
            a_traces: vec![TraceId(2), TraceId(4)],
            b_traces: vec![TraceId(77)],
            ..CompareSettings::default()
        };
        let p = pick(Some(&a), &b, &narrowed).unwrap();
        assert_eq!(ids(&a, &p.a), vec![4, 2]);
        assert_eq!(p.b, None, "an unknown id narrows nothing");
        let s = sides(&a, &b, &p);
        assert_eq!((s.a.span_count(), s.b.span_count()), (2, 4));
    }

    #[test]
    fn settings_become_the_core_options() {
        let o = options(&CompareSettings {
            key: Some(CompareKey::Attr("node_id".into())),
            tolerance: Some("10%,2ms".parse().unwrap()),
            ..CompareSettings::default()
        });
        assert_eq!(o.key, Some(MatchKey::Attr("node_id".into())));
        assert_eq!(o.tolerance.to_string(), "10%,2ms");
        let d = options(&CompareSettings::default());
        assert_eq!((d.key, d.tolerance), (None, Tolerance::default()));
    }
}
