//! Problems found while reading input, as data: what, where (source, line) and how it was
//! handled. Invariant: ingest never panics on input; every skipped or repaired row leaves one.

use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Data was changed by a documented repair rule and kept.
    Repaired,
    /// A row or file was skipped; the rest loaded.
    Error,
}

/// What kind of problem; the stable part tests and the UI group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DiagnosticKind {
    /// The row is not valid JSON (includes invalid UTF-8 and truncated rows).
    InvalidJson,
    /// The row is JSON but lacks a required field or has a wrong type.
    MissingField,
    /// The row's value could not be interpreted (bad id, bad timestamp).
    BadValue,
    /// The row matches no supported record shape.
    UnknownRecord,
    /// The whole source matches no supported format (an HTML page, a binary file, ...).
    UnknownFormat,
    /// The source holds no bytes, or only whitespace.
    EmptySource,
    /// Same trace id and span id seen again; the first copy is kept.
    DuplicateSpan,
    /// The parent span id is not in the loaded data; the span is shown as a root.
    OrphanSpan,
    /// The span starts before its parent (clock skew); kept as is and marked.
    StartsBeforeParent,
    /// The span ends before it starts; its end was set to its start.
    EndBeforeStart,
    /// Parent links form a cycle; the link was cut and the span shown as a root.
    ParentCycle,
    /// The compressed stream is corrupt or truncated.
    BadCompression,
    /// Fetching a URL failed (network, HTTP status, CORS).
    FetchFailed,
    /// The file ended in the middle of a value.
    Truncated,
    /// A lineage cycle (FlowMesh DAG); the walk stopped at the repeat.
    LineageCycle,
    /// One record (a line, or a JSON value) is over the size limit; it was skipped unread.
    TooLarge,
    /// Reading stopped at the memory budget; what was read before is kept.
    MemoryBudget,
    /// The reader stopped unexpectedly (a bug, or the tab ran out of memory); what was read
    /// before is lost, the page stays usable.
    Crashed,
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// What kind of problem.
    pub kind: DiagnosticKind,
    /// Source name (file name or URL).
    pub source: String,
    /// 1-based line number within the (decompressed) source, when it applies.
    pub line: Option<u32>,
    /// Human-readable reason, including what was done about it.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.source, line, self.message),
            None => write!(f, "{}: {}", self.source, self.message),
        }
    }
}
