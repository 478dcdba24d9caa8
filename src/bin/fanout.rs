//! The `fanout` command-line tool. Subcommands live in `fanout::cli`-style modules under
//! `src/cli/`; this file only dispatches.

#[path = "../cli/mod.rs"]
mod cli;

/// mimalloc instead of the system allocator: parsing and results allocate per task, and
/// glibc's malloc/free were a quarter of `fanout simulate --json`'s instructions.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(cli::main(&args));
}
