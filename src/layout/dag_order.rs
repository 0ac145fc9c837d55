//! Crossing reduction for the layered DAG: barycenter sweeps, then median sweeps with
//! transposition of neighbours (Gansner et al.'s "dot" heuristic). Invariant: the order kept
//! is the best seen, and refinement starts from the barycenter result, so it never has more
//! crossings than barycenter ordering alone.
//!
//! ```text
//!  layer l-1:  a   b          transpose: swap v and w in layer l when fewer edges cross
//!               \ /           with w above v (counted on both sides, l-1 and l+1)
//!  layer l:     v w   ->   w v
//! ```

/// Barycenter sweeps (alternating right and left).
const BARYCENTER_SWEEPS: usize = 12;
/// Median sweeps, each followed by transposition.
const MEDIAN_SWEEPS: usize = 8;
/// Transposition passes over all layers per sweep at most.
const TRANSPOSE_PASSES: usize = 4;

/// The layered graph being ordered: members per layer, neighbours above and below, and the
/// edges between each layer and the next (virtual node indices).
pub struct Layered<'a> {
    /// Members of each layer, in order.
    pub layers: Vec<Vec<usize>>,
    /// Neighbours in the layer before, per node.
    pub up: &'a [Vec<usize>],
    /// Neighbours in the layer after, per node.
    pub down: &'a [Vec<usize>],
    /// Edges from layer l to l + 1, per l.
    pub between: &'a [Vec<(usize, usize)>],
}

/// Crossing counts of an ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Crossings {
    /// Left after barycenter sweeps alone.
    pub barycenter: usize,
    /// Left after median sweeps and transposition (never more than `barycenter`).
    pub refined: usize,
}

/// Counts crossings between two adjacent layers given positions of their members: with edges
/// sorted by (upper, lower) position, two edges cross exactly when their lower positions are
/// inverted, so this is an inversion count (Fenwick tree, O(E log E)).
pub fn crossings_between(edges: &[(usize, usize)], pos: &[usize]) -> usize {
    let mut e: Vec<(usize, usize)> = edges.iter().map(|&(a, b)| (pos[a], pos[b])).collect();
    e.sort_unstable();
    let size = e.iter().map(|x| x.1).max().map_or(0, |m| m + 2);
    let mut tree = vec![0usize; size + 1];
    let mut count = 0usize;
    for (seen, &(_, lower)) in e.iter().enumerate() {
        // how many earlier edges end at or below `lower`
        let mut i = lower + 1;
        let mut at_or_below = 0;
        while i > 0 {
            at_or_below += tree[i];
            i &= i - 1;
        }
        count += seen - at_or_below;
        let mut i = lower + 1;
        while i <= size {
            tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    count
}

impl Layered<'_> {
    fn positions(&self, pos: &mut [usize]) {
        for l in &self.layers {
            for (i, &v) in l.iter().enumerate() {
                pos[v] = i;
            }
        }
    }

    fn total(&self, pos: &[usize]) -> usize {
        self.between.iter().map(|e| crossings_between(e, pos)).sum()
    }

    /// Reorders layer `l` by a key of each member's neighbours' positions (ties and nodes
    /// without neighbours keep their place).
    fn sort_layer(&mut self, l: usize, pos: &mut [usize], forward: bool, median: bool) {
        let neighbours = if forward { self.up } else { self.down };
        let mut keyed: Vec<(f64, usize, usize)> = self.layers[l]
            .iter()
            .map(|&v| {
                let mut ps: Vec<usize> = neighbours[v].iter().map(|&u| pos[u]).collect();
                let key = if ps.is_empty() {
                    pos[v] as f64
                } else if median {
                    ps.sort_unstable();
                    let m = ps.len() / 2;
                    if ps.len() % 2 == 1 {
                        ps[m] as f64
                    } else {
                        (ps[m - 1] + ps[m]) as f64 / 2.0
                    }
                } else {
                    ps.iter().sum::<usize>() as f64 / ps.len() as f64
                };
                (key, pos[v], v)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        self.layers[l] = keyed.into_iter().map(|k| k.2).collect();
        for (i, &v) in self.layers[l].iter().enumerate() {
            pos[v] = i;
        }
    }

    fn sweep(&mut self, pos: &mut [usize], forward: bool, median: bool) {
        let n = self.layers.len();
        let range: Vec<usize> = if forward {
            (1..n).collect()
        } else {
            (0..n.saturating_sub(1)).rev().collect()
        };
        for l in range {
            self.sort_layer(l, pos, forward, median);
        }
    }

    /// Crossings among edges from `v` and from `w` to one side when `v` is above `w`.
    fn pair_crossings(side: &[Vec<usize>], pos: &[usize], v: usize, w: usize) -> usize {
        let mut c = 0;
        for &a in &side[v] {
            for &b in &side[w] {
                if pos[a] > pos[b] {
                    c += 1;
                }
            }
        }
        c
    }

    /// Swaps neighbours wherever that strictly lowers crossings; each swap lowers the total.
    fn transpose(&mut self, pos: &mut [usize]) {
        for _ in 0..TRANSPOSE_PASSES {
            let mut improved = false;
            for l in 0..self.layers.len() {
                for i in 1..self.layers[l].len() {
                    let (v, w) = (self.layers[l][i - 1], self.layers[l][i]);
                    let now = Self::pair_crossings(self.up, pos, v, w)
                        + Self::pair_crossings(self.down, pos, v, w);
                    let swapped = Self::pair_crossings(self.up, pos, w, v)
                        + Self::pair_crossings(self.down, pos, w, v);
                    if swapped < now {
                        self.layers[l].swap(i - 1, i);
                        pos[v] = i;
                        pos[w] = i - 1;
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }

    /// Orders the layers: barycenter sweeps, then (when `refine`) median sweeps with
    /// transposition, keeping the best order seen. Returns the order and its crossings.
    pub fn order(mut self, refine: bool) -> (Vec<Vec<usize>>, Crossings) {
        let nodes = self.up.len();
        let mut pos = vec![0usize; nodes];
        self.positions(&mut pos);
        let mut best = (self.total(&pos), self.layers.clone());
        for sweep in 0..BARYCENTER_SWEEPS {
            self.sweep(&mut pos, sweep % 2 == 0, false);
            let c = self.total(&pos);
            if c < best.0 {
                best = (c, self.layers.clone());
            }
        }
        let barycenter = best.0;
        if refine && barycenter > 0 {
            self.layers = best.1.clone();
            self.positions(&mut pos);
            for sweep in 0..MEDIAN_SWEEPS {
                self.sweep(&mut pos, sweep % 2 == 0, true);
                self.transpose(&mut pos);
                let c = self.total(&pos);
                if c < best.0 {
                    best = (c, self.layers.clone());
                }
                if best.0 == 0 {
                    break;
                }
            }
            // transposition of the best order itself can only lower it further
            self.layers = best.1.clone();
            self.positions(&mut pos);
            self.transpose(&mut pos);
            let c = self.total(&pos);
            if c < best.0 {
                best = (c, self.layers.clone());
            }
        }
        let crossings = Crossings {
            barycenter,
            refined: best.0,
        };
        (best.1, crossings)
    }
}
