//! Cost-weighted path lengths used by the scheduler's priorities and by analysis.

use super::model::{Graph, Micros};

/// For each task, the length in microseconds of the longest cost-weighted path that starts
/// with the task and runs to a sink, counting the task's own cost (its "bottom level").
/// `order` must be a topological order of `graph` (see [`super::topo_order`]).
pub fn bottom_levels(graph: &Graph, order: &[usize]) -> Vec<Micros> {
    let succ = graph.successors();
    let mut bl = vec![0; graph.tasks.len()];
    for &i in order.iter().rev() {
        let tail = succ[i].iter().map(|&s| bl[s]).max().unwrap_or(0);
        bl[i] = graph.tasks[i].work.duration_us() + tail;
    }
    bl
}
