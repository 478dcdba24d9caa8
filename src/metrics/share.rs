//! How much of the time they asked for the workers of a real run got: the honest answer to
//! "why was this run slow?" when the machine was busy with something else.
//!
//! A `cpu` task is a calibrated amount of work: it takes its nominal duration on one idle
//! core (see `crate::work::cpu`). An attempt that took longer was not given the whole core
//! for that long — another thread, process or tab had it. So for each such attempt
//! `asked / took` is the share of a core it got, and over the run
//! `share = Σ asked / Σ took` (weighted by time, so long tasks count for what they are).
//! Natively the executor can also read each thread's CPU clock; the result then carries
//! `cpu_ms` (what the threads really got) beside the calibrated estimate.

use crate::graph::{Graph, Work};
use crate::trace::{Attempt, Status, TaskRecord};
use serde::{Deserialize, Serialize};

/// Attempts shorter than this (nominally) are left out: below it the clock's resolution and
/// the per-message costs of dispatch are as large as the work, and would read as theft.
pub const MIN_MEASURED_US: u64 = 1_000;

/// Kernel attempts modelled shorter than this are left out of [`kernel_share`]. Lower than
/// [`MIN_MEASURED_US`]: a kernel's time is measured around its call inside the worker, so no
/// message cost is in it, and the clock's rounding (0.1 ms where the page is not
/// cross-origin isolated) evens out over a run's attempts. The 8 × `primes 0..4M`
/// has parts of 0.7 to 1.3 ms, depending on the machine.
pub const MIN_MEASURED_KERNEL_US: u64 = 250;

/// A [`kernel_share`] below this is more than the kernels' model error (within about 15 %
/// per kernel on a quiet machine, docs/language.md): the machine, not the model, made them
/// slow. The page's results panel uses the same figure.
pub const KERNEL_SHARE_MACHINE_BELOW: f64 = 0.85;

/// A [`kernel_share`] above this is also more than the model's error, the other way: the
/// kernels ran faster than their calibration priced them (it was measured while the machine
/// was busier, or, in a browser, before V8 had compiled the engine's hot code at its top
/// tier), so a simulation prices them longer than they take now.
pub const KERNEL_SHARE_FAST_ABOVE: f64 = 1.15;

/// One attempt's share, for pointing at the worst one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptShare {
    /// The task's id.
    pub id: String,
    /// The worker (lane) it ran on.
    pub worker: usize,
    /// Its calibrated duration: the time it asked for (ms).
    pub asked_ms: f64,
    /// The wall time it took (ms).
    pub took_ms: f64,
}

/// The share of the time they asked for that a run's workers got (see the module doc).
/// Present in real runs with at least one `cpu` attempt of [`MIN_MEASURED_US`] or more that
/// ran to its end (`ok` or a planned failure); absent in simulations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CpuShare {
    /// `asked_ms / took_ms`: 1 means the workers had their cores to themselves; 0.6 means
    /// they got 60 % of the time they asked for and the rest went to other work on the
    /// machine. A little above 1 can happen when the calibration ran under load.
    pub share: f64,
    /// The measured attempts' calibrated durations, summed (ms).
    pub asked_ms: f64,
    /// The wall time those attempts took, summed (ms).
    pub took_ms: f64,
    /// How many attempts were measured.
    pub attempts: usize,
    /// Per worker lane, its own share (`null` for a lane that ran no measured attempt).
    pub workers: Vec<Option<f64>>,
    /// The measured attempt that got the least of what it asked for.
    pub least: Option<AttemptShare>,
    /// Natively: the CPU time the measured attempts' threads really got (ms, from the
    /// thread CPU clock); `null` where there is no such clock (the browser).
    #[serde(default)]
    pub cpu_ms: Option<f64>,
}

/// The share of a run of `graph` on `workers` lanes whose records are `tasks` (in graph
/// order), over its `cpu` attempts, or `None` when it has no measured attempt.
pub fn cpu_share(graph: &Graph, tasks: &[TaskRecord], workers: usize) -> Option<CpuShare> {
    share_of(graph, tasks, workers, MIN_MEASURED_US, |work| match work {
        Work::Cpu { duration_us } => Some(*duration_us),
        _ => None,
    })
}

/// The same share over the run's kernel attempts, each asking for its modelled duration
/// under the current calibration (`crate::graph::kernel::calibration`): the time the
/// kernel's cost model, measured on one idle core of this machine, says it takes. Unlike a
/// `cpu` task's, that time is a model's, off by its error (docs/language.md gives it per
/// kernel, within about 15 % on a quiet machine), so a share a little below 1 is the model
/// and a much lower one the machine. `None` when the run has no kernel attempt modelled at
/// [`MIN_MEASURED_KERNEL_US`] or more that ran to its end.
pub fn kernel_share(graph: &Graph, tasks: &[TaskRecord], workers: usize) -> Option<CpuShare> {
    share_of(
        graph,
        tasks,
        workers,
        MIN_MEASURED_KERNEL_US,
        |work| match work {
            Work::Kernel(k) => Some(k.modelled_us()),
            _ => None,
        },
    )
}

/// The share over the attempts whose work `asked` prices at `min_us` or more (the rest are
/// left out).
fn share_of(
    graph: &Graph,
    tasks: &[TaskRecord],
    workers: usize,
    min_us: crate::graph::Micros,
    asked: impl Fn(&Work) -> Option<crate::graph::Micros>,
) -> Option<CpuShare> {
    let mut lanes = vec![(0.0f64, 0.0f64); workers.max(1)];
    let (mut asked_ms, mut took, mut n) = (0.0, 0.0, 0usize);
    let mut least: Option<(f64, AttemptShare)> = None;
    for (task, rec) in graph.tasks.iter().zip(tasks) {
        let Some(duration_us) = asked(&task.work) else {
            continue;
        };
        if duration_us < min_us {
            continue;
        }
        let want = duration_us as f64 / 1000.0;
        for a in rec.attempts.iter().filter(|a| ran_to_end(a)) {
            let len = (a.end_ms - a.start_ms).max(1e-6);
            asked_ms += want;
            took += len;
            n += 1;
            if let Some(l) = lanes.get_mut(a.worker) {
                l.0 += want;
                l.1 += len;
            }
            let s = want / len;
            if least.as_ref().is_none_or(|(best, _)| s < *best) {
                let share = AttemptShare {
                    id: rec.id.clone(),
                    worker: a.worker,
                    asked_ms: want,
                    took_ms: len,
                };
                least = Some((s, share));
            }
        }
    }
    if n == 0 {
        return None;
    }
    Some(CpuShare {
        share: asked_ms / took,
        asked_ms,
        took_ms: took,
        attempts: n,
        workers: lanes
            .iter()
            .map(|&(a, t)| (t > 0.0).then(|| a / t))
            .collect(),
        least: least.map(|(_, a)| a),
        cpu_ms: None,
    })
}

/// Whether an attempt ran its whole work: ok, or a planned failure (which fails after its
/// work); a timeout or a cancel cut it short.
fn ran_to_end(a: &Attempt) -> bool {
    matches!(a.status, Status::Ok | Status::Failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parse_dag;

    fn record(id: &str, attempts: Vec<(usize, f64, f64, Status)>) -> TaskRecord {
        let attempts: Vec<Attempt> = attempts
            .into_iter()
            .map(|(worker, start_ms, end_ms, status)| Attempt {
                worker,
                start_ms,
                end_ms,
                duration_ms: end_ms - start_ms,
                status,
                reason: None,
            })
            .collect();
        let last = attempts.last().cloned().unwrap();
        TaskRecord {
            id: id.into(),
            worker: last.worker,
            start_ms: last.start_ms,
            end_ms: last.end_ms,
            status: last.status,
            ready_ms: None,
            unblocked_ms: None,
            attempts,
            value: None,
        }
    }

    #[test]
    fn the_share_is_asked_over_took_weighted_by_time() {
        let g = parse_dag("a : cpu 10ms\nb : cpu 30ms\nc : io 50ms\nd : cpu 100us")
            .graph
            .unwrap();
        let tasks = vec![
            record("a", vec![(0, 0.0, 10.0, Status::Ok)]),
            record("b", vec![(1, 0.0, 60.0, Status::Ok)]), // got half of its core
            record("c", vec![(0, 10.0, 200.0, Status::Ok)]), // io: not CPU work, ignored
            record("d", vec![(0, 200.0, 205.0, Status::Ok)]), // too short to judge, ignored
        ];
        let s = cpu_share(&g, &tasks, 2).unwrap();
        assert_eq!(s.attempts, 2);
        assert!((s.share - 40.0 / 70.0).abs() < 1e-9);
        assert_eq!(s.workers, vec![Some(1.0), Some(0.5)]);
        let least = s.least.unwrap();
        assert_eq!(
            (least.id.as_str(), least.worker, least.took_ms),
            ("b", 1, 60.0)
        );
    }

    #[test]
    fn cut_attempts_do_not_count_and_a_run_without_cpu_work_has_no_share() {
        let g = parse_dag("a : cpu 10ms timeout 5ms retry 1\nb : io 5ms")
            .graph
            .unwrap();
        let tasks = vec![
            record(
                "a",
                vec![(0, 0.0, 5.0, Status::Timeout), (0, 5.0, 25.0, Status::Ok)],
            ),
            record("b", vec![(1, 0.0, 5.0, Status::Ok)]),
        ];
        let s = cpu_share(&g, &tasks, 2).unwrap();
        assert_eq!(s.attempts, 1);
        assert!((s.share - 0.5).abs() < 1e-9);
        assert_eq!(s.workers, vec![Some(0.5), None]);
        let g = parse_dag("b : io 5ms").graph.unwrap();
        assert!(cpu_share(&g, &[record("b", vec![(0, 0.0, 5.0, Status::Ok)])], 1).is_none());
    }

    #[test]
    fn kernels_ask_for_their_modelled_duration_and_cpu_work_is_apart() {
        let g = parse_dag("a : primes 0..4M\nb : cpu 10ms\nc : primes 0..10\nd : io 5ms")
            .graph
            .unwrap();
        let Work::Kernel(k) = &g.tasks[0].work else {
            panic!("a is a kernel task");
        };
        let modelled = k.modelled_us() as f64 / 1000.0;
        assert!(modelled >= 1.0, "primes 0..4M is modelled at {modelled} ms");
        let tasks = vec![
            record("a", vec![(1, 0.0, 2.0 * modelled, Status::Ok)]), // half its model
            record("b", vec![(0, 0.0, 10.0, Status::Ok)]),
            record("c", vec![(0, 10.0, 11.0, Status::Ok)]), // too short to judge
            record("d", vec![(0, 11.0, 16.0, Status::Ok)]),
        ];
        let s = kernel_share(&g, &tasks, 2).unwrap();
        assert_eq!(s.attempts, 1);
        assert!((s.share - 0.5).abs() < 1e-9);
        assert!((s.asked_ms - modelled).abs() < 1e-9);
        assert_eq!(s.workers, vec![None, Some(0.5)]);
        assert_eq!(s.least.unwrap().id, "a");
        let c = cpu_share(&g, &tasks, 2).unwrap();
        assert_eq!(
            (c.attempts, c.share),
            (1, 1.0),
            "the kernel is not cpu work"
        );
        let g = parse_dag("b : cpu 10ms").graph.unwrap();
        assert!(kernel_share(&g, &[record("b", vec![(0, 0.0, 10.0, Status::Ok)])], 1).is_none());
    }
}
