//! Topological order of a graph's tasks (Kahn's algorithm), in O(tasks + edges).

use super::model::Graph;
use std::collections::VecDeque;

/// A topological order of `graph`'s task indices: every task comes after all its dependencies.
/// Among tasks that become available together, the one declared first comes first, so the
/// order is deterministic. On a cyclic graph, returns `Err` with the indices of the tasks
/// that could not be ordered (those on a cycle or downstream of one), in index order.
pub fn topo_order(graph: &Graph) -> Result<Vec<usize>, Vec<usize>> {
    let n = graph.tasks.len();
    let succ = graph.successors();
    let mut indegree: Vec<usize> = graph.tasks.iter().map(|t| t.deps.len()).collect();
    let mut queue: VecDeque<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = queue.pop_front() {
        order.push(i);
        for &s in &succ[i] {
            indegree[s] -= 1;
            if indegree[s] == 0 {
                queue.push_back(s);
            }
        }
    }
    if order.len() == n {
        Ok(order)
    } else {
        Err((0..n).filter(|&i| indegree[i] > 0).collect())
    }
}
