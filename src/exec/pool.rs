//! What every executor on a pool of threads that share memory uses, independent of how the
//! threads are made and of the clock: the [`Job`] a worker runs, the [`Done`] it reports,
//! the [`Event`]s an observer is told, how a run [`Stop`]s early, and the steps that turn a
//! dispatch into a job and report a finished attempt. The dispatch itself is
//! [`super::board`]'s, for the native executor and the browser's threads mode alike: the
//! workers hand out the next attempts themselves, with no coordinator thread between one
//! attempt's end and the next one's start.

use super::RunDriver;
use crate::graph::{Micros, Work};
use crate::sched::Outcome;
use std::time::Duration;

/// An attempt sent to a worker: the task, its work, and how long to run it: the work's
/// duration, cut at the task's timeout (the worker stops `cpu` and `io` attempts there; a
/// kernel runs to its end and is judged afterwards).
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub task: usize,
    pub work: Work,
    pub run_us: Micros,
}

/// A finished attempt: task index, worker, its start and end on the run's clock (absolute
/// ms), and the value it computed (kernels; `None` for `cpu` and `io` work), or `Err` when
/// its code panicked (the attempt failed).
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    pub task: usize,
    pub worker: usize,
    pub start_abs_ms: f64,
    pub end_abs_ms: f64,
    pub value: Result<Option<i64>, String>,
}

/// What the coordinator tells its observer while a run goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The task was handed to `worker` at `at_abs_ms`.
    Started {
        task: usize,
        worker: usize,
        at_abs_ms: f64,
    },
    /// An attempt of the task ended, with the outcome the scheduler judged.
    Finished(Done, Outcome),
}

/// A good interval for the coordinator to wake while waiting, to ask whether to stop.
pub const POLL: Duration = Duration::from_millis(16);

/// Why a run on a pool ended early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// `should_stop` said so; tasks still running were abandoned.
    Cancelled,
    /// Something broke: a worker vanished or the scheduler refused a report.
    Failed(String),
}

/// The job for an attempt of `task` the driver just dispatched: its `work`, run for its
/// duration cut at its timeout.
pub(crate) fn job_for(driver: &RunDriver, task: usize, work: Work) -> Job {
    let plan = driver.plan(task);
    // A `cpu` or `io` dispatch carries this run's length (a drawn duration, or one phase
    // of a `uses a then b` attempt).
    let length = match &work {
        Work::Cpu { duration_us } | Work::Io { duration_us } => *duration_us,
        Work::Kernel(_) => plan.duration_us,
    };
    let run_us = plan.timeout_us.map_or(length, |t| length.min(t));
    Job { task, work, run_us }
}

/// Reports a finished attempt to `driver` (recording a kernel's value) and returns the
/// outcome it judged; an attempt whose code panicked fails, whatever its plan said.
pub(crate) fn report(driver: &mut RunDriver, d: &Done) -> Result<Outcome, String> {
    match d.value {
        Err(_) => driver
            .finished_with(
                d.task,
                d.worker,
                d.start_abs_ms,
                d.end_abs_ms,
                Outcome::Failed,
            )
            .map(|()| Outcome::Failed),
        Ok(v) => {
            if let Some(v) = v {
                driver.set_value(d.task, v);
            }
            driver.finished(d.task, d.worker, d.start_abs_ms, d.end_abs_ms)
        }
    }
}

/// How long a thread with nothing to run may wait at `now_abs_ms`: until the driver's next
/// wake-up (a backoff ending, a rate refilling), and never longer than [`POLL`].
pub(crate) fn wait_limit(driver: &RunDriver, now_abs_ms: f64) -> Duration {
    driver.next_wakeup_abs_ms().map_or(POLL, |at| {
        Duration::from_secs_f64(((at - now_abs_ms) / 1000.0).max(0.0)).min(POLL)
    })
}

/// The error of a dispatch to a worker the pool does not have.
pub(crate) fn no_such_worker(worker: usize) -> Stop {
    Stop::Failed(format!(
        "the scheduler chose worker {worker}, which does not exist"
    ))
}
