//! Property tests of the analysis on generated DAGs, checked against brute-force oracles.

use fanout::analysis::analyze;
use fanout::graph::{Graph, Task, TaskOptions, Work};
use fanout::lang::{parse_dag, to_dag};
use proptest::prelude::*;

include!("../fuzz/fuzz_targets/common.rs");

/// A random DAG: tasks get a random declaration order (a permutation), and each may depend
/// on any task earlier in a hidden topological order, so dependencies point both ways in
/// declaration order.
fn dag() -> impl Strategy<Value = Graph> {
    (1usize..40).prop_flat_map(|n| {
        (
            Just(n),
            Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
            prop::collection::vec(0u64..5_000, n),
            prop::collection::vec(any::<bool>(), n),
            prop::collection::vec(prop::collection::vec(any::<prop::sample::Index>(), 0..5), n),
        )
            .prop_map(|(n, perm, costs, io, deps)| {
                // Hidden order position k is declared at index perm[k].
                let mut tasks: Vec<Task> = (0..n)
                    .map(|i| Task {
                        id: format!("t{i}"),
                        label: None,
                        work: if io[i] {
                            Work::Io {
                                duration_us: costs[i] * 10,
                            }
                        } else {
                            Work::Cpu {
                                duration_us: costs[i] * 10,
                            }
                        },
                        deps: Vec::new(),
                        options: TaskOptions::default(),
                        span: Default::default(),
                    })
                    .collect();
                for k in 1..n {
                    let mut ds: Vec<usize> = deps[k].iter().map(|ix| perm[ix.index(k)]).collect();
                    ds.sort_unstable();
                    ds.dedup();
                    tasks[perm[k]].deps = ds;
                }
                Graph {
                    tasks,
                    ..Graph::default()
                }
            })
    })
}

/// The span by relaxing every edge n times (Bellman-Ford style): O(n * e), independent of
/// the topological order.
fn oracle_span(g: &Graph) -> u64 {
    let n = g.tasks.len();
    let mut finish: Vec<u64> = g.tasks.iter().map(|t| t.work.duration_us()).collect();
    for _ in 0..n {
        for (i, t) in g.tasks.iter().enumerate() {
            let start = t.deps.iter().map(|&d| finish[d]).max().unwrap_or(0);
            finish[i] = finish[i].max(start + t.work.duration_us());
        }
    }
    finish.into_iter().max().unwrap_or(0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn span_is_at_most_work_and_matches_the_oracle(g in dag()) {
        let a = analyze(&g, 4);
        prop_assert!(a.error.is_none());
        let work: u64 = g.tasks.iter().map(|t| t.work.duration_us()).sum();
        prop_assert_eq!(a.work_us, work);
        prop_assert!(a.span_us <= a.work_us);
        prop_assert_eq!(a.span_us, oracle_span(&g));
    }

    #[test]
    fn critical_path_is_a_real_source_to_sink_path_costing_the_span(g in dag()) {
        let a = analyze(&g, 1);
        let idx = g.id_map();
        let path: Vec<usize> = a.critical_path.iter().map(|id| idx[id.as_str()]).collect();
        prop_assert!(!path.is_empty());
        for w in path.windows(2) {
            prop_assert!(g.tasks[w[1]].deps.contains(&w[0]), "{} is not a dependency of {}", w[0], w[1]);
        }
        prop_assert!(g.tasks[path[0]].deps.is_empty());
        let last = *path.last().unwrap();
        prop_assert!(g.tasks.iter().all(|t| !t.deps.contains(&last)));
        let cost: u64 = path.iter().map(|&i| g.tasks[i].work.duration_us()).sum();
        prop_assert_eq!(cost, a.span_us);
    }

    #[test]
    fn levels_are_one_more_than_the_deepest_dependency(g in dag()) {
        let a = analyze(&g, 1);
        for (i, t) in g.tasks.iter().enumerate() {
            let want = t.deps.iter().map(|&d| a.levels[d] + 1).max().unwrap_or(0);
            prop_assert_eq!(a.levels[i], want);
        }
        prop_assert_eq!(a.depth, a.levels.iter().max().map_or(0, |m| m + 1));
    }

    #[test]
    fn topological_order_respects_every_edge(g in dag()) {
        let a = analyze(&g, 1);
        let n = g.tasks.len();
        let mut pos = vec![usize::MAX; n];
        for (k, &i) in a.topo_order.iter().enumerate() {
            prop_assert_eq!(pos[i], usize::MAX, "task {} listed twice", i);
            pos[i] = k;
        }
        prop_assert!(pos.iter().all(|&p| p < n));
        for (i, t) in g.tasks.iter().enumerate() {
            for &d in &t.deps {
                prop_assert!(pos[d] < pos[i]);
            }
        }
    }

    #[test]
    fn bounds_bracket_and_shrink_with_workers(g in dag(), p in 1u32..16) {
        let a = analyze(&g, p);
        prop_assert_eq!(a.bounds.len(), p as usize);
        for (k, b) in a.bounds.iter().enumerate() {
            prop_assert_eq!(b.workers, k as u32 + 1);
            prop_assert!(b.lower_ms <= b.greedy_upper_ms);
            prop_assert!(b.lower_ms >= a.span_ms);
            prop_assert!(b.lower_ms * b.workers as f64 >= a.work_ms - 1e-6);
            if k > 0 {
                prop_assert!(b.lower_ms <= a.bounds[k - 1].lower_ms);
            }
        }
    }

    #[test]
    fn generated_graphs_round_trip_through_dag_text(g in dag()) {
        let back = parse_dag(&to_dag(&g));
        prop_assert!(!back.has_errors(), "{:?}", back.diagnostics);
        prop_assert_eq!(without_spans(back.graph.unwrap()), g);
    }
}
