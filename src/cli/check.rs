//! `fanout check FILE...`: every diagnostic as `file:line:col: severity: message`.

use super::input::{load, print_diagnostics, FormatOpt};
use super::{FAILED, OK};

/// Report every problem in one or more graph files
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Report every problem in one or more graph files, one line each, as \
`file:line:col: error: message` (or `warning:`), on standard output. Nothing is printed for a \
graph without problems.",
    after_help = "Examples:\n  fanout check pipeline.dag\n  fanout check --format dot graph.txt\n  \
cat pipeline.dag | fanout check -\n\nExit status: 0 no errors (warnings allowed), 1 a file has \
errors, 2 usage error or a file cannot be read."
)]
pub struct Args {
    /// Graph files to check (`-` reads standard input)
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    #[command(flatten)]
    format: FormatOpt,
}

pub fn run(a: Args) -> u8 {
    let mut code = OK;
    for file in &a.files {
        match load(file, a.format) {
            Ok(loaded) => {
                code = code.max(print_diagnostics(&loaded, false));
                if loaded.parsed.has_errors() {
                    code = code.max(FAILED);
                }
            }
            Err(c) => code = code.max(c),
        }
    }
    code
}
