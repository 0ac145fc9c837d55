//! What each canvas shows, in words: the accessible names (`aria-label`) of the timeline, the
//! flame graph and the comparison lanes, so a screen reader says what is drawn and which keys
//! work while the canvas has focus. Invariant: plain text, recomputed from the same state the
//! canvas is drawn from.

use crate::model::{DurationNs, SpanIdx, Trace};
use crate::view_state::TimeWindow;

/// The keys that work on the timeline and the flame graph (bound in `commands::KEY_BINDINGS`).
const KEYS: &str =
    "W and S zoom, A and D pan, F fits, up and down arrows select, Enter folds, ? lists every key";

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// The timeline's name: span and trace counts, the window shown, the selected span, the keys.
pub fn timeline_label(trace: &Trace, window: TimeWindow, selected: Option<SpanIdx>) -> String {
    let shown = format!(
        "{} to {}",
        DurationNs(window.start_ns.max(0)),
        DurationNs(window.end_ns.max(0))
    );
    let total = trace.end_time().since(trace.start_time());
    let sel = match selected {
        Some(s) => format!(
            "selected: {} ({})",
            short(trace.name(s)),
            trace.span(s).duration()
        ),
        None => "nothing selected".to_string(),
    };
    format!(
        "Timeline of {} in {}, {total} in all, showing {shown}; {sel}. Keys: {KEYS}.",
        plural(trace.span_count(), "span"),
        plural(trace.trace_count(), "trace"),
    )
}

/// The flame graph's name: what it merges, the selected span, the keys.
pub fn flame_label(trace: &Trace, mode: &str, selected: Option<SpanIdx>) -> String {
    let sel = match selected {
        Some(s) => format!("selected: {}", short(trace.name(s))),
        None => "nothing selected".to_string(),
    };
    format!(
        "Flame graph ({mode} time) of {}, identical call paths merged; {sel}. Click a box to select it; the wheel zooms. Keys: {KEYS}.",
        plural(trace.span_count(), "span")
    )
}

/// A name cut to 80 characters for speech.
fn short(name: &str) -> String {
    match name.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &name[..cut]),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::scenarios::TWO_SPANS;

    #[test]
    fn the_timeline_says_what_it_shows() {
        let t = crate::ingest::ingest_sources([("t.jsonl", TWO_SPANS.as_bytes())]);
        let w = TimeWindow {
            start_ns: 0,
            end_ns: 500_000_000,
        };
        let label = timeline_label(&t, w, Some(SpanIdx(1)));
        assert!(
            label.starts_with("Timeline of 2 spans in 1 trace, "),
            "{label}"
        );
        assert!(label.contains("selected: child (250ms)"), "{label}");
        assert!(label.contains("W and S zoom"));
        let long = "n".repeat(500);
        assert_eq!(short(&long).chars().count(), 81);
    }
}
