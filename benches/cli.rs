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
//!   makespan: less output than fanout's), and the ratio Python / fanout (goal: 10×); and the
//!   same script with `--schedule`, which also writes its per-task schedule as JSON.
//!
//! Wall and CPU time (user + system) are both printed: on a shared machine a process can
//! wait for a core much longer than it runs, and then the CPU figures are the steadier ones.
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

/// CPU time (user + system, ms) from `/proc/self/stat`: this process's own (`children:
/// false`) or that of its children already waited for. Linux only; ticks of 10 ms
/// (`CLK_TCK` is 100 on Linux). On a shared machine a process may wait for a core far longer
/// than it runs, so CPU time is what says how much work a program did.
fn cpu_ms(children: bool) -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the `(comm)` one; utime, stime, cutime, cstime are fields 14 to 17.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    let at = if children { 13 } else { 11 };
    (f.get(at).unwrap_or(&0.0) + f.get(at + 1).unwrap_or(&0.0)) * 10.0
}

/// A timing: wall and CPU milliseconds.
#[derive(Clone, Copy)]
struct Time {
    wall: f64,
    cpu: f64,
}

/// Runs `program`, its output to a pipe that is read whole; returns its times and stdout.
fn time_cmd(program: &str, args: &[&str]) -> (Time, Vec<u8>) {
    let cpu0 = cpu_ms(true);
    let t0 = Instant::now();
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let wall = t0.elapsed().as_secs_f64() * 1e3;
    let cpu = cpu_ms(true) - cpu0;
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        out.status
    );
    (Time { wall, cpu }, out.stdout)
}

fn time_in_process<T>(f: impl FnOnce() -> T) -> (Time, T) {
    let cpu0 = cpu_ms(false);
    let t0 = Instant::now();
    let v = f();
    let wall = t0.elapsed().as_secs_f64() * 1e3;
    (
        Time {
            wall,
            cpu: cpu_ms(false) - cpu0,
        },
        v,
    )
}

/// Both schedules agree: makespan, and each task's worker and start.
fn check_same_schedule(fanout_json: &[u8], python_json: &[u8]) -> f64 {
    let f: serde_json::Value = serde_json::from_slice(fanout_json).expect("fanout prints JSON");
    let p: serde_json::Value = serde_json::from_slice(python_json).expect("python prints JSON");
    let (fm, pm) = (
        f["makespan_ms"].as_f64().unwrap(),
        p["makespan_ms"].as_f64().unwrap(),
    );
    assert_eq!(fm, pm, "makespans differ: fanout {fm} ms, python {pm} ms");
    let (ft, pt) = (
        f["tasks"].as_array().unwrap(),
        p["tasks"].as_array().unwrap(),
    );
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
    let (_, pj) = time_cmd(
        "python3",
        &[script_s, file_s, "--workers", WORKERS, "--schedule"],
    );
    let makespan = check_same_schedule(&fj, &pj);
    println!(
        "schedules agree: makespan {makespan} ms, every task on the same worker at the same time"
    );

    let opts = SimOptions {
        workers: Some(64),
        ..Default::default()
    };
    let py_sched = [script_s, file_s, "--workers", WORKERS, "--schedule"];
    let (mut t_check, mut t_sim, mut t_py, mut t_py_sched, mut t_lib_parse, mut t_lib_sim) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..reps {
        t_check.push(time_cmd(fanout, &check).0);
        t_lib_parse.push(time_in_process(|| parse_dag(&text)).0);
        t_sim.push(time_cmd(fanout, &sim).0);
        t_lib_sim.push(
            time_in_process(|| {
                let g = parse_dag(&text).graph.expect("a valid graph");
                let r = simulate(&g, &opts).expect("simulates");
                let mut out = Vec::new();
                fanout::trace::write_json(&r, &mut out).expect("serializes");
                out.len()
            })
            .0,
        );
        t_py.push(time_cmd("python3", &py).0);
        t_py_sched.push(time_cmd("python3", &py_sched).0);
    }
    let med = |ts: &[Time]| {
        let mut w: Vec<f64> = ts.iter().map(|t| t.wall).collect();
        let mut c: Vec<f64> = ts.iter().map(|t| t.cpu).collect();
        (median(&mut w), median(&mut c))
    };
    let (c, lp, s, ls, p) = (
        med(&t_check),
        med(&t_lib_parse),
        med(&t_sim),
        med(&t_lib_sim),
        med(&t_py),
    );
    println!("\nmedians of {reps} rounds, ms: wall (CPU, user + system, 10 ms ticks)\n");
    println!("| what | CLI process | same work in-process | CLI / in-process, wall (CPU) |");
    println!("| --- | --- | --- | --- |");
    println!(
        "| check | {:.0} ({:.0}) | {:.0} ({:.0}) parse + validate | {:.2} ({:.2}) |",
        c.0,
        c.1,
        lp.0,
        lp.1,
        c.0 / lp.0,
        c.1 / lp.1
    );
    println!(
        "| simulate --json --workers 64 | {:.0} ({:.0}) | {:.0} ({:.0}) + simulate + JSON | {:.2} ({:.2}) |",
        s.0, s.1, ls.0, ls.1, s.0 / ls.0, s.1 / ls.1
    );
    let ps = med(&t_py_sched);
    println!(
        "| python3 cli_baseline.py (makespan only) | {:.0} ({:.0}) | | |",
        p.0, p.1
    );
    println!(
        "| python3 cli_baseline.py --schedule (+ per-task JSON) | {:.0} ({:.0}) | | |",
        ps.0, ps.1
    );
    println!(
        "\nCLI against Python: Python / `fanout simulate --json` = {:.1}x wall, {:.1}x CPU (goal: 10x)",
        p.0 / s.0,
        p.1 / s.1
    );
    println!(
        "Python writing its schedule as JSON too / `fanout simulate --json` = {:.1}x wall, {:.1}x CPU",
        ps.0 / s.0,
        ps.1 / s.1
    );
}
