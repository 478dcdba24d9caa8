//! The race-condition lesson: tasks that increment one shared counter.

use std::sync::atomic::{AtomicU64, Ordering};

/// Adds 1 to `counter`, `times` times. With `atomic`, each addition is one indivisible
/// read-modify-write (`fetch_add`) and no update is ever lost. Without it, each addition is
/// a load followed by a separate store, as `counter = counter + 1` compiles to: when another
/// thread stores in between, one of the two updates is lost. (Both use atomic loads and
/// stores, so the race is a real lost update and not undefined behaviour.) Every addition
/// really happens in memory: the optimiser may not fold the loop into one store of
/// `v + times` (which an optimised native build did, so no update was ever lost).
pub fn increment(counter: &AtomicU64, times: u64, atomic: bool) {
    for _ in 0..times {
        // Hidden from the optimiser each time round, so it cannot merge the iterations.
        let counter = std::hint::black_box(counter);
        if atomic {
            counter.fetch_add(1, Ordering::Relaxed);
        } else {
            let v = counter.load(Ordering::Relaxed);
            counter.store(v + 1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_threads(times: u64, atomic: bool) -> u64 {
        let counter = AtomicU64::new(0);
        std::thread::scope(|s| {
            s.spawn(|| increment(&counter, times, atomic));
            s.spawn(|| increment(&counter, times, atomic));
        });
        counter.into_inner()
    }

    #[test]
    fn atomic_increments_never_lose_updates() {
        for _ in 0..3 {
            assert_eq!(two_threads(2_000_000, true), 4_000_000);
        }
    }

    #[test]
    fn plain_increments_lose_updates_when_threads_overlap() {
        // Overlap is up to the OS scheduler, so try a few times; on two cores the first
        // attempt loses thousands of updates.
        let lost = (0..10)
            .map(|_| 8_000_000 - two_threads(4_000_000, false))
            .max()
            .unwrap();
        assert!(lost > 0, "no update was lost in 10 attempts");
    }

    #[test]
    fn one_thread_alone_never_loses() {
        let c = AtomicU64::new(0);
        increment(&c, 1000, false);
        assert_eq!(c.into_inner(), 1000);
    }
}
