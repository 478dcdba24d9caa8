//! Variable durations: a task's amount may be a distribution (`io 100ms..2s`,
//! `io 100ms ~ 30%`, `io lognormal 100ms 0.8`).
//!
//! A draw is a pure function of (seed, task, attempt): `crate::sched::rng::duration_bits`
//! gives the random bits, [`Spread::draw`] maps them to whole µs. The float functions come
//! from the `libm` crate (pure Rust, no fused operations), never from the platform's libm,
//! so native and wasm builds give the same µs for the same seed.

use super::Micros;
use serde::{Deserialize, Serialize};

/// The longest duration a draw may give (the language's limit, one hour).
pub const MAX_DRAW_US: Micros = 3_600_000_000;

/// How a task's duration varies from attempt to attempt.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case")]
pub enum Spread {
    /// `lo..hi`: uniform over the whole µs from `lo_us` to `hi_us` (both included).
    Uniform { lo_us: Micros, hi_us: Micros },
    /// `mean ~ p%`: normal with standard deviation `rel_sd × mean`, clipped at 0.
    Normal { mean_us: Micros, rel_sd: f64 },
    /// `lognormal median sigma`: `median × exp(sigma × z)`, z standard normal.
    Lognormal { median_us: Micros, sigma: f64 },
}

/// Maps 64 bits to a float in (0, 1] (never 0, so its logarithm is finite).
fn open_unit(bits: u64) -> f64 {
    ((bits >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A standard normal from two 64-bit draws (Box–Muller, cosine branch).
fn std_normal(b1: u64, b2: u64) -> f64 {
    let r = (-2.0 * libm::log(open_unit(b1))).sqrt();
    r * libm::cos(2.0 * std::f64::consts::PI * open_unit(b2))
}

fn to_us(x: f64) -> Micros {
    if x.is_nan() || x <= 0.0 {
        0
    } else if x >= MAX_DRAW_US as f64 {
        MAX_DRAW_US
    } else {
        libm::round(x) as Micros
    }
}

impl Spread {
    /// The duration an attempt takes, from two 64-bit random words (see
    /// `crate::sched::rng::duration_bits`).
    pub fn draw(&self, bits: (u64, u64)) -> Micros {
        match *self {
            Spread::Uniform { lo_us, hi_us } => {
                let n = hi_us.saturating_sub(lo_us) as u128 + 1;
                lo_us + ((bits.0 as u128 * n) >> 64) as Micros
            }
            Spread::Normal { mean_us, rel_sd } => {
                let m = mean_us as f64;
                to_us(m + rel_sd * m * std_normal(bits.0, bits.1))
            }
            Spread::Lognormal { median_us, sigma } => {
                to_us(median_us as f64 * libm::exp(sigma * std_normal(bits.0, bits.1)))
            }
        }
    }

    /// The expected duration, in whole µs (what analysis counts as the task's work).
    pub fn mean_us(&self) -> Micros {
        match *self {
            Spread::Uniform { lo_us, hi_us } => lo_us + (hi_us - lo_us) / 2,
            Spread::Normal { mean_us, rel_sd } => {
                // E[max(0, X)] = μΦ(μ/σ) + σφ(μ/σ).
                let (m, s) = (mean_us as f64, rel_sd * mean_us as f64);
                if s <= 0.0 {
                    return mean_us;
                }
                let a = m / s;
                let cdf = 0.5 * (1.0 + libm::erf(a / std::f64::consts::SQRT_2));
                let pdf = libm::exp(-0.5 * a * a) / (2.0 * std::f64::consts::PI).sqrt();
                to_us(m * cdf + s * pdf)
            }
            Spread::Lognormal { median_us, sigma } => {
                to_us(median_us as f64 * libm::exp(sigma * sigma / 2.0))
            }
        }
    }

    /// The `.dag` spelling of the amount, without the kind: `100ms..2s`, `100ms ~ 30%`,
    /// `lognormal 100ms 0.8`.
    pub fn to_text(&self, fmt: impl Fn(Micros) -> String) -> String {
        match *self {
            Spread::Uniform { lo_us, hi_us } => format!("{}..{}", fmt(lo_us), fmt(hi_us)),
            Spread::Normal { mean_us, rel_sd } => {
                format!("{} ~ {}%", fmt(mean_us), trim(rel_sd * 100.0))
            }
            Spread::Lognormal { median_us, sigma } => {
                format!("lognormal {} {}", fmt(median_us), trim(sigma))
            }
        }
    }
}

/// A float written without float noise (`30`, not `30.000000000000004`).
fn trim(x: f64) -> String {
    let s = format!("{:.9}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}
