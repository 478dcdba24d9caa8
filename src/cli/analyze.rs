//! `fanout analyze FILE`: work, span, parallelism, critical path and makespan bounds for
//! P = 1..N workers (N: `--workers`, else the file's `workers` declaration, else 8).

use super::input::{load_graph, FormatOpt};
use super::{emit, error, USAGE};
use fanout::analysis::analyze;
use fanout::lang::limits::MAX_WORKERS;
use std::fmt::Write;

const DEFAULT_WORKERS: u32 = 8;

/// Work, span, parallelism, critical path and bounds of a graph
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Work (T1), span (T∞), parallelism, levels, the critical path, and for 1..N \
workers the makespan bounds: lower max(T∞, T1/P), greedy T1/P + T∞, and the best speedup. N is \
--workers, else the file's `workers` declaration, else 8.",
    after_help = "Examples:\n  fanout analyze pipeline.dag\n  fanout analyze rand0000.stg \
--workers 4 --json\n\nExit status: 0 ok, 1 the graph has errors, 2 usage or I/O error."
)]
pub struct Args {
    /// The graph file (`-` reads standard input)
    #[arg(value_name = "FILE")]
    file: String,
    #[command(flatten)]
    format: FormatOpt,
    /// Print the analysis as JSON
    #[arg(long)]
    json: bool,
    /// Compute bounds for 1..N workers
    #[arg(long, short = 'w', value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=MAX_WORKERS as i64))]
    workers: Option<u32>,
}

pub fn run(a: Args) -> u8 {
    let graph = match load_graph(&a.file, a.format) {
        Ok((_, g)) => g,
        Err(c) => return c,
    };
    let n = a.workers.or(graph.decls.workers).unwrap_or(DEFAULT_WORKERS);
    let r = analyze(&graph, n);
    if a.json {
        return match serde_json::to_string_pretty(&r) {
            Ok(s) => emit(&(s + "\n")),
            Err(e) => {
                error(e);
                USAGE
            }
        };
    }
    let mut o = String::new();
    let _ = writeln!(o, "tasks          {}", r.tasks);
    let _ = writeln!(o, "edges          {}", r.edges);
    let _ = writeln!(o, "work (T1)      {} ms", r.work_ms);
    let _ = writeln!(o, "span (T∞)      {} ms", r.span_ms);
    let _ = writeln!(
        o,
        "parallelism    {:.2}  (T1/T∞: the most speedup any number of workers can give)",
        r.parallelism
    );
    let s = if r.max_width == 1 { "" } else { "s" };
    let _ = writeln!(
        o,
        "levels         {} (the widest has {} task{s})",
        r.depth, r.max_width
    );
    let _ = writeln!(o, "critical path  {}", r.critical_path.join(" -> "));
    let varying = graph
        .tasks
        .iter()
        .filter(|t| t.options.spread.is_some())
        .count();
    if varying > 0 {
        let _ = writeln!(o, "variable       {varying} task(s) with variable durations: work and span are expected values; `fanout simulate FILE --seeds 100` shows the makespans they give");
    }
    if r.kernel_calibration.is_some() {
        let _ = writeln!(o, "kernels        priced by their cost model with the committed default calibration (measured natively on the project's machine; `fanout run` measures its own)");
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "workers   lower bound   greedy bound   best speedup");
    for b in &r.bounds {
        let _ = writeln!(
            o,
            "{:>7}   {:>8.1} ms   {:>9.1} ms   {:>11.2}x",
            b.workers, b.lower_ms, b.greedy_upper_ms, b.max_speedup
        );
    }
    emit(&o)
}
