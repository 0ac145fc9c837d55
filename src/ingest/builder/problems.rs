//! Problems found while reading, grouped per (source, kind, severity) so that a million repairs
//! of one kind do not make a million rows: the first `LISTED_PER_GROUP` of a group are listed,
//! the rest are counted, and one more row per such group says how many there were in all
//! (`50,000 bad lines (first 100 listed)`).
//! Invariant: `total` counts every problem reported, listed or not.

use crate::model::{Diagnostic, DiagnosticKind, Severity};
use rustc_hash::FxHashMap;

/// Most problems listed per (source, kind, severity); the rest are counted.
pub const LISTED_PER_GROUP: u64 = 100;

/// The problems of a partial read, as handed over: listed rows, (source, kind, severity, count)
/// per group, sorted, and the total.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProblemParts {
    /// Listed problems, in the order they were found.
    pub listed: Vec<Diagnostic>,
    /// Every group's count.
    pub counts: Vec<(String, DiagnosticKind, Severity, u64)>,
    /// Every problem reported.
    pub total: u64,
}

/// The grouped problems of an ingest.
#[derive(Debug, Default, Clone)]
pub struct Problems {
    /// Listed problems, in the order they were found.
    listed: Vec<Diagnostic>,
    /// Problems per source, then per (kind, severity).
    counts: FxHashMap<String, FxHashMap<(DiagnosticKind, Severity), u64>>,
    /// Every problem reported.
    total: u64,
}

impl Problems {
    /// Reports one problem; it is listed while its group has room.
    pub fn report(&mut self, d: Diagnostic) {
        self.total += 1;
        let per_source = match self.counts.get_mut(d.source.as_str()) {
            Some(m) => m,
            None => self.counts.entry(d.source.clone()).or_default(),
        };
        let n = per_source.entry((d.kind, d.severity)).or_insert(0);
        *n += 1;
        if *n <= LISTED_PER_GROUP {
            self.listed.push(d);
        }
    }

    /// True when an error was reported for `source`.
    pub fn has_errors(&self, source: &str) -> bool {
        self.counts
            .get(source)
            .is_some_and(|m| m.keys().any(|(_, s)| *s == Severity::Error))
    }

    /// Every problem reported, listed or not.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The listed problems, each group's count, and the total, for handing a partial read to the
    /// builder that merges it (`absorb`).
    pub fn into_parts(self) -> ProblemParts {
        let mut counts: Vec<(String, DiagnosticKind, Severity, u64)> = self
            .counts
            .into_iter()
            .flat_map(|(source, m)| {
                m.into_iter()
                    .map(move |((kind, severity), n)| (source.clone(), kind, severity, n))
            })
            .collect();
        counts.sort();
        ProblemParts {
            listed: self.listed,
            counts,
            total: self.total,
        }
    }

    /// Takes over the problems of a partial read (of other sources than this one's).
    pub fn absorb(&mut self, parts: ProblemParts) {
        self.total += parts.total;
        self.listed.extend(parts.listed);
        for (source, kind, severity, n) in parts.counts {
            *self
                .counts
                .entry(source)
                .or_default()
                .entry((kind, severity))
                .or_insert(0) += n;
        }
    }

    /// The listed problems, then one row per group that had more than could be listed (by
    /// source, kind, severity), giving its exact count.
    pub fn into_rows(self) -> Vec<Diagnostic> {
        let mut more: Vec<(String, DiagnosticKind, Severity, u64)> = self
            .counts
            .into_iter()
            .flat_map(|(source, m)| {
                m.into_iter()
                    .filter(|(_, n)| *n > LISTED_PER_GROUP)
                    .map(move |((kind, severity), n)| (source.clone(), kind, severity, n))
            })
            .collect();
        more.sort();
        let mut rows = self.listed;
        rows.extend(
            more.into_iter()
                .map(|(source, kind, severity, n)| Diagnostic {
                    severity,
                    kind,
                    source,
                    line: None,
                    message: format!(
                        "{} {} (first {LISTED_PER_GROUP} listed)",
                        with_thousands(n),
                        counted(kind, severity)
                    ),
                }),
        );
        rows
    }
}

/// `n` with thousands separators: `50,000`.
pub fn with_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What many problems of one kind are, in the plural: `bad lines`, `orphan spans`.
fn counted(kind: DiagnosticKind, severity: Severity) -> &'static str {
    let skipped = severity == Severity::Error;
    match kind {
        DiagnosticKind::InvalidJson => "bad lines",
        DiagnosticKind::MissingField if skipped => "rows skipped for a missing or wrong field",
        DiagnosticKind::MissingField => "missing fields repaired",
        DiagnosticKind::BadValue if skipped => "rows skipped for an unreadable value",
        DiagnosticKind::BadValue => "unreadable values repaired",
        DiagnosticKind::UnknownRecord => "records of no known shape",
        DiagnosticKind::UnknownFormat => "sources of no known format",
        DiagnosticKind::EmptySource => "empty sources",
        DiagnosticKind::DuplicateSpan => "duplicates",
        DiagnosticKind::OrphanSpan => "orphan spans",
        DiagnosticKind::StartsBeforeParent => "spans starting before their parent",
        DiagnosticKind::EndBeforeStart => "spans ending before they start",
        DiagnosticKind::ParentCycle => "parent cycles cut",
        DiagnosticKind::BadCompression => "compression errors",
        DiagnosticKind::FetchFailed => "failed fetches",
        DiagnosticKind::Truncated => "cut-off records",
        DiagnosticKind::LineageCycle => "lineage cycles",
        DiagnosticKind::TooLarge => "records over the size limit",
        DiagnosticKind::MemoryBudget => "stops at the memory budget",
        DiagnosticKind::Crashed => "reader crashes",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_with_thousands_separators() {
        let cases = [(0, "0"), (999, "999"), (1_000, "1,000"), (50_000, "50,000")];
        for (n, text) in cases {
            assert_eq!(with_thousands(n), text);
        }
        assert_eq!(with_thousands(1_234_567_890), "1,234,567,890");
    }

    fn problem(source: &str, kind: DiagnosticKind, line: u32) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            kind,
            source: source.into(),
            line: Some(line),
            message: format!("problem on line {line}"),
        }
    }

    #[test]
    fn a_flood_of_one_kind_is_listed_once_with_its_exact_count() {
        let mut p = Problems::default();
        let flood = 1_000_000u32;
        for line in 1..=flood {
            p.report(problem("a.jsonl", DiagnosticKind::MissingField, line));
        }
        p.report(problem("a.jsonl", DiagnosticKind::BadValue, 7));
        p.report(problem("b.jsonl", DiagnosticKind::MissingField, 1));
        assert_eq!(p.total(), u64::from(flood) + 2);
        let rows = p.into_rows();
        assert_eq!(rows.len(), LISTED_PER_GROUP as usize + 2 + 1);
        let summary = rows.last().unwrap();
        assert_eq!((summary.source.as_str(), summary.line), ("a.jsonl", None));
        assert_eq!(
            summary.message,
            "1,000,000 rows skipped for a missing or wrong field (first 100 listed)"
        );
        assert!(
            rows.iter().any(|d| d.kind == DiagnosticKind::BadValue),
            "another kind still listed"
        );
        assert!(
            rows.iter().any(|d| d.source == "b.jsonl"),
            "another file still listed"
        );
    }
}
