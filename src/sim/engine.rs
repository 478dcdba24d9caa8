//! The event loop of the simulator.

use crate::graph::Micros;
use crate::sched::{Outcome, Scheduler};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// An attempt's end: (end time, start sequence, task, outcome, worker); ties by start order.
type Event = (Micros, u64, u32, u8, u32);

/// Runs `sched` to completion in virtual time from 0; returns the makespan in µs (the time
/// of the last event). Errors only if the scheduler stalls, which would be a bug.
pub fn run(sched: &mut Scheduler) -> Result<Micros, String> {
    let mut events: BinaryHeap<Reverse<Event>> = BinaryHeap::new();
    let mut seq = 0u64;
    let mut now: Micros = 0;
    let mut makespan = 0;
    loop {
        while let Some(s) = sched.next(now) {
            let (len, outcome) = s.plan.simulate();
            events.push(Reverse((
                now + s.delay_us + len,
                seq,
                s.task as u32,
                outcome as u8,
                s.worker as u32,
            )));
            seq += 1;
        }
        // Done: after a fail-fast, ends of cancelled attempts may remain; they are moot.
        if sched.is_done() {
            return Ok(makespan);
        }
        let t_event = events.peek().map(|Reverse(e)| e.0);
        now = match (t_event, sched.next_wakeup()) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => return Err(format!("simulation stalled at {now} µs (scheduler bug)")),
        };
        makespan = makespan.max(now);
        while let Some(&Reverse((t, _, task, o, worker))) = events.peek() {
            if t != now {
                break;
            }
            events.pop();
            let outcome = match o {
                0 => Outcome::Ok,
                1 => Outcome::Failed,
                _ => Outcome::Timeout,
            };
            // By worker: a hedged task's two copies end apart (a loser's end is ignored).
            sched.finish_on(task as usize, Some(worker as usize), outcome, None, now)?;
        }
    }
}
