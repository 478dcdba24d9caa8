//! [`RunDriver`]: couples the scheduler to an executor that measures real times.
//!
//! An executor (wasm threads, a pool of Web Workers, OS threads) loops: take every
//! [`Dispatch`] from [`RunDriver::next`], run it, report it with [`RunDriver::finished`],
//! until [`RunDriver::is_done`]. Times are absolute milliseconds on the executor's single
//! time base; the driver turns them into times from the start of the run.

use crate::graph::{Graph, Micros, Work};
use crate::sched::Scheduler;
use crate::trace::{RunResult, Status, TaskRecord};

/// A task to start now, with what the executor needs to run it.
#[derive(Debug, Clone, PartialEq)]
pub struct Dispatch {
    pub task: usize,
    pub worker: usize,
    pub work: Work,
}

impl Dispatch {
    /// The task's nominal duration.
    pub fn duration_us(&self) -> Micros {
        self.work.duration_us()
    }
}

/// Drives one real run of a graph. See the module doc for the protocol.
#[derive(Debug)]
pub struct RunDriver {
    graph: Graph,
    workers: usize,
    scheduler: Scheduler,
    start_abs_ms: f64,
    records: Vec<Option<TaskRecord>>,
}

impl RunDriver {
    /// Starts a run of `graph` on `workers` workers at absolute time `start_abs_ms`.
    pub fn new(graph: Graph, workers: usize, start_abs_ms: f64) -> Result<RunDriver, String> {
        let scheduler = Scheduler::new(&graph, workers)?;
        let records = vec![None; graph.tasks.len()];
        Ok(RunDriver { graph, workers, scheduler, start_abs_ms, records })
    }

    /// The next task to start, if one is ready and a worker is free.
    pub fn next(&mut self) -> Option<Dispatch> {
        let a = self.scheduler.next()?;
        Some(Dispatch { task: a.task, worker: a.worker, work: self.graph.tasks[a.task].work.clone() })
    }

    /// Records that `task` ran on `worker` from `start_abs_ms` to `end_abs_ms`.
    pub fn finished(&mut self, task: usize, worker: usize, start_abs_ms: f64, end_abs_ms: f64) -> Result<(), String> {
        self.scheduler.finish(task)?;
        self.records[task] = Some(TaskRecord {
            id: self.graph.tasks[task].id.clone(),
            worker,
            start_ms: start_abs_ms - self.start_abs_ms,
            end_ms: end_abs_ms - self.start_abs_ms,
            status: Status::Ok,
        });
        Ok(())
    }

    /// Whether every task has finished.
    pub fn is_done(&self) -> bool {
        self.scheduler.is_done()
    }

    /// The run's result, labelled with the executor's `mode`. Fails if the run is not done.
    pub fn result(&self, mode: &str) -> Result<RunResult, String> {
        let tasks: Vec<TaskRecord> = self
            .records
            .iter()
            .map(|r| r.clone().ok_or_else(|| "the run has not finished".to_string()))
            .collect::<Result<_, _>>()?;
        let makespan_ms = tasks.iter().map(|t| t.end_ms).fold(0.0, f64::max);
        let sequential_ms = self.graph.tasks.iter().map(|t| t.work.duration_us() as f64 / 1000.0).sum();
        Ok(RunResult { mode: mode.to_string(), workers: self.workers, makespan_ms, sequential_ms, tasks })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parse_dag;

    #[test]
    fn records_times_relative_to_start() {
        let g = parse_dag("a : cpu 1\nb : cpu 1 after a").graph.unwrap();
        let mut d = RunDriver::new(g, 2, 1000.0).unwrap();
        let a = d.next().unwrap();
        assert!(d.next().is_none());
        assert!(d.result("x").is_err());
        d.finished(a.task, a.worker, 1000.5, 1002.0).unwrap();
        let b = d.next().unwrap();
        d.finished(b.task, b.worker, 1002.1, 1003.5).unwrap();
        assert!(d.is_done());
        let r = d.result("workers").unwrap();
        assert_eq!(r.makespan_ms, 3.5);
        assert!((r.tasks[1].start_ms - 2.1).abs() < 1e-9);
        assert_eq!(r.tasks[1].worker, b.worker);
        assert_eq!(r.sequential_ms, 2.0);
    }
}
