//! The `fanout` command-line tool. Subcommands live in modules under `src/cli/`; this file
//! only starts it. Native only: its dependencies (clap, mimalloc) are not built for wasm32,
//! where `cargo test --target wasm32-unknown-unknown` still compiles every binary.

#[cfg(not(target_arch = "wasm32"))]
#[path = "../cli/mod.rs"]
mod cli;

/// mimalloc instead of the system allocator: parsing and results allocate per task, and
/// glibc's malloc/free were a quarter of `fanout simulate --json`'s instructions.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
