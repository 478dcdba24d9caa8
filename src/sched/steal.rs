//! Work stealing (`policy work-stealing`): one deque per worker instead of one central
//! ready queue.
//!
//! - A task made ready by a worker's finished attempt goes on the back of that worker's
//!   deque; sources are dealt round-robin (source `k` to worker `k % workers`).
//! - A free worker pops the back of its own deque (newest first, LIFO). When its deque is
//!   empty it steals the front (oldest, FIFO) of a victim's deque. Victims are drawn from
//!   a SplitMix64 stream seeded by the run's seed: a draw that lands on an empty deque is
//!   a *failed steal*; after `workers - 1` failed draws in a row the worker scans the
//!   other deques in order from the last draw (so a steal always succeeds when some deque
//!   has work). When every deque is empty the worker sleeps and tries no steal.
//! - Each steal may cost `steal_cost` (the stolen attempt starts that much later in a
//!   simulation); every steal is recorded as a [`StealMark`].

use super::rng::{mix64, SplitMix64};
use crate::graph::Micros;
use std::collections::VecDeque;

/// Domain tag of the victim stream, so it is independent of the failure draws.
const STEAL_DOMAIN: u64 = 0x7374_6561; // "stea"

/// One steal: `thief` took `task` (its attempt `attempt`) from `victim`'s deque at `at_us`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StealMark {
    /// Index into `Graph::tasks`.
    pub task: u32,
    /// The 1-based attempt the stolen task then started.
    pub attempt: u32,
    /// The worker that stole.
    pub thief: u32,
    /// The worker whose deque it was taken from.
    pub victim: u32,
    /// When the steal was decided (the attempt starts `steal_cost` later in a simulation).
    pub at_us: Micros,
}

/// The per-worker deques of a work-stealing run, with the steal counters.
#[derive(Debug, Clone)]
pub struct Deques {
    queues: Vec<VecDeque<u32>>,
    len: usize,
    next_source: usize,
    rng: SplitMix64,
    /// Every successful steal, in the order they happened.
    pub marks: Vec<StealMark>,
    /// Victim draws that found an empty deque.
    pub failed: u64,
}

impl Deques {
    /// Empty deques for `workers` workers (at least 1), victims drawn from `seed`.
    pub fn new(workers: usize, seed: u64) -> Deques {
        Deques {
            queues: vec![VecDeque::new(); workers.max(1)],
            len: 0,
            next_source: 0,
            rng: SplitMix64::new(mix64(seed ^ STEAL_DOMAIN)),
            marks: Vec::new(),
            failed: 0,
        }
    }

    /// Puts `task` on the back of `worker`'s deque (a worker index out of range wraps).
    pub fn push(&mut self, worker: usize, task: u32) {
        let n = self.queues.len();
        self.queues[worker % n].push_back(task);
        self.len += 1;
    }

    /// Deals a source task to the next worker in round-robin order.
    pub fn push_source(&mut self, task: u32) {
        let w = self.next_source;
        self.next_source = (w + 1) % self.queues.len();
        self.push(w, task);
    }

    /// What free `worker` runs next: the newest task of its own deque, else the oldest
    /// task of a victim, as `(task, Some(victim))`. `None` when every deque is empty.
    pub fn take(&mut self, worker: usize) -> Option<(u32, Option<u32>)> {
        if self.len == 0 {
            return None;
        }
        let n = self.queues.len();
        let me = worker % n;
        if let Some(t) = self.queues[me].pop_back() {
            self.len -= 1;
            return Some((t, None));
        }
        // Some other deque has work. Draw victims among the other workers.
        let mut v = me;
        for _ in 0..n - 1 {
            v = (me + 1 + self.rng.below(n as u64 - 1) as usize) % n;
            if !self.queues[v].is_empty() {
                return Some((self.steal_from(v), Some(v as u32)));
            }
            self.failed += 1;
        }
        // Unlucky draws: the first non-empty deque after the last one drawn.
        let v = (1..n)
            .map(|k| (v + k) % n)
            .find(|&u| u != me && !self.queues[u].is_empty())?;
        Some((self.steal_from(v), Some(v as u32)))
    }

    fn steal_from(&mut self, v: usize) -> u32 {
        self.len -= 1;
        self.queues[v].pop_front().expect("non-empty deque")
    }

    /// Tasks waiting in all deques.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether every deque is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Empties every deque (the counters stay).
    pub fn clear(&mut self) {
        self.queues.iter_mut().for_each(VecDeque::clear);
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_deque_is_lifo_and_steals_are_fifo() {
        let mut d = Deques::new(2, 0);
        d.push(0, 1);
        d.push(0, 2);
        d.push(0, 3);
        assert_eq!(d.take(0), Some((3, None)), "own: newest first");
        assert_eq!(d.take(1), Some((1, Some(0))), "steal: oldest first");
        assert_eq!(d.take(1), Some((2, Some(0))));
        assert_eq!(d.take(1), None);
        assert_eq!(
            d.failed, 0,
            "with two workers the only victim is the other one"
        );
    }

    #[test]
    fn sources_are_dealt_round_robin_and_draws_are_seeded() {
        let mut d = Deques::new(3, 7);
        for t in 0..6 {
            d.push_source(t);
        }
        assert_eq!(d.take(0), Some((3, None)));
        assert_eq!(d.take(1), Some((4, None)));
        assert_eq!(d.take(2), Some((5, None)));
        let run = |seed| {
            let mut d = Deques::new(8, seed);
            d.push(7, 0);
            let got = d.take(0);
            (got, d.failed)
        };
        assert_eq!(run(1), run(1));
        assert_eq!(
            run(1).0,
            Some((0, Some(7))),
            "a steal succeeds when work exists"
        );
        assert!((0..20).any(|s| run(s).1 > 0), "some seeds miss first");
    }
}
