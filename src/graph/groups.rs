//! Nested groups (`group NAME [workers N] [on_error M] { … }`): a tree of named sets of tasks.
//!
//! Invariants of the groups of a [`Graph`] built by the language front ends:
//! - group names are unique and no task has a group's name;
//! - a group's `parent` is an earlier group (`parent < index`), so the tree has no cycle and
//!   the groups are listed parents first;
//! - every task is a direct member (`Group::tasks`) of at most one group, its innermost;
//!   its other groups are that group's ancestors;
//! - every group has at least one task, its own or a nested group's.
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

impl Graph {
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

    /// For each group, whether group `g` is it or one of its ancestors: `contains(a, b)`
    /// says whether group `b` is nested in `a` (or is `a`).
    pub fn group_contains(&self, outer: usize, inner: usize) -> bool {
        self.group_path(inner).contains(&outer)
    }

    /// Every member of group `g` (nested groups' tasks included), ascending.
    pub fn group_members(&self, g: usize) -> Vec<usize> {
        let mut m: Vec<usize> = (0..self.groups.len())
            .filter(|&h| self.group_contains(g, h))
            .flat_map(|h| self.groups[h].tasks.iter().copied())
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
            let inherited = group
                .parent
                .filter(|&p| p < g)
                .map_or(run, |p| mode[p]);
            mode.push(group.on_error.unwrap_or(inherited));
        }
        self.innermost_groups()
            .into_iter()
            .map(|g| mode.get(g as usize).copied().unwrap_or(run))
            .collect()
    }

    /// Whether the group invariants (see `crate::graph::groups`) hold, except emptiness.
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
                    None => return Err(format!("group `{}` lists task {t}, out of range", group.name)),
                    Some(true) => {
                        return Err(format!("task {t} is a direct member of two groups"))
                    }
                    Some(o) => *o = true,
                }
            }
        }
        Ok(())
    }
}
