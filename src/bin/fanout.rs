//! The `fanout` command-line tool. Subcommands live in `fanout::cli`-style modules under
//! `src/cli/`; this file only dispatches.

#[path = "../cli/mod.rs"]
mod cli;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(cli::main(&args));
}
