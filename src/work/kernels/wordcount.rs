//! `wordcount`: counts the words of one chunk of a built-in text.

/// The built-in text: the opening of Charles Dickens, *A Tale of Two Cities* (1859), in
/// the public domain.
pub const TEXT: &str =
    "It was the best of times, it was the worst of times, it was the age of wisdom,
it was the age of foolishness, it was the epoch of belief, it was the epoch of incredulity,
it was the season of Light, it was the season of Darkness, it was the spring of hope,
it was the winter of despair, we had everything before us, we had nothing before us,
we were all going direct to Heaven, we were all going direct the other way - in short,
the period was so far like the present period, that some of its noisiest authorities
insisted on its being received, for good or for evil, in the superlative degree of
comparison only.
There were a king with a large jaw and a queen with a plain face, on the throne of England;
there were a king with a large jaw and a queen with a fair face, on the throne of France.
In both countries it was clearer than crystal to the lords of the State preserves of loaves
and fishes, that things in general were settled for ever.
It was the year of Our Lord one thousand seven hundred and seventy-five. Spiritual
revelations were conceded to England at that favoured period, as at this.";

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
