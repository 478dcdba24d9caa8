//! A compact, allocation-light view of a graph's structure for the scheduler: successors
//! in CSR form (one flat array), durations, a topological order and bottom levels, all in
//! O(tasks + edges) with two passes over the (large) `Task` structs.

use crate::graph::{Graph, Micros};

/// Successor lists in compressed form: the successors of `t` are
/// `succ[start[t]..start[t + 1]]`, in declaration order of the successors.
#[derive(Debug, Clone, Default)]
pub struct Csr {
    /// `n + 1` offsets into `succ`.
    pub start: Vec<u32>,
    /// All successor lists, one after the other.
    pub succ: Vec<u32>,
}

impl Csr {
    /// The successors of task `t`.
    #[inline]
    pub fn of(&self, t: usize) -> &[u32] {
        &self.succ[self.start[t] as usize..self.start[t + 1] as usize]
    }
}

/// What the scheduler needs of a graph's structure.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// Successors of each task.
    pub csr: Csr,
    /// Number of dependencies of each task.
    pub deps_len: Vec<u32>,
    /// Nominal duration of each task.
    pub duration: Vec<Micros>,
    /// A topological order: the identity when every dependency points backwards, else
    /// Kahn's (FIFO from the sources in index order). Deterministic either way.
    pub order: Vec<u32>,
    /// Each task's cost plus the longest cost-weighted path from it to a sink; their
    /// maximum is the span T∞.
    pub bottom: Vec<Micros>,
}

/// Checks that `graph` is schedulable and prepares it. Only what the scheduler relies on
/// is checked (no hashing): dependency indices in range, no self-loop, no cycle. Duplicate
/// ids or duplicate dependencies do not break the scheduler. The error says what is wrong.
pub fn prepare(graph: &Graph) -> Result<Prepared, String> {
    prepare_with(graph, |_, _| {})
}

/// [`prepare`], calling `visit(index, task)` once per task, in order, during its first
/// pass over the tasks (so a caller can read task options without another pass).
///
/// When every dependency points to an earlier task (declaration order is topological, the
/// common case), the order is the identity and no Kahn pass is needed.
pub fn prepare_with(
    graph: &Graph,
    mut visit: impl FnMut(usize, &crate::graph::Task),
) -> Result<Prepared, String> {
    let n = graph.tasks.len();
    if n >= u32::MAX as usize {
        return Err("too many tasks".into());
    }
    // Pass 1 over tasks: ranges, counts, durations.
    let mut start = vec![0u32; n + 1];
    let mut deps_len = Vec::with_capacity(n);
    let mut duration = Vec::with_capacity(n);
    let mut forward = true;
    for (i, t) in graph.tasks.iter().enumerate() {
        for &d in &t.deps {
            if d >= n || d == i {
                return Err(format!(
                    "task `{}` has an invalid dependency index {d}",
                    t.id
                ));
            }
            forward &= d < i;
            start[d + 1] += 1;
        }
        deps_len.push(t.deps.len() as u32);
        duration.push(t.work.duration_us());
        visit(i, t);
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    // Pass 2: fill successors.
    let mut fill = start.clone();
    let mut succ = vec![0u32; start[n] as usize];
    for (i, t) in graph.tasks.iter().enumerate() {
        for &d in &t.deps {
            succ[fill[d] as usize] = i as u32;
            fill[d] += 1;
        }
    }
    drop(fill);
    let csr = Csr { start, succ };
    let order = if forward {
        (0..n as u32).collect()
    } else {
        topo(&csr, &deps_len).map_err(|stuck| {
            let names: Vec<&str> = stuck
                .iter()
                .take(10)
                .map(|&i| graph.tasks[i].id.as_str())
                .collect();
            format!("the graph has a cycle among: {}", names.join(", "))
        })?
    };
    let bottom = bottom_levels(&csr, &duration, &order);
    Ok(Prepared {
        csr,
        deps_len,
        duration,
        order,
        bottom,
    })
}

/// A topological order (Kahn, FIFO, so deterministic). `Err` names the tasks on or
/// downstream of a cycle, in index order.
pub fn topo(csr: &Csr, deps_len: &[u32]) -> Result<Vec<u32>, Vec<usize>> {
    let n = deps_len.len();
    let mut indeg = deps_len.to_vec();
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

/// Bottom levels from durations along a topological `order`.
pub fn bottom_levels(csr: &Csr, duration: &[Micros], order: &[u32]) -> Vec<Micros> {
    let mut bl = vec![0; duration.len()];
    for &i in order.iter().rev() {
        let i = i as usize;
        let tail = csr.of(i).iter().map(|&s| bl[s as usize]).max().unwrap_or(0);
        bl[i] = duration[i].saturating_add(tail);
    }
    bl
}
