//! Dispatch without a coordinator: the threads of a pool share the [`RunDriver`] under one
//! lock, and whichever thread finishes an attempt hands out the next ones itself. Powers the
//! native executor ([`super::native`]) and the browser's threads mode (`crate::wasm`'s
//! `runThreads`, whose calling thread only starts the run and posts what `observe` collected
//! to JavaScript, which only it may call).
//!
//! Protocol. The [`Board`] holds, under one `Mutex`, the driver, one queue of [`Job`]s per
//! worker, which workers are parked, and how the run ended. Each worker runs
//! [`Board::work`]:
//!
//! 1. With the lock held it reports its finished attempts to the driver
//!    ([`RunDriver::finished`], in the order they ran), calls `tick`, then takes every
//!    dispatch the scheduler releases now ([`RunDriver::next_at`]) and pushes each job on
//!    the queue of the worker the scheduler chose, waking that worker if it is parked. Then
//!    it moves its own queue into its hands.
//! 2. It runs its jobs in order, without the lock. After each, if jobs are left it reports
//!    only if the lock is free (`try_lock`): a worker with work never waits for the lock.
//!    With no job left it takes the lock (step 1).
//! 3. With nothing to run it parks on its own condition variable until handed a job, until
//!    the next backoff end or rate refill ([`RunDriver::next_wakeup_abs_ms`]), or for at
//!    most [`POLL`]; then step 1 again, at the new time.
//!
//! An autoscaling pool (`workers MIN..MAX`) whose driver measures start-ups
//! ([`RunDriver::measure_starts`]): a lane the pool has off runs nothing and dispatches
//! nothing. When the scheduler asks for it (a scale-up), the board wakes its parked thread,
//! or, on a board of [`Board::fresh_threads`], hands the lane to [`Board::serve`] so the
//! owner starts a new thread for it (a stopped lane's thread returns). Either way the
//! lane's thread, once it holds the lock, reports itself ready at that moment
//! ([`RunDriver::worker_ready`]): the measured start-up, ask → ready, on the run's clock.
//!
//! Invariants: the driver is only touched under the lock, so the scheduler sees one
//! sequence of calls and decides exactly as with a coordinator (which worker, which
//! attempt fails); a job is only ever run by the thread of the worker the scheduler chose,
//! so a lane is the thread that really ran its attempts; each worker runs its jobs in the
//! order they were dispatched to it; a finished attempt is reported before its worker
//! parks, so no completion is held back while a thread sleeps; a parked worker is woken
//! whenever its queue gets a job or the run ends (the flag and the queue change under the
//! same lock it parks with, so no wake-up is lost). The run ends when the driver is done,
//! when `tick` asks to stop ([`Stop::Cancelled`]: running attempts are abandoned), or when
//! something breaks ([`Stop::Failed`]: the scheduler refused a report, a worker it chose
//! does not exist, a thread panicked outside a task); every worker then returns.

use super::pool::{job_for, no_such_worker, report, wait_limit, Done, Event, Job, Stop, POLL};
use super::{Dispatch, RunDriver};
use crate::graph::{Micros, Work};
use crate::sched::PoolEventKind;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, TryLockError};

/// What the workers of one run share. See the module doc for the protocol.
pub struct Board<'a> {
    state: Mutex<State<'a>>,
    /// One per worker, paired with `state`: where a worker with nothing to run parks.
    wake: Vec<Condvar>,
    /// Set once the run has ended, for a worker to see without the lock.
    ended: AtomicBool,
    /// Per worker: its running attempt lost its hedge and should stop (see
    /// [`Board::stop_asked`]).
    stop: Vec<AtomicBool>,
    /// Off lanes have no thread: a scale-up starts one, a scale-down ends it.
    fresh: bool,
}

type Observe<'a> = Box<dyn FnMut(Event) + Send + 'a>;
type Tick<'a> = Box<dyn FnMut() -> bool + Send + 'a>;

struct State<'a> {
    /// `None` until [`Board::start`].
    driver: Option<RunDriver>,
    /// Jobs dispatched to each worker that it has not taken yet, in dispatch order.
    queues: Vec<VecDeque<Job>>,
    /// Whether each worker waits on its condition variable to be woken.
    parked: Vec<bool>,
    /// How the run ended, once it has.
    outcome: Option<Result<(), Stop>>,
    /// Per worker: the autoscaling pool has its lane off (it takes no work).
    off: Vec<bool>,
    /// Per worker: asked for at a scale-up; its thread reports it ready when it next holds
    /// the lock.
    waking: Vec<bool>,
    /// Per worker: threads in [`Board::work`] for it (a fresh-threads board: 0 while off).
    live: Vec<usize>,
    /// Lanes whose new thread the owner is to start ([`Board::serve`]).
    spawn: VecDeque<usize>,
    /// The driver has an autoscaling pool: the owner serves its timers.
    autoscaling: bool,
    /// See [`Board::set_owner`].
    owner: Option<std::thread::Thread>,
    observe: Observe<'a>,
    tick: Tick<'a>,
}

impl<'a> Board<'a> {
    /// A board for `workers` workers. `observe` is told every start and end (by whichever
    /// thread holds the lock); `tick` is called each time a worker has reported (or woke
    /// with nothing to report) and stops the run with [`Stop::Cancelled`] by returning
    /// `true`.
    pub fn new(
        workers: usize,
        observe: impl FnMut(Event) + Send + 'a,
        tick: impl FnMut() -> bool + Send + 'a,
    ) -> Board<'a> {
        Board {
            state: Mutex::new(State {
                driver: None,
                queues: (0..workers).map(|_| VecDeque::new()).collect(),
                parked: vec![false; workers],
                outcome: None,
                off: vec![false; workers],
                waking: vec![false; workers],
                live: vec![1; workers],
                spawn: VecDeque::new(),
                autoscaling: false,
                owner: None,
                observe: Box::new(observe),
                tick: Box::new(tick),
            }),
            wake: (0..workers).map(|_| Condvar::new()).collect(),
            ended: AtomicBool::new(false),
            stop: (0..workers).map(|_| AtomicBool::new(false)).collect(),
            fresh: false,
        }
    }

    /// A board whose autoscaling pool's off lanes have no thread: the owner starts one
    /// thread per lane the pool has on at the start, then one for each lane
    /// [`Board::serve`] gives; a lane's thread returns when the pool stops it.
    pub fn fresh_threads(mut self) -> Self {
        self.fresh = true;
        self
    }

    /// The thread that owns the board (it started the run and waits for its end): it
    /// serves the pool's timers ([`Board::serve`]) and is unparked when an autoscaling
    /// pool's round may have moved them, or a lane's thread is to start.
    pub fn set_owner(&self, owner: std::thread::Thread) {
        self.lock().owner = Some(owner);
    }

    /// For the owner thread, between its own waits; never blocks (a thread that died
    /// holding the lock cannot hang it). An autoscaling pool decides on timers (a task has
    /// waited `scale_up`, a worker idled `scale_down`) while every thread on may be busy
    /// and the lanes off do not dispatch: this dispatches at `now_abs_ms` if such a
    /// wake-up is due. Returns a lane whose new thread the owner is to start (a
    /// fresh-threads board), and how long the owner may park before it calls again.
    pub fn serve(&self, now_abs_ms: f64) -> (Option<usize>, std::time::Duration) {
        let mut st = match self.state.try_lock() {
            Ok(st) => st,
            Err(TryLockError::WouldBlock) => return (None, std::time::Duration::from_millis(1)),
            Err(TryLockError::Poisoned(_)) => return (None, POLL),
        };
        if let Some(w) = st.spawn.pop_front() {
            return (Some(w), std::time::Duration::ZERO);
        }
        if st.outcome.is_some() || !st.autoscaling {
            return (None, POLL);
        }
        let due = st
            .driver
            .as_ref()
            .and_then(RunDriver::next_wakeup_abs_ms)
            .is_some_and(|at| at <= now_abs_ms);
        if due {
            self.settle(&mut st, &mut Vec::new(), now_abs_ms);
        }
        if let Some(w) = st.spawn.pop_front() {
            return (Some(w), std::time::Duration::ZERO);
        }
        let wait = st
            .driver
            .as_ref()
            .map_or(POLL, |d| wait_limit(d, now_abs_ms));
        (None, wait)
    }

    /// Whether the run has ended.
    pub fn ended(&self) -> bool {
        self.ended.load(Ordering::Acquire)
    }

    /// Starts the run: puts `driver` on the board and hands out the first attempts at
    /// `now_abs_ms`. Workers may already be in [`Board::work`] (they wait for this).
    pub fn start(&self, driver: RunDriver, now_abs_ms: f64) {
        let mut st = self.lock();
        let on = driver.initial_lanes();
        st.autoscaling = driver.scheduler().config().autoscale.is_some();
        for w in 0..st.off.len() {
            st.off[w] = w >= on;
            if self.fresh && w >= on {
                st.live[w] = 0;
            }
        }
        st.driver = Some(driver);
        self.settle(&mut st, &mut Vec::new(), now_abs_ms);
    }

    /// Ends the run with `stop` (if it has not ended) and wakes every worker; for a caller
    /// that cannot start the run, e.g. because a thread failed to spawn.
    pub fn abort(&self, stop: Stop) {
        let mut st = self.lock();
        self.end(&mut st, Err(stop));
    }

    /// The loop of pool thread `worker` for the whole run: runs each job handed to it with
    /// `body(work, run_us)` (which returns the value it computed, if any, or `Err` with a
    /// panic's message), timing it with `now_ms`, and dispatches for every worker as the
    /// module doc says. Returns once the run has ended.
    pub fn work(
        &self,
        worker: usize,
        now_ms: impl Fn() -> f64,
        mut body: impl FnMut(&Work, Micros) -> Result<Option<i64>, String>,
    ) {
        let _guard = EndIfUnwinding {
            board: self,
            worker,
        };
        let mut mine: VecDeque<Job> = VecDeque::new();
        let mut finished: Vec<Done> = Vec::new();
        loop {
            if self.ended.load(Ordering::Acquire) {
                return;
            }
            let st = if mine.is_empty() {
                Some(self.lock())
            } else if finished.is_empty() {
                None
            } else {
                match self.state.try_lock() {
                    Ok(st) => Some(st),
                    Err(TryLockError::WouldBlock) => None,
                    Err(TryLockError::Poisoned(p)) => Some(p.into_inner()),
                }
            };
            if let Some(mut st) = st {
                loop {
                    let now = now_ms();
                    // Asked for at a scale-up: this thread is up now (the measured start).
                    if std::mem::take(&mut st.waking[worker]) {
                        st.off[worker] = false;
                        if let Some(d) = st.driver.as_mut() {
                            d.worker_ready(worker, now);
                        }
                    }
                    // An off lane dispatches nothing: its thread only waits to be asked for.
                    if !st.off[worker] {
                        self.settle(&mut st, &mut finished, now);
                    }
                    if st.outcome.is_some() {
                        return;
                    }
                    mine.extend(st.queues[worker].drain(..));
                    if !mine.is_empty() {
                        break;
                    }
                    if self.fresh && st.off[worker] && st.driver.is_some() {
                        st.live[worker] = st.live[worker].saturating_sub(1);
                        return; // stopped (or never on): a new thread starts if asked for
                    }
                    let limit = match &st.driver {
                        Some(driver) if !st.off[worker] => wait_limit(driver, now),
                        _ => POLL,
                    };
                    st.parked[worker] = true;
                    st = match self.wake[worker].wait_timeout(st, limit) {
                        Ok((st, _)) => st,
                        Err(p) => p.into_inner().0,
                    };
                    st.parked[worker] = false;
                }
            }
            if let Some(Job { task, work, run_us }) = mine.pop_front() {
                self.stop[worker].store(false, Ordering::Release);
                let start_abs_ms = now_ms();
                let value = body(&work, run_us);
                let end_abs_ms = now_ms();
                finished.push(Done {
                    task,
                    worker,
                    start_abs_ms,
                    end_abs_ms,
                    value,
                });
            }
        }
    }

    /// Whether `worker`'s running attempt should stop now: it lost its hedge (its other copy
    /// ended first). A body that can stop early (an `io` wait) polls this.
    pub fn stop_asked(&self, worker: usize) -> bool {
        self.stop
            .get(worker)
            .is_some_and(|s| s.load(Ordering::Acquire))
    }

    /// The driver (once started) and how the run ended. Call after every worker returned.
    pub fn finish(self) -> (Option<RunDriver>, Result<(), Stop>) {
        let st = self.state.into_inner().unwrap_or_else(|p| p.into_inner());
        let outcome = st
            .outcome
            .unwrap_or_else(|| Err(Stop::Failed("the run stopped before it ended".into())));
        (st.driver, outcome)
    }

    /// [`Board::finish`] for a board that is shared (an `Arc` a thread pool's job may drop
    /// later): takes the driver and the outcome out. Call after every worker returned.
    pub fn take(&self) -> (Option<RunDriver>, Result<(), Stop>) {
        let mut st = self.lock();
        let outcome = st
            .outcome
            .take()
            .unwrap_or_else(|| Err(Stop::Failed("the run stopped before it ended".into())));
        (st.driver.take(), outcome)
    }

    fn lock(&self) -> MutexGuard<'_, State<'a>> {
        // A thread that panicked holding the lock has ended the run (see `EndIfUnwinding`);
        // the state is still consistent enough to see that and return.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Step 1 of the protocol, lock held: reports `finished`, ticks, dispatches at `now`.
    fn settle(&self, st: &mut State<'a>, finished: &mut Vec<Done>, now: f64) {
        if st.outcome.is_some() {
            return;
        }
        let State {
            driver: Some(driver),
            queues,
            parked,
            observe,
            tick,
            ..
        } = st
        else {
            return; // not started yet
        };
        let mut outcome = None;
        for d in finished.drain(..) {
            match report(driver, &d) {
                Ok(o) => observe(Event::Finished(d, o)),
                Err(msg) => {
                    outcome = Some(Err(Stop::Failed(msg)));
                    break;
                }
            }
        }
        // A hedge's winner cancelled the other copy: ask its worker to stop it.
        for (_, w) in driver.take_lost() {
            if let Some(s) = self.stop.get(w) {
                s.store(true, Ordering::Release);
            }
        }
        if outcome.is_none() && tick() {
            outcome = Some(Err(Stop::Cancelled));
        }
        if outcome.is_none() {
            while let Some(Dispatch { task, worker, work }) = driver.next_at(now) {
                observe(Event::Started {
                    task,
                    worker,
                    at_abs_ms: now,
                });
                let job = job_for(driver, task, work);
                let Some(queue) = queues.get_mut(worker) else {
                    outcome = Some(Err(no_such_worker(worker)));
                    break;
                };
                queue.push_back(job);
                if std::mem::take(&mut parked[worker]) {
                    self.wake[worker].notify_one();
                }
            }
            if outcome.is_none() && driver.is_done() {
                outcome = Some(Ok(()));
            }
        }
        // The pool's scale-ups and scale-downs of this round: start or wake, or stop, the
        // lanes' threads.
        let changes = match &mut st.driver {
            Some(d) => d.take_pool_changes(),
            None => Vec::new(),
        };
        for c in changes {
            let w = c.lane;
            if w >= st.off.len() {
                continue;
            }
            match c.kind {
                PoolEventKind::Start => {
                    st.waking[w] = true;
                    if self.fresh && st.live[w] == 0 {
                        st.live[w] = 1;
                        st.spawn.push_back(w);
                    } else if std::mem::take(&mut st.parked[w]) {
                        self.wake[w].notify_one();
                    }
                }
                PoolEventKind::Stop => {
                    st.off[w] = true;
                    if std::mem::take(&mut st.parked[w]) {
                        self.wake[w].notify_one();
                    }
                }
                PoolEventKind::Ready => {}
            }
        }
        // This round may have moved the pool's next timer: the owner looks again.
        if st.autoscaling {
            if let Some(o) = &st.owner {
                o.unpark();
            }
        }
        if let Some(o) = outcome {
            self.end(st, o);
        }
    }

    /// Records how the run ended (the first ending wins) and wakes every parked worker.
    fn end(&self, st: &mut State<'a>, outcome: Result<(), Stop>) {
        st.outcome.get_or_insert(outcome);
        self.ended.store(true, Ordering::Release);
        if let Some(o) = &st.owner {
            o.unpark();
        }
        for (w, parked) in st.parked.iter_mut().enumerate() {
            if std::mem::take(parked) {
                self.wake[w].notify_one();
            }
        }
    }
}

/// Ends the run if a worker's thread unwinds (a panic outside a task's own code), so the
/// other workers do not wait forever for its attempts.
struct EndIfUnwinding<'b, 'a> {
    board: &'b Board<'a>,
    worker: usize,
}

impl Drop for EndIfUnwinding<'_, '_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut st = self.board.lock();
            let msg = format!("worker {} panicked outside a task", self.worker);
            self.board.end(&mut st, Err(Stop::Failed(msg)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parse_dag;
    use std::sync::atomic::AtomicUsize;
    use std::time::Instant;

    /// A run clock for the tests: ms since it was made.
    fn clock() -> impl Fn() -> f64 + Copy + Send {
        let t0 = Instant::now();
        move || t0.elapsed().as_secs_f64() * 1000.0
    }

    /// Runs `text` on `n` OS threads through a board; returns the driver, the events, and
    /// how the run ended. `stop_after`: cancel once that many attempts have finished.
    fn run(
        text: &str,
        n: usize,
        stop_after: Option<usize>,
    ) -> (Option<RunDriver>, Vec<Event>, Result<(), Stop>) {
        let now = clock();
        let rate = crate::work::calibrate(now);
        let events = Mutex::new(Vec::new());
        let finished = AtomicUsize::new(0);
        let board = Board::new(
            n,
            |e| {
                if matches!(e, Event::Finished(..)) {
                    finished.fetch_add(1, Ordering::SeqCst);
                }
                events.lock().unwrap().push(e);
            },
            || stop_after.is_some_and(|k| finished.load(Ordering::SeqCst) >= k),
        );
        std::thread::scope(|s| {
            for w in 0..n {
                let board = &board;
                s.spawn(move || {
                    board.work(w, now, |work, run_us| {
                        if matches!(work, Work::Kernel(_)) {
                            panic!("kernels are not part of these tests");
                        }
                        std::hint::black_box(crate::work::burn_cpu(run_us, rate));
                        Ok(None)
                    })
                });
            }
            let driver = RunDriver::new(parse_dag(text).graph.unwrap(), n, now()).unwrap();
            board.start(driver, now());
        });
        let (driver, outcome) = board.finish();
        (driver, events.into_inner().unwrap(), outcome)
    }

    fn count(events: &[Event], started: bool) -> usize {
        events
            .iter()
            .filter(|e| matches!(e, Event::Started { .. }) == started)
            .count()
    }

    #[test]
    fn every_task_runs_once_and_dependencies_come_first() {
        let (driver, events, outcome) = run(
            "a : cpu 2ms\nb : cpu 2ms after a\nc : cpu 2ms after a\nd : cpu 1ms after b, c",
            2,
            None,
        );
        assert_eq!(outcome, Ok(()));
        let r = driver.unwrap().result("native").unwrap();
        let t = |id: &str| r.tasks.iter().find(|t| t.id == id).unwrap().clone();
        assert!(t("b").start_ms >= t("a").end_ms);
        assert!(t("c").start_ms >= t("a").end_ms);
        assert!(t("d").start_ms >= t("b").end_ms.max(t("c").end_ms));
        assert_eq!(count(&events, true), 4);
        assert_eq!(count(&events, false), 4);
    }

    #[test]
    fn each_attempt_is_reported_by_the_worker_it_was_dispatched_to() {
        let text: String = (0..200).map(|i| format!("t{i} : cpu 50us\n")).collect();
        let (_, events, outcome) = run(&text, 3, None);
        assert_eq!(outcome, Ok(()));
        let mut lane = vec![None; 200];
        for e in &events {
            match e {
                Event::Started { task, worker, .. } => lane[*task] = Some(*worker),
                Event::Finished(d, _) => assert_eq!(lane[d.task], Some(d.worker), "{d:?}"),
            }
        }
        assert_eq!(count(&events, false), 200);
    }

    #[test]
    fn independent_tasks_overlap_on_two_threads() {
        let (driver, _, outcome) = run("a : cpu 30ms\nb : cpu 30ms", 2, None);
        assert_eq!(outcome, Ok(()));
        let r = driver.unwrap().result("native").unwrap();
        assert_ne!(r.tasks[0].worker, r.tasks[1].worker);
        assert!(
            r.tasks[0].start_ms < r.tasks[1].end_ms && r.tasks[1].start_ms < r.tasks[0].end_ms,
            "{r:?}"
        );
    }

    #[test]
    fn a_stop_request_ends_the_run_early() {
        let text = (0..20)
            .map(|i| format!("t{i} : cpu 5ms\n"))
            .collect::<String>();
        let (driver, events, outcome) = run(&text, 2, Some(2));
        assert_eq!(outcome, Err(Stop::Cancelled));
        assert!(!driver.unwrap().is_done());
        assert!(count(&events, false) < 20);
    }

    #[test]
    fn a_worker_the_pool_lacks_fails_the_run() {
        // The driver plans for 3 workers; the board has 2.
        let now = clock();
        let board = Board::new(2, |_| {}, || false);
        let g = parse_dag("a : cpu 1ms\nb : cpu 1ms\nc : cpu 1ms")
            .graph
            .unwrap();
        std::thread::scope(|s| {
            for w in 0..2 {
                let board = &board;
                s.spawn(move || board.work(w, now, |_, _| Ok(None)));
            }
            board.start(RunDriver::new(g, 3, now()).unwrap(), now());
        });
        let (_, outcome) = board.finish();
        assert!(
            matches!(&outcome, Err(Stop::Failed(m)) if m.contains("worker 2")),
            "{outcome:?}"
        );
    }

    #[test]
    fn a_thread_that_panics_outside_a_task_ends_the_run() {
        let now = clock();
        let board = Board::new(2, |_| {}, || false);
        let g =
            parse_dag("a : cpu 1ms\nb : primes 0..10\nc : cpu 1ms after a\nd : cpu 1ms after c")
                .graph
                .unwrap();
        let joined = std::thread::scope(|s| {
            let handles: Vec<_> = (0..2)
                .map(|w| {
                    let board = &board;
                    s.spawn(move || {
                        board.work(w, now, |work, _| match work {
                            Work::Kernel(_) => panic!("boom"),
                            _ => Ok(None),
                        })
                    })
                })
                .collect();
            board.start(RunDriver::new(g, 2, now()).unwrap(), now());
            handles
                .into_iter()
                .map(|h| h.join().is_ok())
                .collect::<Vec<_>>()
        });
        assert_eq!(joined.iter().filter(|ok| !**ok).count(), 1);
        let (_, outcome) = board.finish();
        assert!(
            matches!(&outcome, Err(Stop::Failed(m)) if m.contains("panicked")),
            "{outcome:?}"
        );
    }

    #[test]
    fn an_aborted_board_lets_its_workers_return() {
        let now = clock();
        let board = Board::new(2, |_| {}, || false);
        std::thread::scope(|s| {
            for w in 0..2 {
                let board = &board;
                s.spawn(move || board.work(w, now, |_, _| Ok(None)));
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
            board.abort(Stop::Failed("no driver".into()));
        });
        let (driver, outcome) = board.finish();
        assert!(driver.is_none());
        assert_eq!(outcome, Err(Stop::Failed("no driver".into())));
    }
}
