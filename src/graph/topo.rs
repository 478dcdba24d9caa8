//! Topological order of a graph's tasks (Kahn's algorithm), in O(tasks + edges).

use super::model::Graph;

/// A topological order of `graph`'s task indices: every task comes after all its dependencies.
/// Among tasks that become available together, the one declared first comes first, so the
/// order is deterministic. On a cyclic graph, returns `Err` with the indices of the tasks
/// that could not be ordered (those on a cycle or downstream of one), in index order.
///
/// Allocates a fixed number of flat arrays (successors in compressed form), none per task.
pub fn topo_order(graph: &Graph) -> Result<Vec<usize>, Vec<usize>> {
    let n = graph.tasks.len();
    // Successors in compressed form: those of `t` are `succ[start[t]..start[t + 1]]`, in
    // declaration order. Out-of-range indices (a hand-built graph) are left out.
    let mut start = vec![0usize; n + 1];
    let mut indegree: Vec<usize> = Vec::with_capacity(n);
    for t in &graph.tasks {
        let mut k = 0;
        for &d in &t.deps {
            if d < n {
                start[d + 1] += 1;
                k += 1;
            }
        }
        indegree.push(k);
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut succ = vec![0usize; start[n]];
    for (i, t) in graph.tasks.iter().enumerate() {
        for &d in t.deps.iter().filter(|&&d| d < n) {
            succ[fill[d]] = i;
            fill[d] += 1;
        }
    }
    drop(fill);
    // `order` doubles as the FIFO queue: `order[head..]` are the tasks not yet expanded.
    let mut order: Vec<usize> = Vec::with_capacity(n);
    order.extend((0..n).filter(|&i| indegree[i] == 0));
    let mut head = 0;
    while head < order.len() {
        let i = order[head];
        head += 1;
        for &s in &succ[start[i]..start[i + 1]] {
            indegree[s] -= 1;
            if indegree[s] == 0 {
                order.push(s);
            }
        }
    }
    if order.len() == n {
        Ok(order)
    } else {
        Err((0..n).filter(|&i| indegree[i] > 0).collect())
    }
}
