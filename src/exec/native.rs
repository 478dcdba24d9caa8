//! The native executor: a graph run on OS threads with the same scheduler as the browser's
//! executors, dispatched without a coordinator thread: each worker hands out the next
//! attempts itself when it finishes one (see [`super::board`]). Powers `fanout run`.

use super::board::Board;
use super::pool::Stop;
use super::RunDriver;
use crate::graph::{Graph, Micros, Work};
use crate::metrics::MIN_MEASURED_US;
use crate::trace::RunResult;
use crate::work::{burn_cpu, calibrate, CpuRate};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Runs `graph` on `workers` OS threads: `cpu` tasks do the work that takes their duration
/// on one idle core (see [`cpu_rate`]; more workers than cores share the cores), `io`
/// tasks sleep (holding their thread, as blocking I/O does); an attempt is stopped at its
/// timeout, planned failures fail, retries wait out their backoff, as in a simulation.
/// Returns the RunResult with mode `native`, times in ms from the start of the run.
pub fn run_native(graph: Graph, workers: usize) -> Result<RunResult, String> {
    cpu_rate(); // calibrate before the run's clock starts
    kernel_calibration();
    // Absolute ms like the browser's time base (ms since the epoch), read off one monotonic clock.
    let epoch_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0);
    let t0 = Instant::now();
    let now = move || epoch_ms + t0.elapsed().as_secs_f64() * 1000.0;
    // The `counter` kernel's shared counter: one per run, shared by its threads.
    let counter = AtomicU64::new(0);
    let counter = &counter;
    // CPU time (µs, thread CPU clock) the measured `cpu` attempts really got.
    let cpu_us = AtomicU64::new(0);
    let cpu_us = &cpu_us;
    // An autoscaling pool (`workers MIN..MAX`) starts with MIN threads; each scale-up starts
    // a fresh OS thread, whose start (asked → running in the run) the run measures, and each
    // scale-down ends one (see `Board::fresh_threads`).
    let first = crate::sched::SchedConfig::for_graph(&graph, Some(workers), None, None, None)
        .autoscale
        .map_or(workers, |a| a.min);
    let board = Board::new(workers, |_| {}, || false).fresh_threads();
    board.set_owner(std::thread::current());
    let spawned = std::thread::scope(|s| {
        let spawn = |w: usize| {
            let board = &board;
            std::thread::Builder::new()
                .name(format!("fanout-worker-{w}"))
                .spawn_scoped(s, move || {
                    board.work(w, now, |work, run_us| {
                        run_body(work, run_us, counter, cpu_us, &|| board.stop_asked(w))
                    })
                })
                .map(drop)
                .map_err(|e| {
                    let msg = format!("cannot start a worker thread: {e}");
                    board.abort(Stop::Failed(msg.clone()));
                    msg
                })
        };
        for w in 0..first {
            spawn(w)?;
        }
        // The run starts once the first threads exist: spawning them is not part of it.
        match RunDriver::new(graph, workers, now()) {
            Ok(mut driver) => {
                driver.measure_starts("fresh OS thread");
                board.start(driver, now());
            }
            Err(msg) => {
                board.abort(Stop::Failed(msg.clone()));
                return Err(msg);
            }
        }
        // This thread serves the pool's timers and starts the threads it asks for.
        while !board.ended() {
            match board.serve(now()) {
                (Some(w), _) => spawn(w)?,
                (None, wait) => std::thread::park_timeout(wait),
            }
        }
        Ok(())
    });
    spawned?;
    let (driver, outcome) = board.finish();
    let outcome = outcome.and_then(|()| {
        driver
            .ok_or_else(|| Stop::Failed("the run never started".into()))?
            .result_with_counter("native", counter.load(Ordering::SeqCst))
            .map_err(Stop::Failed)
    });
    let outcome = outcome.map(|mut r| {
        if let (Some(s), Some(_)) = (&mut r.cpu_share, thread_cpu_us()) {
            s.cpu_ms = Some(cpu_us.load(Ordering::SeqCst) as f64 / 1000.0);
        }
        r
    });
    outcome.map_err(|e| match e {
        Stop::Cancelled => "the run was cancelled".to_string(),
        Stop::Failed(msg) => msg,
    })
}

/// This machine's CPU work rate, measured once per process (about 25 ms), on the thread CPU
/// clock where there is one: time the thread spent descheduled (other threads or processes on
/// its core) does not count, so a calibration taken while the machine is busy does not make
/// every later `cpu` task burn too little. Wall time only where no thread clock exists.
pub fn cpu_rate() -> CpuRate {
    static RATE: OnceLock<CpuRate> = OnceLock::new();
    *RATE.get_or_init(|| {
        if thread_cpu_us().is_some() {
            return calibrate(|| thread_cpu_us().unwrap_or(0) as f64 / 1000.0);
        }
        let t0 = Instant::now();
        calibrate(|| t0.elapsed().as_secs_f64() * 1000.0)
    })
}

/// This machine's kernel calibration, measured once per process (100 to 300 ms) and made
/// the process's calibration (`crate::graph::kernel::set_calibration`), so the run's
/// analysis, schedule and metrics price kernel tasks with it.
pub fn kernel_calibration() -> crate::graph::kernel::KernelCalibration {
    static CAL: OnceLock<crate::graph::kernel::KernelCalibration> = OnceLock::new();
    *CAL.get_or_init(|| {
        let t0 = Instant::now();
        let cal = crate::work::kernels::calibrate_kernels(|| t0.elapsed().as_secs_f64() * 1000.0);
        crate::graph::kernel::set_calibration(cal);
        cal
    })
}

/// What one attempt does on an OS thread, for `run_us` (its duration, cut at its timeout);
/// returns a kernel's value, or `Err` if its code panicked: the panic is caught, so only
/// that attempt fails and the thread goes on with the next task.
/// `cpu_us` adds up the thread CPU time of the `cpu` attempts that `cpu_share` measures
/// (uncut, at least [`MIN_MEASURED_US`]).
fn run_body(
    work: &Work,
    run_us: Micros,
    counter: &AtomicU64,
    cpu_us: &AtomicU64,
    stop: &dyn Fn() -> bool,
) -> Result<Option<i64>, String> {
    match work {
        // Cut at its timeout: it runs until the clock reaches the timeout.
        Work::Cpu { duration_us } if run_us < *duration_us => {
            let t0 = Instant::now();
            let now_ms = || t0.elapsed().as_secs_f64() * 1000.0;
            std::hint::black_box(crate::work::burn_cpu_for(run_us, cpu_rate(), now_ms));
            Ok(None)
        }
        Work::Cpu { duration_us } => {
            let measured = run_us == *duration_us && run_us >= MIN_MEASURED_US;
            let before = if measured { thread_cpu_us() } else { None };
            std::hint::black_box(burn_cpu(run_us, cpu_rate()));
            if let Some(b) = before {
                let after = thread_cpu_us().unwrap_or(b);
                cpu_us.fetch_add(after.saturating_sub(b), Ordering::Relaxed);
            }
            Ok(None)
        }
        Work::Io { .. } => {
            // In slices of at most 2 ms, so an attempt that lost its hedge stops soon.
            let until = Instant::now() + Duration::from_micros(run_us);
            loop {
                let now = Instant::now();
                if now >= until || stop() {
                    break;
                }
                std::thread::sleep((until - now).min(Duration::from_millis(2)));
            }
            Ok(None)
        }
        Work::Kernel(k) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::work::kernels::run(k, counter)
        }))
        .map(Some)
        .map_err(|p| {
            p.downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a task panicked".into())
        }),
    }
}

/// This thread's CPU time in µs (the thread CPU clock), where the platform has one.
#[cfg(unix)]
fn thread_cpu_us() -> Option<u64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given, which lives on this stack.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then(|| ts.tv_sec as u64 * 1_000_000 + ts.tv_nsec as u64 / 1_000)
}

/// This thread's CPU time: unknown without a thread CPU clock.
#[cfg(not(unix))]
fn thread_cpu_us() -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parse_dag;

    #[test]
    fn runs_a_fan_out_in_parallel_on_os_threads() {
        let g = parse_dag(
            "s : cpu 1ms\na : cpu 20ms after s\nb : cpu 20ms after s\nj : cpu 1ms after a, b",
        )
        .graph
        .unwrap();
        let r = run_native(g, 2).unwrap();
        assert_eq!(r.mode, "native");
        assert_eq!(r.tasks.len(), 4);
        let (a, b) = (&r.tasks[1], &r.tasks[2]);
        assert_ne!(a.worker, b.worker);
        // Calibrated work, not a timer: on a shared VM the calibration can come out a little
        // slow (stolen time counts as the thread's), so the work may end a little early. This
        // catches unit slips (20 ms read as 20 µs), not the calibration's few per cent.
        assert!(
            a.end_ms - a.start_ms >= 15.0,
            "a took {} ms",
            a.end_ms - a.start_ms
        );
        assert!(r.tasks[3].start_ms >= a.end_ms.max(b.end_ms));
        // Ran at the same time on two threads (robust to a loaded machine, unlike a timing bound).
        assert!(
            a.start_ms < b.end_ms && b.start_ms < a.end_ms,
            "a and b did not overlap: {r:?}"
        );
    }

    fn statuses(r: &RunResult, id: &str) -> Vec<crate::trace::Status> {
        r.tasks
            .iter()
            .find(|t| t.id == id)
            .unwrap()
            .attempts
            .iter()
            .map(|a| a.status)
            .collect()
    }

    #[test]
    fn a_run_says_how_much_of_the_time_it_asked_for_its_workers_got() {
        let g = parse_dag("a : cpu 5ms\nb : cpu 5ms\nc : io 5ms\nd : cpu 100us")
            .graph
            .unwrap();
        let r = run_native(g, 2).unwrap();
        let s = r
            .cpu_share
            .expect("cpu attempts of 1 ms or more are measured");
        assert_eq!(s.attempts, 2, "io and sub-millisecond attempts are not");
        assert_eq!(s.asked_ms, 10.0);
        assert!(s.took_ms > 0.0 && (s.share - s.asked_ms / s.took_ms).abs() < 1e-9);
        // Calibrated work takes about its duration on an idle core, longer on a busy one.
        assert!(s.share > 0.0 && s.share < 1.5, "share {}", s.share);
        if cfg!(unix) {
            let cpu = s.cpu_ms.expect("the thread CPU clock is read on unix");
            assert!(
                cpu > 0.0 && cpu <= s.took_ms * 1.05 + 1.0,
                "CPU {cpu} ms of {} ms",
                s.took_ms
            );
        }
    }

    #[test]
    fn a_timeout_stops_each_attempt_and_the_retry_runs() {
        use crate::trace::Status::*;
        // io first: a sleep is not slowed by other tests' load, so the cut can be timed.
        let g = parse_dag("slow : io 200ms timeout 10ms retry 1")
            .graph
            .unwrap();
        let r = run_native(g, 1).unwrap();
        assert_eq!(statuses(&r, "slow"), vec![Timeout, Timeout]);
        for a in &r.tasks[0].attempts {
            let took = a.end_ms - a.start_ms;
            assert!(
                (10.0..100.0).contains(&took),
                "an attempt ran {took} ms; it should stop near 10 ms"
            );
        }
        // cpu: 10 ms of work each, cut; uncut, one attempt alone is 200 ms of work. Compared in
        // one run (other tests and processes share the cores): the two cut attempts together
        // must take well under one uncut attempt.
        let g = parse_dag("slow : cpu 200ms timeout 10ms retry 1")
            .graph
            .unwrap();
        let r = run_native(g, 1).unwrap();
        assert_eq!(statuses(&r, "slow"), vec![Timeout, Timeout]);
        let uncut = run_native(parse_dag("whole : cpu 200ms").graph.unwrap(), 1).unwrap();
        assert!(
            r.makespan_ms < 0.5 * uncut.makespan_ms,
            "the 200 ms body was not cut: two cut attempts took {} ms, one uncut {} ms",
            r.makespan_ms,
            uncut.makespan_ms
        );
    }

    #[test]
    fn planned_failures_retry_after_their_backoff_and_dependents_wait() {
        use crate::trace::Status::*;
        let g = parse_dag(
            "call : io 5ms retry 2 backoff 20ms fail attempts 2\nuse : cpu 1ms after call",
        )
        .graph
        .unwrap();
        let r = run_native(g, 2).unwrap();
        let call = &r.tasks[0];
        assert_eq!(statuses(&r, "call"), vec![Failed, Failed, Ok]);
        let gap1 = call.attempts[1].start_ms - call.attempts[0].end_ms;
        let gap2 = call.attempts[2].start_ms - call.attempts[1].end_ms;
        assert!(gap1 >= 19.9, "first backoff {gap1} ms, expected 20 ms");
        assert!(gap2 >= 39.9, "second backoff {gap2} ms, expected 40 ms");
        assert!(r.tasks[1].start_ms >= call.attempts[2].end_ms);
    }

    #[test]
    fn a_rate_holds_starts_back_until_its_bucket_refills() {
        // 20 tokens, one more every 50 ms: the 21st start waits 50 ms, the 22nd 100 ms.
        let g = parse_dag("rate api 20/s\nt[1..22] : io 1ms uses api")
            .graph
            .unwrap();
        let r = run_native(g, 2).unwrap();
        assert!(r.tasks.iter().all(|t| t.status == crate::trace::Status::Ok));
        let mut starts: Vec<f64> = r.tasks.iter().map(|t| t.start_ms).collect();
        starts.sort_by(f64::total_cmp);
        assert!(starts[20] >= 49.9, "21st start at {} ms", starts[20]);
        assert!(starts[21] >= 99.9, "22nd start at {} ms", starts[21]);
    }

    #[test]
    fn seeded_failures_match_the_simulation_attempt_for_attempt() {
        let text = "seed 11\non_error continue\nt[1..12] : cpu 1ms retry 2 fail 40%\nend : cpu 1ms after t[*]";
        let g = parse_dag(text).graph.unwrap();
        let real = run_native(g.clone(), 2).unwrap();
        let sim = crate::sim::simulate(
            &g,
            &crate::sim::SimOptions {
                workers: Some(2),
                ..Default::default()
            },
        )
        .unwrap();
        for (a, b) in real.tasks.iter().zip(&sim.tasks) {
            let real_st: Vec<_> = a.attempts.iter().map(|x| x.status).collect();
            let sim_st: Vec<_> = b.attempts.iter().map(|x| x.status).collect();
            assert_eq!(real_st, sim_st, "task {}", a.id);
        }
        assert!(
            real.tasks.iter().any(|t| t.attempts.len() > 1),
            "the seed should make some attempt fail"
        );
    }

    #[test]
    fn more_threads_than_cores_cannot_beat_the_cores() {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        let workers = cores * 4;
        let text: String = (0..workers).map(|i| format!("t{i} : cpu 30ms\n")).collect();
        let r = run_native(parse_dag(&text).graph.unwrap(), workers).unwrap();
        let floor = (workers * 30) as f64 / cores as f64;
        assert!(
            r.makespan_ms >= 0.8 * floor,
            "{workers} x 30 ms on {cores} cores took {} ms; the cores allow {floor} at best",
            r.makespan_ms
        );
    }

    #[test]
    fn a_panicking_task_fails_alone_and_the_run_goes_on() {
        let g = parse_dag("on_error skip-dependents\nboom : panic\nneeds_boom : cpu 1ms after boom\nfine : primes 0..100").graph.unwrap();
        let r = run_native(g, 2).unwrap();
        let st: Vec<_> = r.tasks.iter().map(|t| (t.id.as_str(), t.status)).collect();
        use crate::trace::Status::*;
        assert_eq!(
            st,
            vec![("boom", Failed), ("needs_boom", Skipped), ("fine", Ok)]
        );
        assert_eq!(r.tasks[2].value, Some(crate::trace::Value::Int(25)));
    }

    #[test]
    fn tiny_tasks_are_pipelined_and_still_reported_per_real_worker() {
        let text: String = (0..400)
            .map(|i| {
                format!(
                    "t{i} : cpu 10us{}\n",
                    if i >= 2 {
                        format!(" after t{}", i - 2)
                    } else {
                        String::new()
                    }
                )
            })
            .collect();
        let g = parse_dag(&text).graph.unwrap();
        let d = RunDriver::new(g.clone(), 2, 0.0).unwrap();
        assert_eq!(d.depth(), crate::exec::PIPELINE_DEPTH);
        let r = run_native(g.clone(), 2).unwrap();
        assert_eq!(r.workers, 2);
        let m = r.metrics.as_ref().unwrap();
        assert_eq!(m.workers.len(), 2);
        assert_eq!(m.workers.iter().map(|w| w.attempts).sum::<usize>(), 400);
        for lane in 0..2 {
            let mut bars: Vec<_> = r.tasks.iter().filter(|t| t.worker == lane).collect();
            bars.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
            assert!(
                bars.windows(2).all(|w| w[1].start_ms >= w[0].end_ms),
                "lane {lane} runs one at a time"
            );
        }
        for (i, t) in r.tasks.iter().enumerate().skip(2) {
            assert!(
                t.start_ms >= r.tasks[i - 2].end_ms,
                "{} starts before its dependency ends",
                t.id
            );
        }
    }

    #[test]
    fn ordinary_graphs_are_not_pipelined() {
        for text in [
            "a : cpu 1ms",
            "a : cpu 10us timeout 1ms",
            "a : cpu 10us retry 1",
            "limit db 1\na : cpu 10us uses db",
        ] {
            let d = RunDriver::new(parse_dag(text).graph.unwrap(), 2, 0.0).unwrap();
            assert_eq!(d.depth(), 1, "{text}");
        }
    }
}
