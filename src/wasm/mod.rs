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
mod compact;
mod engine;
#[cfg(feature = "threads")]
mod threads;

pub use clock::now_abs_ms;
pub use compact::{analyze_summary, group_graph, simulate_compact};
pub use engine::Engine;
#[cfg(feature = "threads")]
pub use threads::{run_threads, start_thread_pool, PROGRESS_FIELDS};

use crate::analysis::Analysis;
use crate::lang::{parse as parse_format, parse_dag, to_dag, to_json, Diagnostic, Format, Parsed};
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
    to_js(&Info {
        threads: cfg!(feature = "threads"),
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// Reads `text` in `format` (`dag` when absent; also `json`, `stg`, `dot`).
fn parse_in(text: &str, format: Option<String>) -> Result<Parsed, JsValue> {
    let name = format.as_deref().unwrap_or("dag");
    let format = Format::from_name(name).ok_or_else(|| {
        JsValue::from(js_sys::Error::new(&format!(
            "unknown format `{name}`: use dag, json, stg or dot"
        )))
    })?;
    Ok(parse_format(text, format))
}

/// Checks text in `format` (default `dag`): every diagnostic, as an array of
/// `{ line, col, end_line, end_col, severity, message, path }`. Throws only for an unknown
/// format name.
#[wasm_bindgen]
pub fn check(text: &str, format: Option<String>) -> Result<JsValue, JsValue> {
    Ok(to_js(&parse_in(text, format)?.diagnostics))
}

/// Analyses text in `format` (default `dag`) for 1..=`max_workers` workers:
/// `{ analysis, diagnostics }`, where `analysis` (work, span, parallelism, critical path,
/// levels, bounds per worker count; see `fanout::analysis::Analysis`) is null when the text
/// has errors.
#[wasm_bindgen]
pub fn analyze(text: &str, max_workers: u32, format: Option<String>) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Out<'a> {
        analysis: Option<Analysis>,
        diagnostics: &'a [Diagnostic],
    }
    let parsed = parse_in(text, format)?;
    let analysis = parsed
        .graph
        .as_ref()
        .filter(|_| !parsed.has_errors())
        .map(|g| crate::analysis::analyze(g, max_workers));
    Ok(to_js(&Out {
        analysis,
        diagnostics: &parsed.diagnostics,
    }))
}

/// Converts text from one format to another (`dag`, `json`; reading also `stg`, `dot`):
/// `{ text, diagnostics }`, with `text` null when the input has errors.
#[wasm_bindgen]
pub fn convert(text: &str, from: &str, to: &str) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Out<'a> {
        text: Option<String>,
        diagnostics: &'a [Diagnostic],
    }
    let write: fn(&crate::graph::Graph) -> String = match to {
        "dag" => to_dag,
        "json" => to_json,
        other => {
            return Err(
                js_sys::Error::new(&format!("cannot write `{other}`: use dag or json")).into(),
            )
        }
    };
    let parsed = parse_in(text, Some(from.to_string()))?;
    let out = parsed
        .graph
        .as_ref()
        .filter(|_| !parsed.has_errors())
        .map(write);
    Ok(to_js(&Out {
        text: out,
        diagnostics: &parsed.diagnostics,
    }))
}

/// Parses `.dag` text for the page's views: `{ tasks, groups?, diagnostics }`, where `tasks`
/// is `[{ id, label, kind, duration_us, deps: [id], line, col }]` in declaration order (empty
/// when there is any error) and `groups` (absent when there are none) is
/// `[{ name, parent, workers, on_error, tasks: [id] }]`, parents first. Never throws.
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
    struct GroupView<'a> {
        name: &'a str,
        parent: Option<&'a str>,
        workers: Option<u32>,
        on_error: Option<crate::graph::OnError>,
        /// Its own tasks' ids (nested groups' are theirs).
        tasks: Vec<&'a str>,
    }
    #[derive(Serialize)]
    struct Parsed<'a> {
        tasks: Vec<TaskView<'a>>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        groups: Vec<GroupView<'a>>,
        diagnostics: &'a [Diagnostic],
    }
    let parsed = parse_dag(text);
    let groups = parsed
        .graph
        .as_ref()
        .map(|g| {
            g.groups
                .iter()
                .map(|x| GroupView {
                    name: &x.name,
                    parent: x
                        .parent
                        .and_then(|p| g.groups.get(p))
                        .map(|p| p.name.as_str()),
                    workers: x.workers,
                    on_error: x.on_error,
                    tasks: x.tasks.iter().map(|&t| g.tasks[t].id.as_str()).collect(),
                })
                .collect()
        })
        .unwrap_or_default();
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
    to_js(&Parsed {
        tasks,
        groups,
        diagnostics: &parsed.diagnostics,
    })
}

/// Simulates `.dag` text exactly and instantly: the RunResult with `mode: "simulated"`
/// (attempts, values, metrics…). `options` is `{ workers?, policy?, seed?, on_error?,
/// dispatch_us? }` (`policy` and `on_error` as in the language, e.g. `"waves"`,
/// `"skip-dependents"`; `dispatch_us`: a pool's dispatch cost to charge, see
/// [`sim_options_for`]); anything absent comes from the graph's declarations. Throws
/// `InvalidGraph` on bad text, or an Error naming a bad option.
#[wasm_bindgen]
pub fn simulate(text: &str, options: JsValue) -> Result<JsValue, JsValue> {
    let graph = parse_or_throw(text)?;
    let opts = sim_options_for(&graph, options)?;
    let run =
        crate::sim::simulate(&graph, &opts).map_err(|e| JsValue::from(js_sys::Error::new(&e)))?;
    Ok(to_js(&run))
}

/// The simulated makespan (ms) on 1..=`max_workers` workers, without building results:
/// the data of a speedup chart. `options` as for [`simulate`] (its `workers` is ignored).
#[wasm_bindgen]
pub fn makespans(text: &str, max_workers: usize, options: JsValue) -> Result<Vec<f64>, JsValue> {
    let graph = parse_or_throw(text)?;
    let mut opts = sim_options_for(&graph, options)?;
    (1..=max_workers.clamp(1, 4096))
        .map(|w| {
            opts.workers = Some(w);
            crate::sim::makespan_us(&graph, &opts)
                .map(|us| us as f64 / 1000.0)
                .map_err(|e| JsValue::from(js_sys::Error::new(&e)))
        })
        .collect()
}

/// The makespan distribution of `seeds` simulations of `text`, seeds from `options.seed`
/// (else the graph's, else 0) upwards: a `SeedSweep` (`makespans_ms`, `busy_ms`, `p50_ms`,
/// `p90_ms`, `p99_ms`, …; see `fanout::sim::seeds`). `options` as for [`simulate`].
#[wasm_bindgen]
pub fn simulate_seeds(text: &str, seeds: u32, options: JsValue) -> Result<JsValue, JsValue> {
    let graph = parse_or_throw(text)?;
    let opts = sim_options_for(&graph, options)?;
    let sweep = crate::sim::sweep(&graph, &opts, seeds)
        .map_err(|e| JsValue::from(js_sys::Error::new(&e)))?;
    Ok(to_js(&sweep))
}

/// The Chrome Trace Event Format JSON (for Perfetto or chrome://tracing) of a RunResult
/// of `text`: one thread per worker, one complete event per attempt, flows for dependencies.
#[wasm_bindgen]
pub fn chrome_trace(text: &str, run: JsValue) -> Result<String, JsValue> {
    let graph = parse_or_throw(text)?;
    let run: crate::trace::RunResult = serde_wasm_bindgen::from_value(run)?;
    Ok(crate::trace::chrome::to_chrome_trace(&graph, &run).to_string())
}

/// The simulated timeline of `.dag` text as an SVG document (see `fanout::trace::svg`):
/// what an embed shows before its engine starts. `options` as for [`simulate`]; `width` in
/// user units. Throws `InvalidGraph` on bad text.
#[wasm_bindgen]
pub fn gantt_svg(text: &str, options: JsValue, width: f64) -> Result<String, JsValue> {
    let graph = parse_or_throw(text)?;
    let opts = sim_options_for(&graph, options)?;
    let run =
        crate::sim::simulate(&graph, &opts).map_err(|e| JsValue::from(js_sys::Error::new(&e)))?;
    let title = format!(
        "Simulated timeline: {} tasks on {} workers, makespan {:.1} ms",
        run.tasks.len(),
        run.workers,
        run.makespan_ms
    );
    Ok(crate::trace::svg::render(&run, width, &title))
}

/// For `npm run bench`: simulates the generated DAG of `benches/simulate.rs` (each of
/// `tasks` tasks depends on up to 3 of the 1000 before it, 1..=1000 µs, seed 42) on
/// `workers` workers with the critical-path policy, here in wasm. Returns
/// `{ schedule_ms, full_ms }`: scheduling alone, and with the full RunResult built.
#[wasm_bindgen]
pub fn benchmark_simulate(tasks: usize, workers: usize) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Times {
        schedule_ms: f64,
        full_ms: f64,
    }
    let graph = crate::sim::testkit::random_dag(tasks, 3, 1000, 1000, 42);
    let opts = crate::sim::SimOptions {
        workers: Some(workers),
        policy: Some(crate::graph::Policy::CriticalPath),
        ..Default::default()
    };
    let err = |e: String| JsValue::from(js_sys::Error::new(&e));
    let t0 = now_abs_ms();
    crate::sim::makespan_us(&graph, &opts).map_err(err)?;
    let t1 = now_abs_ms();
    crate::sim::simulate(&graph, &opts).map_err(err)?;
    let t2 = now_abs_ms();
    Ok(to_js(&Times {
        schedule_ms: t1 - t0,
        full_ms: t2 - t1,
    }))
}

/// Whether a real run of `text` under `options` (`{ policy? }` as in `simulate`) is
/// pipelined (`crate::exec::runs_pipelined`): its workers hold several attempts at once, so
/// its gaps between attempts say nothing of the pool's dispatch cost. False for text that
/// does not parse or options that are not valid.
#[wasm_bindgen]
pub fn runs_pipelined(text: &str, options: JsValue) -> bool {
    match (parse_or_throw(text), sim_options(options)) {
        (Ok(graph), Ok(o)) => crate::exec::runs_pipelined(&graph, o.policy),
        _ => false,
    }
}

/// [`sim_options`] for simulating `graph`: a dispatch cost is dropped when a real run of the
/// graph is pipelined (`crate::exec::runs_pipelined`), where the pool's messages overlap
/// the work and the run does not pay the cost per attempt.
pub(crate) fn sim_options_for(
    graph: &crate::graph::Graph,
    options: JsValue,
) -> Result<crate::sim::SimOptions, JsValue> {
    let mut o = sim_options(options)?;
    if crate::exec::runs_pipelined(graph, o.policy) {
        o.dispatch_us = None;
    }
    Ok(o)
}

pub(crate) fn sim_options(options: JsValue) -> Result<crate::sim::SimOptions, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(Default::default());
    }
    serde_wasm_bindgen::from_value(options)
        .map_err(|e| js_sys::Error::new(&format!("bad simulation options: {e}")).into())
}

/// This instance's `counter` kernel counter. In the plain build each Web Worker has its own
/// instance, hence its own memory and its own counter: nothing to race on.
static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Runs one part of a kernel, given as JSON text (`{ kernel: { name, … }, part, parts }`,
/// as `Engine.kernelJson` hands it out), on the calling thread and returns its value (see
/// `fanout::work::kernels`). The executors' path: an attempt's clock runs from just before
/// this call to just after it, and JSON text is read in a microsecond or two where the same
/// spec as a JS object took some 45 µs through serde-wasm-bindgen.
#[wasm_bindgen]
pub fn run_kernel_json(kernel: &str) -> Result<f64, JsValue> {
    let k: crate::work::kernels::KernelWork = serde_json::from_str(kernel)
        .map_err(|e| js_sys::Error::new(&format!("not a kernel: {e}")))?;
    Ok(crate::work::kernels::run(&k, &COUNTER) as f64)
}

/// What this instance's counter holds.
#[wasm_bindgen]
pub fn counter_value() -> f64 {
    COUNTER.load(std::sync::atomic::Ordering::SeqCst) as f64
}

/// Sets this instance's counter back to 0 (at the start of a run).
#[wasm_bindgen]
pub fn reset_counter() {
    COUNTER.store(0, std::sync::atomic::Ordering::SeqCst);
}

/// Measures this machine's kernel calibration here (100 to 300 ms: what one unit of each
/// kernel's cost model takes), makes it this instance's (analysis, schedules, simulations
/// and runs price kernel tasks with it), and returns it, so other instances can be given it
/// with [`set_kernel_calibration`]. Call it before any pool starts.
///
/// Measured in rounds, keeping each class's fastest round (a round's figure is the median
/// of its settled samples: see `calibrate_kernels_on`), until a round improves no class by
/// more than 3 % (at most 4 rounds): V8 runs new wasm code in its baseline tier and swaps in
/// optimised code once a background compile is done, which on a busy machine outlasted one
/// round (a calibration taken then priced `primes` 3.6x too slow). The result names this
/// build as its `setting`.
#[wasm_bindgen]
pub fn calibrate_kernels() -> JsValue {
    use crate::graph::kernel::{CalibrationSetting, KernelCalibration};
    // On this instance's own counter, the one `run_kernel_json` increments (reset after).
    let mut cal = crate::work::kernels::calibrate_kernels_on(now_abs_ms, &COUNTER);
    for _ in 1..4 {
        let next = crate::work::kernels::calibrate_kernels_on(now_abs_ms, &COUNTER);
        let mut better = false;
        for class in KernelCalibration::CLASSES {
            let (a, b) = (cal.ns_per_unit(class), next.ns_per_unit(class));
            if b < a {
                better |= b < a * 0.97;
                cal.set(class, b);
            }
        }
        if !better {
            break;
        }
    }
    cal.setting = if cfg!(feature = "threads") {
        CalibrationSetting::Threads
    } else {
        CalibrationSetting::Plain
    };
    reset_counter();
    crate::graph::kernel::set_calibration(cal);
    to_js(&cal)
}

/// The graph a run engine calibrates its pool on (see `fanout::exec::pool_calibration`):
/// each kernel class's calibration sample once, one at a time.
#[wasm_bindgen]
pub fn pool_calibration_graph() -> String {
    crate::exec::pool_calibration::pool_calibration_text()
}

/// The kernel calibration that `runs` measured: the RunResult JSON texts of runs of
/// [`pool_calibration_graph`] on this engine's pool. Each class's figure comes from the
/// runs but the first, where its sample took long enough to time; the rest keep this
/// instance's calibration (measured by [`calibrate_kernels`] first). Makes it this
/// instance's and returns it (`source: "pool"`). Throws on a text that is not a RunResult.
#[wasm_bindgen]
pub fn calibrate_kernels_from_runs(runs: js_sys::Array) -> Result<JsValue, JsValue> {
    let graph = crate::lang::parse_dag(&crate::exec::pool_calibration::pool_calibration_text())
        .graph
        .ok_or_else(|| js_sys::Error::new("the pool calibration graph does not parse"))?;
    let mut records = Vec::new();
    for run in runs.iter() {
        let text = run
            .as_string()
            .ok_or_else(|| js_sys::Error::new("a run is not a JSON text"))?;
        let r: crate::trace::RunResult = serde_json::from_str(&text)
            .map_err(|e| js_sys::Error::new(&format!("not a RunResult: {e}")))?;
        records.push(r.tasks);
    }
    let base = crate::graph::kernel::calibration();
    let cal = crate::exec::pool_calibration::calibration_from_runs(&graph, &records, base);
    crate::graph::kernel::set_calibration(cal);
    Ok(to_js(&cal))
}

/// Sets this instance's kernel calibration to one [`calibrate_kernels`] measured.
#[wasm_bindgen]
pub fn set_kernel_calibration(cal: JsValue) -> Result<(), JsValue> {
    let cal: crate::graph::kernel::KernelCalibration = serde_wasm_bindgen::from_value(cal)
        .map_err(|e| js_sys::Error::new(&format!("not a kernel calibration: {e}")))?;
    crate::graph::kernel::set_calibration(cal);
    Ok(())
}

/// This instance's CPU work rate in units per µs, as f64 bits (0: not measured yet). In the
/// threads build every thread shares it, as they share the memory.
static CPU_RATE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Measures this machine's CPU work rate here (about 25 ms), keeps it for [`run_cpu`], and
/// returns it (units per µs), so other instances can be given it with [`set_cpu_rate`].
#[wasm_bindgen]
pub fn calibrate_cpu() -> f64 {
    let rate = crate::work::calibrate(now_abs_ms).units_per_us;
    set_cpu_rate(rate);
    rate
}

/// Sets the CPU work rate [`run_cpu`] uses (units per µs, as [`calibrate_cpu`] measured).
#[wasm_bindgen]
pub fn set_cpu_rate(units_per_us: f64) {
    CPU_RATE.store(units_per_us.to_bits(), std::sync::atomic::Ordering::Relaxed);
}

/// The rate to use: the one set, or a fresh measurement the first time.
pub(crate) fn cpu_rate() -> crate::work::CpuRate {
    let bits = CPU_RATE.load(std::sync::atomic::Ordering::Relaxed);
    let units_per_us = if bits == 0 {
        calibrate_cpu()
    } else {
        f64::from_bits(bits)
    };
    crate::work::CpuRate { units_per_us }
}

/// Runs one task body on the calling thread: the real computation that takes about
/// `duration_us` on one idle core here (a fixed amount: slower when cores are shared), and
/// returns a checksum of the work done.
#[wasm_bindgen]
pub fn run_cpu(duration_us: f64) -> u32 {
    crate::work::burn_cpu(duration_us.max(0.0) as u64, cpu_rate()) as u32
}

/// Serializes a core value for JS in the shape of its JSON: maps become plain objects and
/// `None` becomes `null`, as in the CLI's output.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let ser = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    value
        .serialize(&ser)
        .unwrap_or_else(|e| JsValue::from_str(&e.to_string()))
}

/// The error thrown for a graph that does not parse: a JS `Error` whose `diagnostics`
/// property lists every problem, and whose message names the first one by line and column.
pub(crate) fn invalid_graph(diagnostics: &[Diagnostic]) -> JsValue {
    let first = diagnostics
        .first()
        .map(Diagnostic::render)
        .unwrap_or_default();
    let err = js_sys::Error::new(&format!(
        "the graph has {} error(s); first: {first}",
        diagnostics.len()
    ));
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

/// The graph of `.dag` text as a standalone Python script for `target` (`dask` or
/// `asyncio`), as `fanout export` writes it: `{ text, errors: [{ line, col, message }] }`,
/// `text` null when the target cannot express the graph. Throws `InvalidGraph` on bad text.
#[wasm_bindgen]
pub fn export_python(text: &str, target: &str) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Out {
        text: Option<String>,
        errors: Vec<crate::export::ExportError>,
    }
    let Some(t) = crate::export::Target::from_name(target) else {
        return Err(js_sys::Error::new(&format!(
            "cannot export to `{target}`: use dask or asyncio"
        ))
        .into());
    };
    let graph = parse_or_throw(text)?;
    Ok(to_js(
        &match crate::export::to_python(&graph, t, "graph.dag", Some(text)) {
            Ok(s) => Out {
                text: Some(s),
                errors: vec![],
            },
            Err(errors) => Out { text: None, errors },
        },
    ))
}

/// A measured timeline (Chrome Trace Event JSON text) as a run of `.dag` text's graph (see
/// `fanout::trace::import`): `{ result, lanes, unmatched: [[name, events]], missing,
/// ignored_events }`. Empty `graph_text` imports every event's task. Throws an Error saying
/// what is wrong with the trace, or `InvalidGraph`.
#[wasm_bindgen]
pub fn import_trace(trace: &str, graph_text: &str) -> Result<JsValue, JsValue> {
    let graph = if graph_text.trim().is_empty() {
        None
    } else {
        Some(parse_or_throw(graph_text)?)
    };
    crate::trace::import::import_trace(trace, graph.as_ref())
        .map(|i| to_js(&i))
        .map_err(|e| js_sys::Error::new(&e).into())
}
