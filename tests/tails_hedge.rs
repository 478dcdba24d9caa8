//! Hedged requests (issue 15): the worked example, limits, failures, and properties.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::drive_with_virtual_clock;
use fanout::lang::parse_dag;
use fanout::sched::SchedConfig;
use fanout::sim::{simulate, sweep, SimOptions};
use fanout::trace::{RunResult, Status};
use proptest::prelude::*;

/// (id, attempt, worker, start, end, status, reason) of one attempt.
type Row = (String, usize, usize, f64, f64, Status, Option<String>);

/// Every attempt's row.
fn rows(r: &RunResult) -> Vec<Row> {
    r.tasks
        .iter()
        .flat_map(|t| {
            t.attempts.iter().enumerate().map(move |(k, a)| {
                (
                    t.id.clone(),
                    k + 1,
                    a.worker,
                    a.start_ms,
                    a.end_ms,
                    a.status,
                    a.reason.clone(),
                )
            })
        })
        .collect()
}

const LOST: Option<String> = None;

/// The most simultaneous holders `resource` had in the simulation of `g`.
fn peak(g: &fanout::graph::Graph, opts: &SimOptions, resource: &str) -> u32 {
    let mut s = fanout::sched::Scheduler::new(g, opts.config(g)).unwrap();
    fanout::sim::run(&mut s).unwrap();
    s.resource_peaks()
        .into_iter()
        .find(|p| p.0 == resource)
        .map_or(0, |p| p.2)
}
fn lost() -> Option<String> {
    Some("lost the hedge".into())
}

/// The worked example of docs/scheduler.md: seed 20 draws 285.655 ms for `a`'s hedge copy
/// (attempt 2), started at 150 ms on the free worker 1; it ends at 435.655, before the
/// primary's own draw, which is cancelled then ("lost the hedge"). `b` follows the winner.
#[test]
fn worked_example_the_hedge_wins() {
    let g = parse_dag(
        "workers 2\nseed 20\na : io lognormal 100ms 0.8 hedge 150ms\nb : cpu 10ms after a",
    )
    .graph
    .unwrap();
    let r = simulate(&g, &SimOptions::default()).unwrap();
    assert_eq!(
        rows(&r),
        [
            ("a".into(), 1, 0, 0.0, 435.655, Status::Cancelled, lost()),
            ("a".into(), 2, 1, 150.0, 435.655, Status::Ok, LOST),
            ("b".into(), 1, 0, 435.655, 445.655, Status::Ok, LOST),
        ]
    );
    assert_eq!(r.tasks[0].status, Status::Ok);
    assert_eq!(r.tasks[0].worker, 1, "the record is the winner's");
    let s = fanout::sched::Scheduler::new(
        &g,
        SchedConfig {
            seed: 20,
            ..SchedConfig::with_workers(2)
        },
    )
    .unwrap();
    assert!(
        s.plan(0, 1).duration_us > 435_655,
        "the primary would have run longer"
    );
    assert_eq!(s.plan(0, 2).duration_us, 285_655);
    let m = r.metrics.unwrap();
    assert_eq!((m.hedges, m.retries, m.hedge_lost_ms), (1, 0, 435.655));
    assert_eq!(r.makespan_ms, 445.655);
}

/// When the primary wins: seed 42 draws 236.008 ms for `a`; its hedge starts at 200 ms on
/// worker 1 and is cancelled at 236.008 (36.008 ms of extra work).
#[test]
fn worked_example_the_primary_wins() {
    let g = parse_dag("workers 2\nseed 42\na : io lognormal 100ms 0.8 hedge 200ms")
        .graph
        .unwrap();
    let r = simulate(&g, &SimOptions::default()).unwrap();
    assert_eq!(
        rows(&r),
        [
            ("a".into(), 1, 0, 0.0, 236.008, Status::Ok, LOST),
            ("a".into(), 2, 1, 200.0, 236.008, Status::Cancelled, lost()),
        ]
    );
    assert_eq!(r.tasks[0].worker, 0);
    assert_eq!(r.metrics.unwrap().hedge_lost_ms, 36.008);
}

#[test]
fn a_hedge_counts_against_its_limit() {
    // One slot of `api`: the hedge can never start while the primary holds it.
    let g = parse_dag("limit api 1\na : io 100ms hedge 10ms uses api")
        .graph
        .unwrap();
    let r = simulate(&g, &SimOptions::default()).unwrap();
    assert_eq!(r.tasks[0].attempts.len(), 1);
    assert_eq!(r.metrics.unwrap().hedges, 0);
    let g = parse_dag("limit api 2\na : io 100ms hedge 10ms uses api")
        .graph
        .unwrap();
    let r = simulate(&g, &SimOptions::default()).unwrap();
    assert_eq!(r.tasks[0].attempts.len(), 2);
    assert_eq!(peak(&g, &SimOptions::default(), "api"), 2);
}

#[test]
fn a_failed_copy_leaves_the_other_running_and_retries_are_not_used_up() {
    // The primary fails at 100 ms; the copy (started at 50 ms) goes on and wins.
    let g = parse_dag("a : io 100ms hedge 50ms fail attempts 1")
        .graph
        .unwrap();
    let r = simulate(&g, &SimOptions::default()).unwrap();
    let st: Vec<_> = r.tasks[0]
        .attempts
        .iter()
        .map(|a| (a.status, a.start_ms, a.end_ms))
        .collect();
    assert_eq!(
        st,
        [(Status::Failed, 0.0, 100.0), (Status::Ok, 50.0, 150.0)]
    );
    assert_eq!(r.tasks[0].status, Status::Ok);
}

#[test]
fn the_done_when_figures_hedging_cuts_the_tail() {
    let plain = parse_dag(
        "workers 64\ncall[1..50] : io lognormal 100ms 0.8\nmerge : cpu 1ms after call[*]",
    )
    .graph
    .unwrap();
    let hedged = parse_dag("workers 64\ncall[1..50] : io lognormal 100ms 0.8 hedge 200ms\nmerge : cpu 1ms after call[*]").graph.unwrap();
    let a = sweep(&plain, &SimOptions::default(), 100).unwrap();
    let b = sweep(&hedged, &SimOptions::default(), 100).unwrap();
    assert!(b.p99_ms < a.p99_ms * 0.7, "p99 {} → {}", a.p99_ms, b.p99_ms);
    assert!(b.p50_ms < a.p50_ms, "p50 {} → {}", a.p50_ms, b.p50_ms);
    assert!(b.mean_hedges > 0.0 && b.mean_hedge_lost_ms > 0.0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// A hedge never runs more than two copies of a task at once; lost attempts are
    /// cancelled and overlap a winner that ended ok at their end; the run through the
    /// driver (reports by worker) is the simulation's.
    #[test]
    fn hedges_run_at_most_two_copies(seed: u64, n in 1usize..12, workers in 1usize..6,
                                     hedge in 1u64..80, fail in 0u32..40, limit in 1u32..4) {
        let text = format!("limit api {limit}\non_error continue\ncall[1..{n}] : io lognormal 20ms 0.8 hedge {hedge}ms retry 1 fail {fail}% uses api\nend : cpu 1ms..3ms after call[*]");
        let g = parse_dag(&text).graph.unwrap();
        let opts = SimOptions { seed: Some(seed), workers: Some(workers), ..Default::default() };
        let r = simulate(&g, &opts).unwrap();
        for t in &r.tasks {
            let mut ev: Vec<(f64, i32)> = t.attempts.iter().flat_map(|a| [(a.start_ms, 1), (a.end_ms, -1)]).collect();
            ev.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut live = 0;
            for (_, d) in ev { live += d; prop_assert!(live <= 2, "{}: {:?}", t.id, t.attempts); }
            for a in t.attempts.iter().filter(|a| a.reason.is_some()) {
                prop_assert_eq!(a.status, Status::Cancelled);
                prop_assert!(t.attempts.iter().any(|w| w.status == Status::Ok && w.end_ms == a.end_ms));
            }
        }
        // Resource peaks stay within the limit, hedges included.
        prop_assert!(peak(&g, &opts, "api") <= limit);
        let cfg = opts.config(&g);
        let d = drive_with_virtual_clock(&g, cfg, 1000.0);
        prop_assert_eq!(rows(&d), rows(&r));
    }
}

/// `fanout run` (OS threads) agrees with the simulation on the hedge, and stops the losing
/// `io` copy: both dependents start right after the winner, none waits for the loser's
/// own end (76 ms later).
#[test]
fn native_run_agrees_and_stops_the_loser() {
    let g = parse_dag("workers 2\nseed 20\na : io lognormal 100ms 0.8 hedge 150ms\nx : io 5ms after a\ny : io 5ms after a")
        .graph
        .unwrap();
    let sim = simulate(&g, &SimOptions::default()).unwrap();
    let real = fanout::exec::native::run_native(g, 2).unwrap();
    let shape = |r: &RunResult| -> Vec<_> {
        r.tasks
            .iter()
            .map(|t| {
                (
                    t.id.clone(),
                    t.status,
                    t.attempts
                        .iter()
                        .map(|a| (a.status, a.reason.clone()))
                        .collect::<Vec<_>>(),
                )
            })
            .collect()
    };
    assert_eq!(shape(&real), shape(&sim));
    let a_end = real.tasks[0].end_ms;
    for t in &real.tasks[1..] {
        assert!(
            t.start_ms - a_end < 40.0,
            "{} started {} ms after the winner",
            t.id,
            t.start_ms - a_end
        );
    }
}
