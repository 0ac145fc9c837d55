//! Comparing two runs (or a run against a baseline of runs): what got slower, what changed and
//! why. Pure and never by span id (two runs share none):
//!
//! ```text
//!  Sides{a, b} -> key every span (KeyTable) -> measure each side -> pair A's reference run
//!  with B, key by key in start order -> rows (per key), data ids, summary, warnings
//! ```
//!
//! Invariant: rows are sorted slower (largest Δ first), faster (most negative first), added,
//! removed, unchanged (largest |Δ| first), ties by key text; every other list is sorted too.

pub mod baseline;
pub mod data_ids;
pub mod id_names;
pub mod json;
pub mod key;
pub mod matching;
pub mod measures;
pub mod report;
pub mod side;
pub mod summary;
pub mod text_diff;
pub mod tolerance;

use crate::model::{DurationNs, SpanIdx};
use baseline::{median_index, median_measures, BaselineRange};
use data_ids::{compare_data_ids, DataIdRow};
use key::{KeyId, KeyTable, MatchKey};
use matching::{pair, Matching, SpanPair};
use measures::{measure_side, Measures, SideMeasures};
use rustc_hash::FxHashMap;
use side::{Side, Sides};
use std::collections::BTreeMap;
use std::ops::Range;
use summary::{ranked, CriticalPathChange, Movers, SideSummary, Summary};
use tolerance::{Status, Tolerance};

/// How to compare.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The matching key; `None` = `MatchKey::default_for` the sides.
    pub key: Option<MatchKey>,
    /// When a duration counts as changed.
    pub tolerance: Tolerance,
}

/// One key compared.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The key.
    pub key: KeyId,
    /// Its text (`KeyTable::text`).
    pub text: String,
    /// By total duration: slower, faster, unchanged; added / removed when one side lacks it.
    pub status: Status,
    /// A's measures (a baseline set: each field's median over the runs that have the key).
    pub a: Option<Measures>,
    /// B's measures.
    pub b: Option<Measures>,
    /// A baseline set's spread of the key's total duration.
    pub baseline: Option<BaselineRange>,
    /// Its span pairs: a range into `Comparison::matching.pairs` (empty when only
    /// non-reference baseline runs have the key).
    pub pairs: Range<u32>,
}

impl Row {
    /// B's total duration minus A's (an absent side counts 0).
    pub fn delta(&self) -> DurationNs {
        let t = |m: &Option<Measures>| m.map_or(0, |m| m.total.0);
        DurationNs(t(&self.b) - t(&self.a))
    }

    /// Δ as a fraction of A's total (`None` when A has none).
    pub fn delta_ratio(&self) -> Option<f64> {
        let a = self.a?.total.0;
        (a != 0).then(|| self.delta().0 as f64 / a as f64)
    }
}

/// The whole comparison.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The key used.
    pub key: MatchKey,
    /// The tolerance used.
    pub tolerance: Tolerance,
    /// Every key of every side.
    pub keys: KeyTable,
    /// One row per key, sorted (see the module comment).
    pub rows: Vec<Row>,
    /// Span pairs of the reference run and B.
    pub matching: Matching,
    /// Per data id, sorted by id (empty without data ids).
    pub data_ids: Vec<DataIdRow>,
    /// The summary.
    pub summary: Summary,
    /// Things that make the comparison less trustworthy, in the order found.
    pub warnings: Vec<String>,
    /// The baseline runs' measures (one for a single run).
    pub runs: Vec<SideMeasures>,
    /// The run the span pairs are made against (the median wall clock of a set; else 0).
    pub reference_run: usize,
    /// B's measures.
    pub b: SideMeasures,
}

/// Per-span lookups for one side: each span's key and partner.
#[derive(Debug, Clone, Default)]
pub struct SpanLinks {
    /// The key of each span of the side.
    pub key_of: FxHashMap<SpanIdx, KeyId>,
    /// The matched partner on the other side.
    pub partner: FxHashMap<SpanIdx, SpanIdx>,
}

impl Comparison {
    /// The span pairs of a row.
    pub fn pairs_of(&self, row: &Row) -> &[SpanPair] {
        let r = &row.pairs;
        self.matching
            .pairs
            .get(r.start as usize..r.end as usize)
            .unwrap_or(&[])
    }

    /// The row of a key.
    pub fn row(&self, k: KeyId) -> Option<&Row> {
        self.rows.iter().find(|r| r.key == k)
    }

    /// The compared data id, if either side has it.
    pub fn data_id(&self, id: &str) -> Option<&DataIdRow> {
        self.data_ids
            .binary_search_by(|d| d.data_id.as_str().cmp(id))
            .ok()
            .map(|i| &self.data_ids[i])
    }

    /// Lookups for the reference run (`.0`) and B (`.1`), for linking rows, hover and selection.
    pub fn span_links(&self) -> (SpanLinks, SpanLinks) {
        let mut a = SpanLinks::default();
        let mut b = SpanLinks::default();
        if let Some(run) = self.runs.get(self.reference_run) {
            a.key_of = run.keyed.spans.iter().map(|&(k, s)| (s, k)).collect();
        }
        b.key_of = self.b.keyed.spans.iter().map(|&(k, s)| (s, k)).collect();
        for p in &self.matching.pairs {
            if let (Some(x), Some(y)) = (p.a, p.b) {
                a.partner.insert(x, y);
                b.partner.insert(y, x);
            }
        }
        (a, b)
    }
}

/// Compares `sides.b` with `sides.a` (a baseline set when A holds several trace ids).
pub fn compare(sides: &Sides, options: &Options) -> Comparison {
    let key = options
        .key
        .clone()
        .unwrap_or_else(|| MatchKey::default_for(&sides.a, &sides.b));
    let tolerance = options.tolerance;
    let run_sides = sides.a.runs();
    let mut keys = KeyTable::default();
    let keyed_runs: Vec<_> = run_sides.iter().map(|r| keys.key_side(r, &key)).collect();
    let keyed_b = keys.key_side(&sides.b, &key);
    let runs: Vec<SideMeasures> = run_sides
        .iter()
        .zip(keyed_runs)
        .map(|(side, keyed)| measure_side(side, keyed, &keys))
        .collect();
    let b = measure_side(&sides.b, keyed_b, &keys);
    let is_set = runs.len() > 1;
    let reference_run = if is_set {
        median_index(&runs.iter().map(|r| r.wall_clock).collect::<Vec<_>>())
    } else {
        0
    };
    let matching = match runs.get(reference_run) {
        Some(r) => pair(&r.keyed, &b.keyed),
        None => Matching::default(),
    };
    let rows = rows(&keys, &runs, reference_run, &b, &matching, &tolerance);
    let flowmesh_runs: Vec<_> = runs.iter().map(|r| &r.flowmesh).collect();
    let data_ids = compare_data_ids(&flowmesh_runs, reference_run, &b.flowmesh, &tolerance);
    let mut c = Comparison {
        key,
        tolerance,
        keys,
        rows,
        matching,
        data_ids,
        summary: Summary::default(),
        warnings: warnings(sides, &options.key),
        runs,
        reference_run,
        b,
    };
    c.summary = summarize(&c);
    c
}

fn rows(
    keys: &KeyTable,
    runs: &[SideMeasures],
    reference: usize,
    b: &SideMeasures,
    matching: &Matching,
    tolerance: &Tolerance,
) -> Vec<Row> {
    let pairs_of: FxHashMap<KeyId, Range<u32>> = matching.by_key.iter().cloned().collect();
    let is_set = runs.len() > 1;
    let mut out: Vec<Row> = (0..keys.len() as u32)
        .map(KeyId)
        .filter_map(|k| {
            let present = |m: Measures| (m.count > 0).then_some(m);
            let bm = present(b.of(k));
            let per_run: Vec<Measures> = runs.iter().filter_map(|r| present(r.of(k))).collect();
            if bm.is_none() && per_run.is_empty() {
                return None;
            }
            let (a, baseline) = if is_set {
                let totals: Vec<DurationNs> = per_run.iter().map(|m| m.total).collect();
                let range = BaselineRange::of(&totals, bm.map(|m| m.total));
                (
                    (!per_run.is_empty()).then(|| median_measures(&per_run)),
                    range,
                )
            } else {
                (runs.get(reference).and_then(|r| present(r.of(k))), None)
            };
            Some(Row {
                key: k,
                text: keys.text(k),
                status: Status::of(a.map(|m| m.total), bm.map(|m| m.total), tolerance),
                a,
                b: bm,
                baseline,
                pairs: pairs_of.get(&k).cloned().unwrap_or(0..0),
            })
        })
        .collect();
    out.sort_by(|x, y| {
        let (dx, dy) = (x.delta().0, y.delta().0);
        let within = match x.status {
            Status::Slower | Status::Added => dy.cmp(&dx),
            Status::Faster | Status::Removed => dx.cmp(&dy),
            Status::Unchanged => dy.unsigned_abs().cmp(&dx.unsigned_abs()),
        };
        x.status
            .cmp(&y.status)
            .then(within)
            .then_with(|| x.text.cmp(&y.text))
    });
    out
}

fn warnings(sides: &Sides, asked: &Option<MatchKey>) -> Vec<String> {
    let mut out = Vec::new();
    for (label, side) in [("A", &sides.a), ("B", &sides.b)] {
        out.extend(id_names::warning(label, &id_names::names_with_ids(side)));
        match asked {
            Some(MatchKey::DataId) if !key::has_data_ids(side) => out.push(format!(
                "{label}: no span carries a data id; its spans are matched by path"
            )),
            Some(MatchKey::Attr(k)) if !has_attribute(side, k) => out.push(format!(
                "{label}: no span carries the attribute {k:?}; its spans are matched by path"
            )),
            _ => {}
        }
    }
    out
}

fn has_attribute(side: &Side, key: &str) -> bool {
    let Some(k) = side.trace().strings().find(key) else {
        return false;
    };
    side.spans()
        .any(|s| side.trace().span_attributes(s).iter().any(|a| a.key == k))
}

fn summarize(c: &Comparison) -> Summary {
    let run_summaries: Vec<SideSummary> = c.runs.iter().map(SideSummary::of).collect();
    let is_set = c.runs.len() > 1;
    let a = if is_set {
        SideSummary::median(&run_summaries)
    } else {
        run_summaries.first().cloned().unwrap_or_default()
    };
    let b = SideSummary::of(&c.b);
    let walls = run_summaries.iter().map(|s| s.wall_clock);
    let a_wall_clock_range = is_set
        .then(|| Some((walls.clone().min()?, walls.max()?)))
        .flatten();
    let mut s = Summary {
        wall_clock_status: c.tolerance.classify(a.wall_clock, b.wall_clock),
        a,
        b,
        a_wall_clock_range,
        matched: c.matching.matched,
        added: c.matching.added,
        removed: c.matching.removed,
        trust: c.matching.trust,
        critical_path: critical_path_change(c),
        movers: movers(c),
        ..Summary::default()
    };
    for row in &c.rows {
        let ea = row.a.map_or(0, |m| m.errors);
        let eb = row.b.map_or(0, |m| m.errors);
        if eb > ea {
            s.new_errors += eb - ea;
            s.new_error_keys.push(row.text.clone());
        } else if ea > eb {
            s.resolved_errors += ea - eb;
            s.resolved_error_keys.push(row.text.clone());
        }
    }
    s.new_error_keys.sort();
    s.resolved_error_keys.sort();
    s
}

fn critical_path_change(c: &Comparison) -> CriticalPathChange {
    let Some(a) = c.runs.get(c.reference_run) else {
        return CriticalPathChange::default();
    };
    let path = |f: &crate::analysis::flowmesh::FlowMeshAnalysis| -> Vec<String> {
        let p = f.critical_path.iter();
        p.map(|&i| f.nodes[i].data_id.clone()).collect()
    };
    if !a.flowmesh.critical_path.is_empty() && !c.b.flowmesh.critical_path.is_empty() {
        return CriticalPathChange::between(true, path(&a.flowmesh), path(&c.b.flowmesh));
    }
    let texts = |m: &SideMeasures| -> Vec<String> {
        m.critical_keys().iter().map(|&k| c.keys.text(k)).collect()
    };
    CriticalPathChange::between(false, texts(a), texts(&c.b))
}

/// Summed duration by service and by span name on one side.
fn totals_by(keys: &KeyTable, m: &SideMeasures) -> [BTreeMap<String, i64>; 2] {
    let mut out = [BTreeMap::new(), BTreeMap::new()];
    for (i, x) in m.per_key.iter().enumerate().filter(|(_, x)| x.count > 0) {
        let k = KeyId(i as u32);
        *out[0].entry(keys.service(k).to_string()).or_default() += x.total.0;
        *out[1].entry(keys.span_name(k).to_string()).or_default() += x.total.0;
    }
    out
}

fn movers(c: &Comparison) -> Movers {
    let per_run: Vec<[BTreeMap<String, i64>; 2]> =
        c.runs.iter().map(|r| totals_by(&c.keys, r)).collect();
    // each name's median over the runs that have it
    let a_of = |which: usize| -> BTreeMap<String, i64> {
        let mut all: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for r in &per_run {
            for (n, v) in &r[which] {
                all.entry(n.clone()).or_default().push(*v);
            }
        }
        all.into_iter()
            .map(|(n, v)| (n, baseline::median_i64(v)))
            .collect()
    };
    let b = totals_by(&c.keys, &c.b);
    let data = |f: fn(&DataIdRow) -> Option<i64>| -> BTreeMap<String, i64> {
        c.data_ids
            .iter()
            .filter_map(|d| Some((d.data_id.clone(), f(d)?)))
            .collect()
    };
    Movers {
        services: ranked(&a_of(0), &b[0]),
        span_names: ranked(&a_of(1), &b[1]),
        data_ids: ranked(
            &data(|d| d.a.as_ref().map(|s| s.duration.0)),
            &data(|d| d.b.as_ref().map(|s| s.duration.0)),
        ),
    }
}
