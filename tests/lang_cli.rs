//! The `fanout check` and `fanout analyze` commands, run as a user would.

mod common;
use common::cli::{fanout, temp_file};

#[test]
fn check_prints_file_line_col_and_exits_1_on_errors() {
    let bad = temp_file("cli", "bad.dag", "a : cpu 1\nb : cpu 1 after zz\n");
    let good = temp_file("cli", "good.dag", "a : cpu 1\n");
    let (code, out, _) = fanout(&["check", &good, &bad]);
    assert_eq!(code, 1);
    assert_eq!(
        out.trim(),
        format!("{bad}:2:17: error: unknown dependency `zz`: no task has that id")
    );
    let (code, out, _) = fanout(&["check", &good]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn format_flag_overrides_the_extension() {
    let f = temp_file(
        "cli",
        "graph.txt",
        "digraph { a [cost=1]; b [cost=2]; a -> b }",
    );
    assert_eq!(fanout(&["check", "--format", "dot", &f]).0, 0);
    assert_eq!(fanout(&["check", &f]).0, 1); // read as .dag, it is not valid
    assert_eq!(fanout(&["check", "--format", "xml", &f]).0, 2);
}

#[test]
fn analyze_json_has_the_documented_fields() {
    let f = temp_file(
        "cli",
        "chain.dag",
        "a : cpu 10ms\nb : cpu 20ms after a\nc : cpu 5ms after a\n",
    );
    let (code, out, _) = fanout(&["analyze", &f, "--json", "--workers", "2"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["tasks"], 3);
    assert_eq!(v["edges"], 2);
    assert_eq!(v["work_ms"], 35.0);
    assert_eq!(v["span_ms"], 30.0);
    assert_eq!(v["critical_path"], serde_json::json!(["a", "b"]));
    assert_eq!(v["bounds"].as_array().unwrap().len(), 2);
    assert_eq!(v["bounds"][1]["lower_ms"], 30.0);
    assert_eq!(v["bounds"][1]["greedy_upper_ms"], 47.5);
}

#[test]
fn analyze_refuses_a_broken_graph() {
    let f = temp_file("cli", "cycle.dag", "a : cpu 1 after b\nb : cpu 1 after a\n");
    let (code, out, err) = fanout(&["analyze", &f]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("a -> b -> a"), "{err}");
}
