//! Lesson files (docs/lessons.md): Markdown whose ```` ```fanout ```` fenced blocks are graphs
//! in the `.dag` language. [`blocks`] finds them; [`parse_block`] parses one with its
//! diagnostics at the line of the Markdown file. A block whose info string carries the word
//! `broken` (```` ```fanout broken ````) is meant to fail (a lesson about an error): checking
//! a lesson expects an error in it, and reading a lesson's graph skips it.

use super::{dag, validate, Diagnostic, Parsed};

/// One ```` ```fanout ```` block of a Markdown text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The 1-based line of the Markdown text where the block's first graph line is.
    pub first_line: u32,
    /// The words after `fanout` on the opening fence (`name=…`, `broken`…).
    pub info: Vec<String>,
    /// The graph text between the fences.
    pub text: String,
}

impl Block {
    /// Whether the block is marked `broken`: it must have an error.
    pub fn broken(&self) -> bool {
        self.info.iter().any(|w| w == "broken")
    }
}

/// Every ```` ```fanout ```` block of `text`, in order (fences of three or more backticks or
/// tildes, CommonMark-style; an unclosed block runs to the end of the text).
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    // (fence char, fence length, is ours, info, first line, lines)
    let mut open: Option<(char, usize, bool, Vec<String>, u32, String)> = None;
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let n = i as u32 + 1;
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let fence = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = fence.map_or(0, |c| trimmed.chars().take_while(|x| *x == c).count());
        match &mut open {
            None => {
                if indent < 4 && run >= 3 {
                    let c = fence.unwrap_or('`');
                    let info: Vec<String> = trimmed[run..]
                        .split_whitespace()
                        .map(String::from)
                        .collect();
                    let ours = info.first().is_some_and(|w| w == "fanout");
                    open = Some((
                        c,
                        run,
                        ours,
                        info.into_iter().skip(1).collect(),
                        n + 1,
                        String::new(),
                    ));
                }
            }
            Some((c, len, ours, info, first, body)) => {
                let closes = indent < 4
                    && fence == Some(*c)
                    && run >= *len
                    && trimmed[run..].trim().is_empty();
                if closes {
                    if *ours {
                        out.push(Block {
                            first_line: *first,
                            info: std::mem::take(info),
                            text: std::mem::take(body),
                        });
                    }
                    open = None;
                } else if *ours {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    if let Some((_, _, true, info, first, body)) = open {
        out.push(Block {
            first_line: first,
            info,
            text: body,
        });
    }
    out
}

/// Parses one block as `.dag` text, with diagnostics at their Markdown lines.
pub fn parse_block(block: &Block) -> Parsed {
    let mut parsed = dag::parse(&block.text, validate::Diags::default());
    parsed.diagnostics.sort_by_key(|d| (d.line, d.col));
    let shift = block.first_line - 1;
    for d in &mut parsed.diagnostics {
        d.line += shift;
        d.end_line += shift;
    }
    parsed
}

/// Reads a lesson as one graph, its own (as the page does): the block named `main`, else
/// the first neither `broken` nor a `solution=…`, else the first. A text without any
/// ```` ```fanout ```` block is an error at line 1.
pub fn parse(text: &str) -> Parsed {
    let all = blocks(text);
    let word = |b: &Block, w: &str| b.info.iter().any(|x| x == w);
    let solution = |b: &Block| b.info.iter().any(|x| x.starts_with("solution="));
    let chosen = all
        .iter()
        .find(|b| word(b, "name=main"))
        .or_else(|| all.iter().find(|b| !b.broken() && !solution(b)))
        .or(all.first());
    match chosen {
        Some(b) => parse_block(b),
        None => Parsed {
            graph: None,
            diagnostics: vec![no_block()],
        },
    }
}

/// The error of a Markdown text with no graph block.
pub fn no_block() -> Diagnostic {
    Diagnostic::error(
        1,
        1,
        1,
        "no ```fanout block: a lesson's graph goes in a fenced block whose info string is `fanout`",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_blocks_with_lines_and_info() {
        let md = "# T\n\n```fanout\na : cpu 1\n```\n\n```text\nx\n```\n~~~fanout broken\nb : cpu 1 after b\n~~~\n";
        let b = blocks(md);
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].first_line, 4);
        assert_eq!(b[0].text, "a : cpu 1\n");
        assert!(!b[0].broken() && b[1].broken());
        let p = parse_block(&b[1]);
        assert_eq!(p.diagnostics[0].line, 11);
        assert!(parse(md).graph.is_some());
        let named = "```fanout solution=q\nx : cpu 1\n```\n```fanout name=other\ny : cpu 2\n```\n```fanout name=main\nz : cpu 3\n```\n";
        assert_eq!(parse(named).graph.unwrap().tasks[0].id, "z");
        let first = "```fanout solution=q\nx : cpu 1\n```\n```fanout name=other\ny : cpu 2\n```\n";
        assert_eq!(parse(first).graph.unwrap().tasks[0].id, "y");
        assert!(parse("no graph").graph.is_none());
    }
}
