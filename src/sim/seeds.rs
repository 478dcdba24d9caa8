//! Many simulations of one graph, one per seed: the makespan distribution a variable
//! duration (or a failure probability) gives, with percentiles (`fanout simulate --seeds`,
//! the page's histogram).

use super::{run, SimOptions};
use crate::graph::{Graph, Micros};
use crate::sched::Scheduler;
use serde::{Deserialize, Serialize};

/// The runs of one graph under seeds `first_seed .. first_seed + count`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedSweep {
    /// The first seed; run `i` used seed `first_seed + i`.
    pub first_seed: u64,
    /// Makespan of each run, in ms, in seed order.
    pub makespans_ms: Vec<f64>,
    /// Worker time each run spent in attempts (every attempt, cancelled ones included), ms.
    pub busy_ms: Vec<f64>,
    /// Nearest-rank percentiles of the makespans.
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub mean_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
    /// Mean of `busy_ms`: the work the runs really did.
    pub mean_busy_ms: f64,
    /// Hedge copies started per run, on average (`hedge`).
    pub mean_hedges: f64,
    /// Worker time per run in attempts that lost their hedge, on average: hedging's extra work.
    pub mean_hedge_lost_ms: f64,
}

/// The nearest-rank `p`-th percentile (0 < p ≤ 100) of `sorted` (ascending, non-empty).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let rank = ((p / 100.0) * n as f64).ceil() as usize;
    sorted[rank.clamp(1, n) - 1]
}

/// The most seeds one sweep runs.
pub const MAX_SEEDS: u32 = 10_000;

/// Simulates `graph` `count` times (1..=[`MAX_SEEDS`]), seeds from `opts.seed` (else the
/// graph's `seed`, else 0) upwards.
pub fn sweep(graph: &Graph, opts: &SimOptions, count: u32) -> Result<SeedSweep, String> {
    if count == 0 || count > MAX_SEEDS {
        return Err(format!("the number of seeds must be from 1 to {MAX_SEEDS}"));
    }
    let base = opts.config(graph);
    let first_seed = base.seed;
    let mut makespans_ms = Vec::with_capacity(count as usize);
    let mut busy_ms = Vec::with_capacity(count as usize);
    let (mut hedges, mut lost) = (0u64, 0u64);
    for i in 0..count as u64 {
        let mut cfg = base;
        cfg.seed = first_seed.wrapping_add(i);
        let mut s = Scheduler::new(graph, cfg)?;
        let makespan: Micros = run(&mut s)?;
        let busy: Micros = s.attempts().iter().map(|a| a.end_us - a.start_us).sum();
        hedges += u64::from(s.hedges_started());
        lost += s
            .attempts()
            .iter()
            .filter(|a| s.lost_hedge(a.task as usize, a.attempt))
            .map(|a| a.end_us - a.start_us)
            .sum::<Micros>();
        makespans_ms.push(makespan as f64 / 1000.0);
        busy_ms.push(busy as f64 / 1000.0);
    }
    let mut sorted = makespans_ms.clone();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    Ok(SeedSweep {
        first_seed,
        p50_ms: percentile(&sorted, 50.0),
        p90_ms: percentile(&sorted, 90.0),
        p99_ms: percentile(&sorted, 99.0),
        mean_ms: sorted.iter().sum::<f64>() / n,
        min_ms: sorted[0],
        max_ms: sorted[sorted.len() - 1],
        mean_busy_ms: busy_ms.iter().sum::<f64>() / n,
        mean_hedges: hedges as f64 / n,
        mean_hedge_lost_ms: lost as f64 / 1000.0 / n,
        makespans_ms,
        busy_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parse_dag;

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&[3.0], 99.0), 3.0);
    }

    #[test]
    fn a_fixed_graph_has_one_makespan_and_a_variable_one_a_spread() {
        let g = parse_dag("a : io 10ms\nb : io 5ms after a").graph.unwrap();
        let s = sweep(&g, &SimOptions::default(), 20).unwrap();
        assert!(s.makespans_ms.iter().all(|&m| m == 15.0));
        let g = parse_dag("c[1..20] : io lognormal 10ms 0.8").graph.unwrap();
        let s = sweep(&g, &SimOptions::default(), 50).unwrap();
        assert!(s.p99_ms > s.p50_ms && s.p50_ms > s.min_ms, "{s:?}");
        assert_eq!(s, sweep(&g, &SimOptions::default(), 50).unwrap());
    }
}
