//! The `threads` executor: a whole run in Rust on the wasm-bindgen-rayon pool, every thread
//! sharing one wasm memory. Each pool thread runs [`crate::exec::board::Board::work`] for the
//! whole run and dispatches for the others when it finishes an attempt, as the native
//! executor's threads do, so the lane a bar is drawn in is the thread that really ran it.
//! The calling thread (the engine's dedicated worker) starts the run, posts progress to
//! JavaScript (which only it may call) and blocks while it waits, which is why this must
//! never run on the page's main thread.

use super::{now_abs_ms, parse_or_throw};
use crate::exec::board::Board;
use crate::exec::pool::{Event, Stop, POLL};
use crate::exec::RunDriver;
use crate::graph::Micros;
use crate::graph::Work;
use crate::sched::Outcome;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
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
    if let Some(msg) = PANICKED.lock().ok().and_then(|p| p.clone()) {
        return Err(thread_panic(&msg));
    }
    // Pool threads wake this thread when they leave the run, and the panic hook does.
    let coordinator = std::thread::current();
    if let Ok(mut c) = COORDINATOR.lock() {
        *c = Some(coordinator.clone());
    }
    // The pool's threads dispatch for each other on a board (no coordinator on the path from
    // one attempt's end to the next one's start: on a 2-core machine a third thread there
    // waited for a core, up to 2 ms a dispatch). This thread only posts progress: what the
    // board observes goes into `events`, posted from here every POLL.
    let events: Arc<Mutex<Vec<f64>>> =
        Arc::new(Mutex::new(Vec::with_capacity(PROGRESS_FIELDS * 1024)));
    let sink = events.clone();
    let board: Arc<Board<'static>> = Arc::new(Board::new(
        workers,
        move |e| {
            if let Ok(mut b) = sink.lock() {
                progress_record(&mut b, e);
            }
        },
        || false, // a threads run is cancelled by stopping the engine worker, not from here
    ));
    // The `counter` kernel's shared counter: one per run, in the memory every thread shares.
    let counter = Arc::new(AtomicU64::new(0));
    let shared = counter.clone();
    let rate = super::cpu_rate(); // set by the engine before the pool started (see engine.js)
    let left = Arc::new(AtomicUsize::new(workers));
    let entered = Arc::new(AtomicUsize::new(0));
    {
        let board = board.clone();
        let (left, entered) = (left.clone(), entered.clone());
        let coordinator = coordinator.clone();
        rayon::spawn_broadcast(move |ctx| {
            entered.fetch_add(1, Ordering::SeqCst);
            coordinator.unpark();
            let w = ctx.index();
            board.work(w, now_abs_ms, |work, run_us| {
                run_body(work, run_us, &shared, rate, &|| board.stop_asked(w))
            });
            left.fetch_sub(1, Ordering::SeqCst);
            coordinator.unpark();
        });
    }
    // The run's clock starts once every pool thread is in the run: waking a parked pool
    // thread takes from a few µs to milliseconds on a busy machine, and that is start-up,
    // not the schedule's doing (a job handed to a thread still waking would start late).
    while entered.load(Ordering::SeqCst) < workers
        && !PANICKED.lock().map(|p| p.is_some()).unwrap_or(true)
    {
        std::thread::park_timeout(std::time::Duration::from_millis(1));
    }
    let driver = RunDriver::with_options(graph, workers, &options, now_abs_ms());
    let driver = match driver {
        // A scale-up wakes the lane's pool thread, parked since the run began (or since its
        // scale-down): wasm threads cannot be started mid-run (a new one is a Web Worker
        // the blocked engine worker would have to create), so the start measured is a wake.
        Ok(mut d) => {
            d.measure_starts("woken thread");
            d
        }
        Err(msg) => {
            board.abort(Stop::Failed(msg.clone()));
            wait_until_left(&left);
            return Err(js_error(msg));
        }
    };
    // The task ids (index → id) go with the first batch only, from the graph parsed above.
    let mut ids = Some(
        driver
            .graph()
            .tasks
            .iter()
            .map(|t| JsValue::from_str(&t.id))
            .collect::<js_sys::Array>(),
    );
    // The first exception the progress callback throws: the run still finishes (the pool
    // must be released), then fails with it, so a broken consumer is never silent.
    let mut callback_error = None;
    let mut flush = || {
        let batch = match events.lock() {
            Ok(mut b) if !b.is_empty() => std::mem::take(&mut *b),
            _ => return,
        };
        let packed = js_sys::Float64Array::from(&batch[..]);
        let sent = match ids.take() {
            Some(ids) => progress.call2(&JsValue::NULL, &packed, &ids),
            None => progress.call1(&JsValue::NULL, &packed),
        };
        if let Err(e) = sent {
            callback_error.get_or_insert(e);
        }
    };
    board.set_owner(coordinator.clone());
    board.start(driver, now_abs_ms());
    // Posts progress every POLL until every pool thread has left the run (or one panicked),
    // and serves an autoscaling pool's timers meanwhile (see `Board::serve`).
    while left.load(Ordering::SeqCst) > 0 {
        if PANICKED.lock().map(|p| p.is_some()).unwrap_or(true) {
            break;
        }
        let (_, wait) = board.serve(now_abs_ms());
        std::thread::park_timeout(wait.min(POLL));
        flush();
    }
    if let Some(msg) = PANICKED.lock().ok().and_then(|p| p.clone()) {
        // The panicked thread may hold the board's lock: leave the board alone.
        return Err(thread_panic(&msg));
    }
    flush();
    drop(flush);
    if let Some(e) = callback_error {
        return Err(e);
    }
    let (driver, outcome) = board.take();
    match outcome {
        Ok(()) => {
            let total = counter.load(Ordering::SeqCst);
            let r = driver
                .ok_or_else(|| js_error("the run never started".into()))?
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

/// Parks until every pool thread has left the run (each unparks this thread as it leaves).
fn wait_until_left(left: &AtomicUsize) {
    while left.load(Ordering::SeqCst) > 0 {
        std::thread::park_timeout(POLL);
    }
}

/// What one attempt does on a pool thread, for `run_us` (its duration cut at its timeout);
/// returns a kernel's value. `counter` is the run's shared counter, `rate` the CPU rate; `stop` says
/// the attempt lost its hedge (an `io` wait then ends early).
fn run_body(
    work: &Work,
    run_us: Micros,
    counter: &AtomicU64,
    rate: crate::work::CpuRate,
    stop: &dyn Fn() -> bool,
) -> Result<Option<i64>, String> {
    match work {
        // Cut at its timeout: it runs until the clock reaches the timeout.
        Work::Cpu { duration_us } if run_us < *duration_us => {
            std::hint::black_box(crate::work::burn_cpu_for(run_us, rate, now_abs_ms));
            Ok(None)
        }
        Work::Cpu { .. } => {
            std::hint::black_box(crate::work::burn_cpu(run_us, rate));
            Ok(None)
        }
        // Blocking I/O holds its thread without using the core.
        // In slices of at most 2 ms, so an attempt that lost its hedge stops soon (on the
        // `performance` clock: std cannot read one on wasm32).
        Work::Io { .. } => {
            let until = now_abs_ms() + run_us as f64 / 1000.0;
            loop {
                let left = until - now_abs_ms();
                if left <= 0.0 || stop() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_secs_f64(left.min(2.0) / 1000.0));
            }
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
