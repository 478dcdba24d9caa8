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
/// `end_col` is the column just past the offending text on line `end_line` (on the same line
/// it is at least `col + 1`). For JSON input, `path` also names the offending value, like
/// `tasks[3].after[1]`; it is `None` for the text formats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
    pub severity: Severity,
    pub message: String,
    pub path: Option<String>,
}

impl Diagnostic {
    /// An error spanning `len` characters from `line`:`col`.
    pub fn error(line: u32, col: u32, len: u32, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, line, col, len, message)
    }

    /// A warning spanning `len` characters from `line`:`col`.
    pub fn warning(line: u32, col: u32, len: u32, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, line, col, len, message)
    }

    fn new(severity: Severity, line: u32, col: u32, len: u32, message: impl Into<String>) -> Self {
        Diagnostic {
            line,
            col,
            end_line: line,
            end_col: col.saturating_add(len.max(1)),
            severity,
            message: message.into(),
            path: None,
        }
    }

    /// Whether this is an error (and not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `line:col: error: message`, the form the CLI prints after the file name. A JSON
    /// path, when there is one, is put before the message: `at tasks[2].after[0]: ...`.
    pub fn render(&self) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match &self.path {
            Some(p) if !p.is_empty() => {
                format!(
                    "{}:{}: {}: at {}: {}",
                    self.line, self.col, sev, p, self.message
                )
            }
            _ => format!("{}:{}: {}: {}", self.line, self.col, sev, self.message),
        }
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely
/// typo (1 edit for words of 3 to 5 characters, 2 for longer ones, none below 3). Ties go to the first.
pub(crate) fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wlen = word.chars().count();
    let max = match wlen {
        0..=2 => return None,
        3..=5 => 1,
        _ => 2,
    };
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let clen = c.chars().count();
        if clen.abs_diff(wlen) > max || c == word {
            continue;
        }
        let d = edit_distance(word, c, max);
        if d <= max && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Edit distance over characters, counting a swap of two neighbours as one edit (optimal
/// string alignment), giving up (returning `cap + 1`) once it exceeds `cap`.
fn edit_distance(a: &str, b: &str, cap: usize) -> usize {
    let a: Vec<char> = a.chars().take(256).collect();
    let b: Vec<char> = b.chars().take(256).collect();
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 0..a.len() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for j in 0..b.len() {
            let mut d = (prev[j] + usize::from(a[i] != b[j]))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
            if i > 0 && j > 0 && a[i] == b[j - 1] && a[i - 1] == b[j] {
                d = d.min(prev2[j - 1] + 1);
            }
            cur[j + 1] = d;
            row_min = row_min.min(d);
        }
        if row_min > cap {
            return cap + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// ` (did you mean `x`?)` or the empty string.
pub(crate) fn suggestion_suffix(best: Option<&str>) -> String {
    match best {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("sentimnt", ["entities", "sentiment"]),
            Some("sentiment")
        );
        assert_eq!(did_you_mean("xyz", ["sentiment", "report"]), None);
        assert_eq!(did_you_mean("a", ["b"]), None);
        assert_eq!(did_you_mean("retyr", ["retry", "reduce"]), Some("retry"));
    }

    #[test]
    fn render_includes_path_for_json() {
        let mut d = Diagnostic::error(3, 5, 2, "boom");
        assert_eq!(d.render(), "3:5: error: boom");
        d.path = Some("tasks[0].id".into());
        assert_eq!(d.render(), "3:5: error: at tasks[0].id: boom");
    }
}
