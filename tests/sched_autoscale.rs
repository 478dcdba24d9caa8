//! `workers MIN..MAX`: a worked example with an exact timeline (a scale-up after the delay,
//! then a scale-down), the diagnostics, round trips, and properties on generated graphs (the
//! pool never leaves its range, no attempt runs on a worker that is off, same seed same
//! trace, a real driver agrees).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{drive_with_virtual_clock, sim};
use fanout::graph::{Graph, Span, Task, TaskOptions, Work};
use fanout::lang::parse_dag;
use fanout::sim::{simulate, SimOptions};
use proptest::prelude::*;

/// One worker at first; three 10 ms tasks wait. At 5 ms (scale_up) worker 1 is asked for and
/// takes work at 7 (worker_start 2ms); only one worker starts at a time, so worker 2 is asked
/// for at 7 and ready at 9. Worker 0 takes the third task at 10.
#[test]
fn worked_example_a_scale_up_after_the_delay() {
    let r =
        sim("workers 1..3\nscale_up 5ms\nscale_down 4ms\nworker_start 2ms\nt[1..4] : cpu 10ms\n");
    let rows: Vec<_> = r
        .tasks
        .iter()
        .map(|t| (t.id.as_str(), t.worker, t.start_ms, t.end_ms))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("t1", 0, 0.0, 10.0),
            ("t2", 1, 7.0, 17.0),
            ("t3", 2, 9.0, 19.0),
            ("t4", 0, 10.0, 20.0)
        ]
    );
    let p = r.pool.as_ref().unwrap();
    assert_eq!((p.min, p.max, p.peak), (1, 3, 3));
    let lanes: Vec<_> = p
        .lanes
        .iter()
        .map(|l| (l.worker, l.start_ms, l.ready_ms, l.stop_ms))
        .collect();
    // Worker 1 idles from 17, worker 2 from 19: scale_down 4ms stops worker 1 at 21; the run
    // ends at 20, so within the run nothing stopped.
    assert_eq!(
        lanes,
        vec![
            (0, 0.0, 0.0, None),
            (1, 5.0, 7.0, None),
            (2, 7.0, 9.0, None)
        ]
    );
    assert!((p.worker_seconds - (20.0 + 15.0 + 13.0) / 1000.0).abs() < 1e-9);
    assert!((p.fixed_worker_seconds - 0.060).abs() < 1e-9);
    // A simulation models each start-up: `worker_start`, twice.
    assert_eq!(p.start_source, "modelled");
    assert_eq!(p.starts_ms, vec![2.0, 2.0]);
}

/// A real run on OS threads starts a fresh thread at each scale-up and measures it: the
/// lane's start-up (asked → ready) is that measurement, not the modelled `worker_start`
/// (1 s here: a modelled start would make the run last over a second). The same burst, a
/// pause, a burst: the stopped thread ends and a new one starts for the second burst.
#[test]
fn a_native_run_measures_each_fresh_thread_it_starts() {
    let g = parse_dag("workers 1..2\nscale_up 2ms\nscale_down 5ms\nworker_start 1s\na[1..2] : cpu 20ms\ngap : cpu 40ms after a1\nb[1..2] : cpu 20ms after gap\n")
        .graph
        .unwrap();
    let r = fanout::exec::native::run_native(g, 2).unwrap();
    let p = r.pool.as_ref().unwrap();
    assert_eq!(p.start_source, "fresh OS thread");
    assert_eq!(p.worker_start_ms, 1000.0, "the model is still reported");
    let lanes: Vec<_> = p.lanes.iter().filter(|l| l.worker == 1).collect();
    assert_eq!(lanes.len(), 2, "{p:?}");
    assert_eq!(p.starts_ms.len(), 2);
    for (l, s) in lanes.iter().zip(&p.starts_ms) {
        assert!((l.ready_ms - l.start_ms - s).abs() < 1e-9, "{l:?} {s}");
        assert!(*s < 500.0, "measured, not the modelled 1 s: {s} ms");
    }
    assert!(r.makespan_ms < 900.0, "{}", r.makespan_ms);
    // Every attempt on worker 1 ran after its lane was ready.
    for t in r.tasks.iter().filter(|t| t.worker == 1) {
        assert!(
            lanes
                .iter()
                .any(|l| l.ready_ms <= t.start_ms && l.stop_ms.is_none_or(|s| t.end_ms <= s)),
            "{t:?} {lanes:?}"
        );
    }
}

/// A burst, a pause, a burst: the pool grows, shrinks during the pause, grows again.
#[test]
fn the_pool_shrinks_when_idle_and_grows_again() {
    let r = sim("workers 1..2\nscale_up 1ms\nscale_down 5ms\na[1..2] : cpu 10ms\ngap : cpu 30ms after a1\nb[1..2] : cpu 10ms after gap\n");
    let p = r.pool.unwrap();
    let stops: Vec<_> = p
        .lanes
        .iter()
        .filter_map(|l| l.stop_ms.map(|s| (l.worker, s)))
        .collect();
    assert_eq!(
        stops,
        vec![(1, 16.0)],
        "worker 1 (busy 1-11) stops 5 ms after it went idle"
    );
    assert_eq!(
        p.lanes.iter().filter(|l| l.worker == 1).count(),
        2,
        "and comes back for the second burst"
    );
    assert!(p.worker_seconds < p.fixed_worker_seconds);
}

#[test]
fn autoscale_diagnostics_have_line_and_column() {
    let p = parse_dag("workers 4..2\na : cpu 1ms\n");
    let d = &p.diagnostics[0];
    assert_eq!((d.line, d.col), (1, 9), "{}", d.message);
    assert!(d.message.contains("smallest pool"), "{}", d.message);
    let p = parse_dag("workers 0..2\na : cpu 1ms\n");
    assert!(
        p.diagnostics[0].message.contains("at least 1"),
        "{}",
        p.diagnostics[0].message
    );
    let p = parse_dag("scale_up soon\na : cpu 1ms\n");
    let d = &p.diagnostics[0];
    assert_eq!((d.line, d.col), (1, 10), "{}", d.message);
    assert!(d.message.contains("scale_up"), "{}", d.message);
    let p = parse_dag("worker_start 1ms\nworker_start 2ms\na : cpu 1ms\n");
    assert!(p.diagnostics[0].message.contains("already declared"));
    let p = parse_dag("workers 1..9999\na : cpu 1ms\n");
    assert!(
        !p.diagnostics.is_empty(),
        "the maximum is checked like `workers N`"
    );
}

#[test]
fn autoscale_round_trips_through_dag_and_json() {
    let text = "workers 2..6\nscale_up 3ms\nscale_down 40ms\nworker_start 500us\na : cpu 1ms\n";
    let g = parse_dag(text).graph.unwrap();
    let d = &g.decls;
    assert_eq!(
        (
            d.workers_min,
            d.workers,
            d.scale_up_us,
            d.scale_down_us,
            d.worker_start_us
        ),
        (Some(2), Some(6), Some(3000), Some(40_000), Some(500))
    );
    let back = parse_dag(&fanout::lang::to_dag(&g)).graph.unwrap();
    assert_eq!(back.decls, g.decls);
    let back = fanout::lang::parse(&fanout::lang::to_json(&g), fanout::lang::Format::Json)
        .graph
        .unwrap();
    assert_eq!(back.decls, g.decls);
}

#[test]
fn a_fixed_pool_reports_no_pool() {
    assert!(sim("workers 3\na : cpu 1ms\n").pool.is_none());
    assert!(
        sim("workers 3..3\na : cpu 1ms\n").pool.is_none(),
        "MIN = MAX is a fixed pool"
    );
}

fn dag(max_tasks: usize) -> impl Strategy<Value = Graph> {
    (1..=max_tasks).prop_flat_map(|n| {
        (0..n)
            .map(|i| {
                (
                    0u64..=8_000,
                    proptest::collection::vec(0..i.max(1), 0..=i.min(2)),
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
                                backoff_us: Some(700),
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

    #[test]
    fn autoscale_invariants(g in dag(40), min in 1u32..4, extra in 1u32..5, up in 0u64..3_000, down in 0u64..5_000, start in 0u64..2_000, policy in proptest::sample::select(fanout::graph::Policy::ALL.to_vec())) {
        let mut g = g;
        let max = min + extra;
        g.decls.workers = Some(max);
        g.decls.workers_min = Some(min);
        g.decls.scale_up_us = Some(up);
        g.decls.scale_down_us = Some(down);
        g.decls.worker_start_us = Some(start);
        let opts = SimOptions { policy: Some(policy), ..Default::default() };
        let r = simulate(&g, &opts).unwrap();
        let p = r.pool.clone().unwrap();
        prop_assert!(p.peak as u32 <= max && p.peak as u32 >= min);
        // At every moment between min and max workers are on (count the lanes' intervals).
        let mut ev: Vec<(f64, i32)> = Vec::new();
        for l in &p.lanes {
            ev.push((l.start_ms, 1));
            if let Some(s) = l.stop_ms { ev.push((s, -1)); }
        }
        ev.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap().then(a.1.cmp(&b.1)));
        let mut on = 0;
        for (_, d) in ev {
            on += d;
            prop_assert!(on >= 0);
            prop_assert!(on <= max as i32);
        }
        // Every attempt ran on a worker that was on (ready) for its whole length.
        for t in &r.tasks {
            prop_assert_eq!(t.status, fanout::trace::Status::Ok);
            for a in &t.attempts {
                let ok = p.lanes.iter().any(|l| l.worker == a.worker && l.ready_ms <= a.start_ms + 1e-9 && l.stop_ms.is_none_or(|s| s >= a.end_ms - 1e-9));
                prop_assert!(ok, "{} ran on worker {} at {}..{} while it was off", &t.id, a.worker, a.start_ms, a.end_ms);
            }
        }
        prop_assert!(p.worker_seconds <= p.fixed_worker_seconds + 1e-9);
        prop_assert_eq!(&r, &simulate(&g, &opts).unwrap());
        let real = drive_with_virtual_clock(&g, opts.config(&g), 3_000.0);
        for (x, y) in r.tasks.iter().zip(&real.tasks) {
            prop_assert_eq!(x.attempts.len(), y.attempts.len());
            for (a, b) in x.attempts.iter().zip(&y.attempts) {
                prop_assert_eq!(a.worker, b.worker);
                prop_assert!((a.start_ms - b.start_ms).abs() < 1e-6);
            }
        }
        prop_assert_eq!(&r.pool, &real.pool);
    }
}
