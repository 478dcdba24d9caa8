//! A compact, allocation-light view of a graph's structure for the scheduler: successors
//! in CSR form (one flat array), a topological order and bottom levels, all O(tasks + edges).

use crate::graph::{Graph, Micros};

/// Successor lists in compressed form: the successors of `t` are
/// `succ[start[t]..start[t + 1]]`, in declaration order of the successors.
#[derive(Debug, Clone, Default)]
pub struct Csr {
    pub start: Vec<u32>,
    pub succ: Vec<u32>,
}

impl Csr {
    /// The successors of `graph`'s tasks. Assumes the structural invariants of the model
    /// (dependency indices in range).
    pub fn successors(graph: &Graph) -> Csr {
        let n = graph.tasks.len();
        let mut start = vec![0u32; n + 1];
        for t in &graph.tasks {
            for &d in &t.deps {
                start[d + 1] += 1;
            }
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut succ = vec![0u32; start[n] as usize];
        for (i, t) in graph.tasks.iter().enumerate() {
            for &d in &t.deps {
                succ[fill[d] as usize] = i as u32;
                fill[d] += 1;
            }
        }
        Csr { start, succ }
    }

    /// The successors of task `t`.
    #[inline]
    pub fn of(&self, t: usize) -> &[u32] {
        &self.succ[self.start[t] as usize..self.start[t + 1] as usize]
    }
}

/// A topological order (Kahn, FIFO, so deterministic). `Err` names the tasks on or
/// downstream of a cycle, in index order.
pub fn topo(graph: &Graph, csr: &Csr) -> Result<Vec<u32>, Vec<usize>> {
    let n = graph.tasks.len();
    let mut indeg: Vec<u32> = graph.tasks.iter().map(|t| t.deps.len() as u32).collect();
    let mut order: Vec<u32> = (0..n as u32).filter(|&i| indeg[i as usize] == 0).collect();
    order.reserve(n - order.len());
    let mut head = 0;
    while head < order.len() {
        let i = order[head] as usize;
        head += 1;
        for &s in csr.of(i) {
            indeg[s as usize] -= 1;
            if indeg[s as usize] == 0 {
                order.push(s);
            }
        }
    }
    if order.len() == n {
        Ok(order)
    } else {
        Err((0..n).filter(|&i| indeg[i] > 0).collect())
    }
}

/// Bottom levels: for each task, its own cost plus the longest cost-weighted path from it
/// to a sink. Their maximum is the span T∞.
pub fn bottom_levels(graph: &Graph, csr: &Csr, order: &[u32]) -> Vec<Micros> {
    let mut bl = vec![0; graph.tasks.len()];
    for &i in order.iter().rev() {
        let i = i as usize;
        let tail = csr.of(i).iter().map(|&s| bl[s as usize]).max().unwrap_or(0);
        bl[i] = graph.tasks[i].work.duration_us() + tail;
    }
    bl
}

/// Whether `graph` is schedulable: structurally valid and acyclic. The error says why not.
pub fn validate(graph: &Graph) -> Result<(Csr, Vec<u32>), String> {
    // Only what the scheduler relies on is checked here (O(edges), no hashing): indices in
    // range and no self-loop. Duplicate ids or duplicate dependencies do not break it.
    let n = graph.tasks.len();
    for (i, t) in graph.tasks.iter().enumerate() {
        for &d in &t.deps {
            if d >= n || d == i {
                return Err(format!("task `{}` has an invalid dependency index {d}", t.id));
            }
        }
    }
    if graph.tasks.len() >= u32::MAX as usize {
        return Err("too many tasks".into());
    }
    let csr = Csr::successors(graph);
    let order = topo(graph, &csr).map_err(|stuck| {
        let names: Vec<&str> = stuck.iter().take(10).map(|&i| graph.tasks[i].id.as_str()).collect();
        format!("the graph has a cycle among: {}", names.join(", "))
    })?;
    Ok((csr, order))
}
