//! `fanout simulate` end to end.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn fanout(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn write(name: &str, text: &str) -> String {
    let p = std::env::temp_dir().join(format!("fanout-sim-cli-{}-{name}", std::process::id()));
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn simulate_prints_json_summary_and_trace() {
    let f = write("three.dag", "a : cpu 2s\nb : cpu 2s\nc : cpu 2s\n");
    let (code, out, err) = fanout(&["simulate", &f, "--workers", "3", "--json"]);
    assert_eq!(code, 0, "{err}");
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["mode"], "simulated");
    assert_eq!(j["makespan_ms"], 2000.0);
    let (code, out, _) = fanout(&[
        "simulate",
        &f,
        "--workers",
        "1",
        "--policy",
        "fifo",
        "--seed",
        "3",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("makespan 6000.000 ms"), "{out}");
    assert_eq!(out.lines().filter(|l| l.starts_with("w0 ")).count(), 1);
    let t = write("trace.json", "");
    let (code, _, _) = fanout(&["simulate", &f, "--trace", &t]);
    assert_eq!(code, 0);
    let tj: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&t).unwrap()).unwrap();
    assert_eq!(
        tj["traceEvents"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["ph"] == "X")
            .count(),
        3
    );
}

#[test]
fn simulate_reports_bad_usage_and_bad_files() {
    assert_eq!(fanout(&["simulate"]).0, 2);
    let f = write("ok.dag", "a : cpu 1\n");
    assert_eq!(fanout(&["simulate", &f, "--policy", "nope"]).0, 2);
    assert_eq!(fanout(&["simulate", &f, "--workers", "0"]).0, 2);
    let bad = write("bad.dag", "a : cpu 1 after zz\n");
    assert_eq!(fanout(&["simulate", &bad]).0, 1);
}

#[test]
fn simulate_writes_the_timeline_as_svg() {
    let f = write(
        "svg.dag",
        "a : cpu 40ms\nb : cpu 40ms\nlate<x> \"<b>bold</b>\" : cpu 10ms after a, b\n",
    );
    // `late<x>` is no id: the graph is refused with a located error, and no picture written.
    let svg = write("bad.svg", "");
    assert_eq!(fanout(&["simulate", &f, "--svg", &svg]).0, 1);
    assert_eq!(std::fs::read_to_string(&svg).unwrap(), "");
    let f = write(
        "svg.dag",
        "a : cpu 40ms\nb : cpu 40ms\nc \"<b>bold</b>\" : cpu 10ms after a, b\n",
    );
    let (code, _, err) = fanout(&["simulate", &f, "--workers", "2", "--svg", &svg]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.starts_with("<svg") && text.ends_with("</svg>"),
        "{text}"
    );
    // One bar per attempt, on two lanes, and nothing that could run.
    for id in ["a", "b", "c"] {
        assert!(
            text.contains(&format!(">{id}<")) || text.contains(&format!("{id}:")),
            "{id} missing: {text}"
        );
    }
    assert!(
        !text.contains("<script") && !text.contains("onload") && !text.contains("<b>"),
        "{text}"
    );
}

#[test]
fn simulate_reports_each_group_with_its_span_and_cap() {
    let f = write(
        "groups.dag",
        "workers 4\ngroup research workers 2 {\n  a[1..4] : cpu 20ms\n  group inner {\n    b : cpu 5ms after a1\n  }\n}\nreport : cpu 1ms after research\n",
    );
    let (code, out, err) = fanout(&["simulate", &f]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("group research: 0.000..45.000 ms, at most 2 of 2 at once\n"),
        "{out}"
    );
    assert!(
        out.contains("group inner (in research): 40.000..45.000 ms\n"),
        "{out}"
    );
    let (_, json, _) = fanout(&["simulate", &f, "--json"]);
    let j: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(j["groups"][0]["peak"], 2);
    assert_eq!(j["groups"][1]["parent"], "research");
}

#[test]
fn simulate_charges_a_dispatch_cost_when_asked() {
    let f = write("dispatch.dag", "a : cpu 10ms\nb : cpu 10ms after a\n");
    let (code, out, err) = fanout(&["simulate", &f, "--json", "--dispatch", "500us"]);
    assert_eq!(code, 0, "{err}");
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["dispatch_ms"], 0.5);
    assert_eq!(j["makespan_ms"], 21.0);
    let (code, out, _) = fanout(&["simulate", &f, "--json"]);
    assert_eq!(code, 0);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        j.get("dispatch_ms").is_none(),
        "an exact simulation charges none"
    );
    assert_eq!(j["makespan_ms"], 20.0);
    let (code, _, err) = fanout(&["simulate", &f, "--dispatch", "fast"]);
    assert_eq!(code, 2);
    assert!(err.contains("--dispatch"), "{err}");
}
