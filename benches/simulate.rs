//! Simulates a generated DAG of 1,000,000 tasks on 64 workers with the critical-path
//! policy. Run: `cargo bench --bench simulate`. Reports tasks per second (throughput).
//!
//! Two measurements: `schedule_only` (scheduler + event loop, the simulator's core) and
//! `full_result` (plus building the RunResult with per-task records, values and metrics).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fanout::graph::Policy;
use fanout::sim::testkit::random_dag;
use fanout::sim::{makespan_us, simulate, SimOptions};
use std::hint::black_box;
use std::time::Duration;

const TASKS: usize = 1_000_000;

fn bench(c: &mut Criterion) {
    // Each task depends on up to 3 of the 1000 tasks before it; durations 1..=1000 µs.
    let g = random_dag(TASKS, 3, 1000, 1000, 42);
    let opts = SimOptions {
        workers: Some(64),
        policy: Some(Policy::CriticalPath),
        ..Default::default()
    };
    let mut group = c.benchmark_group("simulate_1M_tasks_64_workers");
    group.throughput(Throughput::Elements(TASKS as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("schedule_only", |b| {
        b.iter(|| makespan_us(black_box(&g), &opts).unwrap())
    });
    group.bench_function("full_result", |b| {
        b.iter(|| simulate(black_box(&g), &opts).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
