//! `fanout export --to dask|asyncio` and `fanout import`: scripts written to a file or stdout,
//! what a target cannot express is `file:line:col: error:` with exit 1, and measured traces
//! read back with unmatched events listed (the scripts themselves run in tests/e2e/engines).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::cli::{fanout, temp_file};

#[test]
fn export_writes_a_script_per_target() {
    let g = temp_file("export", "mr.dag", "workers 2\nsplit : cpu 20ms\nmap[1..3] : cpu 60ms after split\nmerge : cpu 30ms reduce sum after map[*]\n");
    for (to, needle) in [
        (
            "dask",
            "LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True",
        ),
        ("asyncio", "asyncio.TaskGroup()"),
    ] {
        let out = temp_file("export", &format!("mr.{to}.py"), "");
        let (code, stdout, err) = fanout(&["export", &g, "--to", to, "-o", &out]);
        assert_eq!(code, 0, "{err}");
        assert!(stdout.is_empty());
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.starts_with("#!/usr/bin/env python3\n\"\"\"mr.dag: a fanout task graph (5 tasks)"),
            "{to}"
        );
        assert!(text.contains(needle), "{to}");
        assert!(text.contains("def main():") && text.contains("argparse.ArgumentParser"));
        let (code, stdout, _) = fanout(&["export", &g, "--to", to]);
        assert_eq!((code, stdout), (0, text));
    }
}

#[test]
fn what_a_target_cannot_express_names_the_line() {
    let g = temp_file(
        "export",
        "bad.dag",
        "a : cpu 1ms\npolicy random\nb : counter 1k plain after a\n",
    );
    let (code, out, err) = fanout(&["export", &g, "--to", "dask"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.contains("bad.dag:2:1: error: `policy random` cannot be exported to dask"),
        "{err}"
    );
    assert!(
        err.contains("bad.dag:3:1: error: task `b`: the `counter` kernel"),
        "{err}"
    );
    let (code, _, err) = fanout(&["export", &g, "--to", "ray"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn import_reads_a_trace_beside_the_simulation() {
    let g = temp_file(
        "export",
        "ab.dag",
        "workers 2\na : cpu 10ms\nb : cpu 20ms after a\n",
    );
    let trace = temp_file(
        "export",
        "ab.trace.json",
        r#"{"traceEvents": [
        {"name": "a", "ph": "X", "ts": 100, "dur": 10000, "pid": 1, "tid": 0},
        {"name": "b #1", "ph": "X", "ts": 10200, "dur": 5000, "pid": 1, "tid": 1, "args": {"status": "failed"}},
        {"name": "b #2", "ph": "X", "ts": 16000, "dur": 20000, "pid": 1, "tid": 1},
        {"name": "gc", "ph": "X", "ts": 100, "dur": 1, "pid": 1, "tid": 5}]}"#,
    );
    let (code, out, err) = fanout(&["import", &trace, "--graph", &g]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2 tasks on 2 lanes"), "{out}");
    assert!(out.contains("failed, ok"), "{out}");
    assert!(out.contains("unmatched: `gc` (1 events)"), "{out}");
    assert!(
        out.contains("simulated on 2 workers: makespan 30.0 ms; measured / simulated = 1.20"),
        "{out}"
    );
    let (code, json, _) = fanout(&["import", &trace, "--graph", &g, "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["result"]["tasks"][1]["attempts"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let bad = temp_file("export", "bad.json", "{\"traceEvents\": [");
    let (code, _, err) = fanout(&["import", &bad]);
    assert_eq!(code, 1);
    assert!(err.contains("the trace is not JSON"), "{err}");
}
