//! The command line against a plain Python scheduler, on a generated graph of 100,000 CPU
//! tasks (about 3.8 MB of `.dag`). Run: `cargo bench --bench cli` (`BENCH_REPS=N` for more
//! rounds; default 5). Needs `python3` on PATH for the baseline.
//!
//! Prints, as medians of rounds that alternate the programs in one run, each program's
//! output going to a file (as `program > out.json`):
//! - `fanout check FILE` and `fanout simulate FILE --json --workers 64` (the release binary
//!   cargo builds for this bench), each beside the same work done in this process (parse +
//!   validate; parse + validate + simulate + JSON into memory): the CLI's overhead;
//! - `python3 benches/cli_baseline.py FILE --workers 64 --schedule`, a straightforward
//!   heap-based list scheduler with fanout's default policy that writes its per-task
//!   schedule as JSON (id, worker, start, end: less than fanout's `--json` writes). The
//!   ratio Python / fanout of these two is the like-for-like one (goal: 10×);
//! - the same script without `--schedule`, which prints only the makespan: the ratio
//!   against it says how fanout's whole command compares with Python's scheduling alone.
//!
//! Wall and CPU time (user and system) are printed apart: on a shared machine a process can
//! wait for a core much longer than it runs, and on this VM the system time of a process
//! that touches fresh memory swings with what the host has to supply.
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

/// CPU time (ms) from `/proc/self/stat`, as (user, system): this process's own
/// (`children: false`) or that of its children already waited for. Linux only; ticks of
/// 10 ms (`CLK_TCK` is 100 on Linux). On a shared machine a process may wait for a core far
/// longer than it runs, so CPU time is what says how much work a program did.
fn cpu_ms(children: bool) -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the `(comm)` one; utime, stime, cutime, cstime are fields 14 to 17.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    let at = if children { 13 } else { 11 };
    (
        f.get(at).unwrap_or(&0.0) * 10.0,
        f.get(at + 1).unwrap_or(&0.0) * 10.0,
    )
}

/// A timing, in milliseconds: wall, and CPU split into user and system time.
#[derive(Clone, Copy)]
struct Time {
    wall: f64,
    user: f64,
    sys: f64,
}

/// Runs `program` with its output to the file `out` (as `program args > out` would);
/// returns its times. The output goes to a file, not a pipe read into this process: 40 MB
/// through a pipe costs the writer about as much as its own work on 2 cores, and a user
/// who keeps the JSON writes it to a file.
fn time_cmd(program: &str, args: &[&str], out: &Path) -> Time {
    let file = std::fs::File::create(out).expect("create the output file");
    let (u0, s0) = cpu_ms(true);
    let t0 = Instant::now();
    let status = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(Stdio::inherit())
        .status()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let wall = t0.elapsed().as_secs_f64() * 1e3;
    let (u1, s1) = cpu_ms(true);
    assert!(status.success(), "{program} {args:?} failed: {status}");
    Time {
        wall,
        user: u1 - u0,
        sys: s1 - s0,
    }
}

fn time_in_process<T>(f: impl FnOnce() -> T) -> (Time, T) {
    let (u0, s0) = cpu_ms(false);
    let t0 = Instant::now();
    let v = f();
    let wall = t0.elapsed().as_secs_f64() * 1e3;
    let (u1, s1) = cpu_ms(false);
    (
        Time {
            wall,
            user: u1 - u0,
            sys: s1 - s0,
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
    let py_sched = [script_s, file_s, "--workers", WORKERS, "--schedule"];
    let (f_out, p_out) = (dir.join("cli-fanout.json"), dir.join("cli-python.json"));
    let check_out = dir.join("cli-check.txt");
    time_cmd(fanout, &sim, &f_out);
    time_cmd("python3", &py_sched, &p_out);
    let read = |p: &Path| std::fs::read(p).expect("read the output back");
    let makespan = check_same_schedule(&read(&f_out), &read(&p_out));
    println!(
        "schedules agree: makespan {makespan} ms, every task on the same worker at the same time"
    );

    let opts = SimOptions {
        workers: Some(64),
        ..Default::default()
    };
    let (mut t_check, mut t_sim, mut t_py, mut t_py_sched, mut t_lib_parse, mut t_lib_sim) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..reps {
        t_check.push(time_cmd(fanout, &check, &check_out));
        t_lib_parse.push(time_in_process(|| parse_dag(&text)).0);
        t_sim.push(time_cmd(fanout, &sim, &f_out));
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
        t_py.push(time_cmd(
            "python3",
            &py,
            &dir.join("cli-python-makespan.json"),
        ));
        t_py_sched.push(time_cmd("python3", &py_sched, &p_out));
    }
    let out_mb = |p: &Path| std::fs::metadata(p).map_or(0.0, |m| m.len() as f64 / 1e6);
    let f_mb = out_mb(&f_out);
    // Medians of each measure on its own: (wall, user, system).
    let med = |ts: &[Time]| {
        let pick = |f: fn(&Time) -> f64| median(&mut ts.iter().map(f).collect::<Vec<_>>());
        (pick(|t| t.wall), pick(|t| t.user), pick(|t| t.sys))
    };
    let (c, lp, s, ls, p, ps) = (
        med(&t_check),
        med(&t_lib_parse),
        med(&t_sim),
        med(&t_lib_sim),
        med(&t_py),
        med(&t_py_sched),
    );
    println!(
        "\nmedians of {reps} rounds, ms: wall (user + system CPU, 10 ms ticks); output to a file\n"
    );
    let show = |t: (f64, f64, f64)| format!("{:.0} ({:.0} + {:.0})", t.0, t.1, t.2);
    println!("| what | process | same work in this process |");
    println!("| --- | --: | --: |");
    println!(
        "| fanout check | {} | {} parse + validate |",
        show(c),
        show(lp)
    );
    println!(
        "| fanout simulate --json --workers 64 ({f_mb:.0} MB of JSON) | {} | {} + simulate + JSON |",
        show(s),
        show(ls)
    );
    println!(
        "| python3 cli_baseline.py --schedule (its schedule as JSON, {:.0} MB) | {} | |",
        out_mb(&p_out),
        show(ps)
    );
    println!(
        "| python3 cli_baseline.py (the makespan only) | {} | |",
        show(p)
    );
    let ratio = |py: (f64, f64, f64), f: (f64, f64, f64)| {
        format!(
            "{:.1}x wall, {:.1}x CPU, {:.1}x user CPU",
            py.0 / f.0,
            (py.1 + py.2) / (f.1 + f.2),
            py.1 / f.1
        )
    };
    println!(
        "\nCLI against Python, both writing their schedules: Python --schedule / `fanout simulate --json` = {} (goal: 10x)",
        ratio(ps, s)
    );
    println!("Against Python printing the makespan only: {}", ratio(p, s));
    println!(
        "System time is mostly the kernel (and, on a VM, the host) supplying fresh memory pages; user time is the program's own work."
    );
}
