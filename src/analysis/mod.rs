//! How parallel a graph is, before anything runs: work, span, critical path, levels and
//! the bounds on any schedule's makespan. Everything is linear in tasks + edges, with no
//! recursion (passes run over a topological order).

mod bounds;
mod critical_path;
pub mod group_layout;
pub mod grouping;
mod levels;

pub use bounds::{bounds, Bound};
pub use critical_path::{critical_path, CriticalPath};
pub use levels::levels;

use crate::graph::kernel::{calibration, KernelCalibration};
use crate::graph::{topo_order, Graph, Micros, Work};
use crate::lang::limits::MAX_WORKERS;
use serde::Serialize;

/// The analysis of a graph. Times are given in microseconds (`*_us`, exact) and in
/// milliseconds (`*_ms`, for display).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Analysis {
    /// Number of tasks.
    pub tasks: usize,
    /// Number of dependency edges.
    pub edges: usize,
    /// T1: the sum of every task's cost.
    pub work_us: Micros,
    pub work_ms: f64,
    /// T∞: the cost of the most expensive path (the critical path).
    pub span_us: Micros,
    pub span_ms: f64,
    /// T1 / T∞: the most speedup any number of workers could give (1 when T∞ is 0).
    pub parallelism: f64,
    /// The ids of a critical path, first task first. Ties: see [`critical_path`].
    pub critical_path: Vec<String>,
    /// A topological order (task indices): dependencies first, ties by declaration order.
    pub topo_order: Vec<usize>,
    /// For each task (by index), its level: 0 for a task without dependencies, else one
    /// more than its deepest dependency's.
    pub levels: Vec<u32>,
    /// Number of levels (0 for an empty graph).
    pub depth: u32,
    /// The most tasks on one level.
    pub max_width: u32,
    /// For P = 1..=workers: the lower bound max(T∞, T1/P) and the greedy bound T1/P + T∞.
    pub bounds: Vec<Bound>,
    /// The calibration that priced the graph's kernel tasks (their modelled durations),
    /// when it has any; `source` says whether it was measured here or is the default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kernel_calibration: Option<KernelCalibration>,
    /// Why the graph could not be analysed (it breaks the model's invariants), if so;
    /// then every other field is empty or zero.
    pub error: Option<String>,
}

/// Microseconds as (fractional) milliseconds.
pub(crate) fn ms(us: f64) -> f64 {
    us / 1_000.0
}

/// Analyses `graph` for 1 to `max_workers` workers (clamped to 1..=MAX_WORKERS). Linear in
/// tasks + edges (plus `max_workers`). Never panics: on a graph that breaks the model's
/// invariants (a dependency out of range, a cycle) it returns an `Analysis` with `error` set.
pub fn analyze(graph: &Graph, max_workers: u32) -> Analysis {
    let n = graph.tasks.len();
    let mut a = Analysis {
        tasks: n,
        edges: graph.edge_count(),
        ..Analysis::default()
    };
    if let Some((t, d)) = graph
        .tasks
        .iter()
        .find_map(|t| t.deps.iter().find(|&&d| d >= n).map(|&d| (t, d)))
    {
        a.error = Some(format!(
            "task `{}` depends on index {d}, out of range",
            t.id
        ));
        return a;
    }
    let order = match topo_order(graph) {
        Ok(o) => o,
        Err(stuck) => {
            a.error = Some(format!(
                "the graph has a cycle ({} tasks cannot be ordered)",
                stuck.len()
            ));
            return a;
        }
    };
    let work: u128 = graph
        .tasks
        .iter()
        .map(|t| t.work.duration_us() as u128)
        .sum();
    let work_us = Micros::try_from(work).unwrap_or(Micros::MAX);
    let cp = critical_path(graph, &order);
    let lv = levels(graph, &order);
    let mut widths: Vec<u32> = Vec::new();
    for &l in &lv {
        let l = l as usize;
        if widths.len() <= l {
            widths.resize(l + 1, 0);
        }
        widths[l] += 1;
    }
    a.work_us = work_us;
    a.work_ms = ms(work_us as f64);
    a.span_us = cp.span_us;
    a.span_ms = ms(cp.span_us as f64);
    a.parallelism = if cp.span_us == 0 {
        1.0
    } else {
        work_us as f64 / cp.span_us as f64
    };
    a.critical_path = cp.path.iter().map(|&i| graph.tasks[i].id.clone()).collect();
    a.depth = widths.len() as u32;
    a.max_width = widths.iter().copied().max().unwrap_or(0);
    a.levels = lv;
    a.topo_order = order;
    a.bounds = bounds(work_us, cp.span_us, max_workers.clamp(1, MAX_WORKERS));
    a.kernel_calibration = kernel_calibration(graph);
    a
}

/// The calibration kernel tasks of `graph` are priced with, if it has any.
pub fn kernel_calibration(graph: &Graph) -> Option<KernelCalibration> {
    graph
        .tasks
        .iter()
        .any(|t| matches!(t.work, Work::Kernel(_)))
        .then(calibration)
}
