//! Reading measured timelines back: Chrome Trace Event JSON (the traces of scripts written by
//! `fanout export`, fanout's own `chrome` export, Dask task streams as those scripts write
//! them or as `get_task_stream().data` gives them, and Ray's `ray.timeline()`: an array with
//! `worker:<id>` thread ids) as a [`RunResult`] that views and Compare draw beside a simulation.
//!
//! Lanes: each distinct (pid, tid) of a complete event is a worker, numbered by
//! `thread_sort_index` where given, else in (pid, tid) order. Events: complete (`X`) events
//! only (others are counted, not used); an event's task is `args.task`, else its name without a
//! trailing ` #k` (fanout's attempt suffix), else with Ray's `task::` prefix and call
//! parentheses removed. With a graph, events whose task is not one of its ids are listed in
//! [`Imported::unmatched`] (not drawn, and making no lane), never dropped silently; its tasks no event names are listed in
//! [`Imported::missing`]. Parsing is defensive: a size limit, an event limit, no panic, and an
//! error that says what is wrong.

use super::{Attempt, RunResult, Status, TaskRecord};
use crate::graph::Graph;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// The largest trace text accepted.
pub const MAX_TRACE_BYTES: usize = 64 << 20;
/// The most complete events accepted.
pub const MAX_TRACE_EVENTS: usize = 1_000_000;

/// An imported run and what did not fit the graph.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    /// The run (`mode`: `imported` plus the engine the trace names, e.g. `imported dask`).
    pub result: RunResult,
    /// Lane names, by worker index.
    pub lanes: Vec<String>,
    /// Task names of events that match no task of the graph, with how many events each.
    pub unmatched: Vec<(String, usize)>,
    /// Tasks of the graph no event names.
    pub missing: Vec<String>,
    /// Events that are not complete (`X`) events, and were not used.
    pub ignored_events: usize,
}

fn status_of(s: &str) -> Option<Status> {
    Some(match s {
        "ok" => Status::Ok,
        "failed" => Status::Failed,
        "timeout" => Status::Timeout,
        "cancelled" => Status::Cancelled,
        "skipped" => Status::Skipped,
        "rejected" => Status::Rejected,
        _ => return None,
    })
}

fn task_name(ev: &Value) -> String {
    if let Some(t) = ev.pointer("/args/task").and_then(Value::as_str) {
        return t.to_string();
    }
    let mut name = ev.get("name").and_then(Value::as_str).unwrap_or("").trim();
    if let Some((base, k)) = name.rsplit_once(" #") {
        if !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) {
            name = base;
        }
    }
    let name = name.strip_prefix("task::").unwrap_or(name);
    let name = name.strip_suffix("()").unwrap_or(name);
    name.to_string()
}

fn id_part(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "0".into(),
    }
}

/// Dask's raw task stream (`[{key, worker, startstops: [{action, start, stop}]}]`, times in s)
/// as complete events.
fn from_task_stream(items: &[Value]) -> Vec<Value> {
    let mut out = Vec::new();
    for it in items {
        let key = match it.get("key") {
            Some(Value::String(s)) => s.clone(),
            Some(k) => k.to_string(),
            None => continue,
        };
        let worker = it.get("worker").and_then(Value::as_str).unwrap_or("?");
        for ss in it
            .get("startstops")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if ss.get("action").and_then(Value::as_str) != Some("compute") {
                continue;
            }
            let (Some(a), Some(b)) = (
                ss.get("start").and_then(Value::as_f64),
                ss.get("stop").and_then(Value::as_f64),
            ) else {
                continue;
            };
            out.push(serde_json::json!({
                "name": key, "ph": "X", "pid": 1, "tid": worker,
                "ts": a * 1e6, "dur": (b - a) * 1e6, "args": { "task": key }
            }));
        }
    }
    out
}

/// Imports `text` (a Chrome trace: `{traceEvents: [...]}` or a bare array; or a Dask task
/// stream). With `graph`, tasks are matched to its ids and the run's records follow its
/// declaration order; without, every task named by an event is a record, in order of first
/// start.
pub fn import_trace(text: &str, graph: Option<&Graph>) -> Result<Imported, String> {
    if text.len() > MAX_TRACE_BYTES {
        return Err(format!(
            "the trace is {} bytes, more than the limit of {MAX_TRACE_BYTES}",
            text.len()
        ));
    }
    let root: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "the trace is not JSON: {e} (line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    let mut engine = root
        .pointer("/otherData/engine")
        .and_then(Value::as_str)
        .map(str::to_string);
    let events: Vec<Value> = match &root {
        Value::Object(o) => match o.get("traceEvents") {
            Some(Value::Array(a)) => a.clone(),
            _ => return Err("the trace has no `traceEvents` array: expected Chrome Trace Event JSON ({\"traceEvents\": [...]}, or an array of events)".into()),
        },
        Value::Array(a) if a.iter().any(|e| e.get("startstops").is_some()) => {
            engine.get_or_insert_with(|| "dask".into());
            from_task_stream(a)
        }
        Value::Array(a) => a.clone(),
        _ => return Err("the trace is neither an object with `traceEvents` nor an array of events".into()),
    };
    let mut names: HashMap<(String, String), String> = HashMap::new();
    let mut sort_index: HashMap<(String, String), i64> = HashMap::new();
    let mut complete = Vec::new();
    let mut ignored = 0usize;
    for ev in &events {
        let lane = (id_part(ev.get("pid")), id_part(ev.get("tid")));
        match ev.get("ph").and_then(Value::as_str) {
            Some("X") => {
                let (Some(ts), Some(dur)) = (
                    ev.get("ts").and_then(Value::as_f64),
                    ev.get("dur").and_then(Value::as_f64),
                ) else {
                    ignored += 1;
                    continue;
                };
                if !ts.is_finite() || !dur.is_finite() || dur < 0.0 {
                    ignored += 1;
                    continue;
                }
                if complete.len() >= MAX_TRACE_EVENTS {
                    return Err(format!(
                        "the trace has more than {MAX_TRACE_EVENTS} complete events"
                    ));
                }
                let status = ev
                    .pointer("/args/status")
                    .and_then(Value::as_str)
                    .and_then(status_of)
                    .or_else(|| ev.get("cat").and_then(Value::as_str).and_then(status_of))
                    .unwrap_or(Status::Ok);
                complete.push((task_name(ev), lane, ts, dur, status));
            }
            Some("M") => {
                let what = ev.get("name").and_then(Value::as_str);
                if what == Some("thread_name") {
                    if let Some(n) = ev.pointer("/args/name").and_then(Value::as_str) {
                        names.insert(lane, n.to_string());
                    }
                } else if what == Some("thread_sort_index") {
                    if let Some(i) = ev.pointer("/args/sort_index").and_then(Value::as_i64) {
                        sort_index.insert(lane, i);
                    }
                } else if what == Some("process_name") && engine.is_none() {
                    if let Some(n) = ev.pointer("/args/name").and_then(Value::as_str) {
                        engine = n.split_whitespace().next().map(str::to_string);
                    }
                }
            }
            _ => ignored += 1,
        }
    }
    if complete.is_empty() {
        return Err(
            "the trace has no complete (\"ph\": \"X\") events with `ts` and `dur`: nothing to draw"
                .into(),
        );
    }
    // With a graph, only events of its tasks are drawn (and make lanes); the rest are listed.
    let mut unmatched_counts: Vec<(String, usize)> = Vec::new();
    if let Some(g) = graph {
        let ids: std::collections::HashSet<&str> = g.tasks.iter().map(|t| t.id.as_str()).collect();
        complete.retain(|c| {
            if ids.contains(c.0.as_str()) {
                return true;
            }
            match unmatched_counts.iter_mut().find(|(n, _)| *n == c.0) {
                Some((_, k)) => *k += 1,
                None => unmatched_counts.push((c.0.clone(), 1)),
            }
            false
        });
        if complete.is_empty() {
            return Err(format!(
                "no event of the trace names a task of the graph (the trace names {}): is it the trace of this graph?",
                unmatched_counts.iter().take(5).map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    // Lanes → workers.
    let mut lanes: Vec<(String, String)> = complete.iter().map(|c| c.1.clone()).collect();
    lanes.sort_by(|a, b| {
        let key = |l: &(String, String)| {
            (
                sort_index.get(l).copied().unwrap_or(i64::MAX),
                l.0.parse::<i64>().unwrap_or(i64::MAX),
                l.0.clone(),
                l.1.trim_start_matches("worker:")
                    .parse::<i64>()
                    .unwrap_or(i64::MAX),
                l.1.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    lanes.dedup();
    let lane_index: HashMap<&(String, String), usize> =
        lanes.iter().enumerate().map(|(i, l)| (l, i)).collect();
    let t0 = complete.iter().map(|c| c.2).fold(f64::INFINITY, f64::min);
    // Attempts by task name, in start order.
    let mut by_task: BTreeMap<String, Vec<Attempt>> = BTreeMap::new();
    let mut first_seen: Vec<String> = Vec::new();
    complete.sort_by(|a, b| a.2.total_cmp(&b.2));
    for (name, lane, ts, dur, status) in &complete {
        let start_ms = (ts - t0) / 1000.0;
        let end_ms = start_ms + dur / 1000.0;
        let list = by_task.entry(name.clone()).or_insert_with(|| {
            first_seen.push(name.clone());
            Vec::new()
        });
        list.push(Attempt {
            worker: lane_index[lane],
            start_ms,
            end_ms,
            duration_ms: end_ms - start_ms,
            status: *status,
            reason: None,
        });
    }
    let (order, unmatched, missing): (Vec<String>, Vec<(String, usize)>, Vec<String>) = match graph
    {
        Some(g) => {
            let unmatched = std::mem::take(&mut unmatched_counts);
            let (present, missing): (Vec<_>, Vec<_>) = g
                .tasks
                .iter()
                .map(|t| t.id.clone())
                .partition(|id| by_task.contains_key(id));
            (present, unmatched, missing)
        }
        None => (first_seen.clone(), Vec::new(), Vec::new()),
    };
    let tasks: Vec<TaskRecord> = order
        .iter()
        .map(|id| {
            let attempts = by_task.remove(id).unwrap_or_default();
            let last = attempts.last().cloned();
            TaskRecord {
                id: id.clone(),
                worker: last.as_ref().map_or(0, |a| a.worker),
                start_ms: last.as_ref().map_or(0.0, |a| a.start_ms),
                end_ms: last.as_ref().map_or(0.0, |a| a.end_ms),
                status: last.as_ref().map_or(Status::Cancelled, |a| a.status),
                ready_ms: None,
                unblocked_ms: None,
                attempts,
                value: None,
            }
        })
        .collect();
    let makespan_ms = tasks
        .iter()
        .flat_map(|t| t.attempts.iter().map(|a| a.end_ms))
        .fold(0.0, f64::max);
    let work: f64 = tasks
        .iter()
        .flat_map(|t| t.attempts.iter().map(|a| a.duration_ms))
        .sum();
    let mode = match engine {
        Some(e) if !e.is_empty() => format!("imported {e}"),
        _ => "imported".to_string(),
    };
    let lane_names = lanes
        .iter()
        .map(|l| {
            names
                .get(l)
                .cloned()
                .unwrap_or_else(|| format!("{}/{}", l.0, l.1))
        })
        .collect();
    // With a graph, its groups, measured: spans and overlaps of the imported attempts.
    let groups = graph.map_or(Vec::new(), |g| {
        super::build::group_reports_of_records(g, &tasks)
    });
    Ok(Imported {
        result: RunResult {
            mode,
            workers: lanes.len(),
            makespan_ms,
            sequential_ms: work,
            policy: "measured".into(),
            seed: 0,
            lower_bound_ms: 0.0,
            work_ms: work,
            span_ms: 0.0,
            result: BTreeMap::new(),
            tasks,
            metrics: None,
            kernel_calibration: None,
            dispatch_ms: None,
            counter: None,
            cpu_share: None,
            kernel_share: None,
            steals: None,
            batches: None,
            pool: None,
            breakers: Vec::new(),
            deadlocks: Vec::new(),
            groups,
        },
        lanes: lane_names,
        unmatched,
        missing,
        ignored_events: ignored,
    })
}
