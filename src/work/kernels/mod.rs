//! Real compute kernels with checkable outputs, one per file. Each is deterministic and
//! documented, so a run's aggregated result can be checked against a known value.

mod counter;
mod hash;
mod mandelbrot;
mod primes;
mod sort;
mod spec;
mod wordcount;

pub use counter::increment;
pub use hash::{fnv1a, hash_range, splitmix64, stream_byte};
pub use mandelbrot::mandelbrot_rows;
pub use primes::count_primes;
pub use sort::sort_checksum;
pub use spec::*;
pub use wordcount::{wordcount_chunk, TEXT as WORDCOUNT_TEXT};
