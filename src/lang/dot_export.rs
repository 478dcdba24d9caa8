//! Writing a graph as a Graphviz DOT digraph, in the dialect [`super::Format::Dot`] reads:
//! one node per task with `cost` (its duration, exact), `kind` and `label`, one edge per
//! dependency. DOT has no place for options or declarations: they are not written.

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
/// labels, durations and edges; a kernel becomes `cpu` work of its estimated cost, and task
/// options and declarations (workers, limits, rates, policy, on_error, seed) are dropped.
pub fn to_dot(graph: &Graph) -> String {
    let mut out = String::from("digraph fanout {\n");
    for t in &graph.tasks {
        let kind = match t.work {
            Work::Io { .. } => "io",
            _ => "cpu",
        };
        let _ = write!(
            out,
            "  {} [cost={}, kind={kind}",
            quote(&t.id),
            quote(&format_duration(t.work.duration_us()))
        );
        if let Some(l) = &t.label {
            let _ = write!(out, ", label={}", quote(l));
        }
        out.push_str("];\n");
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
