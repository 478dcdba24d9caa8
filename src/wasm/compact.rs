//! Compact, columnar forms of big results for the page: typed arrays (one per field, which
//! the engine worker transfers, not copies) instead of one JS object per task. The page
//! reads them through www/client/compact.js, which rebuilds the usual shapes on demand.

use super::{parse_or_throw, sim_options_for, to_js};
use crate::analysis::group_layout::{layout, node_label};
use crate::analysis::grouping::{group, GroupOptions};
use crate::graph::Graph;
use crate::lang::parse_dag;
use crate::trace::{Status, TaskRecord, Value};
use js_sys::{Float64Array, Object, Reflect, Uint32Array, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Status codes of the compact forms (index into `ok, failed, timeout, cancelled, skipped,
/// rejected`).
fn status_code(s: Status) -> u8 {
    match s {
        Status::Ok => 0,
        Status::Failed => 1,
        Status::Timeout => 2,
        Status::Cancelled => 3,
        Status::Skipped => 4,
        Status::Rejected => 5,
    }
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &key.into(), value);
}

/// The task ids as UTF-8 bytes back to back, and where each one ends.
fn id_columns(graph: &Graph) -> (Uint8Array, Uint32Array) {
    let mut bytes = Vec::new();
    let mut ends = Vec::with_capacity(graph.tasks.len());
    for t in &graph.tasks {
        bytes.extend_from_slice(t.id.as_bytes());
        ends.push(bytes.len() as u32);
    }
    (Uint8Array::from(&bytes[..]), Uint32Array::from(&ends[..]))
}

/// Largest integer a JS number holds exactly.
const SAFE: i64 = (1 << 53) - 1;

/// Whether a record is fully described by its columns: one attempt equal to the record,
/// and a value that is null or a safe integer.
fn regular(r: &TaskRecord) -> bool {
    let one = r.attempts.len() == 1 && {
        let a = &r.attempts[0];
        a.worker == r.worker
            && a.start_ms == r.start_ms
            && a.end_ms == r.end_ms
            && a.duration_ms == a.end_ms - a.start_ms
            && a.status == r.status
            && a.reason.is_none()
    };
    one && match r.value {
        None => true,
        Some(Value::Int(v)) => v.abs() <= SAFE,
        Some(_) => false,
    }
}

/// Simulates `.dag` text like [`super::simulate`], but answers in columns:
/// `{ head, n, ids, idEnds, worker, start, end, status, ready, unblocked, value, extra,
/// sinks, bars: { task, worker, start, end, status, attempt }, laneEnds }`, where `head` is
/// the RunResult's JSON without `tasks` and `result`; per task (by index): its record's
/// worker, start, end, status code (0 ok, 1 failed, 2 timeout, 3 cancelled, 4 skipped),
/// `ready`/`unblocked`/`value` (NaN for null); `extra` is JSON `[[index, record], …]` for
/// the records the columns do not describe (retries, list values); `sinks` the task indices
/// of `result`'s keys; `bars` one entry per attempt (a task without attempts: one, from its
/// record), sorted by worker then start, lane `w` ending at `laneEnds[w]`. Throws as
/// `simulate` does.
///
/// Also computed here, so the page does nothing per task: `counts` (tasks per status code),
/// `troubled` (the first 2,000 tasks that did not end ok or are in `extra`), `barOf` (per
/// task, its first attempt's bar, -1 if none), `laneMaxDur` (per lane, its longest bar, ms),
/// the density of each lane (`density`: per lane `buckets` busy times in ms, each bucket
/// `bucketMs` long from 0; `densityFailed`: 1 where a non-ok attempt fell) and, with
/// `group_budget` > 0, `groupStates` (per group of `group(…, group_budget, expanded)`, the
/// worst status code of its tasks, in the order ok < skipped < cancelled < timeout < failed).
#[wasm_bindgen]
pub fn simulate_compact(
    text: &str,
    options: JsValue,
    group_budget: usize,
    expanded: Vec<String>,
) -> Result<JsValue, JsValue> {
    let graph = parse_or_throw(text)?;
    let opts = sim_options_for(&graph, options)?;
    let run =
        crate::sim::simulate(&graph, &opts).map_err(|e| JsValue::from(js_sys::Error::new(&e)))?;
    columns(&graph, run, group_budget, expanded)
}

/// A real run's RunResult (`result_json`, as a run mode answers it) of `.dag` `text` in the
/// columns of [`simulate_compact`], for a big graph: built in the engine worker, so the page
/// never parses the per-task JSON (tens of MB at 100,000 tasks) or holds an object per task.
#[wasm_bindgen]
pub fn compact_run(
    text: &str,
    result_json: &str,
    group_budget: usize,
    expanded: Vec<String>,
) -> Result<JsValue, JsValue> {
    let graph = parse_or_throw(text)?;
    let run: crate::trace::RunResult = serde_json::from_str(result_json)
        .map_err(|e| JsValue::from(js_sys::Error::new(&format!("not a RunResult: {e}"))))?;
    if run.tasks.len() != graph.tasks.len() {
        return Err(js_sys::Error::new(&format!(
            "the run has {} task records for a graph of {} tasks",
            run.tasks.len(),
            graph.tasks.len()
        ))
        .into());
    }
    columns(&graph, run, group_budget, expanded)
}

/// The columns of `run`, a RunResult of `graph`: see [`simulate_compact`].
fn columns(
    graph: &Graph,
    mut run: crate::trace::RunResult,
    group_budget: usize,
    expanded: Vec<String>,
) -> Result<JsValue, JsValue> {
    let tasks = std::mem::take(&mut run.tasks);
    let result = std::mem::take(&mut run.result);
    let n = tasks.len();
    let out = Object::new();
    let head = serde_json::to_string(&run).map_err(|e| js_sys::Error::new(&e.to_string()))?;
    set(&out, "head", &head.into());
    set(&out, "n", &(n as f64).into());
    let (ids, ends) = id_columns(&graph);
    set(&out, "ids", &ids);
    set(&out, "idEnds", &ends);
    let mut worker = Vec::with_capacity(n);
    let (mut start, mut end) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut status = Vec::with_capacity(n);
    let (mut ready, mut unblocked, mut value) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let mut extra: Vec<(usize, &TaskRecord)> = Vec::new();
    // Bars: (worker, start, task, end, status, attempt).
    let mut bars: Vec<(u32, f64, u32, f64, u8, u32)> = Vec::with_capacity(n);
    for (i, r) in tasks.iter().enumerate() {
        worker.push(r.worker as u32);
        start.push(r.start_ms);
        end.push(r.end_ms);
        status.push(status_code(r.status));
        ready.push(r.ready_ms.unwrap_or(f64::NAN));
        unblocked.push(r.unblocked_ms.unwrap_or(f64::NAN));
        value.push(match r.value {
            Some(Value::Int(v)) if v.abs() <= SAFE => v as f64,
            _ => f64::NAN,
        });
        if !regular(r) {
            extra.push((i, r));
        }
        if r.attempts.is_empty() {
            bars.push((
                r.worker as u32,
                r.start_ms,
                i as u32,
                r.end_ms.max(r.start_ms),
                status_code(r.status),
                1,
            ));
        }
        for (k, a) in r.attempts.iter().enumerate() {
            bars.push((
                a.worker as u32,
                a.start_ms,
                i as u32,
                a.end_ms.max(a.start_ms),
                status_code(a.status),
                k as u32 + 1,
            ));
        }
    }
    bars.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
    let lanes = bars.last().map_or(0, |b| b.0 as usize + 1).max(run.workers);
    let mut lane_ends = vec![0u32; lanes];
    for b in &bars {
        lane_ends[b.0 as usize] += 1;
    }
    for w in 1..lanes {
        lane_ends[w] += lane_ends[w - 1];
    }
    set(&out, "worker", &Uint32Array::from(&worker[..]));
    set(&out, "start", &Float64Array::from(&start[..]));
    set(&out, "end", &Float64Array::from(&end[..]));
    set(&out, "status", &Uint8Array::from(&status[..]));
    set(&out, "ready", &Float64Array::from(&ready[..]));
    set(&out, "unblocked", &Float64Array::from(&unblocked[..]));
    set(&out, "value", &Float64Array::from(&value[..]));
    let extra_set: std::collections::HashSet<usize> = extra.iter().map(|(i, _)| *i).collect();
    let extra = serde_json::to_string(&extra).map_err(|e| js_sys::Error::new(&e.to_string()))?;
    set(&out, "extra", &extra.into());
    let index: std::collections::HashMap<&str, u32> = graph
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i as u32))
        .collect();
    let sinks: Vec<u32> = result
        .keys()
        .filter_map(|k| index.get(k.as_str()).copied())
        .collect();
    set(&out, "sinks", &Uint32Array::from(&sinks[..]));
    let b = Object::new();
    set(
        &b,
        "task",
        &Uint32Array::from(&bars.iter().map(|b| b.2).collect::<Vec<_>>()[..]),
    );
    set(
        &b,
        "worker",
        &Uint32Array::from(&bars.iter().map(|b| b.0).collect::<Vec<_>>()[..]),
    );
    set(
        &b,
        "start",
        &Float64Array::from(&bars.iter().map(|b| b.1).collect::<Vec<_>>()[..]),
    );
    set(
        &b,
        "end",
        &Float64Array::from(&bars.iter().map(|b| b.3).collect::<Vec<_>>()[..]),
    );
    set(
        &b,
        "status",
        &Uint8Array::from(&bars.iter().map(|b| b.4).collect::<Vec<_>>()[..]),
    );
    set(
        &b,
        "attempt",
        &Uint32Array::from(&bars.iter().map(|b| b.5).collect::<Vec<_>>()[..]),
    );
    set(&out, "bars", &b);
    set(&out, "laneEnds", &Uint32Array::from(&lane_ends[..]));

    let mut counts = [0u32; 6];
    let mut troubled: Vec<u32> = Vec::new();
    for (i, &c) in status.iter().enumerate() {
        counts[c as usize] += 1;
        if (c != 0 || extra_set.contains(&i)) && troubled.len() < 2000 {
            troubled.push(i as u32);
        }
    }
    set(&out, "counts", &Uint32Array::from(&counts[..]));
    set(&out, "troubled", &Uint32Array::from(&troubled[..]));
    let mut bar_of = vec![-1i32; n];
    let mut lane_max = vec![0f64; lanes];
    let makespan = bars
        .iter()
        .map(|b| b.3)
        .fold(run.makespan_ms, f64::max)
        .max(1e-3);
    let buckets = (1usize << 20)
        .checked_div(lanes.max(1))
        .unwrap_or(1)
        .clamp(1, 16_384);
    let bucket_ms = makespan / buckets as f64;
    let mut density = vec![0f32; lanes * buckets];
    let mut density_failed = vec![0u8; lanes * buckets];
    for (k, b) in bars.iter().enumerate() {
        let (w, s0, e0) = (b.0 as usize, b.1, b.3);
        if b.5 == 1 {
            bar_of[b.2 as usize] = k as i32;
        }
        lane_max[w] = lane_max[w].max(e0 - s0);
        // Spread the bar's time over the buckets it covers.
        let first = ((s0 / bucket_ms) as usize).min(buckets - 1);
        let last = ((e0 / bucket_ms) as usize).min(buckets - 1);
        for q in first..=last {
            let lo = (q as f64 * bucket_ms).max(s0);
            let hi = ((q + 1) as f64 * bucket_ms).min(e0);
            if hi > lo {
                density[w * buckets + q] += (hi - lo) as f32;
            }
            if b.4 != 0 {
                density_failed[w * buckets + q] = 1;
            }
        }
    }
    set(&out, "barOf", &js_sys::Int32Array::from(&bar_of[..]));
    set(&out, "laneMaxDur", &Float64Array::from(&lane_max[..]));
    set(&out, "buckets", &(buckets as f64).into());
    set(&out, "bucketMs", &bucket_ms.into());
    set(&out, "density", &js_sys::Float32Array::from(&density[..]));
    set(
        &out,
        "densityFailed",
        &Uint8Array::from(&density_failed[..]),
    );
    if group_budget > 0 {
        // ok < skipped < cancelled < timeout < rejected < failed, by status code.
        const RANK: [u8; 6] = [0, 5, 3, 2, 1, 4];
        let grouping = group(
            graph,
            &GroupOptions {
                budget: group_budget,
                expanded,
            },
        );
        let mut worst = vec![0u8; grouping.groups.len()];
        for (i, &g) in grouping.group_of.iter().enumerate() {
            let w = &mut worst[g as usize];
            if RANK[status[i] as usize] > RANK[*w as usize] {
                *w = status[i];
            }
        }
        set(&out, "groupStates", &Uint8Array::from(&worst[..]));
    }
    Ok(out.into())
}

/// The graph's structure for big graphs, in columns and groups:
/// `{ n, edges, diagnostics, ids, idEnds, lines, kinds, durations, groupOf, groups, groupEdges,
/// layout, bandLevels }`: ids as in [`simulate_compact`], each task's line, kind code
/// (0 cpu, 1 io, 2 kernel) and duration (µs); the grouping of `fanout::analysis::grouping`
/// with at most about `budget` groups, families in `expanded` shown task by task; and the
/// layered layout of the groups (`{ nodes: [{ x, y, width, height }], edges: [[[x, y],
/// [x, y]]], width, height }`, nodes also carrying their `label`). With errors, only
/// `n: 0` and `diagnostics`. Never throws.
#[wasm_bindgen]
pub fn group_graph(text: &str, budget: usize, expanded: Vec<String>) -> JsValue {
    #[derive(Serialize)]
    struct Node {
        x: f64,
        y: f64,
        width: f64,
        height: f64,
        label: String,
    }
    #[derive(Serialize)]
    struct Layout<'a> {
        nodes: Vec<Node>,
        edges: &'a [Vec<[f64; 2]>],
        width: f64,
        height: f64,
    }
    let parsed = parse_dag(text);
    let out = Object::new();
    set(&out, "diagnostics", &to_js(&parsed.diagnostics));
    let has_errors = parsed.has_errors();
    let graph = match parsed.graph {
        Some(g) if !has_errors => g,
        _ => {
            set(&out, "n", &0.into());
            return out.into();
        }
    };
    let grouping = group(&graph, &GroupOptions { budget, expanded });
    let l = layout(&grouping);
    let (ids, ends) = id_columns(&graph);
    set(&out, "n", &(graph.tasks.len() as f64).into());
    set(&out, "edges", &(graph.edge_count() as f64).into());
    set(&out, "ids", &ids);
    set(&out, "idEnds", &ends);
    let lines: Vec<u32> = graph.tasks.iter().map(|t| t.span.line).collect();
    set(&out, "lines", &Uint32Array::from(&lines[..]));
    let kinds: Vec<u8> = graph
        .tasks
        .iter()
        .map(|t| match t.work {
            crate::graph::Work::Cpu { .. } => 0,
            crate::graph::Work::Io { .. } => 1,
            crate::graph::Work::Kernel(_) => 2,
        })
        .collect();
    set(&out, "kinds", &Uint8Array::from(&kinds[..]));
    let durations: Vec<f64> = graph
        .tasks
        .iter()
        .map(|t| t.work.duration_us() as f64)
        .collect();
    set(&out, "durations", &Float64Array::from(&durations[..]));
    set(&out, "groupOf", &Uint32Array::from(&grouping.group_of[..]));
    set(&out, "groups", &to_js(&grouping.groups));
    set(&out, "groupEdges", &to_js(&grouping.edges));
    set(&out, "bandLevels", &grouping.band_levels.into());
    let nodes = l
        .nodes
        .iter()
        .enumerate()
        .map(|(g, b)| Node {
            x: b.x,
            y: b.y,
            width: b.width,
            height: b.height,
            label: node_label(&grouping, g),
        })
        .collect();
    set(
        &out,
        "layout",
        &to_js(&Layout {
            nodes,
            edges: &l.edges,
            width: l.width,
            height: l.height,
        }),
    );
    out.into()
}

/// Analyses `.dag` text like [`super::analyze`] but without the per-task arrays (`levels`,
/// `topo_order` come back empty): what the page needs of a big graph.
#[wasm_bindgen]
pub fn analyze_summary(text: &str, max_workers: u32) -> JsValue {
    #[derive(Serialize)]
    struct Out<'a> {
        analysis: Option<crate::analysis::Analysis>,
        diagnostics: &'a [crate::lang::Diagnostic],
    }
    let parsed = parse_dag(text);
    let analysis = parsed
        .graph
        .as_ref()
        .filter(|_| !parsed.has_errors())
        .map(|g| {
            let mut a = crate::analysis::analyze(g, max_workers);
            a.levels = Vec::new();
            a.topo_order = Vec::new();
            a
        });
    to_js(&Out {
        analysis,
        diagnostics: &parsed.diagnostics,
    })
}
