//! Property tests on generated graphs, for every policy.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::drive_with_virtual_clock;
use fanout::graph::{Graph, Limit, OnError, Policy, Rate, Span, Task, TaskOptions, Work};
use fanout::sim::{simulate, SimOptions};
use fanout::trace::{RunResult, Status};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Case {
    graph: Graph,
    workers: usize,
    policy: Policy,
    seed: u64,
    on_error: OnError,
}

/// A random DAG: each task depends on a random subset of earlier tasks.
fn dag(max_tasks: usize, chaos: bool) -> impl Strategy<Value = Graph> {
    (1..=max_tasks)
        .prop_flat_map(move |n| {
            let tasks = (0..n)
                .map(|i| {
                    (
                        0u64..=20_000,
                        proptest::collection::vec(0..i.max(1), 0..=i.min(3)),
                        (
                            0u32..3,
                            0.0f64..0.6,
                            0u32..3,
                            proptest::option::of(0u64..5_000),
                            proptest::option::of(1u64..15_000),
                        ),
                        0usize..4,
                        -2i64..3,
                    )
                })
                .collect::<Vec<_>>();
            (tasks, 1u32..4, 0.5f64..4.0)
        })
        .prop_map(move |(specs, limit, rate)| {
            let mut tasks = Vec::new();
            for (i, (dur, mut deps, (retry, p, fa, backoff, timeout), res, prio)) in
                specs.into_iter().enumerate()
            {
                deps.retain(|&d| d < i);
                deps.sort_unstable();
                deps.dedup();
                let mut options = TaskOptions {
                    priority: prio,
                    ..Default::default()
                };
                if chaos {
                    options.retry = retry;
                    options.fail_probability = p;
                    options.fail_attempts = fa.saturating_sub(1);
                    options.backoff_us = backoff;
                    options.timeout_us = timeout;
                    match res {
                        1 => options.uses = vec!["db".into()],
                        2 => options.uses = vec!["api".into()],
                        3 => options.uses = vec!["db".into(), "api".into()],
                        _ => {}
                    }
                }
                tasks.push(Task {
                    id: format!("t{i}"),
                    label: None,
                    work: Work::Cpu { duration_us: dur },
                    deps,
                    options,
                    span: Span::default(),
                });
            }
            let mut g = Graph {
                tasks,
                decls: Default::default(),
                groups: Vec::new(),
            };
            if chaos {
                g.decls.limits.push(Limit {
                    resource: "db".into(),
                    max: limit,
                    span: Span::default(),
                });
                g.decls.rates.push(Rate {
                    resource: "api".into(),
                    per_second: rate,
                    span: Span::default(),
                });
            }
            g
        })
}

fn policy() -> impl Strategy<Value = Policy> {
    proptest::sample::select(Policy::ALL.to_vec())
}

fn case(chaos: bool) -> impl Strategy<Value = Case> {
    let on_error = proptest::sample::select(vec![
        OnError::FailFast,
        OnError::SkipDependents,
        OnError::Continue,
    ]);
    (dag(30, chaos), 1usize..6, policy(), any::<u64>(), on_error).prop_map(
        |(graph, workers, policy, seed, on_error)| Case {
            graph,
            workers,
            policy,
            seed,
            on_error,
        },
    )
}

fn run(c: &Case) -> RunResult {
    let opts = SimOptions {
        workers: Some(c.workers),
        policy: Some(c.policy),
        seed: Some(c.seed),
        on_error: Some(c.on_error),
        ..Default::default()
    };
    simulate(&c.graph, &opts).unwrap()
}

fn us(ms: f64) -> i64 {
    (ms * 1000.0).round() as i64
}

/// Checks the invariants every run must hold.
fn check_invariants(c: &Case, r: &RunResult) -> Result<(), TestCaseError> {
    let g = &c.graph;
    // Every task ended; no attempt starts before all dependencies of its task have ended.
    for (i, t) in r.tasks.iter().enumerate() {
        for a in &t.attempts {
            prop_assert!(a.start_ms <= a.end_ms);
            for &d in &g.tasks[i].deps {
                let dep = &r.tasks[d];
                prop_assert!(
                    dep.status == Status::Ok || c.on_error == OnError::Continue,
                    "{} ran after a failed dep",
                    t.id
                );
                prop_assert!(
                    us(dep.end_ms) <= us(a.start_ms),
                    "{} started before dep {} ended",
                    t.id,
                    dep.id
                );
            }
        }
    }
    // A worker never runs two attempts at once.
    let mut per_worker: Vec<Vec<(i64, i64)>> = vec![Vec::new(); c.workers];
    for a in r.tasks.iter().flat_map(|t| &t.attempts) {
        prop_assert!(a.worker < c.workers);
        per_worker[a.worker].push((us(a.start_ms), us(a.end_ms)));
    }
    for w in &mut per_worker {
        w.sort();
        for p in w.windows(2) {
            prop_assert!(p[0].1 <= p[1].0, "overlap on a worker: {:?}", p);
        }
    }
    // Limits are never exceeded: sweep attempt intervals of each limited resource
    // (an end at t comes before a start at t).
    for l in &g.decls.limits {
        let mut ev: Vec<(i64, i32)> = Vec::new();
        for (i, t) in r.tasks.iter().enumerate() {
            if g.tasks[i].options.uses.contains(&l.resource) {
                for a in &t.attempts {
                    ev.push((us(a.start_ms), 1));
                    ev.push((us(a.end_ms), -1));
                }
            }
        }
        ev.sort();
        let mut cur = 0;
        for (_, d) in ev {
            cur += d;
            prop_assert!(cur <= l.max as i32, "limit {} exceeded", l.resource);
        }
    }
    // A rate of N/s with a bucket of floor(N) lets at most floor(N) + k starts in any
    // window of k intervals; check the simplest consequence: starts in any 1 s window.
    for rt in &g.decls.rates {
        let mut starts: Vec<i64> = Vec::new();
        for (i, t) in r.tasks.iter().enumerate() {
            if g.tasks[i].options.uses.contains(&rt.resource) {
                starts.extend(t.attempts.iter().map(|a| us(a.start_ms)));
            }
        }
        starts.sort();
        let cap = rt.per_second.floor().max(1.0) as usize;
        let interval = (1e6 / rt.per_second).round() as i64;
        for (k, &s) in starts.iter().enumerate() {
            // Starts k+1.. within one interval after s: at most cap - 1 more.
            let within = starts[k + 1..]
                .iter()
                .take_while(|&&x| x < s + interval)
                .count();
            prop_assert!(within < cap, "rate {} exceeded", rt.resource);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(500), ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_with_failures_and_limits(c in case(true)) {
        let r = run(&c);
        check_invariants(&c, &r)?;
        // The same seed gives an identical trace.
        prop_assert_eq!(&r, &run(&c));
    }

    #[test]
    fn eager_policies_are_within_graham_bounds(c in case(false)) {
        let r = run(&c);
        check_invariants(&c, &r)?;
        prop_assert!(r.tasks.iter().all(|t| t.status == Status::Ok && t.attempts.len() == 1));
        let p = c.workers as f64;
        let (t1, tinf) = (r.work_ms, r.span_ms);
        let eps = 1e-6;
        prop_assert!(r.makespan_ms + eps >= tinf.max(t1 / p), "below the lower bound");
        prop_assert_eq!(r.lower_bound_ms, tinf.max(t1 / p));
        if c.policy != Policy::Waves {
            prop_assert!(r.makespan_ms <= t1 / p + tinf + eps, "{:?}: {} > {} / {} + {}", c.policy, r.makespan_ms, t1, p, tinf);
        }
    }

    /// A real run without noise is its simulation: RunDriver with a virtual clock gives the
    /// same attempts, workers, statuses and times as the simulator.
    #[test]
    fn real_driver_matches_the_simulator(c in case(true)) {
        let sim = run(&c);
        let opts = SimOptions { workers: Some(c.workers), policy: Some(c.policy), seed: Some(c.seed), on_error: Some(c.on_error), ..Default::default() };
        let real = drive_with_virtual_clock(&c.graph, opts.config(&c.graph), 5_000.25);
        for (x, y) in sim.tasks.iter().zip(&real.tasks) {
            prop_assert_eq!(x.status, y.status);
            prop_assert_eq!(x.attempts.len(), y.attempts.len());
            for (p, q) in x.attempts.iter().zip(&y.attempts) {
                prop_assert_eq!((p.worker, p.status), (q.worker, q.status));
                prop_assert!((p.start_ms - q.start_ms).abs() < 1e-6 && (p.end_ms - q.end_ms).abs() < 1e-6);
            }
        }
        prop_assert_eq!(sim.result, real.result);
    }
}
