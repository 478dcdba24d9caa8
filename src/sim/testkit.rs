//! Building graphs in code, for tests, benchmarks and examples: a small builder and seeded
//! random DAG generators. Not a parser: nothing here reads text.

use crate::graph::{
    Graph, Limit, Micros, OnError, Policy, Rate, Reduce, Span, Task, TaskOptions, Work,
};
use crate::sched::rng::SplitMix64;

/// Builds a [`Graph`] task by task. Dependencies are named by id and must be added first.
///
/// ```
/// use fanout::sim::testkit::GraphBuilder;
/// let g = GraphBuilder::new().cpu("a", 2_000).cpu("b", 1_000).after(&["a"]).build();
/// assert_eq!(g.tasks[1].deps, vec![0]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct GraphBuilder {
    graph: Graph,
}

impl GraphBuilder {
    /// An empty graph with no declarations.
    pub fn new() -> GraphBuilder {
        GraphBuilder::default()
    }

    fn push(mut self, id: &str, work: Work) -> Self {
        self.graph.tasks.push(Task {
            id: id.to_string(),
            label: None,
            work,
            deps: Vec::new(),
            options: TaskOptions::default(),
            span: Span::default(),
        });
        self
    }

    /// Adds a CPU task of `us` µs.
    pub fn cpu(self, id: &str, us: Micros) -> Self {
        self.push(id, Work::Cpu { duration_us: us })
    }

    /// Adds an I/O task of `us` µs.
    pub fn io(self, id: &str, us: Micros) -> Self {
        self.push(id, Work::Io { duration_us: us })
    }

    fn last(&mut self) -> &mut Task {
        self.graph.tasks.last_mut().expect("add a task first")
    }

    fn opts(&mut self) -> &mut TaskOptions {
        &mut self.last().options
    }

    /// The last task depends on `deps` (ids of tasks already added). Panics on unknown ids.
    pub fn after(mut self, deps: &[&str]) -> Self {
        let idx: Vec<usize> = deps
            .iter()
            .map(|d| {
                self.graph
                    .index_of(d)
                    .unwrap_or_else(|| panic!("unknown task `{d}`"))
            })
            .collect();
        self.last().deps.extend(idx);
        self
    }

    /// `retry n backoff d` on the last task.
    pub fn retry(mut self, n: u32, backoff_us: Option<Micros>) -> Self {
        self.opts().retry = n;
        self.opts().backoff_us = backoff_us;
        self
    }

    /// `fail p` on the last task.
    pub fn fail(mut self, p: f64) -> Self {
        self.opts().fail_probability = p;
        self
    }

    /// `fail attempts n` on the last task.
    pub fn fail_attempts(mut self, n: u32) -> Self {
        self.opts().fail_attempts = n;
        self
    }

    /// `timeout d` on the last task.
    pub fn timeout(mut self, us: Micros) -> Self {
        self.opts().timeout_us = Some(us);
        self
    }

    /// `priority p` on the last task.
    pub fn priority(mut self, p: i64) -> Self {
        self.opts().priority = p;
        self
    }

    /// The last task uses resource `r`.
    pub fn uses(mut self, r: &str) -> Self {
        self.opts().uses.push(r.to_string());
        self
    }

    /// `reduce how` on the last task.
    pub fn reduce(mut self, how: Reduce) -> Self {
        self.opts().reduce = Some(how);
        self
    }

    /// `limit r n`.
    pub fn limit(mut self, r: &str, n: u32) -> Self {
        self.graph.decls.limits.push(Limit {
            resource: r.into(),
            max: n,
            span: Span::default(),
        });
        self
    }

    /// `rate r n/s`.
    pub fn rate(mut self, r: &str, per_second: f64) -> Self {
        self.graph.decls.rates.push(Rate {
            resource: r.into(),
            per_second,
            span: Span::default(),
        });
        self
    }

    /// `workers n`.
    pub fn workers(mut self, n: u32) -> Self {
        self.graph.decls.workers = Some(n);
        self
    }

    /// `policy p`.
    pub fn policy(mut self, p: Policy) -> Self {
        self.graph.decls.policy = Some(p);
        self
    }

    /// `on_error e`.
    pub fn on_error(mut self, e: OnError) -> Self {
        self.graph.decls.on_error = Some(e);
        self
    }

    /// `seed s`.
    pub fn seed(mut self, s: u64) -> Self {
        self.graph.decls.seed = Some(s);
        self
    }

    /// The graph built so far.
    pub fn build(self) -> Graph {
        self.graph
    }
}

/// A seeded random DAG of `n` CPU tasks with one source (task 0): every other task `i`
/// depends on 1 to `max_deps` distinct tasks among the `window` before it, durations uniform in `1..=max_us` µs. Task ids are
/// `t0`, `t1`, ... Same arguments, same graph. O(n · max_deps).
pub fn random_dag(n: usize, max_deps: usize, window: usize, max_us: Micros, seed: u64) -> Graph {
    let mut r = SplitMix64::new(seed);
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let k = if i == 0 {
            0
        } else {
            1 + r.below(max_deps.max(1) as u64) as usize
        };
        let lo = i.saturating_sub(window.max(1));
        let mut deps: Vec<usize> = Vec::with_capacity(k);
        for _ in 0..k {
            let d = lo + r.below((i - lo) as u64) as usize;
            if !deps.contains(&d) {
                deps.push(d);
            }
        }
        tasks.push(Task {
            id: format!("t{i}"),
            label: None,
            work: Work::Cpu {
                duration_us: 1 + r.below(max_us.max(1)),
            },
            deps,
            options: TaskOptions::default(),
            span: Span::default(),
        });
    }
    Graph {
        tasks,
        decls: Default::default(),
        groups: Vec::new(),
    }
}
