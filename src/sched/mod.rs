//! The scheduler: decides which ready task starts on which free worker, for simulated and
//! real runs alike.
//!
//! [`Scheduler`] has no clock and no executor: a caller (the simulator in `crate::sim`, or
//! [`crate::exec::RunDriver`] for real executors) loops
//!
//! ```text
//! while !s.is_done() {
//!     while let Some(start) = s.next(now) { run start.task on start.worker }
//!     wait until an attempt ends (s.finish(task, outcome, now)) or s.next_wakeup()
//! }
//! ```
//!
//! with `now` in µs since the start of the run. Policies, limits, rates, retries with
//! backoff, timeouts and error handling all live here; see `DESIGN.md` in this folder for
//! the states and invariants.

pub mod autoscale;
pub mod batch;
pub mod breaker;
mod config;
mod core;
pub mod deadlock;
mod gate;
pub mod hedge;
mod index;
mod limits;
mod policy;
pub mod rng;
mod status;
pub mod steal;

pub use self::autoscale::{Autoscaler, PoolEvent, PoolEventKind};
pub use self::batch::{BatchMark, Families};
pub use self::config::{AutoscaleConfig, SchedConfig, DEFAULT_WORKERS};
pub use self::core::{
    AttemptPlan, AttemptRecord, Outcome, Scheduler, Start, TaskEnd, TaskState, Waits,
};
pub use self::index::{prepare, prepare_with, Csr, Prepared};
pub use self::policy::{Key, Ordering, RankSet, ReadyQueue};
pub use self::status::Status;
pub use self::steal::{Deques, StealMark};
