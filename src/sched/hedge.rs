//! Hedged requests (`hedge <duration>`): if an attempt has not ended that long after it
//! started, a second copy starts on another free worker (counting against the same limits
//! and rates). The first copy to end `ok` wins; the other is cancelled, "lost the hedge".
//! A copy that fails while the other still runs just ends; the other goes on. At most two
//! copies of a task run at once, and a copy is never hedged again.
//!
//! This module keeps the bookkeeping; `core/` makes the decisions with it.

use crate::graph::Micros;
use rustc_hash::{FxHashMap, FxHashSet};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// The reason a hedge loser's attempt carries in results.
pub const LOST_THE_HEDGE: &str = "lost the hedge";

/// A running hedge copy of a task (the task's slot holds the other, "primary", copy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Copy {
    pub worker: u32,
    pub start: Micros,
    /// The copy's attempt number (the task's latest).
    pub attempt: u32,
    /// The attempt number of the primary copy it hedges.
    pub primary_attempt: u32,
}

/// Hedge timers, due hedges, running copies, and what was lost.
#[derive(Debug, Clone, Default)]
pub(crate) struct Hedges {
    /// (due time, task, attempt of the primary): when that attempt becomes hedgeable.
    pub timers: BinaryHeap<Reverse<(Micros, u32, u32)>>,
    /// Tasks whose hedge is due, waiting for a free worker or room in a limit, oldest first.
    pub due: VecDeque<u32>,
    /// The running copy of each task that has one.
    pub copies: FxHashMap<u32, Copy>,
    /// Copies started per task (they do not use up `retry`).
    pub extra: FxHashMap<u32, u32>,
    /// (task, attempt) of every attempt cancelled because the other copy won.
    pub lost: FxHashSet<(u32, u32)>,
    /// (task, worker) of lost attempts whose real executor has not reported their end yet:
    /// that report is accepted and ignored.
    pub unreported: FxHashSet<(u32, u32)>,
    /// Copies started in the run.
    pub started: u32,
    /// (task, worker) of attempts lost since the caller last asked (`take_lost`): a real
    /// executor stops them.
    pub just_lost: Vec<(u32, u32)>,
}

impl Hedges {
    /// Copies started for `task` so far.
    pub fn extra(&self, task: usize) -> u32 {
        self.extra.get(&(task as u32)).copied().unwrap_or(0)
    }

    /// The earliest pending hedge timer.
    pub fn next_timer(&self) -> Option<Micros> {
        self.timers.peek().map(|Reverse((t, _, _))| *t)
    }

    /// Forgets everything pending (fail-fast).
    pub fn clear_pending(&mut self) {
        self.timers.clear();
        self.due.clear();
    }
}
