//! `fanout check [--format F] FILE...`: prints each diagnostic as
//! `file:line:col: severity: message`; exits 1 if any file has an error, 2 on a usage
//! problem or a file that cannot be read, 0 otherwise.

use fanout::lang::{parse, Format, Parsed};

/// Takes `--format F` (or `--format=F`) out of `args`. `Err` is a message for the user.
pub fn take_format(args: &mut Vec<String>) -> Result<Option<Format>, String> {
    let Some(i) = args
        .iter()
        .position(|a| a == "--format" || a.starts_with("--format="))
    else {
        return Ok(None);
    };
    let arg = args.remove(i);
    let name = match arg.strip_prefix("--format=") {
        Some(v) => v.to_string(),
        None if i < args.len() => args.remove(i),
        None => return Err("--format needs a value: dag, json, stg or dot".into()),
    };
    Format::from_name(&name)
        .map(Some)
        .ok_or_else(|| format!("unknown format `{name}`: use dag, json, stg or dot"))
}

/// Reads and parses `file` in `format` (or the format its extension implies, `.dag` when
/// unknown). `Err` is an exit code, after a message on stderr.
pub fn load(file: &str, format: Option<Format>) -> Result<Parsed, i32> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        eprintln!("{file}: cannot read: {e}");
        2
    })?;
    let format = format
        .or_else(|| Format::from_extension(file))
        .unwrap_or(Format::Dag);
    Ok(parse(&text, format))
}

/// Prints `file:line:col: severity: message` for each diagnostic, to stdout or stderr.
pub fn print_diagnostics(file: &str, parsed: &Parsed, to_stderr: bool) {
    for d in &parsed.diagnostics {
        if to_stderr {
            eprintln!("{file}:{}", d.render());
        } else {
            println!("{file}:{}", d.render());
        }
    }
}

pub fn run(args: &[String]) -> i32 {
    let mut args = args.to_vec();
    let format = match take_format(&mut args) {
        Ok(f) => f,
        Err(m) => {
            eprintln!("fanout check: {m}");
            return 2;
        }
    };
    if args.is_empty() {
        eprintln!("usage: fanout check [--format dag|json|stg|dot] FILE...");
        return 2;
    }
    let mut code = 0;
    for file in &args {
        match load(file, format) {
            Ok(parsed) => {
                print_diagnostics(file, &parsed, false);
                if parsed.has_errors() && code == 0 {
                    code = 1;
                }
            }
            Err(c) => code = c,
        }
    }
    code
}
