//! Tokens -> `Expr`, by recursive descent with a depth limit (64 nested groups or `not`s), so
//! a hostile link cannot overflow the stack. Precedence, loosest first: `or`, then terms side
//! by side (or joined by `and`), then `not` / `-`. Every error names the bytes it is about.

use super::ast::{Expr, Term};
use super::lexer::{lex, Tok, Token};
use super::values::Cmp;
use super::QueryError;
use std::ops::Range;

/// Deepest nesting of groups and `not`s accepted.
const MAX_DEPTH: usize = 64;

/// Most terms (and groups) in one query: each term prepares tables as large as the string
/// table, so a hostile link with thousands of terms must not reach evaluation.
const MAX_TERMS: usize = 128;

/// Parses a query; `Ok(None)` for a query of only spaces.
pub fn parse(text: &str) -> Result<Option<Expr>, QueryError> {
    let toks = lex(text)?;
    if toks.is_empty() {
        return Ok(None);
    }
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
        end: text.len(),
        terms: 0,
    };
    let e = p.or()?;
    match p.toks.get(p.pos) {
        None => Ok(Some(e)),
        Some(t) => Err(err(t.at.clone(), "`)` without a matching `(`")),
    }
}

pub(super) fn err(at: Range<usize>, reason: impl Into<String>) -> QueryError {
    QueryError {
        at,
        reason: reason.into(),
    }
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    end: usize,
    terms: usize,
}

/// How a key was written: bare keys may name intrinsics, quoted ones are always attributes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyForm {
    Bare,
    Quoted,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn peek_keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Word(w), .. }) if w.eq_ignore_ascii_case(kw))
    }

    /// True when nothing that can start a term comes next.
    fn at_term_end(&self) -> bool {
        matches!(
            self.peek(),
            None | Some(Token {
                tok: Tok::RParen,
                ..
            })
        ) || self.peek_keyword("or")
            || self.peek_keyword("and")
    }

    fn here(&self) -> Range<usize> {
        self.peek().map_or(self.end..self.end, |t| t.at.clone())
    }

    fn deeper(&mut self, at: &Range<usize>) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(
                at.clone(),
                format!("nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, QueryError> {
        let mut items = vec![self.and()?];
        while self.peek_keyword("or") {
            let at = self.here();
            self.pos += 1;
            if self.at_term_end() {
                return Err(err(at, "`or` needs a term after it"));
            }
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, QueryError> {
        if self.peek_keyword("or") || self.peek_keyword("and") {
            let at = self.here();
            let kw = self.peek().map_or(String::new(), |t| match &t.tok {
                Tok::Word(w) => w.to_ascii_lowercase(),
                _ => String::new(),
            });
            return Err(err(at, format!("`{kw}` needs a term before it")));
        }
        let mut items = vec![self.unary()?];
        loop {
            if matches!(
                self.peek(),
                None | Some(Token {
                    tok: Tok::RParen,
                    ..
                })
            ) || self.peek_keyword("or")
            {
                break;
            }
            if self.peek_keyword("and") {
                let at = self.here();
                self.pos += 1;
                if self.at_term_end() {
                    return Err(err(at, "`and` needs a term after it"));
                }
            }
            items.push(self.unary()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::And(items)
        })
    }

    fn unary(&mut self) -> Result<Expr, QueryError> {
        if self.peek_keyword("not") {
            let at = self.here();
            self.pos += 1;
            if self.at_term_end() {
                return Err(err(at, "`not` needs a term after it"));
            }
            self.deeper(&at)?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, QueryError> {
        let Some(t) = self.next() else {
            return Err(err(self.end..self.end, "a term is missing here"));
        };
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(err(
                t.at,
                format!("a query holds at most {MAX_TERMS} terms"),
            ));
        }
        match t.tok {
            Tok::LParen => self.group(t.at),
            Tok::RParen => Err(err(t.at, "`)` without a matching `(`")),
            Tok::Op(op) => Err(err(
                t.at,
                format!("`{}` needs a key before it", op.symbol()),
            )),
            Tok::Value(_) => Err(err(t.at, "a value without an operator")),
            Tok::Quoted(s) => {
                if matches!(
                    self.peek(),
                    Some(Token {
                        tok: Tok::Op(_),
                        ..
                    })
                ) {
                    return self.comparison(&s, KeyForm::Quoted, t.at).map(Expr::Term);
                }
                if s.is_empty() {
                    return Err(err(t.at, "an empty phrase matches everything: remove it"));
                }
                Ok(Expr::Term(Term::Text(s)))
            }
            Tok::Word(w) => self.word(w, t.at),
        }
    }

    fn group(&mut self, open: Range<usize>) -> Result<Expr, QueryError> {
        if let Some(Token {
            tok: Tok::RParen,
            at,
        }) = self.peek()
        {
            return Err(err(open.start..at.end, "empty parentheses"));
        }
        if self.peek().is_none() {
            return Err(err(open, "this `(` is never closed"));
        }
        self.deeper(&open)?;
        let e = self.or()?;
        self.depth -= 1;
        match self.next() {
            Some(Token {
                tok: Tok::RParen, ..
            }) => Ok(e),
            _ => Err(err(open, "this `(` is never closed")),
        }
    }

    fn next_is_op(&self) -> bool {
        matches!(
            self.peek(),
            Some(Token {
                tok: Tok::Op(_),
                ..
            })
        )
    }

    fn word(&mut self, w: String, at: Range<usize>) -> Result<Expr, QueryError> {
        if let Some(rest) = w.strip_prefix(['-', '+']) {
            let negate = w.starts_with('-');
            let sign = if negate { "-" } else { "+" };
            if rest.is_empty() {
                return self.signed_token(negate, at);
            }
            let rest_at = at.start + 1..at.end;
            if self.next_is_op() {
                if !negate {
                    return Err(err(
                        at.start..at.start + 1,
                        "`+` marks a key alone (+key); to compare, write key=value",
                    ));
                }
                let t = self.comparison(rest, KeyForm::Bare, rest_at)?;
                return Ok(Expr::Not(Box::new(Expr::Term(t))));
            }
            return Ok(match (rest, negate) {
                ("critical", true) => Expr::Not(Box::new(Expr::Term(Term::Critical))),
                ("critical", false) => Expr::Term(Term::Critical),
                _ if rest.starts_with(['-', '+']) => {
                    return Err(err(at, format!("`{sign}` twice: quote the key")))
                }
                (k, true) => Expr::Term(Term::Lacks(k.to_string())),
                (k, false) => Expr::Term(Term::Has(k.to_string())),
            });
        }
        if self.next_is_op() {
            return self.comparison(&w, KeyForm::Bare, at).map(Expr::Term);
        }
        if w == "critical" {
            return Ok(Expr::Term(Term::Critical));
        }
        Ok(Expr::Term(Term::Text(w)))
    }

    /// A lone `-` or `+` touching what follows: a quoted key, or (for `-`) a group.
    fn signed_token(&mut self, negate: bool, at: Range<usize>) -> Result<Expr, QueryError> {
        let sign = if negate { "-" } else { "+" };
        let touching = self.peek().is_some_and(|t| t.at.start == at.end);
        match self.peek().map(|t| t.tok.clone()) {
            Some(Tok::Quoted(k)) if touching => {
                let k_at = self.here();
                self.pos += 1;
                if self.next_is_op() {
                    if !negate {
                        return Err(err(
                            at,
                            "`+` marks a key alone (+key); to compare, write key=value",
                        ));
                    }
                    let t = self.comparison(&k, KeyForm::Quoted, k_at)?;
                    return Ok(Expr::Not(Box::new(Expr::Term(t))));
                }
                if k.is_empty() {
                    return Err(err(k_at, "an empty key"));
                }
                Ok(Expr::Term(if negate {
                    Term::Lacks(k)
                } else {
                    Term::Has(k)
                }))
            }
            Some(Tok::LParen) if touching && negate => {
                self.deeper(&at)?;
                let inner = self.primary()?;
                self.depth -= 1;
                Ok(Expr::Not(Box::new(inner)))
            }
            _ => Err(err(at, format!("`{sign}` needs a key right after it"))),
        }
    }

    /// `key op value` with the key already read; the operator and value come next.
    fn comparison(
        &mut self,
        key: &str,
        form: KeyForm,
        key_at: Range<usize>,
    ) -> Result<Term, QueryError> {
        let (op, op_at) = match self.next() {
            Some(Token {
                tok: Tok::Op(op),
                at,
            }) => (op, at),
            _ => return Err(err(key_at, "an operator is missing here")),
        };
        let (value, value_at) = match self.next() {
            Some(Token {
                tok: Tok::Value(v),
                at,
            }) => (v, at),
            _ => return Err(err(op_at, "a value is missing here")),
        };
        if key.is_empty() {
            return Err(err(key_at, "an empty key"));
        }
        let c = Cmp {
            op,
            op_at,
            value: &value,
            value_at,
        };
        if form == KeyForm::Quoted {
            return c.attr(key);
        }
        c.term(key, key_at)
    }
}
