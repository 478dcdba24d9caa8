//! Subcommand dispatch for the `fanout` binary. One file per subcommand.

mod analyze;
mod check;
mod run;
mod simulate;

const USAGE: &str = "usage: fanout <command> [args]

commands:
  check FILE...    report every diagnostic as file:line:col: error: message
  analyze FILE     work, span, parallelism, critical path and bounds (--json, --workers N)
                   (both take --format dag|json|stg|dot; default: from the file extension)
  run FILE [--workers N] [--json]
                   run the graph for real on OS threads
  simulate FILE    simulate a run: [--workers N] [--policy P] [--seed S] [--json] [--trace out.json]
";

/// Runs the CLI with `args` (without the program name); returns the exit code.
pub fn main(args: &[String]) -> i32 {
    match args.first().map(String::as_str) {
        Some("check") => check::run(&args[1..]),
        Some("analyze") => analyze::run(&args[1..]),
        Some("run") => run::run(&args[1..]),
        Some("simulate") => simulate::run(&args[1..]),
        Some("-h") | Some("--help") | Some("help") => {
            print!("{USAGE}");
            0
        }
        Some(other) => {
            eprintln!("fanout: unknown command `{other}`\n\n{USAGE}");
            2
        }
        None => {
            eprint!("{USAGE}");
            2
        }
    }
}
