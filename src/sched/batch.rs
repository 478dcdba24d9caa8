//! Batching (`batch N` on a task family): one dispatch carries up to N ready members of a
//! family, run back to back on one worker.
//!
//! A family is the tasks whose ids are one name followed by a number (what a range
//! `w[1..N]` declares: `crate::graph::batch_family`) and that have `batch N > 1`. When the
//! scheduler starts a batched task (the best startable one, by the policy), it takes up to
//! N - 1 more ready members of its family, best key first, and starts them on the same
//! worker, each when the previous one's planned length is over; the worker is free again
//! when the last of them ends. Each member keeps its own attempt record. Tasks with `uses`
//! are never batched (the language refuses `batch` with `uses` or `timeout`), and neither
//! is anything under `work-stealing` (a batch would empty a deque in one go).

use super::policy::Key;
use crate::graph::{batch_family, Graph, Micros};
use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap};

/// One batch as dispatched: `members` (task, attempt), in run order, on `worker`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchMark {
    /// The worker that runs them.
    pub worker: u32,
    /// When the batch was dispatched.
    pub at_us: Micros,
    /// (task index, 1-based attempt) of each member, in the order they run.
    pub members: Vec<(u32, u32)>,
}

/// The families of a graph and their ready members.
#[derive(Debug, Clone)]
pub struct Families {
    /// Per task: its family (`u32::MAX`: not batched).
    family_of: Vec<u32>,
    /// Per family: the most members per dispatch.
    size: Vec<u32>,
    /// Per family: ready members, best key first (then lower index).
    ready: Vec<BTreeSet<(Reverse<Key>, u32)>>,
    /// Every batch of more than one member, in dispatch order.
    pub marks: Vec<BatchMark>,
}

impl Families {
    /// The families of `graph`, or `None` when no task is batched.
    pub fn of(graph: &Graph) -> Option<Families> {
        let mut ids: HashMap<(&str, u32), u32> = HashMap::new();
        let mut family_of = vec![u32::MAX; graph.tasks.len()];
        let mut size = Vec::new();
        for (i, t) in graph.tasks.iter().enumerate() {
            let n = t.options.batch;
            if n <= 1 || !t.options.uses.is_empty() {
                continue;
            }
            let next = size.len() as u32;
            let f = *ids.entry((batch_family(&t.id), n)).or_insert(next);
            if f == next {
                size.push(n);
            }
            family_of[i] = f;
        }
        if size.is_empty() {
            return None;
        }
        let ready = vec![BTreeSet::new(); size.len()];
        Some(Families {
            family_of,
            size,
            ready,
            marks: Vec::new(),
        })
    }

    /// The family of `task` and its batch size, if it is batched.
    pub fn family(&self, task: usize) -> Option<(u32, u32)> {
        let f = self.family_of[task];
        (f != u32::MAX).then(|| (f, self.size[f as usize]))
    }

    /// `task` (key `key`) became ready.
    pub fn insert(&mut self, task: usize, key: Key) {
        if let Some((f, _)) = self.family(task) {
            self.ready[f as usize].insert((Reverse(key), task as u32));
        }
    }

    /// `task` (key `key`) is no longer ready.
    pub fn remove(&mut self, task: usize, key: Key) {
        if let Some((f, _)) = self.family(task) {
            self.ready[f as usize].remove(&(Reverse(key), task as u32));
        }
    }

    /// Takes up to `n` more ready members of family `f`, best first.
    pub fn take(&mut self, f: u32, n: usize) -> Vec<u32> {
        let set = &mut self.ready[f as usize];
        let mut out = Vec::with_capacity(n.min(set.len()));
        while out.len() < n {
            match set.pop_first() {
                Some((_, t)) => out.push(t),
                None => break,
            }
        }
        out
    }
}
