//! Reading a graph for any subcommand: `--format` or the file extension, `-` for standard
//! input, the size limit checked before reading, invalid UTF-8 reported at its position.

use super::{error, USAGE};
use fanout::lang::limits::MAX_TEXT_BYTES;
use fanout::lang::{parse_bytes, too_long, Diagnostic, Format, Parsed};
use std::io::Read;

/// A graph format on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// The .dag task-graph language
    Dag,
    /// The JSON form `fanout convert --to json` writes
    Json,
    /// Standard Task Graph Set
    Stg,
    /// Graphviz DOT digraph (a node's `cost` is its work in ms)
    Dot,
    /// A lesson: Markdown with ```fanout graph blocks (docs/lessons.md)
    Md,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Dag => Format::Dag,
            FormatArg::Json => Format::Json,
            FormatArg::Stg => Format::Stg,
            FormatArg::Dot => Format::Dot,
            FormatArg::Md => Format::Md,
        }
    }
}

/// The `--format` option every graph-reading subcommand shares.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct FormatOpt {
    /// Read the graph in this format [default: from the file extension, else dag]
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,
}

/// A graph as read: the name diagnostics use (the path, or `<stdin>`), and the outcome.
pub struct Loaded {
    pub name: String,
    pub parsed: Parsed,
}

/// The format `file` is read in: `format`, else the extension's, else `.dag`.
pub fn format_for(file: &str, format: FormatOpt) -> Format {
    format
        .format
        .map(Format::from)
        .or_else(|| {
            (file != "-")
                .then(|| Format::from_extension(file))
                .flatten()
        })
        .unwrap_or(Format::Dag)
}

/// Reads and parses `file` (`-`: standard input). A text over the size limit or not UTF-8
/// is a diagnostic in the result, like any other problem with the graph. `Err` is an exit
/// code, after a message on stderr: the file cannot be read.
pub fn load(file: &str, format: FormatOpt) -> Result<Loaded, u8> {
    let fmt = format_for(file, format);
    let (name, bytes) = match read_source(file)? {
        (name, Ok(bytes)) => (name, bytes),
        (name, Err(d)) => return Ok(refused(&name, d)),
    };
    let parsed = parse_bytes(&bytes, fmt);
    Ok(Loaded { name, parsed })
}

/// Reads `file` (`-`: standard input) within the size limit: its name and bytes, or the
/// diagnostic refusing it (too long). `Err` is an exit code, after a message on stderr.
pub fn read_source(file: &str) -> Result<(String, Result<Vec<u8>, Diagnostic>), u8> {
    let limit = MAX_TEXT_BYTES as u64;
    let (name, bytes) = if file == "-" {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut bytes)
        {
            error(format!("cannot read standard input: {e}"));
            return Err(USAGE);
        }
        ("<stdin>".to_string(), bytes)
    } else {
        let opened = std::fs::File::open(file).and_then(|f| {
            let meta = f.metadata()?;
            if meta.is_dir() {
                return Err(std::io::Error::other("it is a directory"));
            }
            Ok((f, meta.len()))
        });
        let (f, len) = match opened {
            Ok(x) => x,
            Err(e) => {
                error(format!("cannot read {file}: {e}"));
                return Err(USAGE);
            }
        };
        // Over the limit: refused from its size, before reading a byte.
        if let Some(d) = too_long(len) {
            return Ok((file.to_string(), Err(d)));
        }
        let mut bytes = Vec::new();
        if let Err(e) = f.take(limit + 1).read_to_end(&mut bytes) {
            error(format!("cannot read {file}: {e}"));
            return Err(USAGE);
        }
        (file.to_string(), bytes)
    };
    if bytes.len() as u64 > limit {
        let d = Diagnostic::error(
            1,
            1,
            1,
            format!("the text is longer than the limit of {MAX_TEXT_BYTES} bytes"),
        );
        return Ok((name, Err(d)));
    }
    Ok((name, Ok(bytes)))
}

fn refused(name: &str, d: Diagnostic) -> Loaded {
    Loaded {
        name: name.to_string(),
        parsed: Parsed {
            graph: None,
            diagnostics: vec![d],
        },
    }
}

/// Prints `name:line:col: severity: message` for each diagnostic, on stdout (the exit code
/// of writing it, see [`super::emit`]) or stderr.
pub fn print_diagnostics(loaded: &Loaded, to_stderr: bool) -> u8 {
    let mut text = String::new();
    for d in &loaded.parsed.diagnostics {
        text.push_str(&loaded.name);
        text.push(':');
        text.push_str(&d.render());
        text.push('\n');
    }
    if to_stderr {
        eprint!("{text}");
        super::OK
    } else {
        super::emit(&text)
    }
}

/// Loads `file`, prints its diagnostics on stderr, and gives the graph only if it has no
/// error; otherwise the exit code (1 for a graph with errors, 2 if it cannot be read).
pub fn load_graph(file: &str, format: FormatOpt) -> Result<(String, fanout::graph::Graph), u8> {
    let loaded = load(file, format)?;
    print_diagnostics(&loaded, true);
    let has_errors = loaded.parsed.has_errors();
    match loaded.parsed.graph {
        Some(g) if !has_errors => Ok((loaded.name, g)),
        _ => Err(super::FAILED),
    }
}
