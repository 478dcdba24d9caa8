//! Cost-weighted path lengths used by the scheduler's priorities and by analysis.

use super::model::{Graph, Micros};

/// For each task, the length in microseconds of the longest cost-weighted path that starts
/// with the task and runs to a sink, counting the task's own cost (its "bottom level").
/// `order` must be a topological order of `graph` (see [`super::topo_order`]).
///
/// Walks `order` backwards and pushes each finished level to the task's dependencies, so it
/// needs no successor lists: two flat arrays, nothing per task.
pub fn bottom_levels(graph: &Graph, order: &[usize]) -> Vec<Micros> {
    let n = graph.tasks.len();
    let mut bl = vec![0; n];
    // tail[t]: the largest bottom level among t's successors seen so far.
    let mut tail: Vec<Micros> = vec![0; n];
    for &i in order.iter().rev() {
        let task = &graph.tasks[i];
        bl[i] = task.work.duration_us() + tail[i];
        for &d in &task.deps {
            tail[d] = tail[d].max(bl[i]);
        }
    }
    bl
}
