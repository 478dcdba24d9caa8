//! Nested groups (`group NAME [workers N] [on_error M] { … }`): a tree of named sets of tasks.
//!
//! Invariants of the groups of a [`Graph`] built by the language front ends:
//! - group names are unique and no task has a group's name;
//! - a group's `parent` is an earlier group (`parent < index`), so the tree has no cycle and
//!   the groups are listed parents first;
//! - every task is a direct member (`Group::tasks`) of at most one group, its innermost;
//!   its other groups are that group's ancestors;
//! - every group has at least one task, its own or a nested group's;
//! - a group's members are contiguous in task order (nothing else sits between its first
//!   and its last member), so the `.dag` text can write each group as one block.
//!
//! A group's members are its own tasks and those of the groups nested in it, at any depth.
//! Its sinks are the members with no successor among the members: what `after NAME` waits for.

use super::{Graph, OnError, Span};
use serde::{Deserialize, Serialize};

/// One group of tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Unique; shares the namespace of task ids.
    pub name: String,
    /// Index into `Graph::groups` of the group it is nested in (`None`: at top level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<usize>,
    /// `workers N`: at most N attempts of its members (nested groups' tasks included) run
    /// at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers: Option<u32>,
    /// `on_error M`: how a member whose innermost group says nothing fails for good.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_error: Option<OnError>,
    /// Its own tasks (not those of nested groups), by index into `Graph::tasks`, ascending.
    #[serde(default)]
    pub tasks: Vec<usize>,
    /// Where it was opened (line 0 when it did not come from text).
    #[serde(default)]
    pub span: Span,
}

/// No group: the value of [`Graph::innermost_groups`] for a task outside every group.
pub const NO_GROUP: u32 = u32::MAX;

/// An order of tasks in which every group's tasks are contiguous: tasks and groups of each
/// scope in the order of their first task, each group's tasks (nested groups' included)
/// together. `inner[t]` is task t's innermost group ([`NO_GROUP`]: none), `parent[g]` group
/// g's enclosing group (a parent must be an earlier group). Already contiguous tasks keep
/// their order. Returns the task indices in the new order. O(tasks + groups).
pub fn contiguous_order(inner: &[u32], parent: &[Option<usize>]) -> Vec<usize> {
    let ng = parent.len();
    let top = ng;
    let parent_of = |g: usize| parent[g].filter(|&p| p < g);
    // (first task, is a group, index) per scope; the last scope is the top level.
    let mut items: Vec<Vec<(usize, bool, usize)>> = vec![Vec::new(); ng + 1];
    let mut first = vec![usize::MAX; ng];
    for (t, &g) in inner.iter().enumerate() {
        let scope = if (g as usize) < ng { g as usize } else { top };
        items[scope].push((t, false, t));
        if scope < ng {
            first[scope] = first[scope].min(t);
        }
    }
    for g in (0..ng).rev() {
        if let Some(p) = parent_of(g) {
            first[p] = first[p].min(first[g]);
        }
    }
    for g in 0..ng {
        if first[g] != usize::MAX {
            items[parent_of(g).unwrap_or(top)].push((first[g], true, g));
        }
    }
    for list in &mut items {
        list.sort_unstable();
    }
    // Pre-order walk, iterative: a stack of (scope, next item).
    let mut order = Vec::with_capacity(inner.len());
    let mut stack = vec![(top, 0usize)];
    while let Some((scope, k)) = stack.pop() {
        let Some(&(_, is_group, i)) = items[scope].get(k) else {
            continue;
        };
        stack.push((scope, k + 1));
        if is_group {
            stack.push((i, 0));
        } else {
            order.push(i);
        }
    }
    order
}

impl Graph {
    /// Reorders the tasks so that every group's tasks are contiguous ([`contiguous_order`]),
    /// renumbering dependencies and group members. A graph that holds the invariant is
    /// unchanged.
    pub fn make_groups_contiguous(&mut self) {
        let parent: Vec<Option<usize>> = self.groups.iter().map(|g| g.parent).collect();
        let order = contiguous_order(&self.innermost_groups(), &parent);
        if order.iter().enumerate().all(|(k, &t)| k == t) {
            return;
        }
        let mut new_of = vec![0usize; order.len()];
        for (k, &t) in order.iter().enumerate() {
            new_of[t] = k;
        }
        let mut old: Vec<Option<super::Task>> = std::mem::take(&mut self.tasks)
            .into_iter()
            .map(Some)
            .collect();
        for &t in &order {
            if let Some(mut task) = old[t].take() {
                for d in &mut task.deps {
                    *d = new_of.get(*d).copied().unwrap_or(*d);
                }
                self.tasks.push(task);
            }
        }
        for g in &mut self.groups {
            for t in &mut g.tasks {
                *t = new_of.get(*t).copied().unwrap_or(*t);
            }
            g.tasks.sort_unstable();
        }
    }

    /// For each task, the index of its innermost group ([`NO_GROUP`] if none).
    pub fn innermost_groups(&self) -> Vec<u32> {
        let mut of = vec![NO_GROUP; self.tasks.len()];
        for (g, group) in self.groups.iter().enumerate() {
            for &t in &group.tasks {
                if let Some(x) = of.get_mut(t) {
                    *x = g as u32;
                }
            }
        }
        of
    }

    /// The group at index `g` and its ancestors, innermost first. Stops at a parent that is
    /// not earlier than its child (a hand-built graph breaking the invariant), so it ends.
    pub fn group_path(&self, g: usize) -> Vec<usize> {
        let mut path = vec![g];
        let mut cur = g;
        while let Some(p) = self.groups.get(cur).and_then(|x| x.parent) {
            if p >= cur {
                break;
            }
            path.push(p);
            cur = p;
        }
        path
    }

    /// Nesting depth of each group: 1 at top level.
    pub fn group_depths(&self) -> Vec<usize> {
        let mut depth = vec![1usize; self.groups.len()];
        for g in 0..self.groups.len() {
            if let Some(p) = self.groups[g].parent.filter(|&p| p < g) {
                depth[g] = depth[p] + 1;
            }
        }
        depth
    }

    /// Whether group `inner` is nested in group `outer` (or is it).
    pub fn group_contains(&self, outer: usize, inner: usize) -> bool {
        self.group_path(inner).contains(&outer)
    }

    /// Every member of group `g` (nested groups' tasks included), ascending.
    pub fn group_members(&self, g: usize) -> Vec<usize> {
        let mut m: Vec<usize> = (0..self.groups.len())
            .filter(|&h| self.group_contains(g, h))
            .flat_map(|h| self.groups[h].tasks.iter().copied())
            .filter(|&t| t < self.tasks.len())
            .collect();
        m.sort_unstable();
        m.dedup();
        m
    }

    /// The sinks of group `g`: its members no other member depends on, ascending.
    pub fn group_sinks(&self, g: usize) -> Vec<usize> {
        let members = self.group_members(g);
        let mut inside = vec![false; self.tasks.len()];
        for &m in &members {
            inside[m] = true;
        }
        let mut has_succ = vec![false; self.tasks.len()];
        for &m in &members {
            for &d in &self.tasks[m].deps {
                if d < inside.len() && inside[d] {
                    has_succ[d] = true;
                }
            }
        }
        members.into_iter().filter(|&m| !has_succ[m]).collect()
    }

    /// The index of the group called `name`.
    pub fn group_index(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.name == name)
    }

    /// For each task, the `on_error` that applies to it: its innermost group's, else the
    /// nearest enclosing group's that says one, else `run` (the run's mode).
    pub fn task_on_error(&self, run: OnError) -> Vec<OnError> {
        // Each group's resolved mode, parents first (parents come earlier).
        let mut mode: Vec<OnError> = Vec::with_capacity(self.groups.len());
        for (g, group) in self.groups.iter().enumerate() {
            let inherited = group.parent.filter(|&p| p < g).map_or(run, |p| mode[p]);
            mode.push(group.on_error.unwrap_or(inherited));
        }
        self.innermost_groups()
            .into_iter()
            .map(|g| mode.get(g as usize).copied().unwrap_or(run))
            .collect()
    }

    /// Whether the group invariants (see `crate::graph::groups`) hold, except emptiness.
    /// Costs O(tasks · depth + groups).
    pub fn check_groups(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        let ids = self.id_map();
        let mut owner = vec![false; self.tasks.len()];
        for (g, group) in self.groups.iter().enumerate() {
            if !seen.insert(group.name.as_str()) {
                return Err(format!("two groups are called `{}`", group.name));
            }
            if ids.contains_key(group.name.as_str()) {
                return Err(format!("group `{}` has a task's name", group.name));
            }
            if group.parent.is_some_and(|p| p >= g) {
                return Err(format!(
                    "group `{}` has a parent that is not listed before it",
                    group.name
                ));
            }
            for &t in &group.tasks {
                match owner.get_mut(t) {
                    None => {
                        return Err(format!(
                            "group `{}` lists task {t}, out of range",
                            group.name
                        ))
                    }
                    Some(true) => return Err(format!("task {t} is a direct member of two groups")),
                    Some(o) => *o = true,
                }
            }
        }
        // Contiguity: each group's members fill the range from its first to its last.
        let inner = self.innermost_groups();
        let mut count = vec![0usize; self.groups.len()];
        let mut range = vec![(usize::MAX, 0usize); self.groups.len()];
        for (t, &g) in inner.iter().enumerate() {
            if g == NO_GROUP {
                continue;
            }
            for h in self.group_path(g as usize) {
                count[h] += 1;
                range[h] = (range[h].0.min(t), range[h].1.max(t));
            }
        }
        for (g, group) in self.groups.iter().enumerate() {
            if count[g] > 0 && range[g].1 + 1 - range[g].0 != count[g] {
                return Err(format!(
                    "the tasks of group `{}` are not contiguous",
                    group.name
                ));
            }
        }
        Ok(())
    }
}
