//! The one query language every view uses (search box, "show matches only", statistics scope,
//! flame highlight, `skein stats --query`). Invariants: parsing never panics and a query that
//! does not parse is an error with a byte range, never "match everything"; a parsed query
//! prints back (`Display`) as text that parses to the same query.
//!
//! ```text
//! query    := or?                       (only spaces: the empty query, see `Query::is_empty`)
//! or       := and ("or" and)*
//! and      := unary (("and")? unary)*   (side by side = and)
//! unary    := "not" unary | primary
//! primary  := "(" or ")" | "-(" or ")"
//!           | key op value | "-" key op value     (negated comparison)
//!           | "+" key | "-" key                   (has / lacks the attribute)
//!           | "critical" | "-critical"
//!           | word | "quoted phrase"              (free text)
//! op       := "=" | "!=" | "~" | "=~" | "!~" | ">" | ">=" | "<" | "<="
//! key      := word | "quoted"                     (quoted keys are never intrinsics)
//! value    := "quoted" | bare text up to a space or a `)` closing a group
//! ```
//!
//! Bare keys `name service status kind type duration tokens cost trace` are intrinsics;
//! any other key is a span attribute, then a resource attribute. Keywords (`or`, `and`, `not`)
//! are read in any case; quote them to search for the word.

mod ast;
mod eval;
mod group;
mod leaf;
mod lexer;
mod order;
mod parser;
mod values;

pub use ast::{
    type_token, CmpOp, DurationBound, Expr, Pattern, Term, TimeUnit, ValueTest, INTRINSICS,
};
pub use eval::{evaluate, QueryContext};
pub use group::{group_term, row_query};
pub use lexer::{lex, Op, Tok, Token};
pub use order::{matches_in_order, MatchOrder};

use crate::analysis::span_set::SpanSet;
use std::fmt;
use std::ops::Range;

/// Why a query does not parse, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// Byte range of the query text the reason is about (on char boundaries; may be empty at
    /// the end of the text).
    pub at: Range<usize>,
    /// What is wrong, for the message next to the box.
    pub reason: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at {}..{})", self.reason, self.at.start, self.at.end)
    }
}

impl std::error::Error for QueryError {}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    expr: Option<Expr>,
}

impl Query {
    /// Parses query text.
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        Ok(Query {
            expr: parser::parse(text)?,
        })
    }

    /// The query's tree; `None` for the empty query.
    pub fn expr(&self) -> Option<&Expr> {
        self.expr.as_ref()
    }

    /// True for the empty query (only spaces). It filters nothing: `matches` gives every span,
    /// so "show matches only" shows every row and a statistics scope of its matches is the
    /// whole load; the views highlight nothing and show no "i / N" for it.
    pub fn is_empty(&self) -> bool {
        self.expr.is_none()
    }

    /// True when the query reads the critical path (`critical`), so a caller without one drawn
    /// knows to compute it.
    pub fn uses_critical_path(&self) -> bool {
        fn walk(e: &Expr) -> bool {
            match e {
                Expr::Term(t) => *t == Term::Critical,
                Expr::Not(x) => walk(x),
                Expr::And(xs) | Expr::Or(xs) => xs.iter().any(walk),
            }
        }
        self.expr.as_ref().is_some_and(walk)
    }

    /// The spans the query matches (every span for the empty query).
    pub fn matches(&self, ctx: &QueryContext<'_>) -> SpanSet {
        match &self.expr {
            Some(e) => evaluate(e, ctx),
            None => SpanSet::full(ctx.trace().span_count()),
        }
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.expr {
            Some(e) => write!(f, "{e}"),
            None => Ok(()),
        }
    }
}

impl std::str::FromStr for Query {
    type Err = QueryError;

    fn from_str(text: &str) -> Result<Query, QueryError> {
        Query::parse(text)
    }
}

/// A one-click query (the pills above the timeline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// Pill label.
    pub label: &'static str,
    /// The query it puts in the box.
    pub query: &'static str,
}

/// The preset pills, in display order. "Slowest 1 %" compares with the nearest-rank 99th
/// percentile of every loaded span's duration, so ties at the threshold are all kept.
pub const PRESETS: [Preset; 4] = [
    Preset {
        label: "Errors",
        query: "status=error",
    },
    Preset {
        label: "Critical path",
        query: "critical",
    },
    Preset {
        label: "Slowest 1 %",
        query: "duration>=p99",
    },
    Preset {
        label: "LLM calls",
        query: "type=llm or type=chat_model",
    },
];
