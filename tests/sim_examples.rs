//! Worked examples with exact expected timelines.

use fanout::graph::{OnError, Policy, Reduce};
use fanout::sim::testkit::GraphBuilder;
use fanout::sim::{simulate, SimOptions};
use fanout::trace::{RunResult, Status, Value};

const S: u64 = 1_000_000;
const MS: u64 = 1_000;

fn sim(g: &fanout::graph::Graph, workers: usize, policy: Policy) -> RunResult {
    simulate(
        g,
        &SimOptions {
            workers: Some(workers),
            policy: Some(policy),
            ..Default::default()
        },
    )
    .unwrap()
}

/// (id, worker, start_ms, end_ms, status) of every attempt, in task then attempt order.
fn timeline(r: &RunResult) -> Vec<(String, usize, f64, f64, Status)> {
    r.tasks
        .iter()
        .flat_map(|t| {
            t.attempts
                .iter()
                .map(move |a| (t.id.clone(), a.worker, a.start_ms, a.end_ms, a.status))
        })
        .collect()
}

fn tl(rows: &[(&str, usize, f64, f64, Status)]) -> Vec<(String, usize, f64, f64, Status)> {
    rows.iter()
        .map(|&(i, w, s, e, st)| (i.to_string(), w, s, e, st))
        .collect()
}

#[test]
fn three_independent_tasks() {
    let g = GraphBuilder::new()
        .cpu("a", 2 * S)
        .cpu("b", 2 * S)
        .cpu("c", 2 * S)
        .build();
    let r3 = sim(&g, 3, Policy::CriticalPath);
    assert_eq!(r3.makespan_ms, 2000.0);
    assert_eq!(
        timeline(&r3),
        tl(&[
            ("a", 0, 0.0, 2000.0, Status::Ok),
            ("b", 1, 0.0, 2000.0, Status::Ok),
            ("c", 2, 0.0, 2000.0, Status::Ok)
        ])
    );
    let r1 = sim(&g, 1, Policy::CriticalPath);
    assert_eq!(r1.makespan_ms, 6000.0);
    assert_eq!(
        timeline(&r1),
        tl(&[
            ("a", 0, 0.0, 2000.0, Status::Ok),
            ("b", 0, 2000.0, 4000.0, Status::Ok),
            ("c", 0, 4000.0, 6000.0, Status::Ok)
        ])
    );
    assert_eq!(r1.mode, "simulated");
    assert_eq!(
        (r1.work_ms, r1.span_ms, r1.lower_bound_ms),
        (6000.0, 2000.0, 6000.0)
    );
    assert_eq!(r3.lower_bound_ms, 2000.0);
    let m = r3.metrics.unwrap();
    assert_eq!((m.speedup, m.efficiency), (3.0, 1.0));
}

/// a (10 ms) beside b (1 ms) → c (10 ms): eager policies start c at 1 ms; `waves` waits
/// for a, the slowest of the first wave, and loses 9 ms.
#[test]
fn waves_lose_time_against_eager_policies() {
    let g = GraphBuilder::new()
        .cpu("a", 10 * MS)
        .cpu("b", MS)
        .cpu("c", 10 * MS)
        .after(&["b"])
        .build();
    for p in [
        Policy::CriticalPath,
        Policy::Fifo,
        Policy::Priority,
        Policy::Random,
    ] {
        assert_eq!(sim(&g, 2, p).makespan_ms, 11.0, "{p:?}");
    }
    let w = sim(&g, 2, Policy::Waves);
    assert_eq!(
        timeline(&w),
        tl(&[
            ("a", 1, 0.0, 10.0, Status::Ok),
            ("b", 0, 0.0, 1.0, Status::Ok),
            ("c", 0, 10.0, 20.0, Status::Ok)
        ])
    );
    assert_eq!(w.tasks[2].ready_ms, Some(1.0), "ready when b ended");
    assert_eq!(
        w.tasks[2].unblocked_ms,
        Some(10.0),
        "released by the second wave"
    );
    assert_eq!(w.metrics.unwrap().wave_wait_ms, 9.0);
}

/// Two short tasks declared before a long one, two workers: fifo starts them in
/// declaration order and finishes at 6; critical path starts the long one first: 5.
#[test]
fn fifo_versus_critical_path() {
    let g = GraphBuilder::new()
        .cpu("x1", MS)
        .cpu("x2", MS)
        .cpu("long", 5 * MS)
        .build();
    let f = sim(&g, 2, Policy::Fifo);
    assert_eq!(
        timeline(&f),
        tl(&[
            ("x1", 0, 0.0, 1.0, Status::Ok),
            ("x2", 1, 0.0, 1.0, Status::Ok),
            ("long", 0, 1.0, 6.0, Status::Ok)
        ])
    );
    let c = sim(&g, 2, Policy::CriticalPath);
    assert_eq!(
        timeline(&c),
        tl(&[
            ("x1", 1, 0.0, 1.0, Status::Ok),
            ("x2", 1, 1.0, 2.0, Status::Ok),
            ("long", 0, 0.0, 5.0, Status::Ok)
        ])
    );
}

#[test]
fn priority_orders_by_priority_then_critical_path() {
    let g = GraphBuilder::new()
        .cpu("low", 5 * MS)
        .priority(0)
        .cpu("high", MS)
        .priority(9)
        .cpu("mid", MS)
        .priority(5)
        .build();
    let r = sim(&g, 1, Policy::Priority);
    let starts: Vec<f64> = r.tasks.iter().map(|t| t.start_ms).collect();
    assert_eq!(starts, vec![2.0, 0.0, 1.0]);
}

#[test]
fn random_policy_is_seeded() {
    let mut b = GraphBuilder::new();
    for i in 0..12 {
        b = b.cpu(&format!("t{i}"), MS);
    }
    let g = b.build();
    let run = |seed| {
        let r = simulate(
            &g,
            &SimOptions {
                workers: Some(1),
                policy: Some(Policy::Random),
                seed: Some(seed),
                ..Default::default()
            },
        )
        .unwrap();
        r.tasks.iter().map(|t| t.start_ms).collect::<Vec<_>>()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
    assert_ne!(run(1), (0..12).map(|i| i as f64).collect::<Vec<_>>());
}

/// Four 1 s API calls on 4 workers with `limit api 2`: two rounds, 2 s; the second pair is
/// blocked for 1 s each.
#[test]
fn limit_holds_a_fan_out() {
    let mut b = GraphBuilder::new().limit("api", 2);
    for i in 0..4 {
        b = b.io(&format!("call{i}"), S).uses("api");
    }
    let r = sim(&b.build(), 4, Policy::CriticalPath);
    assert_eq!(r.makespan_ms, 2000.0);
    let starts: Vec<f64> = r.tasks.iter().map(|t| t.start_ms).collect();
    assert_eq!(starts, vec![0.0, 0.0, 1000.0, 1000.0]);
    assert_eq!(r.tasks[3].ready_ms, Some(0.0));
    assert_eq!(r.tasks[3].unblocked_ms, Some(1000.0));
    assert_eq!(r.metrics.unwrap().blocked_ms, 2000.0);
}

/// `rate api 1/s`: a bucket of one token, one more per second.
#[test]
fn rate_spaces_starts() {
    let g = GraphBuilder::new()
        .rate("api", 1.0)
        .io("a", 100 * MS)
        .uses("api")
        .io("b", 100 * MS)
        .uses("api")
        .io("c", 100 * MS)
        .uses("api")
        .build();
    let r = sim(&g, 3, Policy::CriticalPath);
    let starts: Vec<f64> = r.tasks.iter().map(|t| t.start_ms).collect();
    assert_eq!(starts, vec![0.0, 1000.0, 2000.0]);
    assert_eq!(r.makespan_ms, 2100.0);
}

/// `fail attempts 2`, `retry 2 backoff 100ms`: fails at 1 s, retries at 1.1 s, fails at
/// 2.1 s, retries at 2.3 s (backoff doubled), succeeds at 3.3 s. One bar per attempt.
#[test]
fn retries_with_exponential_backoff() {
    let g = GraphBuilder::new()
        .cpu("call", S)
        .fail_attempts(2)
        .retry(2, Some(100 * MS))
        .cpu("next", S)
        .after(&["call"])
        .build();
    let r = sim(&g, 1, Policy::CriticalPath);
    assert_eq!(
        timeline(&r),
        tl(&[
            ("call", 0, 0.0, 1000.0, Status::Failed),
            ("call", 0, 1100.0, 2100.0, Status::Failed),
            ("call", 0, 2300.0, 3300.0, Status::Ok),
            ("next", 0, 3300.0, 4300.0, Status::Ok),
        ])
    );
    assert_eq!(r.tasks[0].status, Status::Ok);
    let m = r.metrics.unwrap();
    assert_eq!((m.failed_ms, m.retries, m.attempts), (2000.0, 2, 4));
}

/// A 5 s task with `timeout 1s` and one retry times out twice; fail-fast then cancels the
/// 10 s task running beside it and its dependent.
#[test]
fn timeout_then_fail_fast() {
    let g = GraphBuilder::new()
        .cpu("slow", 5 * S)
        .timeout(S)
        .retry(1, None)
        .cpu("other", 10 * S)
        .cpu("after", S)
        .after(&["slow"])
        .build();
    let r = sim(&g, 2, Policy::Fifo);
    assert_eq!(
        timeline(&r),
        tl(&[
            ("slow", 0, 0.0, 1000.0, Status::Timeout),
            ("slow", 0, 1000.0, 2000.0, Status::Timeout),
            ("other", 1, 0.0, 2000.0, Status::Cancelled),
        ])
    );
    let st: Vec<Status> = r.tasks.iter().map(|t| t.status).collect();
    assert_eq!(
        st,
        vec![Status::Timeout, Status::Cancelled, Status::Cancelled]
    );
    assert_eq!(r.makespan_ms, 2000.0);
    assert_eq!(r.metrics.unwrap().cancelled_ms, 2000.0);
}

#[test]
fn skip_dependents_runs_the_rest() {
    let g = GraphBuilder::new()
        .on_error(OnError::SkipDependents)
        .cpu("bad", MS)
        .fail_attempts(1)
        .cpu("b", MS)
        .after(&["bad"])
        .cpu("c", MS)
        .after(&["b"])
        .cpu("good", 3 * MS)
        .cpu("d", MS)
        .after(&["good"])
        .build();
    let r = sim(&g, 2, Policy::CriticalPath);
    let st: Vec<Status> = r.tasks.iter().map(|t| t.status).collect();
    assert_eq!(
        st,
        vec![
            Status::Failed,
            Status::Skipped,
            Status::Skipped,
            Status::Ok,
            Status::Ok
        ]
    );
    assert!(r.tasks[1].attempts.is_empty());
    assert_eq!(r.makespan_ms, 4.0);
    assert_eq!(r.result.get("c"), Some(&None));
    assert_eq!(r.result.get("d"), Some(&Some(Value::Int(5))));
}

#[test]
fn continue_runs_dependents_with_missing_input() {
    let g = GraphBuilder::new()
        .on_error(OnError::Continue)
        .cpu("a", MS)
        .fail_attempts(1)
        .cpu("b", MS)
        .cpu("total", MS)
        .after(&["a", "b"])
        .reduce(Reduce::Sum)
        .build();
    let r = sim(&g, 2, Policy::CriticalPath);
    assert_eq!(r.tasks[2].status, Status::Ok);
    assert_eq!(
        r.tasks[2].value,
        Some(Value::Int(2)),
        "only b's value (2) arrives"
    );
    assert_eq!(r.result.get("total"), Some(&Some(Value::Int(2))));
}

/// Chunks produce their declaration positions 1..4; `first` takes the chunk that ended first.
#[test]
fn reductions_aggregate_dependency_values() {
    let reduces = [
        (Reduce::Sum, Value::Int(10)),
        (Reduce::Count, Value::Int(4)),
        (Reduce::Min, Value::Int(1)),
        (Reduce::Max, Value::Int(4)),
        (
            Reduce::Concat,
            Value::List((1..=4).map(Value::Int).collect()),
        ),
        (Reduce::First, Value::Int(3)),
    ];
    for (how, want) in reduces {
        let g = GraphBuilder::new()
            .cpu("c1", 4 * MS)
            .cpu("c2", 3 * MS)
            .cpu("c3", MS)
            .cpu("c4", 2 * MS)
            .cpu("all", MS)
            .after(&["c1", "c2", "c3", "c4"])
            .reduce(how)
            .build();
        let r = sim(&g, 4, Policy::CriticalPath);
        assert_eq!(r.result.get("all"), Some(&Some(want.clone())), "{how:?}");
    }
    // vote: three voters; two of them forward c1's value.
    let g = GraphBuilder::new()
        .cpu("c1", MS)
        .cpu("c2", MS)
        .cpu("v1", MS)
        .after(&["c1"])
        .reduce(Reduce::First)
        .cpu("v2", MS)
        .after(&["c1"])
        .reduce(Reduce::Max)
        .cpu("v3", MS)
        .after(&["c2"])
        .reduce(Reduce::Max)
        .cpu("vote", MS)
        .after(&["v3", "v1", "v2"])
        .reduce(Reduce::Vote)
        .build();
    let r = sim(&g, 2, Policy::CriticalPath);
    assert_eq!(r.result.get("vote"), Some(&Some(Value::Int(1))));
}

#[test]
fn same_seed_same_failures() {
    let mut b = GraphBuilder::new().on_error(OnError::Continue);
    for i in 0..30 {
        b = b.cpu(&format!("t{i}"), MS).fail(0.3).retry(1, Some(MS));
    }
    let g = b.build();
    let run = |seed| {
        simulate(
            &g,
            &SimOptions {
                workers: Some(4),
                seed: Some(seed),
                ..Default::default()
            },
        )
        .unwrap()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(timeline(&run(7)), timeline(&run(8)));
    let failed = run(7)
        .tasks
        .iter()
        .flat_map(|t| &t.attempts)
        .filter(|a| a.status == Status::Failed)
        .count();
    assert!(failed > 0);
}

#[test]
fn json_shape() {
    let g = GraphBuilder::new()
        .cpu("a", MS)
        .cpu("b", 2 * MS)
        .after(&["a"])
        .build();
    let r = sim(&g, 2, Policy::CriticalPath);
    let j = serde_json::to_value(&r).unwrap();
    for k in [
        "mode",
        "workers",
        "makespan_ms",
        "sequential_ms",
        "lower_bound_ms",
        "work_ms",
        "span_ms",
        "result",
        "tasks",
        "metrics",
        "policy",
        "seed",
    ] {
        assert!(j.get(k).is_some(), "missing {k}");
    }
    assert_eq!(j["mode"], "simulated");
    assert_eq!(j["result"]["b"], 2);
    let t = &j["tasks"][1];
    for k in [
        "id",
        "worker",
        "start_ms",
        "end_ms",
        "status",
        "attempts",
        "ready_ms",
        "unblocked_ms",
        "value",
    ] {
        assert!(t.get(k).is_some(), "missing task.{k}");
    }
    assert_eq!(t["attempts"][0]["status"], "ok");
    assert_eq!(t["attempts"][0]["start_ms"], 1.0);
    let back: RunResult = serde_json::from_value(j).unwrap();
    assert_eq!(back, r);
    // The walking-skeleton shape still deserializes.
    let old = r#"{"mode":"workers","workers":2,"makespan_ms":1.0,"sequential_ms":1.0,
        "tasks":[{"id":"a","worker":0,"start_ms":0.0,"end_ms":1.0,"status":"ok"}]}"#;
    assert!(serde_json::from_str::<RunResult>(old).is_ok());
}

#[test]
fn chrome_trace_has_threads_attempts_and_flows() {
    let g = GraphBuilder::new()
        .cpu("a", MS)
        .fail_attempts(1)
        .retry(1, None)
        .cpu("b", MS)
        .cpu("c", MS)
        .after(&["a", "b"])
        .build();
    let r = sim(&g, 2, Policy::CriticalPath);
    let t = fanout::trace::chrome::to_chrome_trace(&g, &r);
    let ev = t["traceEvents"].as_array().unwrap();
    let count = |ph: &str| ev.iter().filter(|e| e["ph"] == ph).count();
    assert_eq!(count("X"), 4, "one complete event per attempt");
    assert_eq!(count("s"), 2);
    assert_eq!(count("f"), 2);
    assert!(ev
        .iter()
        .any(|e| e["name"] == "thread_name" && e["args"]["name"] == "worker 1"));
    assert!(ev
        .iter()
        .any(|e| e["name"] == "a #1" && e["cat"] == "failed"));
}

#[test]
fn gantt_has_a_row_per_worker() {
    let g = GraphBuilder::new()
        .cpu("a", 2 * MS)
        .cpu("b", MS)
        .cpu("c", MS)
        .after(&["b"])
        .build();
    let r = sim(&g, 2, Policy::CriticalPath);
    let text = fanout::trace::gantt::render(&r, 20);
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with('w')).collect();
    assert_eq!(
        rows,
        vec!["w0   |aaaaaaaaaaaaaaaaaaaa|", "w1   |bbbbbbbbbbcccccccccc|"]
    );
}

/// A big fan-out behind a limit stays fast (the gate looks at group heads only).
#[test]
fn large_fan_out_behind_a_limit() {
    let mut b = GraphBuilder::new().limit("api", 2).cpu("start", MS);
    for i in 0..20_000 {
        b = b.io(&format!("call{i}"), MS).after(&["start"]).uses("api");
    }
    let g = b.build();
    let t = std::time::Instant::now();
    let r = sim(&g, 8, Policy::CriticalPath);
    assert_eq!(r.makespan_ms, 1.0 + 10_000.0);
    let m = r.metrics.unwrap();
    assert!(m.blocked_ms > 0.0);
    assert!(
        t.elapsed().as_secs_f64() < 20.0,
        "too slow: {:?}",
        t.elapsed()
    );
}

#[test]
fn edge_cases() {
    // Empty graph.
    let r = sim(&GraphBuilder::new().build(), 2, Policy::CriticalPath);
    assert_eq!((r.makespan_ms, r.tasks.len()), (0.0, 0));
    // Zero-length tasks, zero timeout, a huge retry count with a large backoff.
    let g = GraphBuilder::new()
        .cpu("z", 0)
        .cpu("t", 5)
        .timeout(0)
        .retry(3, Some(u64::MAX / 4))
        .on_error(OnError::Continue)
        .cpu("end", 0)
        .after(&["z", "t"])
        .build();
    let r = sim(&g, 1, Policy::Fifo);
    assert_eq!(r.tasks[1].status, Status::Timeout);
    assert_eq!(r.tasks[1].attempts.len(), 4);
    assert_eq!(r.tasks[2].status, Status::Ok);
    // A very slow rate still lets tasks through, one by one.
    let g = GraphBuilder::new()
        .rate("slow", 0.001)
        .cpu("a", 1)
        .uses("slow")
        .cpu("b", 1)
        .uses("slow")
        .build();
    let r = sim(&g, 2, Policy::CriticalPath);
    assert_eq!(r.tasks[1].start_ms, 1_000_000.0);
    // Zero workers and cycles are refused.
    assert!(simulate(
        &g,
        &SimOptions {
            workers: Some(0),
            ..Default::default()
        }
    )
    .is_err());
    let mut c = GraphBuilder::new()
        .cpu("a", 1)
        .cpu("b", 1)
        .after(&["a"])
        .build();
    c.tasks[0].deps.push(1);
    assert!(simulate(&c, &SimOptions::default())
        .unwrap_err()
        .contains("cycle"));
}

/// A dispatch cost delays every attempt sent to a worker by it: four 10 ms tasks on two
/// workers with 1 ms dispatch start at 1 and 12 on each lane, and the result says what it
/// charged. The exact simulation (no cost) is unchanged and says nothing.
#[test]
fn a_dispatch_cost_delays_each_attempt_sent_to_a_worker() {
    let g = fanout::lang::parse_dag("t[1..4] : cpu 10ms\nj : cpu 2ms after t[*]")
        .graph
        .unwrap();
    let with = |dispatch_us| {
        simulate(
            &g,
            &SimOptions {
                workers: Some(2),
                dispatch_us,
                ..Default::default()
            },
        )
        .unwrap()
    };
    let exact = with(None);
    assert_eq!(exact.makespan_ms, 22.0);
    assert_eq!(exact.dispatch_ms, None);
    assert_eq!(
        with(Some(0)).dispatch_ms,
        None,
        "a zero cost is the exact simulation"
    );
    let r = with(Some(MS));
    assert_eq!(r.dispatch_ms, Some(1.0));
    use Status::Ok;
    assert_eq!(
        timeline(&r),
        tl(&[
            ("t1", 0, 1.0, 11.0, Ok),
            ("t2", 1, 1.0, 11.0, Ok),
            ("t3", 0, 12.0, 22.0, Ok),
            ("t4", 1, 12.0, 22.0, Ok),
            ("j", 0, 23.0, 25.0, Ok),
        ])
    );
    assert_eq!(r.makespan_ms, 25.0);
    // The lower bound and the work stay the graph's: the cost is the executor's, not work.
    assert_eq!(
        (r.work_ms, r.lower_bound_ms),
        (exact.work_ms, exact.lower_bound_ms)
    );
}

/// A batch is one dispatch: its members pay the cost once, back to back after the first.
#[test]
fn a_batch_pays_the_dispatch_cost_once() {
    let g = fanout::lang::parse_dag("t[1..3] : cpu 10ms batch 3")
        .graph
        .unwrap();
    let r = simulate(
        &g,
        &SimOptions {
            workers: Some(1),
            dispatch_us: Some(MS),
            ..Default::default()
        },
    )
    .unwrap();
    use Status::Ok;
    assert_eq!(
        timeline(&r),
        tl(&[
            ("t1", 0, 1.0, 11.0, Ok),
            ("t2", 0, 11.0, 21.0, Ok),
            ("t3", 0, 21.0, 31.0, Ok),
        ])
    );
}
