//! Policies as orderings: every policy is a key, and the scheduler always starts the
//! startable task with the largest key.
//!
//! Keys are `(primary, secondary)`; remaining ties go to the task declared first (lower
//! index). So every choice is deterministic.
//!
//! | policy          | primary                               | secondary      |
//! |-----------------|---------------------------------------|----------------|
//! | `critical-path` | bottom level (longest path to an end) | 0              |
//! | `fifo`          | earlier time of becoming ready        | 0              |
//! | `priority`      | `priority` (larger first)             | bottom level   |
//! | `waves`         | bottom level (order inside a wave)    | 0              |
//! | `random`        | seeded hash of (seed, task)           | 0              |

use super::rng::order_key;
use crate::graph::{Micros, Policy};

/// The ordering key of a task; larger first.
pub type Key = (u64, u64);

/// Computes policy keys from per-task data.
#[derive(Debug, Clone)]
pub struct Ordering {
    pub policy: Policy,
    pub seed: u64,
}

impl Ordering {
    /// The key of `task` that became ready at `time`, with bottom level `bottom` and
    /// declared `priority`.
    #[inline]
    pub fn key(&self, task: usize, time: Micros, bottom: Micros, priority: i64) -> Key {
        match self.policy {
            Policy::CriticalPath | Policy::Waves => (bottom, 0),
            Policy::Fifo => (!time, 0),
            Policy::Priority => ((priority as u64) ^ (1 << 63), bottom),
            Policy::Random => (order_key(self.seed, task), 0),
        }
    }
}
