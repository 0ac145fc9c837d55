//! Pairing spans of A and B that share a key: the spans of one key pair in start order
//! (Tempo's rule); the rest of the longer list are added (B) or removed (A).
//!
//! ```text
//!  key k   A: a1 a2 a3        B: b1 b2        -> (a1,b1) (a2,b2) (a3,-)
//!  key m   A: -               B: b3           -> (-,b3)
//! ```
//!
//! Invariant: pairs are grouped by key in `KeyId` order, and each key's pairs keep start order.

use super::key::{KeyId, KeyedSpans};
use crate::model::SpanIdx;
use std::ops::Range;

/// One pair: a span of A and its partner in B (`None` on the side that has no partner).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanPair {
    /// The span in A.
    pub a: Option<SpanIdx>,
    /// The span in B.
    pub b: Option<SpanIdx>,
}

impl SpanPair {
    /// True when both sides have the span.
    pub fn is_matched(&self) -> bool {
        self.a.is_some() && self.b.is_some()
    }
}

/// The pairs of two keyed sides.
#[derive(Debug, Clone, Default)]
pub struct Matching {
    /// Every pair, grouped by key.
    pub pairs: Vec<SpanPair>,
    /// `(key, range into pairs)` for each key either side has, in `KeyId` order.
    pub by_key: Vec<(KeyId, Range<u32>)>,
    /// Pairs with both spans.
    pub matched: usize,
    /// Spans only in B.
    pub added: usize,
    /// Spans only in A.
    pub removed: usize,
    /// matched / max(spans in A, spans in B); 1 when both are empty.
    pub trust: f64,
}

impl Matching {
    /// The pairs of key `k` (empty when neither side has it).
    pub fn pairs_of(&self, k: KeyId) -> &[SpanPair] {
        match self.by_key.binary_search_by_key(&k, |(key, _)| *key) {
            Ok(i) => {
                let r = &self.by_key[i].1;
                &self.pairs[r.start as usize..r.end as usize]
            }
            Err(_) => &[],
        }
    }
}

/// Pairs `a` with `b` (both sorted by key, then start).
pub fn pair(a: &KeyedSpans, b: &KeyedSpans) -> Matching {
    let (a, b) = (&a.spans, &b.spans);
    let mut m = Matching {
        pairs: Vec::with_capacity(a.len().max(b.len())),
        ..Matching::default()
    };
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let k = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.0.min(y.0),
            (Some(x), None) => x.0,
            (None, Some(y)) => y.0,
            (None, None) => break,
        };
        let ia = run_end(a, i, k);
        let jb = run_end(b, j, k);
        let from = m.pairs.len() as u32;
        for n in 0..(ia - i).max(jb - j) {
            let p = SpanPair {
                a: a.get(i + n).filter(|_| i + n < ia).map(|x| x.1),
                b: b.get(j + n).filter(|_| j + n < jb).map(|x| x.1),
            };
            match (p.a, p.b) {
                (Some(_), Some(_)) => m.matched += 1,
                (None, Some(_)) => m.added += 1,
                _ => m.removed += 1,
            }
            m.pairs.push(p);
        }
        m.by_key.push((k, from..m.pairs.len() as u32));
        i = ia;
        j = jb;
    }
    let larger = a.len().max(b.len());
    m.trust = if larger == 0 {
        1.0
    } else {
        m.matched as f64 / larger as f64
    };
    m
}

/// The end of the run of key `k` starting at `from` (`from` itself when the key is not there).
fn run_end(v: &[(KeyId, SpanIdx)], from: usize, k: KeyId) -> usize {
    let mut e = from;
    while e < v.len() && v[e].0 == k {
        e += 1;
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_one_key_pair_in_order_and_the_rest_are_added_or_removed() {
        let keyed = |v: &[(u32, u32)]| KeyedSpans {
            spans: v.iter().map(|&(k, s)| (KeyId(k), SpanIdx(s))).collect(),
        };
        // key 0: A has 3, B has 2; key 1: only B; key 2: only A
        let a = keyed(&[(0, 10), (0, 11), (0, 12), (2, 13)]);
        let b = keyed(&[(0, 20), (0, 21), (1, 22)]);
        let m = pair(&a, &b);
        let p = |a: Option<u32>, b: Option<u32>| SpanPair {
            a: a.map(SpanIdx),
            b: b.map(SpanIdx),
        };
        assert_eq!(
            m.pairs_of(KeyId(0)),
            [
                p(Some(10), Some(20)),
                p(Some(11), Some(21)),
                p(Some(12), None)
            ]
        );
        assert_eq!(m.pairs_of(KeyId(1)), [p(None, Some(22))]);
        assert_eq!(m.pairs_of(KeyId(2)), [p(Some(13), None)]);
        assert_eq!((m.matched, m.added, m.removed), (2, 1, 2));
        assert!((m.trust - 2.0 / 4.0).abs() < 1e-12);
    }
}
