//! The STG benchmark graphs in tests/data/stg simulate on 2, 4 and 8 workers.
//!
//! Contains a tiny private STG reader (the real importer lives in the language front end):
//! `#` starts a comment; the first remaining line is N; then one line per task
//! `id cost npred pred...` for tasks 0..=N+1 (predecessors may be declared later), where
//! 0 and N+1 are zero-cost dummies.
//! One cost unit is read as 1 ms.
#![cfg(not(target_arch = "wasm32"))]

use fanout::graph::{Graph, Policy, Span, Task, TaskOptions, Work};
use fanout::sim::{simulate, SimOptions};
use fanout::trace::Status;
use std::path::Path;

const STG_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/stg");

fn read_stg(text: &str) -> Result<Graph, String> {
    let mut lines = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty());
    let n: usize = lines
        .next()
        .ok_or("empty file")?
        .parse()
        .map_err(|e| format!("task count: {e}"))?;
    let mut tasks = Vec::with_capacity(n + 2);
    for (expect, line) in lines.take(n + 2).enumerate() {
        let nums: Vec<usize> = line
            .split_whitespace()
            .map(|w| w.parse().map_err(|e| format!("`{line}`: {e}")))
            .collect::<Result<_, _>>()?;
        let (id, cost, npred) = match nums[..] {
            [id, cost, npred, ..] => (id, cost, npred),
            _ => return Err(format!("short line `{line}`")),
        };
        if id != expect
            || nums.len() != 3 + npred
            || nums[3..].iter().any(|&p| p == id || p > n + 1)
        {
            return Err(format!("bad task line `{line}`"));
        }
        tasks.push(Task {
            id: format!("t{id}"),
            label: None,
            work: Work::Cpu {
                duration_us: cost as u64 * 1000,
            },
            deps: nums[3..].to_vec(),
            options: TaskOptions::default(),
            span: Span::default(),
        });
    }
    if tasks.len() != n + 2 {
        return Err(format!(
            "expected {} task lines, found {}",
            n + 2,
            tasks.len()
        ));
    }
    Ok(Graph {
        tasks,
        decls: Default::default(),
        groups: Vec::new(),
    })
}

#[test]
fn stg_graphs_simulate_on_2_4_8_workers() {
    let dir = Path::new(STG_DIR);
    assert!(
        dir.is_dir(),
        "STG folder missing: {STG_DIR} (it ships in the repo)"
    );
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "stg"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .stg file in {STG_DIR}");
    for f in &files {
        let g = read_stg(&std::fs::read_to_string(f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let mut prev = f64::INFINITY;
        for workers in [2, 4, 8] {
            for policy in Policy::ALL {
                let r = simulate(
                    &g,
                    &SimOptions {
                        workers: Some(workers),
                        policy: Some(policy),
                        ..Default::default()
                    },
                )
                .unwrap();
                assert!(r.tasks.iter().all(|t| t.status == Status::Ok));
                assert!(
                    r.makespan_ms + 1e-9 >= r.lower_bound_ms,
                    "{}: below the lower bound",
                    f.display()
                );
                if policy != Policy::Waves {
                    assert!(
                        r.makespan_ms <= r.work_ms / workers as f64 + r.span_ms + 1e-9,
                        "{}: above Graham's bound",
                        f.display()
                    );
                }
                if policy == Policy::CriticalPath {
                    // Not guaranteed by list scheduling in general, but holds on these graphs.
                    assert!(
                        r.makespan_ms <= prev,
                        "{}: more workers, slower",
                        f.display()
                    );
                    prev = r.makespan_ms;
                }
            }
        }
    }
}

#[test]
fn stg_reader_reads_the_sample() {
    let g = read_stg("# c\n2\n0 0 0\n1 5 1 0\n2 3 1 0\n3 0 2 1 2\n").unwrap();
    assert_eq!(g.tasks.len(), 4);
    assert_eq!(g.tasks[3].deps, vec![1, 2]);
    let r = simulate(
        &g,
        &SimOptions {
            workers: Some(2),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(r.makespan_ms, 5.0);
    assert!(read_stg("3\n0 0 0\n").is_err());
}
