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
//! | `random`        | seeded 40-bit hash of (seed, task)    | 0              |
//! | `work-stealing` | bottom level (gated tasks only: the rest live in per-worker deques, `steal.rs`) | 0 |

use super::rng::order_key;
use crate::graph::{Micros, Policy};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The ordering key of a task; larger first.
pub type Key = (u64, u64);

/// Computes policy keys from per-task data.
#[derive(Debug, Clone)]
pub struct Ordering {
    /// The policy whose keys these are.
    pub policy: Policy,
    /// Seed of the `random` policy's keys.
    pub seed: u64,
}

impl Ordering {
    /// The key of `task` that became ready at `time`, with bottom level `bottom` and
    /// declared `priority`.
    #[inline]
    pub fn key(&self, task: usize, time: Micros, bottom: Micros, priority: i64) -> Key {
        match self.policy {
            Policy::CriticalPath | Policy::Waves | Policy::WorkStealing => (bottom, 0),
            Policy::Fifo => (!time, 0),
            Policy::Priority => ((priority as u64) ^ (1 << 63), bottom),
            Policy::Random => (order_key(self.seed, task) >> 24, 0),
        }
    }
}

/// The tasks that are ready (past their limits) and wait for a worker, best key first.
///
/// Hundreds of thousands of tasks may be ready at once, and a binary heap that large
/// misses the cache on every level. Under every policy but `fifo` keys do not depend on
/// time, so tasks are ranked once up front (one sort: rank 0 is the best key) and the
/// queue is a [`RankSet`], a hierarchical bitmap over ranks with O(log64 n) insert and
/// pop-best (4 levels for 16M tasks, the leaf level n/8 bytes). Under `fifo` the key
/// includes the time a task became ready, so a binary heap holds whole keys. Both give
/// exactly the order of [`Ordering::key`], ties to the lower index.
#[derive(Debug, Clone)]
pub enum ReadyQueue {
    /// Static keys: ranks in a bitmap.
    Ranked {
        /// The ranks of the queued tasks.
        set: RankSet,
        /// `rank[task]`: 0 is the best key.
        rank: Vec<u32>,
        /// `by_rank[rank]`: the task.
        by_rank: Vec<u32>,
    },
    /// Time-dependent keys (`fifo`): a heap of (key, task).
    Keyed(BinaryHeap<(Key, Reverse<u32>)>),
}

impl ReadyQueue {
    /// The queue for `ordering` over tasks with bottom levels `bottom` and priorities
    /// `priority` (empty unless the policy is `priority`).
    pub fn for_policy(ordering: &Ordering, bottom: &[Micros], priority: &[i64]) -> ReadyQueue {
        let n = bottom.len();
        let prio = |t: usize| priority.get(t).copied().unwrap_or(0);
        let key = |t: usize| ordering.key(t, 0, bottom[t], prio(t));
        if ordering.policy == Policy::Fifo {
            return ReadyQueue::new(n, None);
        }
        // Fast ranking: when the secondary key is 0 and the primary fits beside the task
        // index in 64 bits, sort packed u64s.
        let shift = usize::BITS - n.leading_zeros();
        let mask = (1u64 << shift) - 1;
        let simple = ordering.policy != Policy::Priority
            && shift < 64
            && (0..n).all(|t| key(t).0.checked_shr(64 - shift).unwrap_or(0) == 0);
        if !simple {
            return ReadyQueue::new(n, Some(&key));
        }
        let mut packed: Vec<u64> = (0..n)
            .map(|t| (key(t).0 << shift) | (mask - t as u64))
            .collect();
        packed.sort_unstable_by(|a, b| b.cmp(a));
        let by_rank: Vec<u32> = packed.iter().map(|&p| (mask - (p & mask)) as u32).collect();
        drop(packed);
        ReadyQueue::ranked(by_rank)
    }

    fn ranked(by_rank: Vec<u32>) -> ReadyQueue {
        let mut rank = vec![0u32; by_rank.len()];
        for (r, &t) in by_rank.iter().enumerate() {
            rank[t as usize] = r as u32;
        }
        ReadyQueue::Ranked {
            set: RankSet::new(by_rank.len()),
            rank,
            by_rank,
        }
    }

    /// A queue for `n` tasks; `static_key(task)` is each task's key when keys do not depend
    /// on time (`None`: keep keys in a heap).
    pub fn new(n: usize, static_key: Option<&dyn Fn(usize) -> Key>) -> ReadyQueue {
        match static_key {
            None => ReadyQueue::Keyed(BinaryHeap::new()),
            Some(key) => {
                let mut order: Vec<(Reverse<Key>, u32)> =
                    (0..n).map(|t| (Reverse(key(t)), t as u32)).collect();
                order.sort_unstable();
                ReadyQueue::ranked(order.into_iter().map(|(_, t)| t).collect())
            }
        }
    }

    /// Whether [`ReadyQueue::push`] needs the key (otherwise the rank encodes it).
    #[inline]
    pub fn is_keyed(&self) -> bool {
        matches!(self, ReadyQueue::Keyed(_))
    }

    /// Adds `task` with key `key` (ignored when ranked: the rank encodes it).
    #[inline]
    pub fn push(&mut self, task: usize, key: Key) {
        match self {
            ReadyQueue::Ranked { set, rank, .. } => set.insert(rank[task] as usize),
            ReadyQueue::Keyed(h) => h.push((key, Reverse(task as u32))),
        }
    }

    /// The best task, without removing it.
    #[inline]
    pub fn peek(&self) -> Option<usize> {
        match self {
            ReadyQueue::Ranked { set, by_rank, .. } => set.min().map(|r| by_rank[r] as usize),
            ReadyQueue::Keyed(h) => h.peek().map(|(_, Reverse(t))| *t as usize),
        }
    }

    /// Removes and returns the best task.
    #[inline]
    pub fn pop(&mut self) -> Option<usize> {
        match self {
            ReadyQueue::Ranked { set, by_rank, .. } => {
                let r = set.min()?;
                set.remove(r);
                Some(by_rank[r] as usize)
            }
            ReadyQueue::Keyed(h) => h.pop().map(|(_, Reverse(t))| t as usize),
        }
    }

    /// Removes `task` if the queue can (ranked: yes; keyed: no, the caller skips it when
    /// it surfaces). Returns whether it was removed.
    #[inline]
    pub fn remove(&mut self, task: usize) -> bool {
        match self {
            ReadyQueue::Ranked { set, rank, .. } => {
                set.remove(rank[task] as usize);
                true
            }
            ReadyQueue::Keyed(_) => false,
        }
    }

    /// Number of queued tasks.
    pub fn len(&self) -> usize {
        match self {
            ReadyQueue::Ranked { set, .. } => set.len(),
            ReadyQueue::Keyed(h) => h.len(),
        }
    }

    /// Whether no task is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every task.
    pub fn clear(&mut self) {
        match self {
            ReadyQueue::Ranked { set, .. } => set.clear(),
            ReadyQueue::Keyed(h) => h.clear(),
        }
    }
}

/// A set of integers in `0..n` with O(log64 n) insert, remove and minimum: a hierarchy
/// of bitmaps where a bit of level k+1 says whether word k of level k is non-empty.
#[derive(Debug, Clone)]
pub struct RankSet {
    levels: Vec<Vec<u64>>,
    len: usize,
}

impl RankSet {
    /// An empty set over `0..n`.
    pub fn new(n: usize) -> RankSet {
        let mut levels = Vec::new();
        let mut m = n.max(1);
        loop {
            let words = m.div_ceil(64);
            levels.push(vec![0u64; words]);
            if words == 1 {
                break;
            }
            m = words;
        }
        RankSet { levels, len: 0 }
    }

    /// Adds `x` (no effect if present).
    #[inline]
    pub fn insert(&mut self, mut x: usize) {
        if self.levels[0][x / 64] & (1 << (x % 64)) != 0 {
            return;
        }
        self.len += 1;
        for level in &mut self.levels {
            let (w, b) = (x / 64, x % 64);
            let was = level[w];
            level[w] = was | (1 << b);
            if was != 0 {
                break;
            }
            x = w;
        }
    }

    /// Removes `x` (no effect if absent).
    #[inline]
    pub fn remove(&mut self, mut x: usize) {
        if self.levels[0][x / 64] & (1 << (x % 64)) == 0 {
            return;
        }
        self.len -= 1;
        for level in &mut self.levels {
            let (w, b) = (x / 64, x % 64);
            level[w] &= !(1 << b);
            if level[w] != 0 {
                break;
            }
            x = w;
        }
    }

    /// The smallest member.
    #[inline]
    pub fn min(&self) -> Option<usize> {
        let top = self.levels.last()?[0];
        if top == 0 {
            return None;
        }
        let mut x = top.trailing_zeros() as usize;
        for level in self.levels.iter().rev().skip(1) {
            x = x * 64 + level[x].trailing_zeros() as usize;
        }
        Some(x)
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Empties the set (O(size of the bitmaps)).
    pub fn clear(&mut self) {
        self.levels.iter_mut().for_each(|l| l.fill(0));
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sched::rng::SplitMix64;

    /// Packed, Ranked and Keyed queues pop in exactly the order of the keys, ties to the
    /// lower index.
    #[test]
    fn all_queue_kinds_agree_with_keys() {
        let mut r = SplitMix64::new(5);
        let n = 500;
        let bottom: Vec<Micros> = (0..n).map(|_| r.below(50)).collect();
        for policy in [Policy::CriticalPath, Policy::Random, Policy::Waves] {
            let o = Ordering { policy, seed: 9 };
            let key = |t: usize| o.key(t, 0, bottom[t], 0);
            let mut queues = [
                ReadyQueue::for_policy(&o, &bottom, &[]),
                ReadyQueue::new(n, Some(&key)),
                ReadyQueue::new(n, None),
            ];
            assert!(matches!(queues[0], ReadyQueue::Ranked { .. }));
            let mut expected: Vec<usize> = (0..n).collect();
            expected.sort_by_key(|&t| (Reverse(key(t)), t));
            for q in &mut queues {
                for t in (0..n).rev() {
                    q.push(t, key(t));
                }
                let got: Vec<usize> = std::iter::from_fn(|| q.pop()).collect();
                assert_eq!(got, expected, "{policy:?}");
            }
        }
    }
}

#[cfg(test)]
mod rank_set_tests {
    use super::RankSet;
    use crate::sched::rng::SplitMix64;
    use std::collections::BTreeSet;

    #[test]
    fn behaves_like_an_ordered_set() {
        for n in [1, 63, 64, 65, 4096, 4097, 300_000] {
            let mut s = RankSet::new(n);
            let mut b = BTreeSet::new();
            let mut r = SplitMix64::new(n as u64);
            for _ in 0..5000 {
                let x = r.below(n as u64) as usize;
                if r.below(3) == 0 {
                    s.remove(x);
                    b.remove(&x);
                } else {
                    s.insert(x);
                    b.insert(x);
                }
                assert_eq!(s.min(), b.first().copied());
                assert_eq!(s.len(), b.len());
            }
        }
    }
}
