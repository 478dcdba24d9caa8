//! The task-graph language: text in, a validated [`Graph`] or precise diagnostics out.
//!
//! Four input formats share one validator ([`Format`]): the `.dag` language, JSON, STG
//! (Standard Task Graph Set) and Graphviz DOT. Writers: [`to_dag`] and [`to_json`] (exact),
//! [`to_dot`] (structure and costs) and [`to_mermaid`] (a picture). Raw bytes go through
//! [`parse_bytes`], which reports invalid UTF-8 at its line and column. Every function here is total: no input makes it panic, hang, or recurse
//! deeper than a constant.

mod dag;
mod diagnostic;
mod dot;
mod dot_export;
mod duration;
mod export;
mod faults;
mod groups;
mod json;
mod lexer;
pub mod limits;
pub mod markdown;
mod mermaid;
mod source;
mod spread;
mod stg;
mod validate;

pub use dag::parse_dag;
pub use diagnostic::{Diagnostic, Severity};
pub use dot_export::to_dot;
pub use duration::{format_duration, parse_duration};
pub use export::{json_graph, to_dag, to_json};
pub use json::{JsonGraph, JsonLimit, JsonRate, JsonTask};
pub use mermaid::to_mermaid;
pub use source::{decode, too_long};
pub use validate::is_valid_id;

use crate::graph::Graph;
use serde::{Deserialize, Serialize};

/// The outcome of reading source text: every diagnostic found, and the graph when there
/// was no error. Never panics, whatever the input.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Parsed {
    pub graph: Option<Graph>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// The `.dag` language (docs/language.md).
    Dag,
    /// The JSON form [`to_json`] writes ([`JsonGraph`]).
    Json,
    /// Standard Task Graph Set files.
    Stg,
    /// Graphviz DOT digraphs; a node's `cost` attribute is its work in ms.
    Dot,
    /// Lesson files: Markdown with ```` ```fanout ```` blocks ([`markdown`]); read as one
    /// graph, the first block not marked `broken`.
    Md,
}

impl Format {
    /// Every format, in the order the docs list them.
    pub const ALL: [Format; 5] = [
        Format::Dag,
        Format::Json,
        Format::Stg,
        Format::Dot,
        Format::Md,
    ];

    /// The format's name, also its usual file extension: `dag`, `json`, `stg`, `dot`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Dag => "dag",
            Format::Json => "json",
            Format::Stg => "stg",
            Format::Dot => "dot",
            Format::Md => "md",
        }
    }

    /// Parses a format name (`dag`, `json`, `stg`, `dot`, `md`; `gv` also means DOT, `markdown`
    /// Md), ignoring case.
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "dag" => Some(Format::Dag),
            "json" => Some(Format::Json),
            "stg" => Some(Format::Stg),
            "dot" | "gv" => Some(Format::Dot),
            "md" | "markdown" => Some(Format::Md),
            _ => None,
        }
    }

    /// The format a file name's extension implies (`x.dag`, `x.json`, `x.stg`, `x.dot`/`x.gv`).
    pub fn from_extension(path: &str) -> Option<Format> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let (_, ext) = name.rsplit_once('.')?;
        Format::from_name(ext)
    }
}

/// Reads `text` in `format` and validates it. Reports every error it can find (each with a
/// 1-based line and column, plus a JSON path for JSON), sorted by position; `graph` is `Some` exactly when there
/// is no error, and then holds the invariants of [`crate::graph`]'s model.
pub fn parse(text: &str, format: Format) -> Parsed {
    // A byte-order mark is invisible in editors: columns are counted without it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(d) = source::too_long(text.len() as u64) {
        return Parsed {
            graph: None,
            diagnostics: vec![d],
        };
    }
    let diags = validate::Diags::default();
    let mut parsed = match format {
        Format::Dag => dag::parse(text, diags),
        Format::Json => json::parse(text, diags),
        Format::Stg => stg::parse(text, diags),
        Format::Dot => dot::parse(text, diags),
        Format::Md => markdown::parse(text),
    };
    // In reading order; stable, so problems found at one place keep their order.
    parsed.diagnostics.sort_by_key(|d| (d.line, d.col));
    parsed
}

/// Reads raw bytes in `format`: like [`parse`], after checking the size limit and that the
/// bytes are UTF-8 (else one located error, see [`decode`]). Never panics, whatever the input.
pub fn parse_bytes(bytes: &[u8], format: Format) -> Parsed {
    match decode(bytes) {
        Ok(text) => parse(text, format),
        Err(d) => Parsed {
            graph: None,
            diagnostics: vec![d],
        },
    }
}
