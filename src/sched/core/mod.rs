//! The scheduler state machine. See `src/sched/DESIGN.md` for the states and invariants.

use super::autoscale::{Autoscaler, PoolEvent};
use super::batch::{BatchMark, Families};
use super::breaker::Breakers;
use super::config::SchedConfig;
use super::deadlock::{cycle_in, frozen, DeadlockFound, HoldWait, Phase};
use super::gate::Gate;
use super::hedge::{Copy, Hedges};
use super::index::{prepare_with, Csr};
use super::limits::Resources;
use super::policy::{Key, Ordering, ReadyQueue};

use super::rng::{duration_bits, failure_draw};
use super::steal::{Deques, StealMark};
use super::Status;
use crate::graph::{Graph, Micros, OnError, Policy};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::collections::VecDeque;

#[cfg(test)]
mod tests;

/// How an attempt ended, as reported by whoever ran it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Failed,
    Timeout,
}

/// Where a task stands. Terminal states: `Ok`, `Failed`, `Timeout`, `Skipped`, `Cancelled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    /// Some dependency has not ended yet.
    Waiting,
    /// `waves` only: dependencies done, waiting for the current wave to end.
    Held,
    /// Between a failed attempt and its retry.
    Backoff,
    /// Held by a `limit` or `rate` of a resource it uses.
    Blocked,
    /// Past its limits, waiting for a free worker.
    Ready,
    Running,
    Ok,
    Failed,
    Timeout,
    Skipped,
    Cancelled,
    /// Its last attempt was rejected by an open circuit breaker, and no retry was left.
    Rejected,
}

impl TaskState {
    /// Whether the task will never run again.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            TaskState::Ok
                | TaskState::Failed
                | TaskState::Timeout
                | TaskState::Skipped
                | TaskState::Cancelled
                | TaskState::Rejected
        )
    }

    /// The trace status of a terminal state.
    pub fn status(self) -> Option<Status> {
        Some(match self {
            TaskState::Ok => Status::Ok,
            TaskState::Failed => Status::Failed,
            TaskState::Timeout => Status::Timeout,
            TaskState::Skipped => Status::Skipped,
            TaskState::Cancelled => Status::Cancelled,
            TaskState::Rejected => Status::Rejected,
            _ => return None,
        })
    }
}

/// What an attempt is meant to do. Whether it fails is decided up front, as a pure function
/// of (seed, task, attempt), so every executor (simulated or real) agrees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptPlan {
    /// The task's nominal duration.
    pub duration_us: Micros,
    /// Whether this attempt fails (`fail attempts N` or the seeded `fail p` draw).
    pub fails: bool,
    /// The task's `timeout`.
    pub timeout_us: Option<Micros>,
}

impl AttemptPlan {
    /// What a simulated attempt does: it runs for its duration and ends `Ok` or `Failed`
    /// (a failing attempt fails at its end); if the duration exceeds the timeout it is
    /// stopped at the timeout with `Timeout` instead, whether or not it would have failed.
    pub fn simulate(&self) -> (Micros, Outcome) {
        match self.timeout_us {
            Some(t) if self.duration_us > t => (t, Outcome::Timeout),
            _ if self.fails => (self.duration_us, Outcome::Failed),
            _ => (self.duration_us, Outcome::Ok),
        }
    }

    /// The outcome of a real attempt that ran for `elapsed_us`: `Timeout` if it ran past
    /// its timeout, or if its nominal duration exceeds it (the executors stop such an
    /// attempt at the timeout, and a calibrated burn may end a hair before it on the wall
    /// clock: the same outcome as [`AttemptPlan::simulate`]); else `Failed` if planned to
    /// fail; else `Ok`.
    pub fn judge(&self, elapsed_us: Micros) -> Outcome {
        match self.timeout_us {
            Some(t) if elapsed_us > t || self.duration_us > t => Outcome::Timeout,
            _ if self.fails => Outcome::Failed,
            _ => Outcome::Ok,
        }
    }
}

/// A decision: start attempt `attempt` (1-based) of `task` on `worker`, now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start {
    /// Index into `Graph::tasks`.
    pub task: usize,
    /// 0-based worker index.
    pub worker: usize,
    /// 1-based attempt number.
    pub attempt: u32,
    /// Its duration, whether it is meant to fail, its timeout.
    pub plan: AttemptPlan,
    /// `work-stealing`: the worker it was stolen from (`None`: not stolen).
    pub stolen_from: Option<usize>,
    /// How long after now the attempt starts: the configured dispatch cost, plus a steal's
    /// `steal_cost` (0 for an attempt that needs neither). A simulation delays the attempt by
    /// it; a real run measures its own start instead.
    pub delay_us: Micros,
}

/// One attempt, as it happened. Times in µs since the start of the run. Compact (32 bytes):
/// a run of a million tasks keeps a million of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptRecord {
    /// Index into `Graph::tasks`.
    pub task: u32,
    /// 1-based.
    pub attempt: u32,
    /// 0-based worker index.
    pub worker: u32,
    /// `Ok`, `Failed`, `Timeout` or `Cancelled`.
    pub status: Status,
    /// When it started (as measured, for real runs).
    pub start_us: Micros,
    /// When it ended (for a cancelled attempt: when it was cancelled).
    pub end_us: Micros,
}

/// Where the time between becoming ready and starting went, summed over all attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Waits {
    /// Dependencies done (or backoff over) → wave opened (`waves` only).
    pub wave_us: Micros,
    /// Reached its limits → got past them (blocked by a `limit` or `rate`).
    pub blocked_us: Micros,
    /// Past its limits → started (waiting for a worker).
    pub queued_us: Micros,
}

/// Per-task summary once a task is terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskEnd {
    /// How the task ended: `Ok`, `Failed`, `Timeout`, `Skipped` or `Cancelled`.
    pub status: Status,
    /// When its dependencies were all done (`None` if never).
    pub ready_us: Option<Micros>,
    /// When its first attempt got past its limits (`None` if never).
    pub unblocked_us: Option<Micros>,
    /// When it became terminal.
    pub end_us: Micros,
    /// Rank among tasks in the order they became terminal (ties: the order reported).
    pub seq: u32,
}

const NONE: Micros = Micros::MAX;
const NO_OPTS: u32 = u32::MAX;

/// Options of a task that has any non-default one (most tasks have none).
#[derive(Debug, Clone)]
struct Special {
    retry: u32,
    backoff: Micros,
    timeout: Option<Micros>,
    fail_p: f64,
    fail_attempts: u32,
    /// A variable duration: each attempt draws its own.
    spread: Option<crate::graph::Spread>,
    /// `hedge D`: start a second copy when an attempt has run this long.
    hedge: Option<Micros>,
    /// `uses a then b`: the second resource and the share of work done before it.
    then: Option<(u16, f64)>,
    uses: Vec<u16>,
    /// The gate group of `uses` (`u32::MAX` if none).
    group: u32,
}

/// Per-task state, in one struct so that handling a task touches one place in memory.
#[derive(Debug, Clone, Copy)]
struct Slot {
    start: Micros,
    eligible: Micros,
    gated: Micros,
    admitted: Micros,
    duration: Micros,
    first_ready: Micros,
    first_unblocked: Micros,
    end: Micros,
    /// Attempts started (the latest attempt number).
    attempts: u32,
    /// The attempt number of the attempt the slot runs (differs from `attempts` only while
    /// a hedge copy runs, or after one failed).
    cur: u32,
    worker: u32,
    opts: u32,
    seq: u32,
    state: TaskState,
}

/// The one scheduler: decides which ready task starts on which free worker, under a
/// policy, limits, rates, retries and error handling. It has no clock: every call takes
/// `now`, in µs since the start of the run, from a virtual clock (the simulator) or a real
/// one (executors). Times passed in may go backwards slightly (real clocks, reports out of
/// order); the scheduler's clock is the maximum seen.
///
/// Guarantees (for an acyclic graph): an attempt starts only when all its task's
/// dependencies are terminal (and, except under `on_error continue`, ended `ok`); a worker
/// holds at most one attempt; a resource never has more holders than its limit; every task
/// becomes terminal exactly once, after which [`Scheduler::is_done`] holds; all choices are
/// deterministic functions of the graph, the config and the sequence of calls.
#[derive(Debug, Clone)]
pub struct Scheduler {
    cfg: SchedConfig,
    ordering: Ordering,
    csr: Csr,
    bottom: Vec<Micros>,
    work_us: Micros,
    priority: Vec<i64>,
    specials: Vec<Special>,
    slots: Vec<Slot>,
    /// Dependencies of each task not yet terminal.
    deps_left: Vec<u32>,
    next_seq: u32,
    ready: ReadyQueue,
    gate: Gate,
    resources: Resources,
    free_workers: BinaryHeap<Reverse<u32>>,
    timers: BinaryHeap<Reverse<(Micros, u32)>>,
    held: Vec<u32>,
    wave_remaining: usize,
    waves_opened: u32,
    now: Micros,
    terminal: usize,
    running: usize,
    aborted: bool,
    records: Vec<AttemptRecord>,
    waits: Waits,
    /// `work-stealing` only: the per-worker deques that replace `ready`.
    deques: Option<Deques>,
    /// The worker whose finished attempt is releasing tasks now (`u32::MAX`: none, the
    /// sources are being dealt).
    releaser: u32,
    /// `batch N` families (`None`: nothing is batched, or `work-stealing`).
    families: Option<Families>,
    /// Members of a batch already decided, handed out by the next calls of `next`.
    pending: VecDeque<Start>,
    /// Per worker: members of its current batch not yet ended (0: no batch).
    batch_left: Vec<u32>,
    /// Ready tasks left in a keyed queue after a batch took them (skipped when they surface).
    stale: usize,
    /// `workers MIN..MAX`: the autoscaling pool (`None`: a fixed pool).
    pool: Option<Autoscaler>,
    hedges: Hedges,
    breakers: Breakers,
    hw: HoldWait,
    on_deadlock: crate::graph::OnDeadlock,
    /// Groups with an `on_error`: each task's mode (its innermost group's, else the nearest
    /// enclosing group's, else the run's). Empty: every task takes the run's.
    task_on_error: Vec<OnError>,
}

/// Adds a limit to `resources` for each group with `workers N`, and returns, for each group,
/// the caps its members hold (its own and its ancestors'), sorted. Empty when no group has
/// a cap.
fn group_caps(graph: &Graph, resources: &mut Resources) -> Vec<Vec<u16>> {
    if !graph.groups.iter().any(|g| g.workers.is_some()) {
        return Vec::new();
    }
    let mut own: Vec<Option<u16>> = Vec::with_capacity(graph.groups.len());
    for (g, group) in graph.groups.iter().enumerate() {
        own.push(
            group
                .workers
                .map(|cap| resources.add_group_cap(g, &group.name, cap) as u16),
        );
    }
    (0..graph.groups.len())
        .map(|g| {
            let mut c: Vec<u16> = graph
                .group_path(g)
                .into_iter()
                .filter_map(|h| own[h])
                .collect();
            c.sort_unstable();
            c
        })
        .collect()
}

impl Scheduler {
    /// A scheduler for `graph` under `cfg`. Fails on an invalid or cyclic graph or zero workers.
    pub fn new(graph: &Graph, cfg: SchedConfig) -> Result<Scheduler, String> {
        if cfg.workers == 0 {
            return Err("at least one worker is needed".into());
        }
        let n = graph.tasks.len();
        let mut resources = Resources::from_decls(&graph.decls);
        // Group caps are limits every member (nested groups' too) holds while it runs.
        let caps = group_caps(graph, &mut resources);
        let inner = if caps.is_empty() {
            Vec::new()
        } else {
            graph.innermost_groups()
        };
        let mut specials = Vec::new();
        let mut slots = Vec::with_capacity(n);
        let mut gate = Gate::default();
        let mut priority = Vec::new();
        // One pass over the tasks reads their options while `prepare_with` reads structure.
        let prep = prepare_with(graph, |i, t| {
            let o = &t.options;
            if cfg.policy == Policy::Priority {
                priority.push(o.priority);
            }
            let mut uses: Vec<u16> = o
                .uses
                .iter()
                .filter_map(|u| resources.index(u))
                .map(|i| i as u16)
                .collect();
            if let Some(&g) = inner.get(i) {
                if let Some(c) = caps.get(g as usize) {
                    uses.extend_from_slice(c);
                }
            }
            uses.sort_unstable();
            uses.dedup();
            let p = if o.fail_probability.is_finite() {
                o.fail_probability.clamp(0.0, 1.0)
            } else {
                0.0
            };
            let special = o.retry > 0
                || o.timeout_us.is_some()
                || p > 0.0
                || o.fail_attempts > 0
                || o.spread.is_some()
                || o.hedge_us.is_some()
                || o.then_uses.is_some()
                || !uses.is_empty();
            let opts = if special {
                specials.push(Special {
                    retry: o.retry,
                    backoff: o.backoff_us.unwrap_or(0),
                    timeout: o.timeout_us,
                    fail_p: p,
                    fail_attempts: o.fail_attempts,
                    spread: o.spread,
                    hedge: o.hedge_us,
                    then: o.then_uses.as_ref().and_then(|(b, at)| {
                        resources.index(b).map(|i| (i as u16, at.clamp(0.01, 0.99)))
                    }),
                    group: if uses.is_empty() {
                        u32::MAX
                    } else {
                        gate.group_for(&uses)
                    },
                    uses,
                });
                (specials.len() - 1) as u32
            } else {
                NO_OPTS
            };
            slots.push(Slot {
                state: TaskState::Waiting,
                attempts: 0,
                cur: 0,
                worker: u32::MAX,
                opts,
                start: NONE,
                eligible: NONE,
                gated: NONE,
                admitted: NONE,
                duration: t.work.duration_us(),
                first_ready: NONE,
                first_unblocked: NONE,
                end: NONE,
                seq: u32::MAX,
            });
        })?;
        let (csr, bottom, duration) = (prep.csr, prep.bottom, prep.duration);
        let ordering = Ordering {
            policy: cfg.policy,
            seed: cfg.seed,
        };
        let ready = ReadyQueue::for_policy(&ordering, &bottom, &priority);
        let mut s = Scheduler {
            cfg,
            ordering,
            csr,
            bottom,
            work_us: duration.iter().sum(),
            priority,
            specials,
            slots,
            deps_left: prep.deps_len,
            next_seq: 0,
            ready,
            gate,
            resources,
            free_workers: (0..cfg.autoscale.map_or(cfg.workers, |a| a.min) as u32)
                .map(Reverse)
                .collect(),
            timers: BinaryHeap::new(),
            held: Vec::new(),
            wave_remaining: 0,
            waves_opened: 0,
            now: 0,
            terminal: 0,
            running: 0,
            aborted: false,
            records: Vec::with_capacity(n),
            waits: Waits::default(),
            deques: (cfg.policy == Policy::WorkStealing)
                .then(|| Deques::new(cfg.workers, cfg.seed)),
            releaser: u32::MAX,
            families: if cfg.policy == Policy::WorkStealing {
                None
            } else {
                Families::of(graph)
            },
            pending: VecDeque::new(),
            batch_left: Vec::new(),
            stale: 0,
            pool: cfg.autoscale.map(|a| {
                Autoscaler::new(
                    a.min,
                    cfg.workers,
                    a.scale_up_us,
                    a.scale_down_us,
                    a.worker_start_us,
                )
            }),
            hedges: Hedges::default(),
            breakers: Breakers::default(),
            hw: HoldWait::default(),
            on_deadlock: graph.decls.on_deadlock.unwrap_or_default(),
            task_on_error: if graph.groups.iter().any(|g| g.on_error.is_some()) {
                graph.task_on_error(cfg.on_error)
            } else {
                Vec::new()
            },
        };
        if s.families.is_some() {
            s.batch_left = vec![0; cfg.workers];
        }
        for b in &graph.decls.breakers {
            if let Some(i) = s.resources.index(&b.resource) {
                s.breakers.add(&b.resource, i as u16, b.after, b.open_us);
            }
        }
        // Sources, in index order.
        for t in 0..n {
            if s.deps_left[t] == 0 {
                s.make_eligible(t, 0);
            }
        }
        Ok(s)
    }

    /// The settings this scheduler runs with.
    pub fn config(&self) -> &SchedConfig {
        &self.cfg
    }

    /// Number of tasks.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether the graph has no task.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The next attempt to start at `now`, if a task is startable and a worker free. Call it
    /// until it returns `None` after every change (start of run, `finish`, wakeup time).
    /// Among free workers, the lowest-numbered is used.
    pub fn next(&mut self, now: Micros) -> Option<Start> {
        self.advance(now);
        let now = self.now;
        if self.aborted {
            return None;
        }
        if let Some(s) = self.pending.pop_front() {
            return Some(s);
        }
        while let Some(&Reverse((t, task))) = self.timers.peek() {
            if t > now {
                break;
            }
            self.timers.pop();
            let s = &mut self.slots[task as usize];
            s.eligible = t;
            // A retry goes back on the deque of the worker its failed attempt ran on.
            self.releaser = s.worker;
            self.enter_gate(task as usize, now);
        }
        if self.cfg.policy == Policy::Waves && self.wave_remaining == 0 && !self.held.is_empty() {
            self.open_wave(now);
        }
        if let Some(w) = self.pool.as_mut().and_then(|p| p.take_ready(now)) {
            self.free_workers.push(Reverse(w as u32));
        }
        self.hedges_due(now);
        if let Some(start) = self.second_phase(now) {
            return Some(start);
        }
        let Some(&Reverse(worker)) = self.free_workers.peek() else {
            self.refresh_gate(now);
            return self.end_round(now);
        };
        // A due hedge copy goes before any new task: it is on a run's tail.
        if let Some(start) = self.start_hedge(worker, now) {
            return Some(start);
        }
        let mut stolen_from = None;
        if let Some(d) = self.deques.as_mut() {
            // Work stealing: own deque, else a steal, else a gated task whose resources
            // have room (best key first).
            let task = match d.take(worker as usize) {
                Some((t, victim)) => {
                    stolen_from = victim;
                    t
                }
                None => match self.gate.best_startable(&self.resources, now) {
                    Some(g) => self.take_gated(g, now),
                    None => {
                        self.refresh_gate(now);
                        return self.end_round(now);
                    }
                },
            };
            return Some(self.start_on(task as usize, worker, now, stolen_from));
        }
        loop {
            if self.stale > 0 {
                // Batch members a keyed queue could not remove: drop them as they surface.
                while let Some(t) = self.ready.peek() {
                    if self.slots[t].state == TaskState::Ready {
                        break;
                    }
                    self.ready.pop();
                    self.stale -= 1;
                }
            }
            // The best startable task: the top of the ready heap (tasks without resources) or
            // the best-keyed gated task whose resources have room now, whichever key is larger.
            let from_gate = self.gate.best_startable(&self.resources, now);
            let from_ready = match (self.ready.peek(), from_gate) {
                (Some(t), Some(_)) => Some((self.key(t, self.slots[t].eligible), t as u32)),
                (Some(t), None) => Some(((0, 0), t as u32)),
                (None, _) => None,
            };
            // Larger key first; equal keys: lower index first.
            let better = |(gk, gt, _): (Key, u32, u32), (rk, rt): (Key, u32)| {
                (gk, Reverse(gt)) > (rk, Reverse(rt))
            };
            let (task, queued) = match (from_ready, from_gate) {
                (Some(r), Some(g)) if better(g, r) => (self.take_gated(g, now), false),
                (None, Some(g)) => (self.take_gated(g, now), false),
                (Some(_), _) => (self.ready.pop()? as u32, true),
                (None, None) => {
                    self.refresh_gate(now);
                    return self.end_round(now);
                }
            };
            let task = task as usize;
            // An open circuit breaker rejects the attempt at once, without a worker.
            if !self.breakers.is_empty() && !self.uses(task).is_empty() {
                let attempt = self.slots[task].attempts + 1;
                let uses = self.uses(task).to_vec();
                if !self.breakers.admit(task as u32, attempt, &uses, now) {
                    self.reject(task, worker, now);
                    continue;
                }
            }
            if queued {
                if let Some(batch) = self.take_batch(task) {
                    return Some(self.start_batch(task, batch, worker, now));
                }
            }
            return Some(self.start_on(task, worker, now, None));
        }
    }

    /// Nothing more starts now: lets an autoscaling pool add or remove workers, and tries
    /// again when a worker was added that can take work at once.
    fn end_round(&mut self, now: Micros) -> Option<Start> {
        let p = self.pool.as_mut()?;
        let slots = &self.slots;
        let waiting = |t: u32, at: Micros| {
            let s = &slots[t as usize];
            s.state == TaskState::Ready && s.admitted == at
        };
        let mut stopped = Vec::new();
        let added = p.round(now, waiting, &mut stopped);
        if !stopped.is_empty() {
            self.free_workers
                .retain(|Reverse(w)| !stopped.contains(&(*w as usize)));
        }
        let w = added?;
        self.free_workers.push(Reverse(w as u32));
        self.next(now)
    }

    /// `task` was taken from the ready queue: if it is batched, takes up to N - 1 more
    /// ready members of its family out of the queues (best first) and returns them.
    fn take_batch(&mut self, task: usize) -> Option<Vec<u32>> {
        let key = self.key(task, self.slots[task].eligible);
        let fams = self.families.as_mut()?;
        let (f, n) = fams.family(task)?;
        fams.remove(task, key);
        let more = fams.take(f, n as usize - 1);
        if more.is_empty() {
            return None;
        }
        for &m in &more {
            if !self.ready.remove(m as usize) {
                self.stale += 1;
            }
        }
        Some(more)
    }

    /// Starts `task` and the other members `more` of its batch on free `worker`, back to
    /// back: each member starts when the previous one's planned length is over. Returns the
    /// first start; the others wait in `pending`.
    fn start_batch(&mut self, task: usize, more: Vec<u32>, worker: u32, now: Micros) -> Start {
        let first = self.start_on(task, worker, now, None);
        // One dispatch carries the batch: the members follow the first, dispatched with it.
        let mut offset = first.delay_us.saturating_add(first.plan.simulate().0);
        let mut members = vec![(task as u32, first.attempt)];
        self.batch_left[worker as usize] = 1 + more.len() as u32;
        for m in more {
            let s = self.start_on_held(m as usize, worker, now, offset);
            offset = offset.saturating_add(s.plan.simulate().0);
            members.push((m, s.attempt));
            self.pending.push_back(s);
        }
        if let Some(f) = self.families.as_mut() {
            f.marks.push(BatchMark {
                worker,
                at_us: now,
                members,
            });
        }
        first
    }

    /// Starts the next attempt of `task` on `worker`, which already holds a batch member
    /// (the worker is not taken from `free_workers`), `delay` after now.
    fn start_on_held(&mut self, task: usize, worker: u32, now: Micros, delay: Micros) -> Start {
        let s = &mut self.slots[task];
        s.state = TaskState::Running;
        s.attempts += 1;
        s.cur = s.attempts;
        s.worker = worker;
        s.start = now.saturating_add(delay);
        self.running += 1;
        let attempt = s.attempts;
        Start {
            task,
            worker: worker as usize,
            attempt,
            plan: self.plan(task, attempt),
            stolen_from: None,
            delay_us: delay,
        }
    }

    /// Starts the next attempt of `task` on free `worker` (the top of `free_workers`).
    fn start_on(
        &mut self,
        task: usize,
        worker: u32,
        now: Micros,
        stolen_from: Option<u32>,
    ) -> Start {
        self.free_workers.pop();
        if let Some(p) = self.pool.as_mut() {
            p.busy(worker as usize);
        }
        let steal = if stolen_from.is_some() {
            self.cfg.steal_cost_us
        } else {
            0
        };
        let delay = steal.saturating_add(self.cfg.dispatch_us);
        let s = &mut self.slots[task];
        s.state = TaskState::Running;
        s.attempts += 1;
        s.cur = s.attempts;
        s.worker = worker;
        s.start = now.saturating_add(delay);
        self.running += 1;
        let attempt = s.attempts;
        if let Some(h) = self.special(task).and_then(|o| o.hedge) {
            self.hedges.timers.push(Reverse((
                now.saturating_add(delay).saturating_add(h),
                task as u32,
                attempt,
            )));
        }
        let mut plan = self.plan(task, attempt);
        if self.special(task).is_some_and(|o| o.then.is_some()) {
            self.hw.phase.insert(task as u32, Phase::First);
            plan = self.phase_plan(task, attempt, true);
        }
        if let (Some(victim), Some(d)) = (stolen_from, self.deques.as_mut()) {
            d.marks.push(StealMark {
                task: task as u32,
                attempt,
                thief: worker,
                victim,
                at_us: now,
            });
        }
        Start {
            task,
            worker: worker as usize,
            attempt,
            plan,
            stolen_from: stolen_from.map(|v| v as usize),
            delay_us: delay,
        }
    }

    /// The plan of attempt `attempt` (1-based) of `task`. A task with a variable duration
    /// draws it here, as a pure function of (seed, task, attempt).
    pub fn plan(&self, task: usize, attempt: u32) -> AttemptPlan {
        let mut duration_us = self.slots[task].duration;
        if let Some(sp) = self.special(task).and_then(|o| o.spread.as_ref()) {
            duration_us = sp.draw(duration_bits(
                self.cfg.seed,
                task,
                attempt.saturating_sub(1),
            ));
        }
        match self.special(task) {
            None => AttemptPlan {
                duration_us,
                fails: false,
                timeout_us: None,
            },
            Some(o) => AttemptPlan {
                duration_us,
                fails: attempt <= o.fail_attempts
                    || (o.fail_p > 0.0
                        && failure_draw(self.cfg.seed, task, attempt - 1) < o.fail_p),
                timeout_us: o.timeout,
            },
        }
    }

    /// Reports that the running attempt of `task` ended at `now` with `outcome`.
    /// A report for an attempt the scheduler already cancelled (fail-fast) is accepted and
    /// ignored; a report for a task that is not running is an error.
    pub fn finish(&mut self, task: usize, outcome: Outcome, now: Micros) -> Result<(), String> {
        self.finish_timed(task, outcome, None, now)
    }

    /// Like [`Scheduler::finish`], recording `start_us` (a measured start) instead of the
    /// time the attempt was handed out.
    pub fn finish_timed(
        &mut self,
        task: usize,
        outcome: Outcome,
        start_us: Option<Micros>,
        now: Micros,
    ) -> Result<(), String> {
        self.finish_on(task, None, outcome, start_us, now)
    }

    /// Like [`Scheduler::finish_timed`], for the attempt of `task` on `worker` (when given):
    /// what tells a hedged task's two copies apart. A report of an attempt that lost its
    /// hedge is accepted and ignored.
    pub fn finish_on(
        &mut self,
        task: usize,
        worker: Option<usize>,
        outcome: Outcome,
        start_us: Option<Micros>,
        now: Micros,
    ) -> Result<(), String> {
        let Some(slot) = self.slots.get(task).copied() else {
            return Err(format!("task {task} does not exist"));
        };
        if let Some(w) = worker {
            // (Checked for emptiness first: a hash per finish is a cost every run pays.)
            if !self.hedges.unreported.is_empty()
                && self.hedges.unreported.remove(&(task as u32, w as u32))
            {
                return Ok(());
            }
        }
        if slot.state == TaskState::Running
            && !self.hw.phase.is_empty()
            && self.hw.phase.get(&(task as u32)) == Some(&Phase::First)
        {
            self.advance(now);
            // The attempt started when its first phase did (as measured, in a real run).
            self.slots[task].start = start_us.unwrap_or(slot.start);
            self.phase_one_done(task);
            return Ok(());
        }
        if !self.hedges.copies.is_empty() && slot.state == TaskState::Running {
            if let Some(c) = self.hedges.copies.get(&(task as u32)).copied() {
                return self.finish_hedged(
                    task,
                    worker.map(|w| w as u32),
                    c,
                    outcome,
                    start_us,
                    now,
                );
            }
        }
        match slot.state {
            TaskState::Running => {}
            TaskState::Cancelled if self.aborted => return Ok(()),
            other => {
                return Err(format!(
                    "task {task} finished but was {other:?}, not running"
                ))
            }
        }
        let end = now;
        self.advance(now);
        let now = self.now;
        let status = match outcome {
            Outcome::Ok => Status::Ok,
            Outcome::Failed => Status::Failed,
            Outcome::Timeout => Status::Timeout,
        };
        // A `then` attempt's record spans both phases: it started with the first.
        let second =
            !self.hw.phase.is_empty() && self.hw.phase.get(&(task as u32)) == Some(&Phase::Second);
        let start = if second {
            slot.start
        } else {
            start_us.unwrap_or(slot.start)
        };
        self.record(task, start, end, status);
        self.release_attempt(task);
        self.releaser = slot.worker;
        self.breaker_ended(task, slot.cur, outcome == Outcome::Ok, now);
        let retry = self.special(task).map_or(0, |o| o.retry);
        // Hedge copies do not use up retries.
        let rounds = slot.attempts - self.hedges.extra(task);
        match outcome {
            Outcome::Ok => {
                self.terminate(task, TaskState::Ok, end);
                self.release_dependents(task, now);
            }
            _ if rounds <= retry => {
                let base = self.special(task).map_or(0, |o| o.backoff);
                let delay = base.saturating_mul(1u64.checked_shl(rounds - 1).unwrap_or(u64::MAX));
                self.slots[task].state = TaskState::Backoff;
                if delay == 0 {
                    self.slots[task].eligible = now;
                    self.enter_gate(task, now);
                } else {
                    self.timers
                        .push(Reverse((now.saturating_add(delay), task as u32)));
                }
            }
            _ => {
                let state = if outcome == Outcome::Timeout {
                    TaskState::Timeout
                } else {
                    TaskState::Failed
                };
                self.terminate(task, state, end);
                match self.on_error_of(task) {
                    OnError::FailFast => self.abort(now),
                    OnError::SkipDependents => self.skip_dependents(task, now),
                    OnError::Continue => self.release_dependents(task, now),
                }
            }
        }
        Ok(())
    }

    /// When the caller should call [`Scheduler::next`] again even if no attempt ends before:
    /// the end of the earliest backoff, or the next token of a rate a blocked task waits
    /// for. Always later than the scheduler's clock; `None` if nothing waits on time.
    pub fn next_wakeup(&self) -> Option<Micros> {
        if self.aborted {
            return None;
        }
        let timer = self.timers.peek().map(|Reverse((t, _))| *t);
        let timer = match (timer, self.hedges.next_timer()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let token = if self.gate.is_empty() {
            None
        } else {
            self.resources
                .list
                .iter()
                .filter_map(|r| r.token_time())
                .filter(|&t| t > self.now)
                .min()
        };
        let pool = self.pool.as_ref().and_then(|p| {
            p.wakeup(self.now, |t, at| {
                let s = &self.slots[t as usize];
                s.state == TaskState::Ready && s.admitted == at
            })
        });
        [timer, token, pool].into_iter().flatten().min()
    }

    /// Whether every task is terminal.
    pub fn is_done(&self) -> bool {
        self.terminal == self.slots.len()
    }

    /// Number of tasks ready and waiting for a worker (excluding gated ones).
    pub fn ready_len(&self) -> usize {
        self.ready.len() + self.deques.as_ref().map_or(0, Deques::len)
    }

    /// `workers MIN..MAX`: a real executor that starts (or wakes) a real worker at each
    /// scale-up calls this before the first [`Scheduler::next`]; a start-up then lasts until
    /// it reports the worker ready with [`Scheduler::worker_ready`], instead of the modelled
    /// `worker_start`. The decisions stay this scheduler's. No effect on a fixed pool.
    pub fn measure_worker_starts(&mut self) {
        if let Some(p) = self.pool.as_mut() {
            p.measure_starts();
        }
    }

    /// A measured start-up is over: `worker` (asked for at a scale-up, see
    /// [`Scheduler::pool_events`]) is ready at `at` and takes work from then (call
    /// [`Scheduler::next`] next). Returns false, changing nothing, if it was not starting.
    pub fn worker_ready(&mut self, worker: usize, at: Micros) -> bool {
        self.advance(at);
        let now = self.now;
        let Some(p) = self.pool.as_mut() else {
            return false;
        };
        if !p.worker_ready(worker, now) {
            return false;
        }
        self.free_workers.push(Reverse(worker as u32));
        true
    }

    /// `workers MIN..MAX`: every start, ready and stop of a worker so far (empty for a
    /// fixed pool).
    pub fn pool_events(&self) -> &[PoolEvent] {
        self.pool.as_ref().map_or(&[], |p| &p.events)
    }

    /// `batch N`: every batch of more than one member so far, in dispatch order.
    pub fn batches(&self) -> &[BatchMark] {
        self.families.as_ref().map_or(&[], |f| &f.marks)
    }

    /// `work-stealing`: every steal so far, in order (empty under other policies).
    pub fn steals(&self) -> &[StealMark] {
        self.deques.as_ref().map_or(&[], |d| &d.marks)
    }

    /// `work-stealing`: victim draws that found an empty deque (0 under other policies).
    pub fn failed_steals(&self) -> u64 {
        self.deques.as_ref().map_or(0, |d| d.failed)
    }

    /// Number of attempts running now.
    pub fn running(&self) -> usize {
        self.running
    }

    /// The state of `task`.
    pub fn state(&self, task: usize) -> TaskState {
        self.slots[task].state
    }

    /// The tasks that depend on `task`, in declaration order.
    pub fn successors(&self, task: usize) -> &[u32] {
        self.csr.of(task)
    }

    /// The worker running `task`, if it is running.
    pub fn worker_of(&self, task: usize) -> Option<usize> {
        let s = self.slots.get(task)?;
        (s.state == TaskState::Running).then_some(s.worker as usize)
    }

    /// Whether an attempt of `task` runs on `worker` (a hedged task may run on two).
    pub fn runs_on(&self, task: usize, worker: usize) -> bool {
        self.worker_of(task) == Some(worker)
            || self
                .hedges
                .copies
                .get(&(task as u32))
                .is_some_and(|c| c.worker as usize == worker)
    }

    /// The attempt number of `task`'s attempt running on `worker`, else its latest.
    pub fn attempt_on(&self, task: usize, worker: usize) -> u32 {
        match self.hedges.copies.get(&(task as u32)) {
            Some(c) if c.worker as usize == worker => c.attempt,
            _ => self.slots[task].cur,
        }
    }

    /// Whether attempt `attempt` of `task` was cancelled because its other copy won.
    pub fn lost_hedge(&self, task: usize, attempt: u32) -> bool {
        !self.hedges.lost.is_empty() && self.hedges.lost.contains(&(task as u32, attempt))
    }

    /// The (task, worker) of every attempt that lost its hedge since the last call: a real
    /// executor may stop them (their later reports are ignored either way).
    pub fn take_lost(&mut self) -> Vec<(usize, usize)> {
        self.hedges
            .just_lost
            .drain(..)
            .map(|(t, w)| (t as usize, w as usize))
            .collect()
    }

    /// How many hedge copies the run started.
    pub fn hedges_started(&self) -> u32 {
        self.hedges.started
    }

    /// How many attempts of `task` have started (its current attempt number, 1-based).
    pub fn attempt(&self, task: usize) -> u32 {
        self.slots[task].attempts
    }

    /// The scheduler's clock: the latest time it was given.
    pub fn now(&self) -> Micros {
        self.now
    }

    /// Every attempt that has ended, in the order they were reported.
    pub fn attempts(&self) -> &[AttemptRecord] {
        &self.records
    }

    /// Time spent waiting, summed over the attempts that have ended.
    pub fn waits(&self) -> Waits {
        self.waits
    }

    /// The summary of `task`, once it is terminal.
    pub fn task_end(&self, task: usize) -> Option<TaskEnd> {
        let s = &self.slots[task];
        let opt = |t: Micros| (t != NONE).then_some(t);
        Some(TaskEnd {
            status: s.state.status()?,
            ready_us: opt(self.slots[task].first_ready),
            unblocked_us: opt(self.slots[task].first_unblocked),
            end_us: self.slots[task].end,
            seq: self.slots[task].seq,
        })
    }

    /// Bottom levels: each task's cost plus its longest path to a sink.
    pub fn bottom_levels(&self) -> &[Micros] {
        &self.bottom
    }

    /// Total work T1: the sum of the tasks' nominal durations.
    pub fn work_us(&self) -> Micros {
        self.work_us
    }

    /// The largest number of simultaneous holders each declared resource had, with its
    /// limit: `(name, limit, peak)`. Group caps are not declared resources: see
    /// [`Scheduler::group_peaks`].
    pub fn resource_peaks(&self) -> Vec<(String, Option<u32>, u32)> {
        self.resources
            .list
            .iter()
            .filter(|r| r.group.is_none())
            .map(|r| (r.name.clone(), r.limit, r.peak))
            .collect()
    }

    /// For each group with `workers N` (by index into `Graph::groups`): the most attempts
    /// of its members that ran at once, never more than N.
    pub fn group_peaks(&self) -> Vec<(usize, u32)> {
        self.resources
            .list
            .iter()
            .filter_map(|r| r.group.map(|g| (g, r.peak)))
            .collect()
    }

    /// How many waves were opened (`waves` policy only).
    pub fn waves_opened(&self) -> u32 {
        self.waves_opened
    }

    // ---- internals -------------------------------------------------------------------

    fn special(&self, task: usize) -> Option<&Special> {
        let o = self.slots[task].opts;
        (o != NO_OPTS).then(|| &self.specials[o as usize])
    }

    /// What a final failure of `task` does: its groups' `on_error`, else the run's.
    fn on_error_of(&self, task: usize) -> OnError {
        self.task_on_error
            .get(task)
            .copied()
            .unwrap_or(self.cfg.on_error)
    }

    fn uses(&self, task: usize) -> &[u16] {
        self.special(task).map_or(&[], |o| &o.uses)
    }

    fn key(&self, task: usize, time: Micros) -> Key {
        let prio = self.priority.get(task).copied().unwrap_or(0);
        self.ordering.key(task, time, self.bottom[task], prio)
    }

    fn advance(&mut self, now: Micros) {
        if now > self.now {
            self.now = now;
            if !self.gate.is_empty() {
                self.gate.dirty = true;
            }
        }
    }

    /// All dependencies of `task` are terminal: first eligibility.
    fn make_eligible(&mut self, task: usize, now: Micros) {
        self.slots[task].first_ready = now;
        self.slots[task].eligible = now;
        if self.cfg.policy == Policy::Waves {
            self.slots[task].state = TaskState::Held;
            self.held.push(task as u32);
        } else {
            self.enter_gate(task, now);
        }
    }

    fn open_wave(&mut self, now: Micros) {
        self.waves_opened += 1;
        let mut held = std::mem::take(&mut self.held);
        held.sort_unstable();
        self.wave_remaining = held.len();
        for &t in &held {
            self.enter_gate(t as usize, now);
        }
        held.clear();
        self.held = held;
    }

    fn enter_gate(&mut self, task: usize, now: Micros) {
        self.slots[task].gated = now;
        if self.uses(task).is_empty() {
            self.admit_one(task, now);
        } else {
            self.slots[task].state = TaskState::Blocked;
            self.slots[task].admitted = NONE;
            let key = self.key(task, self.slots[task].eligible);
            let g = self.special(task).map_or(u32::MAX, |o| o.group);
            self.gate.insert(g, key, task as u32);
        }
    }

    fn admit_one(&mut self, task: usize, now: Micros) {
        if let Some(p) = self.pool.as_mut() {
            p.ready(task as u32, now);
        }
        let s = &mut self.slots[task];
        s.state = TaskState::Ready;
        s.admitted = now;
        let eligible = s.eligible;
        if self.slots[task].first_unblocked == NONE {
            self.slots[task].first_unblocked = now;
        }
        // Ranked queues know the (static) key already.
        if let Some(d) = self.deques.as_mut() {
            match self.releaser {
                u32::MAX => d.push_source(task as u32),
                w => d.push(w as usize, task as u32),
            }
            return;
        }
        let key = if self.ready.is_keyed() {
            self.key(task, eligible)
        } else {
            (0, 0)
        };
        self.ready.push(task, key);
        if self.families.is_some() {
            let k = self.key(task, eligible);
            if let Some(f) = self.families.as_mut() {
                f.insert(task, k);
            }
        }
    }

    /// At the end of a scheduling round (nothing more can start now): marks gated tasks
    /// `Ready` or `Blocked` (see [`Gate::refresh`]). The first time an attempt is found
    /// `Ready` is its `admitted` time.
    fn refresh_gate(&mut self, now: Micros) {
        let slots = &mut self.slots;
        self.gate.refresh(&self.resources, now, |t, ready| {
            let s = &mut slots[t as usize];
            if s.state != TaskState::Blocked && s.state != TaskState::Ready {
                return;
            }
            s.state = if ready {
                TaskState::Ready
            } else {
                TaskState::Blocked
            };
            if ready && s.admitted == NONE {
                s.admitted = now;
                if s.first_unblocked == NONE {
                    s.first_unblocked = now;
                }
            }
        });
    }

    /// Takes gated task `t` (key `k`, group `g`) out of the gate to start now: acquires
    /// its resources.
    fn take_gated(&mut self, (k, t, g): (Key, u32, u32), now: Micros) -> u32 {
        self.gate.remove(g, k, t);
        self.gate.unmark(t);
        let task = t as usize;
        self.resources.take(self.gate.uses(g), now);
        let s = &mut self.slots[task];
        if s.admitted == NONE {
            s.admitted = now;
            if s.first_unblocked == NONE {
                s.first_unblocked = now;
            }
        }
        t
    }

    fn record(&mut self, task: usize, start: Micros, end: Micros, status: Status) {
        let s = &self.slots[task];
        self.waits.wave_us += s.gated.saturating_sub(s.eligible);
        self.waits.blocked_us += s.admitted.saturating_sub(s.gated);
        self.waits.queued_us += s.start.saturating_sub(s.admitted);
        let (attempt, worker) = (s.cur, s.worker);
        self.record_as(task, attempt, worker, start, end, status);
    }

    fn record_as(
        &mut self,
        task: usize,
        attempt: u32,
        worker: u32,
        start: Micros,
        end: Micros,
        status: Status,
    ) {
        self.records.push(AttemptRecord {
            task: task as u32,
            attempt,
            worker,
            start_us: start,
            end_us: end,
            status,
        });
    }

    /// Frees the worker and the resource slots of `task`'s running attempt.
    fn release_attempt(&mut self, task: usize) {
        let w = self.slots[task].worker;
        self.release_on(task, w);
    }

    /// Frees worker `w` and the resource slots of the attempt of `task` it ran.
    fn release_on(&mut self, task: usize, w: u32) {
        if !self.hw.phase.is_empty() {
            let t32 = task as u32;
            if let Some(p) = self.hw.phase.remove(&t32) {
                self.hw.waiting.retain(|&x| x != t32);
                if p == Phase::Second {
                    if let Some((b, _)) = self.special(task).and_then(|o| o.then) {
                        self.resources.release(&[b]);
                    }
                }
            }
        }
        // A worker running a batch is free once its last member has ended.
        let held = match self.batch_left.get_mut(w as usize) {
            Some(left) if *left > 0 => {
                *left -= 1;
                *left > 0
            }
            _ => false,
        };
        if !held {
            self.free_workers.push(Reverse(w));
            let now = self.now;
            if let Some(p) = self.pool.as_mut() {
                p.idle(w as usize, now);
            }
        }
        self.running -= 1;
        if let Some(o) = self.special(task) {
            if !o.uses.is_empty() {
                let uses = o.uses.clone();
                self.resources.release(&uses);
                if !self.gate.is_empty() {
                    self.gate.dirty = true;
                }
            }
        }
    }

    fn terminate(&mut self, task: usize, state: TaskState, at: Micros) {
        let was = self.slots[task].state;
        self.slots[task].state = state;
        self.slots[task].end = at;
        self.slots[task].seq = self.next_seq;
        self.next_seq += 1;
        self.terminal += 1;
        // Every task that was started belongs to the wave that released it.
        if self.cfg.policy == Policy::Waves
            && matches!(was, TaskState::Running | TaskState::Backoff)
        {
            self.wave_remaining -= 1;
        }
    }

    fn release_dependents(&mut self, task: usize, now: Micros) {
        let (a, b) = (
            self.csr.start[task] as usize,
            self.csr.start[task + 1] as usize,
        );
        for i in a..b {
            let s = self.csr.succ[i] as usize;
            // A small array apart from the slots: most decrements touch only it.
            self.deps_left[s] -= 1;
            if self.deps_left[s] == 0 && self.slots[s].state == TaskState::Waiting {
                self.make_eligible(s, now);
            }
        }
    }

    fn skip_dependents(&mut self, task: usize, now: Micros) {
        let mut stack = vec![task];
        while let Some(t) = stack.pop() {
            for &s in self.csr.of(t) {
                let s = s as usize;
                if self.slots[s].state == TaskState::Waiting {
                    self.slots[s].state = TaskState::Skipped;
                    self.slots[s].end = now;
                    self.slots[s].seq = self.next_seq;
                    self.next_seq += 1;
                    self.terminal += 1;
                    stack.push(s);
                }
            }
        }
    }

    /// Fail-fast: cancels every running attempt (recorded as ending now) and every task
    /// not yet terminal.
    fn abort(&mut self, now: Micros) {
        self.aborted = true;
        for t in 0..self.slots.len() {
            let state = self.slots[t].state;
            if state.is_terminal() {
                continue;
            }
            if state == TaskState::Running {
                // A batch member that had not begun yet is cut at once.
                self.record(t, self.slots[t].start.min(now), now, Status::Cancelled);
                self.release_attempt(t);
                if let Some(c) = self.hedges.copies.remove(&(t as u32)) {
                    self.record_as(t, c.attempt, c.worker, c.start, now, Status::Cancelled);
                    self.release_on(t, c.worker);
                }
            }
            self.slots[t].state = TaskState::Cancelled;
            self.slots[t].end = now;
            self.slots[t].seq = self.next_seq;
            self.next_seq += 1;
            self.terminal += 1;
        }
        self.ready.clear();
        self.pending.clear();
        if let Some(d) = self.deques.as_mut() {
            d.clear();
        }
        self.gate.clear();
        self.timers.clear();
        self.held.clear();
        self.hedges.clear_pending();
    }

    // ---- hold and wait, deadlocks (see `sched/deadlock.rs`) -----------------------------

    /// The plan of one phase of a `then` attempt: the first share of its duration (never
    /// failing), or the rest (failing as the attempt's plan says).
    fn phase_plan(&self, task: usize, attempt: u32, first: bool) -> AttemptPlan {
        let full = self.plan(task, attempt);
        let at = self.special(task).and_then(|o| o.then).map_or(0.5, |t| t.1);
        let one = (full.duration_us as f64 * at).round() as Micros;
        AttemptPlan {
            duration_us: if first {
                one
            } else {
                full.duration_us - one.min(full.duration_us)
            },
            fails: !first && full.fails,
            timeout_us: None,
        }
    }

    /// The first phase of `then` task `task` ended: it waits for its second resource,
    /// holding its first ones and its worker. Checks for a deadlock.
    fn phase_one_done(&mut self, task: usize) {
        let t32 = task as u32;
        self.hw.phase.insert(t32, Phase::Waiting);
        self.hw.waiting.push(t32);
        self.check_deadlock();
    }

    /// A waiting `then` task whose second resource has room takes it and starts its second
    /// phase, on its own worker.
    fn second_phase(&mut self, now: Micros) -> Option<Start> {
        if self.hw.waiting.is_empty() || self.aborted {
            return None;
        }
        for i in 0..self.hw.waiting.len() {
            let task = self.hw.waiting[i] as usize;
            let Some((b, _)) = self.special(task).and_then(|o| o.then) else {
                continue;
            };
            if !self.resources.admits(&[b], now) {
                continue;
            }
            self.hw.waiting.remove(i);
            self.resources.take(&[b], now);
            self.hw.phase.insert(task as u32, Phase::Second);
            let s = self.slots[task];
            return Some(Start {
                task,
                worker: s.worker as usize,
                attempt: s.cur,
                plan: self.phase_plan(task, s.cur, false),
                stolen_from: None,
                delay_us: 0,
            });
        }
        None
    }

    /// The tasks holding resource `r` now: running attempts that use it (a `then` task's
    /// second resource once in its second phase).
    fn holders(&self, r: u16) -> Vec<u32> {
        (0..self.slots.len())
            .filter(|&t| self.slots[t].state == TaskState::Running)
            .filter(|&t| {
                self.uses(t).contains(&r)
                    || (self.hw.phase.get(&(t as u32)) == Some(&Phase::Second)
                        && self
                            .special(t)
                            .and_then(|o| o.then)
                            .is_some_and(|x| x.0 == r))
            })
            .map(|t| t as u32)
            .collect()
    }

    fn wants(&self, t: u32) -> u16 {
        self.special(t as usize)
            .and_then(|o| o.then)
            .map_or(0, |x| x.0)
    }

    /// Finds a deadlock among the waiting tasks and resolves it by `on_deadlock`.
    fn check_deadlock(&mut self) {
        let now = self.now;
        loop {
            let waiting = self.hw.waiting.clone();
            let stuck = frozen(
                &waiting,
                |t| self.wants(t),
                |r| self.holders(r),
                |r| self.resources.admits(&[r], now),
            );
            if stuck.is_empty() {
                return;
            }
            let cycle = cycle_in(&stuck, |t| self.wants(t), |r| self.holders(r));
            let described: Vec<(u32, u16, u16)> = cycle
                .iter()
                .enumerate()
                .map(|(i, &t)| {
                    let prev = cycle[(i + cycle.len() - 1) % cycle.len()];
                    (t, self.wants(prev), self.wants(t))
                })
                .collect();
            let mut found = DeadlockFound {
                at_us: now,
                cycle: described,
                frozen: stuck.clone(),
                victim: None,
            };
            let policy = self.on_deadlock;
            if policy == crate::graph::OnDeadlock::FailRun {
                self.hw.found.push(found);
                self.abort(now);
                return;
            }
            // fail-youngest: the attempt of the cycle that started last (ties: larger index).
            let victim = *cycle
                .iter()
                .max_by_key(|&&t| (self.slots[t as usize].start, t))
                .unwrap_or(&cycle[0]);
            found.victim = Some(victim);
            self.hw.found.push(found);
            let attempt = self.slots[victim as usize].cur;
            self.hw.victims.push((victim, attempt));
            let _ = self.finish_on(victim as usize, None, Outcome::Failed, None, now);
            if self.aborted {
                return;
            }
        }
    }

    /// Every deadlock found in the run, with the resource names.
    pub fn deadlocks(&self) -> Vec<(DeadlockFound, Vec<(String, String)>)> {
        let name = |r: u16| self.resources.list[r as usize].name.clone();
        self.hw
            .found
            .iter()
            .map(|f| {
                let names = f
                    .cycle
                    .iter()
                    .map(|&(_, h, w)| (name(h), name(w)))
                    .collect();
                (f.clone(), names)
            })
            .collect()
    }

    /// Whether attempt `attempt` of `task` was failed to break a deadlock.
    pub fn deadlock_victim(&self, task: usize, attempt: u32) -> bool {
        self.hw.victims.contains(&(task as u32, attempt))
    }

    // ---- circuit breakers (see `sched/breaker.rs`) ----------------------------------------

    /// Tells the breakers on `task`'s resources how attempt `attempt` ended.
    fn breaker_ended(&mut self, task: usize, attempt: u32, ok: bool, now: Micros) {
        if self.breakers.is_empty() || self.uses(task).is_empty() {
            return;
        }
        let uses = self.uses(task).to_vec();
        self.breakers.ended(task as u32, attempt, &uses, ok, now);
    }

    /// Rejects the next attempt of `task` (taken from the ready queue or the gate at `now`,
    /// `worker` the one it would have had): recorded `rejected`, zero long, on no worker's
    /// time; its resources are released; then retries and `on_error` apply as to a failure.
    fn reject(&mut self, task: usize, worker: u32, now: Micros) {
        let uses = self.uses(task).to_vec();
        if !uses.is_empty() {
            // take_gated acquired them (a rate's token is spent: the request was made).
            self.resources.release(&uses);
            if !self.gate.is_empty() {
                self.gate.dirty = true;
            }
        }
        let s = &mut self.slots[task];
        s.attempts += 1;
        s.cur = s.attempts;
        s.worker = worker;
        s.start = now;
        let attempts = s.attempts;
        self.record(task, now, now, Status::Rejected);
        let retry = self.special(task).map_or(0, |o| o.retry);
        let rounds = attempts - self.hedges.extra(task);
        if rounds <= retry {
            let base = self.special(task).map_or(0, |o| o.backoff);
            let delay = base.saturating_mul(1u64.checked_shl(rounds - 1).unwrap_or(u64::MAX));
            self.slots[task].state = TaskState::Backoff;
            if delay == 0 {
                // Straight back into line: it will be rejected again until the breaker
                // half-opens, so wait for that instead of spinning.
                let at = self.breakers.next_change(now).unwrap_or(now);
                if at > now {
                    self.timers.push(Reverse((at, task as u32)));
                } else {
                    self.slots[task].eligible = now;
                    self.enter_gate(task, now);
                }
            } else {
                self.timers
                    .push(Reverse((now.saturating_add(delay), task as u32)));
            }
            return;
        }
        self.terminate(task, TaskState::Rejected, now);
        match self.on_error_of(task) {
            OnError::FailFast => self.abort(now),
            OnError::SkipDependents => self.skip_dependents(task, now),
            OnError::Continue => self.release_dependents(task, now),
        }
    }

    /// The breakers' names (by resource) and every change of their states, in time order.
    pub fn breaker_history(&self) -> (&[String], &[super::breaker::BreakerChange]) {
        (&self.breakers.names, &self.breakers.changes)
    }

    // ---- hedged requests (see `sched/hedge.rs`) ----------------------------------------

    /// Moves hedge timers that are due at `now` to the due queue, if their attempt still
    /// runs alone.
    fn hedges_due(&mut self, now: Micros) {
        while let Some(&Reverse((t, task, attempt))) = self.hedges.timers.peek() {
            if t > now {
                break;
            }
            self.hedges.timers.pop();
            let s = &self.slots[task as usize];
            if s.state == TaskState::Running
                && s.cur == attempt
                && s.attempts == attempt
                && !self.hedges.copies.contains_key(&task)
            {
                self.hedges.due.push_back(task);
            }
        }
    }

    /// Starts the oldest due hedge copy whose resources have room, on `worker`.
    fn start_hedge(&mut self, worker: u32, now: Micros) -> Option<Start> {
        if self.hedges.due.is_empty() {
            return None;
        }
        let mut i = 0;
        while i < self.hedges.due.len() {
            let task = self.hedges.due[i] as usize;
            let s = self.slots[task];
            if s.state != TaskState::Running || self.hedges.copies.contains_key(&(task as u32)) {
                self.hedges.due.remove(i);
                continue;
            }
            let uses = self.uses(task).to_vec();
            if !uses.is_empty() && !self.resources.admits(&uses, now) {
                i += 1;
                continue;
            }
            self.hedges.due.remove(i);
            // No copy against an open breaker (it would be rejected anyway).
            if !self.breakers.is_empty()
                && !uses.is_empty()
                && !self.breakers.admit(task as u32, s.attempts + 1, &uses, now)
            {
                continue;
            }
            if !uses.is_empty() {
                self.resources.take(&uses, now);
            }
            self.free_workers.pop();
            let attempt = s.attempts + 1;
            self.slots[task].attempts = attempt;
            self.hedges.copies.insert(
                task as u32,
                Copy {
                    worker,
                    start: now.saturating_add(self.cfg.dispatch_us),
                    attempt,
                    primary_attempt: s.cur,
                },
            );
            *self.hedges.extra.entry(task as u32).or_insert(0) += 1;
            self.hedges.started += 1;
            self.running += 1;
            return Some(Start {
                task,
                worker: worker as usize,
                attempt,
                plan: self.plan(task, attempt),
                stolen_from: None,
                // A copy on another worker: dispatched like any attempt.
                delay_us: self.cfg.dispatch_us,
            });
        }
        None
    }

    /// An attempt of hedged `task` ended while its other copy `c` runs. `worker` says which
    /// (the primary when `None` or not the copy's worker).
    fn finish_hedged(
        &mut self,
        task: usize,
        worker: Option<u32>,
        c: Copy,
        outcome: Outcome,
        start_us: Option<Micros>,
        now: Micros,
    ) -> Result<(), String> {
        let end = now;
        self.advance(now);
        let now = self.now;
        let status = match outcome {
            Outcome::Ok => Status::Ok,
            Outcome::Failed => Status::Failed,
            Outcome::Timeout => Status::Timeout,
        };
        let t32 = task as u32;
        let copy_ended = worker == Some(c.worker);
        let primary = (self.slots[task].worker, self.slots[task].start);
        self.hedges.copies.remove(&t32);
        match (copy_ended, outcome) {
            (true, Outcome::Ok) => {
                // The copy won: the primary is cancelled, then the copy's end is recorded.
                let s = self.slots[task];
                self.waits.queued_us += s.start.saturating_sub(s.admitted);
                self.record_as(
                    task,
                    c.primary_attempt,
                    primary.0,
                    primary.1,
                    end,
                    Status::Cancelled,
                );
                self.hedges.lost.insert((t32, c.primary_attempt));
                self.hedges.unreported.insert((t32, primary.0));
                self.hedges.just_lost.push((t32, primary.0));
                self.release_on(task, primary.0);
                self.record_as(
                    task,
                    c.attempt,
                    c.worker,
                    start_us.unwrap_or(c.start),
                    end,
                    status,
                );
                self.release_on(task, c.worker);
                self.breakers.forget_probe(t32, c.primary_attempt);
                self.breaker_ended(task, c.attempt, true, now);
                self.slots[task].worker = c.worker;
                self.slots[task].start = c.start;
                self.slots[task].cur = c.attempt;
                self.terminate(task, TaskState::Ok, end);
                self.release_dependents(task, now);
            }
            (false, Outcome::Ok) => {
                let s = self.slots[task];
                self.waits.queued_us += s.start.saturating_sub(s.admitted);
                self.record_as(
                    task,
                    c.primary_attempt,
                    primary.0,
                    start_us.unwrap_or(primary.1),
                    end,
                    status,
                );
                self.release_on(task, primary.0);
                self.breaker_ended(task, c.primary_attempt, true, now);
                self.breakers.forget_probe(t32, c.attempt);
                self.record_as(task, c.attempt, c.worker, c.start, end, Status::Cancelled);
                self.hedges.lost.insert((t32, c.attempt));
                self.hedges.unreported.insert((t32, c.worker));
                self.hedges.just_lost.push((t32, c.worker));
                self.release_on(task, c.worker);
                self.terminate(task, TaskState::Ok, end);
                self.release_dependents(task, now);
            }
            (true, _) => {
                // The copy failed: the primary goes on alone.
                self.record_as(
                    task,
                    c.attempt,
                    c.worker,
                    start_us.unwrap_or(c.start),
                    end,
                    status,
                );
                self.release_on(task, c.worker);
                self.breaker_ended(task, c.attempt, false, now);
            }
            (false, _) => {
                // The primary failed: the copy goes on as the task's attempt.
                let s = self.slots[task];
                self.waits.queued_us += s.start.saturating_sub(s.admitted);
                self.record_as(
                    task,
                    c.primary_attempt,
                    primary.0,
                    start_us.unwrap_or(primary.1),
                    end,
                    status,
                );
                self.release_on(task, primary.0);
                self.breaker_ended(task, c.primary_attempt, false, now);
                let s = &mut self.slots[task];
                s.worker = c.worker;
                s.start = c.start;
                s.cur = c.attempt;
            }
        }
        Ok(())
    }
}
