//! [`RunDriver`]: couples the scheduler to an executor that measures real times.
//!
//! An executor (wasm threads, a pool of Web Workers, OS threads) loops: take every
//! [`Dispatch`] from [`RunDriver::next`] (or [`RunDriver::next_at`] with the current
//! time), run it, report it with [`RunDriver::finished`], until [`RunDriver::is_done`].
//! When nothing is running, nothing is dispatched and the run is not done, a retry is
//! backing off or a rate is refilling: call `next_at` again at
//! [`RunDriver::next_wakeup_abs_ms`]. Times are absolute milliseconds on the executor's
//! single time base; the driver turns them into µs since the start of the run for the
//! scheduler — the same [`Scheduler`] the simulator uses, so a real run makes the same
//! decisions as its simulation, up to measured noise.

use crate::graph::kernel::{Kernel, KernelWork};
use crate::graph::{Graph, Micros, Work};
use crate::metrics::{cpu_share, kernel_share, WorkerMetrics};
use crate::sched::{AttemptPlan, Outcome, PoolEventKind, SchedConfig, Scheduler};
use crate::sim::SimOptions;
use crate::trace::{run_result_with, CounterReport, RunResult, Status};

/// A task to start now, with what the executor needs to run it.
#[derive(Debug, Clone, PartialEq)]
pub struct Dispatch {
    /// Index into `Graph::tasks`.
    pub task: usize,
    /// 0-based worker to run it on.
    pub worker: usize,
    /// What to run; a `cpu` or `io` task's duration is this attempt's (drawn) one.
    pub work: Work,
}

impl Dispatch {
    /// The attempt's duration (drawn, for a variable duration).
    pub fn duration_us(&self) -> Micros {
        self.work.duration_us()
    }
}

/// Tasks no longer than this are pipelined (see [`RunDriver::new`]): about four message
/// round trips between threads or workers, so waiting for one costs as much as the task.
pub const PIPELINE_MAX_TASK_US: Micros = 100;

/// How many attempts a worker holds at once when a run is pipelined: one running, the rest
/// queued behind it. For 10,000 empty tasks on 2 workers (`npm run bench`), per task:
/// workers mode 30 (depth 1) → 22 (2) → 16 µs (4), threads 12 → 7.5 → 4.5 µs. Once workers
/// mode sent a worker each round's attempts as one message, depth 8 beat 4 again (12.1 →
/// 8.2 µs, threads 5.6 → 5.3) and 16 gained nothing more; a worker then holds at most
/// 8 × 100 µs of work, which is what a task can wait behind another on a busy worker.
pub const PIPELINE_DEPTH: usize = 8;

/// Drives one real run of a graph. See the module doc for the protocol.
#[derive(Debug)]
pub struct RunDriver {
    graph: Graph,
    /// The real workers (lanes). The scheduler has `lanes × depth` slots; slot `v` runs on
    /// lane `v % lanes`.
    lanes: usize,
    scheduler: Scheduler,
    start_abs_ms: f64,
    /// The latest time seen (µs since start): what [`RunDriver::next`] uses as "now".
    latest_us: Micros,
    /// Values the executor computed (kernels), by task; others use the documented default.
    values: Vec<Option<i64>>,
    /// Pool events already handed out by [`RunDriver::take_pool_changes`].
    pool_seen: usize,
    /// What the executor starts at a scale-up, when it measures start-ups
    /// ([`RunDriver::measure_starts`]).
    start_source: Option<&'static str>,
    /// Whether an attempt has been handed out (the clock can no longer restart).
    handed_out: bool,
    /// Per task, when (µs) and to which lane its latest attempt was handed out
    /// (`u32::MAX`: never): a measured start before it is clock skew
    /// ([`RunDriver::finished_with`]).
    sent: Vec<(Micros, u32)>,
    /// Per lane, the recorded end of the latest attempt it reported: a lane runs one attempt
    /// at a time, so its next attempt starts no earlier on the recorded clock
    /// ([`RunDriver::finished_with`]).
    lane_end: Vec<Micros>,
}

/// A change of an autoscaling pool an executor acts on: at a `Start` it starts (or wakes)
/// the lane's real worker and reports it ready with [`RunDriver::worker_ready`]; at a `Stop`
/// it may stop it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoolChange {
    /// The lane (real worker).
    pub lane: usize,
    /// Asked for, ready or stopped.
    pub kind: PoolEventKind,
    /// When the scheduler decided it, absolute ms.
    pub at_abs_ms: f64,
}

impl RunDriver {
    /// Starts a run of `graph` on `workers` workers at absolute time `start_abs_ms`, with
    /// the policy, seed and error handling the graph declares.
    ///
    /// A graph of tiny tasks only (none longer than [`PIPELINE_MAX_TASK_US`]) with no
    /// timeouts, retries, limits, rates or group caps is pipelined: each worker is handed up to
    /// [`PIPELINE_DEPTH`] attempts at once, one running and the rest queued behind it in
    /// order, so it never waits a message round trip for its next task. (With lowest-free
    /// slot first, a task can queue behind another on a busy worker while a different
    /// worker idles; for tasks this short that costs less than the round trips saved.) Dependencies hold
    /// as ever (a task is handed out only when its dependencies have ended) and times are
    /// measured, but which worker gets a task may differ from the unpipelined schedule.
    pub fn new(graph: Graph, workers: usize, start_abs_ms: f64) -> Result<RunDriver, String> {
        RunDriver::with_options(graph, workers, &SimOptions::default(), start_abs_ms)
    }

    /// Like [`RunDriver::new`], with the run's `policy`, `seed` and `on_error` taken from
    /// `overrides` where given (its `workers` is ignored: `workers` is), exactly as a
    /// simulation with the same options would take them.
    pub fn with_options(
        graph: Graph,
        workers: usize,
        overrides: &SimOptions,
        start_abs_ms: f64,
    ) -> Result<RunDriver, String> {
        // Under work stealing each worker has its own deque: no pipelining, so that the
        // scheduler's workers are the real ones and every steal is a real worker's.
        let depth = if runs_pipelined(&graph, overrides.policy) {
            PIPELINE_DEPTH
        } else {
            1
        };
        let cfg = SchedConfig::for_graph(
            &graph,
            Some(workers.saturating_mul(depth)),
            overrides.policy,
            overrides.seed,
            overrides.on_error,
        );
        let mut d = RunDriver::with_config(graph, cfg, start_abs_ms)?;
        d.lanes = workers.max(1);
        Ok(d)
    }

    /// How many attempts each worker may hold at once in this run (1: not pipelined).
    pub fn depth(&self) -> usize {
        (self.scheduler.config().workers / self.lanes).max(1)
    }

    /// Starts a run of `graph` with explicit scheduler settings (see
    /// [`SchedConfig::for_graph`] to combine the graph's declarations with overrides).
    pub fn with_config(
        graph: Graph,
        cfg: SchedConfig,
        start_abs_ms: f64,
    ) -> Result<RunDriver, String> {
        let scheduler = Scheduler::new(&graph, cfg)?;
        let values = vec![None; graph.tasks.len()];
        let lanes = cfg.workers.max(1);
        Ok(RunDriver {
            graph,
            lanes,
            scheduler,
            start_abs_ms,
            latest_us: 0,
            values,
            pool_seen: 0,
            start_source: None,
            handed_out: false,
            sent: Vec::new(),
            lane_end: Vec::new(),
        })
    }

    /// Starts the run's clock again at `start_abs_ms`, once the graph is parsed and the
    /// scheduler built: what a run needs before its first task is start-up, not makespan.
    /// Returns `false` (and changes nothing) once an attempt has been handed out or any
    /// time seen, when moving the origin would shift times already recorded.
    pub fn restart_clock(&mut self, start_abs_ms: f64) -> bool {
        if self.latest_us != 0 || self.handed_out || !start_abs_ms.is_finite() {
            return false;
        }
        self.start_abs_ms = start_abs_ms;
        true
    }

    /// The run's clock origin, absolute ms.
    pub fn start_abs_ms(&self) -> f64 {
        self.start_abs_ms
    }

    fn to_us(&self, abs_ms: f64) -> Micros {
        let us = ((abs_ms - self.start_abs_ms) * 1000.0).round();
        if us.is_finite() && us > 0.0 {
            us as Micros
        } else {
            0
        }
    }

    /// The next task to start, if one is startable and a worker is free, at the latest time
    /// the driver has seen (the last reported end, or the start of the run).
    #[allow(clippy::should_implement_trait)] // the executors' API predates this lint
    pub fn next(&mut self) -> Option<Dispatch> {
        let now = self.latest_us;
        self.dispatch(now)
    }

    /// The next task to start at absolute time `now_abs_ms`.
    pub fn next_at(&mut self, now_abs_ms: f64) -> Option<Dispatch> {
        let now = self.to_us(now_abs_ms).max(self.latest_us);
        self.latest_us = now;
        self.dispatch(now)
    }

    fn dispatch(&mut self, now: Micros) -> Option<Dispatch> {
        let s = self.scheduler.next(now)?;
        self.handed_out = true;
        if self.sent.is_empty() {
            self.sent = vec![(0, u32::MAX); self.graph.tasks.len()];
        }
        self.sent[s.task] = (now, (s.worker % self.lanes) as u32);
        // A variable duration runs what this attempt drew (the plan), not the mean.
        let work = match &self.graph.tasks[s.task].work {
            Work::Cpu { .. } => Work::Cpu {
                duration_us: s.plan.duration_us,
            },
            Work::Io { .. } => Work::Io {
                duration_us: s.plan.duration_us,
            },
            k => k.clone(),
        };
        Some(Dispatch {
            task: s.task,
            worker: s.worker % self.lanes,
            work,
        })
    }

    /// `workers MIN..MAX`: this executor starts (or wakes) a real worker at each scale-up
    /// and reports when it is ready ([`RunDriver::worker_ready`]); `source` says what it
    /// starts (`"fresh Web Worker"`, `"woken thread"`, `"fresh OS thread"`) and goes into
    /// the result's `pool.start_source`. The scheduler still decides when to scale; only
    /// the length of a start-up is measured instead of modelled. Call before the first
    /// dispatch. No effect on a fixed pool.
    pub fn measure_starts(&mut self, source: &'static str) {
        if self.scheduler.config().autoscale.is_some() {
            self.scheduler.measure_worker_starts();
            self.start_source = Some(source);
        }
    }

    /// The lanes on from the start (`0..initial_lanes()`): all of them, or an autoscaling
    /// pool's MIN.
    pub fn initial_lanes(&self) -> usize {
        self.scheduler
            .config()
            .autoscale
            .map_or(self.lanes, |a| a.min.min(self.lanes))
    }

    /// The pool's starts, readies and stops since the last call, in order (empty for a
    /// fixed pool). An executor that measures start-ups starts a worker at each `Start`.
    pub fn take_pool_changes(&mut self) -> Vec<PoolChange> {
        let events = self.scheduler.pool_events();
        let new = events.get(self.pool_seen..).unwrap_or(&[]);
        let start = self.start_abs_ms;
        let out = new
            .iter()
            .map(|e| PoolChange {
                lane: e.worker as usize,
                kind: e.kind,
                at_abs_ms: start + e.at_us as f64 / 1000.0,
            })
            .collect();
        self.pool_seen = events.len();
        out
    }

    /// The real worker of `lane`, asked for at a scale-up, is ready at `ready_abs_ms`
    /// (measured on the run's time base): it takes work from then on (call
    /// [`RunDriver::next_at`]). Returns false if the lane was not starting.
    pub fn worker_ready(&mut self, lane: usize, ready_abs_ms: f64) -> bool {
        let at = self.to_us(ready_abs_ms).max(self.latest_us);
        self.latest_us = at;
        self.scheduler.worker_ready(lane, at)
    }

    /// The graph being run (task `i` of every call is `graph().tasks[i]`).
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// The work of `task`, if it exists.
    pub fn work(&self, task: usize) -> Option<&Work> {
        self.graph.tasks.get(task).map(|t| &t.work)
    }

    /// The plan of `task`'s current (latest started) attempt: whether it is meant to fail
    /// and its timeout. An executor that injects failures reads `fails` here.
    pub fn plan(&self, task: usize) -> AttemptPlan {
        self.scheduler
            .plan(task, self.scheduler.attempt(task).max(1))
    }

    /// The plan of the attempt of `task` running on (lane) `worker`: a hedged task's two
    /// copies draw their own durations and failures.
    pub fn plan_on(&self, task: usize, worker: usize) -> AttemptPlan {
        if self.depth() > 1 {
            return self.plan(task);
        }
        self.scheduler
            .plan(task, self.scheduler.attempt_on(task, worker).max(1))
    }

    /// Records that `task` ran on `worker` from `start_abs_ms` to `end_abs_ms`. Its outcome
    /// is judged from its plan: `timeout` if it ran longer than its timeout, else `failed`
    /// if the seeded draw says this attempt fails, else `ok` — the same outcome a
    /// simulation gives that attempt. Returns that outcome.
    pub fn finished(
        &mut self,
        task: usize,
        worker: usize,
        start_abs_ms: f64,
        end_abs_ms: f64,
    ) -> Result<Outcome, String> {
        if task >= self.graph.tasks.len() {
            return Err(format!("task {task} does not exist"));
        }
        let elapsed = self
            .to_us(end_abs_ms)
            .saturating_sub(self.to_us(start_abs_ms));
        let outcome = self.plan_on(task, worker).judge(elapsed);
        self.finished_with(task, worker, start_abs_ms, end_abs_ms, outcome)?;
        Ok(outcome)
    }

    /// Like [`RunDriver::finished`] with an outcome the executor observed itself.
    /// Fails if `task` is running on another worker than `worker`.
    ///
    /// Causality holds on the recorded clock: an attempt never starts before it was handed
    /// out. A start measured earlier than that is skew between the worker's clock and the
    /// driver's (Web Workers' `timeOrigin + now()` agree only to about 0.1 ms where the page
    /// is not cross-origin isolated), and the attempt is moved later by the skew, its
    /// measured duration kept. So an attempt handed out when another ended starts no earlier
    /// than that end, and a group's cap holds on the measured times as it did in the
    /// scheduler. Likewise an attempt never starts before the end recorded for the attempt
    /// its lane reported last (lanes report in the order they ran): when that one was moved,
    /// the next one, run right after it, is moved as far, and a lane's bars never overlap.
    pub fn finished_with(
        &mut self,
        task: usize,
        worker: usize,
        start_abs_ms: f64,
        end_abs_ms: f64,
        outcome: Outcome,
    ) -> Result<(), String> {
        if let Some(w) = self.scheduler.worker_of(task) {
            if w % self.lanes != worker && !self.scheduler.runs_on(task, worker) {
                return Err(format!(
                    "task {task} runs on worker {}, not {worker}",
                    w % self.lanes
                ));
            }
        }
        let (mut start, mut end) = (self.to_us(start_abs_ms), self.to_us(end_abs_ms));
        let mut floor = self.lane_end.get(worker).copied().unwrap_or(0);
        if let Some(&(sent, lane)) = self.sent.get(task) {
            if lane as usize == worker {
                floor = floor.max(sent);
            }
        }
        if start < floor {
            end = end.saturating_add(floor - start);
            start = floor;
        }
        if self.lane_end.len() <= worker {
            self.lane_end.resize(worker + 1, 0);
        }
        self.lane_end[worker] = self.lane_end[worker].max(end);
        self.latest_us = self.latest_us.max(end);
        // Unpipelined runs (every run with hedges) name the scheduler's own worker.
        let slot = (self.depth() == 1).then_some(worker);
        self.scheduler
            .finish_on(task, slot, outcome, Some(start.min(end)), end)
    }

    /// The (task, worker) of attempts that lost their hedge since the last call: an executor
    /// that can stop an attempt stops these (their later reports are accepted and ignored).
    pub fn take_lost(&mut self) -> Vec<(usize, usize)> {
        self.scheduler.take_lost()
    }

    /// When to call [`RunDriver::next_at`] again if no task ends before (a backoff ends, a
    /// rate refills), in absolute ms.
    pub fn next_wakeup_abs_ms(&self) -> Option<f64> {
        self.scheduler
            .next_wakeup()
            .map(|us| self.start_abs_ms + us as f64 / 1000.0)
    }

    /// Whether every task has ended (ok, failed, skipped or cancelled).
    pub fn is_done(&self) -> bool {
        self.scheduler.is_done()
    }

    /// The scheduler, for inspection.
    pub fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    /// Records the value `task` computed (a kernel's output): the result shows it instead
    /// of the default own value. Out-of-range tasks are ignored.
    pub fn set_value(&mut self, task: usize, value: i64) {
        if let Some(v) = self.values.get_mut(task) {
            *v = Some(value);
        }
    }

    /// The run's result, labelled with the executor's `mode`, with the values the executor
    /// computed and the workers' share of the time they asked for (`cpu_share`). Fails if
    /// the run is not done.
    pub fn result(&self, mode: &str) -> Result<RunResult, String> {
        let mut r = run_result_with(&self.graph, &self.scheduler, mode, &self.values)?;
        if self.depth() > 1 {
            self.fold_slots_into_lanes(&mut r);
        }
        r.cpu_share = cpu_share(&self.graph, &r.tasks, r.workers);
        r.kernel_share = kernel_share(&self.graph, &r.tasks, r.workers);
        if let (Some(p), Some(source)) = (&mut r.pool, self.start_source) {
            p.start_source = source.into();
        }
        Ok(r)
    }

    /// A pipelined run's result speaks of the real workers: slot `v` was lane `v % lanes`.
    fn fold_slots_into_lanes(&self, r: &mut RunResult) {
        let lanes = self.lanes;
        r.workers = lanes;
        for t in &mut r.tasks {
            t.worker %= lanes;
            for a in &mut t.attempts {
                a.worker %= lanes;
            }
        }
        if let Some(m) = &mut r.metrics {
            let mut merged: Vec<WorkerMetrics> = (0..lanes)
                .map(|worker| WorkerMetrics {
                    worker,
                    busy_ms: 0.0,
                    idle_ms: 0.0,
                    utilization: 0.0,
                    attempts: 0,
                })
                .collect();
            for w in &m.workers {
                let l = &mut merged[w.worker % lanes];
                l.busy_ms += w.busy_ms;
                l.attempts += w.attempts;
            }
            for l in &mut merged {
                l.idle_ms = (m.makespan_ms - l.busy_ms).max(0.0);
                l.utilization = if m.makespan_ms > 0.0 {
                    (l.busy_ms / m.makespan_ms).min(1.0)
                } else {
                    1.0
                };
            }
            m.workers = merged;
            m.lower_bound_ms = m.span_ms.max(m.work_ms / lanes as f64);
            m.efficiency = m.speedup / lanes as f64;
            r.lower_bound_ms = m.lower_bound_ms;
        }
    }

    /// [`RunDriver::result`] plus the counter report, when the graph has `counter` tasks:
    /// `counter_actual` is what the shared counter (or counters) held at the end.
    pub fn result_with_counter(
        &self,
        mode: &str,
        counter_actual: u64,
    ) -> Result<RunResult, String> {
        let mut r = self.result(mode)?;
        let mut any = false;
        let mut expected = 0u64;
        for (task, rec) in self.graph.tasks.iter().zip(&r.tasks) {
            if let Work::Kernel(KernelWork {
                kernel: Kernel::Counter { times, .. },
                ..
            }) = task.work
            {
                any = true;
                // Every attempt that started ran its additions (a kernel is not interrupted).
                let ran = rec
                    .attempts
                    .iter()
                    .filter(|a| !matches!(a.status, Status::Skipped))
                    .count() as u64;
                expected = expected.saturating_add(times.saturating_mul(ran));
            }
        }
        if any {
            r.counter = Some(CounterReport {
                expected,
                actual: counter_actual,
                lost: expected.saturating_sub(counter_actual),
            });
        }
        Ok(r)
    }
}

/// Whether a real run of `graph` under `policy` (else the graph's) is pipelined (see
/// [`RunDriver::with_options`]): each worker then holds several attempts at once, and the
/// executor's dispatch cost overlaps the work instead of adding to it.
pub fn runs_pipelined(graph: &Graph, policy: Option<crate::graph::Policy>) -> bool {
    pipelinable(graph) && policy.or(graph.decls.policy) != Some(crate::graph::Policy::WorkStealing)
}

/// Whether a run of `graph` may be pipelined (see [`RunDriver::new`]): only tiny tasks, and
/// nothing whose meaning depends on when exactly an attempt starts.
fn pipelinable(graph: &Graph) -> bool {
    // An autoscaling pool's lanes are its real workers (each starts for real): no slots.
    !graph.tasks.is_empty()
        && graph.decls.workers_min.is_none()
        && graph.decls.limits.is_empty()
        && graph.decls.rates.is_empty()
        && graph.groups.iter().all(|g| g.workers.is_none())
        && graph.tasks.iter().all(|t| {
            t.work.duration_us() <= PIPELINE_MAX_TASK_US
                && t.options.timeout_us.is_none()
                && t.options.retry == 0
                && t.options.uses.is_empty()
                && t.options.spread.is_none()
                && t.options.hedge_us.is_none()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parse_dag;
    use crate::sim::testkit::GraphBuilder;
    use crate::trace::Status;

    #[test]
    fn records_times_relative_to_start() {
        let g = parse_dag("a : cpu 1\nb : cpu 1 after a").graph.unwrap();
        let mut d = RunDriver::new(g, 2, 1000.0).unwrap();
        let a = d.next().unwrap();
        assert!(d.next().is_none());
        assert!(d.result("x").is_err());
        assert!(d.finished(a.task, a.worker + 1, 1000.5, 1002.0).is_err());
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

    #[test]
    fn restarting_the_clock_moves_the_origin_only_before_the_first_attempt() {
        let g = parse_dag("a : cpu 1\nb : cpu 1 after a").graph.unwrap();
        let mut d = RunDriver::new(g, 2, 1000.0).unwrap();
        assert!(d.restart_clock(1004.0), "nothing handed out yet");
        assert!(!d.restart_clock(f64::NAN), "not a time");
        assert_eq!(d.start_abs_ms(), 1004.0);
        let a = d.next().unwrap();
        assert!(
            !d.restart_clock(1010.0),
            "an attempt is out: times would shift"
        );
        assert_eq!(d.start_abs_ms(), 1004.0);
        d.finished(a.task, a.worker, 1004.5, 1006.0).unwrap();
        let b = d.next().unwrap();
        d.finished(b.task, b.worker, 1006.0, 1007.0).unwrap();
        let r = d.result("workers").unwrap();
        assert_eq!(r.makespan_ms, 3.0, "from the restarted origin");
        assert!((r.tasks[0].start_ms - 0.5).abs() < 1e-9);
    }

    #[test]
    fn a_start_measured_before_its_hand_out_is_skew_and_moves_later_whole() {
        // A group of two on three workers: c is handed out when a ends (at 10 ms on the
        // driver's clock), but its worker's clock runs 0.2 ms behind and says it started at
        // 9.8 ms, when a and b still ran. Recorded, c starts at 10 ms and keeps its 5 ms.
        let text = "group g workers 2 {\n a : cpu 10ms\n b : cpu 20ms\n c : cpu 5ms\n}";
        let g = parse_dag(text).graph.unwrap();
        let mut d = RunDriver::new(g, 3, 0.0).unwrap();
        let first = d.next_at(0.0).unwrap();
        let second = d.next_at(0.0).unwrap();
        assert!(d.next_at(0.0).is_none(), "the cap holds c back");
        let (a, b) = if first.task == 0 {
            (first, second)
        } else {
            (second, first)
        };
        d.finished(a.task, a.worker, 0.0, 10.0).unwrap();
        let c = d.next_at(10.0).unwrap();
        assert_eq!(c.task, 2);
        d.finished(c.task, c.worker, 9.8, 14.8).unwrap();
        d.finished(b.task, b.worker, 0.0, 20.0).unwrap();
        let r = d.result("workers").unwrap();
        let c = &r.tasks[2];
        assert!((c.start_ms - 10.0).abs() < 1e-9, "{}", c.start_ms);
        assert!((c.end_ms - 15.0).abs() < 1e-9, "{}", c.end_ms);
        // A start after the hand-out is the measurement, untouched.
        let g = parse_dag("a : cpu 1ms\nb : cpu 1ms after a").graph.unwrap();
        let mut d = RunDriver::new(g, 2, 0.0).unwrap();
        let a = d.next_at(0.0).unwrap();
        d.finished(a.task, a.worker, 0.3, 1.3).unwrap();
        let b = d.next_at(1.4).unwrap();
        d.finished(b.task, b.worker, 1.5, 2.5).unwrap();
        let r = d.result("workers").unwrap();
        assert!((r.tasks[0].start_ms - 0.3).abs() < 1e-9);
        assert!((r.tasks[1].start_ms - 1.5).abs() < 1e-9);
    }

    #[test]
    fn a_lane_whose_attempt_moved_for_skew_moves_the_next_one_too() {
        // Tiny tasks are pipelined: lane 0 holds a and b at once and runs them back to back.
        // a was handed out at 0.3 ms on the driver's clock but its worker's clock says it ran
        // 0.2..0.25 ms: a moves to 0.3..0.35. b, run right after a (0.25..0.3 measured), must
        // not start before a's recorded end: it moves to 0.35..0.4, its 50 µs kept.
        let g = parse_dag("a : cpu 50us\nb : cpu 50us").graph.unwrap();
        let mut d = RunDriver::new(g, 1, 0.0).unwrap();
        assert!(d.depth() > 1, "pipelined");
        let first = d.next_at(0.3).unwrap();
        let second = d.next_at(0.3).unwrap();
        d.finished(first.task, 0, 0.2, 0.25).unwrap();
        d.finished(second.task, 0, 0.25, 0.3).unwrap();
        let r = d.result("workers").unwrap();
        let (x, y) = (&r.tasks[first.task], &r.tasks[second.task]);
        assert!(
            (x.start_ms - 0.3).abs() < 1e-9 && (x.end_ms - 0.35).abs() < 1e-9,
            "{x:?}"
        );
        assert!(
            y.start_ms >= x.end_ms - 1e-9,
            "{} before {}",
            y.start_ms,
            x.end_ms
        );
        assert!((y.end_ms - y.start_ms - 0.05).abs() < 1e-9, "duration kept");
    }

    #[test]
    fn real_run_agrees_with_simulation_on_failures_and_waits_for_backoff() {
        // First attempt of `a` fails, retry after 10 ms backoff.
        let g = GraphBuilder::new()
            .cpu("a", 1_000)
            .fail_attempts(1)
            .retry(1, Some(10_000))
            .build();
        let mut d = RunDriver::new(g, 1, 0.0).unwrap();
        let x = d.next().unwrap();
        assert!(d.plan(x.task).fails);
        d.finished(x.task, x.worker, 0.0, 1.2).unwrap();
        assert!(d.next().is_none(), "backing off");
        assert_eq!(d.next_wakeup_abs_ms(), Some(11.2));
        assert!(d.next_at(5.0).is_none());
        let y = d.next_at(11.3).unwrap();
        assert!(!d.plan(y.task).fails);
        d.finished(y.task, y.worker, 11.3, 12.4).unwrap();
        let r = d.result("workers").unwrap();
        assert_eq!(r.tasks[0].status, Status::Ok);
        assert_eq!(r.tasks[0].attempts.len(), 2);
        assert_eq!(r.tasks[0].attempts[0].status, Status::Failed);
        assert!((r.makespan_ms - 12.4).abs() < 1e-9);
    }
}
