//! Bounds on the makespan of any schedule on P workers (Graham / Brent).

use super::ms;
use crate::graph::Micros;
use serde::Serialize;

/// The bounds for one number of workers, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bound {
    /// P, the number of workers.
    pub workers: u32,
    /// max(T∞, T1/P): no schedule on P workers can finish sooner.
    pub lower_ms: f64,
    /// T1/P + T∞: every greedy schedule (one that never leaves a worker idle while a task is
    /// ready) finishes by then.
    pub greedy_upper_ms: f64,
    /// T1 / lower: the best speedup over one worker that P workers could reach.
    pub max_speedup: f64,
}

/// The bounds for P = 1..=max_workers, given work T1 and span T∞ in microseconds.
pub fn bounds(work_us: Micros, span_us: Micros, max_workers: u32) -> Vec<Bound> {
    let (t1, tinf) = (work_us as f64, span_us as f64);
    (1..=max_workers)
        .map(|p| {
            let per = t1 / p as f64;
            let lower = tinf.max(per);
            Bound {
                workers: p,
                lower_ms: ms(lower),
                greedy_upper_ms: ms(per + tinf),
                max_speedup: if lower == 0.0 { 1.0 } else { t1 / lower },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brent_bounds() {
        let b = bounds(800_000, 200_000, 8);
        assert_eq!(b.len(), 8);
        assert_eq!((b[0].lower_ms, b[0].greedy_upper_ms), (800.0, 1000.0));
        assert_eq!((b[1].lower_ms, b[1].greedy_upper_ms), (400.0, 600.0));
        assert_eq!(b[3].lower_ms, 200.0);
        assert_eq!(b[7].lower_ms, 200.0); // the span dominates
        assert_eq!(b[7].max_speedup, 4.0);
    }
}
