//! The `.dag` text format (first slice): one task per line,
//! `id : cpu|io <duration> [after dep, dep, ...]`, `#` starts a comment.
//! Durations take `us`, `ms` or `s`; a bare number means milliseconds.

use super::{Diagnostic, Parsed};
use crate::graph::{topo_order, Graph, Micros, Span, Task, TaskOptions, Work};
use std::collections::HashMap;

/// Longest accepted duration: one hour.
pub const MAX_DURATION_US: Micros = 3_600_000_000;

struct Line<'a> {
    number: u32,
    text: &'a str,
}

impl Line<'_> {
    /// 1-based character column of byte offset `byte` in this line.
    fn col(&self, byte: usize) -> u32 {
        self.text[..byte].chars().count() as u32 + 1
    }
}

/// A word of a line: its text and its byte offset in the line.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let sep = c.is_whitespace() || c == ',';
        match (start, sep) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

fn parse_duration(word: &str) -> Result<Micros, String> {
    let (num, unit) = match word.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&word[..i], &word[i..]),
        None => (word, "ms"),
    };
    let scale = match unit {
        "us" => 1.0,
        "ms" => 1_000.0,
        "s" => 1_000_000.0,
        _ => return Err(format!("unknown duration unit `{unit}`: use us, ms or s")),
    };
    let value: f64 = num
        .parse()
        .map_err(|_| format!("`{word}` is not a duration: write a number and a unit, like 50ms"))?;
    let us = value * scale;
    if !us.is_finite() || us < 0.0 {
        return Err(format!("`{word}` is not a duration: it must be zero or more"));
    }
    if us > MAX_DURATION_US as f64 {
        return Err(format!("`{word}` is longer than the 1 hour limit"));
    }
    Ok(us.round() as Micros)
}

fn is_id(word: &str) -> bool {
    let mut chars = word.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Parses `.dag` text. Reports every error it can find, each with its line and column;
/// returns a graph only when there is none.
pub fn parse_dag(text: &str) -> Parsed {
    let mut diags = Vec::new();
    let mut tasks: Vec<Task> = Vec::new();
    // Dependencies by name, with where each was written, resolved once all tasks are known.
    let mut dep_names: Vec<Vec<(String, Span)>> = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();

    for (n, raw) in text.lines().enumerate() {
        let line = Line { number: n as u32 + 1, text: raw };
        let code = raw.split('#').next().unwrap_or("");
        if code.trim().is_empty() {
            continue;
        }
        let Some(colon) = code.find(':') else {
            let start = code.len() - code.trim_start().len();
            diags.push(Diagnostic::error(
                line.number,
                line.col(start),
                code.trim().chars().count() as u32,
                "expected a task: `id : cpu <duration> [after dep, ...]`",
            ));
            continue;
        };
        let head = &code[..colon];
        let id = head.trim();
        let id_col = line.col(head.len() - head.trim_start().len());
        if !is_id(id) {
            diags.push(Diagnostic::error(
                line.number,
                id_col,
                id.chars().count() as u32,
                format!("`{id}` is not a task id: use letters, digits, `_` or `-`, starting with a letter"),
            ));
            continue;
        }
        let rest = &code[colon + 1..];
        let ws: Vec<(usize, &str)> = words(rest)
            .into_iter()
            .map(|(o, w)| (colon + 1 + o, w))
            .collect();
        let mut ok = true;
        let work = match ws.first() {
            Some(&(o, kind @ ("cpu" | "io"))) => match ws.get(1) {
                Some(&(o2, w)) => match parse_duration(w) {
                    Ok(d) if kind == "cpu" => Some(Work::Cpu { duration_us: d }),
                    Ok(d) => Some(Work::Io { duration_us: d }),
                    Err(msg) => {
                        diags.push(Diagnostic::error(line.number, line.col(o2), w.chars().count() as u32, msg));
                        None
                    }
                },
                None => {
                    diags.push(Diagnostic::error(line.number, line.col(o), kind.len() as u32, format!("`{kind}` needs a duration, like `{kind} 50ms`")));
                    None
                }
            },
            Some(&(o, w)) => {
                diags.push(Diagnostic::error(line.number, line.col(o), w.chars().count() as u32, format!("unknown kind of work `{w}`: expected `cpu` or `io`")));
                None
            }
            None => {
                diags.push(Diagnostic::error(line.number, line.col(colon), 1, "expected the work after `:`, like `cpu 50ms`"));
                None
            }
        };
        let mut deps = Vec::new();
        if ws.len() > 2 {
            let (o, w) = ws[2];
            if w != "after" {
                diags.push(Diagnostic::error(line.number, line.col(o), w.chars().count() as u32, format!("unexpected `{w}`: expected `after dep, ...`")));
                ok = false;
            } else if ws.len() == 3 {
                diags.push(Diagnostic::error(line.number, line.col(o), 5, "`after` needs at least one task id"));
                ok = false;
            } else {
                for &(o, w) in &ws[3..] {
                    deps.push((w.to_string(), Span { line: line.number, col: line.col(o) }));
                }
            }
        }
        let span = Span { line: line.number, col: id_col };
        if let Some(&first) = ids.get(id) {
            diags.push(Diagnostic::error(
                line.number,
                id_col,
                id.chars().count() as u32,
                format!("duplicate task id `{id}`: it is already declared on line {}", tasks[first].span.line),
            ));
            continue;
        }
        if let (Some(work), true) = (work, ok) {
            ids.insert(id.to_string(), tasks.len());
            tasks.push(Task { id: id.to_string(), label: None, work, deps: Vec::new(), options: TaskOptions::default(), span });
            dep_names.push(deps);
        }
    }

    for (i, names) in dep_names.into_iter().enumerate() {
        for (name, at) in names {
            let len = name.chars().count() as u32;
            match ids.get(&name) {
                Some(&d) if d == i => diags.push(Diagnostic::error(at.line, at.col, len, format!("task `{name}` depends on itself"))),
                Some(&d) if tasks[i].deps.contains(&d) => {}
                Some(&d) => tasks[i].deps.push(d),
                None => diags.push(Diagnostic::error(at.line, at.col, len, format!("unknown dependency `{name}`: no task has that id"))),
            }
        }
    }

    if diags.is_empty() {
        let graph = Graph { tasks, ..Graph::default() };
        if let Err(stuck) = topo_order(&graph) {
            let t = &graph.tasks[stuck[0]];
            let names: Vec<&str> = stuck.iter().map(|&i| graph.tasks[i].id.as_str()).collect();
            diags.push(Diagnostic::error(
                t.span.line,
                t.span.col,
                t.id.chars().count() as u32,
                format!("the dependencies form a cycle among: {}", names.join(", ")),
            ));
            return Parsed { graph: None, diagnostics: diags };
        }
        return Parsed { graph: Some(graph), diagnostics: diags };
    }
    Parsed { graph: None, diagnostics: diags }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_chain_with_units_and_comments() {
        let p = parse_dag("# chain\na : cpu 50ms\nb : cpu 2s after a # two seconds\nc : cpu 300us after a, b\n");
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let g = p.graph.unwrap();
        assert_eq!(g.tasks.len(), 3);
        assert_eq!(g.tasks[1].work.duration_us(), 2_000_000);
        assert_eq!(g.tasks[2].deps, vec![0, 1]);
        assert_eq!(g.tasks[2].work.duration_us(), 300);
    }

    #[test]
    fn unknown_dependency_names_line_and_column() {
        let p = parse_dag("a : cpu 1ms\nb : cpu 1ms after a, zz\n");
        assert!(p.graph.is_none());
        assert_eq!(p.diagnostics.len(), 1);
        let d = &p.diagnostics[0];
        assert_eq!((d.line, d.col), (2, 22));
        assert!(d.message.contains("zz"));
    }

    #[test]
    fn cycle_is_reported() {
        let p = parse_dag("a : cpu 1ms after c\nb : cpu 1ms after a\nc : cpu 1ms after b\n");
        assert!(p.graph.is_none());
        assert!(p.diagnostics[0].message.contains("cycle"));
    }

    #[test]
    fn bare_number_is_milliseconds() {
        let g = parse_dag("a : cpu 7").graph.unwrap();
        assert_eq!(g.tasks[0].work.duration_us(), 7_000);
    }
}
