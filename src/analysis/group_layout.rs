//! A layered layout of a [`Grouping`], left to right, for graphs too big for a general
//! layout engine: a group's column is its band of levels (already known, so no rank
//! assignment), and within a column groups are ordered by the barycentre of their
//! predecessors (one sweep, left to right), which untangles fan-out and fan-in. An edge that
//! skips columns gets a waypoint in each column it crosses (a "dummy node" of the layered
//! layouts, ordered with the groups), so it passes between boxes instead of through them.
//! Linear in groups + group edges × columns crossed, plus a sort per column.

use super::grouping::{GroupKind, Grouping};
use serde::Serialize;

/// Node height of a single task, px.
pub const TASK_H: f64 = 28.0;
/// Node height of a stacked group (room for the stack's offset cards), px.
pub const STACK_H: f64 = 40.0;
const NODE_GAP: f64 = 12.0;
const RANK_GAP: f64 = 56.0;
const MARGIN: f64 = 8.0;
/// The room an edge's waypoint takes in a column it crosses, px.
const WAYPOINT_H: f64 = 6.0;

/// A node's box: `x`, `y` are its centre.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NodeBox {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Positions of every group (by index) and a polyline per group edge (same order as
/// `Grouping::edges`), from the right side of `from` to the left side of `to`; in each
/// column an edge crosses, it runs level across the column at its waypoint (two points),
/// clear of that column's boxes.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct GroupLayout {
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<Vec<[f64; 2]>>,
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
    // Slots 0..n are the groups; after them, one waypoint per column an edge skips.
    let mut slot_rank = rank.clone();
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut routes: Vec<Vec<usize>> = Vec::with_capacity(grouping.edges.len());
    for e in &grouping.edges {
        let mut prev = e.from;
        let mut route = Vec::new();
        for r in rank[e.from] + 1..rank[e.to] {
            let w = slot_rank.len();
            slot_rank.push(r);
            preds.push(vec![prev]);
            route.push(w);
            prev = w;
        }
        preds[e.to].push(prev);
        routes.push(route);
    }
    let slots = slot_rank.len();
    let size: Vec<(f64, f64)> = (0..slots)
        .map(|g| {
            if g >= n {
                return (0.0, WAYPOINT_H);
            }
            let h = if grouping.groups[g].kind == GroupKind::Task {
                TASK_H
            } else {
                STACK_H
            };
            (width_of(&node_label(grouping, g)), h)
        })
        .collect();
    let mut columns: Vec<Vec<usize>> = vec![Vec::new(); ranks];
    for g in 0..slots {
        columns[slot_rank[g]].push(g);
    }
    // Column by column: order by the mean position of the predecessors, then stack.
    let mut pos = vec![0.0f64; slots]; // the centre y, before centring columns
    let mut order_key = vec![0.0f64; slots];
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
    let mut boxes = vec![
        NodeBox {
            x: 0.0,
            y: 0.0,
            width: 0.0,
            height: 0.0
        };
        slots
    ];
    // Each column's left and right edge, for the waypoints to run across.
    let mut spans = vec![(0.0f64, 0.0f64); ranks];
    let mut x = MARGIN;
    for (r, col) in columns.iter().enumerate() {
        let w = col.iter().map(|&g| size[g].0).fold(0.0, f64::max);
        let shift = MARGIN + (tallest - heights[r]) / 2.0;
        for &g in col {
            boxes[g] = NodeBox {
                x: x + w / 2.0,
                y: pos[g] + shift,
                width: size[g].0,
                height: size[g].1,
            };
        }
        spans[r] = (x, x + w);
        x += w + RANK_GAP;
    }
    let edges = grouping
        .edges
        .iter()
        .zip(&routes)
        .map(|(e, route)| {
            let (a, b) = (boxes[e.from], boxes[e.to]);
            let mut pts = vec![[a.x + a.width / 2.0, a.y]];
            for &w in route {
                let (left, right) = spans[slot_rank[w]];
                pts.push([left, boxes[w].y]);
                pts.push([right, boxes[w].y]);
            }
            pts.push([b.x - b.width / 2.0, b.y]);
            pts
        })
        .collect();
    boxes.truncate(n);
    let nodes = boxes;
    GroupLayout {
        nodes,
        edges,
        width: x - RANK_GAP + MARGIN,
        height: tallest + 2.0 * MARGIN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::grouping::{group, GroupOptions};
    use crate::lang::parse_dag;

    #[test]
    fn an_edge_that_skips_a_column_passes_beside_its_box() {
        let g = parse_dag("a : cpu 1ms\nb : cpu 1ms after a\nc : cpu 1ms after a, b\n")
            .graph
            .unwrap();
        let grouping = group(
            &g,
            &GroupOptions {
                budget: 160,
                expanded: vec![],
            },
        );
        let l = layout(&grouping);
        let id = |name: &str| {
            grouping
                .groups
                .iter()
                .position(|x| x.label == name)
                .unwrap_or_else(|| panic!("no group {name}: {:?}", grouping.groups))
        };
        let (a, b, c) = (id("a"), id("b"), id("c"));
        let k = grouping
            .edges
            .iter()
            .position(|e| e.from == a && e.to == c)
            .unwrap();
        let pts = &l.edges[k];
        assert_eq!(pts.len(), 4, "a → c crosses b's column once: {pts:?}");
        let nb = l.nodes[b];
        assert_eq!(pts[1][0], nb.x - nb.width / 2.0);
        assert_eq!(pts[2][0], nb.x + nb.width / 2.0);
        assert!(
            (pts[1][1] - nb.y).abs() >= nb.height / 2.0,
            "beside b, not through it"
        );
        let direct = grouping
            .edges
            .iter()
            .position(|e| e.from == a && e.to == b)
            .unwrap();
        assert_eq!(l.edges[direct].len(), 2);
        let _ = c;
    }
}
