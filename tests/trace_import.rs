//! Importing measured timelines (`fanout::trace::import`): fanout's own Chrome trace comes
//! back with the same attempts; Ray timelines and Dask task streams map lanes to workers and
//! events to tasks by name, unmatched events listed; bad input is a clear error, never a panic.

use fanout::lang::parse_dag;
use fanout::sim::{simulate, SimOptions};
use fanout::trace::chrome::to_chrome_trace;
use fanout::trace::import::import_trace;

const GRAPH: &str = "workers 2\nseed 7\non_error skip-dependents\nstart : cpu 10ms\ncall[1..6] : io 40ms retry 2 backoff 20ms fail 40% after start\nslow : io 300ms timeout 100ms retry 1 after start\nlate : cpu 10ms after slow\ntotal : cpu 10ms reduce count after call[*]\n";

#[test]
fn own_trace_round_trips_with_the_same_attempts() {
    let g = parse_dag(GRAPH).graph.unwrap();
    let run = simulate(&g, &SimOptions::default()).unwrap();
    let trace = to_chrome_trace(&g, &run).to_string();
    let imp = import_trace(&trace, Some(&g)).unwrap();
    assert!(imp.unmatched.is_empty(), "{:?}", imp.unmatched);
    assert_eq!(imp.missing, vec!["late".to_string()], "skipped: never ran");
    assert_eq!(imp.result.workers, 2);
    assert!((imp.result.makespan_ms - run.makespan_ms).abs() < 1e-6);
    let retried = run.tasks.iter().filter(|t| t.attempts.len() > 1).count();
    assert!(retried >= 2);
    for t in &run.tasks {
        if t.attempts.is_empty() {
            continue;
        }
        let got = imp.result.tasks.iter().find(|x| x.id == t.id).unwrap();
        assert_eq!(got.attempts.len(), t.attempts.len(), "{}", t.id);
        for (a, b) in t.attempts.iter().zip(&got.attempts) {
            assert_eq!((a.worker, a.status), (b.worker, b.status), "{}", t.id);
            assert!((a.start_ms - b.start_ms).abs() < 1e-6 && (a.end_ms - b.end_ms).abs() < 1e-6);
        }
    }
}

#[test]
fn ray_timelines_map_worker_tids_to_lanes_and_list_unmatched_events() {
    let g = parse_dag("a : cpu 10ms\nb : cpu 10ms after a\n")
        .graph
        .unwrap();
    let ray = r#"[
      {"cat": "task::a", "name": "task::a", "pid": "Node ID: 1", "tid": "worker:7f3", "ts": 1000.0, "dur": 10000.0, "ph": "X", "args": {}},
      {"cat": "task::b", "name": "task::b", "pid": "Node ID: 1", "tid": "worker:9a1", "ts": 12000.0, "dur": 9000.0, "ph": "X", "args": {}},
      {"cat": "task:deserialize", "name": "deserialize", "pid": "Node ID: 1", "tid": "worker:9a1", "ts": 11500.0, "dur": 200.0, "ph": "X"},
      {"name": "flow", "ph": "s", "id": 1, "pid": 1, "tid": 1, "ts": 1}
    ]"#;
    let imp = import_trace(ray, Some(&g)).unwrap();
    assert_eq!(imp.result.workers, 2);
    assert_eq!(imp.unmatched, vec![("deserialize".to_string(), 1)]);
    assert_eq!(imp.ignored_events, 1);
    let b = &imp.result.tasks[1];
    assert_eq!((b.id.as_str(), b.worker), ("b", 1));
    assert!((b.attempts[0].start_ms - 11.0).abs() < 1e-9 && (b.end_ms - 20.0).abs() < 1e-9);
}

#[test]
fn dask_task_streams_are_read_as_they_come() {
    let stream = r#"[{"key": "x", "worker": "tcp://127.0.0.1:4001", "startstops": [{"action": "transfer", "start": 9.0, "stop": 10.0}, {"action": "compute", "start": 10.0, "stop": 10.05}]},
                     {"key": "y", "worker": "tcp://127.0.0.1:4002", "startstops": [{"action": "compute", "start": 10.06, "stop": 10.1}]}]"#;
    let imp = import_trace(stream, None).unwrap();
    assert_eq!(imp.result.mode, "imported dask");
    assert_eq!(imp.result.workers, 2);
    assert_eq!(imp.result.tasks[0].id, "x");
    assert!((imp.result.makespan_ms - 100.0).abs() < 1e-6);
}

#[test]
fn bad_traces_are_clear_errors_never_panics() {
    for (text, says) in [
        ("", "not JSON"),
        ("{\"traceEvents\": 3}", "traceEvents"),
        ("42", "neither"),
        ("[]", "no complete"),
        (
            "[{\"ph\": \"X\", \"name\": \"a\", \"ts\": \"x\"}]",
            "no complete",
        ),
        ("{\"traceEvents\": [{\"ph\": \"X\"", "line 1"),
    ] {
        let e = import_trace(text, None).unwrap_err();
        assert!(e.contains(says), "{text}: {e}");
    }
    // Random bytes and mangled traces: errors or imports, never a panic.
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let base = r#"{"traceEvents":[{"ph":"X","name":"a #2","ts":5,"dur":1,"pid":1,"tid":0,"args":{"status":"failed"}}]}"#;
    for _ in 0..2000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let mut b = base.as_bytes().to_vec();
        let i = (x as usize) % b.len();
        b[i] = (x >> 32) as u8 % 128;
        let _ = import_trace(&String::from_utf8_lossy(&b), None);
    }
    let ok = import_trace(base, None).unwrap();
    assert_eq!(ok.result.tasks[0].id, "a");
    assert_eq!(format!("{:?}", ok.result.tasks[0].status), "Failed");
}

#[test]
fn an_imported_trace_keeps_the_graphs_groups_with_measured_spans_and_overlap() {
    let text = "workers 4\ngroup research workers 2 {\n  a[1..4] : cpu 20ms\n  group inner {\n    b : cpu 5ms after a1\n  }\n}\nreport : cpu 1ms after research\n";
    let g = parse_dag(text).graph.unwrap();
    let run = simulate(&g, &SimOptions::default()).unwrap();
    let trace = to_chrome_trace(&g, &run).to_string();
    let imp = import_trace(&trace, Some(&g)).unwrap();
    let got: Vec<_> = imp
        .result
        .groups
        .iter()
        .map(|x| {
            (
                x.name.as_str(),
                x.parent.as_deref(),
                x.start_ms,
                x.end_ms,
                x.peak,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("research", None, Some(0.0), Some(45.0), Some(2)),
            ("inner", Some("research"), Some(40.0), Some(45.0), None)
        ]
    );
    assert_eq!(run.groups[0].peak, Some(2));
    // Without a graph there is nothing to group by.
    assert!(import_trace(&trace, None).unwrap().result.groups.is_empty());
}
