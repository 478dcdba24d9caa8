//! Real compute kernels with checkable outputs, one per file. Each is deterministic and
//! documented, so a run's aggregated result can be checked against a known value.

mod counter;
mod hash;
mod mandelbrot;
mod primes;
mod sort;
mod wordcount;

pub use counter::increment;
pub use hash::{fnv1a, hash_stream, splitmix64};
pub use mandelbrot::{mandelbrot_tile, MandelbrotImage};
pub use primes::count_primes;
pub use sort::sort_checksum;
pub use wordcount::{wordcount_chunk, TEXT as WORDCOUNT_TEXT};
