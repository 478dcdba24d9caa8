//! `wordcount`: counts the words of one chunk of a built-in text.

/// The built-in text (it is part of the cost model, so the model layer holds it).
pub use crate::graph::kernel::WORDCOUNT_TEXT as TEXT;

/// The number of words (runs of non-whitespace) in chunk `index` of `chunks`: the text's
/// lines are split into `chunks` contiguous groups of nearly equal size. The chunks' counts
/// add up to the whole text's count. An out-of-range chunk has no words.
pub fn wordcount_chunk(chunks: u32, index: u32) -> u64 {
    if chunks == 0 || index >= chunks {
        return 0;
    }
    let lines: Vec<&str> = TEXT.lines().collect();
    let n = lines.len();
    let (lo, hi) = (
        n * index as usize / chunks as usize,
        n * (index as usize + 1) / chunks as usize,
    );
    lines[lo..hi]
        .iter()
        .map(|l| l.split_whitespace().count() as u64)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_text_has_its_known_word_count() {
        assert_eq!(wordcount_chunk(1, 0), 213);
    }

    #[test]
    fn chunks_add_up() {
        for chunks in [2, 3, 5, 8, 14, 20] {
            let sum: u64 = (0..chunks).map(|i| wordcount_chunk(chunks, i)).sum();
            assert_eq!(sum, 213, "{chunks} chunks");
        }
        assert_eq!(wordcount_chunk(4, 4), 0);
    }
}
