//! The `threads` executor: a whole run in Rust on the wasm-bindgen-rayon pool, all threads
//! sharing one wasm memory.
//!
//! The calling thread (the engine's dedicated worker) coordinates: it asks the scheduler
//! for work and sends each task down the channel of the pool thread the scheduler chose,
//! then blocks on the completion channel (a blocking wait, which is why this must never
//! run on the page's main thread). Each pool thread runs one loop for the whole run, so
//! the worker a bar is drawn in is the thread that really ran it.

use super::{now_abs_ms, parse_or_throw, to_js};
use crate::exec::RunDriver;
use crate::graph::Work;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Starts the rayon pool with `threads` wasm threads (Web Workers sharing this module's
/// memory) and resolves to the number of threads running. Call once per module instance.
#[wasm_bindgen(js_name = startThreadPool)]
pub async fn start_thread_pool(threads: usize) -> Result<usize, JsValue> {
    JsFuture::from(wasm_bindgen_rayon::init_thread_pool(threads)).await?;
    Ok(rayon::current_num_threads())
}

/// A task sent to a pool thread: (task index, work).
type Job = (usize, Work);
/// A completion: (task index, worker, start, end) in absolute ms.
type Done = (usize, usize, f64, f64);

/// Parses, schedules and runs `text` on every thread of the pool; returns the RunResult.
/// Blocks the calling thread until the run is over. Throws `InvalidGraph` on bad text.
#[wasm_bindgen(js_name = runThreads)]
pub fn run_threads(text: &str) -> Result<JsValue, JsValue> {
    let graph = parse_or_throw(text)?;
    let workers = rayon::current_num_threads();
    let err = |e: String| JsValue::from(js_sys::Error::new(&e));

    let (done_tx, done_rx) = channel::<Done>();
    let (job_txs, job_rxs): (Vec<Sender<Option<Job>>>, Vec<Receiver<Option<Job>>>) =
        (0..workers).map(|_| channel()).unzip();
    let slots: Arc<Mutex<Vec<Option<Receiver<Option<Job>>>>>> =
        Arc::new(Mutex::new(job_rxs.into_iter().map(Some).collect()));

    rayon::spawn_broadcast(move |ctx| {
        let worker = ctx.index();
        let Some(jobs) = slots.lock().ok().and_then(|mut s| s[worker].take()) else { return };
        while let Ok(Some((task, work))) = jobs.recv() {
            let start = now_abs_ms();
            match work {
                Work::Cpu { duration_us } => {
                    crate::work::burn_cpu(duration_us, now_abs_ms);
                }
                // Blocking I/O holds its thread without using the core.
                Work::Io { duration_us } => std::thread::sleep(std::time::Duration::from_micros(duration_us)),
            }
            let end = now_abs_ms();
            if done_tx.send((task, worker, start, end)).is_err() {
                return;
            }
        }
    });

    let mut driver = RunDriver::new(graph, workers, now_abs_ms()).map_err(err)?;
    let outcome = loop {
        while let Some(d) = driver.next() {
            if job_txs[d.worker].send(Some((d.task, d.work))).is_err() {
                break;
            }
        }
        if driver.is_done() {
            break Ok(());
        }
        match done_rx.recv() {
            Ok((task, worker, start, end)) => {
                if let Err(e) = driver.finished(task, worker, start, end) {
                    break Err(e);
                }
            }
            Err(_) => break Err("a pool thread stopped before the run finished".into()),
        }
    };
    // End every thread's loop, so the pool is free for the next run.
    for tx in &job_txs {
        let _ = tx.send(None);
    }
    outcome.map_err(err)?;
    Ok(to_js(&driver.result("threads").map_err(err)?))
}
