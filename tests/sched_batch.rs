//! `batch N` on a task family: a worked example with an exact timeline (a batch of 4), the
//! diagnostics, round trips, and properties on generated graphs (every member runs exactly
//! once per planned attempt, a worker runs one attempt at a time, no batch is larger than
//! N or mixes families, same seed same trace, a real driver agrees).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{drive_with_virtual_clock, sim};
use fanout::graph::{batch_family, Graph, OnError, Policy, Span, Task, TaskOptions, Work};
use fanout::lang::parse_dag;
use fanout::sim::{simulate, SimOptions};
use proptest::prelude::*;

/// Six members with `batch 4` on 2 workers: w0 takes w1..w4 in one dispatch and runs them
/// back to back (0-40 ms); w1 takes the other two (0-20 ms) and then the merge waits.
#[test]
fn worked_example_a_batch_of_4() {
    let r = sim("workers 2\nw[1..6] : cpu 10ms batch 4\nmerge : cpu 5ms after w[*]\n");
    let rows: Vec<_> = r
        .tasks
        .iter()
        .map(|t| (t.id.as_str(), t.worker, t.start_ms, t.end_ms))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("w1", 0, 0.0, 10.0),
            ("w2", 0, 10.0, 20.0),
            ("w3", 0, 20.0, 30.0),
            ("w4", 0, 30.0, 40.0),
            ("w5", 1, 0.0, 10.0),
            ("w6", 1, 10.0, 20.0),
            ("merge", 0, 40.0, 45.0),
        ]
    );
    let b = r.batches.as_ref().unwrap();
    assert_eq!(b.len(), 2);
    assert_eq!((b[0].worker, b[0].start_ms, b[0].end_ms), (0, 0.0, 40.0));
    assert_eq!(b[0].members, ["w1", "w2", "w3", "w4"]);
    assert_eq!(b[1].members, ["w5", "w6"]);
    // Without batching the six spread evenly: 30 ms + the merge.
    let plain = sim("workers 2\nw[1..6] : cpu 10ms\nmerge : cpu 5ms after w[*]\n");
    assert_eq!(plain.makespan_ms, 35.0);
    assert!(plain.batches.is_none());
}

#[test]
fn batch_diagnostics_have_line_and_column() {
    let p = parse_dag("w[1..4] : cpu 1ms batch many\n");
    let d = &p.diagnostics[0];
    assert_eq!((d.line, d.col), (1, 25), "{}", d.message);
    assert!(d.message.contains("batch size"));
    let p = parse_dag("w[1..4] : cpu 1ms batch 0\n");
    assert!(p.diagnostics[0].message.contains("batch size"));
    let p = parse_dag("w[1..4] : cpu 1ms timeout 5ms batch 2\n");
    let d = &p.diagnostics[0];
    assert_eq!((d.line, d.col), (1, 31), "{}", d.message);
    assert!(d.message.contains("`batch` and `timeout`"), "{}", d.message);
    let p = parse_dag("limit db 1\nw[1..4] : cpu 1ms uses db batch 2\n");
    assert!(
        p.diagnostics[0].message.contains("`batch` and `uses`"),
        "{}",
        p.diagnostics[0].message
    );
    let p = parse_dag("w[1..4] : cpu 1ms batch 2 batch 3\n");
    assert!(p.diagnostics[0].message.contains("twice"));
    let p = parse_dag("w[1..4] : cpu 1ms bacth 2\n");
    assert!(
        p.diagnostics[0].message.contains("batch"),
        "{}",
        p.diagnostics[0].message
    );
}

#[test]
fn batch_round_trips_through_dag_and_json() {
    let g = parse_dag("w[1..3] : cpu 1ms batch 2\n").graph.unwrap();
    assert!(g.tasks.iter().all(|t| t.options.batch == 2));
    let back = parse_dag(&fanout::lang::to_dag(&g)).graph.unwrap();
    let same = |a: &Graph, b: &Graph| {
        a.tasks
            .iter()
            .zip(&b.tasks)
            .all(|(x, y)| (&x.id, &x.options, &x.deps) == (&y.id, &y.options, &y.deps))
    };
    assert!(same(&g, &back));
    assert!(back.tasks.iter().all(|t| t.options.batch == 2));
    let json = fanout::lang::to_json(&g);
    assert!(json.contains("\"batch\": 2"), "{json}");
    let back = fanout::lang::parse(&json, fanout::lang::Format::Json)
        .graph
        .unwrap();
    assert!(back.tasks.iter().all(|t| t.options.batch == 2));
    assert_eq!(sim("w[1..3] : cpu 1ms batch 2\n").batches, {
        let r = simulate(&back, &SimOptions::default()).unwrap();
        r.batches
    });
}

/// Families `a`, `b` (batched, sizes 1..5) and `c` (not), random dependencies on earlier
/// tasks, some planned failures with retries.
fn dag(max_tasks: usize) -> impl Strategy<Value = Graph> {
    (1..=max_tasks, 2u32..5, 2u32..5).prop_flat_map(|(n, na, nb)| {
        (0..n)
            .map(|i| {
                (
                    0u64..=3_000,
                    proptest::collection::vec(0..i.max(1), 0..=i.min(2)),
                    0u32..2,
                    0usize..3,
                )
            })
            .collect::<Vec<_>>()
            .prop_map(move |specs| Graph {
                tasks: specs
                    .into_iter()
                    .enumerate()
                    .map(|(i, (dur, mut deps, fa, fam))| {
                        deps.retain(|&d| d < i);
                        deps.sort_unstable();
                        deps.dedup();
                        let (name, batch) = [("a", na), ("b", nb), ("c", 0)][fam];
                        Task {
                            id: format!("{name}{i}"),
                            label: None,
                            work: Work::Cpu { duration_us: dur },
                            deps,
                            options: TaskOptions {
                                retry: fa,
                                fail_attempts: fa,
                                batch,
                                ..Default::default()
                            },
                            span: Span::default(),
                        }
                    })
                    .collect(),
                decls: Default::default(),
                groups: Vec::new(),
            })
    })
}

fn policy() -> impl Strategy<Value = Policy> {
    proptest::sample::select(vec![
        Policy::CriticalPath,
        Policy::Fifo,
        Policy::Priority,
        Policy::Waves,
        Policy::Random,
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300), ..ProptestConfig::default() })]

    #[test]
    fn batching_invariants(g in dag(40), workers in 1usize..5, policy in policy(), seed in any::<u64>()) {
        let opts = SimOptions { workers: Some(workers), policy: Some(policy), seed: Some(seed), on_error: Some(OnError::Continue), ..Default::default() };
        let r = simulate(&g, &opts).unwrap();
        for (i, t) in r.tasks.iter().enumerate() {
            prop_assert_eq!(t.attempts.len(), 1 + g.tasks[i].options.fail_attempts as usize, "{}", &t.id);
            for a in &t.attempts {
                for &d in &g.tasks[i].deps {
                    prop_assert!(r.tasks[d].attempts.last().unwrap().end_ms <= a.start_ms + 1e-9, "{} before its dependency", &t.id);
                }
            }
        }
        let mut per_worker = vec![Vec::new(); workers];
        for a in r.tasks.iter().flat_map(|t| &t.attempts) {
            per_worker[a.worker].push(((a.start_ms * 1e3).round() as i64, (a.end_ms * 1e3).round() as i64));
        }
        for w in &mut per_worker {
            w.sort();
            prop_assert!(w.windows(2).all(|p| p[0].1 <= p[1].0), "one attempt at a time: {:?}", w);
        }
        let index = g.id_map();
        for b in r.batches.iter().flatten() {
            let first = &g.tasks[index[b.members[0].as_str()]];
            prop_assert!(b.members.len() >= 2 && b.members.len() as u32 <= first.options.batch);
            for m in &b.members {
                prop_assert_eq!(batch_family(m), batch_family(&first.id));
                let t = &r.tasks[index[m.as_str()]];
                prop_assert!(t.attempts.iter().any(|a| a.worker == b.worker && a.start_ms >= b.start_ms && a.end_ms <= b.end_ms));
            }
            prop_assert!(!b.members.iter().any(|m| m.starts_with('c')));
        }
        prop_assert_eq!(&r, &simulate(&g, &opts).unwrap());
        let real = drive_with_virtual_clock(&g, opts.config(&g), 2_000.0);
        for (x, y) in r.tasks.iter().zip(&real.tasks) {
            prop_assert_eq!(x.attempts.len(), y.attempts.len());
            for (p, q) in x.attempts.iter().zip(&y.attempts) {
                prop_assert_eq!((p.worker, p.status), (q.worker, q.status));
            }
        }
        prop_assert_eq!(r.batches.as_ref().map(|b| b.iter().map(|x| x.members.clone()).collect::<Vec<_>>()),
            real.batches.as_ref().map(|b| b.iter().map(|x| x.members.clone()).collect::<Vec<_>>()));
    }
}
