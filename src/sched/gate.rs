//! The gate: tasks whose dependencies are done but that use a limited resource. They wait
//! here (state `Blocked`) until their resources have room, then start.
//!
//! Tasks are grouped by the exact set of resources they use; each group is ordered by
//! policy key. All members of a group have room or none has, so finding the best startable
//! task looks only at group heads: O(groups · log), not O(blocked tasks), which keeps a
//! fan-out of 100,000 calls behind `limit api 2` fast.

use super::limits::Resources;
use super::policy::Key;
use crate::graph::Micros;
use std::cmp::Reverse;
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
struct Group {
    uses: Vec<u16>,
    /// Ascending: the best key first, ties to the lower index.
    set: BTreeSet<(Reverse<Key>, u32)>,
}

/// The blocked tasks, by resource set. See the module doc.
#[derive(Debug, Clone, Default)]
pub struct Gate {
    groups: Vec<Group>,
    len: usize,
    /// Gated tasks currently marked `Ready` (would pass if a worker were free).
    marked: Vec<u32>,
    /// Something changed since the last refresh (a task arrived, resources changed, time).
    pub dirty: bool,
}

impl Gate {
    /// The group of tasks using exactly `uses` (sorted, deduplicated), created if new.
    pub fn group_for(&mut self, uses: &[u16]) -> u32 {
        if let Some(i) = self.groups.iter().position(|g| g.uses == uses) {
            return i as u32;
        }
        self.groups.push(Group {
            uses: uses.to_vec(),
            set: BTreeSet::new(),
        });
        (self.groups.len() - 1) as u32
    }

    /// The resources of group `g`.
    pub fn uses(&self, g: u32) -> &[u16] {
        &self.groups[g as usize].uses
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn insert(&mut self, g: u32, key: Key, task: u32) {
        if self.groups[g as usize].set.insert((Reverse(key), task)) {
            self.len += 1;
        }
        self.dirty = true;
    }

    pub fn remove(&mut self, g: u32, key: Key, task: u32) {
        if self.groups[g as usize].set.remove(&(Reverse(key), task)) {
            self.len -= 1;
        }
        self.dirty = true;
    }

    pub fn clear(&mut self) {
        self.groups.iter_mut().for_each(|g| g.set.clear());
        self.len = 0;
        self.marked.clear();
    }

    /// The best-keyed task whose resources have room at `now`: `(key, task, group)`.
    pub fn best_startable(&self, res: &Resources, now: Micros) -> Option<(Key, u32, u32)> {
        let mut best: Option<(Reverse<Key>, u32, u32)> = None;
        for (gi, g) in self.groups.iter().enumerate() {
            let Some(&(k, t)) = g.set.first() else {
                continue;
            };
            if res.admits(&g.uses, now) && best.is_none_or(|(bk, bt, _)| (k, t) < (bk, bt)) {
                best = Some((k, t, gi as u32));
            }
        }
        best.map(|(Reverse(k), t, g)| (k, t, g))
    }

    /// At the end of a scheduling round: decides which gated tasks are `Ready` (would pass
    /// their limits were workers unlimited, taking in key order the room of the tasks
    /// before them) and which are `Blocked`, calling `mark(task, ready)` for every task
    /// that was or becomes ready. Costs O((marked tasks + groups) · groups).
    pub fn refresh(&mut self, res: &Resources, now: Micros, mut mark: impl FnMut(u32, bool)) {
        if !self.dirty {
            return;
        }
        self.dirty = false;
        for t in self.marked.drain(..) {
            mark(t, false);
        }
        let mut room = res.clone();
        let mut iters: Vec<_> = self
            .groups
            .iter()
            .map(|g| g.set.iter().peekable())
            .collect();
        let mut alive = vec![true; self.groups.len()];
        loop {
            let mut best: Option<(Reverse<Key>, u32, usize)> = None;
            for (gi, it) in iters.iter_mut().enumerate() {
                if !alive[gi] {
                    continue;
                }
                match it.peek() {
                    Some(&&(k, t)) if room.admits(&self.groups[gi].uses, now) => {
                        if best.is_none_or(|(bk, bt, _)| (k, t) < (bk, bt)) {
                            best = Some((k, t, gi));
                        }
                    }
                    _ => alive[gi] = false,
                }
            }
            let Some((_, t, gi)) = best else { break };
            iters[gi].next();
            room.take(&self.groups[gi].uses, now);
            self.marked.push(t);
            mark(t, true);
        }
    }

    /// Forgets that `task` was marked ready (it is starting).
    pub fn unmark(&mut self, task: u32) {
        if let Some(i) = self.marked.iter().position(|&t| t == task) {
            self.marked.swap_remove(i);
        }
    }
}
