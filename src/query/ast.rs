//! The parsed form of a query. Invariant: `Display` prints text that parses back to the same
//! tree (quoting words, keys and values only where the lexer would otherwise read them
//! differently, and parenthesising only where precedence needs it).

use crate::model::{SpanKind, SpanType, StatusCode, TraceId};
use std::fmt;

/// A query: terms combined with `not`, juxtaposition / `and`, and `or`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// One test on a span.
    Term(Term),
    /// `not x` (or `-x` before a comparison or a group).
    Not(Box<Expr>),
    /// Terms side by side (or joined by `and`); at least two.
    And(Vec<Expr>),
    /// Terms joined by `or`; at least two.
    Or(Vec<Expr>),
}

/// One test on a span.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// Free text: a case-insensitive substring of the span's name, service, span id (hex),
    /// attribute keys and values (span and resource) or event names.
    Text(String),
    /// `+key`: the span (or its resource) has attribute `key`.
    Has(String),
    /// `-key`: neither the span nor its resource has attribute `key`.
    Lacks(String),
    /// `key=value` and friends over span attributes, then resource attributes.
    Attr {
        /// Attribute key.
        key: String,
        /// The test on its value.
        test: ValueTest,
    },
    /// `name=...`, `name~...`: the span name.
    Name(ValueTest),
    /// `service=...`: the service name.
    Service(ValueTest),
    /// `status=error|ok|unset`.
    Status {
        /// `=` (true) or `!=` (false).
        eq: bool,
        /// The status.
        status: StatusCode,
    },
    /// `kind=server|client|...`.
    Kind {
        /// `=` (true) or `!=` (false).
        eq: bool,
        /// The span kind.
        kind: SpanKind,
    },
    /// `type=llm|tool|...`: the span's classified type.
    Type {
        /// `=` (true) or `!=` (false).
        eq: bool,
        /// The span type.
        kind: SpanType,
    },
    /// `duration>100ms`, `duration>2.5%`, `duration>=p99`.
    Duration {
        /// Comparison.
        op: CmpOp,
        /// What it compares with.
        bound: DurationBound,
    },
    /// `tokens>1000`: total tokens the span reports.
    Tokens {
        /// Comparison.
        op: CmpOp,
        /// Token count.
        value: i64,
    },
    /// `cost>0.01`: cost the span reports.
    Cost {
        /// Comparison.
        op: CmpOp,
        /// Cost, in the producer's currency.
        value: f64,
    },
    /// `trace=<trace id>`.
    Trace {
        /// `=` (true) or `!=` (false).
        eq: bool,
        /// The trace id.
        id: TraceId,
    },
    /// `critical`: the span has a section on the critical path.
    Critical,
}

/// A test on a text (or attribute) value.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueTest {
    /// `=v`: equal text (numbers compare as numbers).
    Eq(String),
    /// `!=v`: present and not equal.
    Ne(String),
    /// `~re`: the regex finds a match anywhere in the text.
    Re(Pattern),
    /// `!~re`: present and the regex finds no match.
    NotRe(Pattern),
    /// `>n`, `>=n`, `<n`, `<=n`: a numeric value (or text that reads as a number).
    Cmp(CmpOp, f64),
}

/// A numeric comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
        }
    }

    /// `a <op> b`.
    pub fn holds<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
        }
    }
}

/// What a duration is compared with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DurationBound {
    /// A length of time, as written in `unit`.
    Time {
        /// Nanoseconds.
        ns: i64,
        /// The unit it was written in (printed back in it).
        unit: TimeUnit,
    },
    /// Percent of the duration of the span's own trace (`2.5%`).
    TracePercent(f64),
    /// The nearest-rank percentile of every loaded span's duration (`p99`).
    Percentile(f64),
}

/// Units a duration can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// `ns`
    Ns,
    /// `us` or `µs`
    Us,
    /// `ms`
    Ms,
    /// `s`
    S,
    /// `m` (minutes)
    M,
    /// `h`
    H,
}

impl TimeUnit {
    /// Every unit, shortest first.
    pub const ALL: [TimeUnit; 6] = [
        TimeUnit::Ns,
        TimeUnit::Us,
        TimeUnit::Ms,
        TimeUnit::S,
        TimeUnit::M,
        TimeUnit::H,
    ];

    /// Nanoseconds in one unit.
    pub fn ns(self) -> i64 {
        match self {
            TimeUnit::Ns => 1,
            TimeUnit::Us => 1_000,
            TimeUnit::Ms => 1_000_000,
            TimeUnit::S => 1_000_000_000,
            TimeUnit::M => 60_000_000_000,
            TimeUnit::H => 3_600_000_000_000,
        }
    }

    /// The unit as printed.
    pub fn token(self) -> &'static str {
        match self {
            TimeUnit::Ns => "ns",
            TimeUnit::Us => "us",
            TimeUnit::Ms => "ms",
            TimeUnit::S => "s",
            TimeUnit::M => "m",
            TimeUnit::H => "h",
        }
    }

    /// The unit of a suffix (`µs` and `μs` are `us`).
    pub fn from_token(t: &str) -> Option<TimeUnit> {
        match t {
            "µs" | "μs" => Some(TimeUnit::Us),
            _ => TimeUnit::ALL.into_iter().find(|u| u.token() == t),
        }
    }
}

/// A compiled regex that compares by its source text.
#[derive(Clone)]
pub struct Pattern {
    source: String,
    regex: regex::Regex,
}

impl Pattern {
    /// Compiles `source` with size limits (a hostile link cannot make the tab build a huge
    /// automaton); `Err` is the regex crate's reason.
    pub fn new(source: &str) -> Result<Pattern, String> {
        regex::RegexBuilder::new(source)
            .size_limit(1 << 20)
            .dfa_size_limit(1 << 20)
            .nest_limit(64)
            .build()
            .map(|regex| Pattern {
                source: source.to_string(),
                regex,
            })
            .map_err(|e| e.to_string())
    }

    /// The regex as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// True when the regex matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.source == other.source
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.source)
    }
}

/// The token each span type is written as in queries (`SpanType::classify` reads it back).
pub fn type_token(t: SpanType) -> &'static str {
    match t {
        SpanType::Llm => "llm",
        SpanType::ChatModel => "chat_model",
        SpanType::Tool => "tool",
        SpanType::Retriever => "retriever",
        SpanType::Embedding => "embedding",
        SpanType::Chain => "chain",
        SpanType::Agent => "agent",
        SpanType::Guardrail => "guardrail",
        SpanType::Reranker => "reranker",
        SpanType::Parser => "parser",
        SpanType::Evaluator => "evaluator",
        SpanType::Event => "event",
        SpanType::Compute => "compute",
        SpanType::Network => "network",
        SpanType::Marker => "marker",
    }
}

/// Names that are intrinsics when written bare before an operator (quote them for an
/// attribute of that name: `"name"=x`).
pub const INTRINSICS: [&str; 10] = [
    "name", "service", "status", "kind", "type", "duration", "tokens", "cost", "trace", "critical",
];

/// Words that combine terms (any case); quote them to search for the word.
pub fn is_keyword(word: &str) -> bool {
    ["or", "and", "not"]
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k))
}

/// `text` in double quotes, with `"` and `\` escaped.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A free-text word as written: bare when the lexer reads it back as that one word.
fn text_form(text: &str) -> String {
    let bare = super::lexer::is_bare_word(text)
        && !is_keyword(text)
        && text != "critical"
        && !text.starts_with(['-', '+']);
    if bare {
        text.to_string()
    } else {
        quoted(text)
    }
}

/// An attribute key as written before an operator or after `+` / `-`.
fn key_form(key: &str) -> String {
    let bare = super::lexer::is_bare_word(key)
        && !is_keyword(key)
        && !INTRINSICS.contains(&key)
        && !key.starts_with(['-', '+'])
        // `!` then `~` would lex as one `!~` (and so for `<=`, `>=`, `!=`, `=~`)
        && !key.ends_with(['!', '=', '<', '>', '~']);
    if bare {
        key.to_string()
    } else {
        quoted(key)
    }
}

/// A value as written after an operator.
fn value_form(value: &str) -> String {
    if super::lexer::is_bare_value(value) {
        value.to_string()
    } else {
        quoted(value)
    }
}

/// `ns` written in `unit` as an exact decimal (falls back to ns when it has no short one).
fn duration_form(ns: i64, unit: TimeUnit) -> String {
    let f = i128::from(unit.ns());
    let n = i128::from(ns);
    let (whole, mut rem) = (n / f, n % f);
    if rem == 0 {
        return format!("{whole}{}", unit.token());
    }
    let mut digits = String::new();
    while rem != 0 && digits.len() < 24 {
        rem *= 10;
        digits.push(char::from(b'0' + (rem / f) as u8));
        rem %= f;
    }
    if rem != 0 {
        return format!("{ns}ns");
    }
    format!("{whole}.{digits}{}", unit.token())
}

impl fmt::Display for ValueTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueTest::Eq(v) => write!(f, "={}", value_form(v)),
            ValueTest::Ne(v) => write!(f, "!={}", value_form(v)),
            ValueTest::Re(p) => write!(f, "~{}", value_form(p.source())),
            ValueTest::NotRe(p) => write!(f, "!~{}", value_form(p.source())),
            ValueTest::Cmp(op, n) => write!(f, "{}{n}", op.symbol()),
        }
    }
}

impl fmt::Display for DurationBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DurationBound::Time { ns, unit } => f.write_str(&duration_form(ns, unit)),
            DurationBound::TracePercent(p) => write!(f, "{p}%"),
            DurationBound::Percentile(p) => write!(f, "p{p}"),
        }
    }
}

fn eq_symbol(eq: bool) -> &'static str {
    if eq {
        "="
    } else {
        "!="
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Text(t) => f.write_str(&text_form(t)),
            Term::Has(k) => write!(f, "+{}", key_form(k)),
            Term::Lacks(k) => write!(f, "-{}", key_form(k)),
            Term::Attr { key, test } => write!(f, "{}{test}", key_form(key)),
            Term::Name(test) => write!(f, "name{test}"),
            Term::Service(test) => write!(f, "service{test}"),
            Term::Status { eq, status } => {
                let s = status.label().to_ascii_lowercase();
                write!(f, "status{}{s}", eq_symbol(*eq))
            }
            Term::Kind { eq, kind } => write!(f, "kind{}{}", eq_symbol(*eq), kind.label()),
            Term::Type { eq, kind } => write!(f, "type{}{}", eq_symbol(*eq), type_token(*kind)),
            Term::Duration { op, bound } => write!(f, "duration{}{bound}", op.symbol()),
            Term::Tokens { op, value } => write!(f, "tokens{}{value}", op.symbol()),
            Term::Cost { op, value } => write!(f, "cost{}{value}", op.symbol()),
            Term::Trace { eq, id } => write!(f, "trace{}{id}", eq_symbol(*eq)),
            Term::Critical => f.write_str("critical"),
        }
    }
}

/// Where an expression is printed, to know when it needs parentheses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Parent {
    Top,
    And,
    Or,
    Not,
}

fn write_expr(e: &Expr, f: &mut fmt::Formatter<'_>, parent: Parent) -> fmt::Result {
    match e {
        Expr::Term(t) => write!(f, "{t}"),
        Expr::Not(x) => {
            f.write_str("not ")?;
            write_expr(x, f, Parent::Not)
        }
        Expr::And(xs) => write_list(xs, f, " ", parent != Parent::Top && parent != Parent::Or),
        Expr::Or(xs) => write_list(xs, f, " or ", parent != Parent::Top),
    }
}

fn write_list(xs: &[Expr], f: &mut fmt::Formatter<'_>, sep: &str, parens: bool) -> fmt::Result {
    let inner = if sep == " " { Parent::And } else { Parent::Or };
    if parens {
        f.write_str("(")?;
    }
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write_expr(x, f, inner)?;
    }
    if parens {
        f.write_str(")")?;
    }
    Ok(())
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_expr(self, f, Parent::Top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_exactly_in_their_unit() {
        assert_eq!(duration_form(2_500_000_000, TimeUnit::S), "2.5s");
        assert_eq!(duration_form(90_000_000_000, TimeUnit::M), "1.5m");
        assert_eq!(duration_form(100, TimeUnit::Ns), "100ns");
        assert_eq!(duration_form(1_001, TimeUnit::Us), "1.001us");
        // 1 ns is no short decimal of minutes: printed in ns instead
        assert_eq!(duration_form(1, TimeUnit::M), "1ns");
    }
}
