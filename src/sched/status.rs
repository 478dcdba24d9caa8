//! How a task or an attempt ended: the scheduler decides it, and traces, metrics and every
//! face report it (`crate::trace` re-exports it).

use serde::{Deserialize, Serialize};

/// How a task or an attempt ended. Serialized lowercase (`"ok"`, `"failed"`, …), the
/// spelling the RunResult JSON, the page and the CLI share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Failed,
    Timeout,
    Cancelled,
    Skipped,
    /// Refused at once, without running, by an open circuit breaker (`breaker`).
    Rejected,
}
