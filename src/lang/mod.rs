//! The task-graph language: text in, a validated [`Graph`] or precise diagnostics out.

mod diagnostic;
mod dag;

pub use dag::parse_dag;
pub use diagnostic::{Diagnostic, Severity};

use crate::graph::Graph;

/// The outcome of reading source text: every diagnostic found, and the graph when there
/// was no error. Never panics, whatever the input.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub graph: Option<Graph>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}
