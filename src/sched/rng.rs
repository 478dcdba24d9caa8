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
const DURATION_DOMAIN: u64 = 0x6475_7261; // "dura"

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

/// The two random words a variable duration draws attempt `attempt` (0-based) of `task`
/// from (see `crate::graph::Spread::draw`): a pure function of (seed, task, attempt),
/// independent of the failure draw.
pub fn duration_bits(seed: u64, task: usize, attempt: u32) -> (u64, u64) {
    let a = mix64(seed ^ DURATION_DOMAIN);
    let b = mix64(a ^ (task as u64).wrapping_mul(GOLDEN));
    let c = mix64(b ^ (attempt as u64));
    (c, mix64(c ^ GOLDEN))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Micros, Spread};

    #[test]
    fn uniform_stays_in_range_and_hits_both_ends() {
        let s = Spread::Uniform {
            lo_us: 10,
            hi_us: 12,
        };
        let draws: Vec<_> = (0..300).map(|a| s.draw(duration_bits(1, 0, a))).collect();
        assert!(draws.iter().all(|&d| (10..=12).contains(&d)));
        assert!(draws.contains(&10) && draws.contains(&12));
    }

    #[test]
    fn lognormal_median_and_mean_are_right() {
        let s = Spread::Lognormal {
            median_us: 100_000,
            sigma: 0.8,
        };
        let mut d: Vec<_> = (0..20_000)
            .map(|t| s.draw(duration_bits(3, t, 0)))
            .collect();
        d.sort_unstable();
        let median = d[d.len() / 2] as f64;
        assert!((median / 100_000.0 - 1.0).abs() < 0.03, "{median}");
        let mean = d.iter().sum::<u64>() as f64 / d.len() as f64;
        assert!((mean / s.mean_us() as f64 - 1.0).abs() < 0.03, "{mean}");
        assert_eq!(s.mean_us(), 137_713);
    }

    #[test]
    fn normal_is_clipped_at_zero() {
        let s = Spread::Normal {
            mean_us: 1000,
            rel_sd: 2.0,
        };
        let d: Vec<_> = (0..5000).map(|t| s.draw(duration_bits(0, t, 0))).collect();
        assert!(d.contains(&0));
        let mean = d.iter().sum::<u64>() as f64 / d.len() as f64;
        assert!(
            (mean / s.mean_us() as f64 - 1.0).abs() < 0.06,
            "{mean} vs {}",
            s.mean_us()
        );
    }

    /// `lognormal 100ms 0.8`, seed 42, tasks 0..4, first attempt: the same µs on every
    /// platform (tests/wasm checks the same numbers in the wasm build).
    pub(crate) const GOLDEN_LOGNORMAL: [Micros; 4] = [236_008, 186_987, 99_356, 336_780];

    #[test]
    fn duration_draws_match_golden_values() {
        let s = Spread::Lognormal {
            median_us: 100_000,
            sigma: 0.8,
        };
        let d: Vec<_> = (0..4).map(|t| s.draw(duration_bits(42, t, 0))).collect();
        assert_eq!(d, GOLDEN_LOGNORMAL);
    }

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
