//! Metrics of a run: how long it took against what was possible, and where time went.
//!
//! Definitions (all in ms): work T1 = sum of modelled durations (a kernel's from its
//! calibrated cost model, `crate::graph::kernel`); span T∞ = longest
//! cost-weighted path; lower bound = max(T∞, T1 / P) for P workers; speedup = T1 /
//! makespan (over one worker running the modelled work, so failures and retries lower it);
//! efficiency = speedup / P; a worker's busy time is the sum of its attempts' lengths
//! (of every status), its idle time makespan − busy, its utilization busy / makespan.

mod share;
pub use share::{
    cpu_share, kernel_share, AttemptShare, CpuShare, KERNEL_SHARE_FAST_ABOVE,
    KERNEL_SHARE_MACHINE_BELOW, MIN_MEASURED_KERNEL_US, MIN_MEASURED_US,
};

use crate::graph::Micros;
use crate::sched::Scheduler;
use crate::trace::Status;
use serde::{Deserialize, Serialize};

/// Time use of one worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerMetrics {
    /// 0-based worker index.
    pub worker: usize,
    /// Sum of the lengths of its attempts, whatever their status.
    pub busy_ms: f64,
    /// makespan − busy.
    pub idle_ms: f64,
    /// busy / makespan, in [0, 1] (1 for an empty run).
    pub utilization: f64,
    /// Attempts it ran.
    pub attempts: usize,
}

/// Metrics of one run. See the module doc for definitions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// From the start of the run to the end of its last attempt.
    pub makespan_ms: f64,
    /// T1: the sum of the tasks' modelled durations, as the simulation computes it;
    /// `measured_work_ms` is the measured counterpart.
    pub work_ms: f64,
    /// What `speedup`, `efficiency` and the bounds compare against: `modelled` (T1, the
    /// default and the simulation's). `measured_speedup` compares against `measured_work_ms`.
    #[serde(default)]
    pub sequential_basis: String,
    /// T∞: the longest cost-weighted path.
    pub span_ms: f64,
    /// max(T∞, T1 / P).
    pub lower_bound_ms: f64,
    /// T1 / makespan: against the modelled sequential time, as the simulation computes it.
    pub speedup: f64,
    /// The measured sum of the lengths of the attempts that ended ok: the sequential time
    /// this run's successful work took, measured (what one worker would need if the tasks
    /// took as long alone as they did here; more than T1 when workers shared cores).
    #[serde(default)]
    pub measured_work_ms: f64,
    /// measured_work / makespan.
    #[serde(default)]
    pub measured_speedup: f64,
    /// speedup / P.
    pub efficiency: f64,
    /// Per worker, by index.
    pub workers: Vec<WorkerMetrics>,
    /// Sum over attempts of the time held by a `limit` or `rate` (blocked).
    pub blocked_ms: f64,
    /// Sum over attempts of the time ready but waiting for a worker.
    pub queued_ms: f64,
    /// `waves` only: sum over tasks of the time between their dependencies ending and
    /// their wave opening.
    pub wave_wait_ms: f64,
    /// Sum of the lengths of attempts that failed or timed out.
    pub failed_ms: f64,
    /// Sum of the lengths of attempts cut short by fail-fast.
    pub cancelled_ms: f64,
    /// Attempts run (including cancelled ones).
    pub attempts: usize,
    /// Attempts beyond the first of each task.
    pub retries: usize,
    /// Tasks that ended `ok`.
    pub tasks_ok: usize,
    /// Tasks that ended `failed` or `timeout`.
    pub tasks_failed: usize,
    /// Tasks skipped (`on_error skip-dependents`).
    pub tasks_skipped: usize,
    /// Tasks cancelled (`on_error fail-fast`).
    pub tasks_cancelled: usize,
    /// Hedge copies started (`hedge`): the extra attempts that hedging cost.
    #[serde(default)]
    pub hedges: usize,
    /// Worker time spent in attempts that lost their hedge (cancelled when the other copy
    /// ended first): the extra work hedging cost.
    #[serde(default)]
    pub hedge_lost_ms: f64,
}

fn ms(us: Micros) -> f64 {
    us as f64 / 1000.0
}

/// The metrics of the finished run of `sched`, whose makespan is `makespan_us`.
pub fn compute(sched: &Scheduler, makespan_us: Micros) -> Metrics {
    let p = sched.config().workers;
    let work_us: Micros = sched.work_us();
    let span_us = sched.bottom_levels().iter().copied().max().unwrap_or(0);
    let makespan = ms(makespan_us);
    let work = ms(work_us);
    let mut busy = vec![(0u64, 0usize); p];
    let (mut failed, mut cancelled) = (0u64, 0u64);
    let waits = sched.waits();
    let (blocked, queued, wave_wait) = (waits.blocked_us, waits.queued_us, waits.wave_us);
    let mut retries: usize = 0;
    let mut measured = 0u64;
    let mut lost = 0u64;
    for a in sched.attempts() {
        let len = a.end_us.saturating_sub(a.start_us);
        if a.status == Status::Cancelled && sched.lost_hedge(a.task as usize, a.attempt) {
            lost += len;
        }
        if a.status == Status::Ok {
            measured += len;
        }
        if let Some(b) = busy.get_mut(a.worker as usize) {
            b.0 += len;
            b.1 += 1;
        }
        match a.status {
            Status::Failed | Status::Timeout | Status::Rejected => failed += len,
            Status::Cancelled => cancelled += len,
            _ => {}
        }
        if a.attempt > 1 {
            retries += 1;
        }
    }
    let mut counts = [0usize; 4];
    for t in 0..sched.len() {
        match sched.task_end(t).map(|e| e.status) {
            Some(Status::Ok) => counts[0] += 1,
            Some(Status::Failed | Status::Timeout | Status::Rejected) => counts[1] += 1,
            Some(Status::Skipped) => counts[2] += 1,
            Some(Status::Cancelled) => counts[3] += 1,
            None => {}
        }
    }
    let speedup = if makespan_us > 0 {
        work_us as f64 / makespan_us as f64
    } else {
        1.0
    };
    Metrics {
        makespan_ms: makespan,
        work_ms: work,
        sequential_basis: "modelled".to_string(),
        span_ms: ms(span_us),
        lower_bound_ms: ms(span_us).max(work / p as f64),
        speedup,
        measured_work_ms: ms(measured),
        measured_speedup: if makespan_us > 0 {
            measured as f64 / makespan_us as f64
        } else {
            1.0
        },
        efficiency: speedup / p as f64,
        workers: busy
            .iter()
            .enumerate()
            .map(|(w, &(b, n))| WorkerMetrics {
                worker: w,
                busy_ms: ms(b),
                idle_ms: ms(makespan_us.saturating_sub(b)),
                utilization: if makespan_us > 0 {
                    b as f64 / makespan_us as f64
                } else {
                    1.0
                },
                attempts: n,
            })
            .collect(),
        blocked_ms: ms(blocked),
        queued_ms: ms(queued),
        wave_wait_ms: ms(wave_wait),
        failed_ms: ms(failed),
        cancelled_ms: ms(cancelled),
        attempts: sched.attempts().len(),
        // A hedge copy is not a retry.
        retries: retries.saturating_sub(sched.hedges_started() as usize),
        hedges: sched.hedges_started() as usize,
        hedge_lost_ms: ms(lost),
        tasks_ok: counts[0],
        tasks_failed: counts[1],
        tasks_skipped: counts[2],
        tasks_cancelled: counts[3],
    }
}
