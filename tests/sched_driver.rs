//! The real-run driver makes the same decisions as the simulator: a fake executor that
//! "runs" each dispatch for exactly its simulated time reproduces the simulation.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::drive_with_virtual_clock;
use fanout::graph::{OnError, Policy};
use fanout::sim::testkit::GraphBuilder;
use fanout::sim::{simulate, SimOptions};
use fanout::trace::RunResult;

const MS: u64 = 1000;

fn same_timeline(a: &RunResult, b: &RunResult) {
    assert_eq!(a.tasks.len(), b.tasks.len());
    for (x, y) in a.tasks.iter().zip(&b.tasks) {
        assert_eq!(x.status, y.status, "{}", x.id);
        assert_eq!(x.attempts.len(), y.attempts.len(), "{}", x.id);
        for (p, q) in x.attempts.iter().zip(&y.attempts) {
            assert_eq!((p.worker, p.status), (q.worker, q.status), "{}", x.id);
            assert!(
                (p.start_ms - q.start_ms).abs() < 1e-6 && (p.end_ms - q.end_ms).abs() < 1e-6,
                "{}",
                x.id
            );
        }
    }
    assert!((a.makespan_ms - b.makespan_ms).abs() < 1e-6);
    assert_eq!(a.result, b.result);
}

#[test]
fn a_noise_free_real_run_equals_its_simulation() {
    let mut b = GraphBuilder::new()
        .limit("api", 2)
        .rate("db", 5.0)
        .on_error(OnError::Continue)
        .seed(11)
        .cpu("load", 3 * MS);
    for i in 0..12 {
        b = b
            .io(&format!("call{i}"), (1 + i % 4) * MS)
            .after(&["load"])
            .uses(if i % 3 == 0 { "db" } else { "api" })
            .fail(0.3)
            .retry(2, Some(MS));
    }
    let calls: Vec<String> = (0..12).map(|i| format!("call{i}")).collect();
    let refs: Vec<&str> = calls.iter().map(String::as_str).collect();
    let g = b
        .cpu("sum", MS)
        .after(&refs)
        .reduce(fanout::graph::Reduce::Sum)
        .build();
    for policy in Policy::ALL {
        for workers in [1, 3, 8] {
            let opts = SimOptions {
                workers: Some(workers),
                policy: Some(policy),
                ..Default::default()
            };
            let sim = simulate(&g, &opts).unwrap();
            let real = drive_with_virtual_clock(&g, opts.config(&g), 123_456.5);
            assert_eq!(real.mode, "fake");
            same_timeline(&sim, &real);
        }
    }
}
