//! CPU-bound work that keeps one core busy for a given time.

/// Computes (a xorshift chain, so the optimiser cannot drop it) until `now_ms()` has advanced
/// by `duration_us` microseconds, and returns the chain's value. `now_ms` is the caller's
/// clock in milliseconds; it is read once per batch of work, so the overrun past the
/// deadline is one batch (well under 10 µs on current hardware).
pub fn burn_cpu(duration_us: u64, now_ms: impl Fn() -> f64) -> u64 {
    let deadline = now_ms() + duration_us as f64 / 1000.0;
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15 ^ duration_us;
    loop {
        for _ in 0..256 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        if now_ms() >= deadline {
            return x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn burns_for_about_the_duration() {
        let t0 = Instant::now();
        let clock = || t0.elapsed().as_secs_f64() * 1000.0;
        burn_cpu(20_000, clock);
        let took = t0.elapsed().as_secs_f64() * 1000.0;
        assert!(took >= 20.0, "stopped early: {took} ms");
        // Generous: a loaded machine can deschedule the thread; this catches unit slips
        // (20 ms read as 20 s), not scheduling noise.
        assert!(took < 2_000.0, "ran far too long: {took} ms");
    }
}
