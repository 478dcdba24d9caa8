//! `fanout export FILE --to dask|asyncio [-o OUT]`: the graph as a standalone Python script.

use super::input::{load_graph, FormatOpt};
use super::{emit_to, FAILED};
use fanout::export::{to_python, Target};

/// An engine `export` writes a script for.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ToEngine {
    /// Dask's distributed scheduler: a LocalCluster of worker processes, or --scheduler
    Dask,
    /// One asyncio event loop, cpu work in a ProcessPoolExecutor (Python 3.11+)
    Asyncio,
}

/// Write a graph as a Python script for Dask or asyncio
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Write the graph as a standalone, readable Python script that runs it for real on \
Dask (the futures API: one client.submit per task, keyed by the task id) or on asyncio (a \
TaskGroup, cpu work in a ProcessPoolExecutor). cpu work burns CPU time, io waits, kernels compute \
the same values as fanout; retry, backoff, seeded fail, timeout, limit, rate and reduce behave as \
fanout's scheduler says. The script writes its measured timeline (--trace FILE) as Chrome Trace \
JSON, which `fanout import` and the playground open beside the simulation. What a target cannot \
express is an error naming the line.",
    after_help = "Examples:\n  fanout export map-reduce.dag --to dask -o mr.py && python mr.py \
--workers 2 --trace mr.json\n  fanout export pipeline.dag --to asyncio -o p.py\n\n\
Exit status: 0 ok, 1 the graph has errors or cannot be exported, 2 usage or I/O error."
)]
pub struct Args {
    /// The graph file (`-` reads standard input)
    #[arg(value_name = "FILE")]
    file: String,
    #[command(flatten)]
    format: FormatOpt,
    /// The engine to write a script for
    #[arg(long, short = 't', value_enum, value_name = "ENGINE")]
    to: ToEngine,
    /// Write to this file instead of standard output
    #[arg(long, short = 'o', value_name = "OUT")]
    output: Option<String>,
}

pub fn run(a: Args) -> u8 {
    let (name, graph) = match load_graph(&a.file, a.format) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let target = match a.to {
        ToEngine::Dask => Target::Dask,
        ToEngine::Asyncio => Target::Asyncio,
    };
    let source = (a.file != "-")
        .then(|| std::fs::read_to_string(&a.file).ok())
        .flatten();
    let base = std::path::Path::new(&name)
        .file_name()
        .map_or(name.clone(), |s| s.to_string_lossy().into_owned());
    let text = match to_python(&graph, target, &base, source.as_deref()) {
        Ok(t) => t,
        Err(errors) => {
            for e in errors {
                eprintln!("{name}:{}:{}: error: {}", e.line, e.col, e.message);
            }
            return FAILED;
        }
    };
    emit_to(a.output.as_deref(), &text)
}
