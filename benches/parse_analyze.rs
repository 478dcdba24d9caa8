//! Parse, validate and analyse a generated graph of 100,000 tasks and 400,000 edges.
//! Run: `cargo bench --bench parse_analyze` (goal: under 200 ms for the whole pipeline).

use criterion::{criterion_group, criterion_main, Criterion};
use fanout::analysis::analyze;
use fanout::lang::{parse, parse_dag, to_json, Format};
use std::fmt::Write;
use std::hint::black_box;

pub const TASKS: usize = 100_000;
pub const EDGES: usize = 400_000;

/// A deterministic `.dag` text: task i depends on up to 4 distinct earlier tasks (two nearby,
/// two anywhere before it); the last task takes the few extra edges that make exactly
/// `EDGES` in all.
fn generate() -> String {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rand = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut text = String::with_capacity(TASKS * 40);
    text.push_str("workers 8\n");
    let mut edges = 0;
    for i in 0..TASKS {
        let want = if i == TASKS - 1 {
            EDGES - edges
        } else {
            i.min(4)
        };
        let mut deps: Vec<usize> = Vec::with_capacity(want);
        while deps.len() < want {
            let d = if deps.len() % 2 == 0 {
                i - 1 - rand(i.min(50))
            } else {
                rand(i)
            };
            if !deps.contains(&d) {
                deps.push(d);
            }
        }
        edges += deps.len();
        let kind = if i % 7 == 0 { "io" } else { "cpu" };
        let _ = write!(text, "t{i} : {kind} {}ms", 1 + rand(100));
        for (k, d) in deps.iter().enumerate() {
            text.push_str(if k == 0 { " after " } else { ", " });
            let _ = write!(text, "t{d}");
        }
        text.push('\n');
    }
    assert_eq!(edges, EDGES);
    text
}

fn bench(c: &mut Criterion) {
    let text = generate();
    let graph = parse_dag(&text)
        .graph
        .expect("the generated graph is valid");
    assert_eq!((graph.tasks.len(), graph.edge_count()), (TASKS, EDGES));
    let json = to_json(&graph);
    let mut g = c.benchmark_group("100k tasks, 400k edges");
    g.sample_size(10);
    g.bench_function("parse + validate + analyze (.dag)", |b| {
        b.iter(|| {
            let p = parse_dag(black_box(&text));
            analyze(p.graph.as_ref().unwrap(), 8)
        })
    });
    g.bench_function("parse + validate (.dag)", |b| {
        b.iter(|| parse_dag(black_box(&text)))
    });
    g.bench_function("analyze", |b| b.iter(|| analyze(black_box(&graph), 8)));
    g.bench_function("parse + validate (JSON)", |b| {
        b.iter(|| parse(black_box(&json), Format::Json))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
