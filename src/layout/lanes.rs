//! The lanes layout for profile-like traces (Perfetto's tracks, speedscope's flame chart): one
//! lane per thread (process resource + `thread.id`) or per service, each span packed into the
//! first free row of its lane at or below its parent's row + 1. Invariants: no two spans of
//! one row overlap in time; a span whose parent is in the same lane sits in a lower row than
//! the parent; a folded lane keeps its header and hides its rows. Hit testing is a binary
//! search in one row (its spans are sorted by start and disjoint, so ends are sorted too).
//!
//! ```text
//!  ▾ Browser / CrRendererMain (tid 1)     <- lane header (a line of its own)
//!    [======== RunTask =========]  [== RunTask ==]      row 0
//!      [== ParseHTML ==][=Layout=]    [=Paint=]        row 1
//!  ▸ Browser / Compositor (tid 7)         <- folded: rows hidden
//! ```

use crate::model::{ResourceIdx, SpanIdx, Trace};
use crate::view_state::LaneMode;

/// What a lane groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LaneBy {
    /// One lane per process resource and thread id (Chrome `pid`/`tid`).
    #[default]
    Thread,
    /// One lane per service.
    Service,
}

impl LaneBy {
    /// The lanes shown for `mode` (`None`: decided by the data), or `None` for the waterfall.
    pub fn for_mode(trace: &Trace, mode: Option<LaneMode>) -> Option<LaneBy> {
        match mode {
            Some(LaneMode::Off) => None,
            Some(LaneMode::Thread) => Some(LaneBy::Thread),
            Some(LaneMode::Service) => Some(LaneBy::Service),
            None => is_profile_like(trace).then_some(LaneBy::Thread),
        }
    }
}

/// Whether the load looks like a profile (spans carry thread ids, as Chrome traces do), so
/// lanes by thread are shown without being asked.
pub fn is_profile_like(trace: &Trace) -> bool {
    trace
        .span_indices()
        .next()
        .is_some_and(|s| trace.attribute_str(s, "thread.id").is_some())
}

/// One lane.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    /// The service (process name) of its spans.
    pub service: String,
    /// The thread id (lanes by thread; `None` for spans without one, or lanes by service).
    pub thread: Option<String>,
    /// The thread's name when the trace names it.
    pub thread_name: Option<String>,
    /// Rows of packed spans.
    pub rows: Vec<Vec<SpanIdx>>,
    /// Rows hidden under the header.
    pub folded: bool,
}

impl Lane {
    /// Header text: service, then thread name and id.
    pub fn label(&self) -> String {
        match (&self.thread_name, &self.thread) {
            (Some(n), Some(t)) => format!("{} / {n} (tid {t})", self.service),
            (None, Some(t)) => format!("{} / tid {t}", self.service),
            _ => self.service.clone(),
        }
    }
}

/// A line of the lanes view, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// Lane `0`'s header.
    Header(usize),
    /// Lane `0`'s row `1`.
    Row(usize, usize),
}

/// The lanes of a load with their lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lanes {
    /// Lanes, ordered by service then thread id (numerically when both are numbers).
    pub lanes: Vec<Lane>,
    /// Every line shown: each lane's header then, unless folded, its rows.
    pub lines: Vec<Line>,
    /// Lane and row of each span, by span index.
    pub place: Vec<(u32, u32)>,
}

type Key = (ResourceIdx, Option<String>, String);

fn key_of(trace: &Trace, s: SpanIdx, by: LaneBy) -> Key {
    let service = trace.service_name(s).to_string();
    match by {
        LaneBy::Thread => (
            trace.span(s).resource,
            trace.attribute_str(s, "thread.id").map(str::to_string),
            service,
        ),
        LaneBy::Service => (ResourceIdx(0), None, service),
    }
}

fn sort_key(k: &Key) -> (String, u64, String) {
    let t = k.1.clone().unwrap_or_default();
    (k.2.clone(), t.parse().unwrap_or(u64::MAX), t)
}

/// Lays out every span of `trace` in lanes `by`; lanes whose position is in `folded` are closed.
pub fn lanes(trace: &Trace, by: LaneBy, folded: &[usize]) -> Lanes {
    let mut keys: Vec<Key> = Vec::new();
    let mut index: std::collections::HashMap<Key, u32> = std::collections::HashMap::new();
    let mut lane_of = vec![0u32; trace.span_count()];
    for s in trace.span_indices() {
        let k = key_of(trace, s, by);
        let next = keys.len() as u32;
        lane_of[s.ix()] = *index.entry(k.clone()).or_insert_with(|| {
            keys.push(k);
            next
        });
    }
    // lanes in a stable order (hash map iteration never decides it)
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by_key(|&i| sort_key(&keys[i]));
    let mut rank = vec![0u32; keys.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r as u32;
    }
    let mut spans: Vec<SpanIdx> = trace.span_indices().collect();
    spans.sort_by_key(|&s| {
        let sp = trace.span(s);
        (sp.start, std::cmp::Reverse(sp.end), trace.depth_of(s), s)
    });
    let mut lanes: Vec<Lane> = order
        .iter()
        .map(|&i| Lane {
            service: keys[i].2.clone(),
            thread: keys[i].1.clone(),
            thread_name: None,
            rows: Vec::new(),
            folded: folded.contains(&(rank[i] as usize)),
        })
        .collect();
    let mut ends: Vec<Vec<i64>> = vec![Vec::new(); lanes.len()];
    let mut place = vec![(u32::MAX, u32::MAX); trace.span_count()];
    for s in spans {
        let lane = rank[lane_of[s.ix()] as usize] as usize;
        let sp = trace.span(s);
        let below = sp
            .parent
            .map(|p| place[p.ix()])
            .filter(|&(l, r)| l as usize == lane && r != u32::MAX)
            .map_or(0, |(_, r)| r as usize + 1);
        let row_ends = &mut ends[lane];
        let row = (below..row_ends.len())
            .find(|&r| row_ends[r] <= sp.start.0)
            .unwrap_or(row_ends.len().max(below));
        while row_ends.len() <= row {
            row_ends.push(i64::MIN);
            lanes[lane].rows.push(Vec::new());
        }
        // an instant still takes its moment, so two instants at one time never share a row
        row_ends[row] = sp.end.0.max(sp.start.0 + 1);
        lanes[lane].rows[row].push(s);
        if lanes[lane].thread_name.is_none() {
            lanes[lane].thread_name = trace.attribute_str(s, "thread.name").map(str::to_string);
        }
        place[s.ix()] = (lane as u32, row as u32);
    }
    let mut lines = Vec::new();
    for (i, l) in lanes.iter().enumerate() {
        lines.push(Line::Header(i));
        if !l.folded {
            lines.extend((0..l.rows.len()).map(|r| Line::Row(i, r)));
        }
    }
    Lanes {
        lanes,
        lines,
        place,
    }
}

impl Lanes {
    /// The span of line `line` at absolute time `t_ns`, if any (binary search in the row).
    pub fn hit(&self, trace: &Trace, line: usize, t_ns: i64) -> Option<SpanIdx> {
        let Line::Row(l, r) = *self.lines.get(line)? else {
            return None;
        };
        let row = &self.lanes[l].rows[r];
        let i = row.partition_point(|&s| trace.span(s).start.0 <= t_ns);
        let s = *row.get(i.checked_sub(1)?)?;
        (trace.span(s).end.0 >= t_ns).then_some(s)
    }
}
