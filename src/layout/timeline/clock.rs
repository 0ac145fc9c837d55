//! Which clock the waterfall draws on: everything on one clock, or each trace from its own
//! start ("align traces"), and the window a fit shows. Invariant: a span's drawn time is its
//! time minus `shift_ns`, the same for bars, hit tests and tooltips.

use crate::model::{SpanIdx, Trace};
use crate::view_state::{navigation, TimeWindow};

/// Whether traces are drawn each from its own start: as asked, else when there are several and
/// they lie far apart (their spread is over 10x the longest one), so that none shrinks to a
/// sliver on a clock shared with traces recorded hours or years away.
pub fn aligned(trace: &Trace, asked: Option<bool>) -> bool {
    asked.unwrap_or_else(|| {
        let longest = trace.longest_trace().0.max(1);
        trace.trace_count() > 1
            && trace.end_time().since(trace.start_time()).0 > longest.saturating_mul(10)
    })
}

/// Length of the time axis a fit shows: everything, or the longest trace when aligned.
pub fn extent_ns(trace: &Trace, aligned: bool) -> i64 {
    if aligned {
        trace.longest_trace().0
    } else {
        trace.end_time().since(trace.start_time()).0
    }
}

/// How far span times of `s` move left before they are drawn (its trace's offset when aligned).
pub fn shift_ns(trace: &Trace, s: SpanIdx, aligned: bool) -> i64 {
    if aligned {
        trace.trace_offset(trace.span(s).trace).0
    } else {
        0
    }
}

/// The window shown: the view's, or the whole trace (the longest one when aligned).
pub fn effective_window(trace: &Trace, window: Option<TimeWindow>, aligned: bool) -> TimeWindow {
    window.unwrap_or_else(|| navigation::fit(extent_ns(trace, aligned)))
}

/// The window that shows span `s` with a margin (a double-click on it).
pub fn focus_span(trace: &Trace, s: SpanIdx, aligned: bool) -> TimeWindow {
    let span = trace.span(s);
    let shift = shift_ns(trace, s, aligned);
    navigation::focus(
        span.start.since(trace.start_time()).0 - shift,
        span.end.since(trace.start_time()).0 - shift,
    )
}

/// A span's start as shown: its offset from the start of everything loaded, or of its own
/// trace when aligned.
pub fn shown_start_ns(trace: &Trace, s: SpanIdx, aligned: bool) -> i64 {
    trace.span(s).start.since(trace.start_time()).0 - shift_ns(trace, s, aligned)
}
