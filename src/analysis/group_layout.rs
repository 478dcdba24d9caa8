//! A layered layout of a [`Grouping`], left to right, for graphs too big for a general
//! layout engine: a group's column is its band of levels (already known, so no rank
//! assignment), and within a column groups are ordered by the barycentre of their
//! predecessors (one sweep, left to right), which untangles fan-out and fan-in. Linear in
//! groups + group edges, plus a sort per column.

use super::grouping::{GroupKind, Grouping};
use serde::Serialize;

/// Node height of a single task, px.
pub const TASK_H: f64 = 28.0;
/// Node height of a stacked group (room for the stack's offset cards), px.
pub const STACK_H: f64 = 40.0;
const NODE_GAP: f64 = 12.0;
const RANK_GAP: f64 = 56.0;
const MARGIN: f64 = 8.0;

/// A node's box: `x`, `y` are its centre.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NodeBox {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Positions of every group (by index) and a polyline per group edge (same order as
/// `Grouping::edges`), from the right side of `from` to the left side of `to`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct GroupLayout {
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<[[f64; 2]; 2]>,
    pub width: f64,
    pub height: f64,
}

/// The label a view draws for group `g`: the id, or the family (or levels) with its count
/// (`map ×1,000`).
pub fn node_label(grouping: &Grouping, g: usize) -> String {
    let gr = &grouping.groups[g];
    match gr.kind {
        GroupKind::Task => gr.label.clone(),
        _ => format!("{} ×{}", gr.label, thousands(gr.count)),
    }
}

/// `n` with a comma between groups of three digits (200,000).
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Width of a node labelled `label`: about 7.2 px a character plus padding (as the page's
/// small-graph layout).
fn width_of(label: &str) -> f64 {
    (label.chars().count() as f64 * 7.2 + 22.0)
        .clamp(44.0, 260.0)
        .round()
}

/// Lays out `grouping` (see the module doc). Guarantees: boxes of one column never overlap,
/// every edge goes from a column to a later one.
pub fn layout(grouping: &Grouping) -> GroupLayout {
    let n = grouping.groups.len();
    if n == 0 {
        return GroupLayout::default();
    }
    let band = grouping.band_levels.max(1);
    let rank: Vec<usize> = grouping
        .groups
        .iter()
        .map(|g| (g.level_min / band) as usize)
        .collect();
    let ranks = rank.iter().max().map_or(0, |&r| r + 1);
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &grouping.edges {
        preds[e.to].push(e.from);
    }
    let size: Vec<(f64, f64)> = (0..n)
        .map(|g| {
            let h = if grouping.groups[g].kind == GroupKind::Task {
                TASK_H
            } else {
                STACK_H
            };
            (width_of(&node_label(grouping, g)), h)
        })
        .collect();
    let mut columns: Vec<Vec<usize>> = vec![Vec::new(); ranks];
    for g in 0..n {
        columns[rank[g]].push(g);
    }
    // Column by column: order by the mean position of the predecessors, then stack.
    let mut pos = vec![0.0f64; n]; // the centre y, before centring columns
    let mut order_key = vec![0.0f64; n];
    let mut tallest: f64 = 0.0;
    let mut heights = vec![0.0f64; ranks];
    for (r, col) in columns.iter_mut().enumerate() {
        for &g in col.iter() {
            let p = &preds[g];
            order_key[g] = if p.is_empty() {
                g as f64 * 1e-9 // sources keep declaration order
            } else {
                p.iter().map(|&q| pos[q]).sum::<f64>() / p.len() as f64
            };
        }
        col.sort_by(|a, b| order_key[*a].total_cmp(&order_key[*b]).then(a.cmp(b)));
        let mut y = 0.0;
        for &g in col.iter() {
            pos[g] = y + size[g].1 / 2.0;
            y += size[g].1 + NODE_GAP;
        }
        heights[r] = (y - NODE_GAP).max(0.0);
        tallest = tallest.max(heights[r]);
    }
    let mut nodes = vec![
        NodeBox {
            x: 0.0,
            y: 0.0,
            width: 0.0,
            height: 0.0
        };
        n
    ];
    let mut x = MARGIN;
    for (r, col) in columns.iter().enumerate() {
        let w = col.iter().map(|&g| size[g].0).fold(0.0, f64::max);
        let shift = MARGIN + (tallest - heights[r]) / 2.0;
        for &g in col {
            nodes[g] = NodeBox {
                x: x + w / 2.0,
                y: pos[g] + shift,
                width: size[g].0,
                height: size[g].1,
            };
        }
        x += w + RANK_GAP;
    }
    let edges = grouping
        .edges
        .iter()
        .map(|e| {
            let (a, b) = (nodes[e.from], nodes[e.to]);
            [[a.x + a.width / 2.0, a.y], [b.x - b.width / 2.0, b.y]]
        })
        .collect();
    GroupLayout {
        nodes,
        edges,
        width: x - RANK_GAP + MARGIN,
        height: tallest + 2.0 * MARGIN,
    }
}
