//! Writing a graph back out: `.dag` text and JSON. Both are exact: reading the output gives
//! back the same graph (up to source positions).

use super::dag::{ON_ERROR, REDUCERS};
use super::duration::format_duration;
use super::json::{JsonGraph, JsonLimit, JsonRate, JsonTask};
use crate::graph::{Graph, Task, Work};
use std::fmt::Write;

/// The graph as `.dag` text: declarations first, then one task per line in declaration
/// order, every option written out. For a valid graph, `parse_dag(&to_dag(g))` gives `g`
/// back (up to spans).
pub fn to_dag(graph: &Graph) -> String {
    let mut out = String::new();
    let d = &graph.decls;
    match (d.workers_min, d.workers) {
        (Some(min), Some(w)) => {
            let _ = writeln!(out, "workers {min}..{w}");
        }
        (_, Some(w)) => {
            let _ = writeln!(out, "workers {w}");
        }
        _ => {}
    }
    for l in &d.limits {
        let _ = writeln!(out, "limit {} {}", l.resource, l.max);
    }
    for r in &d.rates {
        let _ = writeln!(out, "rate {} {}/s", r.resource, r.per_second);
    }
    if let Some(p) = d.policy {
        let _ = writeln!(out, "policy {}", p.name());
    }
    if let Some(m) = d.on_error {
        let name = ON_ERROR
            .iter()
            .find(|(_, x)| *x == m)
            .map_or("fail-fast", |(n, _)| n);
        let _ = writeln!(out, "on_error {name}");
    }
    if let Some(s) = d.seed {
        let _ = writeln!(out, "seed {s}");
    }
    if let Some(c) = d.steal_cost_us {
        let _ = writeln!(out, "steal_cost {}", format_duration(c));
    }
    for (kw, v) in [
        ("scale_up", d.scale_up_us),
        ("scale_down", d.scale_down_us),
        ("worker_start", d.worker_start_us),
    ] {
        if let Some(v) = v {
            let _ = writeln!(out, "{kw} {}", format_duration(v));
        }
    }
    for b in &d.breakers {
        let _ = writeln!(
            out,
            "breaker {} after {} failures open {}",
            b.resource,
            b.after,
            format_duration(b.open_us)
        );
    }
    if !out.is_empty() && !graph.tasks.is_empty() {
        out.push('\n');
    }
    if graph.groups.is_empty() {
        for t in &graph.tasks {
            write_task(&mut out, graph, t);
        }
    } else {
        let items = scope_items(graph);
        write_scope(&mut out, graph, &items, graph.groups.len(), 0);
    }
    out
}

/// Writes the tasks and groups of `scope` (`items[scope]`; the last entry is the top
/// level), each group as a `group … {` block.
fn write_scope(
    out: &mut String,
    graph: &Graph,
    items: &[Vec<(usize, bool, usize)>],
    scope: usize,
    depth: usize,
) {
    let pad = "  ".repeat(depth);
    for &(_, is_group, i) in &items[scope] {
        if !is_group {
            out.push_str(&pad);
            write_task(out, graph, &graph.tasks[i]);
            continue;
        }
        let g = &graph.groups[i];
        let _ = write!(out, "{pad}group {}", g.name);
        if let Some(w) = g.workers {
            let _ = write!(out, " workers {w}");
        }
        if let Some(m) = g.on_error {
            let name = ON_ERROR
                .iter()
                .find(|(_, x)| *x == m)
                .map_or("fail-fast", |(n, _)| n);
            let _ = write!(out, " on_error {name}");
        }
        out.push_str(" {\n");
        if depth < super::limits::MAX_GROUP_DEPTH {
            write_scope(out, graph, items, i, depth + 1);
        }
        let _ = writeln!(out, "{pad}}}");
    }
}

/// What each scope holds (groups by index, then the top level last): its own tasks and
/// its child groups, as `(first task, is a group, index)`, in the order of their first
/// task. A graph whose groups' tasks are contiguous (every `.dag` graph) keeps its task
/// order; another gets each group's tasks brought together, the one change `.dag` forces.
pub(crate) fn scope_items(graph: &Graph) -> Vec<Vec<(usize, bool, usize)>> {
    let ng = graph.groups.len();
    let top = ng;
    let mut items: Vec<Vec<(usize, bool, usize)>> = vec![Vec::new(); ng + 1];
    let mut first = vec![usize::MAX; ng];
    for (t, &g) in graph.innermost_groups().iter().enumerate() {
        let scope = if g == crate::graph::NO_GROUP {
            top
        } else {
            g as usize
        };
        items[scope].push((t, false, t));
        if scope < ng {
            first[scope] = first[scope].min(t);
        }
    }
    let parent_of = |g: usize| graph.groups[g].parent.filter(|&p| p < g);
    for g in (0..ng).rev() {
        if let Some(p) = parent_of(g) {
            first[p] = first[p].min(first[g]);
        }
    }
    for g in 0..ng {
        if first[g] != usize::MAX {
            items[parent_of(g).unwrap_or(top)].push((first[g], true, g));
        }
    }
    for list in &mut items {
        list.sort_unstable();
    }
    items
}

fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

fn write_task(out: &mut String, graph: &Graph, t: &Task) {
    out.push_str(&t.id);
    if let Some(l) = &t.label {
        out.push(' ');
        out.push_str(&quote(l));
    }
    match &t.work {
        Work::Kernel(k) => {
            let args = k.args();
            let _ = write!(
                out,
                " : {}{}{}",
                k.name(),
                if args.is_empty() { "" } else { " " },
                args
            );
        }
        w => {
            let _ = write!(
                out,
                " : {} {}",
                w.kind_name(),
                super::spread::format_amount(w.duration_us(), t.options.spread.as_ref())
            );
        }
    }
    let o = &t.options;
    if o.retry != 0 {
        let _ = write!(out, " retry {}", o.retry);
    }
    if let Some(b) = o.backoff_us {
        let _ = write!(out, " backoff {}", format_duration(b));
    }
    if let Some(b) = o.timeout_us {
        let _ = write!(out, " timeout {}", format_duration(b));
    }
    if let Some(b) = o.hedge_us {
        let _ = write!(out, " hedge {}", format_duration(b));
    }
    if o.fail_probability != 0.0 {
        let _ = write!(out, " fail {}", o.fail_probability);
    }
    if o.fail_attempts != 0 {
        let _ = write!(out, " fail attempts {}", o.fail_attempts);
    }
    if o.priority != 0 {
        let _ = write!(out, " priority {}", o.priority);
    }
    if !o.uses.is_empty() {
        let _ = write!(out, " uses {}", o.uses.join(", "));
        if let Some((b, at)) = &o.then_uses {
            if (*at - 0.5).abs() < 1e-12 {
                let _ = write!(out, " then {b}");
            } else {
                let _ = write!(out, " {}% then {b}", (at * 1e4).round() / 100.0);
            }
        }
    }
    if o.batch != 0 {
        let _ = write!(out, " batch {}", o.batch);
    }
    if let Some(r) = o.reduce {
        let name = REDUCERS
            .iter()
            .find(|(_, x)| *x == r)
            .map_or("sum", |(n, _)| n);
        let _ = write!(out, " reduce {name}");
    }
    for (k, &d) in t.deps.iter().enumerate() {
        out.push_str(if k == 0 { " after " } else { ", " });
        out.push_str(graph.tasks.get(d).map_or("?", |t| t.id.as_str()));
    }
    out.push('\n');
}

/// The graph in the JSON form ([`JsonGraph`]), pretty-printed. For a valid graph,
/// `parse(&to_json(g), Format::Json)` gives `g` back (up to spans).
pub fn to_json(graph: &Graph) -> String {
    serde_json::to_string_pretty(&json_graph(graph)).unwrap_or_default()
}

/// The graph as a [`JsonGraph`] value.
pub fn json_graph(graph: &Graph) -> JsonGraph {
    let d = &graph.decls;
    let inner = graph.innermost_groups();
    JsonGraph {
        workers: d.workers,
        breakers: d
            .breakers
            .iter()
            .map(|b| super::json::JsonBreaker {
                resource: b.resource.clone(),
                after: b.after,
                open: format_duration(b.open_us),
            })
            .collect(),
        limits: d
            .limits
            .iter()
            .map(|l| JsonLimit {
                resource: l.resource.clone(),
                max: l.max,
            })
            .collect(),
        rates: d
            .rates
            .iter()
            .map(|r| JsonRate {
                resource: r.resource.clone(),
                per_second: r.per_second,
            })
            .collect(),
        policy: d.policy,
        on_error: d.on_error,
        seed: d.seed,
        steal_cost: d
            .steal_cost_us
            .map(|c| serde_json::Value::String(format_duration(c))),
        workers_min: d.workers_min,
        scale_up: d
            .scale_up_us
            .map(|c| serde_json::Value::String(format_duration(c))),
        scale_down: d
            .scale_down_us
            .map(|c| serde_json::Value::String(format_duration(c))),
        worker_start: d
            .worker_start_us
            .map(|c| serde_json::Value::String(format_duration(c))),
        groups: graph
            .groups
            .iter()
            .map(|g| super::json::JsonGroup {
                name: g.name.clone(),
                parent: g
                    .parent
                    .and_then(|p| graph.groups.get(p))
                    .map(|p| p.name.clone()),
                workers: g.workers,
                on_error: g.on_error,
            })
            .collect(),
        tasks: graph
            .tasks
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let o = &t.options;
                let dur = |us: u64| serde_json::Value::String(format_duration(us));
                JsonTask {
                    id: t.id.clone(),
                    label: t.label.clone(),
                    kind: t.work.kind_name().to_string(),
                    duration: match &t.work {
                        Work::Kernel(_) => serde_json::Value::Null,
                        w => serde_json::Value::String(super::spread::format_amount(
                            w.duration_us(),
                            o.spread.as_ref(),
                        )),
                    },
                    args: match &t.work {
                        Work::Kernel(k) => Some(k.args()),
                        _ => None,
                    },
                    after: t
                        .deps
                        .iter()
                        .filter_map(|&d| graph.tasks.get(d).map(|t| t.id.clone()))
                        .collect(),
                    retry: o.retry,
                    backoff: o.backoff_us.map(dur),
                    timeout: o.timeout_us.map(dur),
                    hedge: o.hedge_us.map(dur),
                    then: o.then_uses.as_ref().map(|(b, _)| b.clone()),
                    then_at: o.then_uses.as_ref().map(|(_, at)| *at),
                    fail: o.fail_probability,
                    fail_attempts: o.fail_attempts,
                    priority: o.priority,
                    uses: o.uses.clone(),
                    reduce: o.reduce,
                    batch: o.batch,
                    group: inner
                        .get(i)
                        .and_then(|&g| graph.groups.get(g as usize))
                        .map(|g| g.name.clone()),
                }
            })
            .collect(),
    }
}
