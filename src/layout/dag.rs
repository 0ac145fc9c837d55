//! Layered (Sugiyama-style) layout of the lineage DAG, left to right like time:
//!
//! 1. break cycles: petgraph's greedy feedback arc set, reversed edges are drawn as they are;
//! 2. layers: longest path from the sources (a node sits one layer right of its latest parent);
//! 3. long edges get one dummy node per layer crossed, so they can bend around nodes;
//! 4. crossing reduction (`dag_order`): barycenter sweeps, then median sweeps with
//!    transposition of neighbours, keeping the best order seen;
//! 5. coordinates: layer -> x, order in layer -> y, each layer centred vertically.
//!
//! ```text
//!   layer 0      layer 1      layer 2
//!  [ingest] ──> [branch-a] ──> [synthesis] ──> [evaluate]
//!          └──> [branch-b] ──┘      ·  dummy ─────┘ (branch-a -> evaluate)
//! ```

use super::dag_order::Layered;
use crate::model::DagNodeIdx;
use petgraph::algo::{greedy_feedback_arc_set, toposort};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

/// Node box width, px (at zoom 1).
pub const NODE_W: f64 = 150.0;
/// Node box height, px.
pub const NODE_H: f64 = 54.0;
const LAYER_GAP: f64 = 44.0;
const ROW_GAP: f64 = 16.0;

/// A placed node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeBox {
    /// The node.
    pub node: DagNodeIdx,
    /// Layer (column).
    pub layer: usize,
    /// Left, px.
    pub x: f64,
    /// Top, px.
    pub y: f64,
}

impl std::ops::Index<DagNodeIdx> for Vec<NodeBox> {
    type Output = NodeBox;
    fn index(&self, i: DagNodeIdx) -> &NodeBox {
        &self[i.ix()]
    }
}

/// A routed edge: a polyline from the parent's right side to the child's left side.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgePath {
    /// Parent node.
    pub from: DagNodeIdx,
    /// Child node.
    pub to: DagNodeIdx,
    /// Polyline points, px.
    pub points: Vec<(f64, f64)>,
}

/// The whole layout.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DagLayout {
    /// One box per node, in input order.
    pub nodes: Vec<NodeBox>,
    /// One path per edge, in input order.
    pub edges: Vec<EdgePath>,
    /// Extent, px.
    pub width: f64,
    /// Extent, px.
    pub height: f64,
    /// Edge crossings left after ordering.
    pub crossings: usize,
    /// Edge crossings barycenter ordering alone left (before median and transposition).
    pub crossings_barycenter: usize,
    /// Edges reversed to break cycles.
    pub reversed_edges: usize,
}

/// Lays out `n` nodes with `edges` (parent, child), any graph (cycles allowed).
pub fn layout(n: usize, edges: &[(DagNodeIdx, DagNodeIdx)]) -> DagLayout {
    layout_with(n, edges, true)
}

/// `layout`, with crossing refinement (median sweeps and transposition) on or off.
pub fn layout_with(n: usize, edges: &[(DagNodeIdx, DagNodeIdx)], refine: bool) -> DagLayout {
    // dummy nodes for long edges are numbered after the real ones, so positions are plain
    // indices inside; only the result speaks of `DagNodeIdx` again
    let edges: Vec<(usize, usize)> = edges.iter().map(|(a, b)| (a.ix(), b.ix())).collect();
    let mut g: DiGraph<(), usize> = DiGraph::new();
    let ids: Vec<NodeIndex> = (0..n).map(|_| g.add_node(())).collect();
    for (k, &(a, b)) in edges.iter().enumerate() {
        if a != b && a < n && b < n {
            g.add_edge(ids[a], ids[b], k);
        }
    }
    let fas: Vec<usize> = greedy_feedback_arc_set(&g).map(|e| *e.weight()).collect();
    let reversed: std::collections::HashSet<usize> = fas.iter().copied().collect();
    let mut acyclic: DiGraph<(), usize> = DiGraph::new();
    let aids: Vec<NodeIndex> = (0..n).map(|_| acyclic.add_node(())).collect();
    for (k, &(a, b)) in edges.iter().enumerate() {
        if a == b || a >= n || b >= n {
            continue;
        }
        let (a, b) = if reversed.contains(&k) {
            (b, a)
        } else {
            (a, b)
        };
        acyclic.add_edge(aids[a], aids[b], k);
    }
    let order = toposort(&acyclic, None).unwrap_or_else(|_| aids.clone());
    let mut layer = vec![0usize; n];
    for v in &order {
        let lv = layer[v.index()];
        for e in acyclic.edges(*v) {
            let t = e.target().index();
            layer[t] = layer[t].max(lv + 1);
        }
    }
    // virtual graph: real nodes then dummies; edges between adjacent layers only
    let mut vlayer = layer.clone();
    let mut vedges: Vec<(usize, usize)> = Vec::new();
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(edges.len());
    for &(a, b) in &edges {
        if a == b || a >= n || b >= n {
            chains.push(vec![a.min(n.saturating_sub(1)), b.min(n.saturating_sub(1))]);
            continue;
        }
        let (lo, hi) = if layer[a] <= layer[b] { (a, b) } else { (b, a) };
        let mut chain = vec![lo];
        let mut prev = lo;
        for l in layer[lo] + 1..layer[hi] {
            let d = vlayer.len();
            vlayer.push(l);
            vedges.push((prev, d));
            chain.push(d);
            prev = d;
        }
        if layer[hi] > layer[lo] {
            vedges.push((prev, hi));
        }
        chain.push(hi);
        if lo != a {
            chain.reverse();
        }
        chains.push(chain);
    }
    let layers_n = vlayer.iter().copied().max().map_or(0, |m| m + 1);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); layers_n];
    for (v, &l) in vlayer.iter().enumerate() {
        layers[l].push(v);
    }
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); vlayer.len()];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); vlayer.len()];
    for &(a, b) in &vedges {
        down[a].push(b);
        up[b].push(a);
    }
    let mut edges_between: Vec<Vec<(usize, usize)>> = vec![Vec::new(); layers_n];
    for &(a, b) in &vedges {
        edges_between[vlayer[a]].push((a, b));
    }
    let layered = Layered {
        layers,
        up: &up,
        down: &down,
        between: &edges_between,
    };
    let (layers, crossings) = layered.order(refine);
    let tallest = layers.iter().map(Vec::len).max().unwrap_or(0) as f64;
    let height = (tallest * (NODE_H + ROW_GAP)).max(NODE_H);
    let mut xy = vec![(0.0, 0.0); vlayer.len()];
    for (l, members) in layers.iter().enumerate() {
        let top = (height - members.len() as f64 * (NODE_H + ROW_GAP)) / 2.0;
        for (i, &v) in members.iter().enumerate() {
            xy[v] = (
                l as f64 * (NODE_W + LAYER_GAP),
                top + i as f64 * (NODE_H + ROW_GAP),
            );
        }
    }
    let nodes = (0..n)
        .map(|v| NodeBox {
            node: DagNodeIdx(v as u32),
            layer: vlayer[v],
            x: xy[v].0,
            y: xy[v].1,
        })
        .collect();
    let edge_paths = edges
        .iter()
        .zip(&chains)
        .map(|(&(from, to), chain)| {
            let points = chain
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let (x, y) = xy[v];
                    let cy = y + NODE_H / 2.0;
                    if v >= n {
                        (x + NODE_W / 2.0, cy)
                    } else if i == 0 {
                        (x + NODE_W, cy)
                    } else {
                        (x, cy)
                    }
                })
                .collect();
            EdgePath {
                from: DagNodeIdx(from as u32),
                to: DagNodeIdx(to as u32),
                points,
            }
        })
        .collect();
    DagLayout {
        nodes,
        edges: edge_paths,
        width: (layers_n as f64 * (NODE_W + LAYER_GAP) - LAYER_GAP).max(NODE_W),
        height,
        crossings: crossings.refined,
        crossings_barycenter: crossings.barycenter,
        reversed_edges: fas.len(),
    }
}

/// Characters of a data id that fit in a node box (12 px monospace); longer ids end in "…"
/// (the full id is in the node's tooltip).
const LABEL_CHARS: usize = 18;

/// A node's label: its data id, cut to fit the box.
pub fn node_label(id: &str) -> String {
    if id.chars().count() <= LABEL_CHARS {
        id.to_string()
    } else {
        id.chars()
            .take(LABEL_CHARS - 1)
            .chain(std::iter::once('…'))
            .collect()
    }
}

/// An edge's polyline as SVG path data (`M x,y L x,y ...`).
pub fn path_data(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        d.push_str(&format!("{}{x:.1},{y:.1} ", if i == 0 { "M" } else { "L" }));
    }
    d
}

/// Margin around the drawing when it is first shown, px.
pub const FIT_MARGIN_PX: f64 = 24.0;
/// Zoom factor per unit of wheel delta.
const WHEEL_ZOOM_PER_DELTA: f64 = 0.0015;

/// How the drawing sits in its box: translated by `offset_px`, scaled by `zoom`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// Translation, px.
    pub offset_px: (f64, f64),
    /// Scale (1 = natural size).
    pub zoom: f64,
}

impl View {
    /// The first view of a layout in a `box_px` box: readable first (labels stay above
    /// ~10 px, zoom >= 0.8), whole graph second (zoom <= 1 fits it when it can).
    pub fn fit(layout: &DagLayout, box_px: (f64, f64)) -> View {
        let fit = ((box_px.0 - 2.0 * FIT_MARGIN_PX) / layout.width)
            .min((box_px.1 - 2.0 * FIT_MARGIN_PX) / layout.height);
        View {
            offset_px: (FIT_MARGIN_PX, FIT_MARGIN_PX),
            zoom: fit.clamp(0.8, 1.0),
        }
    }

    /// The view after a wheel step of `delta_y` with the pointer at `pointer_px` (relative to
    /// the box): the point under the pointer stays in place; zoom stays in 0.05..=3.
    pub fn wheel(self, delta_y: f64, pointer_px: (f64, f64)) -> View {
        let z1 = (self.zoom * (-delta_y * WHEEL_ZOOM_PER_DELTA).exp()).clamp(0.05, 3.0);
        let k = z1 / self.zoom;
        let ((ox, oy), (mx, my)) = (self.offset_px, pointer_px);
        View {
            offset_px: (mx - (mx - ox) * k, my - (my - oy) * k),
            zoom: z1,
        }
    }

    /// The view dragged by `delta_px` from `self` (where the drag started).
    pub fn dragged(self, delta_px: (f64, f64)) -> View {
        View {
            offset_px: (self.offset_px.0 + delta_px.0, self.offset_px.1 + delta_px.1),
            ..self
        }
    }

    /// The CSS transform that places the drawing.
    pub fn css(&self) -> String {
        let (x, y) = self.offset_px;
        format!(
            "transform: translate({x:.1}px,{y:.1}px) scale({:.4})",
            self.zoom
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::dag_order::crossings_between;
    use super::*;

    fn layout(n: usize, edges: &[(usize, usize)]) -> DagLayout {
        let edges: Vec<_> = edges
            .iter()
            .map(|&(a, b)| (DagNodeIdx(a as u32), DagNodeIdx(b as u32)))
            .collect();
        super::layout(n, &edges)
    }

    /// ```text
    ///  0 -> 1 -> 3
    ///  0 -> 2 -> 3      a diamond: 3 layers, no crossings
    /// ```
    #[test]
    fn diamond_has_three_layers_and_no_crossings() {
        let l = layout(4, &[(0, 1), (0, 2), (1, 3), (2, 3)]);
        let layers: Vec<usize> = l.nodes.iter().map(|b| b.layer).collect();
        assert_eq!(layers, [0, 1, 1, 2]);
        assert_eq!(l.crossings, 0);
        assert!(l.nodes[1].y != l.nodes[2].y);
    }

    /// ```text
    ///  a0 ─┐ ┌─ b0        given in an order that crosses (a0->b1, a1->b0),
    ///  a1 ─┘ └─ b1        the ordering step uncrosses it
    /// ```
    #[test]
    fn crossings_are_removed_when_possible() {
        let l = layout(4, &[(0, 3), (1, 2)]);
        assert_eq!(l.crossings, 0);
    }

    #[test]
    fn crossing_count_is_an_inversion_count() {
        // upper 0 -> lower 1 and upper 1 -> lower 0 cross; same upper never crosses
        let pos = [0, 1, 0, 1];
        assert_eq!(crossings_between(&[(0, 3), (1, 2)], &pos), 1);
        assert_eq!(crossings_between(&[(0, 2), (0, 3), (1, 3)], &pos), 0);
        assert_eq!(crossings_between(&[(0, 3), (0, 2), (1, 2)], &pos), 1);
    }

    #[test]
    fn long_edges_bend_through_dummies() {
        let l = layout(3, &[(0, 1), (1, 2), (0, 2)]);
        assert_eq!(l.edges[2].points.len(), 3, "0 -> 2 crosses layer 1");
        assert_eq!(l.nodes[2].layer, 2);
    }

    #[test]
    fn cycles_are_laid_out_anyway() {
        let l = layout(3, &[(0, 1), (1, 2), (2, 0)]);
        assert_eq!(l.reversed_edges, 1);
        assert_eq!(l.nodes.len(), 3);
    }

    #[test]
    fn zooming_keeps_the_point_under_the_pointer() {
        let v = View {
            offset_px: (24.0, 24.0),
            zoom: 1.0,
        };
        let pointer = (300.0, 200.0);
        let z = v.wheel(-200.0, pointer);
        assert!(z.zoom > 1.0);
        // drawing coordinates under the pointer before and after
        let under = |v: View| {
            (
                (pointer.0 - v.offset_px.0) / v.zoom,
                (pointer.1 - v.offset_px.1) / v.zoom,
            )
        };
        let (a, b) = (under(v), under(z));
        assert!((a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9);
        assert_eq!(v.dragged((5.0, -4.0)).offset_px, (29.0, 20.0));
        let big = layout(40, &[]);
        assert_eq!(View::fit(&big, (100.0, 100.0)).zoom, 0.8, "readable first");
    }

    #[test]
    fn a_wide_dag_lays_out() {
        // 40 nodes in 8 layers of 5, each node fed by two nodes of the previous layer
        let mut edges = Vec::new();
        for l in 1..8 {
            for i in 0..5 {
                let v = l * 5 + i;
                edges.push(((l - 1) * 5 + i, v));
                edges.push(((l - 1) * 5 + (i + 2) % 5, v));
            }
        }
        let l = layout(40, &edges);
        assert_eq!(l.nodes.iter().map(|b| b.layer).max(), Some(7));
        assert!(l.width > 0.0 && l.height > 0.0);
    }
}
