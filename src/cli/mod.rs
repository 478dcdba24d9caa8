//! The `fanout` command line: argument parsing (clap derive) and dispatch. One file per
//! subcommand; `input` reads graphs for all of them.
//!
//! Exit codes, for every subcommand: 0 success, 1 the graph has errors or a run failed,
//! 2 bad usage or an I/O failure (a file that cannot be read or written).

mod analyze;
mod check;
mod completions;
mod convert;
mod export;
mod import;
mod input;
mod run;
mod simulate;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Success.
pub const OK: u8 = 0;
/// The graph has errors, or a run or simulation failed.
pub const FAILED: u8 = 1;
/// Bad usage, or a file that cannot be read or written.
pub const USAGE: u8 = 2;

const LONG_ABOUT: &str = "\
Check, analyse, simulate and run task graphs (DAGs) from the command line, with the same core \
as the fanout playground in the browser.

A graph is read from a file in one of four formats: the .dag language, JSON, STG (Standard Task \
Graph Set) or Graphviz DOT. The format comes from --format, else from the file extension \
(.dag .json .stg .dot .gv; anything else is read as .dag). `-` reads standard input (as .dag \
unless --format says otherwise).";

const EXAMPLES: &str = "\
Examples:
  fanout check pipeline.dag                 report every problem as file:line:col: error: ...
  fanout analyze rand0000.stg --workers 4   work, span, parallelism and bounds for 1..4 workers
  fanout simulate pipeline.dag --json       simulate a run, print the RunResult as JSON
  fanout run pipeline.dag --workers 2       run it for real on 2 OS threads
  fanout check --format json - < g.json     read standard input
  fanout convert pipeline.dag --to mermaid  a Mermaid flowchart for the docs
  fanout export pipeline.dag --to dask -o p.py   a Python script that runs it on Dask
  fanout import trace.json --graph pipeline.dag  a measured timeline beside the simulation
  fanout completions bash > ~/.local/share/bash-completion/completions/fanout

Exit status: 0 ok, 1 the graph has errors or a run failed, 2 usage or I/O error.";

/// Task graphs checked, analysed, simulated and run.
#[derive(Debug, Parser)]
#[command(
    name = "fanout",
    version,
    about = "Check, analyse, simulate and run task graphs",
    long_about = LONG_ABOUT,
    after_help = EXAMPLES,
    propagate_version = true,
    subcommand_required = true,
    arg_required_else_help = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Check(check::Args),
    Analyze(analyze::Args),
    Simulate(simulate::Args),
    Run(run::Args),
    Convert(convert::Args),
    Export(export::Args),
    Import(import::Args),
    Completions(completions::Args),
}

/// Parses the process arguments and runs the subcommand; the exit code follows the
/// module's convention (clap's own usage errors exit 2, `--help` and `--version` 0).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(a) => check::run(a),
        Command::Analyze(a) => analyze::run(a),
        Command::Simulate(a) => simulate::run(a),
        Command::Run(a) => run::run(a),
        Command::Convert(a) => convert::run(a),
        Command::Export(a) => export::run(a),
        Command::Import(a) => import::run(a),
        Command::Completions(a) => completions::run(a),
    };
    ExitCode::from(code)
}

/// Writes `text` to standard output. A reader that went away (`fanout check | head`) is not
/// an error; any other write failure is an I/O error (2).
pub fn emit(text: &str) -> u8 {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            error(format!("cannot write the output: {e}"));
            USAGE
        }
        _ => OK,
    }
}

/// Writes `text` to the file `output` (`-o FILE`), or to standard output without one.
pub fn emit_to(output: Option<&str>, text: &str) -> u8 {
    match output {
        None => emit(text),
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => OK,
            Err(e) => {
                error(format!("cannot write {path}: {e}"));
                USAGE
            }
        },
    }
}

/// Prints `error: message` on stderr, the form of every error that is not a diagnostic.
pub fn error(message: impl std::fmt::Display) {
    eprintln!("error: {message}");
}
