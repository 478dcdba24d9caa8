//! Analysis on small graphs whose answers are known by hand.

use fanout::analysis::analyze;
use fanout::graph::{Graph, Task, TaskOptions, Work};
use fanout::lang::parse_dag;

fn g(text: &str) -> Graph {
    let p = parse_dag(text);
    assert!(!p.has_errors(), "{:?}", p.diagnostics);
    p.graph.unwrap()
}

#[test]
fn the_issue_example() {
    let a = analyze(&g("sentiment : cpu 200ms\nentities : cpu 150ms\nsummary : io 2s\nreport : cpu 10ms after sentiment, entities, summary\n"), 4);
    assert_eq!((a.tasks, a.edges), (4, 3));
    assert_eq!((a.work_ms, a.span_ms), (2360.0, 2010.0));
    assert_eq!(a.critical_path, ["summary", "report"]);
    assert_eq!(a.levels, [0, 0, 0, 1]);
    assert_eq!((a.depth, a.max_width), (2, 3));
    assert!((a.parallelism - 2360.0 / 2010.0).abs() < 1e-12);
    assert_eq!(a.bounds.len(), 4);
    assert_eq!(
        (a.bounds[0].lower_ms, a.bounds[0].greedy_upper_ms),
        (2360.0, 4370.0)
    );
    assert_eq!(
        (a.bounds[1].lower_ms, a.bounds[1].greedy_upper_ms),
        (2010.0, 3190.0)
    );
}

#[test]
fn ties_go_to_the_task_declared_first() {
    // Two equal chains: b->c and a->c both cost 20; b is declared first.
    let a = analyze(
        &g("b : cpu 10\na : cpu 10\nc : cpu 10 after a, b\nd : cpu 20\n"),
        1,
    );
    assert_eq!(a.span_ms, 20.0);
    assert_eq!(a.critical_path, ["b", "c"]);
    // Two equal sinks: c (declared before d) wins.
    assert_eq!(a.critical_path.last().map(String::as_str), Some("c"));
}

#[test]
fn zero_cost_and_empty_graphs() {
    let a = analyze(&g("a : cpu 0\nb : cpu 0 after a\n"), 2);
    assert_eq!((a.work_us, a.span_us, a.parallelism), (0, 0, 1.0));
    assert_eq!(a.critical_path, ["a", "b"]);
    let a = analyze(&Graph::default(), 2);
    assert_eq!((a.tasks, a.depth, a.max_width), (0, 0, 0));
    assert!(a.critical_path.is_empty());
    assert!(a.error.is_none());
}

#[test]
fn workers_are_clamped() {
    let graph = g("a : cpu 1\n");
    assert_eq!(analyze(&graph, 0).bounds.len(), 1);
    assert_eq!(
        analyze(&graph, u32::MAX).bounds.len(),
        fanout::lang::limits::MAX_WORKERS as usize
    );
}

#[test]
fn broken_hand_built_graphs_report_instead_of_panicking() {
    let task = |id: &str, deps: Vec<usize>| Task {
        id: id.into(),
        label: None,
        work: Work::Cpu { duration_us: 1 },
        deps,
        options: TaskOptions::default(),
        span: Default::default(),
    };
    let out_of_range = Graph {
        tasks: vec![task("a", vec![7])],
        ..Graph::default()
    };
    assert!(analyze(&out_of_range, 2)
        .error
        .unwrap()
        .contains("out of range"));
    let cyclic = Graph {
        tasks: vec![task("a", vec![1]), task("b", vec![0])],
        ..Graph::default()
    };
    assert!(analyze(&cyclic, 2).error.unwrap().contains("cycle"));
}

#[test]
fn json_has_the_documented_field_names() {
    let a = analyze(&g("a : cpu 10\nb : cpu 20 after a\n"), 2);
    let v: serde_json::Value = serde_json::to_value(&a).unwrap();
    for field in [
        "tasks",
        "edges",
        "work_ms",
        "span_ms",
        "parallelism",
        "critical_path",
        "bounds",
    ] {
        assert!(v.get(field).is_some(), "missing {field}");
    }
    assert_eq!(v["critical_path"], serde_json::json!(["a", "b"]));
    assert_eq!(v["bounds"][1]["workers"], 2);
    assert_eq!(v["bounds"][1]["lower_ms"], 30.0);
    assert_eq!(v["bounds"][1]["greedy_upper_ms"], 45.0);
}
