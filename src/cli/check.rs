//! `fanout check FILE...`: every diagnostic as `file:line:col: severity: message`.

use super::input::{format_for, load, print_diagnostics, read_source, FormatOpt, Loaded};
use super::{FAILED, OK};
use fanout::lang::markdown::{blocks, no_block, parse_block};
use fanout::lang::{decode, Format, Parsed, Severity};

/// Report every problem in one or more graph files
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Report every problem in one or more graph files, one line each, as \
`file:line:col: error: message` (or `warning:`), on standard output. Nothing is printed for a \
graph without problems. A lesson (`.md`, or `--format md`) is checked block by block: every ```fanout block must be valid, except one marked ```fanout broken, which must have an error (its errors are printed as `note: expected error: …`, and do not fail the check).",
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
        if format_for(file, a.format) == Format::Md {
            code = code.max(check_lesson(file));
            continue;
        }
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

/// Checks every ```fanout block of a lesson file; a `broken` block must fail.
fn check_lesson(file: &str) -> u8 {
    let (name, bytes) = match read_source(file) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let one = |parsed: Parsed| Loaded {
        name: name.clone(),
        parsed,
    };
    let text = match bytes
        .as_deref()
        .map_err(Clone::clone)
        .and_then(|b| decode(b))
    {
        Ok(t) => t.to_string(),
        Err(d) => {
            return print_diagnostics(
                &one(Parsed {
                    graph: None,
                    diagnostics: vec![d],
                }),
                false,
            )
            .max(FAILED)
        }
    };
    let found = blocks(&text);
    if found.is_empty() {
        return print_diagnostics(
            &one(Parsed {
                graph: None,
                diagnostics: vec![no_block()],
            }),
            false,
        )
        .max(FAILED);
    }
    let mut code = OK;
    for block in &found {
        let parsed = parse_block(block);
        if block.broken() {
            let mut out = String::new();
            if !parsed.has_errors() {
                out.push_str(&format!(
                    "{name}:{}:1: error: this block is marked `broken` but has no error: remove `broken` or break it\n",
                    block.first_line.saturating_sub(1)
                ));
                code = FAILED;
            }
            for d in parsed
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
            {
                out.push_str(&format!(
                    "{name}:{}:{}: note: expected error: {}\n",
                    d.line, d.col, d.message
                ));
            }
            code = code.max(super::emit(&out));
        } else {
            code = code.max(print_diagnostics(&one(parsed.clone()), false));
            if parsed.has_errors() {
                code = code.max(FAILED);
            }
        }
    }
    code
}
