//! CPU-bound work: a fixed amount of real computation, calibrated on the current machine
//! so that it takes about the requested time on one otherwise idle core.
//!
//! The amount is fixed, not the time: when more tasks run than there are cores, each gets a
//! share of a core and takes longer, as real CPU-bound work does. (Computing until the
//! clock says the time is up would make 8 workers look 8× faster on 2 cores.)

/// One unit of work: 256 steps of a xorshift chain, which the optimiser cannot drop.
#[inline(never)]
fn unit(mut x: u64) -> u64 {
    for _ in 0..256 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

/// Runs `units` units of work and returns the chain's value.
pub fn spin(units: u64) -> u64 {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15 ^ units;
    for _ in 0..units {
        x = unit(x);
    }
    x
}

/// How many units of work one core does per microsecond here.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuRate {
    pub units_per_us: f64,
}

impl CpuRate {
    /// The units that take about `duration_us` on one idle core (at least 1 if the
    /// duration is not zero).
    pub fn units_for(self, duration_us: u64) -> u64 {
        if duration_us == 0 {
            return 0;
        }
        ((duration_us as f64 * self.units_per_us).round() as u64).max(1)
    }
}

/// How long [`calibrate`] samples at least, after its warm-up (ms).
pub const MIN_SAMPLING_MS: f64 = 60.0;

/// Measures the machine's rate with `now_ms` (a clock in milliseconds): short samples,
/// keeping the fastest, since other load only ever slows a sample down.
///
/// First it warms the code up for 50 ms: engines that compile in tiers (V8 runs new wasm
/// code in a baseline tier and swaps in optimised code in the background) would otherwise
/// be measured before optimisation, and every task afterwards would run many times too
/// short. Then it samples until the best rate has not improved by 2% for 6 samples and it has
/// sampled for at least [`MIN_SAMPLING_MS`] (at most 80 samples, each at least 2 ms on this
/// clock): a few stable samples taken while another thread had the core are not the rate.
/// Takes about 110 to 250 ms.
pub fn calibrate(now_ms: impl Fn() -> f64) -> CpuRate {
    let warm_until = now_ms() + 50.0;
    while now_ms() < warm_until {
        std::hint::black_box(spin(64));
    }
    // Grow a sample until it takes at least 2 ms on this clock.
    let mut units = 64u64;
    let mut best = 0.0f64;
    loop {
        let t0 = now_ms();
        std::hint::black_box(spin(units));
        let took_ms = now_ms() - t0;
        if took_ms >= 2.0 {
            best = best.max(units as f64 / (took_ms * 1000.0));
            break;
        }
        units *= 2;
    }
    let mut since_better = 0;
    let began = now_ms();
    for _ in 0..80 {
        let t0 = now_ms();
        std::hint::black_box(spin(units));
        let took_ms = now_ms() - t0;
        let rate = if took_ms > 0.0 {
            units as f64 / (took_ms * 1000.0)
        } else {
            0.0
        };
        if rate > best * 1.02 {
            since_better = 0;
        } else {
            since_better += 1;
        }
        best = best.max(rate);
        if since_better >= 6 && now_ms() - began >= MIN_SAMPLING_MS {
            break;
        }
    }
    CpuRate { units_per_us: best }
}

/// Does the work that takes about `duration_us` on one idle core at `rate`.
pub fn burn_cpu(duration_us: u64, rate: CpuRate) -> u64 {
    // black_box: the caller may drop the value, and the work must happen anyway.
    std::hint::black_box(spin(rate.units_for(duration_us)))
}

/// Burns CPU for `duration_us` on the clock `now_ms` (milliseconds, as [`calibrate`]
/// takes), in slices of about 200 µs of work at `rate`; returns the chain's value.
///
/// For an attempt cut at its timeout: a timeout is a limit on the clock, so the attempt runs
/// until the clock reaches it, whatever the rate (fixed work at a rate measured low, on a
/// loaded machine, would end a runaway task before its timeout). It stops at most a slice
/// late.
pub fn burn_cpu_for(duration_us: u64, rate: CpuRate, now_ms: impl Fn() -> f64) -> u64 {
    let until = now_ms() + duration_us as f64 / 1000.0;
    let slice = rate.units_for(200).max(1);
    let mut x = 0u64;
    while now_ms() < until {
        x ^= std::hint::black_box(spin(slice));
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn clock() -> impl Fn() -> f64 {
        let t0 = Instant::now();
        move || t0.elapsed().as_secs_f64() * 1000.0
    }

    #[test]
    fn calibrated_work_takes_about_the_duration() {
        let rate = calibrate(clock());
        assert!(rate.units_per_us > 0.0);
        let t0 = Instant::now();
        burn_cpu(20_000, rate);
        let took = t0.elapsed().as_secs_f64() * 1000.0;
        // The fastest sample sets the rate, so the work is never much shorter than asked;
        // a loaded machine makes it longer. Generous: this catches unit slips (20 ms read
        // as 20 s or 20 µs), not scheduling noise.
        assert!(took >= 14.0, "20 ms of calibrated work took only {took} ms");
        assert!(took < 2_000.0, "20 ms of calibrated work took {took} ms");
    }

    #[test]
    fn work_is_a_fixed_amount_not_a_time() {
        let rate = CpuRate { units_per_us: 3.0 };
        assert_eq!(rate.units_for(1000), 3000);
        assert_eq!(rate.units_for(0), 0);
        assert_eq!(
            CpuRate {
                units_per_us: 0.0001
            }
            .units_for(1),
            1
        );
        // The same units give the same value: the work is deterministic.
        assert_eq!(spin(1000), spin(1000));
        assert_ne!(spin(1000), spin(1001));
    }

    #[test]
    fn a_cut_attempt_runs_to_its_deadline_whatever_the_rate() {
        // A rate measured five times too slow: fixed work would end at a fifth of the time.
        let real = calibrate(clock());
        let slow = CpuRate {
            units_per_us: real.units_per_us / 5.0,
        };
        let now = clock();
        let began = now();
        burn_cpu_for(30_000, slow, &now);
        let took = now() - began;
        assert!(
            took >= 30.0,
            "stopped at {took} ms, before its 30 ms deadline"
        );
        assert!(took < 2_000.0, "30 ms to the deadline took {took} ms");
    }
}
