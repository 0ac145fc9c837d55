//! The query that selects one statistics row's spans: a click on a row puts it in the box, so
//! the row's spans are highlighted (or, with "show matches only", filtered) by the one query
//! machinery, shown as text and kept in links. Invariant: over the spans the table was built
//! from, the query matches exactly the row's spans (tested on every row of real fixtures);
//! the term is built from a span of the row, never parsed back from its label.

use super::ast::{Expr, Term, ValueTest};
use super::Query;
use crate::analysis::stats::{GroupBy, StatsRow};
use crate::model::{SpanType, Trace};

/// The query term for `row` of a table grouped by `by` (`None` when the row has no span).
pub fn group_term(trace: &Trace, by: &GroupBy, row: &StatsRow) -> Option<Expr> {
    let s = *row.spans.first()?;
    let eq = |text: &str| ValueTest::Eq(text.to_string());
    let term = match (by, row.group.is_some()) {
        (GroupBy::Name, _) => Term::Name(eq(trace.name(s))),
        (GroupBy::Service, true) => Term::Service(eq(trace.service_name(s))),
        // spans without a service read as the empty service
        (GroupBy::Service, false) => Term::Service(eq("")),
        (GroupBy::Type, true) => Term::Type {
            eq: true,
            kind: trace.span_type(s)?,
        },
        (GroupBy::Type, false) => return Some(no_known_type(trace)),
        (GroupBy::Attribute(key), true) => Term::Attr {
            key: key.clone(),
            test: eq(row.label()),
        },
        (GroupBy::Attribute(key), false) => Term::Lacks(key.clone()),
    };
    Some(Expr::Term(term))
}

/// Spans of no known type: none of the types present in the load (`type=` never holds for
/// them, `=` or `!=`).
fn no_known_type(trace: &Trace) -> Expr {
    let mut present = [false; SpanType::ALL.len()];
    for s in trace.span_indices() {
        if let Some(t) = trace.span_type(s) {
            if let Some(k) = SpanType::ALL.iter().position(|x| *x == t) {
                present[k] = true;
            }
        }
    }
    let mut kinds: Vec<Expr> = SpanType::ALL
        .iter()
        .zip(present)
        .filter(|(_, p)| *p)
        .map(|(t, _)| Expr::Term(Term::Type { eq: true, kind: *t }))
        .collect();
    let any = match kinds.len() {
        // no span has a type: a type nobody has stands for "any type"
        0 => Expr::Term(Term::Type {
            eq: true,
            kind: SpanType::Llm,
        }),
        1 => kinds.remove(0),
        _ => Expr::Or(kinds),
    };
    Expr::Not(Box::new(any))
}

/// The query text a click on `row` (under `parent` for a sub-row) puts in the box: the row's
/// terms, ANDed with `scope` (the current query) when the table covers its matches.
pub fn row_query(
    trace: &Trace,
    spec: &crate::analysis::stats::StatsSpec,
    row: &StatsRow,
    parent: Option<&StatsRow>,
    scope: Option<&Query>,
) -> Option<String> {
    let mut terms: Vec<Expr> = Vec::new();
    match scope.and_then(Query::expr) {
        Some(Expr::And(xs)) => terms.extend(xs.iter().cloned()),
        Some(e) => terms.push(e.clone()),
        None => {}
    }
    match (parent, &spec.subgroup) {
        (Some(p), Some(sub)) => {
            terms.push(group_term(trace, &spec.group, p)?);
            terms.push(group_term(trace, sub, row)?);
        }
        _ => terms.push(group_term(trace, &spec.group, row)?),
    }
    let expr = if terms.len() == 1 {
        terms.remove(0)
    } else {
        Expr::And(terms)
    };
    Some(expr.to_string())
}
