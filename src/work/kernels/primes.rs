//! `primes a..b`: counts the primes in the half-open range [a, b) with a segmented sieve.

/// The number of primes p with `from <= p < to`. Memory is O(√to + (to - from)); ranges
/// are limited by the language to keep that small.
pub fn count_primes(from: u64, to: u64) -> u64 {
    if to <= 2 || to <= from {
        return 0;
    }
    let from = from.max(2);
    let root = (to as f64).sqrt() as u64 + 1;
    let mut small = vec![true; (root + 1) as usize];
    let mut base = Vec::new();
    for i in 2..=root {
        if small[i as usize] {
            base.push(i);
            let mut j = i * i;
            while j <= root {
                small[j as usize] = false;
                j += i;
            }
        }
    }
    // Sieve in blocks that stay in the cache, so the cost per number does not grow with the
    // range (the cost model, `crate::graph::kernel::primes_units`, relies on it).
    let mut segment = vec![true; BLOCK.min(to - from) as usize];
    let mut count = 0u64;
    let mut lo = from;
    while lo < to {
        let hi = to.min(lo + BLOCK);
        let seg = &mut segment[..(hi - lo) as usize];
        seg.fill(true);
        for &p in &base {
            if p * p >= hi {
                break;
            }
            let mut m = (lo.div_ceil(p) * p).max(p * p);
            while m < hi {
                seg[(m - lo) as usize] = false;
                m += p;
            }
        }
        count += seg.iter().filter(|&&is_prime| is_prime).count() as u64;
        lo = hi;
    }
    count
}

/// Numbers sieved at a time: 256 KiB of flags, within a core's L2 cache (the model's block).
pub const BLOCK: u64 = crate::graph::kernel::PRIMES_BLOCK;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_prime_counts() {
        assert_eq!(count_primes(0, 10), 4);
        assert_eq!(count_primes(0, 100), 25);
        assert_eq!(count_primes(0, 1_000_000), 78_498);
        assert_eq!(count_primes(2, 3), 1);
        assert_eq!(count_primes(10, 10), 0);
        assert_eq!(count_primes(100, 0), 0);
    }

    #[test]
    fn ranges_split_and_add_up() {
        let whole = count_primes(0, 200_000);
        let parts: u64 = (0..8)
            .map(|i| count_primes(i * 25_000, (i + 1) * 25_000))
            .sum();
        assert_eq!(parts, whole);
        assert_eq!(whole, 17_984);
    }
}
