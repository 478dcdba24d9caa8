//! Raw bytes to source text: the size limit and the UTF-8 check, both reported as located
//! diagnostics before any parsing starts.

use super::limits::MAX_TEXT_BYTES;
use super::Diagnostic;

/// The error for a text of `len` bytes, when `len` is over [`MAX_TEXT_BYTES`].
pub fn too_long(len: u64) -> Option<Diagnostic> {
    (len > MAX_TEXT_BYTES as u64).then(|| {
        Diagnostic::error(
            1,
            1,
            1,
            format!("the text is {len} bytes long; the limit is {MAX_TEXT_BYTES} bytes"),
        )
    })
}

/// The lines of `text`, exactly as [`str::lines`] gives them (split at `\n`, a `\r` just
/// before it dropped, no empty last line after a final `\n`), found with `memchr`: the
/// line splitter is the first loop over every byte of a graph, and `str::lines` cost about
/// 190 instructions a line.
pub(crate) fn lines(text: &str) -> Lines<'_> {
    Lines { rest: text }
}

/// The iterator [`lines`] returns.
pub(crate) struct Lines<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        match memchr::memchr(b'\n', self.rest.as_bytes()) {
            Some(i) => {
                // `\n` is ASCII: both slices are on character boundaries.
                let line = &self.rest[..i];
                self.rest = &self.rest[i + 1..];
                Some(line.strip_suffix('\r').unwrap_or(line))
            }
            None => Some(std::mem::take(&mut self.rest)),
        }
    }
}

/// `bytes` as text, or an error at the first byte that is not UTF-8:
/// `line:col: error: invalid UTF-8 byte 0x..` (line and column 1-based, the column in
/// characters, like every other diagnostic). Over [`MAX_TEXT_BYTES`] it is the size error,
/// found without looking at the bytes.
pub fn decode(bytes: &[u8]) -> Result<&str, Diagnostic> {
    if let Some(d) = too_long(bytes.len() as u64) {
        return Err(d);
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        // The prefix is valid UTF-8 by definition.
        let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let (line, line_start) = match before.rfind('\n') {
            Some(nl) => (before.matches('\n').count() + 1, nl + 1),
            None => (1, 0),
        };
        let col = before[line_start..].chars().count() + 1;
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Diagnostic::error(
            clamp(line),
            clamp(col),
            1,
            format!("invalid UTF-8 byte 0x{:02x}", bytes[at]),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_those_of_str_lines() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\r\n",
            "a\r",
            "a\rb\n",
            "\n\n",
            "a\n\nb",
            "a\r\n\r\nb\r",
            "é\r\nü",
            "\r",
            "\r\n",
            "x\n\r",
        ] {
            assert_eq!(
                lines(text).collect::<Vec<_>>(),
                text.lines().collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }
}
