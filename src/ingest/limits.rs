//! The memory a load may take: a budget for the trace's tables, past which reading stops (what
//! was read stays, and a diagnostic says how far it got and what to do), and a size hint that
//! grows the tables once to what the whole input will need instead of doubling them. In wasm a
//! doubling table leaves both copies' pages resident, and a tab dies long before wasm32's 4 GB.
//! Invariant: a session never takes input past its budget; below it, the hint changes
//! capacities only, never the result.

use super::builder::with_thousands;
use super::Session;
use crate::model::{DiagnosticKind, FileIdx, Severity};

/// The budget the browser's parse worker uses: 1 GiB of trace tables (about 1.6M spans of a
/// FlowMesh workflow while tables grow, the page then holds about 0.65 GB of them).
pub const WEB_BUDGET_BYTES: u64 = 1 << 30;

/// Input read before the size hint is applied (rates from less than this are noise).
const HINT_AFTER_BYTES: u64 = 8 << 20;

/// Where a session stopped at its budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    /// The source being read.
    pub source: FileIdx,
    /// Its bytes read (before decompression): everything before is loaded.
    pub offset: u64,
    /// Spans loaded.
    pub spans: usize,
    /// The budget, bytes.
    pub budget: u64,
}

#[derive(Debug, Default)]
pub(super) struct Limits {
    budget: Option<u64>,
    expected: Option<u64>,
    fed: u64,
    reserved: bool,
    pub(super) stop: Option<Stop>,
}

impl Session {
    /// Stops reading once the trace's tables take more than `bytes` (`WEB_BUDGET_BYTES` in the
    /// browser; natively there is no budget unless set).
    pub fn set_budget(&mut self, bytes: u64) {
        self.limits.budget = Some(bytes);
    }

    /// Says how many bytes all sources together will feed (file sizes, Content-Length), so the
    /// tables can be grown once to their final size.
    pub fn expect_bytes(&mut self, total: u64) {
        self.limits.expected = Some(total);
    }

    /// Where reading stopped at the budget, if it did.
    pub fn stop(&self) -> Option<&Stop> {
        self.limits.stop.as_ref()
    }

    /// Applies the size hint and checks the budget after `n` more bytes of source `f`.
    pub(super) fn after_feed(&mut self, f: FileIdx, n: usize) {
        let l = &mut self.limits;
        l.fed += n as u64;
        if let (false, Some(total)) = (l.reserved, l.expected) {
            if l.fed >= HINT_AFTER_BYTES.max(total / 64) {
                l.reserved = true;
                // 3 % over the straight line: a file's later parts may be denser
                let factor = total as f64 / l.fed as f64 * 1.03;
                if factor > 1.0 {
                    self.builder.reserve_scaled(factor);
                }
            }
        }
        let Some(budget) = self.limits.budget else {
            return;
        };
        if self.builder.heap_bytes() as u64 <= budget {
            return;
        }
        let stop = Stop {
            source: f,
            offset: self.builder.source(f).bytes,
            spans: self.builder.span_count(),
            budget,
        };
        let message = format!(
            "reading stopped at the memory budget ({} MB for the trace in this tab): {} spans loaded, up to byte {} of {}; the rest of it and any files after it were not read. Load fewer files at once, or cut this one (e.g. `split -l 1000000`); `skein analyze` and `skein stats` read it whole on the command line",
            budget >> 20,
            with_thousands(stop.spans as u64),
            with_thousands(stop.offset),
            self.builder.source_name(f),
        );
        self.builder.diagnose(
            Severity::Error,
            DiagnosticKind::MemoryBudget,
            f,
            None,
            message,
        );
        self.limits.stop = Some(stop);
    }
}

#[cfg(test)]
mod tests {
    use super::with_thousands;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(with_thousands(0), "0");
        assert_eq!(with_thousands(999), "999");
        assert_eq!(with_thousands(1000), "1,000");
        assert_eq!(with_thousands(1_234_567), "1,234,567");
    }
}
