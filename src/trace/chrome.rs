//! Export to the Chrome Trace Event Format (the JSON that Perfetto and chrome://tracing
//! open): one process, one thread per worker, one complete (`X`) event per attempt, and a
//! flow (`s` → `f`) per dependency edge between the last attempt of the dependency and the
//! first attempt of the dependent (each flow event placed mid-slice so that it binds to
//! the right slice).

use super::RunResult;
use crate::graph::Graph;
use serde_json::{json, Value};

/// The trace of `run` (built from `graph`) as a Trace Event Format JSON object
/// (`{"traceEvents": [...], "displayTimeUnit": "ms"}`), timestamps in µs.
pub fn to_chrome_trace(graph: &Graph, run: &RunResult) -> Value {
    let us = |ms: f64| (ms * 1000.0).round();
    let mut ev = vec![json!({
        "name": "process_name", "ph": "M", "pid": 1, "tid": 0,
        "args": { "name": format!("fanout {} ({}, {} workers)", run.mode, run.policy, run.workers) }
    })];
    for w in 0..run.workers {
        ev.push(json!({ "name": "thread_name", "ph": "M", "pid": 1, "tid": w, "args": { "name": format!("worker {w}") } }));
        ev.push(json!({ "name": "thread_sort_index", "ph": "M", "pid": 1, "tid": w, "args": { "sort_index": w } }));
    }
    for t in &run.tasks {
        let n = t.attempts.len();
        for (i, a) in t.attempts.iter().enumerate() {
            let name = if n > 1 {
                format!("{} #{}", t.id, i + 1)
            } else {
                t.id.clone()
            };
            ev.push(json!({
                "name": name, "cat": format!("{:?}", a.status).to_lowercase(), "ph": "X",
                "ts": us(a.start_ms), "dur": us(a.end_ms) - us(a.start_ms), "pid": 1, "tid": a.worker,
                "args": { "task": t.id, "attempt": i + 1, "status": a.status, "ready_ms": t.ready_ms, "unblocked_ms": t.unblocked_ms }
            }));
        }
    }
    let mut flow = 0u64;
    for (i, task) in graph.tasks.iter().enumerate() {
        let Some(to) = run.tasks.get(i).and_then(|t| t.attempts.first()) else {
            continue;
        };
        for &d in &task.deps {
            let Some(from) = run.tasks.get(d).and_then(|t| t.attempts.last()) else {
                continue;
            };
            flow += 1;
            // Both ends sit mid-slice, so each binds to its own slice even when another
            // slice on the same worker starts exactly where this one ends.
            let mid = |a: &super::Attempt| ((us(a.start_ms) + us(a.end_ms)) / 2.0).floor();
            ev.push(json!({
                "name": "dep", "cat": "dependency", "ph": "s", "id": flow,
                "pid": 1, "tid": from.worker, "ts": mid(from)
            }));
            ev.push(json!({
                "name": "dep", "cat": "dependency", "ph": "f", "bp": "e", "id": flow,
                "pid": 1, "tid": to.worker, "ts": mid(to)
            }));
        }
    }
    json!({ "traceEvents": ev, "displayTimeUnit": "ms" })
}
