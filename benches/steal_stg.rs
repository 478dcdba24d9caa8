//! Work stealing against `critical-path` and `fifo` on the STG graphs in tests/data/stg:
//! `cargo bench --bench steal_stg`. Prints, per worker count, the mean makespan ratio
//! (work-stealing / critical-path, work-stealing / fifo, over the graphs), the mean steals
//! and failed steal draws per task, and how many graphs work stealing won, tied and lost
//! against critical-path. Simulated, so exact and reproducible (seed 0, 5 seeds for the
//! victims: the ratio is averaged over them too).

use fanout::graph::Policy;
use fanout::lang::{parse, Format};
use fanout::sim::{simulate, SimOptions};

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/stg");
    let mut graphs = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("tests/data/stg")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "stg"))
        .collect();
    names.sort();
    for p in &names {
        let text = std::fs::read_to_string(p).unwrap();
        let g = parse(&text, Format::Stg).graph.expect("valid STG graph");
        graphs.push((p.file_name().unwrap().to_string_lossy().to_string(), g));
    }
    println!(
        "{} STG graphs ({} tasks in all)",
        graphs.len(),
        graphs.iter().map(|g| g.1.tasks.len()).sum::<usize>()
    );
    println!("workers  ws/cp   ws/fifo  steals/task  failed/task  ws vs cp: won tied lost");
    let sim = |g, w, p, seed| {
        simulate(
            g,
            &SimOptions {
                workers: Some(w),
                policy: Some(p),
                seed: Some(seed),
                on_error: None,
                ..Default::default()
            },
        )
        .unwrap()
    };
    for workers in [2, 4, 8] {
        let (mut r_cp, mut r_fifo, mut steals, mut failed, mut n) = (0.0, 0.0, 0.0, 0.0, 0.0);
        let (mut won, mut tied, mut lost) = (0, 0, 0);
        for (_, g) in &graphs {
            let cp = sim(g, workers, Policy::CriticalPath, 0).makespan_ms;
            let fifo = sim(g, workers, Policy::Fifo, 0).makespan_ms;
            for seed in 0..5 {
                let ws = sim(g, workers, Policy::WorkStealing, seed);
                r_cp += ws.makespan_ms / cp;
                r_fifo += ws.makespan_ms / fifo;
                let s = ws.steals.as_ref().unwrap();
                steals += s.steals as f64 / g.tasks.len() as f64;
                failed += s.failed_steals as f64 / g.tasks.len() as f64;
                n += 1.0;
                match ws.makespan_ms.partial_cmp(&cp).unwrap() {
                    std::cmp::Ordering::Less => won += 1,
                    std::cmp::Ordering::Equal => tied += 1,
                    std::cmp::Ordering::Greater => lost += 1,
                }
            }
        }
        println!(
            "{workers:>7}  {:.3}   {:.3}    {:.3}        {:.3}        {won:>3} {tied:>4} {lost:>4}",
            r_cp / n,
            r_fifo / n,
            steals / n,
            failed / n
        );
    }
}
