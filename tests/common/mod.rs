//! Test support shared by the integration tests (each `tests/*.rs` that needs it declares
//! `mod common;`). Not every suite uses every helper.
#![allow(dead_code)]

pub mod cli;

use fanout::exec::RunDriver;
use fanout::graph::Graph;
use fanout::sched::SchedConfig;
use fanout::trace::RunResult;

/// Drives `graph` through a RunDriver with a virtual clock in absolute ms starting at
/// `t0`: each dispatch ends after its plan's simulated length.
pub fn drive_with_virtual_clock(graph: &Graph, cfg: SchedConfig, t0: f64) -> RunResult {
    let mut d = RunDriver::with_config(graph.clone(), cfg, t0).unwrap();
    let mut running: Vec<(f64, usize, usize, usize, f64)> = Vec::new(); // (end, seq, task, worker, start)
    let mut now = t0;
    let mut seq = 0;
    while !d.is_done() {
        while let Some(x) = d.next_at(now) {
            // The dispatch's own length where it is shorter: one phase of `uses a then b`.
            let (mut len, _) = d.plan(x.task).simulate();
            if !matches!(x.work, fanout::graph::Work::Kernel(_)) {
                len = len.min(x.duration_us());
            }
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
