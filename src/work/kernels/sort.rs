//! `sort N`: sorts N pseudo-random 64-bit numbers.

use super::hash::splitmix64;

/// Sorts the N numbers `splitmix64(seed + i)` and returns a checksum that depends on the
/// order: the sum over i of `sorted[i] * (i + 1)` (wrapping). Two different orders of the
/// same numbers almost surely give different checksums.
pub fn sort_checksum(n: u64, seed: u64) -> u64 {
    let mut v: Vec<u64> = (0..n).map(|i| splitmix64(seed.wrapping_add(i))).collect();
    v.sort_unstable();
    v.iter().enumerate().fold(0u64, |acc, (i, &x)| {
        acc.wrapping_add(x.wrapping_mul(i as u64 + 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_is_that_of_the_sorted_sequence() {
        let n = 1000;
        let mut v: Vec<u64> = (0..n).map(|i| splitmix64(7 + i)).collect();
        let unsorted = v.iter().enumerate().fold(0u64, |a, (i, &x)| {
            a.wrapping_add(x.wrapping_mul(i as u64 + 1))
        });
        v.sort();
        assert!(v.windows(2).all(|w| w[0] <= w[1]));
        let sorted = v.iter().enumerate().fold(0u64, |a, (i, &x)| {
            a.wrapping_add(x.wrapping_mul(i as u64 + 1))
        });
        assert_eq!(sort_checksum(n, 7), sorted);
        assert_ne!(sorted, unsorted);
        assert_eq!(sort_checksum(0, 7), 0);
    }
}
