//! The value side of a comparison: which operators each intrinsic takes, and how its value
//! reads (status and kind names, span types, durations in exact nanoseconds, percentages,
//! percentiles, token counts, costs, trace ids, numbers, regexes). Errors point at the
//! operator or the value.

use super::ast::{CmpOp, DurationBound, Pattern, Term, TimeUnit, ValueTest};
use super::lexer::Op;
use super::parser::err;
use super::QueryError;
use crate::model::{SpanKind, SpanType, StatusCode, TraceId};
use std::ops::Range;

/// The operator and value of one comparison, to check against what its key accepts.
pub(super) struct Cmp<'a> {
    pub op: Op,
    pub op_at: Range<usize>,
    pub value: &'a str,
    pub value_at: Range<usize>,
}

impl Cmp<'_> {
    /// The term for bare key `key`: an intrinsic when it names one, else an attribute.
    pub fn term(&self, key: &str, key_at: Range<usize>) -> Result<Term, QueryError> {
        match key {
            "name" => self.text_test("name").map(Term::Name),
            "service" => self.text_test("service").map(Term::Service),
            "status" => self.status(),
            "kind" => self.kind(),
            "type" => self.span_type(),
            "duration" => Ok(Term::Duration {
                op: self.cmp_op("duration")?,
                bound: self.duration_bound()?,
            }),
            "tokens" => self.tokens(),
            "cost" => self.cost(),
            "trace" => self.trace(),
            "critical" => Err(err(
                key_at,
                "`critical` takes no value: write critical or -critical",
            )),
            _ => self.attr(key),
        }
    }

    fn op_error(&self, key: &str, allowed: &str) -> QueryError {
        err(
            self.op_at.clone(),
            format!(
                "`{key}` cannot use `{}`; it takes {allowed}",
                self.op.symbol()
            ),
        )
    }

    fn value_error(&self, reason: impl Into<String>) -> QueryError {
        err(self.value_at.clone(), reason)
    }

    fn pattern(&self) -> Result<Pattern, QueryError> {
        Pattern::new(self.value).map_err(|e| {
            let first = e.lines().last().unwrap_or("").trim().to_string();
            self.value_error(format!("not a valid regex: {first}"))
        })
    }

    fn text_test(&self, key: &str) -> Result<ValueTest, QueryError> {
        Ok(match self.op {
            Op::Eq => ValueTest::Eq(self.value.to_string()),
            Op::Ne => ValueTest::Ne(self.value.to_string()),
            Op::Re => ValueTest::Re(self.pattern()?),
            Op::NotRe => ValueTest::NotRe(self.pattern()?),
            _ => return Err(self.op_error(key, "=, !=, ~ or !~")),
        })
    }

    /// The attribute comparison `key op value`.
    pub fn attr(&self, key: &str) -> Result<Term, QueryError> {
        let test = match self.op {
            Op::Gt | Op::Ge | Op::Lt | Op::Le => {
                let n = number(self.value).ok_or_else(|| {
                    self.value_error(format!(
                        "`{}` compares numbers: `{}` is not one",
                        self.op.symbol(),
                        self.value
                    ))
                })?;
                ValueTest::Cmp(cmp_of(self.op).unwrap_or(CmpOp::Eq), n)
            }
            _ => self.text_test(key)?,
        };
        Ok(Term::Attr {
            key: key.to_string(),
            test,
        })
    }

    fn eq(&self, key: &str) -> Result<bool, QueryError> {
        match self.op {
            Op::Eq => Ok(true),
            Op::Ne => Ok(false),
            _ => Err(self.op_error(key, "= or !=")),
        }
    }

    fn cmp_op(&self, key: &str) -> Result<CmpOp, QueryError> {
        cmp_of(self.op).ok_or_else(|| self.op_error(key, "=, !=, >, >=, < or <="))
    }

    fn status(&self) -> Result<Term, QueryError> {
        let eq = self.eq("status")?;
        let status = match self.value.to_ascii_lowercase().as_str() {
            "error" => StatusCode::Error,
            "ok" => StatusCode::Ok,
            "unset" => StatusCode::Unset,
            _ => return Err(self.value_error("status is error, ok or unset")),
        };
        Ok(Term::Status { eq, status })
    }

    fn kind(&self) -> Result<Term, QueryError> {
        let eq = self.eq("kind")?;
        let kind = SpanKind::parse_name(self.value).ok_or_else(|| {
            self.value_error("kind is server, client, producer, consumer, internal or unspecified")
        })?;
        Ok(Term::Kind { eq, kind })
    }

    fn span_type(&self) -> Result<Term, QueryError> {
        let eq = self.eq("type")?;
        let kind = SpanType::classify(self.value).ok_or_else(|| {
            let all: Vec<&str> = SpanType::ALL
                .iter()
                .map(|t| super::ast::type_token(*t))
                .collect();
            self.value_error(format!(
                "`{}` is not a span type; types: {}",
                self.value,
                all.join(", ")
            ))
        })?;
        Ok(Term::Type { eq, kind })
    }

    fn tokens(&self) -> Result<Term, QueryError> {
        let op = self.cmp_op("tokens")?;
        let value = self
            .value
            .parse::<i64>()
            .ok()
            .filter(|v| *v >= 0 && self.value.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| self.value_error("tokens are a whole number, like 1000"))?;
        Ok(Term::Tokens { op, value })
    }

    fn cost(&self) -> Result<Term, QueryError> {
        let op = self.cmp_op("cost")?;
        let value =
            decimal(self.value).ok_or_else(|| self.value_error("cost is a number, like 0.01"))?;
        Ok(Term::Cost { op, value })
    }

    fn trace(&self) -> Result<Term, QueryError> {
        let eq = self.eq("trace")?;
        let id = TraceId::parse_hex(self.value)
            .ok_or_else(|| self.value_error("a trace id is 1 to 32 hex digits"))?;
        Ok(Term::Trace { eq, id })
    }

    fn duration_bound(&self) -> Result<DurationBound, QueryError> {
        let v = self.value;
        if let Some(p) = v.strip_prefix('p') {
            return decimal(p)
                .filter(|p| *p > 0.0 && *p <= 100.0)
                .map(DurationBound::Percentile)
                .ok_or_else(|| {
                    self.value_error("a percentile is p followed by a number in (0, 100], like p99")
                });
        }
        if let Some(pct) = v.strip_suffix('%') {
            return decimal(pct)
                .map(DurationBound::TracePercent)
                .ok_or_else(|| {
                    self.value_error("a share of the trace is a number then %, like 2.5%")
                });
        }
        let digits_end = v
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(v.len());
        let (num, unit_text) = v.split_at(digits_end);
        if !num.bytes().any(|b| b.is_ascii_digit()) {
            return Err(self.value_error(
                "a duration is a number and a unit, like 100ms (or % of its trace, or p99)",
            ));
        }
        let Some(unit) = TimeUnit::from_token(unit_text) else {
            return Err(self.value_error(if unit_text.is_empty() {
                "a duration needs a unit: ns, us, µs, ms, s, m or h (or % of its trace)".into()
            } else {
                format!("`{unit_text}` is not a unit: use ns, us, µs, ms, s, m or h")
            }));
        };
        let ns = exact_ns(num, unit).map_err(|e| self.value_error(e))?;
        Ok(DurationBound::Time { ns, unit })
    }
}

fn cmp_of(op: Op) -> Option<CmpOp> {
    Some(match op {
        Op::Eq => CmpOp::Eq,
        Op::Ne => CmpOp::Ne,
        Op::Gt => CmpOp::Gt,
        Op::Ge => CmpOp::Ge,
        Op::Lt => CmpOp::Lt,
        Op::Le => CmpOp::Le,
        Op::Re | Op::NotRe => return None,
    })
}

/// A non-negative decimal (`12`, `0.5`, `.5`); no signs, exponents, `inf` or `nan`.
fn decimal(text: &str) -> Option<f64> {
    let ok = !text.is_empty()
        && text != "."
        && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && text.bytes().filter(|b| *b == b'.').count() <= 1;
    ok.then(|| text.parse::<f64>().ok())
        .flatten()
        .filter(|v| v.is_finite())
}

/// A decimal with an optional sign, as attribute comparisons take.
pub fn number(text: &str) -> Option<f64> {
    match text.strip_prefix('-') {
        Some(rest) => decimal(rest).map(|v| -v),
        None => decimal(text.strip_prefix('+').unwrap_or(text)),
    }
}

/// `num` (a decimal) times `unit`, exactly, in whole nanoseconds.
fn exact_ns(num: &str, unit: TimeUnit) -> Result<i64, String> {
    let (whole, frac) = num.split_once('.').unwrap_or((num, ""));
    let frac = frac.trim_end_matches('0');
    let bad = || format!("`{num}` is not a number");
    if !num.bytes().any(|b| b.is_ascii_digit()) || num.matches('.').count() > 1 {
        return Err(bad());
    }
    let too_big = || "too long a duration".to_string();
    if whole.len() > 19 || frac.len() > 18 {
        return Err(too_big());
    }
    let digits = |s: &str| -> Result<u128, String> {
        s.bytes().try_fold(0u128, |acc, b| {
            if b.is_ascii_digit() {
                Ok(acc * 10 + u128::from(b - b'0'))
            } else {
                Err(bad())
            }
        })
    };
    let scale = 10u128.pow(frac.len() as u32);
    let mantissa = digits(whole)?
        .checked_mul(scale)
        .and_then(|m| m.checked_add(digits(frac).ok()?))
        .ok_or_else(too_big)?;
    let num_ns = mantissa
        .checked_mul(unit.ns() as u128)
        .ok_or_else(too_big)?;
    if num_ns % scale != 0 {
        return Err("durations are whole nanoseconds".into());
    }
    i64::try_from(num_ns / scale).map_err(|_| too_big())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_exact_nanoseconds() {
        assert_eq!(exact_ns("2.5", TimeUnit::S), Ok(2_500_000_000));
        assert_eq!(exact_ns("0.1", TimeUnit::Ms), Ok(100_000));
        assert_eq!(exact_ns(".5", TimeUnit::Us), Ok(500));
        assert!(exact_ns("1.50000", TimeUnit::Ns).is_err());
        assert_eq!(exact_ns("1.0", TimeUnit::Ns), Ok(1));
        assert_eq!(exact_ns("1.5", TimeUnit::M), Ok(90_000_000_000));
        assert!(exact_ns("99999999999", TimeUnit::H).is_err());
        assert!(exact_ns("1.2.3", TimeUnit::S).is_err());
        assert!(exact_ns(".", TimeUnit::S).is_err());
        assert!(exact_ns("", TimeUnit::S).is_err());
    }
}
