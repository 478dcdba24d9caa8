//! Writing a graph as a Graphviz DOT digraph, in the dialect [`super::Format::Dot`] reads:
//! one node per task with `cost` (its duration, exact), `kind` and `label`, one edge per
//! dependency, and each group as a nested `subgraph "cluster_NAME"` with its `workers` and
//! `on_error`. DOT has no place for task options or declarations: they are not written.

use super::duration::format_duration;
use crate::graph::{Graph, Work};
use std::fmt::Write;

/// `s` as a DOT quoted string: `"` and `\` are escaped, everything else is kept.
fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            q.push('\\');
        }
        q.push(c);
    }
    q.push('"');
    q
}

/// The graph as a DOT digraph. Every id and label is quoted, so no input can change the
/// structure of the output. Reading it back with [`super::Format::Dot`] gives the same tasks,
/// labels, durations, edges and groups; a kernel becomes `cpu` work of its estimated cost,
/// and task options and declarations (workers, limits, rates, policy, on_error, seed) are
/// dropped. Nodes are written in task order, except that a group's tasks are brought
/// together when they were not (as `.dag` export does).
pub fn to_dot(graph: &Graph) -> String {
    let mut out = String::from("digraph fanout {\n");
    if graph.groups.is_empty() {
        for t in &graph.tasks {
            node(&mut out, t, 1);
        }
    } else {
        let items = super::export::scope_items(graph);
        scope(&mut out, graph, &items, graph.groups.len(), 1);
    }
    for t in &graph.tasks {
        for &d in &t.deps {
            if let Some(from) = graph.tasks.get(d) {
                let _ = writeln!(out, "  {} -> {};", quote(&from.id), quote(&t.id));
            }
        }
    }
    out.push_str("}\n");
    out
}

fn node(out: &mut String, t: &crate::graph::Task, depth: usize) {
    let kind = match t.work {
        Work::Io { .. } => "io",
        _ => "cpu",
    };
    let _ = write!(
        out,
        "{}{} [cost={}, kind={kind}",
        "  ".repeat(depth),
        quote(&t.id),
        quote(&format_duration(t.work.duration_us()))
    );
    if let Some(l) = &t.label {
        let _ = write!(out, ", label={}", quote(l));
    }
    out.push_str("];\n");
}

/// The nodes and clusters of one scope (see `export::scope_items`).
fn scope(
    out: &mut String,
    graph: &Graph,
    items: &[Vec<(usize, bool, usize)>],
    at: usize,
    depth: usize,
) {
    let pad = "  ".repeat(depth);
    for &(_, is_group, i) in &items[at] {
        if !is_group {
            node(out, &graph.tasks[i], depth);
            continue;
        }
        let g = &graph.groups[i];
        let _ = writeln!(
            out,
            "{pad}subgraph {} {{",
            quote(&format!("cluster_{}", g.name))
        );
        let mut label = g.name.clone();
        if let Some(w) = g.workers {
            let _ = writeln!(out, "{pad}  workers={w};");
            let _ = write!(label, " (workers {w})");
        }
        if let Some(m) = g.on_error {
            let name = super::dag::ON_ERROR
                .iter()
                .find(|(_, x)| *x == m)
                .map_or("fail-fast", |(n, _)| n);
            let _ = writeln!(out, "{pad}  on_error={};", quote(name));
        }
        let _ = writeln!(out, "{pad}  label={};", quote(&label));
        if depth <= super::limits::MAX_GROUP_DEPTH {
            scope(out, graph, items, i, depth + 1);
        }
        let _ = writeln!(out, "{pad}}}");
    }
}
