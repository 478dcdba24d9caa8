//! Variable durations (issue 15): parsing, draws, the worked example, the seed sweep, and a
//! native run that executes the drawn durations.
#![cfg(not(target_arch = "wasm32"))]

use fanout::exec::native::run_native;
use fanout::graph::Spread;
use fanout::lang::parse_dag;
use fanout::sched::rng::duration_bits;
use fanout::sched::{SchedConfig, Scheduler};
use fanout::sim::{simulate, sweep, SimOptions};
use fanout::trace::Status;
use proptest::prelude::*;

const TAIL: &str = "workers 2\nseed 42\na : io lognormal 100ms 0.8\nb : io lognormal 100ms 0.8\nc : io lognormal 100ms 0.8\nd : io lognormal 100ms 0.8\n";

/// The worked example of docs/scheduler.md, exact to the µs.
#[test]
fn worked_example_lognormal_on_two_workers() {
    let g = parse_dag(TAIL).graph.unwrap();
    let r = simulate(&g, &SimOptions::default()).unwrap();
    let rows: Vec<_> = r
        .tasks
        .iter()
        .map(|t| (t.id.as_str(), t.worker, t.start_ms, t.end_ms))
        .collect();
    assert_eq!(
        rows,
        [
            ("a", 0, 0.0, 236.008),
            ("b", 1, 0.0, 186.987),
            ("c", 1, 186.987, 286.343),
            ("d", 0, 236.008, 572.788)
        ]
    );
    assert_eq!(r.makespan_ms, 572.788);
    assert_eq!(r.work_ms, 4.0 * 137.713, "expected work");
}

#[test]
fn each_attempt_draws_its_own_duration_and_retries_redraw() {
    let g = parse_dag("seed 1\nt : io 10ms..20ms retry 3 fail attempts 3")
        .graph
        .unwrap();
    let r = simulate(&g, &SimOptions::default()).unwrap();
    let lens: Vec<f64> = r.tasks[0]
        .attempts
        .iter()
        .map(|a| a.end_ms - a.start_ms)
        .collect();
    assert_eq!(lens.len(), 4);
    assert!(lens.iter().all(|&l| (10.0..=20.0).contains(&l)), "{lens:?}");
    let distinct: std::collections::BTreeSet<u64> =
        lens.iter().map(|l| (l * 1000.0) as u64).collect();
    assert!(distinct.len() > 1, "retries draw again: {lens:?}");
}

#[test]
fn diagnostics_point_at_the_word() {
    let p = parse_dag("a : io lognormal 100ms\nb : cpu 2s..1s\nc : io 5ms ~ lots");
    let at: Vec<_> = p.diagnostics.iter().map(|d| (d.line, d.col)).collect();
    assert_eq!(at, [(1, 18), (2, 9), (3, 14)], "{:?}", p.diagnostics);
    assert!(p.diagnostics[0].message.contains("sigma"));
}

#[test]
fn dag_and_json_round_trip_a_spread() {
    let text = "a : io 100ms..2s\nb : cpu 10ms ~ 30%\nc : io lognormal 100ms 0.8\n";
    let g = parse_dag(text).graph.unwrap();
    assert_eq!(fanout::lang::to_dag(&g), text);
    let json = fanout::lang::to_json(&g);
    let back = fanout::lang::parse(&json, fanout::lang::Format::Json)
        .graph
        .unwrap();
    let strip = |g: &fanout::graph::Graph| {
        g.tasks
            .iter()
            .map(|t| (t.work.clone(), t.options.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&back), strip(&g));
}

#[test]
fn sweep_gives_percentiles_over_seeds() {
    let g = parse_dag(
        "workers 64\ncall[1..50] : io lognormal 100ms 0.8\nmerge : cpu 1ms after call[*]",
    )
    .graph
    .unwrap();
    let s = sweep(&g, &SimOptions::default(), 100).unwrap();
    assert_eq!(s.makespans_ms.len(), 100);
    assert!(s.min_ms < s.p50_ms && s.p50_ms < s.p99_ms && s.p99_ms <= s.max_ms);
    // The slowest of 50 lognormal(100ms, 0.8) is about 100·e^(0.8·2.2) ≈ 580 ms at the median.
    assert!(s.p50_ms > 300.0 && s.p50_ms < 1000.0, "{}", s.p50_ms);
}

/// A real native run sleeps the drawn durations, not the mean.
#[test]
fn native_run_executes_the_drawn_durations() {
    let g = parse_dag("workers 4\nseed 42\na : io lognormal 20ms 0.8\nb : io lognormal 20ms 0.8\nc : io lognormal 20ms 0.8\nd : io lognormal 20ms 0.8")
        .graph
        .unwrap();
    let sim = simulate(&g, &SimOptions::default()).unwrap();
    let real = run_native(g, 4).unwrap();
    for (s, r) in sim.tasks.iter().zip(&real.tasks) {
        assert_eq!(r.status, Status::Ok);
        let (want, got) = (s.end_ms - s.start_ms, r.end_ms - r.start_ms);
        assert!(got >= want * 0.95, "{}: ran {got} ms, drew {want} ms", s.id);
    }
    // The longest draw is the longest run (draws 47.2, 37.4, 19.9, 67.4 ms: far apart).
    let longest = |r: &fanout::trace::RunResult| {
        r.tasks
            .iter()
            .max_by(|a, b| (a.end_ms - a.start_ms).total_cmp(&(b.end_ms - b.start_ms)))
            .unwrap()
            .id
            .clone()
    };
    assert_eq!(longest(&real), longest(&sim));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Draws are pure functions of (seed, task, attempt), inside their distribution's range.
    #[test]
    fn draws_are_pure_and_in_range(seed: u64, task in 0usize..10_000, attempt in 0u32..8,
                                   lo in 0u64..1_000_000, extra in 0u64..1_000_000, sigma in 0.0f64..4.0) {
        let u = Spread::Uniform { lo_us: lo, hi_us: lo + extra };
        let d = u.draw(duration_bits(seed, task, attempt));
        prop_assert_eq!(d, u.draw(duration_bits(seed, task, attempt)));
        prop_assert!(d >= lo && d <= lo + extra);
        let l = Spread::Lognormal { median_us: lo, sigma };
        let x = l.draw(duration_bits(seed, task, attempt));
        prop_assert_eq!(x, l.draw(duration_bits(seed, task, attempt)));
        prop_assert!(x <= fanout::graph::MAX_DRAW_US);
        let n = Spread::Normal { mean_us: lo, rel_sd: sigma };
        prop_assert_eq!(n.draw(duration_bits(seed, task, attempt)), n.draw(duration_bits(seed, task, attempt)));
    }

    /// The simulation of a graph with variable durations is a function of its seed, and
    /// every attempt lasts what its plan drew.
    #[test]
    fn same_seed_same_run(seed: u64, n in 1usize..20, workers in 1usize..6) {
        let text = format!("call[1..{n}] : io lognormal 10ms 0.8 retry 1 fail 20%\nend : cpu 10us..2ms after call[*]");
        let g = parse_dag(&text).graph.unwrap();
        let opts = SimOptions { seed: Some(seed), workers: Some(workers), on_error: Some(fanout::graph::OnError::Continue), ..Default::default() };
        let a = simulate(&g, &opts).unwrap();
        prop_assert_eq!(&a, &simulate(&g, &opts).unwrap());
        let s = Scheduler::new(&g, SchedConfig { seed, ..SchedConfig::with_workers(workers) }).unwrap();
        for (i, t) in a.tasks.iter().enumerate() {
            for (k, at) in t.attempts.iter().enumerate() {
                let plan = s.plan(i, k as u32 + 1);
                prop_assert_eq!(((at.end_ms - at.start_ms) * 1000.0).round() as u64, plan.duration_us);
            }
        }
    }
}
