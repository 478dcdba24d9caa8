//! What a run produced: per-task records and the run's result, in the JSON shape the page,
//! the CLI and the tests share.

use serde::{Deserialize, Serialize};

/// How a task's (last) attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Failed,
    Timeout,
    Cancelled,
    Skipped,
}

/// One task's record: where and when it ran, in ms from the start of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    pub id: String,
    pub worker: usize,
    pub start_ms: f64,
    pub end_ms: f64,
    pub status: Status,
}

/// The result of one run. Times are milliseconds from the start of the run, all on one
/// time base (`performance.timeOrigin + performance.now()` in the browser).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// Which executor ran: `threads`, `workers`, `simulated`, ...
    pub mode: String,
    pub workers: usize,
    /// From the start of the run to the end of its last task.
    pub makespan_ms: f64,
    /// The sum of the tasks' nominal durations: what one worker would need.
    pub sequential_ms: f64,
    /// In declaration order.
    pub tasks: Vec<TaskRecord>,
}
