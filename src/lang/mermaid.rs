//! Writing a graph as a Mermaid flowchart (`flowchart LR`), a static picture for docs.

use super::duration::format_duration;
use crate::graph::Graph;
use std::fmt::Write;

/// The text of a Mermaid quoted label: `"` and the characters HTML gives meaning to (`<`,
/// `>`, `&`) become Mermaid entity codes (`#quot;`, `#lt;`, `#gt;`, `#amp;`), `#` itself becomes
/// `#35;` so no text forms an entity, and line breaks become spaces. What is left cannot close
/// the label, open markup or start a new statement.
fn label_text(s: &str) -> String {
    let mut q = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => q.push_str("#quot;"),
            '<' => q.push_str("#lt;"),
            '>' => q.push_str("#gt;"),
            '&' => q.push_str("#amp;"),
            '#' => q.push_str("#35;"),
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => q.push(' '),
            c if c.is_control() => q.push(' '),
            c => q.push(c),
        }
    }
    q
}

/// The graph as a Mermaid flowchart, left to right. Nodes are named `t0`, `t1`, … by task
/// index (so no task id can collide with Mermaid keywords such as `end`, or break the
/// syntax); each node shows its label (or id) and its work, quoted and escaped; one arrow per
/// dependency; each group is a `subgraph` (named `g0`, `g1`, … by index) titled with its
/// name and cap. Task options and declarations are not drawn.
pub fn to_mermaid(graph: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    if graph.groups.is_empty() {
        for i in 0..graph.tasks.len() {
            node(&mut out, graph, i, 1);
        }
    } else {
        let items = super::export::scope_items(graph);
        scope(&mut out, graph, &items, graph.groups.len(), 1);
    }
    for (i, t) in graph.tasks.iter().enumerate() {
        for &d in &t.deps {
            let _ = writeln!(out, "  t{d} --> t{i}");
        }
    }
    out
}

fn node(out: &mut String, graph: &Graph, i: usize, depth: usize) {
    let t = &graph.tasks[i];
    let name = t.label.as_deref().unwrap_or(&t.id);
    let work = format!(
        "{} {}",
        t.work.kind_name(),
        format_duration(t.work.duration_us())
    );
    let _ = writeln!(
        out,
        "{}t{i}[\"{}<br/>{}\"]",
        "  ".repeat(depth),
        label_text(name),
        label_text(&work)
    );
}

/// The nodes and subgraphs of one scope (see `export::scope_items`).
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
            node(out, graph, i, depth);
            continue;
        }
        let g = &graph.groups[i];
        let title = match g.workers {
            Some(w) => format!("{} (workers {w})", g.name),
            None => g.name.clone(),
        };
        let _ = writeln!(out, "{pad}subgraph g{i}[\"{}\"]", label_text(&title));
        if depth <= super::limits::MAX_GROUP_DEPTH {
            scope(out, graph, items, i, depth + 1);
        }
        let _ = writeln!(out, "{pad}end");
    }
}
