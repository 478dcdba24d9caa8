//! [`Engine`]: the scheduler side of the `workers` executor, for a coordinator written in JS
//! that posts tasks to a pool of Web Workers and reports back what they measured.

use super::{parse_or_throw, to_js};
use crate::exec::RunDriver;
use crate::graph::{KernelWork, Work};
use crate::sched::Outcome;
use serde::Serialize;
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

#[derive(Serialize)]
struct TaskMessage {
    task: usize,
    worker: usize,
    kind: &'static str,
    duration_us: u64,
    /// The task's timeout, if any: the executor stops the attempt there.
    timeout_us: Option<u64>,
    /// The kernel to run (for `run_kernel`), for kernel tasks.
    kernel: Option<KernelWork>,
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Ok => "ok",
        Outcome::Failed => "failed",
        Outcome::Timeout => "timeout",
    }
}

#[wasm_bindgen]
impl Engine {
    /// Parses and validates `text` and starts the run's clock at `start_abs_ms`.
    /// Throws an `InvalidGraph` error (with `diagnostics`) if the text has errors.
    #[wasm_bindgen(constructor)]
    pub fn new(text: &str, workers: usize, start_abs_ms: f64) -> Result<Engine, JsValue> {
        let graph = parse_or_throw(text)?;
        let driver = RunDriver::new(graph, workers, start_abs_ms).map_err(|e| JsValue::from(js_sys::Error::new(&e)))?;
        Ok(Engine { driver })
    }

    /// The next attempt to start at absolute time `now_abs_ms`, as
    /// `{ task, worker, kind, duration_us, timeout_us, kernel }` (`kernel` null unless it is
    /// a kernel task), or `undefined` when no task is startable or no worker is free.
    pub fn next(&mut self, now_abs_ms: f64) -> JsValue {
        match self.driver.next_at(now_abs_ms) {
            None => JsValue::UNDEFINED,
            Some(d) => to_js(&TaskMessage {
                task: d.task,
                worker: d.worker,
                kind: d.work.kind_name(),
                duration_us: d.duration_us(),
                timeout_us: self.driver.plan(d.task).timeout_us,
                kernel: match d.work {
                    Work::Kernel(k) => Some(k),
                    _ => None,
                },
            }),
        }
    }

    /// Reports that the current attempt of `task` ran on `worker` between two absolute
    /// times (ms), with the `value` it computed (kernels); returns how it ended as the
    /// scheduler judged it: `ok`, `failed` (a planned failure) or `timeout` (it ran past
    /// its timeout).
    pub fn finished(&mut self, task: usize, worker: usize, start_abs_ms: f64, end_abs_ms: f64, value: Option<f64>) -> Result<String, JsValue> {
        if let Some(v) = value {
            self.driver.set_value(task, v as i64);
        }
        self.driver
            .finished(task, worker, start_abs_ms, end_abs_ms)
            .map(|o| outcome_name(o).to_string())
            .map_err(|e| js_sys::Error::new(&e).into())
    }

    /// Reports an attempt the executor ended itself: `outcome` is `timeout` (stopped at its
    /// timeout) or `failed` (its worker crashed). Returns the outcome recorded.
    #[wasm_bindgen(js_name = finishedAs)]
    pub fn finished_as(&mut self, task: usize, worker: usize, start_abs_ms: f64, end_abs_ms: f64, outcome: &str) -> Result<String, JsValue> {
        let o = match outcome {
            "timeout" => Outcome::Timeout,
            "failed" => Outcome::Failed,
            other => return Err(js_sys::Error::new(&format!("an executor reports `timeout` or `failed`, not `{other}`")).into()),
        };
        self.driver
            .finished_with(task, worker, start_abs_ms, end_abs_ms, o)
            .map(|()| outcome.to_string())
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

    /// The RunResult, labelled with `mode`; with `counter_actual` (what the run's counters
    /// held at the end), also its counter report. Throws if the run is not done.
    pub fn result(&self, mode: &str, counter_actual: Option<f64>) -> Result<JsValue, JsValue> {
        let r = match counter_actual {
            Some(c) => self.driver.result_with_counter(mode, c.max(0.0) as u64),
            None => self.driver.result(mode),
        }
        .map_err(|e| JsValue::from(js_sys::Error::new(&e)))?;
        Ok(to_js(&r))
    }
}
