//! Query text -> tokens with byte ranges. Invariants: every token's range lies on char
//! boundaries of the text; an operator is always followed by exactly one value token (a value
//! is read in its own mode: it runs to a space or to a `)` that closes a group, so regexes
//! with balanced parentheses need no quotes); nothing here panics on any input.

use super::QueryError;
use std::ops::Range;

/// A comparison operator as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `~` (or `=~`)
    Re,
    /// `!~`
    NotRe,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
}

impl Op {
    /// The operator as printed.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Re => "~",
            Op::NotRe => "!~",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
        }
    }
}

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// A bare word (free text, a key, a keyword, `+key`, `-key`).
    Word(String),
    /// A `"quoted"` text, unescaped.
    Quoted(String),
    /// An operator.
    Op(Op),
    /// The value after an operator, unescaped if it was quoted.
    Value(String),
}

/// A token and where it is in the text (bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The token.
    pub tok: Tok,
    /// Its byte range in the query text.
    pub at: Range<usize>,
}

/// Operators, longest first so `!=` is not read as a word `!` and `=`.
const OPS: [(&str, Op); 9] = [
    ("!=", Op::Ne),
    ("!~", Op::NotRe),
    ("=~", Op::Re),
    (">=", Op::Ge),
    ("<=", Op::Le),
    ("=", Op::Eq),
    ("~", Op::Re),
    (">", Op::Gt),
    ("<", Op::Lt),
];

fn op_at(text: &str, i: usize) -> Option<(Op, usize)> {
    let rest = text.get(i..)?;
    OPS.iter()
        .find(|(s, _)| rest.starts_with(s))
        .map(|(s, op)| (*op, i + s.len()))
}

fn err(at: Range<usize>, reason: impl Into<String>) -> QueryError {
    QueryError {
        at,
        reason: reason.into(),
    }
}

/// Splits `text` into tokens.
pub fn lex(text: &str) -> Result<Vec<Token>, QueryError> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(c) = text.get(i..).and_then(|r| r.chars().next()) {
        let next = i + c.len_utf8();
        if c.is_whitespace() {
            i = next;
            continue;
        }
        let (tok, end) = match c {
            '(' => (Tok::LParen, next),
            ')' => (Tok::RParen, next),
            '"' => {
                let (s, end) = quoted(text, i)?;
                (Tok::Quoted(s), end)
            }
            _ => match op_at(text, i) {
                Some((op, end)) => {
                    out.push(Token {
                        tok: Tok::Op(op),
                        at: i..end,
                    });
                    let (value, at) = value(text, end, op, i..end)?;
                    out.push(Token {
                        tok: Tok::Value(value),
                        at: at.clone(),
                    });
                    i = at.end;
                    continue;
                }
                None => {
                    let end = word_end(text, i);
                    (Tok::Word(text[i..end].to_string()), end)
                }
            },
        };
        out.push(Token { tok, at: i..end });
        i = end;
    }
    Ok(out)
}

/// End of the bare word starting at `i` (which is not a space, parenthesis, quote or operator).
fn word_end(text: &str, i: usize) -> usize {
    let mut j = i;
    for (k, c) in text[i..].char_indices() {
        let at = i + k;
        let stops = c.is_whitespace() || matches!(c, '(' | ')' | '"') || op_at(text, at).is_some();
        if stops && at > i {
            return at;
        }
        j = at + c.len_utf8();
    }
    j
}

/// Reads a `"quoted"` text starting at `i` (the quote): `\"` and `\\` are escapes, any other
/// backslash stays as written (so regexes like `"\d+ ms"` need no doubling).
fn quoted(text: &str, i: usize) -> Result<(String, usize), QueryError> {
    let mut s = String::new();
    let mut chars = text[i + 1..].char_indices();
    while let Some((k, c)) = chars.next() {
        match c {
            '"' => return Ok((s, i + 1 + k + 1)),
            '\\' => match chars.next() {
                Some((_, e @ ('"' | '\\'))) => s.push(e),
                Some((_, e)) => {
                    s.push('\\');
                    s.push(e);
                }
                None => break,
            },
            _ => s.push(c),
        }
    }
    Err(err(i..text.len(), "this quote is never closed"))
}

/// Reads the value after an operator (spaces may come between); returns it and its range.
fn value(
    text: &str,
    start: usize,
    op: Op,
    op_at: Range<usize>,
) -> Result<(String, Range<usize>), QueryError> {
    let rest = &text[start..];
    let j = start + (rest.len() - rest.trim_start().len());
    match text[j..].chars().next() {
        None | Some(')') => Err(err(
            op_at,
            format!("`{}` needs a value after it", op.symbol()),
        )),
        Some('"') => {
            let (s, end) = quoted(text, j)?;
            Ok((s, j..end))
        }
        Some(_) => {
            let end = raw_value_end(text, j)?;
            Ok((text[j..end].to_string(), j..end))
        }
    }
}

/// End of a bare value starting at `j`: up to a space or a `)` that closes a group.
fn raw_value_end(text: &str, j: usize) -> Result<usize, QueryError> {
    let mut depth = 0usize;
    for (k, c) in text[j..].char_indices() {
        let at = j + k;
        let here = at..at + c.len_utf8();
        if k == 0 && matches!(c, '=' | '~' | '<' | '>' | '!') {
            return Err(err(
                here,
                format!("a value cannot start with `{c}` unless it is quoted"),
            ));
        }
        match c {
            _ if c.is_whitespace() => return Ok(at),
            '(' => depth += 1,
            ')' if depth == 0 => return Ok(at),
            ')' => depth -= 1,
            '"' => return Err(err(here, "a `\"` inside a value: quote the whole value")),
            _ => {}
        }
    }
    Ok(text.len())
}

/// True when `word` lexes back as exactly this one bare word.
pub fn is_bare_word(word: &str) -> bool {
    matches!(lex(word).as_deref(), Ok([Token { tok: Tok::Word(w), .. }]) if w == word)
}

/// True when `value` reads back as this bare value after an operator, even when a `)`
/// follows it directly (its parentheses are balanced).
pub fn is_bare_value(value: &str) -> bool {
    let balanced = value.chars().try_fold(0usize, |d, c| match c {
        '(' => Some(d + 1),
        ')' => d.checked_sub(1),
        _ => Some(d),
    }) == Some(0);
    !value.is_empty()
        && balanced
        && !value.starts_with(char::is_whitespace)
        && raw_value_end(value, 0) == Ok(value.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<(Tok, Range<usize>)> {
        lex(text)
            .unwrap()
            .into_iter()
            .map(|t| (t.tok, t.at))
            .collect()
    }

    #[test]
    fn tokens_carry_byte_ranges() {
        let w = |s: &str| Tok::Word(s.into());
        let v = |s: &str| Tok::Value(s.into());
        assert_eq!(
            toks("µs (a>=5 \"b c\")"),
            vec![
                (w("µs"), 0..3),
                (Tok::LParen, 4..5),
                (w("a"), 5..6),
                (Tok::Op(Op::Ge), 6..8),
                (v("5"), 8..9),
                (Tok::Quoted("b c".into()), 10..15),
                (Tok::RParen, 15..16),
            ]
        );
        // a value keeps balanced parentheses and stops at the group's `)`
        assert_eq!(
            toks("(name~(a|b))"),
            vec![
                (Tok::LParen, 0..1),
                (w("name"), 1..5),
                (Tok::Op(Op::Re), 5..6),
                (v("(a|b)"), 6..11),
                (Tok::RParen, 11..12),
            ]
        );
        assert_eq!(
            toks("k != \"x\\\"y\"")[2],
            (Tok::Value("x\"y".into()), 5..11)
        );
        assert_eq!(toks("wow!")[0], (w("wow!"), 0..4));
    }
}
