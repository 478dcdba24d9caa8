//! A kernel as the language writes it: what to compute, and which part of it one task does.
//!
//! Syntax (after the task's `:`), with whole numbers that may take a `k` (×1,000) or `M`
//! (×1,000,000) suffix:
//!
//! | kernel | computes | value |
//! | --- | --- | --- |
//! | `primes A..B` | the primes in [A, B) | how many |
//! | `mandelbrot SIZE [iter N]` | a SIZE×SIZE image of the set, N iterations (default 256) | pixels inside |
//! | `hash N` | FNV-1a over N bytes of a fixed stream | the hash's low 48 bits |
//! | `sort N` | sorts N pseudo-random numbers | an order-sensitive checksum's low 48 bits |
//! | `wordcount` | the words of a built-in text | how many |
//! | `counter N plain\|atomic` | adds 1 to one shared counter N times | the counter, read after |
//! | `panic` | a bug: the task's code panics | none: the attempt fails |
//!
//! A task of a range declaration (`p[1..8] : primes 0..1M`) does part i of n: its slice of
//! the range, its band of image rows, its slice of the bytes or numbers, its chunk of the
//! text, so the parts add up to the whole. `counter` is not split: each task adds N. A part
//! can also be written out: `primes 0..1M part 3/8`.

use super::{count_primes, hash_range, increment, mandelbrot_rows, sort_checksum, wordcount_chunk};
use crate::graph::Micros;
use serde::{Deserialize, Serialize};
use std::sync::atomic::AtomicU64;

/// The kernels' names, in the order the docs list them.
pub const KERNELS: [&str; 7] = [
    "primes",
    "mandelbrot",
    "hash",
    "sort",
    "wordcount",
    "counter",
    "panic",
];

/// Largest span of a `primes` range (the sieve holds one byte per number).
pub const MAX_PRIMES_SPAN: u64 = 20_000_000;
/// Largest end of a `primes` range.
pub const MAX_PRIMES_END: u64 = 1_000_000_000_000;
/// Largest `mandelbrot` image side and iteration count.
pub const MAX_MANDELBROT_SIZE: u32 = 4096;
pub const MAX_MANDELBROT_ITER: u32 = 100_000;
/// Largest `hash` input, in bytes.
pub const MAX_HASH_BYTES: u64 = 1_000_000_000;
/// Largest `sort` input (8 bytes each).
pub const MAX_SORT: u64 = 5_000_000;
/// Largest `counter` count.
pub const MAX_COUNTER: u64 = 1_000_000_000;

/// What a kernel computes, before it is split into parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum Kernel {
    Primes {
        from: u64,
        to: u64,
    },
    Mandelbrot {
        size: u32,
        iter: u32,
    },
    Hash {
        bytes: u64,
    },
    Sort {
        n: u64,
    },
    Wordcount,
    Counter {
        times: u64,
        atomic: bool,
    },
    /// A task whose code panics: what a bug does to a worker, a thread pool, a process.
    Panic,
}

/// One task's kernel: part `part` (0-based) of `parts` of `kernel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelWork {
    pub kernel: Kernel,
    pub part: u32,
    pub parts: u32,
}

fn number(word: &str) -> Result<u64, String> {
    let (digits, scale) = match word.strip_suffix('M') {
        Some(d) => (d, 1_000_000),
        None => match word.strip_suffix('k') {
            Some(d) => (d, 1_000),
            None => (word, 1),
        },
    };
    digits
        .replace('_', "")
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| format!("`{word}` is not a whole number (like 1000, 10k or 2M)"))
}

fn at_most(what: &str, n: u64, max: u64) -> Result<u64, String> {
    if n > max {
        Err(format!("{what} {n} is more than the limit of {max}"))
    } else {
        Ok(n)
    }
}

/// The bounds of part `part` of `parts` of `0..len`.
fn slice(len: u64, part: u32, parts: u32) -> (u64, u64) {
    let (p, n) = (part as u128, parts.max(1) as u128);
    (
        (len as u128 * p / n) as u64,
        (len as u128 * (p + 1) / n) as u64,
    )
}

impl KernelWork {
    /// Parses a kernel named `name` with its argument words (everything up to the task's
    /// options). The message of an error says what is wrong in words a student follows.
    pub fn parse(name: &str, args: &[&str]) -> Result<KernelWork, String> {
        let (args, part, parts) = match args {
            [rest @ .., "part", p] => {
                let (i, n) = p
                    .split_once('/')
                    .and_then(|(i, n)| Some((i.parse::<u32>().ok()?, n.parse::<u32>().ok()?)))
                    .filter(|&(i, n)| n >= 1 && (1..=n).contains(&i))
                    .ok_or_else(|| format!("`part {p}` is not a part: write it like `part 3/8` (from 1 to the number of parts)"))?;
                (rest, i - 1, n)
            }
            _ => (args, 0, 1),
        };
        let wrong = |usage: &str| Err(format!("`{name}` takes {usage}"));
        let kernel = match (name, args) {
            ("primes", [range]) => {
                let (a, b) = range.split_once("..").ok_or_else(|| {
                    format!("`{range}` is not a range: write `primes A..B`, like `primes 0..1M`")
                })?;
                let (from, to) = (number(a)?, number(b)?);
                if from > to {
                    return Err(format!(
                        "the range `{range}` is empty: the first number must not be larger"
                    ));
                }
                at_most("the range's end", to, MAX_PRIMES_END)?;
                at_most("the range's span", to - from, MAX_PRIMES_SPAN)?;
                Kernel::Primes { from, to }
            }
            ("primes", _) => return wrong("a range: `primes 0..1M`"),
            ("mandelbrot", [size, rest @ ..]) => {
                let size =
                    at_most("the image size", number(size)?, MAX_MANDELBROT_SIZE as u64)? as u32;
                let iter = match rest {
                    [] => 256,
                    ["iter", n] => at_most(
                        "the iteration count",
                        number(n)?,
                        MAX_MANDELBROT_ITER as u64,
                    )? as u32,
                    _ => {
                        return wrong(
                            "an image size and optionally `iter N`: `mandelbrot 512 iter 256`",
                        )
                    }
                };
                if size == 0 || iter == 0 {
                    return Err(
                        "`mandelbrot` needs a size and an iteration count of at least 1".into(),
                    );
                }
                Kernel::Mandelbrot { size, iter }
            }
            ("mandelbrot", _) => return wrong("an image size: `mandelbrot 512`"),
            ("hash", [n]) => Kernel::Hash {
                bytes: at_most("the byte count", number(n)?, MAX_HASH_BYTES)?,
            },
            ("hash", _) => return wrong("a byte count: `hash 10M`"),
            ("sort", [n]) => Kernel::Sort {
                n: at_most("the count", number(n)?, MAX_SORT)?,
            },
            ("sort", _) => return wrong("a count: `sort 1M`"),
            ("wordcount", []) => Kernel::Wordcount,
            ("wordcount", _) => {
                return wrong("no arguments: `wordcount` (a range of tasks splits the text)")
            }
            ("counter", [n, how @ ("plain" | "atomic")]) => Kernel::Counter {
                times: at_most("the count", number(n)?, MAX_COUNTER)?,
                atomic: *how == "atomic",
            },
            ("counter", _) => return wrong("a count and `plain` or `atomic`: `counter 1M plain`"),
            ("panic", []) => Kernel::Panic,
            ("panic", _) => return wrong("no arguments: `panic`"),
            _ => return Err(format!("`{name}` is not a kernel")),
        };
        Ok(KernelWork {
            kernel,
            part,
            parts,
        })
    }

    /// The kernel's name.
    pub fn name(&self) -> &'static str {
        match self.kernel {
            Kernel::Primes { .. } => "primes",
            Kernel::Mandelbrot { .. } => "mandelbrot",
            Kernel::Hash { .. } => "hash",
            Kernel::Sort { .. } => "sort",
            Kernel::Wordcount => "wordcount",
            Kernel::Counter { .. } => "counter",
            Kernel::Panic => "panic",
        }
    }

    /// The kernel's arguments as the language writes them, with its part when it has one
    /// (`0..1000000 part 3/8`); `parse(name, words of args)` gives it back.
    pub fn args(&self) -> String {
        let base = match &self.kernel {
            Kernel::Primes { from, to } => format!("{from}..{to}"),
            Kernel::Mandelbrot { size, iter } => format!("{size} iter {iter}"),
            Kernel::Hash { bytes } => bytes.to_string(),
            Kernel::Sort { n } => n.to_string(),
            Kernel::Wordcount | Kernel::Panic => String::new(),
            Kernel::Counter { times, atomic } => {
                format!("{times} {}", if *atomic { "atomic" } else { "plain" })
            }
        };
        let part = if self.parts > 1 {
            format!("part {}/{}", self.part + 1, self.parts)
        } else {
            String::new()
        };
        [base, part]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The nominal cost of this part, used by the scheduler and the simulator (the real run
    /// measures the real time). Rates measured natively (release) on this project's 2-core
    /// machine with the `calibrate` test below: primes 1.4 ns a number, mandelbrot about
    /// 1.4 ns a pixel-iteration, hash 1 ns a byte, sort 1 ns × m·log2 m, counter 5 ns an
    /// atomic addition (0.5 ns plain), wordcount 6 µs.
    pub fn estimate_us(&self) -> Micros {
        let (p, n) = (self.part, self.parts);
        let ns: u128 = match self.kernel {
            Kernel::Primes { from, to } => {
                let (a, b) = slice(to - from, p, n);
                (b - a) as u128 * 14 / 10
            }
            Kernel::Mandelbrot { size, iter } => {
                let (a, b) = slice(size as u64, p, n);
                // About a fifth of the view is inside the set and costs every iteration.
                ((b - a) as u128 * size as u128) * (iter as u128 / 5 + 20) * 14 / 10
            }
            Kernel::Hash { bytes } => {
                let (a, b) = slice(bytes, p, n);
                (b - a) as u128
            }
            Kernel::Sort { n: count } => {
                let (a, b) = slice(count, p, n);
                let m = (b - a).max(2) as u128;
                m * (128 - m.leading_zeros() as u128)
            }
            Kernel::Wordcount => 6_000,
            Kernel::Counter {
                times,
                atomic: true,
            } => times as u128 * 5,
            Kernel::Counter {
                times,
                atomic: false,
            } => times as u128 / 2,
            Kernel::Panic => 1_000,
        };
        (ns / 1000).min(u64::MAX as u128) as Micros
    }

    /// Runs this part and returns its value (see the module doc). `counter` is the one
    /// shared counter of the run's memory. `panic` panics, on purpose.
    pub fn run(&self, counter: &AtomicU64) -> i64 {
        let (p, n) = (self.part, self.parts);
        let low48 = |x: u64| (x & ((1 << 48) - 1)) as i64;
        match self.kernel {
            Kernel::Primes { from, to } => {
                let (a, b) = slice(to - from, p, n);
                count_primes(from + a, from + b) as i64
            }
            Kernel::Mandelbrot { size, iter } => {
                let (a, b) = slice(size as u64, p, n);
                mandelbrot_rows(size, iter, a as u32, b as u32) as i64
            }
            Kernel::Hash { bytes } => {
                let (a, b) = slice(bytes, p, n);
                low48(hash_range(a, b))
            }
            Kernel::Sort { n: count } => {
                let (a, b) = slice(count, p, n);
                low48(sort_checksum(b - a, a))
            }
            Kernel::Wordcount => wordcount_chunk(n, p) as i64,
            Kernel::Counter { times, atomic } => {
                increment(counter, times, atomic);
                counter.load(std::sync::atomic::Ordering::Relaxed) as i64
            }
            Kernel::Panic => panic!("the task `panic` panicked, as it is written to"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(name: &str, args: &str) -> Result<KernelWork, String> {
        KernelWork::parse(name, &args.split_whitespace().collect::<Vec<_>>())
    }

    #[test]
    fn parses_every_kernel_and_prints_it_back() {
        for (name, args) in [
            ("primes", "0..1000000"),
            ("mandelbrot", "512 iter 300"),
            ("hash", "10000000"),
            ("sort", "1000000"),
            ("wordcount", ""),
            ("counter", "1000 atomic"),
            ("panic", ""),
            ("primes", "0..100 part 3/8"),
        ] {
            let k = kw(name, args).unwrap();
            assert_eq!(k.name(), name);
            assert_eq!(k.args(), args, "{name}");
            assert_eq!(kw(name, &k.args()).unwrap(), k);
        }
        assert_eq!(
            kw("hash", "10M").unwrap().kernel,
            Kernel::Hash { bytes: 10_000_000 }
        );
        assert_eq!(kw("sort", "2k").unwrap().kernel, Kernel::Sort { n: 2_000 });
    }

    #[test]
    fn bad_arguments_say_what_is_expected() {
        assert!(kw("primes", "10").unwrap_err().contains("primes A..B"));
        assert!(kw("primes", "9..3").unwrap_err().contains("empty"));
        assert!(kw("primes", "0..100000000").unwrap_err().contains("limit"));
        assert!(kw("mandelbrot", "").unwrap_err().contains("size"));
        assert!(kw("counter", "5 maybe").unwrap_err().contains("plain"));
        assert!(kw("sort", "lots").unwrap_err().contains("whole number"));
        assert!(kw("hash", "1 part 9/8").unwrap_err().contains("part"));
        assert!(kw("wordcount", "x").unwrap_err().contains("no arguments"));
    }

    #[test]
    fn parts_add_up_to_the_whole() {
        let c = AtomicU64::new(0);
        let whole = |name: &str, args: &str| kw(name, args).unwrap().run(&c);
        let parts = |name: &str, args: &str, n: u32| -> i64 {
            (1..=n)
                .map(|i| kw(name, &format!("{args} part {i}/{n}")).unwrap().run(&c))
                .sum()
        };
        assert_eq!(whole("primes", "0..1M"), 78_498);
        assert_eq!(parts("primes", "0..1M", 8), 78_498);
        assert_eq!(
            parts("mandelbrot", "200 iter 100", 7),
            whole("mandelbrot", "200 iter 100")
        );
        assert_eq!(parts("wordcount", "", 5), 213);
    }

    #[test]
    fn estimates_grow_with_the_work_and_split_with_the_parts() {
        let e = |name: &str, args: &str| kw(name, args).unwrap().estimate_us();
        assert!(e("primes", "0..2M") > e("primes", "0..1M"));
        assert!(e("primes", "0..1M part 1/4") * 4 <= e("primes", "0..1M") + 4);
        assert!(e("sort", "1M") > 10 * e("sort", "100k"));
        assert!(e("mandelbrot", "512") > e("mandelbrot", "256"));
    }

    /// Prints each kernel's measured time against its estimate. Run to recalibrate:
    /// `cargo test --release --lib calibrate -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn calibrate() {
        let c = AtomicU64::new(0);
        for (name, args) in [
            ("primes", "0..10M"),
            ("mandelbrot", "512 iter 256"),
            ("hash", "50M"),
            ("sort", "1M"),
            ("wordcount", ""),
            ("counter", "20M atomic"),
            ("counter", "20M plain"),
        ] {
            let k = kw(name, args).unwrap();
            let t0 = std::time::Instant::now();
            std::hint::black_box(k.run(&c));
            let real = t0.elapsed().as_secs_f64() * 1e6;
            println!(
                "{name} {args}: measured {real:.0} us, estimated {} us, ratio {:.2}",
                k.estimate_us(),
                real / k.estimate_us() as f64
            );
        }
    }
}
