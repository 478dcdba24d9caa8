//! `fanout simulate FILE`: simulates a run. Prints a summary and a text Gantt chart, or with
//! `--json` the RunResult JSON; `--trace` also writes a Chrome trace (Perfetto,
//! chrome://tracing), `--svg` the timeline as a standalone SVG picture (docs pages' static
//! fallback for an embed).

use super::input::{load_graph, FormatOpt};
use super::{error, FAILED, OK, USAGE};
use fanout::graph::{OnError, Policy};
use fanout::lang::limits::MAX_WORKERS;
use fanout::sim::{simulate, SimOptions};
use fanout::trace::{chrome::to_chrome_trace, gantt, RunResult};
use std::io::Write;

/// What a failed task does to the rest of the run.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum OnErrorArg {
    /// Cancel everything pending or running
    FailFast,
    /// Skip the failed task's dependents, run the rest
    SkipDependents,
    /// Run dependents with that input marked missing
    Continue,
}

fn policy_parser() -> impl clap::builder::TypedValueParser<Value = Policy> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Policy::ALL.map(Policy::name))
        .map(|s| Policy::from_name(&s).unwrap_or_default())
}

/// Simulate a run of a graph (no real work is done)
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Simulate a run of a graph with the scheduler the browser uses, on a virtual \
clock: every task takes exactly its duration, failures and the `random` policy draw from the \
seed. Prints a summary and a text Gantt chart (one lane per worker), or the RunResult as JSON. \
Options given here override the file's declarations.",
    after_help = "Examples:\n  fanout simulate pipeline.dag --workers 4\n  fanout simulate \
rand0000.stg --policy fifo --json\n  fanout simulate pipeline.dag --trace trace.json   (open in \
https://ui.perfetto.dev)\n  fanout simulate pipeline.dag --svg timeline.svg   (a static picture for a docs page)\n\nExit status: 0 ok, 1 the graph has errors or cannot be scheduled, \
2 usage or I/O error."
)]
pub struct Args {
    /// The graph file (`-` reads standard input)
    #[arg(value_name = "FILE")]
    file: String,
    #[command(flatten)]
    format: FormatOpt,
    /// Number of workers [default: the file's `workers`, else 4]
    #[arg(long, short = 'w', value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=MAX_WORKERS as i64))]
    workers: Option<u32>,
    /// Scheduling policy [default: the file's `policy`, else critical-path]
    #[arg(long, short = 'p', value_name = "POLICY", value_parser = policy_parser())]
    policy: Option<Policy>,
    /// Seed of the random draws (failures, the random policy)
    #[arg(long, short = 's', value_name = "SEED")]
    seed: Option<u64>,
    /// What a task that failed for good does to the rest
    #[arg(long, value_enum, value_name = "MODE")]
    on_error: Option<OnErrorArg>,
    /// Print the RunResult as JSON instead of the summary and chart
    #[arg(long)]
    json: bool,
    /// Also write a Chrome trace (JSON) of the run to this file
    #[arg(long, value_name = "OUT")]
    trace: Option<String>,
    /// Also write the simulated timeline as an SVG picture (one lane per worker) to this file
    #[arg(long, value_name = "OUT")]
    svg: Option<String>,
    /// Simulate K times, seeds from --seed (else the file's, else 0) upwards, and print the
    /// makespan percentiles (with --json: the SeedSweep JSON) instead of one run
    #[arg(long, value_name = "K",
          value_parser = clap::value_parser!(u32).range(1..=fanout::sim::seeds::MAX_SEEDS as i64))]
    seeds: Option<u32>,
    /// Charge each attempt sent to a worker this dispatch cost (like `0.4ms`): a real
    /// pool's message round trip, which an exact simulation leaves out (the result's
    /// `dispatch_ms` says it was charged)
    #[arg(long, value_name = "DURATION", value_parser = dispatch_parser)]
    dispatch: Option<u64>,
}

/// `--dispatch`: a duration as the language writes one, at most `MAX_DISPATCH_US`.
fn dispatch_parser(s: &str) -> Result<u64, String> {
    let us = fanout::lang::parse_duration(s)?;
    if us > fanout::sim::MAX_DISPATCH_US {
        return Err("a dispatch cost is at most 10s".into());
    }
    Ok(us)
}

/// `--seeds K`: the makespan distribution over K seeds.
fn run_seeds(
    name: &str,
    graph: &fanout::graph::Graph,
    opts: &SimOptions,
    k: u32,
    json: bool,
) -> u8 {
    let s = match fanout::sim::sweep(graph, opts, k) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{name}: error: {e}");
            return FAILED;
        }
    };
    let text = if json {
        serde_json::to_string_pretty(&s).unwrap_or_default() + "\n"
    } else {
        format!(
            "{k} runs, seeds {}..{}\nmakespan p50 {:.3} ms   p90 {:.3} ms   p99 {:.3} ms   mean {:.3} ms   min {:.3} ms   max {:.3} ms\nwork done (mean over runs) {:.3} ms   hedges {:.2}   lost to hedges {:.3} ms\n",
            s.first_seed,
            s.first_seed.wrapping_add(u64::from(k) - 1),
            s.p50_ms, s.p90_ms, s.p99_ms, s.mean_ms, s.min_ms, s.max_ms, s.mean_busy_ms, s.mean_hedges, s.mean_hedge_lost_ms
        )
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => OK,
        Err(e) => {
            error(format!("cannot write the result: {e}"));
            USAGE
        }
    }
}

fn summary(r: &RunResult) -> String {
    let m = r.metrics.as_ref();
    let mut s = format!(
        "{} workers, policy {}, seed {}\nmakespan {:.3} ms   work T1 {:.3} ms   span T∞ {:.3} ms   lower bound {:.3} ms\n",
        r.workers, r.policy, r.seed, r.makespan_ms, r.work_ms, r.span_ms, r.lower_bound_ms
    );
    if let Some(m) = m {
        s += &format!(
            "speedup {:.2}x   efficiency {:.0}%   blocked {:.3} ms   lost to failures {:.3} ms   retries {}\n",
            m.speedup,
            m.efficiency * 100.0,
            m.blocked_ms,
            m.failed_ms,
            m.retries
        );
        s += &format!(
            "tasks: {} ok, {} failed, {} skipped, {} cancelled\n",
            m.tasks_ok, m.tasks_failed, m.tasks_skipped, m.tasks_cancelled
        );
        let util: Vec<String> = m
            .workers
            .iter()
            .map(|w| format!("w{} {:.0}%", w.worker, w.utilization * 100.0))
            .collect();
        s += &format!("utilization: {}\n", util.join("  "));
    }
    if let Some(p) = &r.pool {
        s += &format!(
            "pool: {}..{} workers, peak {}, {:.3} worker-seconds against {:.3} for a fixed pool of {}\n",
            p.min, p.max, p.peak, p.worker_seconds, p.fixed_worker_seconds, p.max
        );
    }
    // Groups: each one's span and, with a cap, the most members that ran at once.
    for g in &r.groups {
        let span = match (g.start_ms, g.end_ms) {
            (Some(a), Some(b)) => format!("{a:.3}..{b:.3} ms"),
            _ => "never ran".to_string(),
        };
        let cap = match (g.workers, g.peak) {
            (Some(w), Some(p)) => format!(", at most {p} of {w} at once"),
            _ => String::new(),
        };
        let parent = g
            .parent
            .as_ref()
            .map_or(String::new(), |p| format!(" (in {p})"));
        s += &format!("group {}{parent}: {span}{cap}\n", g.name);
    }
    if let Some(b) = &r.batches {
        let members: usize = b.iter().map(|x| x.members.len()).sum();
        s += &format!(
            "batches: {} dispatches carried {} tasks ({:.1} per batch)\n",
            b.len(),
            members,
            members as f64 / b.len().max(1) as f64
        );
    }
    if let Some(st) = &r.steals {
        let n = r.tasks.len().max(1) as f64;
        s += &format!(
            "steals: {} ({:.2} per task), {} failed steal draws, steal cost {:.3} ms\n",
            st.steals,
            st.steals as f64 / n,
            st.failed_steals,
            st.steal_cost_ms
        );
    }
    let result: Vec<String> = r
        .result
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.as_ref()
                    .map_or("null".to_string(), |v| serde_json::to_string(v)
                        .unwrap_or_default())
            )
        })
        .collect();
    s += &format!("result: {}\n", result.join(" "));
    s
}

pub fn run(a: Args) -> u8 {
    let (name, graph) = match load_graph(&a.file, a.format) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let opts = SimOptions {
        workers: a.workers.map(|w| w as usize),
        policy: a.policy,
        seed: a.seed,
        on_error: a.on_error.map(|m| match m {
            OnErrorArg::FailFast => OnError::FailFast,
            OnErrorArg::SkipDependents => OnError::SkipDependents,
            OnErrorArg::Continue => OnError::Continue,
        }),
        dispatch_us: a.dispatch,
    };
    if let Some(k) = a.seeds {
        return run_seeds(&name, &graph, &opts, k, a.json);
    }
    let r = match simulate(&graph, &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{name}: error: {e}");
            return FAILED;
        }
    };
    if let Some(path) = &a.trace {
        let t = to_chrome_trace(&graph, &r);
        if let Err(e) = std::fs::write(path, serde_json::to_string(&t).unwrap_or_default()) {
            error(format!("cannot write {path}: {e}"));
            return USAGE;
        }
    }
    if let Some(path) = &a.svg {
        let svg = fanout::trace::svg::render(&r, 640.0, &format!("simulated timeline of {name}"));
        if let Err(e) = std::fs::write(path, svg) {
            error(format!("cannot write {path}: {e}"));
            return USAGE;
        }
    }
    let mut out = std::io::stdout().lock();
    let written = if a.json {
        // Streamed record by record (trace::write_json): byte for byte serde's pretty JSON.
        fanout::trace::write_json(&r, &mut out)
    } else {
        write!(out, "{}\n{}", summary(&r), gantt::render(&r, 72)).and_then(|()| {
            if r.kernel_calibration.is_some() {
                writeln!(out, "kernels are priced by their cost model with the committed default calibration (measured natively on the project's machine; the page and `fanout run` measure their own)")
            } else {
                Ok(())
            }
        })
    };
    // The process exits next: freeing a large graph and result would only cost time.
    std::mem::forget((graph, r));
    match written.and_then(|()| out.flush()) {
        Ok(()) => OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => OK,
        Err(e) => {
            error(format!("cannot write the result: {e}"));
            USAGE
        }
    }
}
