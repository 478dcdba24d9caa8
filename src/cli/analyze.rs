//! `fanout analyze FILE [--json] [--workers N] [--format F]`: work, span, parallelism,
//! critical path and makespan bounds for P = 1..N workers (N: `--workers`, else the file's
//! `workers` declaration, else 8). Exits 1 if the file has errors (printed on stderr).

use super::check::{load, print_diagnostics, take_format};
use fanout::analysis::analyze;

const DEFAULT_WORKERS: u32 = 8;

pub fn run(args: &[String]) -> i32 {
    let mut args = args.to_vec();
    let format = match take_format(&mut args) {
        Ok(f) => f,
        Err(m) => {
            eprintln!("fanout analyze: {m}");
            return 2;
        }
    };
    let json = args.iter().any(|a| a == "--json");
    args.retain(|a| a != "--json");
    let mut workers = None;
    if let Some(i) = args.iter().position(|a| a == "--workers") {
        match args
            .get(i + 1)
            .and_then(|w| w.parse::<u32>().ok())
            .filter(|&w| w >= 1)
        {
            Some(w) => workers = Some(w),
            None => {
                eprintln!("fanout analyze: --workers needs a whole number of at least 1");
                return 2;
            }
        }
        args.drain(i..i + 2);
    }
    let [file] = args.as_slice() else {
        eprintln!("usage: fanout analyze [--json] [--workers N] [--format dag|json|stg|dot] FILE");
        return 2;
    };
    let parsed = match load(file, format) {
        Ok(p) => p,
        Err(c) => return c,
    };
    print_diagnostics(file, &parsed, true);
    let Some(graph) = parsed.graph else { return 1 };
    let n = workers.or(graph.decls.workers).unwrap_or(DEFAULT_WORKERS);
    let a = analyze(&graph, n);
    if json {
        match serde_json::to_string_pretty(&a) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("fanout analyze: {e}");
                return 2;
            }
        }
        return 0;
    }
    println!("tasks          {}", a.tasks);
    println!("edges          {}", a.edges);
    println!("work (T1)      {} ms", a.work_ms);
    println!("span (T∞)      {} ms", a.span_ms);
    println!(
        "parallelism    {:.2}  (T1/T∞: the most speedup any number of workers can give)",
        a.parallelism
    );
    let s = if a.max_width == 1 { "" } else { "s" };
    println!(
        "levels         {} (the widest has {} task{s})",
        a.depth, a.max_width
    );
    println!("critical path  {}", a.critical_path.join(" -> "));
    if a.kernel_calibration.is_some() {
        println!("kernels        priced by their cost model with the committed default calibration (measured natively on the project's machine; `fanout run` measures its own)");
    }
    println!();
    println!("workers   lower bound   greedy bound   best speedup");
    for b in &a.bounds {
        println!(
            "{:>7}   {:>8.1} ms   {:>9.1} ms   {:>11.2}x",
            b.workers, b.lower_ms, b.greedy_upper_ms, b.max_speedup
        );
    }
    0
}
