//! Task groups: a large graph summarised as a small graph of groups, as Dask's task-group
//! graph does, for views that cannot draw every task.
//!
//! Each task gets a *family* (its id without trailing digits, so the tasks `map1`…`map1000`
//! of a range `map[1..1000]` share the family `map`) and a *band* of levels (its level, or a
//! run of consecutive levels when the graph is deeper than the budget allows). Tasks of one
//! family in one band form one group (a "family" group: a stacked node labelled with its
//! count). When a band still holds more groups than its share of the budget, its groups
//! merge into one "layer" group: unrelated tasks side by side. Tasks of an expanded family
//! are groups of their own. Linear in tasks + edges (plus a sort of the group edges).

use super::levels::levels;
use crate::graph::{topo_order, Graph};
use serde::Serialize;
use std::collections::HashMap;

/// How to group: at most about `budget` groups (at least 1), and the families to show
/// task by task.
#[derive(Debug, Clone, Default)]
pub struct GroupOptions {
    /// The most groups wanted (the result may exceed it only by the expanded tasks).
    pub budget: usize,
    /// Families (as in [`Group::family`]) whose tasks are not grouped (honoured when every
    /// band is one level, which keeps the group graph acyclic).
    pub expanded: Vec<String>,
}

/// What kind of group a [`Group`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupKind {
    /// One task.
    Task,
    /// Tasks of one family in one band of levels.
    Family,
    /// Every task of a band of levels whose families were too many to show apart.
    Layer,
}

/// One group of tasks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// The text a view shows: the task id, the family, or the band's levels.
    pub label: String,
    /// The family of its tasks (empty for a layer).
    pub family: String,
    pub kind: GroupKind,
    /// Number of member tasks (at least 1).
    pub count: usize,
    /// The first member (lowest task index).
    pub first: usize,
    /// The lowest and highest level of its members.
    pub level_min: u32,
    pub level_max: u32,
    /// The members' total nominal work, µs.
    pub work_us: u64,
}

/// An edge of the group graph: some member of `from` is a dependency of some member of
/// `to`; `count` is how many task edges it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GroupEdge {
    pub from: usize,
    pub to: usize,
    pub count: usize,
}

/// The grouping of a graph. Guarantees: every task is in exactly one group
/// (`group_of[task]`); every group has at least one member; `edges` holds exactly the pairs
/// `(group_of[d], group_of[t])` with `d` a dependency of `t` and the two groups different,
/// once each, sorted; the group graph is acyclic and `from`'s levels start no later than
/// `to`'s.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Grouping {
    pub group_of: Vec<u32>,
    pub groups: Vec<Group>,
    pub edges: Vec<GroupEdge>,
    /// Levels per band (1 unless the graph is deeper than the budget allows).
    pub band_levels: u32,
}

/// The family of a task id: the id without its trailing digits (the id itself when it is
/// all digits or has none).
pub fn family_of(id: &str) -> &str {
    let stem = id.trim_end_matches(|c: char| c.is_ascii_digit());
    if stem.is_empty() {
        id
    } else {
        stem
    }
}

/// Groups `graph` (see the module doc). A graph that is not a DAG (a cycle, a dependency
/// out of range) gets one group per task and no edges.
pub fn group(graph: &Graph, options: &GroupOptions) -> Grouping {
    let n = graph.tasks.len();
    let in_range = graph.tasks.iter().all(|t| t.deps.iter().all(|&d| d < n));
    let order = match topo_order(graph) {
        Ok(o) if in_range => o,
        _ => return singletons(graph),
    };
    let level = levels(graph, &order);
    let depth = level.iter().max().map_or(0, |&l| l + 1);
    let budget = options.budget.max(1);
    // At most about a quarter of the budget in bands, so each band can show a few families.
    let max_bands = (budget / 4).max(1) as u32;
    let band_levels = depth.div_ceil(max_bands).max(1);
    let bands = depth.div_ceil(band_levels).max(1) as usize;
    let per_band = (budget / bands).max(1);

    // Pass 1: (band, family) keys, and how many distinct keys each band holds.
    let expanded: std::collections::HashSet<&str> =
        options.expanded.iter().map(String::as_str).collect();
    let mut key_index: HashMap<(u32, &str), usize> = HashMap::new();
    let mut keys_in_band = vec![0usize; bands];
    let mut key_of = vec![0usize; n];
    let mut key_band: Vec<u32> = Vec::new();
    for (i, t) in graph.tasks.iter().enumerate() {
        let band = level[i] / band_levels;
        let fam = family_of(&t.id);
        if band_levels == 1 && expanded.contains(fam) {
            key_of[i] = usize::MAX; // a group of its own, below
            continue;
        }
        let next = key_index.len();
        let k = *key_index.entry((band, fam)).or_insert_with(|| {
            keys_in_band[band as usize] += 1;
            key_band.push(band);
            next
        });
        key_of[i] = k;
    }
    // Pass 2: groups in task order; a band with too many keys becomes one layer group, and
    // so does every band of several levels (families side by side in one band could depend
    // on each other both ways; a layer keeps the group graph acyclic).
    let crowded: Vec<bool> = keys_in_band
        .iter()
        .map(|&k| k > per_band || band_levels > 1)
        .collect();
    let mut group_of_key = vec![u32::MAX; key_band.len()];
    let mut layer_of_band = vec![u32::MAX; bands];
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of = vec![0u32; n];
    for (i, t) in graph.tasks.iter().enumerate() {
        let band = level[i] / band_levels;
        let slot: Option<&mut u32> = if key_of[i] == usize::MAX {
            None
        } else if crowded[band as usize] {
            Some(&mut layer_of_band[band as usize])
        } else {
            Some(&mut group_of_key[key_of[i]])
        };
        let g = match slot {
            Some(s) if *s != u32::MAX => *s,
            slot => {
                let g = groups.len() as u32;
                let (kind, family, label) = if slot.is_none() {
                    (GroupKind::Task, family_of(&t.id).to_string(), t.id.clone())
                } else if crowded[band as usize] {
                    let (lo, hi) = (
                        band * band_levels,
                        ((band + 1) * band_levels - 1).min(depth - 1),
                    );
                    let label = if lo == hi {
                        format!("level {lo}")
                    } else {
                        format!("levels {lo}–{hi}")
                    };
                    (GroupKind::Layer, String::new(), label)
                } else {
                    (
                        GroupKind::Family,
                        family_of(&t.id).to_string(),
                        family_of(&t.id).to_string(),
                    )
                };
                groups.push(Group {
                    label,
                    family,
                    kind,
                    count: 0,
                    first: i,
                    level_min: level[i],
                    level_max: level[i],
                    work_us: 0,
                });
                if let Some(s) = slot {
                    *s = g;
                }
                g
            }
        };
        group_of[i] = g;
        let gr = &mut groups[g as usize];
        gr.count += 1;
        gr.level_min = gr.level_min.min(level[i]);
        gr.level_max = gr.level_max.max(level[i]);
        gr.work_us = gr.work_us.saturating_add(t.work.duration_us());
    }
    // A family group of one task is that task.
    for g in &mut groups {
        if g.kind == GroupKind::Family && g.count == 1 {
            g.kind = GroupKind::Task;
            g.label = graph.tasks[g.first].id.clone();
        }
    }
    let edges = group_edges(graph, &group_of);
    Grouping {
        group_of,
        groups,
        edges,
        band_levels,
    }
}

/// The group edges of `group_of` (see [`Grouping`]).
fn group_edges(graph: &Graph, group_of: &[u32]) -> Vec<GroupEdge> {
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for (i, t) in graph.tasks.iter().enumerate() {
        for &d in &t.deps {
            let (a, b) = (group_of[d], group_of[i]);
            if a != b {
                pairs.push((a, b));
            }
        }
    }
    pairs.sort_unstable();
    let mut edges: Vec<GroupEdge> = Vec::new();
    for (a, b) in pairs {
        match edges.last_mut() {
            Some(e) if e.from == a as usize && e.to == b as usize => e.count += 1,
            _ => edges.push(GroupEdge {
                from: a as usize,
                to: b as usize,
                count: 1,
            }),
        }
    }
    edges
}

/// One group per task (for graphs that cannot be levelled).
fn singletons(graph: &Graph) -> Grouping {
    Grouping {
        group_of: (0..graph.tasks.len() as u32).collect(),
        groups: graph
            .tasks
            .iter()
            .enumerate()
            .map(|(i, t)| Group {
                label: t.id.clone(),
                family: family_of(&t.id).to_string(),
                kind: GroupKind::Task,
                count: 1,
                first: i,
                level_min: 0,
                level_max: 0,
                work_us: t.work.duration_us(),
            })
            .collect(),
        edges: Vec::new(),
        band_levels: 1,
    }
}
