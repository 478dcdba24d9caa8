//! A graph as a standalone Python script for Dask (`distributed`, the futures API) or asyncio.
//!
//! The script is readable on its own: the graph as data (`TASKS`, one dict per task, with its
//! source line), one function per kind of work (`cpu`, io waits, one per kernel), the
//! scheduler's exact failure draw (SplitMix64, `crate::sched::rng`) and `reduce`, and a
//! `main()` with `argparse` (`--workers`, `--seed`, `--trace FILE`, `--results FILE`; Dask
//! also `--scheduler ADDRESS`). The Python is kept as Python (`common.py`, `dask_main.py`,
//! `asyncio_main.py` beside this file) and pasted in.
//!
//! Groups are kept: a cap is a limit every member holds (`LIMITS["group NAME"]`, in the
//! member's `uses`), and each task carries the `on_error` that applies to it.
//!
//! What a target cannot express is an [`ExportError`] naming the line, never dropped:
//! the `counter` kernel (one shared memory: worker processes have none), and the `waves`
//! and `random` policies (Dask and the asyncio gate order ready tasks by a static rank:
//! the scheduler's critical-path or priority key, or arrival under `fifo`).

use crate::graph::kernel::{Kernel, WORDCOUNT_TEXT};
use crate::graph::{Graph, OnError, Policy, Reduce, Work};
use std::fmt::Write;

const COMMON: &str = include_str!("common.py");
const DASK_MAIN: &str = include_str!("dask_main.py");
const ASYNCIO_MAIN: &str = include_str!("asyncio_main.py");

/// Which engine the script runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Dask's distributed scheduler (a `LocalCluster` of worker processes, or `--scheduler`).
    Dask,
    /// One asyncio event loop, cpu work in a `ProcessPoolExecutor`.
    Asyncio,
}

impl Target {
    /// Parses `dask` or `asyncio`.
    pub fn from_name(name: &str) -> Option<Target> {
        match name {
            "dask" => Some(Target::Dask),
            "asyncio" => Some(Target::Asyncio),
            _ => None,
        }
    }

    /// The target's name as the CLI writes it.
    pub fn name(self) -> &'static str {
        match self {
            Target::Dask => "dask",
            Target::Asyncio => "asyncio",
        }
    }
}

/// Something the target cannot express, at a source position (line 0: not from text).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExportError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

fn py_str(s: &str) -> String {
    // JSON string escapes are valid Python string literals.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn py_opt(v: Option<u64>) -> String {
    v.map_or("None".into(), |x| x.to_string())
}

/// The line of the first declaration `word …` in `source`, if any.
fn decl_line(source: Option<&str>, word: &str) -> u32 {
    source
        .and_then(|s| {
            s.lines()
                .position(|l| l.split_whitespace().next() == Some(word))
        })
        .map_or(0, |i| i as u32 + 1)
}

/// Bottom levels: each task's longest path of modelled durations to an end, its own included.
fn bottom_levels(graph: &Graph) -> Vec<u64> {
    let succ = graph.successors();
    let order = crate::graph::topo_order(graph).unwrap_or_default();
    let mut bl = vec![0u64; graph.tasks.len()];
    for &i in order.iter().rev() {
        let below = succ[i].iter().map(|&s| bl[s]).max().unwrap_or(0);
        bl[i] = graph.tasks[i].work.duration_us().saturating_add(below);
    }
    bl
}

fn kernel_dict(k: &crate::graph::KernelWork) -> String {
    let args = match &k.kernel {
        Kernel::Primes { from, to } => format!("\"from\": {from}, \"to\": {to}"),
        Kernel::Mandelbrot { size, iter } => format!("\"size\": {size}, \"iter\": {iter}"),
        Kernel::Hash { bytes } => format!("\"bytes\": {bytes}"),
        Kernel::Sort { n } => format!("\"n\": {n}"),
        Kernel::Wordcount | Kernel::Panic | Kernel::Counter { .. } => String::new(),
    };
    format!(
        "{{\"name\": \"{}\", {}{}\"part\": {}, \"parts\": {}}}",
        k.name(),
        args,
        if args.is_empty() { "" } else { ", " },
        k.part,
        k.parts
    )
}

/// The graph as a Python script for `target`. `name` heads the script (a file name);
/// `source` (the text the graph came from, when there is one) lets errors about declarations
/// name their line. Every problem is returned, in line order.
pub fn to_python(
    graph: &Graph,
    target: Target,
    name: &str,
    source: Option<&str>,
) -> Result<String, Vec<ExportError>> {
    let mut errors = Vec::new();
    let tname = target.name();
    let policy = graph.decls.policy.unwrap_or_default();
    if matches!(
        policy,
        Policy::Waves | Policy::Random | Policy::WorkStealing
    ) {
        errors.push(ExportError {
            line: decl_line(source, "policy"),
            col: 1,
            message: format!(
                "`policy {}` cannot be exported to {tname}: it orders ready tasks by a static rank \
                 (critical-path, priority or fifo); remove the line or pick one of those",
                policy.name()
            ),
        });
    }
    for t in &graph.tasks {
        if let Work::Kernel(k) = &t.work {
            if matches!(k.kernel, Kernel::Counter { .. }) {
                errors.push(ExportError {
                    line: t.span.line,
                    col: t.span.col,
                    message: format!(
                        "task `{}`: the `counter` kernel adds to one counter in shared memory, \
                         which {tname}'s worker processes do not share; it cannot be exported",
                        t.id
                    ),
                });
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| (e.line, e.col));
        return Err(errors);
    }
    let bl = bottom_levels(graph);
    let d = &graph.decls;
    let mut out = String::new();
    let engine = match target {
        Target::Dask => "Dask (distributed, the futures API)",
        Target::Asyncio => "asyncio (a TaskGroup; cpu work in a ProcessPoolExecutor)",
    };
    let _ = writeln!(out, "#!/usr/bin/env python3");
    let _ = writeln!(
        out,
        "\"\"\"{}: a fanout task graph ({} tasks), exported by `fanout export --to {tname}` to run on\n{engine}.\n",
        name.replace('"', "'").replace('\\', "/"),
        graph.tasks.len()
    );
    match target {
        Target::Dask => out.push_str(
            "Run it on a local cluster of W worker processes (one thread each), or on a cluster:\n\
             \x20   python SCRIPT.py --workers 2 --trace trace.json\n\
             \x20   python SCRIPT.py --scheduler tcp://host:8786 --trace trace.json\n\
             Needs `pip install \"dask[distributed]\"`. fanout opens the trace beside its simulation.\n",
        ),
        Target::Asyncio => out.push_str(
            "Run it (Python 3.11 or newer, nothing to install):\n\
             \x20   python SCRIPT.py --workers 2 --trace trace.json\n\
             fanout opens the trace beside its simulation.\n",
        ),
    }
    out.push_str("\"\"\"\n");
    let stem = std::path::Path::new(name)
        .file_stem()
        .map_or("graph".into(), |s| s.to_string_lossy().into_owned());
    let mut out = out.replace("SCRIPT.py", &format!("{}.py", stem.replace('"', "'")));
    out.push_str("import argparse\n");
    if target == Target::Asyncio {
        out.push_str("import asyncio\nimport concurrent.futures\nimport heapq\n");
    }
    out.push_str("import json\nimport math\nimport sys\nimport time\n\n");
    out.push_str(
        "# The graph as data. Times in µs; `deps` are task numbers (0-based, declaration order).\n",
    );
    let _ = writeln!(out, "SEED = {}", d.seed.unwrap_or(0));
    let _ = writeln!(out, "WORKERS = {}", d.workers.unwrap_or(4));
    let on_error = match d.on_error.unwrap_or_default() {
        OnError::FailFast => "fail-fast",
        OnError::SkipDependents => "skip-dependents",
        OnError::Continue => "continue",
    };
    let _ = writeln!(out, "ON_ERROR = \"{on_error}\"");
    let _ = writeln!(out, "POLICY = \"{}\"", policy.name());
    // A group's cap is a limit its members (nested groups' too) hold, as in the scheduler,
    // named `group NAME` (no declared resource can be).
    let mut limits: Vec<String> = d
        .limits
        .iter()
        .map(|l| format!("{}: {}", py_str(&l.resource), l.max))
        .collect();
    let mut caps: Vec<Vec<String>> = vec![Vec::new(); graph.groups.len()];
    for (g, grp) in graph.groups.iter().enumerate() {
        if let Some(w) = grp.workers {
            let name = format!("group {}", grp.name);
            limits.push(format!("{}: {w}", py_str(&name)));
            for (h, c) in caps.iter_mut().enumerate() {
                if graph.group_contains(g, h) {
                    c.push(name.clone());
                }
            }
        }
    }
    let inner = graph.innermost_groups();
    let modes = graph.task_on_error(d.on_error.unwrap_or_default());
    let _ = writeln!(out, "LIMITS = {{{}}}", limits.join(", "));
    let rates: Vec<String> = d
        .rates
        .iter()
        .map(|r| format!("{}: {:?}", py_str(&r.resource), r.per_second))
        .collect();
    let _ = writeln!(out, "RATES = {{{}}}", rates.join(", "));
    out.push_str("TASKS = [\n");
    for (i, t) in graph.tasks.iter().enumerate() {
        let o = &t.options;
        let (kind, kernel) = match &t.work {
            Work::Cpu { .. } => ("cpu", "None".to_string()),
            Work::Io { .. } => ("io", "None".to_string()),
            Work::Kernel(k) => ("kernel", kernel_dict(k)),
        };
        let rank = match policy {
            Policy::Fifo => 0i128,
            Policy::Priority => ((o.priority as i128) << 64) + bl[i] as i128,
            _ => bl[i] as i128,
        };
        let reduce = o.reduce.map_or("None".to_string(), |r| {
            let n = match r {
                Reduce::Sum => "sum",
                Reduce::Count => "count",
                Reduce::Concat => "concat",
                Reduce::Min => "min",
                Reduce::Max => "max",
                Reduce::Vote => "vote",
                Reduce::First => "first",
            };
            format!("\"{n}\"")
        });
        let mut uses: Vec<String> = o.uses.iter().map(|u| py_str(u)).collect();
        if let Some(c) = caps.get(inner[i] as usize) {
            uses.extend(c.iter().map(|u| py_str(u)));
        }
        let mode = match modes[i] {
            OnError::FailFast => "fail-fast",
            OnError::SkipDependents => "skip-dependents",
            OnError::Continue => "continue",
        };
        let deps: Vec<String> = t.deps.iter().map(|d| d.to_string()).collect();
        let _ = writeln!(
            out,
            "    {{\"id\": {}, \"line\": {}, \"kind\": \"{kind}\", \"us\": {}, \"kernel\": {kernel},\n     \
             \"deps\": [{}], \"retry\": {}, \"backoff_us\": {}, \"timeout_us\": {}, \"fail\": {:?}, \
             \"fail_attempts\": {},\n     \"uses\": [{}], \"reduce\": {reduce}, \"rank\": {rank}, \"on_error\": \"{mode}\"}},",
            py_str(&t.id),
            t.span.line,
            t.work.duration_us(),
            deps.join(", "),
            o.retry,
            o.backoff_us.unwrap_or(0),
            py_opt(o.timeout_us),
            o.fail_probability,
            o.fail_attempts,
            uses.join(", "),
        );
    }
    out.push_str("]\n");
    let _ = writeln!(
        out,
        "# The text `wordcount` counts (Dickens, A Tale of Two Cities, 1859).\nWORDCOUNT_TEXT = {}\n",
        py_str(WORDCOUNT_TEXT)
    );
    out.push_str(COMMON);
    out.push_str("\n\n");
    out.push_str(match target {
        Target::Dask => DASK_MAIN,
        Target::Asyncio => ASYNCIO_MAIN,
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parse_dag;

    fn graph(text: &str) -> Graph {
        parse_dag(text).graph.unwrap()
    }

    #[test]
    fn every_task_is_in_the_script_with_its_options() {
        let text = "seed 3\nlimit db 2\nrate api 5/s\na : cpu 10ms\nb : io 5ms retry 2 backoff 1ms timeout 1s fail 30% uses db, api after a\nc : primes 0..1000 part 2/4 reduce sum after b\n";
        let s = to_python(&graph(text), Target::Dask, "g.dag", Some(text)).unwrap();
        assert!(s.contains("SEED = 3"));
        assert!(s.contains("LIMITS = {\"db\": 2}"));
        assert!(s.contains("RATES = {\"api\": 5.0}"));
        assert!(s.contains("\"id\": \"b\", \"line\": 5, \"kind\": \"io\", \"us\": 5000"));
        assert!(s.contains(
            "\"retry\": 2, \"backoff_us\": 1000, \"timeout_us\": 1000000, \"fail\": 0.3"
        ));
        assert!(s.contains("\"uses\": [\"db\", \"api\"]"));
        assert!(s.contains(
            "{\"name\": \"primes\", \"from\": 0, \"to\": 1000, \"part\": 1, \"parts\": 4}"
        ));
        assert!(s.contains("client.submit(") && s.contains("pure=False"));
        let a = to_python(&graph(text), Target::Asyncio, "g.dag", Some(text)).unwrap();
        assert!(a.contains("asyncio.TaskGroup()") && a.contains("ProcessPoolExecutor"));
    }

    #[test]
    fn what_cannot_be_expressed_is_an_error_naming_the_line() {
        let text = "policy waves\na : cpu 1ms\nb : counter 10 atomic\n";
        let e = to_python(&graph(text), Target::Asyncio, "g", Some(text)).unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!((e[0].line, e[1].line), (1, 3));
        assert!(e[0].message.contains("policy waves"));
        assert!(e[1].message.contains("counter"));
    }
}
