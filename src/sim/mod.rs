//! The simulator: runs a graph on virtual workers in virtual time with the one scheduler
//! ([`crate::sched::Scheduler`]), exactly and reproducibly.
//!
//! Event-driven: a binary heap of attempt ends in virtual µs; O((tasks + edges) log tasks).
//! Each attempt lasts its task's nominal duration (cut at its timeout), and fails as its
//! [`crate::sched::AttemptPlan`] says. Simultaneous events are handled in a fixed order:
//! attempt ends at the same µs in the order the attempts were started, then every start
//! the scheduler grants at that time. The same graph and options always give the same run.

mod engine;
pub mod seeds;
pub mod testkit;

pub use engine::run;
pub use seeds::{sweep, SeedSweep};

use crate::graph::{Graph, OnError, Policy};
use crate::sched::{SchedConfig, Scheduler};
use crate::trace::{run_result, RunResult};
use serde::{Deserialize, Serialize};

/// What to override in a graph's declarations for one simulation. `None` keeps the
/// graph's declaration, or the default ([`crate::sched::DEFAULT_WORKERS`] workers,
/// `critical-path`, seed 0, `fail-fast`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimOptions {
    /// Number of workers (at least 1).
    pub workers: Option<usize>,
    /// Scheduling policy.
    pub policy: Option<Policy>,
    /// Seed of the random draws (failures, `random` policy).
    pub seed: Option<u64>,
    /// What a task that failed for good does to the rest of the run.
    pub on_error: Option<OnError>,
    /// The executor's dispatch cost to charge each attempt sent to a worker, in µs (see
    /// `SchedConfig::dispatch_us`): a real pool's measured message round trip, so that the
    /// simulation prices what the real run will pay. `None` or 0: the exact, ideal
    /// schedule. A result simulated with one says so in its `dispatch_ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch_us: Option<crate::graph::Micros>,
}

/// The largest dispatch cost a simulation charges (10 s): more is clamped to it.
pub const MAX_DISPATCH_US: crate::graph::Micros = 10_000_000;

impl SimOptions {
    /// The scheduler settings these options give for `graph`.
    pub fn config(&self, graph: &Graph) -> SchedConfig {
        SchedConfig {
            dispatch_us: self.dispatch_us.unwrap_or(0).min(MAX_DISPATCH_US),
            ..SchedConfig::for_graph(graph, self.workers, self.policy, self.seed, self.on_error)
        }
    }
}

/// Simulates `graph` under `opts`: the full [`RunResult`] with `mode: "simulated"`.
/// Fails only on a graph the scheduler refuses (cyclic, invalid, zero workers).
pub fn simulate(graph: &Graph, opts: &SimOptions) -> Result<RunResult, String> {
    let mut sched = Scheduler::new(graph, opts.config(graph))?;
    run(&mut sched)?;
    run_result(graph, &sched, "simulated")
}

/// Simulates `graph` and returns only the makespan in µs (no trace built): the fast path
/// for sweeps over worker counts and policies.
pub fn makespan_us(graph: &Graph, opts: &SimOptions) -> Result<u64, String> {
    let mut sched = Scheduler::new(graph, opts.config(graph))?;
    run(&mut sched)
}
