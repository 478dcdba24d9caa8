//! `fanout import TRACE [--graph FILE] [--json]`: reads a measured timeline (Chrome Trace
//! Event JSON: an exported script's, fanout's own, a Dask task stream, Ray's `ray.timeline()`)
//! and prints its attempts, or the RunResult as JSON; with a graph, matches events to its
//! tasks, lists what did not match, and sets the measured makespan beside the simulated one.

use super::input::{load_graph, FormatOpt};
use super::{emit, error, FAILED, USAGE};
use fanout::trace::import::{import_trace, MAX_TRACE_BYTES};

/// Read a measured timeline (Chrome Trace JSON) and compare it with the simulation
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Read a measured timeline as Chrome Trace Event JSON: the trace an exported Dask \
or asyncio script writes (--trace), fanout's own Chrome trace export, a Dask task stream, or Ray's \
ray.timeline() output. Lanes become workers and events match tasks by name. With --graph, events \
naming no task of the graph are listed (not dropped) and the simulated makespan is printed beside \
the measured one.",
    after_help = "Examples:\n  fanout import mr.json --graph map-reduce.dag\n  fanout import \
ray-timeline.json --json\n\nExit status: 0 ok, 1 the trace or graph is invalid, 2 usage or I/O error."
)]
pub struct Args {
    /// The trace file (`-` reads standard input)
    #[arg(value_name = "TRACE")]
    trace: String,
    /// The graph the trace ran, to match tasks and simulate it
    #[arg(long, short = 'g', value_name = "FILE")]
    graph: Option<String>,
    #[command(flatten)]
    format: FormatOpt,
    /// Print the imported run as JSON (`{result, lanes, unmatched, missing, ignored_events}`)
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> u8 {
    use std::io::Read;
    let mut text = String::new();
    let read = if a.trace == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_TRACE_BYTES as u64 + 1)
            .read_to_string(&mut text)
            .map(|_| ())
    } else {
        std::fs::File::open(&a.trace).and_then(|f| {
            f.take(MAX_TRACE_BYTES as u64 + 1)
                .read_to_string(&mut text)
                .map(|_| ())
        })
    };
    if let Err(e) = read {
        error(format!("cannot read {}: {e}", a.trace));
        return USAGE;
    }
    let graph = match &a.graph {
        Some(file) => match load_graph(file, a.format) {
            Ok((_, g)) => Some(g),
            Err(c) => return c,
        },
        None => None,
    };
    let imported = match import_trace(&text, graph.as_ref()) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{}: error: {e}", a.trace);
            return FAILED;
        }
    };
    if a.json {
        return emit(&(serde_json::to_string_pretty(&imported).unwrap_or_default() + "\n"));
    }
    let r = &imported.result;
    let mut out = format!(
        "{}: {} tasks on {} lanes ({}), makespan {:.1} ms\n",
        r.mode,
        r.tasks.len(),
        r.workers,
        imported.lanes.join(", "),
        r.makespan_ms
    );
    for t in &r.tasks {
        let tries: Vec<String> = t
            .attempts
            .iter()
            .map(|x| format!("{:?}", x.status).to_lowercase())
            .collect();
        out += &format!(
            "  {:<16} {:>9.1} ms .. {:>9.1} ms  worker {}  {}\n",
            t.id,
            t.attempts.first().map_or(0.0, |x| x.start_ms),
            t.end_ms,
            t.worker,
            tries.join(", ")
        );
    }
    for (name, n) in &imported.unmatched {
        out += &format!("  unmatched: `{name}` ({n} events) is no task of the graph\n");
    }
    if !imported.missing.is_empty() {
        out += &format!("  missing: no event for {}\n", imported.missing.join(", "));
    }
    if let Some(g) = &graph {
        let opts = fanout::sim::SimOptions {
            workers: Some(r.workers.max(1)),
            ..Default::default()
        };
        if let Ok(sim) = fanout::sim::simulate(g, &opts) {
            out += &format!(
                "simulated on {} workers: makespan {:.1} ms; measured / simulated = {:.2}\n",
                sim.workers,
                sim.makespan_ms,
                if sim.makespan_ms > 0.0 {
                    r.makespan_ms / sim.makespan_ms
                } else {
                    0.0
                }
            );
        }
    }
    emit(&out)
}
