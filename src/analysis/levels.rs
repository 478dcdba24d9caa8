//! Levels: each task's longest hop distance from a task without dependencies.

use crate::graph::Graph;

/// For each task (by index), 0 if it has no dependencies, else one more than the largest
/// level among its dependencies. `order` must be a topological order of `graph`.
pub fn levels(graph: &Graph, order: &[usize]) -> Vec<u32> {
    let mut level = vec![0u32; graph.tasks.len()];
    for &i in order {
        level[i] = graph.tasks[i]
            .deps
            .iter()
            .map(|&d| level[d] + 1)
            .max()
            .unwrap_or(0);
    }
    level
}
