//! A small seeded generator (SplitMix64) and the pure draws built on it.
//!
//! SplitMix64 (Steele, Lea, Flood 2014; the constants of `java.util.SplittableRandom`) is
//! tiny, fast, has no platform-dependent parts and gives the same numbers on native and
//! wasm targets. Every random decision of a run is a pure function of the run's seed and
//! of *what* is decided (which task, which attempt), never of the order in which things
//! happen, so a real run and its simulation agree on which attempts fail.

/// The SplitMix64 finalizer: a bijective mix of 64 bits.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// A SplitMix64 stream. Same seed, same sequence, on every platform.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A stream starting from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix64(self.state)
    }

    /// A uniform float in [0, 1) with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        to_unit(self.next_u64())
    }

    /// A uniform integer in `0..n` (`n > 0`), by multiply-shift (bias below 2^-32 for
    /// the sizes used here).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }
}

/// Maps 64 bits to a float in [0, 1) using the top 53 bits.
#[inline]
pub fn to_unit(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Domain tags so that different kinds of draws from one seed are independent.
const FAIL_DOMAIN: u64 = 0x6661_696c; // "fail"
const ORDER_DOMAIN: u64 = 0x6f72_6472; // "ordr"

/// The uniform [0, 1) draw deciding whether attempt `attempt` (0-based) of task `task`
/// fails: `mix64(mix64(mix64(seed ^ FAIL) ^ task) ^ attempt)` mapped to [0, 1).
/// The attempt fails when the draw is below the task's `fail_probability`.
pub fn failure_draw(seed: u64, task: usize, attempt: u32) -> f64 {
    let a = mix64(seed ^ FAIL_DOMAIN);
    let b = mix64(a ^ (task as u64).wrapping_mul(GOLDEN));
    to_unit(mix64(b ^ (attempt as u64)))
}

/// The rank of `task` under the `random` policy (larger goes first): a pure function of
/// (seed, task), so the order is a seeded random permutation of the tasks.
pub fn order_key(seed: u64, task: usize) -> u64 {
    mix64(mix64(seed ^ ORDER_DOMAIN) ^ (task as u64).wrapping_mul(GOLDEN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_reference_values() {
        // Reference outputs of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next_u64(), 0x6e78_9e6a_a1b9_65f4);
        assert_eq!(r.next_u64(), 0x06c4_5d18_8009_454f);
    }

    #[test]
    fn draws_are_pure_and_roughly_uniform() {
        assert_eq!(failure_draw(7, 3, 1), failure_draw(7, 3, 1));
        assert_ne!(failure_draw(7, 3, 1), failure_draw(7, 3, 2));
        assert_ne!(failure_draw(7, 3, 1), failure_draw(8, 3, 1));
        let n = 100_000;
        let below = (0..n).filter(|&i| failure_draw(42, i, 0) < 0.3).count();
        assert!((below as f64 / n as f64 - 0.3).abs() < 0.01, "{below}");
        let mut r = SplitMix64::new(1);
        assert!((0..1000).all(|_| r.below(7) < 7));
    }
}
