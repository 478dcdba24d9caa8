//! `fanout run FILE [--workers N] [--json]`: runs the graph for real on OS threads with the
//! same scheduler as the browser, and prints the RunResult (JSON) or a summary.

use fanout::exec::native::run_native;
use fanout::lang::parse_dag;

pub fn run(args: &[String]) -> i32 {
    let mut file = None;
    let mut workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut json = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "--workers" => match it
                .next()
                .and_then(|v| v.parse::<usize>().ok())
                .filter(|&n| (1..=1024).contains(&n))
            {
                Some(n) => workers = n,
                None => {
                    eprintln!("fanout run: --workers takes a whole number from 1 to 1024");
                    return 2;
                }
            },
            other if other.starts_with('-') => {
                eprintln!("fanout run: unknown option `{other}`");
                return 2;
            }
            other => file = Some(other.to_string()),
        }
    }
    let Some(file) = file else {
        eprintln!("usage: fanout run FILE [--workers N] [--json]");
        return 2;
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{file}: cannot read: {e}");
            return 2;
        }
    };
    let parsed = parse_dag(&text);
    let has_errors = parsed.has_errors();
    let Some(graph) = parsed.graph.filter(|_| !has_errors) else {
        for d in &parsed.diagnostics {
            eprintln!("{file}:{}", d.render());
        }
        return 1;
    };
    match run_native(graph, workers) {
        Ok(r) if json => {
            println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
            0
        }
        Ok(r) => {
            println!(
                "ran {} tasks on {} workers (native threads): makespan {:.1} ms, {:.1} ms of work, speedup {:.2}x",
                r.tasks.len(),
                r.workers,
                r.makespan_ms,
                r.sequential_ms,
                if r.makespan_ms > 0.0 { r.sequential_ms / r.makespan_ms } else { 0.0 }
            );
            if let Some(m) = &r.metrics {
                println!(
                    "  work and speedup are modelled{}; measured: {:.1} ms of work, speedup {:.2}x",
                    if r.kernel_calibration.is_some() { " (kernels calibrated on this machine before the run)" } else { "" },
                    m.measured_work_ms,
                    m.measured_speedup
                );
            }
            0
        }
        Err(e) => {
            eprintln!("fanout run: {e}");
            1
        }
    }
}
