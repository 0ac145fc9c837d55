//! The scopes a statistics table covers, and the time-window one as a span set.

use crate::analysis::span_set::SpanSet;
use crate::model::Trace;

/// Which spans a statistics table covers (shown above it, and in links).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Scope {
    /// Everything loaded.
    #[default]
    All,
    /// Spans overlapping the visible time window (`spans_in_window`).
    Window,
    /// The query's matches.
    Matches,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 3] = [Scope::All, Scope::Window, Scope::Matches];

    /// Its name in links.
    pub fn token(self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::Window => "window",
            Scope::Matches => "matches",
        }
    }

    /// The scope with that link name.
    pub fn from_token(t: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.token() == t)
    }
}

/// Spans overlapping the window `[start_ns, end_ns]` (offsets from the load's start, like the
/// timeline's window; touching counts; with `aligned`, each span's offset is from its own
/// trace's start, as drawn). Their numbers are not clipped to the window: a row counts whole
/// spans, so its percentiles stay durations that happened and match `skein stats`.
pub fn spans_in_window(trace: &Trace, start_ns: i64, end_ns: i64, aligned: bool) -> SpanSet {
    SpanSet::from_fn(trace.span_count(), |s| {
        let span = trace.span(s);
        let shift = if aligned {
            trace.trace_offset(span.trace).0
        } else {
            0
        };
        let a = span.start.since(trace.start_time()).0.saturating_sub(shift);
        let b = span.end.since(trace.start_time()).0.saturating_sub(shift);
        a <= end_ns && b >= start_ns
    })
}
