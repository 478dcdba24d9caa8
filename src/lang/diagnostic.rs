//! Diagnostics: what is wrong with a piece of source text, and exactly where.

use serde::{Deserialize, Serialize};

/// How bad a diagnostic is. Only errors stop a graph from being built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One message about the source, anchored at a 1-based line and column (in characters).
/// `end_col` is the column just past the offending text on the same line (at least `col + 1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub line: u32,
    pub col: u32,
    pub end_col: u32,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    /// An error spanning `len` characters from `line`:`col`.
    pub fn error(line: u32, col: u32, len: u32, message: impl Into<String>) -> Self {
        Diagnostic {
            line,
            col,
            end_col: col + len.max(1),
            severity: Severity::Error,
            message: message.into(),
        }
    }

    /// `line:col: error: message`, the form the CLI prints after the file name.
    pub fn render(&self) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        format!("{}:{}: {}: {}", self.line, self.col, sev, self.message)
    }
}
