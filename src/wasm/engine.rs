//! [`Engine`]: the scheduler side of the `workers` executor, for a coordinator written in JS
//! that posts tasks to a pool of Web Workers and reports back what they measured.

use super::{parse_or_throw, to_js};
use crate::exec::RunDriver;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// One run of a graph on `workers` workers. Protocol: call [`Engine::next`] until it
/// returns `undefined`, post each task to its worker, report each completion with
/// [`Engine::finished`], repeat until [`Engine::is_done`]; then read [`Engine::result`].
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

    /// The next task to start as `{ task, worker, kind, duration_us }`, or `undefined`
    /// when no task is ready or no worker is free.
    pub fn next(&mut self) -> JsValue {
        match self.driver.next() {
            None => JsValue::UNDEFINED,
            Some(d) => to_js(&TaskMessage {
                task: d.task,
                worker: d.worker,
                kind: d.work.kind_name(),
                duration_us: d.duration_us(),
            }),
        }
    }

    /// Reports that `task` ran on `worker` between two absolute times (ms).
    pub fn finished(&mut self, task: usize, worker: usize, start_abs_ms: f64, end_abs_ms: f64) -> Result<(), JsValue> {
        self.driver
            .finished(task, worker, start_abs_ms, end_abs_ms)
            .map_err(|e| js_sys::Error::new(&e).into())
    }

    /// Whether every task has finished.
    #[wasm_bindgen(js_name = isDone)]
    pub fn is_done(&self) -> bool {
        self.driver.is_done()
    }

    /// The RunResult, labelled with `mode`. Throws if the run is not done.
    pub fn result(&self, mode: &str) -> Result<JsValue, JsValue> {
        let r = self.driver.result(mode).map_err(|e| JsValue::from(js_sys::Error::new(&e)))?;
        Ok(to_js(&r))
    }
}
