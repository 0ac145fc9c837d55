//! The builder's lookup from (trace, span id) to the span holding it: a hash table of bare span
//! indices whose keys are read back from the span table, 4 bytes a slot instead of the 24 of a
//! map from (trace, id) to index (at 1M spans: 10 MB instead of 50). Invariant: every index in
//! it names a span of the table it was filled from, and no two name the same (trace, span id).

use crate::model::{Span, SpanId, SpanIdx, TraceIdx};
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// Span indices by (trace, span id).
#[derive(Clone, Default)]
pub struct SpanIndex(HashTable<u32>);

impl std::fmt::Debug for SpanIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SpanIndex({} spans)", self.0.len())
    }
}

fn hash(trace: TraceIdx, id: SpanId) -> u64 {
    rustc_hash::FxBuildHasher.hash_one((trace.0, id.0))
}

fn hash_of(spans: &[Span], i: u32) -> u64 {
    spans
        .get(i as usize)
        .map_or(0, |s| hash(s.trace, s.span_id))
}

impl SpanIndex {
    /// The span of `spans` with this (trace, span id).
    pub fn get(&self, spans: &[Span], trace: TraceIdx, id: SpanId) -> Option<SpanIdx> {
        let same = |&i: &u32| {
            spans
                .get(i as usize)
                .is_some_and(|s| s.trace == trace && s.span_id == id)
        };
        self.0.find(hash(trace, id), same).map(|&i| SpanIdx(i))
    }

    /// Adds span `i` of `spans` (already pushed there, its (trace, id) not yet indexed).
    pub fn insert(&mut self, spans: &[Span], i: SpanIdx) {
        let h = hash_of(spans, i.0);
        self.0.insert_unique(h, i.0, |&j| hash_of(spans, j));
    }

    /// Makes room for `additional` more spans without rehashing.
    pub fn reserve(&mut self, spans: &[Span], additional: usize) {
        self.0.reserve(additional, |&j| hash_of(spans, j));
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.0.capacity() * 5
    }
}
