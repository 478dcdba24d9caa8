//! The native executor: a graph run on OS threads with the same scheduler and the same
//! pool loops as the browser's wasm threads. Powers `fanout run`.

use super::pool::{coordinate, timed_wait, worker_loop, Stop, POLL};
use super::RunDriver;
use crate::graph::{Graph, Work};
use crate::trace::RunResult;
use std::sync::mpsc::channel;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Runs `graph` on `workers` OS threads: `cpu` tasks compute for their duration, `io`
/// tasks sleep (holding their thread, as blocking I/O does). Returns the RunResult with
/// mode `native`, times in ms from the start of the run.
pub fn run_native(graph: Graph, workers: usize) -> Result<RunResult, String> {
    // Absolute ms like the browser's time base (ms since the epoch), read off one monotonic clock.
    let epoch_ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0);
    let t0 = Instant::now();
    let now = move || epoch_ms + t0.elapsed().as_secs_f64() * 1000.0;
    let (done_tx, done_rx) = channel();
    let outcome = std::thread::scope(|s| {
        let mut job_txs = Vec::with_capacity(workers);
        for w in 0..workers {
            let (tx, rx) = channel();
            job_txs.push(tx);
            let done = done_tx.clone();
            std::thread::Builder::new()
                .name(format!("fanout-worker-{w}"))
                .spawn_scoped(s, move || worker_loop(w, rx, |d| done.send(d).is_ok(), now, run_body))
                .map_err(|e| Stop::Failed(format!("cannot start a worker thread: {e}")))?;
        }
        drop(done_tx);
        // The run starts once every thread exists: spawning them is not part of it.
        let mut driver = RunDriver::new(graph, workers, now()).map_err(Stop::Failed)?;
        coordinate(&mut driver, &job_txs, timed_wait(&done_rx, POLL), now, |_| {}, || false)?;
        driver.result("native").map_err(Stop::Failed)
    });
    outcome.map_err(|e| match e {
        Stop::Cancelled => "the run was cancelled".to_string(),
        Stop::Failed(msg) => msg,
    })
}

/// What one task does on an OS thread.
fn run_body(work: &Work) {
    let t0 = Instant::now();
    match *work {
        Work::Cpu { duration_us } => {
            crate::work::burn_cpu(duration_us, || t0.elapsed().as_secs_f64() * 1000.0);
        }
        Work::Io { duration_us } => std::thread::sleep(Duration::from_micros(duration_us)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parse_dag;

    #[test]
    fn runs_a_fan_out_in_parallel_on_os_threads() {
        let g = parse_dag("s : cpu 1ms\na : cpu 20ms after s\nb : cpu 20ms after s\nj : cpu 1ms after a, b").graph.unwrap();
        let r = run_native(g, 2).unwrap();
        assert_eq!(r.mode, "native");
        assert_eq!(r.tasks.len(), 4);
        let (a, b) = (&r.tasks[1], &r.tasks[2]);
        assert_ne!(a.worker, b.worker);
        assert!(a.end_ms - a.start_ms >= 20.0);
        assert!(r.tasks[3].start_ms >= a.end_ms.max(b.end_ms));
        // Ran at the same time on two threads (robust to a loaded machine, unlike a timing bound).
        assert!(a.start_ms < b.end_ms && b.start_ms < a.end_ms, "a and b did not overlap: {r:?}");
    }
}
