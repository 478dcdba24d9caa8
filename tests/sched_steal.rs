//! `policy work-stealing`: a worked example with an exact timeline, `steal_cost`, the
//! language's diagnostics, and properties on generated graphs (every task once, steals
//! are real moves between deques, same seed same trace, a real driver agrees).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{drive_with_virtual_clock, sim};
use fanout::graph::{Graph, Policy, Span, Task, TaskOptions, Work};
use fanout::lang::parse_dag;
use fanout::sim::{simulate, SimOptions};
use fanout::trace::RunResult;
use proptest::prelude::*;

const EXAMPLE: &str = "\
policy work-stealing
workers 2
a : cpu 10ms
b : cpu 15ms
c1 : cpu 10ms after a
c2 : cpu 10ms after a
c3 : cpu 10ms after a
";

/// (id, worker, start ms, end ms) of every task's last attempt.
fn rows(r: &RunResult) -> Vec<(&str, usize, f64, f64)> {
    r.tasks
        .iter()
        .map(|t| (t.id.as_str(), t.worker, t.start_ms, t.end_ms))
        .collect()
}

/// Sources a → w0, b → w1 (round-robin). a's end readies c1, c2, c3 on w0's deque; w0 pops
/// its newest (c3) at 10, then c2 at 20; w1, idle at 15 with an empty deque, steals w0's
/// oldest (c1).
#[test]
fn worked_example_a_steal_happens() {
    let r = sim(EXAMPLE);
    assert_eq!(
        rows(&r),
        vec![
            ("a", 0, 0.0, 10.0),
            ("b", 1, 0.0, 15.0),
            ("c1", 1, 15.0, 25.0),
            ("c2", 0, 20.0, 30.0),
            ("c3", 0, 10.0, 20.0),
        ]
    );
    assert_eq!(r.makespan_ms, 30.0);
    let s = r
        .steals
        .as_ref()
        .expect("a work-stealing run reports its steals");
    assert_eq!((s.steals, s.failed_steals), (1, 0));
    let m = &s.marks[0];
    assert_eq!(
        (m.task.as_str(), m.attempt, m.worker, m.victim, m.at_ms),
        ("c1", 1, 1, 0, 15.0)
    );
}

/// The same graph under critical-path: one central queue, lowest free worker first.
#[test]
fn critical_path_on_the_same_graph_has_no_steals() {
    let r = sim(&EXAMPLE.replace("policy work-stealing", "policy critical-path"));
    assert!(r.steals.is_none());
    assert_eq!(r.makespan_ms, 30.0);
}

#[test]
fn steal_cost_delays_the_stolen_attempt() {
    let r = sim(&format!("steal_cost 2ms\n{EXAMPLE}"));
    let c1 = r.tasks.iter().find(|t| t.id == "c1").unwrap();
    assert_eq!((c1.worker, c1.start_ms, c1.end_ms), (1, 17.0, 27.0));
    let s = r.steals.unwrap();
    assert_eq!((s.steal_cost_ms, s.marks[0].at_ms), (2.0, 15.0));
}

#[test]
fn steal_cost_diagnostics_have_line_and_column() {
    let p = parse_dag("a : cpu 1ms\nsteal_cost fast\n");
    let d = &p.diagnostics[0];
    assert_eq!((d.line, d.col), (2, 12), "{}", d.message);
    assert!(d.message.contains("steal_cost"), "{}", d.message);
    let p = parse_dag("steal_cost 1ms\nsteal_cost 2ms\na : cpu 1ms\n");
    assert_eq!(p.diagnostics[0].line, 2);
    assert!(p.diagnostics[0].message.contains("already declared"));
    let p = parse_dag("policy work-steal\na : cpu 1ms\n");
    assert!(
        p.diagnostics[0].message.contains("work-stealing"),
        "{}",
        p.diagnostics[0].message
    );
}

#[test]
fn steal_cost_round_trips_through_dag_and_json() {
    let g = parse_dag(&format!("steal_cost 250us\n{EXAMPLE}"))
        .graph
        .unwrap();
    assert_eq!(g.decls.steal_cost_us, Some(250));
    let back = parse_dag(&fanout::lang::to_dag(&g)).graph.unwrap();
    assert_eq!(back.decls.steal_cost_us, Some(250));
    let json = fanout::lang::to_json(&g);
    let back = fanout::lang::parse(&json, fanout::lang::Format::Json)
        .graph
        .unwrap();
    assert_eq!(back.decls.steal_cost_us, Some(250));
}

fn dag(max_tasks: usize) -> impl Strategy<Value = Graph> {
    (1..=max_tasks).prop_flat_map(|n| {
        (0..n)
            .map(|i| {
                (
                    0u64..=5_000,
                    proptest::collection::vec(0..i.max(1), 0..=i.min(3)),
                    0u32..2,
                )
            })
            .collect::<Vec<_>>()
            .prop_map(|specs| Graph {
                tasks: specs
                    .into_iter()
                    .enumerate()
                    .map(|(i, (dur, mut deps, fa))| {
                        deps.retain(|&d| d < i);
                        deps.sort_unstable();
                        deps.dedup();
                        Task {
                            id: format!("t{i}"),
                            label: None,
                            work: Work::Cpu { duration_us: dur },
                            deps,
                            options: TaskOptions {
                                retry: fa,
                                fail_attempts: fa,
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

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300), ..ProptestConfig::default() })]

    /// Every task runs to `ok` exactly as many times as planned; each steal moved a task
    /// between two different workers and that attempt ran on the thief; same seed, same
    /// trace; a driver with a virtual clock (what the real executors use) agrees attempt
    /// for attempt.
    #[test]
    fn work_stealing_invariants(g in dag(40), workers in 1usize..6, seed in any::<u64>(), cost in 0u64..300) {
        let mut g = g;
        g.decls.steal_cost_us = Some(cost);
        let opts = SimOptions { workers: Some(workers), policy: Some(Policy::WorkStealing), seed: Some(seed), on_error: None, ..Default::default() };
        let r = simulate(&g, &opts).unwrap();
        for (i, t) in r.tasks.iter().enumerate() {
            let planned = 1 + g.tasks[i].options.fail_attempts as usize;
            prop_assert_eq!(t.attempts.len(), planned, "{} ran {} times", &t.id, t.attempts.len());
            for a in &t.attempts {
                for &d in &g.tasks[i].deps {
                    prop_assert!(r.tasks[d].end_ms <= a.start_ms + 1e-9);
                }
            }
        }
        let mut per_worker = vec![Vec::new(); workers];
        for a in r.tasks.iter().flat_map(|t| &t.attempts) {
            per_worker[a.worker].push(((a.start_ms * 1e3).round() as i64, (a.end_ms * 1e3).round() as i64));
        }
        for w in &mut per_worker {
            w.sort();
            prop_assert!(w.windows(2).all(|p| p[0].1 <= p[1].0), "one attempt at a time");
        }
        let s = r.steals.clone().unwrap();
        prop_assert_eq!(s.steals as usize, s.marks.len());
        for m in &s.marks {
            prop_assert!(m.worker != m.victim);
            let t = r.tasks.iter().find(|t| t.id == m.task).unwrap();
            let a = &t.attempts[m.attempt as usize - 1];
            prop_assert_eq!(a.worker, m.worker);
            prop_assert!((a.start_ms - m.at_ms - cost as f64 / 1e3).abs() < 1e-9);
        }
        if workers == 1 {
            prop_assert_eq!((s.steals, s.failed_steals), (0, 0));
        }
        prop_assert_eq!(&r, &simulate(&g, &opts).unwrap());
        if cost == 0 {
            let real = drive_with_virtual_clock(&g, opts.config(&g), 1_000.0);
            for (x, y) in r.tasks.iter().zip(&real.tasks) {
                prop_assert_eq!(x.attempts.len(), y.attempts.len());
                for (p, q) in x.attempts.iter().zip(&y.attempts) {
                    prop_assert_eq!((p.worker, p.status), (q.worker, q.status));
                    prop_assert!((p.start_ms - q.start_ms).abs() < 1e-6);
                }
            }
            prop_assert_eq!(&r.steals, &real.steals);
        }
    }
}
