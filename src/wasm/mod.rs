//! The wasm-bindgen layer: a thin skin that hands the core to JavaScript.
//!
//! Two builds come from this code (see `scripts/build-wasm.mjs`):
//! - plain: no threads; the page runs tasks on a pool of Web Workers, each with its own
//!   instance of this module, driven by [`Engine`];
//! - threads (feature `threads`): one shared wasm memory and a rayon pool on wasm threads
//!   (wasm-bindgen-rayon); [`run_threads`] schedules and runs a whole graph in Rust.
//!
//! Everything here runs in dedicated workers, never on the page's main thread.

mod clock;
mod engine;
#[cfg(feature = "threads")]
mod threads;

pub use clock::now_abs_ms;
pub use engine::Engine;
#[cfg(feature = "threads")]
pub use threads::{run_threads, start_thread_pool, PROGRESS_FIELDS};

use crate::lang::{parse_dag, Diagnostic};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Which build this module is: `{ threads: bool, version }`.
#[wasm_bindgen]
pub fn build_info() -> JsValue {
    #[derive(Serialize)]
    struct Info {
        threads: bool,
        version: &'static str,
    }
    to_js(&Info { threads: cfg!(feature = "threads"), version: env!("CARGO_PKG_VERSION") })
}

/// Checks `.dag` text: every diagnostic, as an array of
/// `{ line, col, end_col, severity, message }`. Never throws.
#[wasm_bindgen]
pub fn check(text: &str) -> JsValue {
    to_js(&parse_dag(text).diagnostics)
}

/// Parses `.dag` text for the page's views: `{ tasks, diagnostics }`, where `tasks` is
/// `[{ id, label, kind, duration_us, deps: [id], line, col }]` in declaration order (empty
/// when there is any error). Never throws.
#[wasm_bindgen]
pub fn parse(text: &str) -> JsValue {
    #[derive(Serialize)]
    struct TaskView<'a> {
        id: &'a str,
        label: Option<&'a str>,
        kind: &'static str,
        duration_us: u64,
        deps: Vec<&'a str>,
        line: u32,
        col: u32,
    }
    #[derive(Serialize)]
    struct Parsed<'a> {
        tasks: Vec<TaskView<'a>>,
        diagnostics: &'a [Diagnostic],
    }
    let parsed = parse_dag(text);
    let tasks = parsed
        .graph
        .as_ref()
        .map(|g| {
            g.tasks
                .iter()
                .map(|t| TaskView {
                    id: &t.id,
                    label: t.label.as_deref(),
                    kind: t.work.kind_name(),
                    duration_us: t.work.duration_us(),
                    deps: t.deps.iter().map(|&d| g.tasks[d].id.as_str()).collect(),
                    line: t.span.line,
                    col: t.span.col,
                })
                .collect()
        })
        .unwrap_or_default();
    to_js(&Parsed { tasks, diagnostics: &parsed.diagnostics })
}

/// The task ids of `text` in declaration order (the order of task indices in every other
/// call), or an empty array when the text has errors. Cheaper than [`parse`].
#[wasm_bindgen]
pub fn task_ids(text: &str) -> Vec<String> {
    parse_dag(text).graph.map(|g| g.tasks.into_iter().map(|t| t.id).collect()).unwrap_or_default()
}

/// Runs one task body on the calling thread: keeps the core busy for `duration_us`
/// microseconds of real computation and returns a checksum of the work done.
#[wasm_bindgen]
pub fn run_cpu(duration_us: f64) -> u32 {
    crate::work::burn_cpu(duration_us.max(0.0) as u64, now_abs_ms) as u32
}

/// Serializes a core value for JS. Maps become plain objects, so results read naturally.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value.serialize(&ser).unwrap_or_else(|e| JsValue::from_str(&e.to_string()))
}

/// The error thrown for a graph that does not parse: a JS `Error` whose `diagnostics`
/// property lists every problem, and whose message names the first one by line and column.
pub(crate) fn invalid_graph(diagnostics: &[Diagnostic]) -> JsValue {
    let first = diagnostics.first().map(Diagnostic::render).unwrap_or_default();
    let err = js_sys::Error::new(&format!("the graph has {} error(s); first: {first}", diagnostics.len()));
    err.set_name("InvalidGraph");
    let _ = js_sys::Reflect::set(&err, &"diagnostics".into(), &to_js(diagnostics));
    err.into()
}

/// Parses `.dag` text into a graph, or the InvalidGraph error.
pub(crate) fn parse_or_throw(text: &str) -> Result<crate::graph::Graph, JsValue> {
    let parsed = parse_dag(text);
    match parsed.graph {
        Some(g) if !parsed.has_errors() => Ok(g),
        _ => Err(invalid_graph(&parsed.diagnostics)),
    }
}
