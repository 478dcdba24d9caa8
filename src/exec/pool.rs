//! A run on a pool of threads that share memory, driven by a coordinator thread: the
//! coordinator loop and the worker loop, independent of how the threads are made and of
//! the clock (the browser's threads mode runs them on wasm threads with the `performance`
//! clock). The native executor does without a coordinator (see [`super::board`]); both
//! share this module's [`Job`], [`Done`], [`Event`] and [`Stop`], and the same steps to
//! turn a dispatch into a job and to report a finished attempt.
//!
//! Protocol: each worker owns a job channel and runs [`worker_loop`] until it receives
//! `None` or the coordinator hangs up; [`coordinate`] sends each dispatched task down the
//! channel of the worker the scheduler chose, so the lane a task is recorded in is the
//! thread that really ran it, and blocks on the shared completion channel in between.
//! Only the coordinator touches the driver. Blocking is why, in the browser, the
//! coordinator must never be the page's main thread.

use super::{Dispatch, RunDriver};
use crate::graph::{Micros, Work};
use crate::sched::Outcome;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
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

/// The body of one pool thread: receives jobs, runs each with `body(work, run_us)` (which
/// returns the value it computed, if any, or `Err` with a panic's message), measures it with
/// `now_ms`, and hands the result to `report` (which returns `false` once nobody listens).
/// Returns when told to stop (`None`), when the job channel closes, or when `report` fails.
pub fn worker_loop(
    worker: usize,
    jobs: Receiver<Option<Job>>,
    report: impl Fn(Done) -> bool,
    now_ms: impl Fn() -> f64,
    body: impl Fn(&Work, Micros) -> Result<Option<i64>, String>,
) {
    while let Ok(Some(Job { task, work, run_us })) = jobs.recv() {
        let start_abs_ms = now_ms();
        let value = body(&work, run_us);
        let end_abs_ms = now_ms();
        if !report(Done {
            task,
            worker,
            start_abs_ms,
            end_abs_ms,
            value,
        }) {
            return;
        }
    }
}

/// What one wait of the coordinator for a completion gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Wait {
    Got(Done),
    /// Nothing finished within the wait's time limit.
    TimedOut,
    /// Every worker has hung up.
    Closed,
}

/// A wait for `rx` of at most the limit it is given, for platforms where std can time a wait.
pub fn timed_wait(rx: &Receiver<Done>) -> impl FnMut(Duration) -> Wait + '_ {
    move |limit| {
        // Spin briefly first: with tiny tasks the next completion is microseconds away, and
        // parking and being woken costs more than that.
        for _ in 0..SPIN_BEFORE_PARK {
            match rx.try_recv() {
                Ok(d) => return Wait::Got(d),
                Err(std::sync::mpsc::TryRecvError::Disconnected) => return Wait::Closed,
                Err(std::sync::mpsc::TryRecvError::Empty) => std::hint::spin_loop(),
            }
        }
        match rx.recv_timeout(limit) {
            Ok(d) => Wait::Got(d),
            Err(RecvTimeoutError::Timeout) => Wait::TimedOut,
            Err(RecvTimeoutError::Disconnected) => Wait::Closed,
        }
    }
}

/// How many times [`timed_wait`] polls before it parks (a few microseconds).
pub const SPIN_BEFORE_PARK: usize = 2_000;

/// Why a coordinated run ended early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// `should_stop` said so; tasks still running were abandoned.
    Cancelled,
    /// Something broke: a worker vanished or the scheduler refused a report.
    Failed(String),
}

/// Drives `driver` to the end on the workers behind `job_txs`: dispatches every attempt
/// the scheduler releases now, then calls `wait(limit)` for a completion, where `limit` is
/// [`POLL`] or less when a backoff or a rate refill is due sooner; reports every event to
/// `observe`, and calls `tick` after each wait (completion or time-out). If `tick` returns
/// `true` the run stops with [`Stop::Cancelled`]. Always tells every worker to stop before
/// returning, so the pool is free for the next run.
pub fn coordinate(
    driver: &mut RunDriver,
    job_txs: &[Sender<Option<Job>>],
    mut wait: impl FnMut(Duration) -> Wait,
    now_ms: impl Fn() -> f64,
    mut observe: impl FnMut(Event),
    mut tick: impl FnMut() -> bool,
) -> Result<(), Stop> {
    let outcome = (|| loop {
        let now = now_ms();
        while let Some(Dispatch { task, worker, work }) = driver.next_at(now) {
            observe(Event::Started {
                task,
                worker,
                at_abs_ms: now,
            });
            let job = job_for(driver, task, work);
            job_txs
                .get(worker)
                .ok_or_else(|| no_such_worker(worker))?
                .send(Some(job))
                .map_err(|_| {
                    Stop::Failed(format!("worker {worker} stopped before the run finished"))
                })?;
        }
        if driver.is_done() {
            return Ok(());
        }
        match wait(wait_limit(driver, now_ms())) {
            Wait::Got(d) => {
                let outcome = report(driver, &d).map_err(Stop::Failed)?;
                observe(Event::Finished(d, outcome));
            }
            Wait::TimedOut => {}
            Wait::Closed => {
                return Err(Stop::Failed(
                    "every worker stopped before the run finished".into(),
                ))
            }
        }
        if tick() {
            return Err(Stop::Cancelled);
        }
    })();
    for tx in job_txs {
        let _ = tx.send(None);
    }
    outcome
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parse_dag;
    use std::sync::mpsc::channel;
    use std::time::Instant;

    /// Runs `text` on `n` OS threads with this module's loops; returns the driver and events.
    fn run(
        text: &str,
        n: usize,
        stop_after: Option<usize>,
    ) -> (RunDriver, Vec<Event>, Result<(), Stop>) {
        let t0 = Instant::now();
        let now = move || t0.elapsed().as_secs_f64() * 1000.0;
        let rate = crate::work::calibrate(now);
        let mut driver = RunDriver::new(parse_dag(text).graph.unwrap(), n, now()).unwrap();
        let (done_tx, done_rx) = channel();
        let mut events = Vec::new();
        let outcome = std::thread::scope(|s| {
            let mut txs = Vec::new();
            for w in 0..n {
                let (tx, rx) = channel();
                txs.push(tx);
                let done = done_tx.clone();
                s.spawn(move || {
                    worker_loop(
                        w,
                        rx,
                        |d| done.send(d).is_ok(),
                        now,
                        move |_work, run_us| {
                            std::hint::black_box(crate::work::burn_cpu(run_us, rate));
                            Ok(None)
                        },
                    )
                });
            }
            drop(done_tx);
            let finished = std::cell::Cell::new(0);
            let observe = |e: Event| {
                if matches!(e, Event::Finished(..)) {
                    finished.set(finished.get() + 1);
                }
                events.push(e);
            };
            coordinate(
                &mut driver,
                &txs,
                timed_wait(&done_rx),
                now,
                observe,
                || stop_after.is_some_and(|k| finished.get() >= k),
            )
        });
        (driver, events, outcome)
    }

    #[test]
    fn every_task_runs_once_and_dependencies_come_first() {
        let (driver, events, outcome) = run(
            "a : cpu 2ms\nb : cpu 2ms after a\nc : cpu 2ms after a\nd : cpu 1ms after b, c",
            2,
            None,
        );
        assert_eq!(outcome, Ok(()));
        let r = driver.result("native").unwrap();
        let t = |id: &str| r.tasks.iter().find(|t| t.id == id).unwrap().clone();
        assert!(t("b").start_ms >= t("a").end_ms);
        assert!(t("c").start_ms >= t("a").end_ms);
        assert!(t("d").start_ms >= t("b").end_ms.max(t("c").end_ms));
        assert_eq!(
            events
                .iter()
                .filter(|e| matches!(e, Event::Started { .. }))
                .count(),
            4
        );
        assert_eq!(
            events
                .iter()
                .filter(|e| matches!(e, Event::Finished(..)))
                .count(),
            4
        );
    }

    #[test]
    fn independent_tasks_overlap_on_two_threads() {
        let (driver, _, outcome) = run("a : cpu 30ms\nb : cpu 30ms", 2, None);
        assert_eq!(outcome, Ok(()));
        let r = driver.result("native").unwrap();
        assert_ne!(r.tasks[0].worker, r.tasks[1].worker);
        assert!(
            r.tasks[0].start_ms < r.tasks[1].end_ms && r.tasks[1].start_ms < r.tasks[0].end_ms,
            "{r:?}"
        );
    }

    #[test]
    fn a_stop_request_ends_the_run_early() {
        let text = (0..20)
            .map(|i| format!("t{i} : cpu 5ms\n"))
            .collect::<String>();
        let (driver, _, outcome) = run(&text, 2, Some(2));
        assert_eq!(outcome, Err(Stop::Cancelled));
        assert!(!driver.is_done());
    }
}
