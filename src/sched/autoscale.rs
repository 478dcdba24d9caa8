//! An autoscaling pool (`workers MIN..MAX`, `scale_up`, `scale_down`, `worker_start`).
//!
//! The pool starts with workers `0..MIN` on. At the end of a scheduling round (nothing more
//! can start now):
//! - **scale up**: if the oldest ready task still waiting for a worker became ready at least
//!   `scale_up` ago, no worker is starting and fewer than MAX are on, the lowest-numbered
//!   worker that is off starts; it takes work `worker_start` later (one worker starts at a
//!   time, so a burst of ready tasks adds workers one start-up after another);
//! - **scale down**: a worker idle for `scale_down` stops, while more than MIN are on (the
//!   one idle longest first, ties to the higher index).
//!
//! Every start, ready and stop is a [`PoolEvent`]: the lanes of the timeline.
//!
//! A simulation models each start-up as `worker_start`. A real executor that starts (or
//! wakes) a real worker calls [`Autoscaler::measure_starts`] first: a start-up then lasts
//! until the executor reports the worker ready ([`Autoscaler::worker_ready`]), at the time
//! it really was, and the pool's decisions go on from that measured time.

use crate::graph::Micros;
use std::collections::VecDeque;

/// What happened to a worker of an autoscaling pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolEventKind {
    /// It was asked for (scale up); it takes work once `Ready`.
    Start,
    /// It can take work (`worker_start` after its `Start`; at 0 for the first MIN).
    Ready,
    /// It stopped (scale down).
    Stop,
}

/// One change of the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolEvent {
    /// The worker.
    pub worker: u32,
    /// What happened.
    pub kind: PoolEventKind,
    /// When.
    pub at_us: Micros,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lane {
    Off,
    Starting(Micros),
    On,
}

/// The state of an autoscaling pool; the scheduler asks it when to add or remove workers.
#[derive(Debug, Clone)]
pub struct Autoscaler {
    min: usize,
    max: usize,
    scale_up: Micros,
    scale_down: Micros,
    start_cost: Micros,
    /// Start-ups end when the executor says so ([`Autoscaler::worker_ready`]), not after
    /// `start_cost`.
    measured: bool,
    lanes: Vec<Lane>,
    /// Per worker: since when it is idle (`Micros::MAX`: busy or not on).
    idle_since: Vec<Micros>,
    /// Ready tasks in the order they became ready: (time, task). Entries of tasks that
    /// started meanwhile are dropped when they reach the front.
    waiting: VecDeque<(Micros, u32)>,
    /// Every start, ready and stop, in order.
    pub events: Vec<PoolEvent>,
}

impl Autoscaler {
    /// A pool of `min..=max` workers (`1 <= min <= max`), workers `0..min` on at time 0.
    pub fn new(
        min: usize,
        max: usize,
        scale_up: Micros,
        scale_down: Micros,
        start_cost: Micros,
    ) -> Autoscaler {
        let max = max.max(1);
        let min = min.clamp(1, max);
        let mut lanes = vec![Lane::Off; max];
        let mut events = Vec::new();
        for (w, lane) in lanes.iter_mut().enumerate().take(min) {
            *lane = Lane::On;
            events.push(PoolEvent {
                worker: w as u32,
                kind: PoolEventKind::Ready,
                at_us: 0,
            });
        }
        let mut idle_since = vec![Micros::MAX; max];
        idle_since[..min].fill(0);
        Autoscaler {
            min,
            max,
            scale_up,
            scale_down,
            start_cost,
            measured: false,
            lanes,
            idle_since,
            waiting: VecDeque::new(),
            events,
        }
    }

    /// From now on a start-up lasts until [`Autoscaler::worker_ready`] reports the worker
    /// ready (a real run measures it), instead of the modelled `worker_start`. Call it
    /// before the first round.
    pub fn measure_starts(&mut self) {
        self.measured = true;
    }

    /// Whether start-ups are measured (see [`Autoscaler::measure_starts`]).
    pub fn measures_starts(&self) -> bool {
        self.measured
    }

    /// A measured start-up is over: `worker`, asked for earlier, is ready at `at` (not
    /// before it was asked for) and on and idle from then. Returns false, changing nothing,
    /// if `worker` is not starting.
    pub fn worker_ready(&mut self, worker: usize, at: Micros) -> bool {
        let Some(Lane::Starting(_)) = self.lanes.get(worker) else {
            return false;
        };
        let asked = self
            .events
            .iter()
            .rev()
            .find(|e| e.worker as usize == worker && e.kind == PoolEventKind::Start)
            .map_or(0, |e| e.at_us);
        let at = at.max(asked);
        self.lanes[worker] = Lane::On;
        self.idle_since[worker] = at;
        self.events.push(PoolEvent {
            worker: worker as u32,
            kind: PoolEventKind::Ready,
            at_us: at,
        });
        true
    }

    /// The workers on at the start (`0..min`).
    pub fn initial(&self) -> usize {
        self.min
    }

    /// The most workers the pool may have.
    pub fn max(&self) -> usize {
        self.max
    }

    fn on(&self) -> usize {
        self.lanes.iter().filter(|l| **l != Lane::Off).count()
    }

    fn starting(&self) -> Option<(usize, Micros)> {
        self.lanes.iter().enumerate().find_map(|(w, l)| match l {
            Lane::Starting(t) => Some((w, *t)),
            _ => None,
        })
    }

    /// `task` became ready at `at` (it waits for a worker).
    pub fn ready(&mut self, task: u32, at: Micros) {
        self.waiting.push_back((at, task));
    }

    /// `worker` went idle at `at`.
    pub fn idle(&mut self, worker: usize, at: Micros) {
        if let Some(s) = self.idle_since.get_mut(worker) {
            *s = at;
        }
    }

    /// `worker` took an attempt.
    pub fn busy(&mut self, worker: usize) {
        if let Some(s) = self.idle_since.get_mut(worker) {
            *s = Micros::MAX;
        }
    }

    /// A worker whose start-up is over by `now`: it is on and idle from then. Returns it.
    pub fn take_ready(&mut self, now: Micros) -> Option<usize> {
        let (w, t) = self.starting().filter(|&(_, t)| t <= now)?;
        self.lanes[w] = Lane::On;
        self.idle_since[w] = t;
        self.events.push(PoolEvent {
            worker: w as u32,
            kind: PoolEventKind::Ready,
            at_us: t,
        });
        Some(w)
    }

    /// The oldest entry of `waiting` whose task `still_waiting` says still waits.
    fn oldest(&mut self, still_waiting: impl Fn(u32, Micros) -> bool) -> Option<Micros> {
        while let Some(&(t, task)) = self.waiting.front() {
            if still_waiting(task, t) {
                return Some(t);
            }
            self.waiting.pop_front();
        }
        None
    }

    /// End of a scheduling round at `now`: starts a worker if the oldest waiting task has
    /// waited `scale_up` (returns it when `worker_start` is 0, so it can take work now), and
    /// stops the idle workers past `scale_down` (returned in `stopped`).
    pub fn round(
        &mut self,
        now: Micros,
        still_waiting: impl Fn(u32, Micros) -> bool,
        stopped: &mut Vec<usize>,
    ) -> Option<usize> {
        // Scale down first: a worker idle now is not needed by any waiting task.
        loop {
            if self.on() <= self.min {
                break;
            }
            let victim = (0..self.max)
                .rev()
                .filter(|&w| self.lanes[w] == Lane::On && self.idle_since[w] != Micros::MAX)
                .filter(|&w| self.idle_since[w].saturating_add(self.scale_down) <= now)
                .min_by_key(|&w| self.idle_since[w]);
            let Some(w) = victim else { break };
            self.lanes[w] = Lane::Off;
            self.idle_since[w] = Micros::MAX;
            self.events.push(PoolEvent {
                worker: w as u32,
                kind: PoolEventKind::Stop,
                at_us: now,
            });
            stopped.push(w);
        }
        let since = self.oldest(still_waiting)?;
        if self.starting().is_some()
            || self.on() >= self.max
            || since.saturating_add(self.scale_up) > now
        {
            return None;
        }
        let w = self.lanes.iter().position(|l| *l == Lane::Off)?;
        // A measured start-up ends when the executor reports it (never by the clock).
        let until = if self.measured {
            Micros::MAX
        } else {
            now.saturating_add(self.start_cost)
        };
        self.lanes[w] = Lane::Starting(until);
        self.events.push(PoolEvent {
            worker: w as u32,
            kind: PoolEventKind::Start,
            at_us: now,
        });
        self.take_ready(now)
    }

    /// When the pool next changes if nothing else happens: a start-up ends, the oldest
    /// waiting task reaches `scale_up`, or an idle worker reaches `scale_down`. Only times
    /// after `now`.
    pub fn wakeup(
        &self,
        now: Micros,
        still_waiting: impl Fn(u32, Micros) -> bool,
    ) -> Option<Micros> {
        let mut best: Option<Micros> = None;
        let mut consider = |t: Micros| {
            if t > now {
                best = Some(best.map_or(t, |b| b.min(t)));
            }
        };
        match self.starting() {
            Some((_, t)) if t != Micros::MAX => consider(t),
            Some(_) => {} // measured: the executor's ready report wakes the scheduler
            None if self.on() < self.max => {
                let oldest = self
                    .waiting
                    .iter()
                    .find(|&&(t, task)| still_waiting(task, t));
                if let Some(&(since, _)) = oldest {
                    consider(since.saturating_add(self.scale_up));
                }
            }
            None => {}
        }
        if self.on() > self.min {
            for w in 0..self.max {
                if self.lanes[w] == Lane::On && self.idle_since[w] != Micros::MAX {
                    consider(self.idle_since[w].saturating_add(self.scale_down));
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_up_after_the_delay_and_down_when_idle() {
        let mut a = Autoscaler::new(1, 3, 10, 50, 5);
        a.busy(0);
        a.ready(7, 0);
        let mut stopped = Vec::new();
        assert_eq!(
            a.round(9, |_, _| true, &mut stopped),
            None,
            "not waited long enough"
        );
        assert_eq!(a.wakeup(9, |_, _| true), Some(10));
        assert_eq!(
            a.round(10, |_, _| true, &mut stopped),
            None,
            "starting, not ready yet"
        );
        assert_eq!(a.wakeup(10, |_, _| true), Some(15));
        assert_eq!(a.take_ready(15), Some(1));
        a.idle(0, 20);
        assert_eq!(a.round(64, |_, _| false, &mut stopped), None);
        assert!(stopped.is_empty());
        a.round(65, |_, _| false, &mut stopped);
        assert_eq!(
            stopped,
            vec![1],
            "idle since 15: the longest idle one stops first"
        );
        a.round(200, |_, _| false, &mut stopped);
        assert_eq!(stopped, vec![1], "never below the minimum");
        let kinds: Vec<_> = a
            .events
            .iter()
            .map(|e| (e.worker, e.kind, e.at_us))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (0, PoolEventKind::Ready, 0),
                (1, PoolEventKind::Start, 10),
                (1, PoolEventKind::Ready, 15),
                (1, PoolEventKind::Stop, 65),
            ]
        );
    }

    #[test]
    fn a_measured_start_lasts_until_the_worker_is_reported_ready() {
        let mut a = Autoscaler::new(1, 3, 10, 1_000, 5);
        a.measure_starts();
        a.busy(0);
        a.ready(7, 0);
        a.ready(8, 0);
        let mut stopped = Vec::new();
        assert_eq!(a.round(10, |_, _| true, &mut stopped), None);
        assert_eq!(a.take_ready(1_000_000), None, "never ready by the clock");
        assert_eq!(a.wakeup(10, |_, _| true), None, "the ready report wakes it");
        assert_eq!(
            a.round(40, |_, _| true, &mut stopped),
            None,
            "one start at a time"
        );
        assert!(!a.worker_ready(2, 40), "worker 2 was not asked for");
        assert!(a.worker_ready(1, 43));
        assert!(!a.worker_ready(1, 44), "already on");
        assert_eq!(a.round(43, |_, _| true, &mut stopped), None);
        assert!(a.worker_ready(2, 50));
        let kinds: Vec<_> = a
            .events
            .iter()
            .map(|e| (e.worker, e.kind, e.at_us))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (0, PoolEventKind::Ready, 0),
                (1, PoolEventKind::Start, 10),
                (1, PoolEventKind::Ready, 43),
                (2, PoolEventKind::Start, 43),
                (2, PoolEventKind::Ready, 50),
            ]
        );
    }
}
