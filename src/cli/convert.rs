//! `fanout convert FILE --to FORMAT [-o OUT]`: writes a graph in another format.

use super::emit_to;
use super::input::{load_graph, FormatOpt};
use fanout::lang::{to_dag, to_dot, to_json, to_mermaid};

/// A format `convert` writes.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ToFormat {
    /// The .dag language (exact)
    Dag,
    /// JSON (exact)
    Json,
    /// Graphviz DOT: tasks, labels, kinds, costs and edges (no options or declarations)
    Dot,
    /// A Mermaid flowchart (`flowchart LR`), a picture for docs
    Mermaid,
}

/// Write a graph in another format
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Read a graph (any input format) and write it as .dag, JSON, Graphviz DOT or a \
Mermaid flowchart. .dag and JSON are exact: reading the output back gives the same graph. DOT \
keeps tasks, labels, kinds, costs and edges. Mermaid draws the graph for documentation \
(`flowchart LR`, one node per task with its label and work).",
    after_help = "Examples:\n  fanout convert rand0000.stg --to dag -o rand0000.dag\n  fanout \
convert pipeline.dag --to mermaid >> docs/pipeline.md\n  fanout convert graph.dot --to json\n\n\
Exit status: 0 ok, 1 the graph has errors, 2 usage or I/O error."
)]
pub struct Args {
    /// The graph file (`-` reads standard input)
    #[arg(value_name = "FILE")]
    file: String,
    #[command(flatten)]
    format: FormatOpt,
    /// The format to write
    #[arg(long, short = 't', value_enum, value_name = "FORMAT")]
    to: ToFormat,
    /// Write to this file instead of standard output
    #[arg(long, short = 'o', value_name = "OUT")]
    output: Option<String>,
}

pub fn run(a: Args) -> u8 {
    let graph = match load_graph(&a.file, a.format) {
        Ok((_, g)) => g,
        Err(c) => return c,
    };
    let text = match a.to {
        ToFormat::Dag => to_dag(&graph),
        ToFormat::Json => to_json(&graph) + "\n",
        ToFormat::Dot => to_dot(&graph),
        ToFormat::Mermaid => to_mermaid(&graph),
    };
    emit_to(a.output.as_deref(), &text)
}
