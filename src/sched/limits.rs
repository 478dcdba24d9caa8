//! Resources a task `uses`: concurrency limits (`limit r N`) and rates (`rate r N/s`).
//!
//! A task passes its gate when every resource it uses has room: fewer than N holders for a
//! limit, a token for a rate. Passing takes a limit slot (held until the attempt ends) and
//! a token (never given back). Resources a task uses but nobody declared are unlimited.
//!
//! A rate is a token bucket of capacity `max(1, floor(N))` that starts full and gains one
//! token every `round(10^6 / N)` µs, implemented exactly in integer µs by the generic cell
//! rate algorithm: `tat` is the theoretical arrival time of the next token; a token is
//! available at time t iff `t >= tat - (capacity - 1) * interval`.

use crate::graph::{Declarations, Micros};

/// One named resource, with an optional limit and an optional rate.
#[derive(Debug, Clone)]
pub struct Resource {
    pub name: String,
    /// `limit r N`: at most this many holders at once.
    pub limit: Option<u32>,
    pub held: u32,
    /// Peak number of holders seen (for tests and metrics).
    pub peak: u32,
    /// A group's cap (`group NAME workers N`): the index into `Graph::groups` of the group
    /// whose members hold it. Not a resource the user declared: reports leave it out.
    pub group: Option<usize>,
    /// `rate r N/s`: µs between tokens, and burst tolerance in µs.
    rate: Option<(Micros, Micros)>,
    tat: Micros,
}

impl Resource {
    /// Whether a new holder may pass at `now`.
    pub fn has_room(&self, now: Micros) -> bool {
        self.limit.is_none_or(|m| self.held < m) && self.token_time().is_none_or(|t| t <= now)
    }

    /// When the next token is available (`None` without a rate).
    pub fn token_time(&self) -> Option<Micros> {
        self.rate.map(|(_, tol)| self.tat.saturating_sub(tol))
    }

    fn take(&mut self, now: Micros) {
        self.held += 1;
        self.peak = self.peak.max(self.held);
        if let Some((interval, _)) = self.rate {
            self.tat = self.tat.max(now) + interval;
        }
    }
}

/// All declared resources of a graph, by index.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    pub list: Vec<Resource>,
}

impl Resources {
    /// The resources declared by `decls`. A name declared both as a limit and a rate is one
    /// resource with both constraints. A limit of 0 is treated as 1 (no task could run).
    pub fn from_decls(decls: &Declarations) -> Resources {
        let mut r = Resources::default();
        for l in &decls.limits {
            let i = r.index_or_insert(&l.resource);
            r.list[i].limit = Some(l.max.max(1));
        }
        for rt in &decls.rates {
            let i = r.index_or_insert(&rt.resource);
            let per_s = if rt.per_second.is_finite() && rt.per_second > 0.0 {
                rt.per_second
            } else {
                1.0
            };
            let interval = ((1e6 / per_s).round() as Micros).max(1);
            let capacity = (per_s.floor() as Micros).max(1);
            r.list[i].rate = Some((interval, (capacity - 1) * interval));
        }
        // A breaker's resource is a resource tasks may `uses`, limited or not.
        for b in &decls.breakers {
            r.index_or_insert(&b.resource);
        }
        r
    }

    fn index_or_insert(&mut self, name: &str) -> usize {
        if let Some(i) = self.index(name) {
            return i;
        }
        self.list.push(Resource {
            name: name.to_string(),
            limit: None,
            held: 0,
            peak: 0,
            group: None,
            rate: None,
            tat: 0,
        });
        self.list.len() - 1
    }

    /// Adds the cap of group `g` (`group NAME workers N`): a limit of `max(1, cap)` that
    /// every member of the group holds while an attempt of it runs. Returns its index.
    /// Its name (`group NAME`, with a blank) cannot be a declared resource's.
    pub fn add_group_cap(&mut self, g: usize, name: &str, cap: u32) -> usize {
        self.list.push(Resource {
            name: format!("group {name}"),
            limit: Some(cap.max(1)),
            held: 0,
            peak: 0,
            group: Some(g),
            rate: None,
            tat: 0,
        });
        self.list.len() - 1
    }

    /// The index of the declared resource called `name` (never a group's cap).
    pub fn index(&self, name: &str) -> Option<usize> {
        self.list
            .iter()
            .position(|r| r.group.is_none() && r.name == name)
    }

    /// Whether a task using `uses` may pass at `now`.
    pub fn admits(&self, uses: &[u16], now: Micros) -> bool {
        uses.iter().all(|&u| self.list[u as usize].has_room(now))
    }

    /// Passes the gate: takes a slot and a token of each resource in `uses`.
    pub fn take(&mut self, uses: &[u16], now: Micros) {
        for &u in uses {
            self.list[u as usize].take(now);
        }
    }

    /// Gives back the slots of `uses` when an attempt ends.
    pub fn release(&mut self, uses: &[u16]) {
        for &u in uses {
            let r = &mut self.list[u as usize];
            r.held = r.held.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Limit, Rate, Span};

    #[test]
    fn limit_and_rate() {
        let decls = Declarations {
            limits: vec![Limit {
                resource: "db".into(),
                max: 2,
                span: Span::default(),
            }],
            rates: vec![Rate {
                resource: "api".into(),
                per_second: 2.0,
                span: Span::default(),
            }],
            ..Default::default()
        };
        let mut r = Resources::from_decls(&decls);
        let db = [r.index("db").unwrap() as u16];
        let api = [r.index("api").unwrap() as u16];
        assert!(r.admits(&db, 0));
        r.take(&db, 0);
        r.take(&db, 0);
        assert!(!r.admits(&db, 0));
        r.release(&db);
        assert!(r.admits(&db, 0));
        // Rate 2/s: burst of 2, then one token every 500 ms.
        r.take(&api, 0);
        assert!(r.admits(&api, 0));
        r.take(&api, 0);
        assert!(!r.admits(&api, 0));
        assert_eq!(r.list[api[0] as usize].token_time(), Some(500_000));
        assert!(r.admits(&api, 500_000));
        r.take(&api, 500_000);
        assert_eq!(r.list[api[0] as usize].token_time(), Some(1_000_000));
    }
}
