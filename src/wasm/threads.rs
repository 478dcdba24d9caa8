//! The `threads` executor: a whole run in Rust on the wasm-bindgen-rayon pool, every thread
//! sharing one wasm memory. The calling thread (the engine's dedicated worker) coordinates
//! with [`crate::exec::pool::coordinate`] and blocks while it waits, which is why this must
//! never run on the page's main thread. Each pool thread runs one
//! [`crate::exec::pool::worker_loop`] for the whole run, so the lane a bar is drawn in is
//! the thread that really ran it.

use super::{now_abs_ms, parse_or_throw};
use crate::exec::pool::{coordinate, worker_loop, Done, Event, Job, Stop, Wait, POLL};
use crate::exec::RunDriver;
use crate::graph::Micros;
use crate::graph::Work;
use crate::sched::Outcome;
use std::sync::atomic::AtomicU64;
use std::sync::mpsc::{channel, Receiver, TryRecvError};
use std::sync::{Arc, Mutex};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Starts the rayon pool with `threads` wasm threads (Web Workers sharing this module's
/// memory) and resolves to the number of threads running. Call once per module instance.
#[wasm_bindgen(js_name = startThreadPool)]
pub async fn start_thread_pool(threads: usize) -> Result<usize, JsValue> {
    // Record the panic, wake the coordinator, then do whatever the hook before did (print
    // the message, for one).
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Ok(mut p) = PANICKED.lock() {
            p.get_or_insert_with(|| info.to_string());
        }
        if let Some(t) = COORDINATOR.lock().ok().and_then(|c| c.clone()) {
            t.unpark();
        }
        previous(info);
    }));
    JsFuture::from(wasm_bindgen_rayon::init_thread_pool(threads)).await?;
    Ok(rayon::current_num_threads())
}

/// The message of a panic on any thread of this instance. wasm cannot unwind, so a thread
/// that panics aborts and its share of the pool is gone: unlike a worker with its own
/// memory, a thread takes the whole shared-memory instance down with it. The panic hook
/// records the message and wakes the coordinator, which ends the run with `ThreadPanic`.
static PANICKED: Mutex<Option<String>> = Mutex::new(None);
/// The thread coordinating the current run, for the panic hook to wake.
static COORDINATOR: Mutex<Option<std::thread::Thread>> = Mutex::new(None);

/// Progress is posted as a flat `Float64Array`, five numbers per state change:
/// `task, worker, state, start, end (NaN while running)`, times in absolute ms; state is
/// 0 running, 1 ok, 2 failed, 3 timeout (how the attempt ended). One copy per batch
/// instead of one JS object per event.
pub const PROGRESS_FIELDS: usize = 5;

fn progress_record(batch: &mut Vec<f64>, e: Event) {
    let (task, worker, state, start, end) = match e {
        Event::Started {
            task,
            worker,
            at_abs_ms,
        } => (task, worker, 0.0, at_abs_ms, f64::NAN),
        Event::Finished(d, outcome) => {
            let state = match outcome {
                Outcome::Ok => 1.0,
                Outcome::Failed => 2.0,
                Outcome::Timeout => 3.0,
            };
            (d.task, d.worker, state, d.start_abs_ms, d.end_abs_ms)
        }
    };
    batch.extend_from_slice(&[task as f64, worker as f64, state, start, end]);
}

/// Parses, schedules and runs `text` on every thread of the pool; returns the RunResult as
/// JSON text (one string to copy, instead of one JS object per field of every record).
/// While it runs, `progress` is called with packed batches (see [`PROGRESS_FIELDS`]), at
/// most about every 16 ms and once at the end, the first call with a second argument: the
/// task ids by index. If it throws, the run fails with that error.
/// `options` (`{ policy?, seed?, on_error? }`) override the graph's declarations as in
/// `simulate`. Blocks the calling thread until the run is over. Throws `InvalidGraph` on
/// bad text.
#[wasm_bindgen(js_name = runThreads)]
pub fn run_threads(
    text: &str,
    progress: &js_sys::Function,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let graph = parse_or_throw(text)?;
    let options = super::sim_options(options)?;
    let workers = rayon::current_num_threads();

    let (done_tx, done_rx) = channel();
    let (job_txs, job_rxs): (Vec<_>, Vec<Receiver<Option<Job>>>) =
        (0..workers).map(|_| channel()).unzip();
    let slots = Arc::new(Mutex::new(
        job_rxs.into_iter().map(Some).collect::<Vec<_>>(),
    ));
    if let Some(msg) = PANICKED.lock().ok().and_then(|p| p.clone()) {
        return Err(thread_panic(&msg));
    }
    // Pool threads wake the coordinator after each report (see `wait_for`).
    let coordinator = std::thread::current();
    if let Ok(mut c) = COORDINATOR.lock() {
        *c = Some(coordinator.clone());
    }
    // The `counter` kernel's shared counter: one per run, in the memory every thread shares.
    let counter = Arc::new(AtomicU64::new(0));
    let shared = counter.clone();
    let rate = super::cpu_rate(); // set by the engine before the pool started (see engine.js)
    rayon::spawn_broadcast(move |ctx| {
        let worker = ctx.index();
        let Some(jobs) = slots.lock().ok().and_then(|mut s| s[worker].take()) else {
            return;
        };
        let report = |d: Done| {
            let sent = done_tx.send(d).is_ok();
            coordinator.unpark();
            sent
        };
        worker_loop(worker, jobs, report, now_abs_ms, |work, run_us| {
            run_body(work, run_us, &shared, rate)
        });
    });

    let mut driver =
        RunDriver::with_options(graph, workers, &options, now_abs_ms()).map_err(js_error)?;
    let mut last_flush = f64::NEG_INFINITY;
    // The first exception the progress callback throws: the run still finishes (the pool
    // must be released), then fails with it, so a broken consumer is never silent.
    let callback_error = std::cell::RefCell::new(None);
    // The task ids (index → id) go with the first batch only, from the graph parsed above.
    let ids = std::cell::Cell::new(Some(
        driver
            .graph()
            .tasks
            .iter()
            .map(|t| JsValue::from_str(&t.id))
            .collect::<js_sys::Array>(),
    ));
    let flush = |batch: &mut Vec<f64>| {
        if !batch.is_empty() {
            let packed = js_sys::Float64Array::from(&batch[..]);
            let sent = match ids.take() {
                Some(ids) => progress.call2(&JsValue::NULL, &packed, &ids),
                None => progress.call1(&JsValue::NULL, &packed),
            };
            if let Err(e) = sent {
                callback_error.borrow_mut().get_or_insert(e);
            }
            batch.clear();
        }
    };
    let batch = std::cell::RefCell::new(Vec::with_capacity(PROGRESS_FIELDS * 1024));
    let observe = |e: Event| progress_record(&mut batch.borrow_mut(), e);
    // Called after every wait, so at least every POLL: posts what happened since the last batch.
    let tick = || {
        let now = now_abs_ms();
        if now - last_flush >= POLL.as_secs_f64() * 1000.0 {
            flush(&mut batch.borrow_mut());
            last_flush = now;
        }
        false // a threads run is cancelled by stopping the engine worker, not from here
    };
    let outcome = coordinate(
        &mut driver,
        &job_txs,
        |limit| wait_for(&done_rx, limit),
        now_abs_ms,
        observe,
        tick,
    );
    flush(&mut batch.borrow_mut());
    if let Some(msg) = PANICKED.lock().ok().and_then(|p| p.clone()) {
        return Err(thread_panic(&msg));
    }
    if let Some(e) = callback_error.into_inner() {
        return Err(e);
    }
    match outcome {
        Ok(()) => {
            let total = counter.load(std::sync::atomic::Ordering::SeqCst);
            let r = driver
                .result_with_counter("threads", total)
                .map_err(js_error)?;
            serde_json::to_string(&r)
                .map(JsValue::from)
                .map_err(|e| js_error(e.to_string()))
        }
        Err(Stop::Cancelled) => Err(js_error("the run was cancelled".into())),
        Err(Stop::Failed(msg)) => Err(js_error(msg)),
    }
}

/// Waits up to `limit` for a completion. std cannot time a wait on wasm32-unknown-unknown
/// (`Instant::now` panics there), so this parks the thread with a time-out (an atomic wait,
/// which needs no clock) and measures the time on the `performance` clock; pool threads
/// unpark the coordinator after each report, so a completion ends the wait at once.
fn wait_for(rx: &Receiver<Done>, limit: std::time::Duration) -> Wait {
    let deadline = now_abs_ms() + limit.as_secs_f64() * 1000.0;
    loop {
        if PANICKED.lock().map(|p| p.is_some()).unwrap_or(true) {
            return Wait::Closed; // the run reports the panic (see `run_threads`)
        }
        match rx.try_recv() {
            Ok(d) => return Wait::Got(d),
            Err(TryRecvError::Disconnected) => return Wait::Closed,
            Err(TryRecvError::Empty) => {}
        }
        let left_ms = deadline - now_abs_ms();
        if left_ms <= 0.0 {
            return Wait::TimedOut;
        }
        std::thread::park_timeout(std::time::Duration::from_secs_f64(left_ms / 1000.0));
    }
}

/// What one attempt does on a pool thread, for `run_us` (its duration cut at its timeout);
/// returns a kernel's value. `counter` is the run's shared counter, `rate` the CPU rate.
fn run_body(
    work: &Work,
    run_us: Micros,
    counter: &AtomicU64,
    rate: crate::work::CpuRate,
) -> Result<Option<i64>, String> {
    match work {
        Work::Cpu { .. } => {
            std::hint::black_box(crate::work::burn_cpu(run_us, rate));
            Ok(None)
        }
        // Blocking I/O holds its thread without using the core.
        Work::Io { .. } => {
            std::thread::sleep(std::time::Duration::from_micros(run_us));
            Ok(None)
        }
        // wasm cannot unwind: a panic here aborts this thread (see `PANICKED`).
        Work::Kernel(k) => Ok(Some(crate::work::kernels::run(k, counter))),
    }
}

fn js_error(msg: String) -> JsValue {
    js_sys::Error::new(&msg).into()
}

/// The error of a run whose task panicked: named `ThreadPanic`, so the page knows this
/// instance (its pool has lost a thread) must be replaced.
fn thread_panic(msg: &str) -> JsValue {
    let e = js_sys::Error::new(&format!(
        "a task panicked on a pool thread ({msg}); threads share one memory, so the panic took the whole thread pool down: the next run starts a fresh one"
    ));
    e.set_name("ThreadPanic");
    e.into()
}
