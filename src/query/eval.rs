//! Evaluating a parsed query over every span into a `SpanSet`. Invariants: each term is one
//! pass over the spans; anything interned (names, keys, string values, event names) is decided
//! once per distinct string, services and resource attributes once per resource; a test on a
//! value a span does not have is false (`!=` and `!~` included: `-key` finds those spans).

use super::ast::{CmpOp, DurationBound, Expr, Term, ValueTest};
use crate::analysis::span_critical_path::Section;
use crate::analysis::span_set::SpanSet;
use crate::analysis::stats::nearest_rank;
use crate::analysis::usage_index::UsageIndex;
use crate::model::{AttrValue, Attribute, StrIdx, Trace};
use std::cell::OnceCell;

/// What a query is evaluated against: the trace, the critical sections `critical` reads (the
/// ones the views draw), and facts derived on first use (usage for `tokens` and `cost`).
pub struct QueryContext<'a> {
    trace: &'a Trace,
    critical: &'a [Section],
    usage: OnceCell<UsageIndex>,
}

impl<'a> QueryContext<'a> {
    /// A context over `trace` whose critical path is `critical` (empty when none is shown).
    pub fn new(trace: &'a Trace, critical: &'a [Section]) -> QueryContext<'a> {
        QueryContext {
            trace,
            critical,
            usage: OnceCell::new(),
        }
    }

    /// The trace queried.
    pub fn trace(&self) -> &'a Trace {
        self.trace
    }

    fn usage(&self) -> &UsageIndex {
        self.usage.get_or_init(|| UsageIndex::new(self.trace))
    }

    /// The nearest-rank `percent` percentile of every span's duration, ns (0 with no spans).
    pub fn duration_percentile_ns(&self, percent: f64) -> i64 {
        let mut d: Vec<i64> = self.trace.spans().iter().map(|s| s.duration().0).collect();
        if d.is_empty() {
            return 0;
        }
        let k = nearest_rank(d.len(), percent) - 1;
        *d.select_nth_unstable(k).1
    }
}

/// The spans `expr` matches.
pub fn evaluate(expr: &Expr, ctx: &QueryContext<'_>) -> SpanSet {
    match expr {
        Expr::Term(t) => term(t, ctx),
        Expr::Not(x) => {
            let mut s = evaluate(x, ctx);
            s.invert();
            s
        }
        Expr::And(xs) => {
            let mut acc = SpanSet::full(ctx.trace.span_count());
            for x in xs {
                if acc.is_empty() {
                    break;
                }
                acc.intersect_with(&evaluate(x, ctx));
            }
            acc
        }
        Expr::Or(xs) => {
            let mut acc = SpanSet::empty(ctx.trace.span_count());
            for x in xs {
                acc.union_with(&evaluate(x, ctx));
            }
            acc
        }
    }
}

/// Per-string decisions: 0 = not yet decided, 1 = no, 2 = yes.
struct Verdicts(Vec<u8>);

impl Verdicts {
    fn new(trace: &Trace) -> Verdicts {
        Verdicts(vec![0; trace.strings().len()])
    }

    fn decide(&mut self, i: StrIdx, yes: impl FnOnce() -> bool) -> bool {
        match self.0.get_mut(i.ix()) {
            Some(0) | None => {
                let v = yes();
                if let Some(slot) = self.0.get_mut(i.ix()) {
                    *slot = 1 + u8::from(v);
                }
                v
            }
            Some(v) => *v == 2,
        }
    }
}

fn term(t: &Term, ctx: &QueryContext<'_>) -> SpanSet {
    let trace = ctx.trace;
    let n = trace.span_count();
    match t {
        Term::Text(needle) => free_text(trace, needle),
        Term::Has(key) => has_key(trace, key),
        Term::Lacks(key) => {
            let mut s = has_key(trace, key);
            s.invert();
            s
        }
        Term::Attr { key, test } => attr(trace, key, test),
        Term::Name(test) => {
            let mut m = TextMatcher::new(trace, test);
            SpanSet::from_fn(n, |s| m.present(trace, trace.span(s).name))
        }
        Term::Service(test) => {
            let mut m = TextMatcher::new(trace, test);
            let by_resource: Vec<bool> = trace
                .resources()
                .iter()
                .map(|r| m.present(trace, r.service_name))
                .collect();
            let unknown = m.present(trace, StrIdx(0));
            SpanSet::from_fn(n, |s| {
                let r = trace.span(s).resource.ix();
                by_resource.get(r).copied().unwrap_or(unknown)
            })
        }
        Term::Status { eq, status } => {
            SpanSet::from_fn(n, |s| (trace.span(s).status == *status) == *eq)
        }
        Term::Kind { eq, kind } => SpanSet::from_fn(n, |s| (trace.span(s).kind == *kind) == *eq),
        Term::Type { eq, kind } => {
            let mut v = Verdicts::new(trace);
            let mut typed = Verdicts::new(trace);
            SpanSet::from_fn(n, |s| {
                let text = trace.span(s).span_type;
                if !typed.decide(text, || trace.span_type(s).is_some()) {
                    return false; // no known type: neither = nor != holds
                }
                v.decide(text, || trace.span_type(s) == Some(*kind)) == *eq
            })
        }
        Term::Duration { op, bound } => duration(ctx, *op, *bound),
        Term::Tokens { op, value } => usage_set(ctx, |u| op.holds(u.total, *value)),
        Term::Cost { op, value } => usage_set(ctx, |u| op.holds(u.cost, *value)),
        Term::Trace { eq, id } => {
            let t = trace.trace_index(*id);
            SpanSet::from_fn(n, |s| (Some(trace.span(s).trace) == t) == *eq)
        }
        Term::Critical => SpanSet::from_indices(n, ctx.critical.iter().map(|c| c.span)),
    }
}

fn duration(ctx: &QueryContext<'_>, op: CmpOp, bound: DurationBound) -> SpanSet {
    let trace = ctx.trace;
    let n = trace.span_count();
    match bound {
        DurationBound::Time { ns, .. } => {
            SpanSet::from_fn(n, |s| op.holds(trace.span(s).duration().0, ns))
        }
        DurationBound::Percentile(p) => {
            let v = ctx.duration_percentile_ns(p);
            SpanSet::from_fn(n, |s| op.holds(trace.span(s).duration().0, v))
        }
        DurationBound::TracePercent(p) => {
            // one threshold per trace: p % of the time from its first start to its last end
            let limit: Vec<f64> = (0..trace.trace_count())
                .map(|t| {
                    let (a, b) = trace.trace_bounds_of(crate::model::TraceIdx(t as u32));
                    b.since(a).0 as f64 * p / 100.0
                })
                .collect();
            SpanSet::from_fn(n, |s| {
                let span = trace.span(s);
                let d = span.duration().0 as f64;
                limit.get(span.trace.ix()).is_some_and(|l| op.holds(d, *l))
            })
        }
    }
}

fn usage_set(
    ctx: &QueryContext<'_>,
    keep: impl Fn(&crate::analysis::llm::Usage) -> bool,
) -> SpanSet {
    let n = ctx.trace.span_count();
    SpanSet::from_indices(
        n,
        ctx.usage()
            .entries()
            .iter()
            .filter(|(_, u)| keep(u))
            .map(|(s, _)| *s),
    )
}

/// The text of a non-interned value, as the details show it.
fn scalar_text(v: AttrValue) -> Option<String> {
    match v {
        AttrValue::Int(i) => Some(i.to_string()),
        AttrValue::Float(f) => Some(f.to_string()),
        AttrValue::Bool(b) => Some(b.to_string()),
        AttrValue::Str(_) | AttrValue::Json(_) => None,
    }
}

fn free_text(trace: &Trace, needle: &str) -> SpanSet {
    let needle = needle.to_lowercase();
    let mut v = Verdicts::new(trace);
    let mut hit = |i: StrIdx| v.decide(i, || trace.text(i).to_lowercase().contains(&needle));
    // numbers and booleans are not interned: format them only when the needle could be in one
    let scalar_possible = needle
        .bytes()
        .all(|b| b.is_ascii_digit() || b"-+.e".contains(&b))
        || "true".contains(needle.as_str())
        || "false".contains(needle.as_str());
    let scalar_hit = |a: &Attribute| {
        scalar_possible && scalar_text(a.value).is_some_and(|t| t.contains(&needle))
    };
    let by_resource: Vec<bool> = trace
        .resources()
        .iter()
        .map(|r| {
            hit(r.service_name)
                || r.attributes.iter().any(|a| {
                    hit(a.key)
                        || scalar_hit(a)
                        || matches!(a.value, AttrValue::Str(i) | AttrValue::Json(i) if hit(i))
                })
        })
        .collect();
    let hex_possible = needle.len() <= 16 && needle.bytes().all(|b| b.is_ascii_hexdigit());
    SpanSet::from_fn(trace.span_count(), |s| {
        let span = trace.span(s);
        hit(span.name)
            || by_resource
                .get(span.resource.ix())
                .copied()
                .unwrap_or(false)
            || (hex_possible
                && memchr::memmem::find(&hex16(span.span_id.0), needle.as_bytes()).is_some())
            || trace.span_attributes(s).iter().any(|a| {
                hit(a.key)
                    || scalar_hit(a)
                    || matches!(a.value, AttrValue::Str(i) | AttrValue::Json(i) if hit(i))
            })
            || trace.span_events(s).iter().any(|e| hit(e.name))
    })
}

/// A span id as its 16 lowercase hex digits, without allocating.
fn hex16(id: u64) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (k, b) in out.iter_mut().enumerate() {
        let nibble = (id >> (60 - 4 * k)) & 0xf;
        *b = b"0123456789abcdef"[nibble as usize];
    }
    out
}

fn has_key(trace: &Trace, key: &str) -> SpanSet {
    let n = trace.span_count();
    let Some(k) = trace.strings().find(key) else {
        return SpanSet::empty(n);
    };
    let by_resource: Vec<bool> = trace
        .resources()
        .iter()
        .map(|r| r.attributes.iter().any(|a| a.key == k))
        .collect();
    SpanSet::from_fn(n, |s| {
        trace.span_attributes(s).iter().any(|a| a.key == k)
            || by_resource
                .get(trace.span(s).resource.ix())
                .copied()
                .unwrap_or(false)
    })
}

fn attr(trace: &Trace, key: &str, test: &ValueTest) -> SpanSet {
    let n = trace.span_count();
    let Some(k) = trace.strings().find(key) else {
        return SpanSet::empty(n);
    };
    let mut m = TextMatcher::new(trace, test);
    // the span's own attribute wins over its resource's
    let by_resource: Vec<Option<bool>> = trace
        .resources()
        .iter()
        .map(|r| {
            r.attributes
                .iter()
                .find(|a| a.key == k)
                .map(|a| m.value(trace, a.value))
        })
        .collect();
    SpanSet::from_fn(n, |s| {
        match trace.span_attributes(s).iter().find(|a| a.key == k) {
            Some(a) => m.value(trace, a.value),
            None => by_resource
                .get(trace.span(s).resource.ix())
                .copied()
                .flatten()
                .unwrap_or(false),
        }
    })
}

/// A `ValueTest` with its decisions on interned strings cached.
struct TextMatcher<'q> {
    test: &'q ValueTest,
    /// The `=` / `!=` value read as a number, for numeric attributes.
    number: Option<f64>,
    verdicts: Verdicts,
}

impl<'q> TextMatcher<'q> {
    fn new(trace: &Trace, test: &'q ValueTest) -> TextMatcher<'q> {
        let number = match test {
            ValueTest::Eq(v) | ValueTest::Ne(v) => super::values::number(v),
            _ => None,
        };
        TextMatcher {
            test,
            number,
            verdicts: Verdicts::new(trace),
        }
    }

    /// The test on an interned text that is always present (a name, a service).
    fn present(&mut self, trace: &Trace, i: StrIdx) -> bool {
        self.value(trace, AttrValue::Str(i))
    }

    /// The test on a value that is present.
    fn value(&mut self, trace: &Trace, v: AttrValue) -> bool {
        let test = self.test;
        match v {
            AttrValue::Str(i) | AttrValue::Json(i) => {
                self.verdicts.decide(i, || text_holds(test, trace.text(i)))
            }
            AttrValue::Int(x) => self.scalar(v, Some(x as f64)),
            AttrValue::Float(x) => self.scalar(v, Some(x)),
            AttrValue::Bool(_) => self.scalar(v, None),
        }
    }

    fn scalar(&self, v: AttrValue, as_number: Option<f64>) -> bool {
        let text = scalar_text(v).unwrap_or_default();
        let equal = |s: &str| match (self.number, as_number) {
            (Some(a), Some(b)) => a == b,
            _ => text.eq_ignore_ascii_case(s),
        };
        match self.test {
            ValueTest::Eq(s) => equal(s),
            ValueTest::Ne(s) => !equal(s),
            ValueTest::Re(p) => p.is_match(&text),
            ValueTest::NotRe(p) => !p.is_match(&text),
            ValueTest::Cmp(op, n) => as_number.is_some_and(|x| op.holds(x, *n)),
        }
    }
}

fn text_holds(test: &ValueTest, text: &str) -> bool {
    match test {
        ValueTest::Eq(s) => text == s,
        ValueTest::Ne(s) => text != s,
        ValueTest::Re(p) => p.is_match(text),
        ValueTest::NotRe(p) => !p.is_match(text),
        ValueTest::Cmp(op, n) => super::values::number(text).is_some_and(|x| op.holds(x, *n)),
    }
}
