//! The task-graph model: what a parsed, validated graph is.
//!
//! Invariants of a [`Graph`] built by the language front ends (`crate::lang`):
//! - task ids are unique, and `Graph::index_of` maps each id to its position in `tasks`;
//! - every entry of `Task::deps` is a valid index into `tasks`, is not the task itself, and
//!   appears once;
//! - the dependency relation is acyclic.
//!
//! A `Graph` built by hand may break these; `Graph::check_structure` says whether it holds them.

pub use super::kernel::KernelWork;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A duration in whole microseconds: the unit every time in the core is counted in.
pub type Micros = u64;

/// Where something stands in the source text: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Span {
    pub line: u32,
    pub col: u32,
}

/// What a task does when it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Work {
    /// CPU-bound work that keeps one core busy for `duration_us`.
    Cpu { duration_us: Micros },
    /// Waiting (network, disk, timer) for `duration_us` without using a core.
    Io { duration_us: Micros },
    /// A real compute kernel with a checkable value (see `crate::graph::kernel`); its
    /// cost is the kernel's calibrated cost model.
    Kernel(KernelWork),
}

impl Work {
    /// The modelled cost of the work: the time it takes on one idle worker (a kernel's is
    /// its cost model under the current calibration, `crate::graph::kernel::calibration`).
    pub fn duration_us(&self) -> Micros {
        match self {
            Work::Cpu { duration_us } | Work::Io { duration_us } => *duration_us,
            Work::Kernel(k) => k.modelled_us(),
        }
    }

    /// The language keyword for this kind of work (a kernel's name for a kernel).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Work::Cpu { .. } => "cpu",
            Work::Io { .. } => "io",
            Work::Kernel(k) => k.name(),
        }
    }

    /// Whether the work keeps a core busy (`cpu` and kernels) rather than waiting (`io`).
    pub fn is_compute(&self) -> bool {
        !matches!(self, Work::Io { .. })
    }
}

/// How a task combines the values of its dependencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reduce {
    Sum,
    Count,
    Concat,
    Min,
    Max,
    Vote,
    First,
}

/// Per-task options. `Default` is a task with no retries, no timeout, no failures.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TaskOptions {
    /// Extra attempts after a failed one.
    pub retry: u32,
    /// First wait before a retry; doubles after each failure.
    pub backoff_us: Option<Micros>,
    /// An attempt running longer than this is stopped with status `timeout`.
    pub timeout_us: Option<Micros>,
    /// Probability in [0, 1] that any attempt fails.
    pub fail_probability: f64,
    /// The first this-many attempts fail.
    pub fail_attempts: u32,
    /// Larger runs first under the `priority` policy.
    pub priority: i64,
    /// Resources (declared with `limit` or `rate`) the task holds while it runs.
    pub uses: Vec<String>,
    /// How the task combines its dependencies' values.
    pub reduce: Option<Reduce>,
    /// `batch N`: one dispatch carries up to N ready members of the task's family (the
    /// tasks whose ids are the same name followed by a number, as a range `w[1..N]`
    /// declares), run back to back on one worker. 0 or 1: not batched.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub batch: u32,
    /// A variable duration (`io 100ms..2s`): each attempt draws its own; the work's
    /// `duration_us` is then the expected value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread: Option<super::Spread>,
    /// `hedge D`: an attempt still running after D gets a second copy on another worker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hedge_us: Option<Micros>,
    /// `uses a then b`: the resource taken second, while still holding `uses` (hold and
    /// wait), and the share of the work done before taking it (`uses a 30% then b`: 0.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then_uses: Option<(String, f64)>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The family of a task id for `batch`: the id without its trailing digits (`w17` → `w`).
pub fn batch_family(id: &str) -> &str {
    id.trim_end_matches(|c: char| c.is_ascii_digit())
}

/// One task of a graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// Unique name, as written in the source.
    pub id: String,
    /// Optional human-readable label.
    pub label: Option<String>,
    pub work: Work,
    /// Indices into `Graph::tasks` of the tasks that must finish first.
    pub deps: Vec<usize>,
    pub options: TaskOptions,
    /// Where the task was declared (line 0 when it did not come from text).
    pub span: Span,
}

/// How the scheduler orders ready tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Policy {
    /// Longest remaining cost-weighted path to the end first.
    #[default]
    CriticalPath,
    /// In the order tasks became ready; ties by declaration order.
    Fifo,
    /// By `priority`, then critical path.
    Priority,
    /// Level by level: start every ready task, wait for all, repeat.
    Waves,
    /// Seeded random order.
    Random,
    /// Per-worker deques: a worker runs its newest ready task, an idle one steals the
    /// oldest of a seeded victim (see `crate::sched::steal`).
    WorkStealing,
}

impl Policy {
    /// Every policy, in the order the docs list them.
    pub const ALL: [Policy; 6] = [
        Policy::CriticalPath,
        Policy::Fifo,
        Policy::Priority,
        Policy::Waves,
        Policy::Random,
        Policy::WorkStealing,
    ];

    /// The language keyword for this policy.
    pub fn name(self) -> &'static str {
        match self {
            Policy::CriticalPath => "critical-path",
            Policy::Fifo => "fifo",
            Policy::Priority => "priority",
            Policy::Waves => "waves",
            Policy::Random => "random",
            Policy::WorkStealing => "work-stealing",
        }
    }

    /// Parses a language keyword.
    pub fn from_name(name: &str) -> Option<Policy> {
        Policy::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// What happens to the rest of the run when a task has failed for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnError {
    /// Cancel everything pending or running.
    #[default]
    FailFast,
    /// Mark the failed task's dependents `skipped`; run the rest.
    SkipDependents,
    /// Run dependents with that input marked missing.
    Continue,
}

/// `on_deadlock`: what the scheduler does when tasks holding resources wait for each other
/// in a cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnDeadlock {
    /// Stop the run: every task not yet ended is cancelled.
    #[default]
    FailRun,
    /// Fail the attempt that started last among the cycle (releasing what it holds), as
    /// databases choose a victim; retries and `on_error` apply to it.
    FailYoungest,
}

/// `limit <resource> N`: at most N tasks using the resource run at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Limit {
    pub resource: String,
    pub max: u32,
    pub span: Span,
}

/// `rate <resource> N/s`: a token bucket refilled at `per_second`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    pub resource: String,
    pub per_second: f64,
    pub span: Span,
}

/// `breaker <resource> after N failures open <duration>`: a circuit breaker on a resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakerDecl {
    pub resource: String,
    /// Consecutive failed attempts that open it.
    pub after: u32,
    /// How long it stays open before a probe is let through.
    pub open_us: Micros,
    pub span: Span,
}

/// Graph-wide declarations. `None` means "not declared": the run's settings decide.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Declarations {
    pub workers: Option<u32>,
    pub limits: Vec<Limit>,
    pub rates: Vec<Rate>,
    pub policy: Option<Policy>,
    pub on_error: Option<OnError>,
    pub seed: Option<u64>,
    /// `steal_cost <duration>`: what one steal costs under `policy work-stealing`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steal_cost_us: Option<Micros>,
    /// `workers MIN..MAX`: the smallest pool of an autoscaling pool (`workers` is MAX).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers_min: Option<u32>,
    /// `scale_up D`: a ready task waiting this long for a worker adds one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_up_us: Option<Micros>,
    /// `scale_down D`: a worker idle this long is removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_down_us: Option<Micros>,
    /// `worker_start D`: how long a new worker takes before it takes work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_start_us: Option<Micros>,
    /// What a deadlock does (`on_deadlock`); `None`: `fail-run`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_deadlock: Option<OnDeadlock>,
    /// Circuit breakers (`breaker`), one per resource.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breakers: Vec<BreakerDecl>,
}

/// A task graph: tasks in declaration order, plus declarations.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Graph {
    pub tasks: Vec<Task>,
    pub decls: Declarations,
    /// Nested groups (`group NAME { … }`), parents first; see `crate::graph::groups`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<super::Group>,
}

impl Graph {
    /// The position of the task named `id`. Linear; build a map for repeated lookups.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.tasks.iter().position(|t| t.id == id)
    }

    /// A map from task id to index.
    pub fn id_map(&self) -> HashMap<&str, usize> {
        self.tasks
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), i))
            .collect()
    }

    /// Number of dependency edges.
    pub fn edge_count(&self) -> usize {
        self.tasks.iter().map(|t| t.deps.len()).sum()
    }

    /// For each task, the indices of the tasks that depend on it, in declaration order.
    pub fn successors(&self) -> Vec<Vec<usize>> {
        let mut succ = vec![Vec::new(); self.tasks.len()];
        for (i, t) in self.tasks.iter().enumerate() {
            for &d in &t.deps {
                succ[d].push(i);
            }
        }
        succ
    }

    /// Whether the structural invariants (see the module doc, and `crate::graph::groups`
    /// for groups) hold, except acyclicity, which `crate::graph::topo_order` checks.
    pub fn check_structure(&self) -> Result<(), String> {
        let mut seen = HashMap::new();
        for (i, t) in self.tasks.iter().enumerate() {
            if let Some(j) = seen.insert(t.id.as_str(), i) {
                return Err(format!("tasks {j} and {i} share the id `{}`", t.id));
            }
            let mut deps = t.deps.clone();
            deps.sort_unstable();
            for w in deps.windows(2) {
                if w[0] == w[1] {
                    return Err(format!("task `{}` lists a dependency twice", t.id));
                }
            }
            for &d in &t.deps {
                if d >= self.tasks.len() {
                    return Err(format!(
                        "task `{}` depends on index {d}, out of range",
                        t.id
                    ));
                }
                if d == i {
                    return Err(format!("task `{}` depends on itself", t.id));
                }
            }
        }
        self.check_groups()
    }
}
