//! Builds a [`RunResult`] from a finished [`Scheduler`].

use super::value::{reduce, Value};
use super::{Attempt, RunResult, TaskRecord};
use crate::graph::{Graph, Micros};
use crate::metrics;
use crate::sched::Scheduler;
use std::collections::BTreeMap;

fn ms(us: Micros) -> f64 {
    us as f64 / 1000.0
}

/// The result of the run `sched` scheduled for `graph`, labelled `mode`: per-task records
/// with every attempt, values, sink results and metrics. Fails if some task is not
/// terminal yet (the run is not done). `graph` must be the graph `sched` was built from.
pub fn run_result(graph: &Graph, sched: &Scheduler, mode: &str) -> Result<RunResult, String> {
    run_result_with(graph, sched, mode, &[])
}

/// Like [`run_result`], where `own[t]`, when present, is the value task `t` computed (a
/// kernel's output in a real run) instead of its default own value.
pub fn run_result_with(
    graph: &Graph,
    sched: &Scheduler,
    mode: &str,
    own: &[Option<i64>],
) -> Result<RunResult, String> {
    let n = graph.tasks.len();
    if !sched.is_done() {
        return Err("the run has not finished".into());
    }
    // Attempts grouped by task, in attempt order, without a Vec per task up front.
    let mut count = vec![0u32; n + 1];
    for a in sched.attempts() {
        count[a.task as usize + 1] += 1;
    }
    for i in 0..n {
        count[i + 1] += count[i];
    }
    let mut by_task = vec![0u32; sched.attempts().len()];
    let mut fill = count.clone();
    for (i, a) in sched.attempts().iter().enumerate() {
        let t = a.task as usize;
        by_task[fill[t] as usize] = i as u32;
        fill[t] += 1;
    }

    let values = values(graph, sched, own);
    let mut makespan: Micros = 0;
    let mut tasks = Vec::with_capacity(n);
    for (t, (task, value)) in graph.tasks.iter().zip(values).enumerate() {
        let end = sched.task_end(t).ok_or("the run has not finished")?;
        // Attempts of one task are sequential (a hedge's two copies are recorded in
        // attempt order when they end), so report order is attempt order.
        let attempts: Vec<Attempt> = by_task[count[t] as usize..count[t + 1] as usize]
            .iter()
            .map(|&i| {
                let a = &sched.attempts()[i as usize];
                makespan = makespan.max(a.end_us);
                Attempt {
                    worker: a.worker as usize,
                    start_ms: ms(a.start_us),
                    end_ms: ms(a.end_us),
                    duration_ms: ms(a.end_us.saturating_sub(a.start_us)),
                    status: a.status,
                    reason: if sched.lost_hedge(t, a.attempt) {
                        Some(crate::sched::hedge::LOST_THE_HEDGE.to_string())
                    } else if sched.deadlock_victim(t, a.attempt) {
                        Some(crate::sched::deadlock::DEADLOCK_VICTIM.to_string())
                    } else {
                        None
                    },
                }
            })
            .collect();
        makespan = makespan.max(end.end_us);
        // A hedge's losing copy may be recorded last: the record is the winner's.
        let decided = attempts.iter().rev().find(|a| a.reason.is_none());
        let (worker, start_ms, end_ms) = match decided.or(attempts.last()) {
            Some(a) => (a.worker, a.start_ms, a.end_ms),
            None => (0, ms(end.end_us), ms(end.end_us)),
        };
        tasks.push(TaskRecord {
            id: task.id.clone(),
            worker,
            start_ms,
            end_ms,
            status: end.status,
            ready_ms: end.ready_us.map(ms),
            unblocked_ms: end.unblocked_us.map(ms),
            attempts,
            value,
        });
    }
    let result: BTreeMap<String, Option<Value>> = (0..n)
        .filter(|&t| sched.successors(t).is_empty())
        .map(|t| (tasks[t].id.clone(), tasks[t].value.clone()))
        .collect();
    let m = metrics::compute(sched, makespan);
    let cfg = sched.config();
    let batches = batch_records(graph, sched, &tasks);
    Ok(RunResult {
        mode: mode.to_string(),
        workers: cfg.workers,
        makespan_ms: m.makespan_ms,
        sequential_ms: m.work_ms,
        policy: cfg.policy.name().to_string(),
        seed: cfg.seed,
        lower_bound_ms: m.lower_bound_ms,
        work_ms: m.work_ms,
        span_ms: m.span_ms,
        result,
        tasks,
        metrics: Some(m),
        kernel_calibration: crate::analysis::kernel_calibration(graph),
        dispatch_ms: (cfg.dispatch_us > 0).then(|| cfg.dispatch_us as f64 / 1000.0),
        counter: None,
        cpu_share: None,
        kernel_share: None,
        steals: steal_report(graph, sched),
        batches,
        pool: pool_report(sched, makespan),
        breakers: breaker_bands(sched),
        deadlocks: sched
            .deadlocks()
            .into_iter()
            .map(|(f, names)| {
                let id = |t: u32| graph.tasks[t as usize].id.clone();
                let cycle: Vec<String> = f
                    .cycle
                    .iter()
                    .zip(&names)
                    .map(|(&(t, _, _), (h, w))| format!("{} holds {h}, waits for {w}", id(t)))
                    .collect();
                let mut frozen = f.frozen.clone();
                frozen.sort_unstable();
                super::DeadlockReport {
                    at_ms: ms(f.at_us),
                    cycle: cycle.join("; "),
                    frozen: frozen.into_iter().map(id).collect(),
                    resolution: if f.victim.is_some() {
                        "fail-youngest"
                    } else {
                        "fail-run"
                    }
                    .into(),
                    victim: f.victim.map(id),
                }
            })
            .collect(),
        groups: group_reports(graph, sched),
    })
}

/// The graph's groups with the span of their members' attempts and, for a capped group,
/// the scheduler's peak of running members.
fn group_reports(graph: &Graph, sched: &Scheduler) -> Vec<super::GroupReport> {
    if graph.groups.is_empty() {
        return Vec::new();
    }
    let inner = graph.innermost_groups();
    // First start and last end per group, over the attempts of its own tasks, then folded
    // into the ancestors (children come after parents).
    let mut span: Vec<Option<(Micros, Micros)>> = vec![None; graph.groups.len()];
    let widen = |s: &mut Option<(Micros, Micros)>, a: Micros, b: Micros| {
        *s = Some(s.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
    };
    for a in sched.attempts() {
        if let Some(&g) = inner
            .get(a.task as usize)
            .filter(|&&g| g != crate::graph::NO_GROUP)
        {
            widen(&mut span[g as usize], a.start_us, a.end_us);
        }
    }
    for g in (0..graph.groups.len()).rev() {
        if let (Some((a, b)), Some(p)) = (span[g], graph.groups[g].parent.filter(|&p| p < g)) {
            widen(&mut span[p], a, b);
        }
    }
    let peaks = sched.group_peaks();
    graph
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let peak = peaks.iter().find(|(h, _)| *h == g).map(|(_, p)| *p);
            group_report(
                graph,
                group,
                span[g].map(|s| ms(s.0)),
                span[g].map(|s| ms(s.1)),
                peak,
            )
        })
        .collect()
}

/// One group's report: its place in the tree and its members from `graph`, its span and
/// peak as given.
fn group_report(
    graph: &Graph,
    group: &crate::graph::Group,
    start_ms: Option<f64>,
    end_ms: Option<f64>,
    peak: Option<u32>,
) -> super::GroupReport {
    super::GroupReport {
        name: group.name.clone(),
        parent: group
            .parent
            .and_then(|p| graph.groups.get(p))
            .map(|p| p.name.clone()),
        workers: group.workers,
        on_error: group.on_error,
        tasks: group
            .tasks
            .iter()
            .filter_map(|&t| graph.tasks.get(t).map(|t| t.id.clone()))
            .collect(),
        start_ms,
        end_ms,
        peak,
    }
}

/// An autoscaling pool's lanes and cost, `None` for a fixed pool.
fn pool_report(sched: &Scheduler, makespan: Micros) -> Option<super::PoolReport> {
    use crate::sched::PoolEventKind;
    let a = sched.config().autoscale?;
    let mut lanes: Vec<super::PoolLane> = Vec::new();
    let mut open: Vec<Option<usize>> = vec![None; sched.config().workers];
    let (mut on, mut peak) = (0usize, 0usize);
    let mut starts_ms = Vec::new();
    let mut asked_us: Vec<Micros> = Vec::new(); // per lane: when it was asked for
    for e in sched.pool_events() {
        let w = e.worker as usize;
        match e.kind {
            // A worker ready without a start (one on from the beginning) opens its lane too.
            PoolEventKind::Ready if open[w].is_some() => {
                if let Some(i) = open[w] {
                    lanes[i].ready_ms = ms(e.at_us);
                    // A start-up that ended (one still starting at the end is not counted).
                    starts_ms.push(ms(e.at_us.saturating_sub(asked_us[i])));
                }
            }
            PoolEventKind::Start | PoolEventKind::Ready => {
                open[w] = Some(lanes.len());
                asked_us.push(e.at_us);
                lanes.push(super::PoolLane {
                    worker: w,
                    start_ms: ms(e.at_us),
                    ready_ms: ms(e.at_us),
                    stop_ms: None,
                });
                on += 1;
            }
            // A lane stopped at (or after) the run's last end is the pool shutting down
            // with the run, not a scale-down: whether a scale-down timer due at that very
            // instant fires before the run is over is an accident of event order (the
            // simulator fired it, a driven real run did not), so neither records it.
            PoolEventKind::Stop if e.at_us >= makespan => {}
            PoolEventKind::Stop => {
                if let Some(i) = open[w].take() {
                    lanes[i].stop_ms = Some(ms(e.at_us));
                    on -= 1;
                }
            }
        }
        peak = peak.max(on);
    }
    let end = ms(makespan);
    let used: f64 = lanes
        .iter()
        .map(|l| (l.stop_ms.unwrap_or(end).min(end) - l.start_ms).max(0.0))
        .sum();
    Some(super::PoolReport {
        min: a.min,
        max: sched.config().workers,
        peak,
        scale_up_ms: ms(a.scale_up_us),
        scale_down_ms: ms(a.scale_down_us),
        worker_start_ms: ms(a.worker_start_us),
        start_source: "modelled".into(),
        starts_ms,
        lanes,
        worker_seconds: used / 1000.0,
        fixed_worker_seconds: sched.config().workers as f64 * end / 1000.0,
    })
}

/// The batches of more than one member, `None` when there were none.
fn batch_records(
    graph: &Graph,
    sched: &Scheduler,
    tasks: &[TaskRecord],
) -> Option<Vec<super::BatchRecord>> {
    let marks = sched.batches();
    if marks.is_empty() {
        return None;
    }
    let attempt = |(t, a): (u32, u32)| tasks[t as usize].attempts.get(a as usize - 1);
    Some(
        marks
            .iter()
            .map(|b| {
                let times: Vec<&Attempt> = b.members.iter().filter_map(|&m| attempt(m)).collect();
                super::BatchRecord {
                    worker: b.worker as usize,
                    start_ms: times
                        .iter()
                        .map(|a| a.start_ms)
                        .reduce(f64::min)
                        .unwrap_or(ms(b.at_us)),
                    end_ms: times.iter().map(|a| a.end_ms).fold(0.0, f64::max),
                    members: b
                        .members
                        .iter()
                        .map(|&(t, _)| graph.tasks[t as usize].id.clone())
                        .collect(),
                }
            })
            .collect(),
    )
}

/// The steals of a `work-stealing` run, `None` under other policies.
fn steal_report(graph: &Graph, sched: &Scheduler) -> Option<super::StealReport> {
    let cfg = sched.config();
    (cfg.policy == crate::graph::Policy::WorkStealing).then(|| super::StealReport {
        steals: sched.steals().len() as u64,
        failed_steals: sched.failed_steals(),
        steal_cost_ms: ms(cfg.steal_cost_us),
        marks: sched
            .steals()
            .iter()
            .map(|m| super::StealRecord {
                task: graph.tasks[m.task as usize].id.clone(),
                attempt: m.attempt,
                worker: m.thief as usize,
                victim: m.victim as usize,
                at_ms: ms(m.at_us),
            })
            .collect(),
    })
}

/// The breakers' bands of the run `sched` scheduled.
fn breaker_bands(sched: &Scheduler) -> Vec<super::BreakerBand> {
    let (names, changes) = sched.breaker_history();
    names
        .iter()
        .enumerate()
        .map(|(b, name)| super::BreakerBand {
            resource: name.clone(),
            changes: changes
                .iter()
                .filter(|c| c.breaker as usize == b)
                .map(|c| super::BreakerChangeMs {
                    at_ms: ms(c.at_us),
                    state: c.state.to_string(),
                })
                .collect(),
        })
        .collect()
}

/// Every task's value (see `value.rs` for the rules), `None` for tasks that did not end ok;
/// `own[t]` overrides task `t`'s own value.
fn values(graph: &Graph, sched: &Scheduler, own: &[Option<i64>]) -> Vec<Option<Value>> {
    let n = graph.tasks.len();
    // Tasks in the order they became terminal: every dependency of a task that ran came first.
    let mut by_seq = vec![u32::MAX; n];
    for t in 0..n {
        if let Some(e) = sched.task_end(t) {
            by_seq[e.seq as usize] = t as u32;
        }
    }
    let mut values: Vec<Option<Value>> = vec![None; n];
    for &t in by_seq.iter().filter(|&&t| t != u32::MAX) {
        let t = t as usize;
        if sched.state(t) != crate::sched::TaskState::Ok {
            continue;
        }
        let task = &graph.tasks[t];
        values[t] = match task.options.reduce {
            Some(how) if !task.deps.is_empty() => {
                let inputs: Vec<&Value> = task
                    .deps
                    .iter()
                    .filter_map(|&d| values[d].as_ref())
                    .collect();
                let first = task
                    .deps
                    .iter()
                    .filter(|&&d| values[d].is_some())
                    .min_by_key(|&&d| sched.task_end(d).map(|e| (e.end_us, e.seq)))
                    .and_then(|&d| values[d].as_ref());
                reduce(how, &inputs, first)
            }
            _ => Some(Value::Int(
                own.get(t).copied().flatten().unwrap_or(t as i64 + 1),
            )),
        };
    }
    values
}

/// The groups of `graph` for a run known only by its records (an imported trace): each
/// group's span over its members' attempts and, for a capped group, the most attempts of its
/// members that overlapped on the measured clock (`peak`; an end at t before a start at t).
pub fn group_reports_of_records(graph: &Graph, tasks: &[TaskRecord]) -> Vec<super::GroupReport> {
    if graph.groups.is_empty() {
        return Vec::new();
    }
    let by_id: std::collections::HashMap<&str, &TaskRecord> =
        tasks.iter().map(|t| (t.id.as_str(), t)).collect();
    graph
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let members = graph.group_members(g);
            let attempts: Vec<&Attempt> = members
                .iter()
                .filter_map(|&m| by_id.get(graph.tasks[m].id.as_str()))
                .flat_map(|t| &t.attempts)
                .collect();
            let start = attempts.iter().map(|a| a.start_ms).reduce(f64::min);
            let end = attempts.iter().map(|a| a.end_ms).reduce(f64::max);
            let peak = group.workers.map(|_| {
                let mut ev: Vec<(f64, i32)> = attempts
                    .iter()
                    .flat_map(|a| [(a.start_ms, 1), (a.end_ms, -1)])
                    .collect();
                ev.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                let (mut cur, mut most) = (0i32, 0i32);
                for (_, d) in ev {
                    cur += d;
                    most = most.max(cur);
                }
                most.max(0) as u32
            });
            group_report(graph, group, start, end, peak)
        })
        .collect()
}
