//! Test support shared by the integration tests (each `tests/*.rs` that needs it declares
//! `mod common;`). Not every suite uses every helper.
#![allow(dead_code)]

pub mod cli;

use fanout::exec::RunDriver;
use fanout::graph::Graph;
use fanout::sched::SchedConfig;
use fanout::trace::RunResult;

/// The simulation of `.dag` text with the default options (the text must be valid).
pub fn sim(text: &str) -> RunResult {
    let g = fanout::lang::parse_dag(text).graph.expect("valid graph");
    fanout::sim::simulate(&g, &fanout::sim::SimOptions::default()).unwrap()
}

/// Drives `graph` through a RunDriver with a virtual clock in absolute ms starting at
/// `t0`: each dispatch ends after its plan's simulated length. The clock counts whole µs
/// (turned into absolute ms only to talk to the driver), so ends that a simulation has at
/// the same µs are reported together here too.
pub fn drive_with_virtual_clock(graph: &Graph, cfg: SchedConfig, t0: f64) -> RunResult {
    let mut d = RunDriver::with_config(graph.clone(), cfg, t0).unwrap();
    let abs = |us: u64| t0 + us as f64 / 1000.0;
    let mut running: Vec<(u64, usize, usize, usize, u64)> = Vec::new(); // (end, seq, task, worker, start), µs
    let mut now: u64 = 0;
    let mut seq = 0;
    // Like the real executors, a worker handed several attempts (a batch) runs them one
    // after another: each starts when the worker's previous one ends.
    let mut busy_until: Vec<u64> = Vec::new();
    while !d.is_done() {
        while let Some(x) = d.next_at(abs(now)) {
            // The dispatch's own length where it is shorter: one phase of `uses a then b`.
            let (mut len, _) = d.plan(x.task).simulate();
            if !matches!(x.work, fanout::graph::Work::Kernel(_)) {
                len = len.min(x.duration_us());
            }
            if busy_until.len() <= x.worker {
                busy_until.resize(x.worker + 1, 0);
            }
            let start = now.max(busy_until[x.worker]);
            let end = start + len;
            busy_until[x.worker] = end;
            running.push((end, seq, x.task, x.worker, start));
            seq += 1;
        }
        if d.is_done() {
            break;
        }
        running.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        let next_end = running.last().map(|r| r.0);
        let wake = d
            .next_wakeup_abs_ms()
            .map(|ms| ((ms - t0) * 1000.0).round().max(0.0) as u64);
        now = match (next_end, wake) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => panic!("stalled"),
        };
        while running.last().is_some_and(|r| r.0 == now) {
            let (end, _, task, worker, start) = running.pop().unwrap();
            d.finished(task, worker, abs(start), abs(end)).unwrap();
            // A copy that lost its hedge is stopped now, as the real executors stop it: its
            // worker is free from here (its report would be accepted and ignored).
            for (lost, w) in d.take_lost() {
                running.retain(|r| !(r.2 == lost && r.3 == w));
                if let Some(b) = busy_until.get_mut(w) {
                    *b = (*b).min(now);
                }
            }
        }
    }
    d.result("fake").unwrap()
}
