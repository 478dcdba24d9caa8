//! The streamed RunResult JSON (`fanout::trace::write_json`, what `fanout simulate --json`
//! prints) is byte for byte the previous serialization: `serde_json::to_string_pretty`
//! followed by a newline. Over graphs with values, retries, failures, timeouts, skipped
//! and cancelled tasks, limits, and a large random graph.
#![cfg(not(target_arch = "wasm32"))]

use fanout::graph::Graph;
use fanout::lang::parse_dag;
use fanout::sim::testkit::random_dag;
use fanout::sim::{simulate, SimOptions};
use fanout::trace::{write_json, RunResult};
use std::process::Command;

const GRAPHS: [(&str, &str); 4] = [
    (
        "map-reduce",
        "workers 3\nsplit : cpu 5ms\nmap[1..6] : cpu 20ms after split\n\
         total : cpu 1ms reduce sum after map[*]\nall : cpu 1ms reduce concat after map[*]\n\
         best : cpu 1ms reduce max after map[2..4]\n",
    ),
    (
        "failures",
        "workers 2\nseed 7\non_error skip-dependents\nlimit db 1\n\
         a : io 30ms retry 3 backoff 5ms fail 0.5 uses db\nb : cpu 10ms fail attempts 1 retry 1\n\
         c : cpu 50ms timeout 20ms\nd : cpu 1ms after c\ne : cpu 1ms reduce vote after a, b\n\
         f \"a label, with \\\"quotes\\\"\" : cpu 0.5ms priority 3\n",
    ),
    (
        "fail-fast",
        "workers 2\na : cpu 10ms fail 1\nb : cpu 100ms\nc : cpu 1ms after a\nd : io 1ms after b\n",
    ),
    ("empty-ish", "only : cpu 0ms\n"),
];

fn previous(r: &RunResult) -> String {
    serde_json::to_string_pretty(r).unwrap() + "\n"
}

fn streamed(r: &RunResult) -> String {
    let mut out = Vec::new();
    write_json(r, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn graph(text: &str) -> Graph {
    let p = parse_dag(text);
    p.graph
        .unwrap_or_else(|| panic!("a valid graph: {:?}", p.diagnostics))
}

#[test]
fn streamed_json_equals_the_previous_serialization() {
    let mut statuses = std::collections::BTreeSet::new();
    for (name, text) in GRAPHS {
        for workers in [1, 2, 64] {
            let opts = SimOptions {
                workers: Some(workers),
                ..Default::default()
            };
            let r = simulate(&graph(text), &opts).unwrap();
            for t in &r.tasks {
                statuses.insert(format!("{:?}", t.status));
            }
            assert_eq!(streamed(&r), previous(&r), "{name}, {workers} workers");
        }
    }
    // The graphs above reach every way a task can end, so every branch is compared.
    assert_eq!(
        statuses.into_iter().collect::<Vec<_>>(),
        ["Cancelled", "Failed", "Ok", "Skipped", "Timeout"]
    );
    let big = random_dag(20_000, 3, 100, 1000, 42);
    let r = simulate(&big, &SimOptions::default()).unwrap();
    assert_eq!(streamed(&r), previous(&r), "random 20,000-task graph");
}

#[test]
fn the_cli_prints_the_streamed_json() {
    for (name, text) in GRAPHS {
        let path = std::env::temp_dir().join(format!(
            "fanout-trace-json-{}-{name}.dag",
            std::process::id()
        ));
        std::fs::write(&path, text).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_fanout"))
            .args([
                "simulate",
                path.to_str().unwrap(),
                "--json",
                "--workers",
                "2",
            ])
            .output()
            .unwrap();
        let _ = std::fs::remove_file(&path);
        assert!(out.status.success(), "{name}: {out:?}");
        let opts = SimOptions {
            workers: Some(2),
            ..Default::default()
        };
        let r = simulate(&graph(text), &opts).unwrap();
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            previous(&r),
            "{name}"
        );
    }
}
