//! Property tests of task grouping (src/analysis/grouping.rs) and its layered layout on
//! generated DAGs: every task in exactly one group, the group edges are exactly the task
//! edges across groups, the group graph is acyclic, and the layout keeps columns apart.

use fanout::analysis::group_layout::layout;
use fanout::analysis::grouping::{family_of, group, GroupKind, GroupOptions, Grouping};
use fanout::graph::{Graph, Task, TaskOptions, Work};
use fanout::lang::parse_dag;
use proptest::prelude::*;
use std::collections::BTreeSet;

/// A random DAG whose ids come from a few families (`a1`, `a2`, `b7`, …) so that grouping
/// has families to stack; each task may depend on any earlier one.
fn dag() -> impl Strategy<Value = Graph> {
    (1usize..60).prop_flat_map(|n| {
        (
            prop::collection::vec(0usize..4, n),
            prop::collection::vec(prop::collection::vec(any::<prop::sample::Index>(), 0..4), n),
        )
            .prop_map(move |(fam, deps)| {
                let tasks = (0..n)
                    .map(|i| {
                        let mut ds: Vec<usize> = if i == 0 {
                            Vec::new()
                        } else {
                            deps[i].iter().map(|ix| ix.index(i)).collect()
                        };
                        ds.sort_unstable();
                        ds.dedup();
                        Task {
                            id: format!("{}{i}", ["a", "b", "c", "d"][fam[i]]),
                            label: None,
                            work: Work::Cpu { duration_us: 1000 },
                            deps: ds,
                            options: TaskOptions::default(),
                            span: Default::default(),
                        }
                    })
                    .collect();
                Graph {
                    tasks,
                    ..Graph::default()
                }
            })
    })
}

/// Every property the grouping promises, for one graph and one result.
fn check_grouping(g: &Graph, grouping: &Grouping) -> Result<(), TestCaseError> {
    let n = g.tasks.len();
    // Every task is in exactly one group (group_of is a function onto the groups), and the
    // counts add up.
    prop_assert_eq!(grouping.group_of.len(), n);
    let mut members = vec![0usize; grouping.groups.len()];
    for &gid in &grouping.group_of {
        prop_assert!((gid as usize) < grouping.groups.len());
        members[gid as usize] += 1;
    }
    for (gid, gr) in grouping.groups.iter().enumerate() {
        prop_assert_eq!(members[gid], gr.count, "group {} count", gid);
        prop_assert!(gr.count >= 1);
        prop_assert_eq!(grouping.group_of[gr.first] as usize, gid);
        if gr.kind == GroupKind::Family {
            for (t, &x) in grouping.group_of.iter().enumerate() {
                if x as usize == gid {
                    prop_assert_eq!(family_of(&g.tasks[t].id), gr.family.as_str());
                }
            }
        }
    }
    // Group edges are exactly the task edges across groups.
    let from_tasks: BTreeSet<(usize, usize)> = g
        .tasks
        .iter()
        .enumerate()
        .flat_map(|(t, task)| task.deps.iter().map(move |&d| (d, t)))
        .map(|(d, t)| (grouping.group_of[d] as usize, grouping.group_of[t] as usize))
        .filter(|(a, b)| a != b)
        .collect();
    let listed: Vec<(usize, usize)> = grouping.edges.iter().map(|e| (e.from, e.to)).collect();
    let listed_set: BTreeSet<(usize, usize)> = listed.iter().copied().collect();
    prop_assert_eq!(listed.len(), listed_set.len(), "each group edge once");
    prop_assert_eq!(&listed_set, &from_tasks);
    // Each group edge stands for `count` member edges, every one a real task edge.
    for e in &grouping.edges {
        let real = g
            .tasks
            .iter()
            .enumerate()
            .flat_map(|(t, task)| task.deps.iter().map(move |&d| (d, t)))
            .filter(|&(d, t)| {
                grouping.group_of[d] as usize == e.from && grouping.group_of[t] as usize == e.to
            })
            .count();
        prop_assert_eq!(real, e.count);
    }
    // The group graph is acyclic: every edge goes to a later band of levels.
    for e in &grouping.edges {
        let (a, b) = (&grouping.groups[e.from], &grouping.groups[e.to]);
        let band = grouping.band_levels;
        prop_assert!(
            a.level_min / band < b.level_min / band,
            "edge {:?} goes back",
            e
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn grouping_partitions_tasks_and_keeps_edges(g in dag(), budget in 1usize..40) {
        let grouping = group(&g, &GroupOptions { budget, expanded: vec![] });
        check_grouping(&g, &grouping)?;
    }

    #[test]
    fn expanding_a_family_keeps_the_properties(g in dag(), budget in 4usize..40, fam in 0usize..4) {
        let family = ["a", "b", "c", "d"][fam].to_string();
        let grouping = group(&g, &GroupOptions { budget, expanded: vec![family.clone()] });
        check_grouping(&g, &grouping)?;
        if grouping.band_levels == 1 {
            for (t, &gid) in grouping.group_of.iter().enumerate() {
                if family_of(&g.tasks[t].id) == family {
                    prop_assert_eq!(grouping.groups[gid as usize].count, 1, "an expanded task is alone");
                }
            }
        }
    }

    #[test]
    fn layout_columns_never_overlap(g in dag(), budget in 1usize..40) {
        let grouping = group(&g, &GroupOptions { budget, expanded: vec![] });
        let l = layout(&grouping);
        prop_assert_eq!(l.nodes.len(), grouping.groups.len());
        prop_assert_eq!(l.edges.len(), grouping.edges.len());
        for (i, a) in l.nodes.iter().enumerate() {
            prop_assert!(a.x - a.width / 2.0 >= 0.0 && a.x + a.width / 2.0 <= l.width + 1e-9);
            prop_assert!(a.y - a.height / 2.0 >= 0.0 && a.y + a.height / 2.0 <= l.height + 1e-9);
            for b in &l.nodes[i + 1..] {
                let apart_x = (a.x - b.x).abs() * 2.0 >= a.width + b.width - 1e-9;
                let apart_y = (a.y - b.y).abs() * 2.0 >= a.height + b.height - 1e-9;
                prop_assert!(apart_x || apart_y, "boxes overlap: {:?} {:?}", a, b);
            }
        }
        for (e, pts) in grouping.edges.iter().zip(&l.edges) {
            prop_assert!(pts.len() >= 2 && pts.len() % 2 == 0, "edge {:?}: {:?}", e, pts);
            prop_assert!(pts[0][0] < pts[pts.len() - 1][0], "edge {:?} runs left to right", e);
            prop_assert!(pts.windows(2).all(|w| w[0][0] <= w[1][0] + 1e-9), "edge {:?} never turns back: {:?}", e, pts);
            // Across each column it skips, it runs level, through no box of that column.
            for k in (1..pts.len() - 1).step_by(2) {
                let ([x0, y0], [x1, y1]) = (pts[k], pts[k + 1]);
                prop_assert!((y0 - y1).abs() < 1e-9);
                for b in &l.nodes {
                    let across = b.x - b.width / 2.0 < x1 - 1e-9 && b.x + b.width / 2.0 > x0 + 1e-9;
                    prop_assert!(!(across && (b.y - y0).abs() < b.height / 2.0), "edge {:?} crosses box {:?} at y {}", e, b, y0);
                }
            }
        }
    }
}

#[test]
fn a_fan_out_family_is_one_stacked_group() {
    let parsed = parse_dag(
        "split : cpu 1ms\nmap[1..1000] : cpu 1ms after split\njoin : cpu 1ms after map[1..1000]\n",
    );
    let g = parsed.graph.expect("parses");
    let grouping = group(
        &g,
        &GroupOptions {
            budget: 200,
            expanded: vec![],
        },
    );
    assert_eq!(grouping.groups.len(), 3);
    let map = &grouping.groups[grouping.group_of[1] as usize];
    assert_eq!(
        (map.kind, map.count, map.label.as_str()),
        (GroupKind::Family, 1000, "map")
    );
    assert_eq!(
        grouping.edges.iter().map(|e| e.count).collect::<Vec<_>>(),
        vec![1000, 1000]
    );
    let expanded = group(
        &g,
        &GroupOptions {
            budget: 200,
            expanded: vec!["map".into()],
        },
    );
    assert_eq!(expanded.groups.len(), 1002);
}

#[test]
fn a_layer_of_unrelated_tasks_aggregates_when_there_are_too_many() {
    let mut text = String::from("src : cpu 1ms\n");
    for i in 0..300 {
        text.push_str(&format!("job_{i}_x : cpu 1ms after src\n"));
    }
    let g = parse_dag(&text).graph.expect("parses");
    let grouping = group(
        &g,
        &GroupOptions {
            budget: 100,
            expanded: vec![],
        },
    );
    assert_eq!(grouping.groups.len(), 2);
    let layer = &grouping.groups[1];
    assert_eq!(
        (layer.kind, layer.count, layer.label.as_str()),
        (GroupKind::Layer, 300, "level 1")
    );
}

#[test]
fn a_deep_chain_is_banded() {
    let text: String = (0..5000)
        .map(|i| {
            if i == 0 {
                "c0 : cpu 1ms\n".to_string()
            } else {
                format!("c{i} : cpu 1ms after c{}\n", i - 1)
            }
        })
        .collect();
    let g = parse_dag(&text).graph.expect("parses");
    let grouping = group(
        &g,
        &GroupOptions {
            budget: 200,
            expanded: vec![],
        },
    );
    assert!(
        grouping.groups.len() <= 50,
        "{} groups",
        grouping.groups.len()
    );
    assert_eq!(grouping.groups.iter().map(|g| g.count).sum::<usize>(), 5000);
    assert_eq!(grouping.edges.len(), grouping.groups.len() - 1);
}
