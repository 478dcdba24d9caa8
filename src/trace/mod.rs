//! What a run produced: per-task records and the run's result, in the JSON shape the page,
//! the CLI and the tests share; plus its exports (Chrome trace, text Gantt chart, SVG Gantt chart).

mod build;
pub mod chrome;
pub mod gantt;
pub mod import;
mod json;
pub mod svg;
mod value;

/// How a task or an attempt ended: the scheduler's outcome vocabulary, defined there.
pub use crate::sched::Status;
pub use build::{run_result, run_result_with};
pub use json::write_json;
pub use value::{reduce, Value};

use crate::metrics::{CpuShare, Metrics};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One attempt of a task, in ms from the start of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// 0-based worker index.
    pub worker: usize,
    /// When it started.
    pub start_ms: f64,
    /// When it ended (or was cancelled, or timed out).
    pub end_ms: f64,
    /// end − start: how long it took, measured in a real run (simulated in a simulation).
    #[serde(default)]
    pub duration_ms: f64,
    /// `ok`, `failed`, `timeout` or `cancelled`.
    pub status: Status,
    /// Why a cancelled attempt was cancelled, when it is not the run's fail-fast:
    /// `"lost the hedge"` (its other copy ended first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One task's record. `worker`, `start_ms` and `end_ms` are those of its last attempt;
/// a task that never ran (skipped, cancelled before starting) has worker 0 and
/// `start_ms == end_ms ==` the time it was skipped or cancelled. `status` is how the task
/// ended (which is its last attempt's status, except for a task cancelled during a backoff).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    /// The task's id.
    pub id: String,
    /// Worker of its last attempt.
    pub worker: usize,
    /// Start of its last attempt.
    pub start_ms: f64,
    /// End of its last attempt.
    pub end_ms: f64,
    /// How the task ended.
    pub status: Status,
    /// When all its dependencies had ended (`null` if never).
    #[serde(default)]
    pub ready_ms: Option<f64>,
    /// When its first attempt got past its limits (`null` if never).
    #[serde(default)]
    pub unblocked_ms: Option<f64>,
    /// Every attempt, in order.
    #[serde(default)]
    pub attempts: Vec<Attempt>,
    /// The value it produced (`null` if it did not end `ok`).
    #[serde(default)]
    pub value: Option<Value>,
}

/// The result of one run. Times are milliseconds from the start of the run, all on one
/// time base (`performance.timeOrigin + performance.now()` in the browser).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// Which executor ran: `threads`, `workers`, `simulated`, ...
    pub mode: String,
    /// Number of workers.
    pub workers: usize,
    /// From the start of the run to the end of its last attempt.
    pub makespan_ms: f64,
    /// The sum of the tasks' modelled durations: what one idle worker would need (T1);
    /// `metrics.measured_work_ms` is the measured counterpart in a real run.
    pub sequential_ms: f64,
    /// The scheduling policy used (`critical-path`, `fifo`, ...).
    #[serde(default)]
    pub policy: String,
    /// The seed of the run's random draws.
    #[serde(default)]
    pub seed: u64,
    /// max(span, work / workers): no schedule can be shorter.
    #[serde(default)]
    pub lower_bound_ms: f64,
    /// Total work T1 (equal to `sequential_ms`).
    #[serde(default)]
    pub work_ms: f64,
    /// Span T∞: the longest cost-weighted path.
    #[serde(default)]
    pub span_ms: f64,
    /// The values of the sink tasks, by id (`null` for a sink that produced none).
    #[serde(default)]
    pub result: BTreeMap<String, Option<Value>>,
    /// In declaration order.
    pub tasks: Vec<TaskRecord>,
    /// Metrics of the run (absent in results from before metrics existed).
    #[serde(default)]
    pub metrics: Option<Metrics>,
    /// The calibration that priced the graph's kernel tasks (`source`: measured here, or
    /// the committed default), when it has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel_calibration: Option<crate::graph::kernel::KernelCalibration>,
    /// Simulations with a dispatch cost (`SimOptions::dispatch_us`): the ms charged to each
    /// attempt sent to a worker. Absent in exact simulations and in real runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch_ms: Option<f64>,
    /// The shared counter of the race-condition lesson, in real runs of graphs with
    /// `counter` tasks; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<CounterReport>,
    /// Real runs: the share of the time they asked for that the workers got (see
    /// [`CpuShare`]); below 1 when something else on the machine took their cores. Absent
    /// in simulations and in runs without a measurable `cpu` attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_share: Option<CpuShare>,
    /// Real runs: the same share over the kernel attempts, each asking for its modelled
    /// duration (see [`crate::metrics::kernel_share`]): below the model's error, the machine
    /// ran them slower than it did when it was calibrated. Absent in simulations and in runs
    /// without a kernel attempt modelled at 0.25 ms or more (`MIN_MEASURED_KERNEL_US`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel_share: Option<CpuShare>,
    /// `policy work-stealing`: the steals and failed steals (absent under other policies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steals: Option<StealReport>,
    /// `batch N`: every dispatch that carried more than one member (absent when none did).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batches: Option<Vec<BatchRecord>>,
    /// `workers MIN..MAX`: how the autoscaling pool grew and shrank (absent for a fixed pool).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<PoolReport>,
    /// Circuit breakers (`breaker`): each one's states over the run, for the timeline's
    /// band per resource. Absent when the graph declares none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breakers: Vec<BreakerBand>,
    /// Deadlocks the scheduler found (`uses a then b`), in the order found.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deadlocks: Vec<DeadlockReport>,
    /// The graph's groups (`group NAME { … }`), parents first, for the timeline's brackets
    /// and the DAG view's boxes. Absent when the graph has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupReport>,
}

/// One group of a run: where it sits in the group tree, its settings, its own tasks, and
/// when its members (nested groups' included) ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupReport {
    pub name: String,
    /// The enclosing group's name (`null`: at top level).
    pub parent: Option<String>,
    /// `workers N`: the cap (`null`: none).
    pub workers: Option<u32>,
    /// `on_error` of the group (`null`: it inherits).
    pub on_error: Option<crate::graph::OnError>,
    /// Its own tasks' ids (not those of nested groups), in declaration order.
    pub tasks: Vec<String>,
    /// The first start of an attempt of a member (`null`: none ran).
    pub start_ms: Option<f64>,
    /// The last end of an attempt of a member.
    pub end_ms: Option<f64>,
    /// With a cap: the most attempts of members the scheduler had running at once (at most
    /// `workers`).
    pub peak: Option<u32>,
}

/// An autoscaling pool's run: its lanes and what it cost against a fixed pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolReport {
    /// Workers on from the start; the fewest the pool kept.
    pub min: usize,
    /// The most workers it could have (`workers` of the result).
    pub max: usize,
    /// The most workers that were on at once.
    pub peak: usize,
    /// `scale_up`, `scale_down`, `worker_start`, in ms.
    pub scale_up_ms: f64,
    pub scale_down_ms: f64,
    pub worker_start_ms: f64,
    /// How a start-up's length was known: `"modelled"` (a simulation, or a real run with no
    /// worker to start: `worker_start` was waited out), else what the executor measured:
    /// `"fresh Web Worker"`, `"woken thread"` or `"fresh OS thread"`.
    #[serde(default = "modelled")]
    pub start_source: String,
    /// Each scale-up's start-up, asked for → ready, in ms, in order: the modelled
    /// `worker_start` each time in a simulation, what it really took in a real run whose
    /// `start_source` is not `"modelled"` (the timeline's hatched stretches).
    #[serde(default)]
    pub starts_ms: Vec<f64>,
    /// Each time a worker was on: asked for at `start_ms`, took work from `ready_ms`,
    /// stopped at `stop_ms` (`null`: still on at the end of the run).
    pub lanes: Vec<PoolLane>,
    /// Worker-seconds the pool used: the sum over `lanes` of (stop, or the makespan) − start.
    pub worker_seconds: f64,
    /// What a fixed pool of `max` workers uses over the same makespan.
    pub fixed_worker_seconds: f64,
}

fn modelled() -> String {
    "modelled".into()
}

/// One stretch of a worker being on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolLane {
    pub worker: usize,
    pub start_ms: f64,
    pub ready_ms: f64,
    pub stop_ms: Option<f64>,
}

/// One batch: `members` ran back to back on `worker`, from `start_ms` (the first member's
/// start) to `end_ms` (the last member's end), as measured in a real run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchRecord {
    /// The worker that ran them.
    pub worker: usize,
    /// The first member's start.
    pub start_ms: f64,
    /// The last member's end.
    pub end_ms: f64,
    /// The members' task ids, in the order they ran.
    pub members: Vec<String>,
}

/// What work stealing did in a `policy work-stealing` run (absent under other policies).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StealReport {
    /// Successful steals.
    pub steals: u64,
    /// Victim draws that found an empty deque.
    pub failed_steals: u64,
    /// `steal_cost`: how long each steal delayed its attempt in a simulation (ms); a real
    /// run measures it (a stolen attempt's start minus `at_ms`).
    pub steal_cost_ms: f64,
    /// Every steal, in the order they happened.
    pub marks: Vec<StealRecord>,
}

/// One steal: `worker` took attempt `attempt` of task `task` from `victim`'s deque.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StealRecord {
    /// The stolen task's id.
    pub task: String,
    /// The 1-based attempt that then started.
    pub attempt: u32,
    /// The thief.
    pub worker: usize,
    /// The worker whose deque it came from.
    pub victim: usize,
    /// When the steal was decided.
    pub at_ms: f64,
}

/// A deadlock: the cycle, named (`"t1 holds a, waits for b; t2 holds b, waits for a"`),
/// the tasks it froze, and how `on_deadlock` resolved it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadlockReport {
    /// When it was found.
    pub at_ms: f64,
    /// The cycle in words.
    pub cycle: String,
    /// Every task frozen by it, in declaration order.
    pub frozen: Vec<String>,
    /// `fail-run` (the run was stopped) or `fail-youngest`.
    pub resolution: String,
    /// The task whose attempt was failed (`fail-youngest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub victim: Option<String>,
}

/// One breaker's states over a run: closed from 0, then each change in time order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakerBand {
    /// The resource it guards.
    pub resource: String,
    /// Every change: from `at_ms` on, `state` (`"open"`, `"half-open"` or `"closed"`).
    pub changes: Vec<BreakerChangeMs>,
}

/// A breaker's state from `at_ms` on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakerChangeMs {
    pub at_ms: f64,
    pub state: String,
}

/// What happened to the shared counter of the `counter` kernel in one real run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterReport {
    /// Additions the counter tasks made: N for each attempt that ran.
    pub expected: u64,
    /// What the counter held at the end (in `workers` mode: the sum over the workers'
    /// separate memories, each with its own counter).
    pub actual: u64,
    /// `expected - actual`: updates lost to races (0 with `atomic`, or with no shared memory).
    pub lost: u64,
}
