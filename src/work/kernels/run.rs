//! Running a kernel's part (its body), and measuring what its cost model's units take here.

use super::{count_primes, hash_range, increment, mandelbrot_rows, sort_checksum, wordcount_chunk};
use crate::graph::kernel::{CalibrationSource, CostClass, Kernel, KernelCalibration, KernelWork};
use std::sync::atomic::{AtomicU64, Ordering};

/// Runs part `k` and returns its value (see `crate::graph::kernel`). `counter` is the one
/// shared counter of the run's memory. `panic` panics, on purpose.
pub fn run(k: &KernelWork, counter: &AtomicU64) -> i64 {
    let low48 = |x: u64| (x & ((1 << 48) - 1)) as i64;
    match k.kernel {
        Kernel::Primes { from, to } => {
            let (a, b) = k.bounds(to - from);
            count_primes(from + a, from + b) as i64
        }
        Kernel::Mandelbrot { size, iter } => {
            let (a, b) = k.bounds(size as u64);
            mandelbrot_rows(size, iter, a as u32, b as u32) as i64
        }
        Kernel::Hash { bytes } => {
            let (a, b) = k.bounds(bytes);
            low48(hash_range(a, b))
        }
        Kernel::Sort { n } => {
            let (a, b) = k.bounds(n);
            low48(sort_checksum(b - a, a))
        }
        Kernel::Wordcount => wordcount_chunk(k.parts, k.part) as i64,
        Kernel::Counter { times, atomic } => {
            increment(counter, times, atomic);
            counter.load(Ordering::Relaxed) as i64
        }
        Kernel::Panic => panic!("the task `panic` panicked, as it is written to"),
    }
}

/// The part each class is calibrated on, as the language writes it (`name args`):
/// mid-sized, as the lessons use them. `panic` has none.
pub const CALIBRATION_SAMPLES: [(CostClass, &str, &str); 7] = [
    (CostClass::Primes, "primes", "0..4M part 3/8"),
    (CostClass::Mandelbrot, "mandelbrot", "256 iter 256 part 3/8"),
    (CostClass::Hash, "hash", "2M"),
    (CostClass::Sort, "sort", "200k"),
    (CostClass::Wordcount, "wordcount", ""),
    (CostClass::CounterPlain, "counter", "2M plain"),
    (CostClass::CounterAtomic, "counter", "1M atomic"),
];

/// The part `class` is calibrated on (see [`CALIBRATION_SAMPLES`]).
pub fn calibration_sample(class: CostClass) -> Option<KernelWork> {
    let (_, name, args) = CALIBRATION_SAMPLES.iter().find(|(c, ..)| *c == class)?;
    KernelWork::parse(name, &args.split_whitespace().collect::<Vec<_>>()).ok()
}

/// How long [`calibrate_kernels`] measures each kernel class at least (ms).
pub const MIN_CLASS_MS: f64 = 25.0;

/// Measures every kernel's nanoseconds per cost unit with `now_ms` (a clock in
/// milliseconds): each class's sample (repeated until one sample takes at least 2 ms on
/// this clock) until the fastest stops improving (6 samples without a 2 % gain, once the
/// class has been measured for [`MIN_CLASS_MS`]), keeping the median of the fastest sample
/// and those after it: the code's settled speed, with the slow first samples left out. The
/// first samples also warm the code up: an engine that compiles in tiers (V8's wasm) runs a function's first calls in its baseline tier, 2-4× slower, until its
/// optimised code is ready, which on a busy machine (another module compiling beside it)
/// takes longer than six samples did. `panic` keeps its default. About 200 to 400 ms.
pub fn calibrate_kernels(now_ms: impl Fn() -> f64) -> KernelCalibration {
    calibrate_kernels_on(now_ms, &AtomicU64::new(0))
}

/// [`calibrate_kernels`] with the `counter` kernel incrementing `counter`: the counter the
/// runs' tasks use, so that the calibration measures the same memory the tasks touch.
pub fn calibrate_kernels_on(now_ms: impl Fn() -> f64, counter: &AtomicU64) -> KernelCalibration {
    let mut cal = KernelCalibration::DEFAULT;
    cal.source = CalibrationSource::Measured;
    for class in KernelCalibration::CLASSES {
        let Some(k) = calibration_sample(class) else {
            continue;
        };
        let units = k.cost_units();
        let mut reps = 1u64;
        let mut best = f64::INFINITY;
        // The fastest sample and those after it (none 2 % faster): the code's settled speed.
        let mut settled: Vec<f64> = Vec::new();
        let began = now_ms();
        for _ in 0..200 {
            let t0 = now_ms();
            for _ in 0..reps {
                std::hint::black_box(run(std::hint::black_box(&k), counter));
            }
            let took = now_ms() - t0;
            if took < 2.0 {
                reps *= 2;
                continue;
            }
            let ns = took * 1e6 / (reps as f64 * units);
            if ns < best * 0.98 {
                best = ns;
                settled.clear();
                settled.push(ns);
            } else {
                settled.push(ns);
                // Six samples since the fastest.
                if settled.len() > 6 && now_ms() - began >= MIN_CLASS_MS {
                    break;
                }
            }
        }
        // Their median, not the fastest: a kernel whose speed varies from call to call
        // (the counter's store-to-load loop: 3.5-4.2 ms for the same 2M increments in one
        // page) is priced at its typical speed; the fastest of 30-odd calls was 20 % below
        // it. For a steady kernel the two are close.
        settled.sort_by(f64::total_cmp);
        cal.set(
            class,
            settled.get(settled.len() / 2).copied().unwrap_or(best),
        );
    }
    cal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(name: &str, args: &str) -> KernelWork {
        KernelWork::parse(name, &args.split_whitespace().collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn parts_add_up_to_the_whole() {
        let c = AtomicU64::new(0);
        let whole = |name: &str, args: &str| run(&kw(name, args), &c);
        let parts = |name: &str, args: &str, n: u32| -> i64 {
            (1..=n)
                .map(|i| run(&kw(name, &format!("{args} part {i}/{n}")), &c))
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
    fn a_calibration_is_measured_for_every_class_but_panic() {
        let t = std::time::Instant::now();
        let cal = calibrate_kernels(|| t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(cal.source, CalibrationSource::Measured);
        for class in KernelCalibration::CLASSES {
            let ns = cal.ns_per_unit(class);
            assert!(ns.is_finite() && ns > 0.0, "{class:?}: {ns}");
        }
        assert_eq!(cal.panic, KernelCalibration::DEFAULT.panic);
        // measured, not the default copied
        assert!(cal.primes != KernelCalibration::DEFAULT.primes, "{cal:?}");
    }

    /// Prints a fresh native calibration (the default's source) and, per kernel, the model's
    /// error on other sizes: `cargo test --release --lib kernel_calibration -- --ignored
    /// --nocapture`.
    #[test]
    #[ignore]
    fn kernel_calibration() {
        let t = std::time::Instant::now();
        let cal = calibrate_kernels(|| t.elapsed().as_secs_f64() * 1e3);
        println!("{cal:?}");
        let c = AtomicU64::new(0);
        for (name, args) in [
            ("primes", "0..1M"),
            ("primes", "0..4M part 1/8"),
            ("primes", "0..4M part 8/8"),
            ("primes", "0..10M"),
            ("mandelbrot", "512 iter 256"),
            ("mandelbrot", "256 iter 256 part 1/8"),
            ("mandelbrot", "400 iter 1000 part 4/8"),
            ("hash", "20M"),
            ("sort", "1M"),
            ("sort", "10k"),
            ("wordcount", ""),
            ("counter", "20M atomic"),
            ("counter", "20M plain"),
        ] {
            let k = KernelWork::parse(name, &args.split_whitespace().collect::<Vec<_>>()).unwrap();
            let mut best = f64::INFINITY;
            for _ in 0..5 {
                let t0 = std::time::Instant::now();
                std::hint::black_box(run(&k, &c));
                best = best.min(t0.elapsed().as_secs_f64() * 1e6);
            }
            let m = k.modelled_us_with(&cal) as f64;
            println!(
                "{name} {args}: measured {best:.0} us, modelled {m:.0} us, error {:+.0} %",
                (m / best - 1.0) * 100.0
            );
        }
    }
}
