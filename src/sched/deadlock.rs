//! Hold and wait (`uses a then b`) and deadlock detection. A `then` task's attempt runs in
//! two phases on one worker: it takes `a` when it starts, does its first share of the work,
//! then waits, still holding `a` and its worker, until `b` has room; it takes `b` and does
//! the rest. When waiting tasks and the holders of what they wait for form a cycle (every
//! holder of a waited-for resource is itself waiting), nothing can move: a deadlock. The
//! scheduler finds it when the last task of the cycle starts waiting, names the cycle and
//! resolves it by `on_deadlock`: `fail-run` stops the run, `fail-youngest` fails the
//! attempt that started last in the cycle.

use crate::graph::Micros;
use rustc_hash::FxHashMap;

/// The reason the attempt a deadlock failed carries in results (`fail-youngest`).
pub const DEADLOCK_VICTIM: &str = "deadlock victim";

/// Where a `then` task's running attempt is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Holds its first resources, doing the first share of the work.
    First,
    /// First share done; holds them and its worker, waits for the second resource.
    Waiting,
    /// Holds both, doing the rest.
    Second,
}

/// A deadlock the scheduler found.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadlockFound {
    /// When it was found (µs).
    pub at_us: Micros,
    /// The cycle, in order: (task, the resource it holds that the previous one waits for,
    /// the resource it waits for).
    pub cycle: Vec<(u32, u16, u16)>,
    /// Every task frozen by it (waiting, holding what another waits for).
    pub frozen: Vec<u32>,
    /// The task whose attempt was failed (`fail-youngest`), if any.
    pub victim: Option<u32>,
}

/// Phases of the running `then` attempts and what was found.
#[derive(Debug, Clone, Default)]
pub(crate) struct HoldWait {
    pub phase: FxHashMap<u32, Phase>,
    /// Tasks waiting for their second resource, in the order they began waiting.
    pub waiting: Vec<u32>,
    pub found: Vec<DeadlockFound>,
    /// (task, attempt) of the attempts failed as deadlock victims.
    pub victims: Vec<(u32, u32)>,
}

/// The frozen set of a hold-and-wait state: starting from every waiting task, drops those
/// whose wanted resource has room or has a holder that is not waiting (it will release),
/// until nothing changes. `wants(t)` is the resource `t` waits for, `holders(r)` the tasks
/// holding `r`, `room(r)` whether `r` has room.
pub(crate) fn frozen(
    waiting: &[u32],
    wants: impl Fn(u32) -> u16,
    holders: impl Fn(u16) -> Vec<u32>,
    room: impl Fn(u16) -> bool,
) -> Vec<u32> {
    let mut set: Vec<u32> = waiting.to_vec();
    loop {
        let before = set.len();
        let keep: Vec<u32> = set
            .iter()
            .copied()
            .filter(|&t| {
                let r = wants(t);
                !room(r) && holders(r).iter().all(|h| set.contains(h))
            })
            .collect();
        set = keep;
        if set.len() == before {
            return set;
        }
    }
}

/// A cycle inside a frozen set: from its first task, each next is a holder (in the set) of
/// what the current one waits for, until one repeats; the cycle is from that repeat on.
pub(crate) fn cycle_in(
    frozen: &[u32],
    wants: impl Fn(u32) -> u16,
    holders: impl Fn(u16) -> Vec<u32>,
) -> Vec<u32> {
    let mut path: Vec<u32> = Vec::new();
    let Some(&start) = frozen.iter().min() else {
        return path;
    };
    let mut t = start;
    loop {
        if let Some(i) = path.iter().position(|&x| x == t) {
            return path.split_off(i);
        }
        path.push(t);
        let mut hs: Vec<u32> = holders(wants(t))
            .into_iter()
            .filter(|h| frozen.contains(h))
            .collect();
        hs.sort_unstable();
        match hs.first() {
            Some(&h) => t = h,
            None => return path,
        }
    }
}
