//! The real-run driver makes the same decisions as the simulator: a fake executor that
//! "runs" each dispatch for exactly its simulated time reproduces the simulation.
#![cfg(not(target_arch = "wasm32"))]

use fanout::exec::RunDriver;
use fanout::graph::{Graph, OnError, Policy};
use fanout::sched::SchedConfig;
use fanout::sim::testkit::GraphBuilder;
use fanout::sim::{simulate, SimOptions};
use fanout::trace::RunResult;

const MS: u64 = 1000;

/// Drives `graph` through a RunDriver with a virtual clock in absolute ms starting at
/// `t0`: each dispatch ends after its plan's simulated length.
fn drive(graph: &Graph, cfg: SchedConfig, t0: f64) -> RunResult {
    let mut d = RunDriver::with_config(graph.clone(), cfg, t0).unwrap();
    let mut running: Vec<(f64, usize, usize, usize, f64)> = Vec::new(); // (end, seq, task, worker, start)
    let mut now = t0;
    let mut seq = 0;
    while !d.is_done() {
        while let Some(x) = d.next_at(now) {
            let (len, _) = d.plan(x.task).simulate();
            running.push((now + len as f64 / 1000.0, seq, x.task, x.worker, now));
            seq += 1;
        }
        if d.is_done() {
            break;
        }
        running.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap().then(b.1.cmp(&a.1)));
        let next_end = running.last().map(|r| r.0);
        now = match (next_end, d.next_wakeup_abs_ms()) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => panic!("stalled"),
        };
        while running.last().is_some_and(|r| r.0 == now) {
            let (end, _, task, worker, start) = running.pop().unwrap();
            d.finished(task, worker, start, end).unwrap();
        }
    }
    d.result("fake").unwrap()
}

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
            let real = drive(&g, opts.config(&g), 123_456.5);
            assert_eq!(real.mode, "fake");
            same_timeline(&sim, &real);
        }
    }
}
