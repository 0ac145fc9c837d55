//! `SpanSet`: a set of spans as one bit per span index, the form query matches, statistics
//! scopes and "show matches only" rows are passed in. Invariant: bits at or beyond `universe`
//! are always zero, so counts and iteration never see spans that do not exist.

use crate::model::{SpanIdx, Trace};

/// A set of span indices out of `0..universe`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpanSet {
    words: Vec<u64>,
    universe: usize,
}

impl SpanSet {
    /// No span out of `universe`.
    pub fn empty(universe: usize) -> SpanSet {
        SpanSet {
            words: vec![0; universe.div_ceil(64)],
            universe,
        }
    }

    /// Every span out of `universe`.
    pub fn full(universe: usize) -> SpanSet {
        let mut s = SpanSet {
            words: vec![u64::MAX; universe.div_ceil(64)],
            universe,
        };
        s.clear_tail();
        s
    }

    /// The spans of `indices` (those below `universe`; the rest are ignored).
    pub fn from_indices(universe: usize, indices: impl IntoIterator<Item = SpanIdx>) -> SpanSet {
        let mut s = SpanSet::empty(universe);
        for i in indices {
            s.insert(i);
        }
        s
    }

    /// The spans for which `keep` is true.
    pub fn from_fn(universe: usize, mut keep: impl FnMut(SpanIdx) -> bool) -> SpanSet {
        let mut s = SpanSet::empty(universe);
        for (w, word) in s.words.iter_mut().enumerate() {
            let base = w * 64;
            let n = (universe - base).min(64);
            let mut bits = 0u64;
            for b in 0..n {
                if keep(SpanIdx((base + b) as u32)) {
                    bits |= 1 << b;
                }
            }
            *word = bits;
        }
        s
    }

    /// How many span indices the set ranges over (the trace's span count).
    pub fn universe(&self) -> usize {
        self.universe
    }

    /// True when span `i` is in the set.
    pub fn contains(&self, i: SpanIdx) -> bool {
        let ix = i.ix();
        ix < self.universe && self.words[ix / 64] & (1 << (ix % 64)) != 0
    }

    /// Adds span `i` (ignored when it is beyond the universe).
    pub fn insert(&mut self, i: SpanIdx) {
        let ix = i.ix();
        if ix < self.universe {
            self.words[ix / 64] |= 1 << (ix % 64);
        }
    }

    /// Number of spans in the set.
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// True when no span is in the set.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// True when every span of the universe is in the set.
    pub fn is_full(&self) -> bool {
        self.count() == self.universe
    }

    /// The spans in the set, by ascending index.
    pub fn iter(&self) -> impl Iterator<Item = SpanIdx> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let b = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                Some(SpanIdx((w * 64 + b) as u32))
            })
        })
    }

    /// Keeps only spans also in `other` (sets over different universes meet on the smaller).
    pub fn intersect_with(&mut self, other: &SpanSet) {
        for (i, w) in self.words.iter_mut().enumerate() {
            *w &= other.words.get(i).copied().unwrap_or(0);
        }
    }

    /// Adds every span of `other` that lies inside this set's universe.
    pub fn union_with(&mut self, other: &SpanSet) {
        for (w, o) in self.words.iter_mut().zip(&other.words) {
            *w |= o;
        }
        self.clear_tail();
    }

    /// The complement within the universe.
    pub fn invert(&mut self) {
        for w in &mut self.words {
            *w = !*w;
        }
        self.clear_tail();
    }

    /// This set plus every ancestor of its spans: what "show matches only" keeps, so each
    /// match is shown under its parents. O(spans + set), each ancestor chain walked once.
    pub fn with_ancestors(&self, trace: &Trace) -> SpanSet {
        let mut out = self.clone();
        for s in self.iter() {
            let mut cur = trace.span(s).parent;
            // stop at the first ancestor already in: everything above it is in as well
            while let Some(p) = cur {
                if out.contains(p) {
                    break;
                }
                out.insert(p);
                cur = trace.span(p).parent;
            }
        }
        out
    }

    fn clear_tail(&mut self) {
        let rem = self.universe % 64;
        if rem != 0 {
            if let Some(last) = self.words.last_mut() {
                *last &= (1u64 << rem) - 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(s: &SpanSet) -> Vec<u32> {
        s.iter().map(|i| i.0).collect()
    }

    #[test]
    fn set_operations_stay_inside_the_universe() {
        let mut a = SpanSet::from_indices(70, [0, 3, 64, 69, 70, 500].map(SpanIdx));
        assert_eq!(ids(&a), [0, 3, 64, 69]);
        assert_eq!(a.count(), 4);
        let b = SpanSet::from_fn(70, |i| i.0 % 3 == 0);
        assert_eq!(b.count(), 24); // 0, 3, ..., 69
        let mut c = a.clone();
        c.intersect_with(&b);
        assert_eq!(ids(&c), [0, 3, 69]);
        a.invert();
        assert_eq!(a.count(), 66);
        assert!(!a.contains(SpanIdx(69)) && !a.contains(SpanIdx(70)));
        assert!(SpanSet::full(70).is_full() && SpanSet::full(70).count() == 70);
        assert!(SpanSet::empty(0).is_empty() && SpanSet::full(0).is_full());
        let mut d = SpanSet::empty(65);
        d.union_with(&SpanSet::full(128));
        assert_eq!(d.count(), 65);
    }
}
