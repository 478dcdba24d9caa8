//! `fanout simulate FILE [--workers N] [--policy P] [--seed S] [--on-error E] [--json]
//! [--trace out.json]`: simulates a graph. Prints a summary and a text Gantt chart, or
//! with `--json` the RunResult JSON; `--trace` also writes a Chrome trace (Perfetto,
//! chrome://tracing). Exits 1 if the file has errors, 2 on bad usage or I/O failure.

use fanout::graph::{OnError, Policy};
use fanout::lang::parse_dag;
use fanout::sim::{simulate, SimOptions};
use fanout::trace::{chrome::to_chrome_trace, gantt, RunResult};

const USAGE: &str = "usage: fanout simulate FILE [--workers N] [--policy critical-path|fifo|priority|waves|random] [--seed S] [--on-error fail-fast|skip-dependents|continue] [--json] [--trace out.json]";

struct Args {
    file: String,
    opts: SimOptions,
    json: bool,
    trace: Option<String>,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut file = None;
    let mut opts = SimOptions::default();
    let (mut json, mut trace) = (false, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match a.as_str() {
            "--workers" => {
                let v = value("--workers")?;
                let n: usize = v
                    .parse()
                    .map_err(|_| format!("--workers: `{v}` is not a number"))?;
                if n == 0 {
                    return Err("--workers must be at least 1".into());
                }
                opts.workers = Some(n);
            }
            "--policy" => {
                let v = value("--policy")?;
                opts.policy = Some(
                    Policy::from_name(&v)
                        .ok_or_else(|| format!("--policy: unknown policy `{v}`"))?,
                );
            }
            "--seed" => {
                let v = value("--seed")?;
                opts.seed = Some(
                    v.parse()
                        .map_err(|_| format!("--seed: `{v}` is not a number"))?,
                );
            }
            "--on-error" => {
                let v = value("--on-error")?;
                opts.on_error = Some(match v.as_str() {
                    "fail-fast" => OnError::FailFast,
                    "skip-dependents" => OnError::SkipDependents,
                    "continue" => OnError::Continue,
                    _ => return Err(format!("--on-error: unknown mode `{v}`")),
                });
            }
            "--json" => json = true,
            "--trace" => trace = Some(value("--trace")?),
            s if s.starts_with("--") => return Err(format!("unknown option `{s}`")),
            s if file.is_none() => file = Some(s.to_string()),
            s => return Err(format!("unexpected argument `{s}`")),
        }
    }
    Ok(Args {
        file: file.ok_or("missing FILE")?,
        opts,
        json,
        trace,
    })
}

fn summary(r: &RunResult) -> String {
    let m = r.metrics.as_ref();
    let mut s = format!(
        "{} workers, policy {}, seed {}\nmakespan {:.3} ms   work T1 {:.3} ms   span T∞ {:.3} ms   lower bound {:.3} ms\n",
        r.workers, r.policy, r.seed, r.makespan_ms, r.work_ms, r.span_ms, r.lower_bound_ms
    );
    if let Some(m) = m {
        s += &format!(
            "speedup {:.2}x   efficiency {:.0}%   blocked {:.3} ms   lost to failures {:.3} ms   retries {}\n",
            m.speedup,
            m.efficiency * 100.0,
            m.blocked_ms,
            m.failed_ms,
            m.retries
        );
        s += &format!(
            "tasks: {} ok, {} failed, {} skipped, {} cancelled\n",
            m.tasks_ok, m.tasks_failed, m.tasks_skipped, m.tasks_cancelled
        );
        let util: Vec<String> = m
            .workers
            .iter()
            .map(|w| format!("w{} {:.0}%", w.worker, w.utilization * 100.0))
            .collect();
        s += &format!("utilization: {}\n", util.join("  "));
    }
    let result: Vec<String> = r
        .result
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.as_ref()
                    .map_or("null".to_string(), |v| serde_json::to_string(v)
                        .unwrap_or_default())
            )
        })
        .collect();
    s += &format!("result: {}\n", result.join(" "));
    s
}

pub fn run(args: &[String]) -> i32 {
    let a = match parse_args(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("fanout simulate: {e}\n{USAGE}");
            return 2;
        }
    };
    let text = match std::fs::read_to_string(&a.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: cannot read: {e}", a.file);
            return 2;
        }
    };
    let parsed = parse_dag(&text);
    for d in &parsed.diagnostics {
        eprintln!("{}:{}", a.file, d.render());
    }
    if parsed.has_errors() {
        return 1;
    }
    let Some(graph) = parsed.graph else {
        return 1;
    };
    let r = match simulate(&graph, &a.opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}: {e}", a.file);
            return 1;
        }
    };
    if let Some(path) = &a.trace {
        let t = to_chrome_trace(&graph, &r);
        if let Err(e) = std::fs::write(path, serde_json::to_string(&t).unwrap_or_default()) {
            eprintln!("{path}: cannot write: {e}");
            return 2;
        }
    }
    if a.json {
        if let Err(e) = fanout::trace::write_json(&r, std::io::stdout().lock()) {
            eprintln!("fanout simulate: cannot write the result: {e}");
            return 2;
        }
    } else {
        print!("{}\n{}", summary(&r), gantt::render(&r, 72));
    }
    // The process exits next: freeing a large graph and result would only cost time.
    std::mem::forget((text, graph, r));
    0
}
