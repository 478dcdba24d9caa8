//! The `fanout` command-line tool. Subcommands live in modules under `src/cli/`; this file
//! only starts it.

#[path = "../cli/mod.rs"]
mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
