//! The `.dag` lexer: one line of text into tokens, each with its 1-based character columns.

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok<'a> {
    /// A run of characters that are not blanks, not `#` and not one of `:,[]{}"*`.
    Word(&'a str),
    /// A quoted string, escapes (`\"`, `\\`, `\n`, `\t`) already applied.
    Str(String),
    Colon,
    Comma,
    LBracket,
    RBracket,
    Star,
    /// `{`: opens a group's block.
    LBrace,
    /// `}`: closes it.
    RBrace,
}

/// A token and where it stands on its line: `col..end_col`, 1-based, in characters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token<'a> {
    pub tok: Tok<'a>,
    pub col: u32,
    pub end_col: u32,
}

/// A lexing problem: a message and the columns it covers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LexError {
    pub col: u32,
    pub end_col: u32,
    pub message: String,
}

/// Splits one line (without its newline) into tokens; `#` outside a string ends the line.
/// Never fails as a whole: an unterminated string or a bad escape gives an error and the
/// tokens read so far.
#[cfg(test)]
pub(crate) fn lex_line(line: &str) -> (Vec<Token<'_>>, Option<LexError>) {
    let mut toks = Vec::new();
    let err = lex_line_into(line, &mut toks);
    (toks, err)
}

/// [`lex_line`] into a caller's buffer (cleared first), so one buffer serves every line.
///
/// Walks bytes, decoding a character only where a byte is not ASCII: words (ids, numbers,
/// keywords) are almost always ASCII, and this loop reads every byte of a graph.
pub(crate) fn lex_line_into<'a>(line: &'a str, toks: &mut Vec<Token<'a>>) -> Option<LexError> {
    toks.clear();
    let bytes = line.as_bytes();
    let mut i = 0; // byte index of the next character
    let mut col: u32 = 0; // column of the char last taken, 1-based
    while i < bytes.len() {
        let c = char_at(line, i);
        let first = i;
        i += c.len_utf8();
        col += 1;
        let start = col;
        let single = match c {
            '#' => break,
            ':' => Some(Tok::Colon),
            ',' => Some(Tok::Comma),
            '[' => Some(Tok::LBracket),
            ']' => Some(Tok::RBracket),
            '*' => Some(Tok::Star),
            '{' => Some(Tok::LBrace),
            '}' => Some(Tok::RBrace),
            _ => None,
        };
        if let Some(tok) = single {
            toks.push(Token {
                tok,
                col: start,
                end_col: start + 1,
            });
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        if c == '"' {
            let mut s = String::new();
            let mut closed = false;
            while i < bytes.len() {
                let c = char_at(line, i);
                i += c.len_utf8();
                col += 1;
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => {
                        if i >= bytes.len() {
                            break;
                        }
                        let e = char_at(line, i);
                        i += e.len_utf8();
                        col += 1;
                        match e {
                            '"' => s.push('"'),
                            '\\' => s.push('\\'),
                            'n' => s.push('\n'),
                            't' => s.push('\t'),
                            other => {
                                let err = LexError {
                                    col: col - 1,
                                    end_col: col + 1,
                                    message: format!(
                                        "unknown escape `\\{other}` in a string: use \\\" \\\\ \\n or \\t"
                                    ),
                                };
                                return Some(err);
                            }
                        }
                    }
                    c => s.push(c),
                }
            }
            if !closed {
                let err = LexError {
                    col: start,
                    end_col: col + 1,
                    message: "this string has no closing `\"`".to_string(),
                };
                return Some(err);
            }
            toks.push(Token {
                tok: Tok::Str(s),
                col: start,
                end_col: col + 1,
            });
            continue;
        }
        // A word: up to a blank or one of `#:,[]{}"*`.
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                if ENDS_WORD[b as usize] {
                    break;
                }
                i += 1;
            } else {
                let d = char_at(line, i);
                if d.is_whitespace() {
                    break;
                }
                i += d.len_utf8();
            }
            col += 1;
        }
        toks.push(Token {
            tok: Tok::Word(&line[first..i]),
            col: start,
            end_col: col + 1,
        });
    }
    None
}

/// Which ASCII bytes end a word: blanks (those `char::is_whitespace` accepts) and `#:,[]{}"*`.
/// One load per byte in the lexer's hottest loop, instead of a chain of comparisons.
const ENDS_WORD: [bool; 128] = {
    let mut t = [false; 128];
    let ends = *b"\t\n\x0B\x0C\r #:,[]{}\"*";
    let mut k = 0;
    while k < ends.len() {
        t[ends[k] as usize] = true;
        k += 1;
    }
    t
};

/// The character that starts at byte `i` of `s` (`i` on a character boundary).
#[inline]
fn char_at(s: &str, i: usize) -> char {
    match s.as_bytes()[i] {
        b if b < 0x80 => b as char,
        _ => s[i..].chars().next().unwrap_or('\u{FFFD}'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_columns() {
        let (t, e) = lex_line("chunk[1..8] \"Ünïcode\" : cpu 40ms after split # c");
        assert!(e.is_none());
        let kinds: Vec<_> = t.iter().map(|t| t.tok.clone()).collect();
        assert_eq!(
            kinds,
            vec![
                Tok::Word("chunk"),
                Tok::LBracket,
                Tok::Word("1..8"),
                Tok::RBracket,
                Tok::Str("Ünïcode".into()),
                Tok::Colon,
                Tok::Word("cpu"),
                Tok::Word("40ms"),
                Tok::Word("after"),
                Tok::Word("split"),
            ]
        );
        assert_eq!((t[4].col, t[4].end_col), (13, 22));
        assert_eq!((t[5].col, t[9].col), (23, 40));
    }

    #[test]
    fn word_ends_are_blanks_and_punctuation() {
        for b in 0u8..128 {
            let expected = (b as char).is_whitespace()
                || matches!(
                    b,
                    b'#' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'"' | b'*'
                );
            assert_eq!(ENDS_WORD[b as usize], expected, "byte {b}");
        }
    }

    #[test]
    fn unterminated_string_is_an_error() {
        let (_, e) = lex_line("a \"oops : cpu 1");
        let e = e.unwrap();
        assert_eq!(e.col, 3);
        assert!(e.message.contains("closing"));
    }
}
