//! The command line against a plain Python scheduler, on a generated graph of 100,000 CPU
//! tasks (about 3.2 MB of `.dag`). Run: `cargo bench --bench cli` (`BENCH_REPS=N` for more
//! rounds; default 5). Needs `python3` on PATH for the baseline.
//!
//! Prints, as medians of rounds that alternate the programs in one run:
//! - `fanout check FILE` and `fanout simulate FILE --json --workers 64` (the release binary
//!   cargo builds for this bench), each against the same work done in this process (parse +
//!   validate; parse + validate + simulate + JSON into memory): the CLI's overhead;
//! - `python3 benches/cli_baseline.py FILE --workers 64`, a straightforward heap-based list
//!   scheduler with fanout's default policy (it reads the file, schedules, prints the
//!   makespan: less output than fanout's), and the ratio Python / fanout (goal: 10×).
//!
//! Before timing, it checks that both schedules agree: the same makespan, and every task
//! on the same worker at the same start.
//! The graph file stays in the target directory (its path is printed), for profiling:
//! `valgrind --tool=callgrind target/release/fanout check FILE`.

use fanout::lang::parse_dag;
use fanout::sim::{simulate, SimOptions};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const TASKS: usize = 100_000;
const WORKERS: &str = "64";

/// A deterministic `.dag` text of `TASKS` CPU tasks of 1 to 100 ms: task i depends on one
/// of the 50 tasks before it and on one task anywhere before it (fewer for the first two).
pub fn generate() -> String {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rand = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut text = String::with_capacity(TASKS * 36);
    for i in 0..TASKS {
        let _ = write!(text, "t{i} : cpu {}ms", 1 + rand(100));
        if i > 0 {
            let near = i - 1 - rand(i.min(50));
            let _ = write!(text, " after t{near}");
            let far = rand(i);
            if far != near {
                let _ = write!(text, ", t{far}");
            }
        }
        text.push('\n');
    }
    text
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

/// Runs `cmd`, output to a pipe that is read whole; returns (ms, stdout).
fn time_cmd(program: &str, args: &[&str]) -> (f64, Vec<u8>) {
    let t0 = Instant::now();
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let ms = t0.elapsed().as_secs_f64() * 1e3;
    assert!(out.status.success(), "{program} {args:?} failed: {}", out.status);
    (ms, out.stdout)
}

fn time_in_process<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let t0 = Instant::now();
    let v = f();
    (t0.elapsed().as_secs_f64() * 1e3, v)
}

/// Both schedules agree: makespan, and each task's worker and start.
fn check_same_schedule(fanout_json: &[u8], python_json: &[u8]) -> f64 {
    let f: serde_json::Value = serde_json::from_slice(fanout_json).expect("fanout prints JSON");
    let p: serde_json::Value = serde_json::from_slice(python_json).expect("python prints JSON");
    let (fm, pm) = (f["makespan_ms"].as_f64().unwrap(), p["makespan_ms"].as_f64().unwrap());
    assert_eq!(fm, pm, "makespans differ: fanout {fm} ms, python {pm} ms");
    let (ft, pt) = (f["tasks"].as_array().unwrap(), p["tasks"].as_array().unwrap());
    assert_eq!(ft.len(), TASKS);
    assert_eq!(ft.len(), pt.len());
    for (a, b) in ft.iter().zip(pt) {
        for key in ["id", "worker", "start_ms", "end_ms"] {
            assert_eq!(a[key], b[key], "task {}: {key} differs", a["id"]);
        }
    }
    fm
}

fn main() {
    // `cargo bench` passes `--bench`; nothing here is filtered.
    let reps: usize = std::env::var("BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join("cli-100k.dag");
    let text = generate();
    std::fs::write(&file, &text).expect("write the graph");
    let file_s = file.to_str().expect("a UTF-8 path");
    let fanout = env!("CARGO_BIN_EXE_fanout");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/cli_baseline.py");
    let script_s = script.to_str().expect("a UTF-8 path");
    println!(
        "graph: {file_s} ({TASKS} tasks, {:.1} MB), {WORKERS} workers, {reps} rounds",
        text.len() as f64 / 1e6
    );

    let check = ["check", file_s];
    let sim = ["simulate", file_s, "--json", "--workers", WORKERS];
    let py = [script_s, file_s, "--workers", WORKERS];
    let (_, fj) = time_cmd(fanout, &sim);
    let (_, pj) = time_cmd("python3", &[script_s, file_s, "--workers", WORKERS, "--schedule"]);
    let makespan = check_same_schedule(&fj, &pj);
    println!("schedules agree: makespan {makespan} ms, every task on the same worker at the same time");

    let opts = SimOptions {
        workers: Some(64),
        ..Default::default()
    };
    let (mut t_check, mut t_sim, mut t_py, mut t_lib_parse, mut t_lib_sim) =
        (vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..reps {
        t_check.push(time_cmd(fanout, &check).0);
        t_lib_parse.push(time_in_process(|| parse_dag(&text)).0);
        t_sim.push(time_cmd(fanout, &sim).0);
        t_lib_sim.push(
            time_in_process(|| {
                let g = parse_dag(&text).graph.expect("a valid graph");
                let r = simulate(&g, &opts).expect("simulates");
                serde_json::to_vec_pretty(&r).expect("serializes").len()
            })
            .0,
        );
        t_py.push(time_cmd("python3", &py).0);
    }
    let (c, lp, s, ls, p) = (
        median(&mut t_check),
        median(&mut t_lib_parse),
        median(&mut t_sim),
        median(&mut t_lib_sim),
        median(&mut t_py),
    );
    println!("\n| what (median of {reps}, ms) | CLI process | same work in-process | CLI / in-process |");
    println!("| --- | --- | --- | --- |");
    println!("| check | {c:.1} | {lp:.1} (parse + validate) | {:.2} |", c / lp);
    println!("| simulate --json --workers 64 | {s:.1} | {ls:.1} (+ simulate + JSON) | {:.2} |", s / ls);
    println!("\npython3 baseline: {p:.1} ms");
    println!("CLI against Python: Python / `fanout simulate --json` = {:.1}x (goal: 10x)", p / s);
}
