//! What is measured per key on one side: count, total duration, self time (children's union
//! taken out, so overlapping children are not subtracted twice), time on the critical path,
//! errors, tokens and cost. Computed once per side, indexed by `KeyId`.
//!
//! The critical path is the one the timeline draws: for a FlowMesh workflow the span-tree path
//! of the tasks on the lineage critical path, otherwise every root's span-tree path
//! (`span_critical_path`, our fixed rules); restricted to the side's trace ids.

use super::key::{KeyId, KeyTable, KeyedSpans};
use super::side::Side;
use crate::analysis::flowmesh::{analyze_traces, FlowMeshAnalysis};
use crate::analysis::llm::span_usage;
use crate::analysis::span_critical_path::{critical_path_of_root, Rules, Section};
use crate::model::{DurationNs, SpanIdx, StrIdx, Trace};
use rustc_hash::{FxHashMap, FxHashSet};

/// The measures of one key (or of a whole side) on one side.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Measures {
    /// Spans.
    pub count: u64,
    /// Sum of their durations.
    pub total: DurationNs,
    /// Sum of their self times.
    pub self_time: DurationNs,
    /// Sum of their time on the critical path.
    pub critical: DurationNs,
    /// Spans with status ERROR.
    pub errors: u64,
    /// Total tokens reported.
    pub tokens: i64,
    /// Cost reported (producer's currency).
    pub cost: f64,
}

impl Measures {
    fn add(&mut self, o: &Measures) {
        self.count += o.count;
        self.total.0 += o.total.0;
        self.self_time.0 += o.self_time.0;
        self.critical.0 += o.critical.0;
        self.errors += o.errors;
        self.tokens += o.tokens;
        self.cost += o.cost;
    }
}

/// Everything derived from one side that the comparison reads.
#[derive(Debug, Clone)]
pub struct SideMeasures {
    /// Spans with their keys, sorted by (key, start).
    pub keyed: KeyedSpans,
    /// Measures by `KeyId` (count 0 = the side has no span with that key); may be shorter than
    /// the key table when later sides added keys.
    pub per_key: Vec<Measures>,
    /// The whole side.
    pub total: Measures,
    /// The side's own FlowMesh analysis (as `skein analyze` on it alone).
    pub flowmesh: FlowMeshAnalysis,
    /// Its critical sections, in walk order.
    pub critical: Vec<Section>,
    /// Wall-clock duration.
    pub wall_clock: DurationNs,
}

impl SideMeasures {
    /// The measures of key `k` (zero when the side has none).
    pub fn of(&self, k: KeyId) -> Measures {
        self.per_key.get(k.ix()).copied().unwrap_or_default()
    }

    /// The keys of the side's critical spans, each once, earliest section first.
    pub fn critical_keys(&self) -> Vec<KeyId> {
        let key_of: FxHashMap<SpanIdx, KeyId> = {
            let on: FxHashSet<SpanIdx> = self.critical.iter().map(|s| s.span).collect();
            self.keyed
                .spans
                .iter()
                .filter(|(_, s)| on.contains(s))
                .map(|&(k, s)| (s, k))
                .collect()
        };
        let mut sections: Vec<&Section> = self.critical.iter().collect();
        sections.sort_by_key(|s| (s.start_ns, s.end_ns));
        let mut seen = FxHashSet::default();
        sections
            .iter()
            .filter_map(|s| key_of.get(&s.span).copied())
            .filter(|k| seen.insert(*k))
            .collect()
    }
}

/// Measures `side`, keyed by `table` (already filled for it by `KeyTable::key_side`).
pub fn measure_side(side: &Side, keyed: KeyedSpans, table: &KeyTable) -> SideMeasures {
    let trace = side.trace();
    let flowmesh = analyze_traces(trace, side.kept());
    let critical = critical_sections(side, &flowmesh);
    let mut on_path: FxHashMap<SpanIdx, i64> = FxHashMap::default();
    for s in &critical {
        *on_path.entry(s.span).or_default() += s.end_ns - s.start_ns;
    }
    let mut probe = UsageProbe::new(trace);
    let mut per_key = vec![Measures::default(); table.len()];
    let mut total = Measures::default();
    for &(k, s) in &keyed.spans {
        let span = trace.span(s);
        let usage = probe.may_report(trace, s).then(|| span_usage(trace, s));
        let usage = usage.flatten().unwrap_or_default();
        let m = Measures {
            count: 1,
            total: span.duration(),
            self_time: trace.self_time(s),
            critical: DurationNs(on_path.get(&s).copied().unwrap_or(0)),
            errors: u64::from(span.is_error()),
            tokens: usage.total,
            cost: usage.cost,
        };
        per_key[k.ix()].add(&m);
        total.add(&m);
    }
    SideMeasures {
        keyed,
        per_key,
        total,
        flowmesh,
        critical,
        wall_clock: side.wall_clock(),
    }
}

/// The side's critical sections: the tasks on the lineage path when there is one, else every
/// root's (see the module comment).
fn critical_sections(side: &Side, flowmesh: &FlowMeshAnalysis) -> Vec<Section> {
    let trace = side.trace();
    let tasks: FxHashSet<SpanIdx> = flowmesh
        .critical_path
        .iter()
        .filter_map(|&i| flowmesh.nodes[i].task_span)
        .collect();
    let mut out = Vec::new();
    for root in side.roots() {
        if tasks.is_empty() || tasks.contains(&root) {
            out.extend(critical_path_of_root(trace, root, Rules::fixed()));
        }
    }
    out
}

/// Attribute-key prefixes under which `llm::span_usage` finds tokens or cost; a span with none
/// of them reports no usage, so the (ten-key) probe runs only on the few spans that might. A
/// test checks the sums against `llm::llm_summary` on every fixture with usage.
const USAGE_PREFIXES: [&str; 5] = [
    "mlflow.chat.tokenUsage",
    "mlflow.llm.cost",
    "langfuse.",
    "gen_ai.usage.",
    "llm.token_count.",
];

/// Which attribute keys of a trace might carry usage, decided once per distinct key.
struct UsageProbe {
    /// By `StrIdx`: 0 not decided, 1 no, 2 yes.
    verdict: Vec<u8>,
}

impl UsageProbe {
    fn new(trace: &Trace) -> UsageProbe {
        UsageProbe {
            verdict: vec![0; trace.strings().len()],
        }
    }

    fn is_usage_key(&mut self, trace: &Trace, k: StrIdx) -> bool {
        match self.verdict.get(k.ix()) {
            Some(1) => false,
            Some(2) => true,
            _ => {
                let yes = USAGE_PREFIXES.iter().any(|p| trace.text(k).starts_with(p));
                if let Some(v) = self.verdict.get_mut(k.ix()) {
                    *v = if yes { 2 } else { 1 };
                }
                yes
            }
        }
    }

    fn may_report(&mut self, trace: &Trace, s: SpanIdx) -> bool {
        trace
            .span_attributes(s)
            .iter()
            .any(|a| self.is_usage_key(trace, a.key))
    }
}
