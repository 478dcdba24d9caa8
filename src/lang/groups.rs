//! The checks and the dependency expansion of nested groups, shared by every front end:
//! names (valid, unique, not a task's), caps, nesting depth, emptiness, and `after NAME`,
//! which stands for the group's sinks (its members, nested groups' included, that no other
//! member depends on).

use super::diagnostic::{did_you_mean, suggestion_suffix};
use super::limits::{MAX_EDGES, MAX_GROUP_DEPTH, MAX_WORKERS};
use super::validate::{is_valid_id, Diags, Loc, RawGroup, RawTask};
use crate::graph::{Group, NO_GROUP};
use rustc_hash::FxHashMap;

/// What the dependency resolution needs to know about the groups.
pub(crate) struct GroupIndex<'g> {
    /// Group name to index (the first group of that name).
    pub names: FxHashMap<&'g str, usize>,
    /// Each group's parent (`NO_GROUP` at top level).
    parent: Vec<u32>,
    /// Each group's depth: 1 at top level.
    depth: Vec<u32>,
    /// Each task's innermost group (`NO_GROUP` if none).
    inner: Vec<u32>,
}

/// A reference `after NAME` to a group, from task `task`, to expand once sinks are known.
pub(crate) struct GroupRef {
    pub task: usize,
    pub group: usize,
    pub loc: Loc,
}

impl GroupIndex<'_> {
    /// Whether task `t` is a member of group `g` (directly or in a nested group).
    pub(crate) fn contains_task(&self, g: usize, t: usize) -> bool {
        let mut cur = self.inner[t];
        while cur != NO_GROUP {
            if cur as usize == g {
                return true;
            }
            cur = self.parent[cur as usize];
        }
        false
    }

    /// The depth of the deepest group containing both tasks (0: none does).
    fn common_depth(&self, a: usize, b: usize) -> u32 {
        let (mut x, mut y) = (self.inner[a], self.inner[b]);
        let d = |g: u32| {
            if g == NO_GROUP {
                0
            } else {
                self.depth[g as usize]
            }
        };
        while x != y {
            if d(x) >= d(y) {
                x = self.parent[x as usize];
            } else {
                y = self.parent[y as usize];
            }
        }
        d(x)
    }
}

/// Checks the groups against the tasks (`ids`: task id to index) and indexes them.
pub(crate) fn check<'g>(
    groups: &'g [RawGroup],
    tasks: &[RawTask<'_>],
    ids: &FxHashMap<&str, usize>,
    diags: &mut Diags,
) -> GroupIndex<'g> {
    let n = tasks.len();
    if groups.is_empty() {
        // Nothing to check, and no reference can name a group: no per-task work.
        return GroupIndex {
            names: FxHashMap::default(),
            parent: Vec::new(),
            depth: Vec::new(),
            inner: Vec::new(),
        };
    }
    let mut names: FxHashMap<&str, usize> = FxHashMap::default();
    let mut parent = Vec::with_capacity(groups.len());
    let mut depth: Vec<u32> = Vec::with_capacity(groups.len());
    for (g, grp) in groups.iter().enumerate() {
        if !is_valid_id(&grp.name) {
            diags.error(&grp.loc, format!("`{}` is not a valid group name: use ASCII letters, digits, `_` and `-`, not starting with `-` (at most 128)", grp.name));
        }
        if let Some(&first) = names.get(grp.name.as_str()) {
            diags.error(
                &grp.loc,
                format!(
                    "duplicate group name `{}`: a group of that name is already declared at {}",
                    grp.name,
                    groups[first].loc.describe()
                ),
            );
        } else {
            names.insert(grp.name.as_str(), g);
        }
        if let Some(&t) = ids.get(grp.name.as_str()) {
            diags.error(
                &grp.loc,
                format!(
                    "group `{}` has the name of a task (declared at {}): groups and tasks share one namespace, so `after {}` could mean either; rename one",
                    grp.name,
                    tasks[t].loc.describe(),
                    grp.name
                ),
            );
        }
        if let Some(w) = grp.workers {
            if w == 0 || w > MAX_WORKERS {
                diags.error(
                    grp.workers_loc.as_ref().unwrap_or(&grp.loc),
                    format!("`workers {w}` in group `{}`: a group's cap must be a whole number from 1 to {MAX_WORKERS}", grp.name),
                );
            }
        }
        let p = grp.parent.filter(|&p| p < g);
        parent.push(p.map_or(NO_GROUP, |p| p as u32));
        let d = p.map_or(1, |p| depth[p] + 1);
        depth.push(d);
        if d as usize == MAX_GROUP_DEPTH + 1 {
            diags.error(
                &grp.loc,
                format!(
                    "group `{}` is nested {d} deep: groups nest at most {MAX_GROUP_DEPTH} deep",
                    grp.name
                ),
            );
        }
    }
    let mut inner = vec![NO_GROUP; n];
    let mut total = vec![0usize; groups.len()];
    for (g, grp) in groups.iter().enumerate() {
        for &t in &grp.tasks {
            if t < n {
                inner[t] = g as u32;
                total[g] += 1;
            }
        }
    }
    // Children come after parents: a reverse pass adds each group's count to its parent's.
    for g in (0..groups.len()).rev() {
        if parent[g] != NO_GROUP {
            total[parent[g] as usize] += total[g];
        }
    }
    // A group's tasks, nested groups' included, are listed together (as `.dag` writes them):
    // the range from its first to its last member holds nothing else.
    let mut span = vec![(usize::MAX, 0usize); groups.len()];
    for (t, &g) in inner.iter().enumerate() {
        if g != NO_GROUP {
            let s = &mut span[g as usize];
            *s = (s.0.min(t), s.1.max(t));
        }
    }
    for g in (0..groups.len()).rev() {
        if parent[g] != NO_GROUP && total[g] > 0 {
            let (a, b) = span[g];
            let s = &mut span[parent[g] as usize];
            *s = (s.0.min(a), s.1.max(b));
        }
    }
    let index = GroupIndex {
        names,
        parent,
        depth,
        inner,
    };
    for (g, grp) in groups.iter().enumerate() {
        let (a, b) = span[g];
        if total[g] > 0 && b + 1 - a != total[g] {
            if let Some(t) = (a..=b).find(|&t| !index.contains_task(g, t)) {
                diags.error(
                    &tasks[t].loc,
                    format!("task `{}` sits among the tasks of group `{}` but is not in it: list a group's tasks together (as `.dag` nests them in one block)", tasks[t].id, grp.name),
                );
            }
        }
    }
    let GroupIndex {
        names,
        parent,
        depth,
        inner,
    } = index;
    for (g, grp) in groups.iter().enumerate() {
        if total[g] == 0 {
            diags.error(
                &grp.loc,
                format!(
                    "group `{}` has no tasks: put at least one task between its `{{` and `}}`",
                    grp.name
                ),
            );
        }
    }
    // `batch` dispatches several members on one worker, which a cap cannot count. Once
    // per place written (a range declares many tasks on one line).
    let mut reported: Option<&Loc> = None;
    for (t, task) in tasks.iter().enumerate() {
        if task.options.batch > 1 && reported != Some(task.option_loc("batch")) {
            let mut g = inner[t];
            while g != NO_GROUP {
                if groups[g as usize].workers.is_some() {
                    diags.error(
                        task.option_loc("batch"),
                        format!("task `{}` cannot have `batch` inside group `{}`, which has `workers`: a batch holds one worker for many members, which the group's cap could not count", task.id, groups[g as usize].name),
                    );
                    reported = Some(task.option_loc("batch"));
                    break;
                }
                g = parent[g as usize];
            }
        }
    }
    GroupIndex {
        names,
        parent,
        depth,
        inner,
    }
}

/// A reference by name that is a group's: `Ok(Some(ref))` to expand later, `Err` when task
/// `task` is itself in the group. `Ok(None)`: no group has that name.
pub(crate) fn reference(
    index: &GroupIndex<'_>,
    groups: &[RawGroup],
    name: &str,
    task: usize,
    task_id: &str,
    loc: &Loc,
) -> Result<Option<GroupRef>, String> {
    let Some(&g) = index.names.get(name) else {
        return Ok(None);
    };
    if index.contains_task(g, task) {
        return Err(format!(
            "task `{task_id}` cannot wait for group `{}`: it is one of the group's tasks (`after {}` waits for all of them)",
            groups[g].name, groups[g].name
        ));
    }
    Ok(Some(GroupRef {
        task,
        group: g,
        loc: loc.clone(),
    }))
}

/// A hint for an unknown name: the closest task id or group name.
pub(crate) fn suggest<'a>(
    name: &str,
    tasks: impl Iterator<Item = &'a str>,
    groups: &'a [RawGroup],
) -> String {
    suggestion_suffix(did_you_mean(
        name,
        tasks.chain(groups.iter().map(|g| g.name.as_str())),
    ))
}

/// Expands every group reference into dependencies on the group's sinks, deepest groups
/// first (a sink of a group can only lose that status through an edge from a member of the
/// same group, which a reference to a deeper group may add). A sink already among a task's
/// dependencies is not added twice. Returns false when the edge limit was passed.
pub(crate) fn expand(
    index: &GroupIndex<'_>,
    groups: &[RawGroup],
    refs: &[GroupRef],
    deps: &mut [Vec<usize>],
    diags: &mut Diags,
) -> bool {
    let n = deps.len();
    if refs.is_empty() {
        return true;
    }
    // succ_depth[d]: the depth of the deepest group holding d and one of its successors.
    // d is a sink of group g (one of its groups) iff depth(g) > succ_depth[d].
    let mut succ_depth = vec![0u32; n];
    for (s, ds) in deps.iter().enumerate() {
        if index.inner[s] == NO_GROUP {
            continue;
        }
        for &d in ds {
            if index.inner[d] != NO_GROUP {
                succ_depth[d] = succ_depth[d].max(index.common_depth(s, d));
            }
        }
    }
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
    for g in 0..groups.len() {
        if index.parent[g] != NO_GROUP {
            children[index.parent[g] as usize].push(g);
        }
    }
    let mut by_group: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
    for (k, r) in refs.iter().enumerate() {
        by_group[r.group].push(k);
    }
    let mut order: Vec<usize> = (0..groups.len())
        .filter(|&g| !by_group[g].is_empty())
        .collect();
    order.sort_by_key(|&g| std::cmp::Reverse(index.depth[g]));
    let mut added = 0usize;
    let mut mark = vec![usize::MAX; n];
    for g in order {
        let dg = index.depth[g];
        let mut sinks = Vec::new();
        let mut stack = vec![g];
        while let Some(h) = stack.pop() {
            sinks.extend(
                groups[h]
                    .tasks
                    .iter()
                    .copied()
                    .filter(|&t| t < n && succ_depth[t] < dg),
            );
            stack.extend(children[h].iter().copied());
        }
        sinks.sort_unstable();
        for &k in &by_group[g] {
            let r = &refs[k];
            added = added.saturating_add(sinks.len());
            if added > MAX_EDGES {
                diags.error(&r.loc, format!("too many dependencies: with groups expanded, the graph has more than {MAX_EDGES}"));
                return false;
            }
            for &d in &deps[r.task] {
                mark[d] = k;
            }
            for &s in &sinks {
                if mark[s] != k {
                    mark[s] = k;
                    deps[r.task].push(s);
                    if index.inner[r.task] != NO_GROUP {
                        succ_depth[s] = succ_depth[s].max(index.common_depth(r.task, s));
                    }
                }
            }
        }
    }
    true
}

/// The model's groups.
pub(crate) fn into_model(groups: Vec<RawGroup>) -> Vec<Group> {
    groups
        .into_iter()
        .map(|g| {
            let mut tasks = g.tasks;
            tasks.sort_unstable();
            Group {
                span: g.loc.span(),
                name: g.name,
                parent: g.parent,
                workers: g.workers,
                on_error: g.on_error,
                tasks,
            }
        })
        .collect()
}
