//! A rough timing probe of the simulator's phases on a large graph (ignored by default;
//! run with `cargo test --release --test sched_perf -- --ignored --nocapture`).
#![cfg(target_os = "linux")]

use fanout::graph::Policy;
use fanout::sched::Scheduler;
use fanout::sim::testkit::random_dag;
use fanout::sim::{run, SimOptions};
use fanout::trace::run_result;
use std::time::Duration;

#[repr(C)]
struct Timespec {
    sec: i64,
    nsec: i64,
}
extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

/// CPU time of this thread (Linux): immune to other processes competing for the cores.
#[derive(Clone, Copy)]
struct Instant(Duration);
impl Instant {
    fn now() -> Instant {
        let mut ts = Timespec { sec: 0, nsec: 0 };
        // CLOCK_THREAD_CPUTIME_ID = 3
        unsafe { clock_gettime(3, &mut ts) };
        Instant(Duration::new(ts.sec as u64, ts.nsec as u32))
    }
}
impl std::ops::Sub for Instant {
    type Output = Duration;
    fn sub(self, o: Instant) -> Duration {
        self.0 - o.0
    }
}

#[test]
#[ignore]
fn phases_on_a_million_tasks() {
    let w: usize = std::env::var("W")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let g = random_dag(1_000_000, 3, w, 1000, 42);
    let opts = SimOptions {
        workers: Some(64),
        policy: Some(Policy::CriticalPath),
        ..Default::default()
    };
    for _ in 0..3 {
        let t0 = Instant::now();
        let mut s = Scheduler::new(&g, opts.config(&g)).unwrap();
        let t1 = Instant::now();
        run(&mut s).unwrap();
        let t2 = Instant::now();
        let r = run_result(&g, &s, "simulated").unwrap();
        let t3 = Instant::now();
        eprintln!(
            "new {:?}  run {:?}  result {:?}  (makespan {} ms)",
            t1 - t0,
            t2 - t1,
            t3 - t2,
            r.makespan_ms
        );
    }
}

#[test]
#[ignore]
fn construction_parts() {
    use fanout::sched::{prepare, Ordering, ReadyQueue};
    let g = random_dag(1_000_000, 3, 1000, 1000, 42);
    for _ in 0..3 {
        let t0 = Instant::now();
        let p = prepare(&g).unwrap();
        let t1 = Instant::now();
        let q = ReadyQueue::for_policy(
            &Ordering {
                policy: Policy::CriticalPath,
                seed: 0,
            },
            &p.bottom,
            &[],
        );
        let t2 = Instant::now();
        let opts = SimOptions {
            workers: Some(64),
            ..Default::default()
        };
        let s = Scheduler::new(&g, opts.config(&g)).unwrap();
        let t3 = Instant::now();
        eprintln!(
            "prepare {:?}  rank {:?}  whole new {:?} {}",
            t1 - t0,
            t2 - t1,
            t3 - t2,
            q.len() + s.len()
        );
    }
}
