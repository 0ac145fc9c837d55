//! What the query box shows besides the text: the error with the part at fault marked, the
//! "i / N" count, and how long typing waits before the query runs. Invariants: the error's
//! three parts are the query text cut on char boundaries (they concatenate back to it); a
//! query that does not parse shows no count (it matches nothing, never everything).

use crate::query::QueryError;

/// Below this many spans a query runs at each keystroke; above, once typing pauses.
pub const INSTANT_QUERY_SPANS: usize = 50_000;

/// How long typing must pause before the query runs, ms (a query over 1M spans takes about a
/// frame budget's tenfold, so it must not run per keystroke).
pub fn typing_pause_ms(span_count: usize) -> u32 {
    if span_count < INSTANT_QUERY_SPANS {
        0
    } else {
        250
    }
}

/// A query error cut for display: the text before the fault, the fault, the text after, and
/// the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorView {
    /// Text before the part at fault.
    pub before: String,
    /// The part at fault (empty when the fault is the end of the text).
    pub fault: String,
    /// Text after it.
    pub after: String,
    /// "at 7: expected a value after the operator" (character positions, from 1).
    pub message: String,
}

/// `e` over `text` for display.
pub fn error_view(text: &str, e: &QueryError) -> ErrorView {
    let clamp = |i: usize| {
        let mut i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (a, b) = (clamp(e.at.start), clamp(e.at.end.max(e.at.start)));
    let column = text[..a].chars().count() + 1;
    ErrorView {
        before: text[..a].to_string(),
        fault: text[a..b].to_string(),
        after: text[b..].to_string(),
        message: format!("at {column}: {}", e.reason),
    }
}

/// The count beside the box: "3 / 42" when the selected span is the third match, else
/// "42 matches" (`None` for the empty query: nothing is highlighted).
pub fn count_text(position: Option<usize>, matches: usize, is_empty_query: bool) -> Option<String> {
    if is_empty_query {
        return None;
    }
    let n = match matches {
        1 => "1 match".to_string(),
        n => format!("{n} matches"),
    };
    Some(match position {
        Some(i) => format!("{} / {n}", i + 1),
        None => n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Query;

    #[test]
    fn the_fault_is_marked_on_char_boundaries() {
        for text in ["status=eror", "name=\"ü", "(a or", "dürätion>5xs", "a b)"] {
            let e = Query::parse(text).unwrap_err();
            let v = error_view(text, &e);
            assert_eq!(format!("{}{}{}", v.before, v.fault, v.after), text);
            assert!(v.message.starts_with("at "), "{}", v.message);
        }
        let e = Query::parse("status=eror").unwrap_err();
        let v = error_view("status=eror", &e);
        assert_eq!(v.fault, "eror", "{v:?}");
        assert_eq!(v.message, format!("at 8: {}", e.reason));
    }

    #[test]
    fn counts_read_as_position_and_total() {
        assert_eq!(count_text(None, 0, true), None);
        assert_eq!(count_text(None, 0, false).as_deref(), Some("0 matches"));
        assert_eq!(count_text(None, 1, false).as_deref(), Some("1 match"));
        assert_eq!(
            count_text(Some(2), 42, false).as_deref(),
            Some("3 / 42 matches")
        );
        assert_eq!(typing_pause_ms(1_000), 0);
        assert!(typing_pause_ms(1_000_000) > 100);
    }
}
