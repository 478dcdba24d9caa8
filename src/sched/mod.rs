//! The scheduler: decides which ready task starts on which free worker.
//!
//! One scheduler drives every run, real or simulated. It knows nothing of clocks or
//! executors: callers ask [`Scheduler::next`] for work and report completions with
//! [`Scheduler::finish`].
//!
//! Invariants:
//! - a task is handed out only once all its dependencies have been reported finished;
//! - a worker is handed at most one task until that task is reported finished;
//! - every task of an acyclic graph is handed out exactly once, after which `is_done` holds.

use crate::graph::{bottom_levels, topo_order, Graph, Micros};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A decision: start `task` (an index into `Graph::tasks`) on `worker` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    pub task: usize,
    pub worker: usize,
}

/// List scheduler with the critical-path policy: among ready tasks, the one with the
/// longest cost-weighted path to the end goes first (ties: declared first); among free
/// workers, the lowest-numbered.
#[derive(Debug, Clone)]
pub struct Scheduler {
    successors: Vec<Vec<usize>>,
    unfinished_deps: Vec<usize>,
    priority: Vec<Micros>,
    ready: BinaryHeap<(Micros, Reverse<usize>)>,
    free_workers: BinaryHeap<Reverse<usize>>,
    worker_of: Vec<Option<usize>>,
    finished: usize,
}

impl Scheduler {
    /// A scheduler for `graph` on `workers` workers. Fails on a cyclic graph or zero workers.
    pub fn new(graph: &Graph, workers: usize) -> Result<Scheduler, String> {
        if workers == 0 {
            return Err("at least one worker is needed".into());
        }
        let order = topo_order(graph).map_err(|stuck| {
            let names: Vec<&str> = stuck.iter().map(|&i| graph.tasks[i].id.as_str()).collect();
            format!("the graph has a cycle among: {}", names.join(", "))
        })?;
        let priority = bottom_levels(graph, &order);
        let unfinished_deps: Vec<usize> = graph.tasks.iter().map(|t| t.deps.len()).collect();
        let ready = (0..graph.tasks.len())
            .filter(|&i| unfinished_deps[i] == 0)
            .map(|i| (priority[i], Reverse(i)))
            .collect();
        Ok(Scheduler {
            successors: graph.successors(),
            unfinished_deps,
            priority,
            ready,
            free_workers: (0..workers).map(Reverse).collect(),
            worker_of: vec![None; graph.tasks.len()],
            finished: 0,
        })
    }

    /// The next task to start and the worker to run it, if a task is ready and a worker free.
    pub fn next(&mut self) -> Option<Assignment> {
        if self.free_workers.is_empty() {
            return None;
        }
        let (_, Reverse(task)) = self.ready.pop()?;
        let Reverse(worker) = self.free_workers.pop()?;
        self.worker_of[task] = Some(worker);
        Some(Assignment { task, worker })
    }

    /// Reports that `task` has finished: frees its worker and releases its dependents.
    /// Returns an error if the task was not running.
    pub fn finish(&mut self, task: usize) -> Result<(), String> {
        let worker = self
            .worker_of
            .get_mut(task)
            .and_then(Option::take)
            .ok_or_else(|| format!("task {task} finished but was not running"))?;
        self.free_workers.push(Reverse(worker));
        self.finished += 1;
        for &s in &self.successors[task] {
            self.unfinished_deps[s] -= 1;
            if self.unfinished_deps[s] == 0 {
                self.ready.push((self.priority[s], Reverse(s)));
            }
        }
        Ok(())
    }

    /// Whether every task has finished.
    pub fn is_done(&self) -> bool {
        self.finished == self.successors.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parse_dag;

    #[test]
    fn chain_runs_in_order_and_fan_out_uses_all_workers() {
        let g = parse_dag("a : cpu 1\nb : cpu 5 after a\nc : cpu 1 after a\nd : cpu 1 after b, c").graph.unwrap();
        let mut s = Scheduler::new(&g, 2).unwrap();
        assert_eq!(s.next(), Some(Assignment { task: 0, worker: 0 }));
        assert_eq!(s.next(), None, "b and c wait for a");
        s.finish(0).unwrap();
        // b has the longer path to the end, so it goes first.
        assert_eq!(s.next(), Some(Assignment { task: 1, worker: 0 }));
        assert_eq!(s.next(), Some(Assignment { task: 2, worker: 1 }));
        s.finish(2).unwrap();
        assert_eq!(s.next(), None, "d waits for b");
        s.finish(1).unwrap();
        assert_eq!(s.next(), Some(Assignment { task: 3, worker: 0 }));
        assert!(!s.is_done());
        s.finish(3).unwrap();
        assert!(s.is_done());
        assert!(s.finish(3).is_err());
    }
}
