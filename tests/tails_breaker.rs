//! Circuit breakers (issue 15): the worked example, diagnostics, and properties.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::drive_with_virtual_clock;
use fanout::lang::parse_dag;
use fanout::sim::{simulate, SimOptions};
use fanout::trace::{RunResult, Status};
use proptest::prelude::*;

fn attempts(r: &RunResult) -> Vec<(String, usize, f64, f64, Status)> {
    r.tasks
        .iter()
        .flat_map(|t| {
            t.attempts
                .iter()
                .map(move |a| (t.id.clone(), a.worker, a.start_ms, a.end_ms, a.status))
        })
        .collect()
}

/// The worked example of docs/scheduler.md, exact.
#[test]
fn worked_example_open_half_open_closed() {
    let g = parse_dag("workers 1\nbreaker api after 2 failures open 100ms\nflaky[1..3] : io 10ms retry 3 backoff 40ms fail attempts 1 uses api")
        .graph
        .unwrap();
    let r = simulate(&g, &SimOptions::default()).unwrap();
    let st = |id: &str| -> Vec<(f64, f64, Status)> {
        r.tasks
            .iter()
            .find(|t| t.id == id)
            .unwrap()
            .attempts
            .iter()
            .map(|a| (a.start_ms, a.end_ms, a.status))
            .collect()
    };
    use Status::*;
    assert_eq!(
        st("flaky1"),
        [
            (0.0, 10.0, Failed),
            (50.0, 50.0, Rejected),
            (130.0, 140.0, Ok)
        ]
    );
    assert_eq!(
        st("flaky2"),
        [
            (10.0, 20.0, Failed),
            (60.0, 60.0, Rejected),
            (140.0, 150.0, Ok)
        ]
    );
    assert_eq!(
        st("flaky3"),
        [
            (20.0, 20.0, Rejected),
            (60.0, 60.0, Rejected),
            (150.0, 160.0, Ok)
        ]
    );
    assert_eq!(r.makespan_ms, 160.0);
    let band: Vec<(f64, &str)> = r.breakers[0]
        .changes
        .iter()
        .map(|c| (c.at_ms, c.state.as_str()))
        .collect();
    assert_eq!(
        band,
        [(20.0, "open"), (120.0, "half-open"), (140.0, "closed")]
    );
    assert_eq!(r.breakers[0].resource, "api");
}

#[test]
fn a_rejection_counts_as_a_failure_for_on_error() {
    let g = parse_dag("on_error skip-dependents\nbreaker db after 1 failures open 1s\nbad : io 5ms fail 100% uses db\nnext : io 5ms uses db after bad\ngate : cpu 10ms\nother : io 20ms uses db after gate\nafter_other : cpu 1ms after other")
        .graph
        .unwrap();
    let r = simulate(
        &g,
        &SimOptions {
            workers: Some(2),
            ..Default::default()
        },
    )
    .unwrap();
    let s: Vec<_> = r.tasks.iter().map(|t| (t.id.as_str(), t.status)).collect();
    // bad fails at 5 ms and opens the breaker; `other`, ready at 10 ms, is rejected at once
    // and its dependent skipped.
    assert_eq!(
        s,
        [
            ("bad", Status::Failed),
            ("next", Status::Skipped),
            ("gate", Status::Ok),
            ("other", Status::Rejected),
            ("after_other", Status::Skipped)
        ]
    );
    let other = &r.tasks[3].attempts[0];
    assert_eq!(
        (other.start_ms, other.end_ms, other.status),
        (10.0, 10.0, Status::Rejected)
    );
    assert_eq!(r.metrics.unwrap().tasks_failed, 2);
}

#[test]
fn breaker_diagnostics_have_line_and_column() {
    let p = parse_dag("breaker api after x failures open 1s\nbreaker db after 2 failures shut 1s\nbreaker q after 2 failures open 1s\nbreaker q after 3 failures open 2s\nt : io 1ms uses api");
    let at: Vec<_> = p.diagnostics.iter().map(|d| (d.line, d.col)).collect();
    // Line 5 uses `api`, whose breaker did not parse: unknown resource.
    assert_eq!(
        at,
        [(1, 19), (2, 29), (4, 1), (5, 17)],
        "{:?}",
        p.diagnostics
    );
    // A breaker's resource may be used without a limit.
    assert!(
        parse_dag("breaker api after 2 failures open 1s\nt : io 1ms uses api")
            .graph
            .is_some()
    );
    let g = parse_dag("breaker api after 2 failures open 1s\nt : io 1ms uses api")
        .graph
        .unwrap();
    assert_eq!(
        fanout::lang::to_dag(&g),
        "breaker api after 2 failures open 1s\n\nt : io 1ms uses api\n"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// A breaker never lets an attempt start while open, lets at most one probe start while
    /// half-open, and the driver (real executors' path) makes the simulation's decisions.
    #[test]
    fn never_runs_while_open(seed: u64, n in 1usize..14, workers in 1usize..5, after in 1u32..4,
                             open in 1u64..60, fail in 0u32..90, retry in 1u32..4, backoff in 0u64..30) {
        let text = format!("on_error continue\nbreaker api after {after} failures open {open}ms\ncall[1..{n}] : io 2ms..12ms retry {retry} backoff {backoff}ms fail {fail}% uses api\nend : cpu 1ms after call[*]");
        let g = parse_dag(&text).graph.unwrap();
        let opts = SimOptions { seed: Some(seed), workers: Some(workers), ..Default::default() };
        let r = simulate(&g, &opts).unwrap();
        let band = r.breakers.first().map(|b| b.changes.clone()).unwrap_or_default();
        for (k, c) in band.iter().enumerate() {
            let until = band.get(k + 1).map_or(f64::INFINITY, |n| n.at_ms);
            let started: Vec<_> = attempts(&r).into_iter()
                .filter(|a| a.0 != "end" && a.4 != Status::Rejected && a.2 >= c.at_ms && a.2 < until)
                .collect();
            match c.state.as_str() {
                "open" => prop_assert!(started.is_empty(), "ran while open {}..{}: {:?}", c.at_ms, until, started),
                "half-open" => prop_assert!(started.len() <= 1, "more than one probe: {:?}", started),
                _ => {}
            }
        }
        // Rejected attempts take no time.
        prop_assert!(attempts(&r).iter().all(|a| a.4 != Status::Rejected || a.2 == a.3));
        let d = drive_with_virtual_clock(&g, opts.config(&g), 500.0);
        prop_assert_eq!(attempts(&d), attempts(&r));
        prop_assert_eq!(&d.breakers, &r.breakers);
    }
}
