//! One query term prepared for testing span after span. Invariants: anything interned (names,
//! keys, string values, event names) is decided once per distinct string and services and
//! resource attributes once per resource, whatever the number of spans; a test on a value a
//! span does not have is false (`!=` and `!~` included: `-key` finds those spans).

use super::ast::{CmpOp, DurationBound, Term, ValueTest};
use super::eval::QueryContext;
use crate::analysis::span_set::SpanSet;
use crate::model::{AttrValue, Attribute, SpanIdx, SpanKind, SpanType, StatusCode, StrIdx};
use crate::model::{Trace, TraceIdx};

/// A prepared term.
pub(super) enum Leaf {
    /// Decided up front for every span (critical, tokens, cost).
    Set(SpanSet),
    Text(Box<FreeText>),
    /// `+key`, or `-key` when `lacks`.
    Has {
        key: Option<StrIdx>,
        by_resource: Vec<bool>,
        lacks: bool,
    },
    Attr {
        key: Option<StrIdx>,
        matcher: TextMatcher,
        /// The resource's value decided (`None`: the resource lacks the key).
        by_resource: Vec<Option<bool>>,
    },
    Name(TextMatcher),
    Service {
        by_resource: Vec<bool>,
        unknown: bool,
    },
    Status {
        eq: bool,
        status: StatusCode,
    },
    Kind {
        eq: bool,
        kind: SpanKind,
    },
    Type {
        eq: bool,
        kind: SpanType,
        /// Per type text: 0 undecided, 1 no known type, 2 this kind, 3 another kind.
        decided: Vec<u8>,
    },
    Duration {
        op: CmpOp,
        ns: i64,
    },
    /// `duration > p %` of the span's trace: the threshold of each trace, ns.
    TraceShare {
        op: CmpOp,
        limits: Vec<f64>,
    },
    Trace {
        eq: bool,
        trace: Option<TraceIdx>,
    },
}

impl Leaf {
    pub(super) fn new(t: &Term, ctx: &QueryContext<'_>) -> Leaf {
        let trace = ctx.trace();
        let n = trace.span_count();
        match t {
            Term::Text(needle) => Leaf::Text(Box::new(FreeText::new(trace, needle))),
            Term::Has(key) | Term::Lacks(key) => {
                let key = trace.strings().find(key);
                let by_resource = trace
                    .resources()
                    .iter()
                    .map(|r| r.attributes.iter().any(|a| Some(a.key) == key))
                    .collect();
                Leaf::Has {
                    key,
                    by_resource,
                    lacks: matches!(t, Term::Lacks(_)),
                }
            }
            Term::Attr { key, test } => {
                let key = trace.strings().find(key);
                let mut matcher = TextMatcher::new(trace, test);
                let by_resource = trace
                    .resources()
                    .iter()
                    .map(|r| {
                        let a = r.attributes.iter().find(|a| Some(a.key) == key)?;
                        Some(matcher.value(trace, a.value))
                    })
                    .collect();
                Leaf::Attr {
                    key,
                    matcher,
                    by_resource,
                }
            }
            Term::Name(test) => Leaf::Name(TextMatcher::new(trace, test)),
            Term::Service(test) => {
                let mut m = TextMatcher::new(trace, test);
                let by_resource = trace
                    .resources()
                    .iter()
                    .map(|r| m.value(trace, AttrValue::Str(r.service_name)))
                    .collect();
                let unknown = m.value(trace, AttrValue::Str(StrIdx(0)));
                Leaf::Service {
                    by_resource,
                    unknown,
                }
            }
            Term::Status { eq, status } => Leaf::Status {
                eq: *eq,
                status: *status,
            },
            Term::Kind { eq, kind } => Leaf::Kind {
                eq: *eq,
                kind: *kind,
            },
            Term::Type { eq, kind } => Leaf::Type {
                eq: *eq,
                kind: *kind,
                decided: vec![0; trace.strings().len()],
            },
            Term::Duration { op, bound } => match *bound {
                DurationBound::Time { ns, .. } => Leaf::Duration { op: *op, ns },
                DurationBound::Percentile(p) => Leaf::Duration {
                    op: *op,
                    ns: ctx.duration_percentile_ns(p),
                },
                DurationBound::TracePercent(p) => Leaf::TraceShare {
                    op: *op,
                    limits: (0..trace.trace_count())
                        .map(|t| {
                            let (a, b) = trace.trace_bounds_of(TraceIdx(t as u32));
                            b.since(a).0 as f64 * p / 100.0
                        })
                        .collect(),
                },
            },
            Term::Tokens { op, value } => usage_set(ctx, |u| op.holds(u.total, *value)),
            Term::Cost { op, value } => usage_set(ctx, |u| op.holds(u.cost, *value)),
            Term::Trace { eq, id } => Leaf::Trace {
                eq: *eq,
                trace: trace.trace_index(*id),
            },
            Term::Critical => Leaf::Set(SpanSet::from_indices(
                n,
                ctx.critical().iter().map(|c| c.span),
            )),
        }
    }

    /// Relative cost of one test, for ordering `and` / `or` terms cheapest first.
    pub(super) fn cost(&self) -> u32 {
        match self {
            Leaf::Set(_)
            | Leaf::Status { .. }
            | Leaf::Kind { .. }
            | Leaf::Duration { .. }
            | Leaf::TraceShare { .. }
            | Leaf::Trace { .. } => 1,
            Leaf::Name(_) | Leaf::Service { .. } | Leaf::Type { .. } => 2,
            Leaf::Has { .. } | Leaf::Attr { .. } => 4,
            Leaf::Text(_) => 8,
        }
    }

    /// The test of the leaves that keep no cache.
    fn test_ref(&self, trace: &Trace, s: SpanIdx) -> bool {
        let span = trace.span(s);
        match self {
            Leaf::Set(set) => set.contains(s),
            Leaf::Has {
                key,
                by_resource,
                lacks,
            } => {
                let has = key.is_some_and(|k| trace.span_attributes(s).iter().any(|a| a.key == k))
                    || by_resource
                        .get(span.resource.ix())
                        .copied()
                        .unwrap_or(false);
                has != *lacks
            }
            Leaf::Service {
                by_resource,
                unknown,
            } => by_resource
                .get(span.resource.ix())
                .copied()
                .unwrap_or(*unknown),
            Leaf::Status { eq, status } => (span.status == *status) == *eq,
            Leaf::Kind { eq, kind } => (span.kind == *kind) == *eq,
            Leaf::Duration { op, ns } => op.holds(span.duration().0, *ns),
            Leaf::TraceShare { op, limits } => limits
                .get(span.trace.ix())
                .is_some_and(|l| op.holds(span.duration().0 as f64, *l)),
            Leaf::Trace { eq, trace: t } => (Some(span.trace) == *t) == *eq,
            Leaf::Text(_) | Leaf::Attr { .. } | Leaf::Name(_) | Leaf::Type { .. } => false,
        }
    }

    /// True when span `s` passes.
    pub(super) fn test(&mut self, trace: &Trace, s: SpanIdx) -> bool {
        match self {
            Leaf::Text(t) => t.test(trace, s),
            Leaf::Attr {
                key,
                matcher,
                by_resource,
            } => {
                let Some(k) = *key else {
                    return false;
                };
                match trace.span_attributes(s).iter().find(|a| a.key == k) {
                    Some(a) => matcher.value(trace, a.value),
                    None => by_resource
                        .get(trace.span(s).resource.ix())
                        .copied()
                        .flatten()
                        .unwrap_or(false),
                }
            }
            Leaf::Name(m) => m.value(trace, AttrValue::Str(trace.span(s).name)),
            Leaf::Type { eq, kind, decided } => {
                let text = trace.span(s).span_type;
                let Some(slot) = decided.get_mut(text.ix()) else {
                    return false;
                };
                if *slot == 0 {
                    *slot = match trace.span_type(s) {
                        None => 1,
                        Some(k) if k == *kind => 2,
                        Some(_) => 3,
                    };
                }
                // no known type: neither = nor != holds
                *slot != 1 && (*slot == 2) == *eq
            }
            _ => self.test_ref(trace, s),
        }
    }
}

fn usage_set(ctx: &QueryContext<'_>, keep: impl Fn(&crate::analysis::llm::Usage) -> bool) -> Leaf {
    let n = ctx.trace().span_count();
    let spans = ctx
        .usage()
        .entries()
        .iter()
        .filter(|(_, u)| keep(u))
        .map(|(s, _)| *s);
    Leaf::Set(SpanSet::from_indices(n, spans))
}

/// Per-string decisions: 0 = not yet decided, 1 = no, 2 = yes.
struct Verdicts(Vec<u8>);

impl Verdicts {
    fn new(trace: &Trace) -> Verdicts {
        Verdicts(vec![0; trace.strings().len()])
    }

    fn decide(&mut self, i: StrIdx, yes: impl FnOnce() -> bool) -> bool {
        match self.0.get_mut(i.ix()) {
            Some(0) => {
                let v = yes();
                self.0[i.ix()] = 1 + u8::from(v);
                v
            }
            Some(v) => *v == 2,
            None => yes(),
        }
    }
}

/// The text of a value that is not interned, as the details show it.
fn scalar_text(v: AttrValue) -> String {
    match v {
        AttrValue::Int(i) => i.to_string(),
        AttrValue::Float(f) => f.to_string(),
        AttrValue::Bool(b) => b.to_string(),
        AttrValue::Str(_) | AttrValue::Json(_) => String::new(),
    }
}

/// Free text, lowercased, with its decisions cached.
pub(super) struct FreeText {
    needle: String,
    finder: memchr::memmem::Finder<'static>,
    verdicts: Verdicts,
    by_resource: Vec<bool>,
    /// The needle could be inside a number's or boolean's text.
    scalar_possible: bool,
    /// The needle could be inside a span id's hex.
    hex_possible: bool,
}

impl FreeText {
    fn new(trace: &Trace, needle: &str) -> FreeText {
        let needle = needle.to_lowercase();
        let mut t = FreeText {
            finder: memchr::memmem::Finder::new(needle.as_bytes()).into_owned(),
            scalar_possible: needle
                .bytes()
                .all(|b| b.is_ascii_digit() || b"-+.e".contains(&b))
                || "true".contains(needle.as_str())
                || "false".contains(needle.as_str()),
            hex_possible: needle.len() <= 16 && needle.bytes().all(|b| b.is_ascii_hexdigit()),
            needle,
            verdicts: Verdicts::new(trace),
            by_resource: Vec::new(),
        };
        let by_resource: Vec<bool> = trace
            .resources()
            .iter()
            .map(|r| t.hit(trace, r.service_name) || r.attributes.iter().any(|a| t.attr(trace, a)))
            .collect();
        t.by_resource = by_resource;
        t
    }

    fn hit(&mut self, trace: &Trace, i: StrIdx) -> bool {
        let finder = &self.finder;
        self.verdicts.decide(i, || {
            let text = trace.text(i);
            if text.is_ascii() {
                finder.find(text.to_ascii_lowercase().as_bytes()).is_some()
            } else {
                finder.find(text.to_lowercase().as_bytes()).is_some()
            }
        })
    }

    fn attr(&mut self, trace: &Trace, a: &Attribute) -> bool {
        self.hit(trace, a.key)
            || match a.value {
                AttrValue::Str(i) | AttrValue::Json(i) => self.hit(trace, i),
                v => self.scalar_possible && scalar_text(v).contains(&self.needle),
            }
    }

    fn test(&mut self, trace: &Trace, s: SpanIdx) -> bool {
        let span = trace.span(s);
        self.hit(trace, span.name)
            || self
                .by_resource
                .get(span.resource.ix())
                .copied()
                .unwrap_or(false)
            || (self.hex_possible && self.finder.find(&hex16(span.span_id.0)).is_some())
            || trace.span_attributes(s).iter().any(|a| self.attr(trace, a))
            || trace.span_events(s).iter().any(|e| self.hit(trace, e.name))
    }
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

/// A `ValueTest` with its decisions on interned strings cached.
pub(super) struct TextMatcher {
    test: ValueTest,
    /// The `=` / `!=` value read as a number, for numeric attributes.
    number: Option<f64>,
    verdicts: Verdicts,
}

impl TextMatcher {
    fn new(trace: &Trace, test: &ValueTest) -> TextMatcher {
        let number = match test {
            ValueTest::Eq(v) | ValueTest::Ne(v) => super::values::number(v),
            _ => None,
        };
        TextMatcher {
            test: test.clone(),
            number,
            verdicts: Verdicts::new(trace),
        }
    }

    /// The test on a value that is present.
    fn value(&mut self, trace: &Trace, v: AttrValue) -> bool {
        let test = &self.test;
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
        let equal = |s: &str| match (self.number, as_number) {
            (Some(a), Some(b)) => a == b,
            _ => scalar_text(v).eq_ignore_ascii_case(s),
        };
        match &self.test {
            ValueTest::Eq(s) => equal(s),
            ValueTest::Ne(s) => !equal(s),
            ValueTest::Re(p) => p.is_match(&scalar_text(v)),
            ValueTest::NotRe(p) => !p.is_match(&scalar_text(v)),
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
