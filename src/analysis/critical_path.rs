//! The span T∞ and one critical path: a most expensive chain of dependent tasks.

use crate::graph::{Graph, Micros};

/// The span and a path that achieves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriticalPath {
    /// The cost of the path: the largest sum of task costs along any dependency chain.
    pub span_us: Micros,
    /// Task indices along the path, each a dependency of the next, from a task without
    /// dependencies to a task without dependents; empty for an empty graph.
    pub path: Vec<usize>,
}

/// Computes, over a topological `order` of `graph`, each task's earliest finish (its cost
/// plus the largest finish among its dependencies) and walks back from the task without
/// dependents that finishes last, each step to the dependency that finishes last, until a
/// task without dependencies: the path runs from a source to a sink. Ties are broken
/// deterministically toward the task declared first (the smallest index), both for the last
/// task and for each step back. Linear, no recursion.
pub fn critical_path(graph: &Graph, order: &[usize]) -> CriticalPath {
    let n = graph.tasks.len();
    let mut finish: Vec<Micros> = vec![0; n];
    for &i in order {
        let t = &graph.tasks[i];
        let start = t.deps.iter().map(|&d| finish[d]).max().unwrap_or(0);
        finish[i] = start.saturating_add(t.work.duration_us());
    }
    // The smallest index among those with the largest value.
    let best = |it: &mut dyn Iterator<Item = usize>| -> Option<usize> {
        it.fold(None, |acc: Option<usize>, i| match acc {
            Some(b) if finish[b] > finish[i] || (finish[b] == finish[i] && b < i) => Some(b),
            _ => Some(i),
        })
    };
    let mut is_sink = vec![true; n];
    for t in &graph.tasks {
        for &d in &t.deps {
            is_sink[d] = false;
        }
    }
    let Some(end) = best(&mut (0..n).filter(|&i| is_sink[i])) else {
        return CriticalPath {
            span_us: 0,
            path: Vec::new(),
        };
    };
    let mut path = vec![end];
    let mut cur = end;
    while let Some(prev) = best(&mut graph.tasks[cur].deps.iter().copied()) {
        path.push(prev);
        cur = prev;
    }
    path.reverse();
    CriticalPath {
        span_us: finish[end],
        path,
    }
}
