//! Nested groups in the scheduler: a worked example with an exact timeline (a group cap of
//! 2), group `on_error`, and property tests on generated graphs with random group trees.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{drive_with_virtual_clock, sim};
use fanout::graph::{Graph, Group, OnError, Policy, Span, Task, TaskOptions, Work};
use fanout::sim::{simulate, SimOptions};
use fanout::trace::{RunResult, Status};
use proptest::prelude::*;

/// (id, worker, start_ms, end_ms, status) of every attempt, in task then attempt order.
fn timeline(r: &RunResult) -> Vec<(String, usize, f64, f64, Status)> {
    r.tasks
        .iter()
        .flat_map(|t| {
            t.attempts
                .iter()
                .map(move |a| (t.id.clone(), a.worker, a.start_ms, a.end_ms, a.status))
        })
        .collect()
}

fn tl(rows: &[(&str, usize, f64, f64, Status)]) -> Vec<(String, usize, f64, f64, Status)> {
    rows.iter()
        .map(|&(i, w, s, e, st)| (i.to_string(), w, s, e, st))
        .collect()
}

/// The worked example of docs/scheduler.md ("Groups"): three workers, a group capped at 2.
pub const CAP_TWO: &str = "\
workers 3
group research workers 2 {
  a[1..4] : cpu 20ms
  group inner {
    b : cpu 5ms after a1
  }
}
solo : cpu 30ms
report : cpu 1ms after research, solo
";

/// Bottom levels: solo 31, a1 26 (a1 → b → report), a2..a4 21, b 6, report 1.
/// 0 ms: solo takes w0, a1 w1, a2 w2; the cap is full, so a3 and a4 wait though no
/// worker is free anyway. 20 ms: a1 and a2 end; b (6), a3 and a4 (21) are ready, the cap
/// lets two through: a3 and a4 (larger keys). 30 ms: solo ends and w0 is free, but b is
/// still held by the cap. 40 ms: a3 and a4 end; b starts on w0, the lowest free worker.
/// 45 ms: report.
#[test]
fn worked_example_a_group_cap_of_two() {
    let r = sim(CAP_TWO);
    use Status::Ok;
    assert_eq!(
        timeline(&r),
        tl(&[
            ("a1", 1, 0.0, 20.0, Ok),
            ("a2", 2, 0.0, 20.0, Ok),
            ("a3", 1, 20.0, 40.0, Ok),
            ("a4", 2, 20.0, 40.0, Ok),
            ("b", 0, 40.0, 45.0, Ok),
            ("solo", 0, 0.0, 30.0, Ok),
            ("report", 0, 45.0, 46.0, Ok),
        ])
    );
    assert_eq!(r.makespan_ms, 46.0);
    // The cap is counted as a limit is, as if workers were unlimited: a3 and a4 were held
    // by it from 0 to 20 ms, b from 20 to 40 ms.
    let b = &r.tasks[4];
    assert_eq!((b.ready_ms, b.unblocked_ms), (Some(20.0), Some(40.0)));
    assert_eq!(
        (r.tasks[2].ready_ms, r.tasks[2].unblocked_ms),
        (Some(0.0), Some(20.0))
    );
    assert_eq!(r.metrics.as_ref().unwrap().blocked_ms, 60.0);
    // The groups, for the page: the bracket spans, the peak under the cap.
    let g = &r.groups;
    assert_eq!(g.len(), 2);
    assert_eq!(
        (
            g[0].name.as_str(),
            g[0].parent.as_deref(),
            g[0].workers,
            g[0].peak
        ),
        ("research", None, Some(2), Some(2))
    );
    assert_eq!((g[0].start_ms, g[0].end_ms), (Some(0.0), Some(45.0)));
    assert_eq!(g[0].tasks, ["a1", "a2", "a3", "a4"]);
    assert_eq!(
        (
            g[1].name.as_str(),
            g[1].parent.as_deref(),
            g[1].workers,
            g[1].peak
        ),
        ("inner", Some("research"), None, None)
    );
    assert_eq!((g[1].start_ms, g[1].end_ms), (Some(40.0), Some(45.0)));
    // Without the cap the group takes all three workers and the run is shorter.
    let uncapped = sim(&CAP_TWO.replace(" workers 2", ""));
    assert!(uncapped.groups[0].peak.is_none());
    assert!(
        uncapped.makespan_ms < r.makespan_ms,
        "{}",
        uncapped.makespan_ms
    );
}

#[test]
fn a_group_cap_is_not_a_declared_resource() {
    let g = fanout::lang::parse_dag(CAP_TWO).graph.unwrap();
    let s = fanout::sched::Scheduler::new(
        &g,
        fanout::sched::SchedConfig::for_graph(&g, None, None, None, None),
    )
    .unwrap();
    assert!(s.resource_peaks().is_empty());
    assert_eq!(s.group_peaks(), [(0, 0)]);
}

/// A nested cap tighter than its parent's: inner allows 1 of its tasks, outer 3 in all.
/// Equal keys go by index, so i1 starts first: 0 ms i1 o1 o2, 10 ms i2 o3 o4, 20 ms i3.
#[test]
fn nested_caps_both_hold() {
    let r = sim("workers 8\ngroup outer workers 3 {\n  group inner workers 1 {\n    i[1..3] : cpu 10ms\n  }\n  o[1..4] : cpu 10ms\n}\n");
    let at = |t: f64| {
        r.tasks
            .iter()
            .filter(|x| x.start_ms <= t && t < x.end_ms)
            .map(|x| x.id.as_str())
            .collect::<Vec<_>>()
    };
    for t in [0.0, 10.0, 20.0] {
        let running = at(t);
        assert!(running.len() <= 3, "{t}: {running:?}");
        assert!(
            running.iter().filter(|x| x.starts_with('i')).count() <= 1,
            "{t}: {running:?}"
        );
    }
    assert_eq!(r.groups[0].peak, Some(3));
    assert_eq!(r.groups[1].peak, Some(1));
    // 7 tasks of 10 ms, 3 at a time: 30 ms.
    assert_eq!(r.makespan_ms, 30.0);
}

/// A member's final failure follows its innermost group's `on_error`, else the enclosing
/// group's, else the run's.
#[test]
fn group_on_error_overrides_the_run() {
    // The run fails fast, but g continues: y runs (its input missing), z is not cancelled.
    let r = sim("group g on_error continue {\n  x : cpu 10ms fail attempts 1\n}\ny : cpu 5ms after g\nz : cpu 20ms\n");
    let st: Vec<Status> = r.tasks.iter().map(|t| t.status).collect();
    assert_eq!(st, [Status::Failed, Status::Ok, Status::Ok]);
    assert_eq!(r.tasks[1].start_ms, 10.0);
    // A nested group without on_error inherits skip-dependents from its parent; a sibling
    // task outside both fails fast.
    let text = "on_error continue\ngroup outer on_error skip-dependents {\n  group inner {\n    x : cpu 10ms fail attempts 1\n  }\n}\ny : cpu 5ms after x\nz : cpu 30ms\n";
    let r = sim(text);
    let st: Vec<Status> = r.tasks.iter().map(|t| t.status).collect();
    assert_eq!(st, [Status::Failed, Status::Skipped, Status::Ok]);
    // The innermost group's own mode wins over its parent's.
    let r = sim(&text.replace("group inner {", "group inner on_error fail-fast {"));
    let st: Vec<Status> = r.tasks.iter().map(|t| t.status).collect();
    assert_eq!(st, [Status::Failed, Status::Cancelled, Status::Cancelled]);
    // Outside every group, the run's mode applies (continue here).
    let r = sim("on_error continue\ngroup g on_error fail-fast {\n  a : cpu 1ms\n}\nx : cpu 10ms fail attempts 1\ny : cpu 5ms after x\n");
    let st: Vec<Status> = r.tasks.iter().map(|t| t.status).collect();
    assert_eq!(st, [Status::Ok, Status::Failed, Status::Ok]);
}

// ---- properties ------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Case {
    graph: Graph,
    workers: usize,
    policy: Policy,
    seed: u64,
    on_error: OnError,
}

fn mode(k: u8) -> Option<OnError> {
    match k {
        1 => Some(OnError::FailFast),
        2 => Some(OnError::SkipDependents),
        3 => Some(OnError::Continue),
        _ => None,
    }
}

/// A random DAG with a random tree of up to 5 groups (each with a random cap or none and a
/// random `on_error` or none); each task in a random group or none, then the tasks reordered
/// so each group's are contiguous. Tasks retry and fail at random.
fn case() -> impl Strategy<Value = Case> {
    let groups =
        proptest::collection::vec((0usize..5, proptest::option::of(1u32..4), 0u8..4), 0..=5);
    let tasks = proptest::collection::vec(
        (
            0u64..=20_000,
            proptest::collection::vec(0usize..1000, 0..=3),
            0usize..7,
            (0u32..3, 0.0f64..0.5, proptest::option::of(1u64..15_000)),
        ),
        1..=30,
    );
    let on_error = proptest::sample::select(vec![
        OnError::FailFast,
        OnError::SkipDependents,
        OnError::Continue,
    ]);
    (
        groups,
        tasks,
        1usize..6,
        proptest::sample::select(Policy::ALL.to_vec()),
        any::<u64>(),
        on_error,
    )
        .prop_map(|(gspecs, tspecs, workers, policy, seed, on_error)| {
            let mut groups: Vec<Group> = gspecs
                .iter()
                .enumerate()
                .map(|(g, &(p, cap, m))| Group {
                    name: format!("g{g}"),
                    // A parent among the earlier groups, or none.
                    parent: (g > 0 && p < g).then_some(p),
                    workers: cap,
                    on_error: mode(m),
                    tasks: Vec::new(),
                    span: Span::default(),
                })
                .collect();
            let mut tasks = Vec::new();
            for (i, (dur, deps, g, (retry, p, timeout))) in tspecs.into_iter().enumerate() {
                let mut deps: Vec<usize> = deps
                    .into_iter()
                    .filter(|_| i > 0)
                    .map(|d| d % i.max(1))
                    .collect();
                deps.sort_unstable();
                deps.dedup();
                if g < groups.len() {
                    groups[g].tasks.push(i);
                }
                tasks.push(Task {
                    id: format!("t{i}"),
                    label: None,
                    work: Work::Cpu { duration_us: dur },
                    deps,
                    options: TaskOptions {
                        retry,
                        fail_probability: p,
                        timeout_us: timeout,
                        ..Default::default()
                    },
                    span: Span::default(),
                });
            }
            let mut graph = Graph {
                tasks,
                decls: Default::default(),
                groups,
            };
            // The model lists a group's tasks together; dependencies may then point forward.
            graph.make_groups_contiguous();
            Case {
                graph,
                workers,
                policy,
                seed,
                on_error,
            }
        })
}

fn opts(c: &Case) -> SimOptions {
    SimOptions {
        workers: Some(c.workers),
        policy: Some(c.policy),
        seed: Some(c.seed),
        on_error: Some(c.on_error),
        ..Default::default()
    }
}

fn us(ms: f64) -> i64 {
    (ms * 1000.0).round() as i64
}

fn check(c: &Case, r: &RunResult) -> Result<(), TestCaseError> {
    let g = &c.graph;
    prop_assert!(g.check_structure().is_ok());
    let modes = g.task_on_error(c.on_error);
    // Dependencies: an attempt starts after every dependency ended, and ended ok unless
    // that dependency's own mode is `continue`.
    for (i, t) in r.tasks.iter().enumerate() {
        for a in &t.attempts {
            for &d in &g.tasks[i].deps {
                let dep = &r.tasks[d];
                prop_assert!(
                    dep.status == Status::Ok || modes[d] == OnError::Continue,
                    "{} ran after failed {}",
                    t.id,
                    dep.id
                );
                prop_assert!(
                    us(dep.end_ms) <= us(a.start_ms),
                    "{} started before {} ended",
                    t.id,
                    dep.id
                );
            }
        }
    }
    // A worker runs one attempt at a time.
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
    // A group never has more attempts of its members (nested included) running than its
    // cap: a sweep where an end at t comes before a start at t.
    for (k, grp) in g.groups.iter().enumerate() {
        let Some(cap) = grp.workers else { continue };
        let mut ev: Vec<(i64, i32)> = Vec::new();
        for m in g.group_members(k) {
            for a in &r.tasks[m].attempts {
                if a.start_ms < a.end_ms {
                    ev.push((us(a.start_ms), 1));
                    ev.push((us(a.end_ms), -1));
                }
            }
        }
        ev.sort();
        let (mut cur, mut peak) = (0, 0);
        for (_, d) in ev {
            cur += d;
            peak = peak.max(cur);
        }
        prop_assert!(
            peak <= cap as i32,
            "group {} ran {} at once, cap {}",
            grp.name,
            peak,
            cap
        );
        let reported = r.groups[k].peak.unwrap_or(0) as i32;
        prop_assert!(
            reported <= cap as i32 && reported >= peak,
            "reported peak {reported}, swept {peak}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(400), ..ProptestConfig::default() })]

    #[test]
    fn caps_deps_and_workers_hold_and_the_seed_decides(c in case()) {
        let r = simulate(&c.graph, &opts(&c)).unwrap();
        check(&c, &r)?;
        // The same seed gives the same trace.
        prop_assert_eq!(&r, &simulate(&c.graph, &opts(&c)).unwrap());
    }

    /// A real run without noise is its simulation, groups included.
    #[test]
    fn real_driver_matches_the_simulator(c in case()) {
        let s = simulate(&c.graph, &opts(&c)).unwrap();
        let real = drive_with_virtual_clock(&c.graph, opts(&c).config(&c.graph), 7_000.5);
        check(&c, &real)?;
        for (x, y) in s.tasks.iter().zip(&real.tasks) {
            prop_assert_eq!(x.status, y.status);
            prop_assert_eq!(x.attempts.len(), y.attempts.len());
            for (p, q) in x.attempts.iter().zip(&y.attempts) {
                prop_assert_eq!((p.worker, p.status), (q.worker, q.status));
                prop_assert!((p.start_ms - q.start_ms).abs() < 1e-6 && (p.end_ms - q.end_ms).abs() < 1e-6);
            }
        }
        prop_assert_eq!(&s.groups.iter().map(|g| g.peak).collect::<Vec<_>>(), &real.groups.iter().map(|g| g.peak).collect::<Vec<_>>());
    }
}

/// The groups starter of the page (www/app/scenarios.js, `GROUPS_STARTER`), read from there.
fn starter() -> String {
    let js = include_str!("../www/app/scenarios.js");
    let start = js
        .find("export const GROUPS_STARTER = `")
        .expect("the starter")
        + "export const GROUPS_STARTER = `".len();
    let len = js[start..].find('`').expect("its end");
    js[start..start + len].to_string()
}

/// The starter, as docs/scheduler.md walks through it: 4 workers, research capped at 2.
/// Bottom levels: solo 200, a1 160, a2 140, a3 and a4 100, b 80, report 20.
/// 0: solo w0, a1 w1, a2 w2; a3 and a4 wait for the cap while w3 idles. 80: a1 ends; a3
/// (100) beats b (80) for the slot. 120: a2 ends; a4 beats b. 160: a3 ends; b takes the
/// slot. 180: solo ends. 200: a4 ends. 220: b ends; report on w0, the lowest free worker.
#[test]
fn worked_example_the_groups_starter() {
    let r = sim(&starter());
    use Status::Ok;
    assert_eq!(
        timeline(&r),
        tl(&[
            ("a1", 1, 0.0, 80.0, Ok),
            ("a2", 2, 0.0, 120.0, Ok),
            ("a3", 1, 80.0, 160.0, Ok),
            ("a4", 2, 120.0, 200.0, Ok),
            ("b", 1, 160.0, 220.0, Ok),
            ("solo", 0, 0.0, 180.0, Ok),
            ("report", 0, 220.0, 240.0, Ok),
        ])
    );
    // Every decision is at least 20 ms from the next: no two attempts end together.
    let mut ends: Vec<f64> = r.tasks.iter().map(|t| t.end_ms).collect();
    ends.sort_by(f64::total_cmp);
    assert!(ends.windows(2).all(|w| w[1] - w[0] >= 20.0), "{ends:?}");
    assert_eq!(r.groups[0].peak, Some(2));
    // Worker 3 never runs anything: the cap, not the pool, is what limits research.
    assert!(r.tasks.iter().all(|t| t.worker != 3));
    // The same decisions on 7 workers (async mode's one slot per task).
    let wide = simulate(
        &fanout::lang::parse_dag(&starter()).graph.unwrap(),
        &SimOptions {
            workers: Some(7),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(timeline(&wide), timeline(&r));
}
