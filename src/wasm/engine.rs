//! [`Engine`]: the scheduler side of the `workers` executor, for a coordinator written in JS
//! that posts tasks to a pool of Web Workers and reports back what they measured.

use super::parse_or_throw;
use crate::exec::RunDriver;
use crate::graph::Work;
use crate::sched::Outcome;
use wasm_bindgen::prelude::*;

/// One run of a graph on `workers` workers. Protocol: call [`Engine::next`] with the time
/// until it returns `undefined`, start each attempt on its worker, report each end with
/// [`Engine::finished`] (or [`Engine::finished_as`] when the executor itself stopped it),
/// and call `next` again after each end and at [`Engine::next_wakeup`] (a backoff ending,
/// a rate refilling); when [`Engine::is_done`], read [`Engine::result`].
#[wasm_bindgen]
pub struct Engine {
    driver: RunDriver,
}

/// Outcome codes, shared with the packed progress of the threads build: 1 ok, 2 failed,
/// 3 timeout (0 is "running").
fn outcome_code(o: Outcome) -> u8 {
    match o {
        Outcome::Ok => 1,
        Outcome::Failed => 2,
        Outcome::Timeout => 3,
    }
}

/// Work kind codes in a packed dispatch: 0 cpu, 1 io, 2 kernel.
fn kind_code(w: &Work) -> f64 {
    match w {
        Work::Cpu { .. } => 0.0,
        Work::Io { .. } => 1.0,
        Work::Kernel(_) => 2.0,
    }
}

#[wasm_bindgen]
impl Engine {
    /// Parses and validates `text` and starts the run's clock at `start_abs_ms`; `options`
    /// (`{ policy?, seed?, on_error? }`, or undefined) override the graph's declarations as
    /// in `simulate`. Throws an `InvalidGraph` error (with `diagnostics`) if the text has
    /// errors, or an Error naming a bad option.
    #[wasm_bindgen(constructor)]
    pub fn new(
        text: &str,
        workers: usize,
        start_abs_ms: f64,
        options: JsValue,
    ) -> Result<Engine, JsValue> {
        let graph = parse_or_throw(text)?;
        let options = super::sim_options(options)?;
        let driver = RunDriver::with_options(graph, workers, &options, start_abs_ms)
            .map_err(|e| JsValue::from(js_sys::Error::new(&e)))?;
        Ok(Engine { driver })
    }

    /// Starts the run's clock again at `now_abs_ms` (call it after construction, before the
    /// first [`Engine::next`]): parsing and building the run is start-up, outside the
    /// makespan, as in the threads build. Returns false, changing nothing, once an attempt
    /// was handed out.
    #[wasm_bindgen(js_name = restartClock)]
    pub fn restart_clock(&mut self, now_abs_ms: f64) -> bool {
        self.driver.restart_clock(now_abs_ms)
    }

    /// The next attempt to start at absolute time `now_abs_ms`, packed as five numbers
    /// `[task, worker, kind (0 cpu, 1 io, 2 kernel), duration_us, timeout_us or -1]` (one
    /// small typed array instead of an object: this is the per-task hot path), or
    /// `undefined` when no task is startable or no worker is free. A kernel's spec comes
    /// from [`Engine::kernel`].
    pub fn next(&mut self, now_abs_ms: f64) -> Option<Vec<f64>> {
        let d = self.driver.next_at(now_abs_ms)?;
        let timeout = self
            .driver
            .plan(d.task)
            .timeout_us
            .map_or(-1.0, |t| t as f64);
        Some(vec![
            d.task as f64,
            d.worker as f64,
            kind_code(&d.work),
            d.duration_us() as f64,
            timeout,
        ])
    }

    /// `workers MIN..MAX`: this executor starts a real worker at each scale-up and reports
    /// it ready with [`Engine::worker_ready`]; `source` names what it starts (`"fresh Web
    /// Worker"`), for the result's `pool.start_source`. Call before the first `next`. No
    /// effect on a fixed pool.
    #[wasm_bindgen(js_name = measureStarts)]
    pub fn measure_starts(&mut self, source: &str) {
        let source = match source {
            "fresh Web Worker" => "fresh Web Worker",
            "woken thread" => "woken thread",
            _ => "measured",
        };
        self.driver.measure_starts(source);
    }

    /// The pool's changes since the last call, packed as three numbers each: `[lane, kind
    /// (0 asked for, 1 ready, 2 stopped), at_abs_ms, …]`. At a 0 the executor starts the
    /// lane's worker; at a 2 it may stop it.
    #[wasm_bindgen(js_name = poolChanges)]
    pub fn pool_changes(&mut self) -> Vec<f64> {
        use crate::sched::PoolEventKind;
        self.driver
            .take_pool_changes()
            .into_iter()
            .flat_map(|c| {
                let kind = match c.kind {
                    PoolEventKind::Start => 0.0,
                    PoolEventKind::Ready => 1.0,
                    PoolEventKind::Stop => 2.0,
                };
                [c.lane as f64, kind, c.at_abs_ms]
            })
            .collect()
    }

    /// The worker of `lane`, asked for at a scale-up, is ready at `ready_abs_ms` (measured
    /// on the run's time base); call `next` after. Returns false if it was not starting.
    #[wasm_bindgen(js_name = workerReady)]
    pub fn worker_ready(&mut self, lane: usize, ready_abs_ms: f64) -> bool {
        self.driver.worker_ready(lane, ready_abs_ms)
    }

    /// The task ids by index (what every other call's `task` numbers stand for).
    #[wasm_bindgen(js_name = taskIds)]
    pub fn task_ids(&self) -> Vec<String> {
        self.driver
            .graph()
            .tasks
            .iter()
            .map(|t| t.id.clone())
            .collect()
    }

    /// The kernel task `task` runs (`{ kernel, part, parts }`) as JSON text, for
    /// `run_kernel_json`, or undefined: what the executors hand a worker.
    #[wasm_bindgen(js_name = kernelJson)]
    pub fn kernel_json(&self, task: usize) -> Option<String> {
        match self.driver.work(task) {
            Some(Work::Kernel(k)) => serde_json::to_string(k).ok(),
            _ => None,
        }
    }

    /// Reports that the current attempt of `task` ran on `worker` between two absolute
    /// times (ms), with the `value` it computed (kernels); returns how it ended as the
    /// scheduler judged it: 1 ok, 2 failed (a planned failure), 3 timeout (it ran past its
    /// timeout).
    pub fn finished(
        &mut self,
        task: usize,
        worker: usize,
        start_abs_ms: f64,
        end_abs_ms: f64,
        value: Option<f64>,
    ) -> Result<u8, JsValue> {
        if let Some(v) = value {
            self.driver.set_value(task, v as i64);
        }
        self.driver
            .finished(task, worker, start_abs_ms, end_abs_ms)
            .map(outcome_code)
            .map_err(|e| js_sys::Error::new(&e).into())
    }

    /// Reports an attempt the executor ended itself: `outcome` is `timeout` (stopped at its
    /// timeout) or `failed` (its worker crashed). Returns the outcome's code (see `finished`).
    /// The attempts that lost their hedge since the last call, as `[task, worker, …]` pairs:
    /// the executor stops them (a later report of them is ignored).
    pub fn lost(&mut self) -> Vec<u32> {
        self.driver
            .take_lost()
            .into_iter()
            .flat_map(|(t, w)| [t as u32, w as u32])
            .collect()
    }

    #[wasm_bindgen(js_name = finishedAs)]
    pub fn finished_as(
        &mut self,
        task: usize,
        worker: usize,
        start_abs_ms: f64,
        end_abs_ms: f64,
        outcome: &str,
    ) -> Result<u8, JsValue> {
        let o = match outcome {
            "timeout" => Outcome::Timeout,
            "failed" => Outcome::Failed,
            other => {
                return Err(js_sys::Error::new(&format!(
                    "an executor reports `timeout` or `failed`, not `{other}`"
                ))
                .into())
            }
        };
        self.driver
            .finished_with(task, worker, start_abs_ms, end_abs_ms, o)
            .map(|()| outcome_code(o))
            .map_err(|e| js_sys::Error::new(&e).into())
    }

    /// When to call [`Engine::next`] again if no attempt ends before, in absolute ms.
    #[wasm_bindgen(js_name = nextWakeup)]
    pub fn next_wakeup(&self) -> Option<f64> {
        self.driver.next_wakeup_abs_ms()
    }

    /// Whether every task has finished.
    #[wasm_bindgen(js_name = isDone)]
    pub fn is_done(&self) -> bool {
        self.driver.is_done()
    }

    /// The RunResult as JSON text (one string to copy, instead of one JS object per field of
    /// every record), labelled with `mode`; with `counter_actual` (what the run's counters
    /// held at the end), also its counter report. Throws if the run is not done.
    pub fn result(&self, mode: &str, counter_actual: Option<f64>) -> Result<String, JsValue> {
        let r = match counter_actual {
            Some(c) => self.driver.result_with_counter(mode, c.max(0.0) as u64),
            None => self.driver.result(mode),
        }
        .map_err(|e| JsValue::from(js_sys::Error::new(&e)))?;
        serde_json::to_string(&r).map_err(|e| js_sys::Error::new(&e.to_string()).into())
    }
}
