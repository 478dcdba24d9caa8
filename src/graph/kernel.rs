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
//!
//! This module is the kernel's *specification*, in the model layer: its names, its
//! arguments, and its **cost model** ([`KernelWork::cost_units`]: abstract work units, a
//! function of the arguments alone) with the [`KernelCalibration`] that turns units into
//! time. The bodies that compute the values live in `crate::work::kernels`.

use crate::graph::Micros;
use serde::{Deserialize, Serialize};
use std::sync::RwLock;

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

/// The bounds of part `part` of `parts` of `0..len`: the parts of `0..len` cover it
/// exactly, in order, without overlap.
pub fn slice(len: u64, part: u32, parts: u32) -> (u64, u64) {
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

    /// The part's own bounds in `0..len` (see [`slice`]).
    pub fn bounds(&self, len: u64) -> (u64, u64) {
        slice(len, self.part, self.parts)
    }

    /// Which calibration factor prices this kernel's units (`counter` has two: an atomic
    /// addition costs several times a plain one).
    pub fn cost_class(&self) -> CostClass {
        match self.kernel {
            Kernel::Primes { .. } => CostClass::Primes,
            Kernel::Mandelbrot { .. } => CostClass::Mandelbrot,
            Kernel::Hash { .. } => CostClass::Hash,
            Kernel::Sort { .. } => CostClass::Sort,
            Kernel::Wordcount => CostClass::Wordcount,
            Kernel::Counter { atomic: false, .. } => CostClass::CounterPlain,
            Kernel::Counter { atomic: true, .. } => CostClass::CounterAtomic,
            Kernel::Panic => CostClass::Panic,
        }
    }

    /// The cost model: this part's work in abstract units, a function of its arguments
    /// only (deterministic, cheap: at most 131,072 Mandelbrot iterations to sample a band).
    /// - `primes a..b` (the part's slice of it, n numbers, top b): the segmented sieve
    ///   crosses out n·Σ_{p≤√b} 1/p ≈ n·(ln ln √b + 0.2615) multiples (Mertens), reads
    ///   the n flags once, sieves the base primes up to √b, and starts each base prime
    ///   (≈ √b / ln √b of them) once per block of 2^18 numbers:
    ///   `n·(1 + max(0, ln ln √b + 0.2615)) + PRIMES_ROOT_UNITS·√b +
    ///   PRIMES_START_UNITS·⌈n / 2^18⌉·√b / ln √b`.
    /// - `mandelbrot S iter N` (the part's rows r): pixels × the mean of
    ///   [`mandelbrot_pixel_units`] (about the iterations, the first four cheaper), the
    ///   mean taken exactly over every pixel when the band has at most 256, else over a
    ///   16 × 16 grid of its pixels (iterations capped at 512, a pixel reaching the cap
    ///   counted as never escaping: N).
    /// - `hash N`: the part's bytes.
    /// - `sort N` (m numbers): `m·(log2 m + 1)`, comparisons plus generating them.
    /// - `wordcount`: the bytes of the whole text (it is split into lines) plus the
    ///   bytes of the part's lines.
    /// - `counter N`: N additions (priced per class: plain or atomic).
    /// - `panic`: 1.
    pub fn cost_units(&self) -> f64 {
        match self.kernel {
            Kernel::Primes { from, to } => {
                let (a, b) = self.bounds(to - from);
                primes_units(from + a, from + b)
            }
            Kernel::Mandelbrot { size, iter } => {
                let (a, b) = self.bounds(size as u64);
                mandelbrot_units(size, iter, a as u32, b as u32)
            }
            Kernel::Hash { bytes } => {
                let (a, b) = self.bounds(bytes);
                (b - a) as f64
            }
            Kernel::Sort { n } => {
                let (a, b) = self.bounds(n);
                sort_units(b - a)
            }
            Kernel::Wordcount => wordcount_units(self.parts, self.part),
            Kernel::Counter { times, .. } => times as f64,
            Kernel::Panic => 1.0,
        }
    }

    /// The modelled duration of this part on one idle core, with calibration `cal`.
    pub fn modelled_us_with(&self, cal: &KernelCalibration) -> Micros {
        let ns = self.cost_units() * cal.ns_per_unit(self.cost_class());
        if ns.is_finite() && ns > 0.0 {
            (ns / 1000.0).round().min(u64::MAX as f64) as Micros
        } else {
            0
        }
    }

    /// The modelled duration of this part with the process's current calibration (see
    /// [`calibration`]): what analysis, scheduling and simulation use.
    pub fn modelled_us(&self) -> Micros {
        self.modelled_us_with(&calibration())
    }
}

/// The primes model on `[lo, hi)` (see [`KernelWork::cost_units`]).
pub fn primes_units(lo: u64, hi: u64) -> f64 {
    if hi <= lo {
        return 0.0;
    }
    let n = (hi - lo) as f64;
    let root = (hi as f64).sqrt();
    let marks = if root > 2.0 {
        (root.ln().ln() + 0.2615).max(0.0)
    } else {
        0.0
    };
    // Each block of PRIMES_BLOCK numbers starts every base prime below its top afresh.
    let blocks = (n / PRIMES_BLOCK as f64).ceil();
    let base = if root > 3.0 { root / root.ln() } else { 1.0 };
    n * (1.0 + marks) + PRIMES_ROOT_UNITS * root + PRIMES_START_UNITS * blocks * base
}

/// What sieving the base primes costs per number up to √b, in the units of one crossing-out:
/// a flag vector of √b + 1, a branch per number, a push per prime. Fitted (least squares on
/// relative error) to the measured durations of 17 ranges from `0..100k` to
/// `999000M..999004M` in both wasm builds (2026-12-04: 6.3 plain, 7.3 threads); with 2, the
/// model priced `primes 999000M..999001M` at 0.41 of its measured duration.
pub const PRIMES_ROOT_UNITS: f64 = 7.0;

/// What starting one base prime in one block costs, in the same units: the division that
/// finds its first multiple in the block, and a crossing loop's set-up and exit (fitted with
/// [`PRIMES_ROOT_UNITS`]: 20.7 plain, 19.6 threads).
pub const PRIMES_START_UNITS: f64 = 20.0;

/// The `primes` body sieves this many numbers at a time (a block that stays in the cache),
/// so its cost per number does not grow with the range: the model above assumes it.
pub const PRIMES_BLOCK: u64 = 1 << 18;

/// The sort model for m numbers (see [`KernelWork::cost_units`]).
pub fn sort_units(m: u64) -> f64 {
    if m == 0 {
        return 0.0;
    }
    let m = m as f64;
    m * (m.log2().max(0.0) + 1.0)
}

/// The wordcount model for chunk `index` of `chunks` (see [`KernelWork::cost_units`]).
pub fn wordcount_units(chunks: u32, index: u32) -> f64 {
    let lines: Vec<&str> = WORDCOUNT_TEXT.lines().collect();
    let n = lines.len();
    let (c, i) = (chunks.max(1) as usize, index as usize);
    let (lo, hi) = (n * i / c, n * (i + 1) / c);
    let part: usize = lines
        .get(lo..hi.min(n))
        .map_or(0, |l| l.iter().map(|l| l.len() + 1).sum());
    (WORDCOUNT_TEXT.len() + part) as f64
}

/// The escape iterations of pixel (px, py) of a SIZE×SIZE image, capped at `cap`
/// (the body, `crate::work::kernels::mandelbrot_rows`, counts its pixels with it).
#[inline]
pub fn mandelbrot_escape(size: u32, px: u32, py: u32, cap: u32) -> u32 {
    let scale = 3.0 / size.max(1) as f64;
    let ci = -1.5 + (py as f64 + 0.5) * scale;
    let cr = -2.0 + (px as f64 + 0.5) * scale;
    let (mut zr, mut zi) = (0.0f64, 0.0f64);
    let mut i = 0;
    while i < cap && zr * zr + zi * zi <= 4.0 {
        let t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        i += 1;
    }
    i
}

/// The mandelbrot model for rows `[r0, r1)` (see [`KernelWork::cost_units`]).
pub fn mandelbrot_units(size: u32, iter: u32, r0: u32, r1: u32) -> f64 {
    let r1 = r1.min(size);
    if r1 <= r0 {
        return 0.0;
    }
    let rows = r1 - r0;
    let pixels = rows as f64 * size as f64;
    let exact = rows as u64 * size as u64 <= 256;
    let cap = if exact { iter } else { iter.min(512) };
    let (ny, nx) = if exact {
        (rows, size)
    } else {
        (rows.min(16), size.min(16))
    };
    let mut total = 0.0;
    for j in 0..ny {
        let py = r0 + ((2 * j + 1) as u64 * rows as u64 / (2 * ny as u64)) as u32;
        for k in 0..nx {
            let px = ((2 * k + 1) as u64 * size as u64 / (2 * nx as u64)) as u32;
            let e = mandelbrot_escape(size, px, py, cap);
            total += mandelbrot_pixel_units(if e == cap { iter } else { e });
        }
    }
    pixels * total / (ny as f64 * nx as f64)
}

/// A pixel's cost in units of one late iteration, for a pixel that runs `e` iterations:
/// `e − MANDELBROT_EARLY_SAVING·min(e, MANDELBROT_EARLY_ITERS) + MANDELBROT_PIXEL_UNITS`.
/// An iteration waits for the one before it (a chain of multiplies), except a pixel's
/// first few, which the core overlaps with the end of the pixel before: measured, a band
/// of pixels escaping after about two iterations ran at 0.34 of what `e + 1` priced, where
/// the calibration's band (47 iterations a pixel on average) is exact. Fitted to 13 bands
/// and images from 2 to 1000 iterations, both wasm builds (2026-12-04): within 5 %.
pub fn mandelbrot_pixel_units(e: u32) -> f64 {
    let e = e as f64;
    e - MANDELBROT_EARLY_SAVING * e.min(MANDELBROT_EARLY_ITERS) + MANDELBROT_PIXEL_UNITS
}

/// How many of a pixel's first iterations overlap with the pixel before (see
/// [`mandelbrot_pixel_units`]).
pub const MANDELBROT_EARLY_ITERS: f64 = 4.0;
/// The share of an early iteration's cost that the overlap saves.
pub const MANDELBROT_EARLY_SAVING: f64 = 0.55;
/// A pixel's own cost apart from its iterations (its coordinates, the escape test's exit).
pub const MANDELBROT_PIXEL_UNITS: f64 = 0.2;

/// The text `wordcount` counts: the opening of Charles Dickens, *A Tale of Two Cities*
/// (1859), in the public domain. Its size is part of the cost model.
pub const WORDCOUNT_TEXT: &str =
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

/// Which calibration factor prices a kernel's units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostClass {
    Primes,
    Mandelbrot,
    Hash,
    Sort,
    Wordcount,
    CounterPlain,
    CounterAtomic,
    Panic,
}

/// Where a calibration's figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalibrationSource {
    /// [`KernelCalibration::DEFAULT`]: measured natively (release build) on the project's
    /// 2-core machine and committed; used when nothing was measured here.
    Default,
    /// Measured on this machine, in this page or process, before any pool started.
    Measured,
    /// Measured on this machine by a run pool's own workers after its warm-up: each class's
    /// calibration sample run there as tasks, one at a time, as the runs' tasks run
    /// (`crate::exec::pool_calibration`); classes too short to time there keep their
    /// `Measured` figure.
    Pool,
}

/// Where a calibration was measured: the code a kernel runs differs between them. In the
/// threads build the `counter` kernel's memory is shared, so its loads and stores are
/// atomic instructions (sequentially consistent in wasm) that the plain build compiles to
/// ordinary ones; and a calibration is only as fast as the tier of code it ran in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalibrationSetting {
    /// A native build (`fanout run`, the committed default).
    #[default]
    Native,
    /// The plain wasm build: `workers` and `async` modes (each task worker has its own,
    /// unshared memory).
    Plain,
    /// The threads wasm build, on its shared memory: `threads` mode.
    Threads,
}

/// What one unit of each kernel's cost model takes, in nanoseconds on one idle core.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KernelCalibration {
    pub source: CalibrationSource,
    /// Which build (and so which mode's code) it was measured in.
    #[serde(default)]
    pub setting: CalibrationSetting,
    pub primes: f64,
    pub mandelbrot: f64,
    pub hash: f64,
    pub sort: f64,
    pub wordcount: f64,
    pub counter_plain: f64,
    pub counter_atomic: f64,
    pub panic: f64,
}

impl KernelCalibration {
    /// The committed default: the native release build's calibration measured on the
    /// project's 2-core machine on 2026-12-01 (while shared with other builds) (`cargo test --release --lib
    /// kernel_calibration -- --ignored --nocapture` prints a fresh one).
    pub const DEFAULT: KernelCalibration = KernelCalibration {
        source: CalibrationSource::Default,
        setting: CalibrationSetting::Native,
        primes: 0.51,
        mandelbrot: 4.0, // 3.8 before the early-iteration discount (its units are ~6 % fewer)
        hash: 1.5,
        sort: 1.64,
        wordcount: 1.52,
        counter_plain: 2.7,
        counter_atomic: 9.9,
        panic: 1000.0,
    };

    /// The nanoseconds one unit of `class` takes.
    pub fn ns_per_unit(&self, class: CostClass) -> f64 {
        match class {
            CostClass::Primes => self.primes,
            CostClass::Mandelbrot => self.mandelbrot,
            CostClass::Hash => self.hash,
            CostClass::Sort => self.sort,
            CostClass::Wordcount => self.wordcount,
            CostClass::CounterPlain => self.counter_plain,
            CostClass::CounterAtomic => self.counter_atomic,
            CostClass::Panic => self.panic,
        }
    }

    /// Sets the factor of `class` (a non-finite or non-positive one is ignored).
    pub fn set(&mut self, class: CostClass, ns: f64) {
        if !(ns.is_finite() && ns > 0.0) {
            return;
        }
        let f = match class {
            CostClass::Primes => &mut self.primes,
            CostClass::Mandelbrot => &mut self.mandelbrot,
            CostClass::Hash => &mut self.hash,
            CostClass::Sort => &mut self.sort,
            CostClass::Wordcount => &mut self.wordcount,
            CostClass::CounterPlain => &mut self.counter_plain,
            CostClass::CounterAtomic => &mut self.counter_atomic,
            CostClass::Panic => &mut self.panic,
        };
        *f = ns;
    }

    /// Every class, in the docs' order.
    pub const CLASSES: [CostClass; 8] = [
        CostClass::Primes,
        CostClass::Mandelbrot,
        CostClass::Hash,
        CostClass::Sort,
        CostClass::Wordcount,
        CostClass::CounterPlain,
        CostClass::CounterAtomic,
        CostClass::Panic,
    ];
}

impl Default for KernelCalibration {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The calibration this process (a page's engine instance, a native run) prices kernels
/// with. Set once, before any pool starts; [`KernelCalibration::DEFAULT`] until then.
static CALIBRATION: RwLock<KernelCalibration> = RwLock::new(KernelCalibration::DEFAULT);

/// The calibration in use (see [`set_calibration`]).
pub fn calibration() -> KernelCalibration {
    *CALIBRATION.read().unwrap_or_else(|e| e.into_inner())
}

/// Makes `cal` the calibration every later analysis, schedule and simulation uses.
pub fn set_calibration(cal: KernelCalibration) {
    *CALIBRATION.write().unwrap_or_else(|e| e.into_inner()) = cal;
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

    fn units(name: &str, args: &str) -> f64 {
        kw(name, args).unwrap().cost_units()
    }

    #[test]
    fn each_model_grows_with_its_size() {
        let grows = |name: &str, sizes: &[&str]| {
            let u: Vec<f64> = sizes.iter().map(|a| units(name, a)).collect();
            assert!(u.windows(2).all(|w| w[0] < w[1]), "{name}: {u:?}");
        };
        grows(
            "primes",
            &["0..10", "0..1k", "0..100k", "0..1M", "0..4M", "0..10M"],
        );
        grows(
            "primes",
            &["1M..1001000", "1000M..1000001000", "100000M..100000001000"],
        );
        grows("mandelbrot", &["8", "32", "128", "256", "512"]);
        grows(
            "mandelbrot",
            &["64 iter 10", "64 iter 100", "64 iter 1000", "64 iter 10000"],
        );
        grows("hash", &["0", "1", "1k", "1M", "1000M"]);
        grows("sort", &["0", "2", "1k", "100k", "5M"]);
        grows("counter", &["0 plain", "1 plain", "1M plain"]);
        grows("counter", &["0 atomic", "1 atomic", "1M atomic"]);
        // a larger share of a kernel is more work
        assert!(units("primes", "0..1M part 1/2") < units("primes", "0..1M"));
        assert!(units("sort", "1M part 1/4") * 4.0 < units("sort", "1M"));
    }

    #[test]
    fn models_are_exact_on_small_worked_cases() {
        // primes 0..100: n = 100, √100 = 10, ln ln 10 + 0.2615 = 1.0955…
        let m = 1.0 + (10f64.ln().ln() + 0.2615);
        let base = 10.0 / 10f64.ln(); // one block
        assert!((units("primes", "0..100") - (100.0 * m + 70.0 + 20.0 * base)).abs() < 1e-9);
        assert_eq!(units("primes", "5..5"), 0.0);
        // primes 0..4 part 2/2 is [2, 4): √4 = 2, no marking term, one block of 1 base
        assert_eq!(units("primes", "0..4 part 2/2"), 2.0 + 7.0 * 2.0 + 20.0);
        assert_eq!(units("hash", "10k part 2/4"), 2_500.0);
        assert_eq!(units("sort", "8"), 8.0 * 4.0);
        assert_eq!(units("sort", "1"), 1.0);
        assert_eq!(units("counter", "7 atomic"), 7.0);
        assert_eq!(units("panic", ""), 1.0);
        // wordcount: the whole text, read once to split it, plus its part's lines
        let len = WORDCOUNT_TEXT.len() as f64;
        let whole = units("wordcount", "");
        assert_eq!(
            whole,
            len + (WORDCOUNT_TEXT.lines().map(|l| l.len() + 1).sum::<usize>()) as f64
        );
        let parts: f64 = (1..=4)
            .map(|i| units("wordcount", &format!("part {i}/4")) - len)
            .sum();
        assert_eq!(parts, whole - len);
        // mandelbrot 2×2, 3 iterations: pixel centres (-1.25|0.25, -0.75|0.75); each
        // pixel's escape count, counted out by hand from z ← z² + c: all run 3 (the rows
        // mirror each other), and each costs 3 − 0.55·3 + 0.2 = 1.55 units.
        assert_eq!(mandelbrot_escape(2, 1, 0, 3), 3); // c = 0.25 - 0.75i stays bounded
        assert_eq!(mandelbrot_escape(2, 0, 0, 3), 3); // c = -1.25 - 0.75i: |z|² 2.13, then 1.33
        assert_eq!(mandelbrot_escape(2, 0, 1, 3), 3);
        assert_eq!(mandelbrot_escape(2, 1, 1, 3), 3);
        assert!((units("mandelbrot", "2 iter 3") - 4.0 * 1.55).abs() < 1e-9);
        // past the first four iterations a pixel costs one unit an iteration
        assert!((mandelbrot_pixel_units(104) - mandelbrot_pixel_units(4) - 100.0).abs() < 1e-9);
        assert!((mandelbrot_pixel_units(0) - 0.2).abs() < 1e-9);
    }

    #[test]
    fn modelled_time_is_units_times_the_calibration() {
        let mut cal = KernelCalibration::DEFAULT;
        cal.set(CostClass::Hash, 2.0);
        assert_eq!(kw("hash", "1M").unwrap().modelled_us_with(&cal), 2_000);
        cal.set(CostClass::Hash, -1.0); // ignored
        assert_eq!(cal.hash, 2.0);
        assert_eq!(
            kw("counter", "1M atomic").unwrap().cost_class(),
            CostClass::CounterAtomic
        );
        assert_eq!(
            KernelCalibration::DEFAULT.source,
            CalibrationSource::Default
        );
    }
}
