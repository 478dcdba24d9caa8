//! Circuit breakers (`breaker <resource> after N failures open <duration>`): after N
//! consecutive failed attempts of tasks that use the resource, the breaker opens; while
//! open, an attempt on it is `rejected` at once, without running (retries and `on_error`
//! apply to it as to a failure). When the open time has passed, the breaker is half-open:
//! one attempt, the probe, is let through; its success closes the breaker, its failure
//! opens it again. Attempts that end while the breaker is open, or that are not the probe
//! while it is half-open, do not change it.

use crate::graph::Micros;

/// Where a breaker stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    /// Attempts run; `fails` consecutive failures so far.
    Closed { fails: u32 },
    /// Attempts are rejected until `until`.
    Open { until: Micros },
    /// The probe (task, attempt) runs, if one was let through; other attempts are rejected.
    HalfOpen { probe: Option<(u32, u32)> },
}

/// One change of a breaker's state, for the timeline's band: from `at_us` on it was
/// `state` (`"closed"`, `"open"` or `"half-open"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerChange {
    /// Index into [`Breakers::names`].
    pub breaker: u32,
    pub at_us: Micros,
    pub state: &'static str,
}

/// One breaker.
#[derive(Debug, Clone)]
pub(crate) struct Breaker {
    /// The resource's index in the scheduler's resources.
    pub resource: u16,
    pub after: u32,
    pub open_us: Micros,
    pub state: BreakerState,
}

/// Every breaker of a run, and the history of their states.
#[derive(Debug, Clone, Default)]
pub struct Breakers {
    pub(crate) list: Vec<Breaker>,
    /// Resource names, by breaker.
    pub names: Vec<String>,
    /// Every state change, in time order (each breaker starts closed at 0).
    pub changes: Vec<BreakerChange>,
}

impl Breakers {
    /// Whether the run has any breaker.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn add(&mut self, name: &str, resource: u16, after: u32, open_us: Micros) {
        self.list.push(Breaker {
            resource,
            after: after.max(1),
            open_us,
            state: BreakerState::Closed { fails: 0 },
        });
        self.names.push(name.to_string());
    }

    fn set(&mut self, b: usize, state: BreakerState, now: Micros) {
        self.list[b].state = state;
        let name = match state {
            BreakerState::Closed { .. } => "closed",
            BreakerState::Open { .. } => "open",
            BreakerState::HalfOpen { .. } => "half-open",
        };
        if let Some(last) = self.changes.iter().rev().find(|c| c.breaker == b as u32) {
            if last.state == name {
                return;
            }
        } else if name == "closed" {
            return;
        }
        self.changes.push(BreakerChange {
            breaker: b as u32,
            at_us: now,
            state: name,
        });
    }

    /// Open breakers whose time has passed become half-open.
    pub(crate) fn tick(&mut self, now: Micros) {
        for b in 0..self.list.len() {
            if let BreakerState::Open { until } = self.list[b].state {
                if now >= until {
                    self.set(b, BreakerState::HalfOpen { probe: None }, until);
                }
            }
        }
    }

    /// The earliest time an open breaker turns half-open, after `now`.
    pub(crate) fn next_change(&self, now: Micros) -> Option<Micros> {
        self.list
            .iter()
            .filter_map(|b| match b.state {
                BreakerState::Open { until } if until > now => Some(until),
                _ => None,
            })
            .min()
    }

    /// Whether attempt `attempt` of `task`, using resources `uses`, may start at `now`: if
    /// some breaker on them is open, or half-open with its probe out, it is rejected
    /// (`false`). Otherwise it starts, and is the probe of every half-open breaker it uses.
    pub(crate) fn admit(&mut self, task: u32, attempt: u32, uses: &[u16], now: Micros) -> bool {
        self.tick(now);
        let mine = |b: &Breaker| uses.contains(&b.resource);
        let blocked = self.list.iter().any(|b| {
            mine(b)
                && match b.state {
                    BreakerState::Open { .. } => true,
                    BreakerState::HalfOpen { probe } => probe.is_some(),
                    BreakerState::Closed { .. } => false,
                }
        });
        if blocked {
            return false;
        }
        for b in self.list.iter_mut().filter(|b| uses.contains(&b.resource)) {
            if let BreakerState::HalfOpen { probe: None } = b.state {
                b.state = BreakerState::HalfOpen {
                    probe: Some((task, attempt)),
                };
            }
        }
        true
    }

    /// Attempt `attempt` of `task` (using `uses`) ended at `now`, `ok` or not (a rejected
    /// attempt is not reported here: it did not reach the resource).
    pub(crate) fn ended(&mut self, task: u32, attempt: u32, uses: &[u16], ok: bool, now: Micros) {
        for i in 0..self.list.len() {
            let b = &self.list[i];
            if !uses.contains(&b.resource) {
                continue;
            }
            let next = match b.state {
                BreakerState::Closed { .. } if ok => BreakerState::Closed { fails: 0 },
                BreakerState::Closed { fails } if fails + 1 >= b.after => BreakerState::Open {
                    until: now.saturating_add(b.open_us),
                },
                BreakerState::Closed { fails } => BreakerState::Closed { fails: fails + 1 },
                BreakerState::HalfOpen { probe: Some(p) } if p == (task, attempt) => {
                    if ok {
                        BreakerState::Closed { fails: 0 }
                    } else {
                        BreakerState::Open {
                            until: now.saturating_add(b.open_us),
                        }
                    }
                }
                s => s,
            };
            self.set(i, next, now);
        }
    }

    /// The probe of a half-open breaker was cancelled (never ended): let another through.
    pub(crate) fn forget_probe(&mut self, task: u32, attempt: u32) {
        for b in &mut self.list {
            if b.state
                == (BreakerState::HalfOpen {
                    probe: Some((task, attempt)),
                })
            {
                b.state = BreakerState::HalfOpen { probe: None };
            }
        }
    }
}
