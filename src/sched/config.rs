//! What a run is scheduled with: workers, policy, seed, error handling.

use crate::graph::{Graph, Micros, OnError, Policy};

/// The settings of one scheduled run. Build it with [`SchedConfig::for_graph`] to take the
/// graph's declarations and override what the caller (CLI flag, page control) sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchedConfig {
    /// Number of workers, at least 1.
    pub workers: usize,
    /// How ready tasks are ordered.
    pub policy: Policy,
    /// Seed of every random draw (failures, the `random` policy).
    pub seed: u64,
    /// What a task that failed for good does to the rest of the run.
    pub on_error: OnError,
    /// `policy work-stealing`: how long a steal delays the stolen attempt (µs, default 0).
    pub steal_cost_us: Micros,
    /// How long from the scheduler's decision until the worker starts the attempt: the
    /// executor's message round trip (µs, default 0). Only a simulation charges it, to
    /// every attempt dispatched to a worker (a batch's members pay it once, a hedge copy
    /// pays it again); a real run measures its own starts.
    pub dispatch_us: Micros,
    /// `workers MIN..MAX`: the autoscaling pool's size (`None`: a fixed pool of `workers`).
    pub autoscale: Option<AutoscaleConfig>,
}

/// An autoscaling pool of `min..=workers` workers (see `crate::sched::autoscale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutoscaleConfig {
    /// Workers on from the start, and the fewest the pool keeps.
    pub min: usize,
    /// A ready task waiting this long for a worker adds one (default 10 ms).
    pub scale_up_us: Micros,
    /// A worker idle this long is removed (default 100 ms).
    pub scale_down_us: Micros,
    /// How long a new worker takes before it takes work (default 0).
    pub worker_start_us: Micros,
}

/// `scale_up` when the graph does not say.
pub const DEFAULT_SCALE_UP_US: Micros = 10_000;
/// `scale_down` when the graph does not say.
pub const DEFAULT_SCALE_DOWN_US: Micros = 100_000;

/// Workers used when neither the caller nor the graph says.
pub const DEFAULT_WORKERS: usize = 4;

impl SchedConfig {
    /// The graph's declarations, each overridden by the corresponding `Some` argument;
    /// defaults: [`DEFAULT_WORKERS`] workers, `critical-path`, seed 0, `fail-fast`.
    pub fn for_graph(
        graph: &Graph,
        workers: Option<usize>,
        policy: Option<Policy>,
        seed: Option<u64>,
        on_error: Option<OnError>,
    ) -> SchedConfig {
        let d = &graph.decls;
        let workers = workers
            .or(d.workers.map(|w| w as usize))
            .unwrap_or(DEFAULT_WORKERS);
        SchedConfig {
            workers,
            autoscale: d
                .workers_min
                .map(|m| (m as usize).clamp(1, workers.max(1)))
                .filter(|&m| m < workers)
                .map(|min| AutoscaleConfig {
                    min,
                    scale_up_us: d.scale_up_us.unwrap_or(DEFAULT_SCALE_UP_US),
                    scale_down_us: d.scale_down_us.unwrap_or(DEFAULT_SCALE_DOWN_US),
                    worker_start_us: d.worker_start_us.unwrap_or(0),
                }),
            policy: policy.or(d.policy).unwrap_or_default(),
            seed: seed.or(d.seed).unwrap_or(0),
            on_error: on_error.or(d.on_error).unwrap_or_default(),
            steal_cost_us: d.steal_cost_us.unwrap_or(0),
            dispatch_us: 0,
        }
    }

    /// Default settings on `workers` workers.
    pub fn with_workers(workers: usize) -> SchedConfig {
        SchedConfig {
            workers,
            policy: Policy::default(),
            seed: 0,
            on_error: OnError::default(),
            steal_cost_us: 0,
            dispatch_us: 0,
            autoscale: None,
        }
    }
}
