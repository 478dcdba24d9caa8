//! Hold and wait, deadlock detection (issue 15): the worked examples, the check-time
//! warning, and properties.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::drive_with_virtual_clock;
use fanout::lang::parse_dag;
use fanout::sim::{simulate, SimOptions};
use fanout::trace::{RunResult, Status};
use proptest::prelude::*;

fn attempts(r: &RunResult) -> Vec<(String, usize, f64, f64, Status, Option<String>)> {
    r.tasks
        .iter()
        .flat_map(|t| {
            t.attempts.iter().map(move |a| {
                (
                    t.id.clone(),
                    a.worker,
                    a.start_ms,
                    a.end_ms,
                    a.status,
                    a.reason.clone(),
                )
            })
        })
        .collect()
}

const CYCLE: &str =
    "workers 2\nlimit a 1\nlimit b 1\nt1 : cpu 20ms uses a then b\nt2 : cpu 20ms uses b then a\n";

/// fail-run (the default): at 10 ms both hold one and wait for the other; the run stops.
#[test]
fn worked_example_fail_run_names_the_cycle() {
    let g = parse_dag(CYCLE).graph.unwrap();
    let r = simulate(&g, &SimOptions::default()).unwrap();
    assert_eq!(r.deadlocks.len(), 1);
    let d = &r.deadlocks[0];
    assert_eq!(d.cycle, "t1 holds a, waits for b; t2 holds b, waits for a");
    assert_eq!(d.frozen, ["t1", "t2"]);
    assert_eq!(
        (d.at_ms, d.resolution.as_str(), d.victim.as_deref()),
        (10.0, "fail-run", None)
    );
    assert_eq!(
        attempts(&r),
        [
            ("t1".into(), 0, 0.0, 10.0, Status::Cancelled, None),
            ("t2".into(), 1, 0.0, 10.0, Status::Cancelled, None),
        ]
    );
    assert_eq!(r.makespan_ms, 10.0);
}

/// fail-youngest with a 30 % split: t2 waits for `a` from 6 ms, t1 for `b` at 10 ms: the
/// cycle closes; t2 (the youngest; a tie broken by index) fails, t1 goes on, t2's retry runs after.
#[test]
fn worked_example_fail_youngest_picks_a_victim() {
    let g = parse_dag("workers 2\nlimit a 1\nlimit b 1\non_deadlock fail-youngest\nt1 : cpu 20ms uses a then b\nt2 : cpu 20ms uses b 30% then a retry 1")
        .graph
        .unwrap();
    let r = simulate(&g, &SimOptions::default()).unwrap();
    let victim = Some("deadlock victim".to_string());
    assert_eq!(
        attempts(&r),
        [
            ("t1".into(), 0, 0.0, 20.0, Status::Ok, None),
            ("t2".into(), 1, 0.0, 10.0, Status::Failed, victim),
            ("t2".into(), 0, 20.0, 40.0, Status::Ok, None),
        ]
    );
    assert_eq!(r.deadlocks[0].victim.as_deref(), Some("t2"));
    assert_eq!(r.deadlocks[0].resolution, "fail-youngest");
}

#[test]
fn one_order_never_deadlocks_and_the_split_moves() {
    let g = parse_dag("workers 2\nlimit a 1\nlimit b 1\nt1 : cpu 20ms uses a 25% then b\nt2 : cpu 20ms uses a then b").graph.unwrap();
    let r = simulate(&g, &SimOptions::default()).unwrap();
    assert!(r.deadlocks.is_empty());
    // t1 holds a for all 20 ms (b from 5 ms); t2 waits for a, then runs 20 ms.
    assert_eq!(
        attempts(&r),
        [
            ("t1".into(), 0, 0.0, 20.0, Status::Ok, None),
            ("t2".into(), 0, 20.0, 40.0, Status::Ok, None)
        ]
    );
}

#[test]
fn check_time_warning_and_diagnostics() {
    let p = parse_dag(CYCLE);
    assert!(p.graph.is_some());
    assert_eq!(p.diagnostics.len(), 1);
    let w = &p.diagnostics[0];
    assert_eq!((w.line, w.col), (5, 15));
    assert!(
        w.message.contains("opposite orders can deadlock"),
        "{}",
        w.message
    );
    let p = parse_dag("limit a 1\nt : cpu 1ms uses a 0% then b\nu : cpu 1ms uses a then\nv : cpu 1ms uses a then c timeout 1s\non_deadlock sometimes");
    let at: Vec<_> = p.diagnostics.iter().map(|d| (d.line, d.col)).collect();
    assert!(at.contains(&(2, 20)), "{:?}", p.diagnostics);
    assert!(at.contains(&(5, 13)), "{:?}", p.diagnostics);
    assert!(
        p.diagnostics
            .iter()
            .any(|d| d.message.contains("after `then`")),
        "{:?}",
        p.diagnostics
    );
    assert!(
        p.diagnostics
            .iter()
            .any(|d| d.message.contains("does not combine")),
        "{:?}",
        p.diagnostics
    );
    // `uses a, b` stays atomic: no warning, no deadlock.
    let g = parse_dag(
        "workers 2\nlimit a 1\nlimit b 1\nt1 : cpu 20ms uses a, b\nt2 : cpu 20ms uses b, a",
    )
    .graph
    .unwrap();
    assert!(simulate(&g, &SimOptions::default())
        .unwrap()
        .deadlocks
        .is_empty());
    let t = parse_dag("limit a 1\nlimit b 1\nt : cpu 1ms uses a 30% then b\n")
        .graph
        .unwrap();
    assert_eq!(
        fanout::lang::to_dag(&t),
        "limit a 1\nlimit b 1\n\nt : cpu 1ms uses a 30% then b\n"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Every deadlock reported is a real cycle of holds and waits (each task in it waits for
    /// what the next holds, and the last for what the first holds); no run without `then`
    /// deadlocks; the driver makes the simulation's decisions.
    #[test]
    fn deadlocks_are_real_cycles(seed: u64, n in 2usize..8, workers in 1usize..5, picks in proptest::collection::vec((0usize..3, 0usize..3, 1u32..99, any::<bool>()), 8),
                                 youngest: bool) {
        let res = ["a", "b", "c"];
        let mut text = format!("limit a 1\nlimit b 1\nlimit c 1\non_error continue\non_deadlock {}\n", if youngest { "fail-youngest" } else { "fail-run" });
        for (i, &(x, y, at, then)) in picks.iter().take(n).enumerate() {
            let y = if x == y { (y + 1) % 3 } else { y };
            if then {
                text += &format!("t{i} : io 5ms..15ms retry 1 uses {} {at}% then {}\n", res[x], res[y]);
            } else {
                text += &format!("t{i} : io 5ms..15ms uses {}, {}\n", res[x], res[y]);
            }
        }
        let g = parse_dag(&text).graph.unwrap();
        let opts = SimOptions { seed: Some(seed), workers: Some(workers), ..Default::default() };
        let r = simulate(&g, &opts).unwrap();
        let any_then = g.tasks.iter().any(|t| t.options.then_uses.is_some());
        if !any_then {
            prop_assert!(r.deadlocks.is_empty());
        }
        for d in &r.deadlocks {
            let parts: Vec<(String, String, String)> = d.cycle.split("; ").map(|p| {
                let (t, rest) = p.split_once(" holds ").unwrap();
                let (h, w) = rest.split_once(", waits for ").unwrap();
                (t.to_string(), h.to_string(), w.to_string())
            }).collect();
            prop_assert!(parts.len() >= 2, "{}", d.cycle);
            for (i, p) in parts.iter().enumerate() {
                let next = &parts[(i + 1) % parts.len()];
                prop_assert_eq!(&p.2, &next.1, "{}", d.cycle);
                // It waits for its `then` resource, and holds its first one.
                let t = g.tasks.iter().find(|t| t.id == p.0).unwrap();
                prop_assert_eq!(&t.options.then_uses.as_ref().unwrap().0, &p.2);
                prop_assert!(t.options.uses.contains(&p.1) || t.options.then_uses.as_ref().unwrap().0 == p.1);
            }
        }
        let d = drive_with_virtual_clock(&g, opts.config(&g), 250.0);
        prop_assert_eq!(attempts(&d), attempts(&r));
        prop_assert_eq!(d.deadlocks.len(), r.deadlocks.len());
    }
}
