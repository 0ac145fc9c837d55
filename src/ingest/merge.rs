//! Reading inputs in several parse workers and merging what they read into one trace. Each
//! worker's session marks where each input's rows start and end (`begin_input`, `end_input`)
//! and hands over its tables unlinked (`into_partial`); `merge` takes the parts over input by
//! input in the load's order, then links and repairs once. Invariant: the merged trace holds
//! the spans, in the order, with the links and the repairs, that one session reading every
//! input in order would have made (tested against exactly that), with one difference: a row
//! repeating one another worker read is read whole before the merge finds the repeat, so
//! problems inside the repeat itself are reported too (one session skips a repeat unread).

use super::builder::{InputRows, ProblemParts, Remap, TraceBuilder};
use super::Session;
use crate::model::{Trace, TraceTables};

/// What one worker read: its tables (parents not linked yet), problems, and each input's rows.
#[derive(Debug, Clone, Default)]
pub struct Partial {
    /// The tables as read.
    pub tables: TraceTables,
    /// Its problems.
    pub problems: ProblemParts,
    /// The rows of each input, in reading order.
    pub inputs: Vec<InputRows>,
}

#[derive(Debug, Default)]
pub(super) struct InputMarks {
    open: Option<(u32, [u32; 5])>,
    done: Vec<InputRows>,
}

impl Session {
    /// Starts input number `input` of the load (its sources follow until `end_input`).
    pub fn begin_input(&mut self, input: u32) {
        self.inputs.open = Some((input, self.builder.row_counts()));
    }

    /// Ends the input begun last.
    pub fn end_input(&mut self) {
        let Some((input, start)) = self.inputs.open.take() else {
            return;
        };
        let end = self.builder.row_counts();
        let r = |k: usize| start[k]..end[k];
        self.inputs.done.push(InputRows {
            input,
            sources: r(0),
            spans: r(1),
            lineage: r(2),
            assets: r(3),
            logs: r(4),
        });
    }

    /// Ends every source and hands over what was read, unlinked, for `merge`.
    pub fn into_partial(mut self) -> Partial {
        self.end_input();
        for i in 0..self.sources.len() {
            if self.sources[i].open {
                self.end_source(crate::model::FileIdx(i as u32));
            }
        }
        let inputs = std::mem::take(&mut self.inputs.done);
        let (tables, problems) = self.builder.into_partial();
        Partial {
            tables,
            problems,
            inputs,
        }
    }
}

/// One trace from the partial reads of several workers, inputs taken in their load order.
pub fn merge(partials: Vec<Partial>) -> Trace {
    let mut b = TraceBuilder::default();
    let mut order: Vec<(u32, usize, usize)> = partials
        .iter()
        .enumerate()
        .flat_map(|(p, part)| {
            part.inputs
                .iter()
                .enumerate()
                .map(move |(k, rows)| (rows.input, p, k))
        })
        .collect();
    order.sort_unstable();
    let mut maps: Vec<Remap> = partials.iter().map(|_| Remap::default()).collect();
    for (_, p, k) in order {
        b.absorb_input(&partials[p].tables, &mut maps[p], &partials[p].inputs[k]);
    }
    for part in partials {
        b.absorb_problems(part.problems);
    }
    b.finish()
}

#[cfg(test)]
mod tests;
