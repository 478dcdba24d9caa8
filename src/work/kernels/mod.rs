//! Real compute kernels with checkable outputs, one per file. Each is deterministic and
//! documented, so a run's aggregated result can be checked against a known value.
//!
//! These are the kernels' *bodies*; what a kernel is (its names, arguments and cost model)
//! is the model layer's `crate::graph::kernel`, re-exported here.

mod counter;
mod hash;
mod mandelbrot;
mod primes;
mod run;
mod sort;
mod wordcount;

pub use crate::graph::kernel::*;
pub use counter::increment;
pub use hash::{fnv1a, hash_range, splitmix64, stream_byte};
pub use mandelbrot::mandelbrot_rows;
pub use primes::count_primes;
pub use run::{
    calibrate_kernels, calibrate_kernels_on, calibration_sample, run, CALIBRATION_SAMPLES,
};
pub use sort::sort_checksum;
pub use wordcount::{wordcount_chunk, TEXT as WORDCOUNT_TEXT};
