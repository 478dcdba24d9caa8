//! Kernels in the language and in real runs: parsing, splitting across a range, round
//! trips through the formats, and values checked against known numbers.

use fanout::exec::native::run_native;
use fanout::graph::Work;
use fanout::lang::{parse, parse_dag, to_dag, to_json, Format};
use fanout::trace::Value;

fn graph(text: &str) -> fanout::graph::Graph {
    let p = parse_dag(text);
    assert!(!p.has_errors(), "{:?}", p.diagnostics);
    p.graph.unwrap()
}

#[test]
fn a_range_splits_a_kernel_into_parts() {
    let g = graph("p[1..4] : primes 0..1M\n");
    for (i, t) in g.tasks.iter().enumerate() {
        match &t.work {
            Work::Kernel(k) => assert_eq!((k.part, k.parts), (i as u32, 4)),
            w => panic!("{w:?}"),
        }
    }
    assert!(
        g.tasks[0].work.duration_us() > 0,
        "kernels have an estimated cost"
    );
}

#[test]
fn kernel_errors_point_at_their_arguments() {
    let p = parse_dag("a : cpu 1ms\nb : primes 100 after a\n");
    let d = &p.diagnostics[0];
    assert_eq!((d.line, d.col), (2, 12));
    assert!(d.message.contains("primes A..B"), "{}", d.message);
    let p = parse_dag("c : counter 10 sometimes\n");
    assert!(p.diagnostics[0].message.contains("`plain` or `atomic`"));
    let p = parse_dag("d : prims 0..10\n");
    assert!(
        p.diagnostics[0].message.contains("did you mean `primes`"),
        "{}",
        p.diagnostics[0].message
    );
}

#[test]
fn kernels_round_trip_through_dag_and_json() {
    let g = graph("split : cpu 1ms\np[1..3] : primes 0..30k retry 1 after split\nimg : mandelbrot 64 iter 50\nw : wordcount\nc : counter 1k atomic\nsum : cpu 1ms reduce sum after p[*]\n");
    let dag = to_dag(&g);
    assert!(
        dag.contains("p2 : primes 0..30000 part 2/3 retry 1 after split"),
        "{dag}"
    );
    let back = parse(&dag, Format::Dag)
        .graph
        .expect("the exported .dag parses");
    assert_eq!(
        back.tasks,
        g.tasks
            .iter()
            .map(|t| fanout::graph::Task {
                span: back.tasks[0].span,
                ..t.clone()
            })
            .collect::<Vec<_>>()
            .iter()
            .zip(&back.tasks)
            .map(|(a, b)| fanout::graph::Task {
                span: b.span,
                ..a.clone()
            })
            .collect::<Vec<_>>()
    );
    let json = to_json(&g);
    assert!(json.contains("\"args\": \"0..30000 part 2/3\""), "{json}");
    let again = parse(&json, Format::Json)
        .graph
        .expect("the exported JSON parses");
    assert_eq!(
        again.tasks.iter().map(|t| &t.work).collect::<Vec<_>>(),
        g.tasks.iter().map(|t| &t.work).collect::<Vec<_>>()
    );
}

#[test]
fn json_kernels_need_args_not_a_duration() {
    let p = parse(
        r#"{"tasks":[{"id":"a","kind":"primes","duration":"5ms"}]}"#,
        Format::Json,
    );
    assert!(p.has_errors());
    assert!(p
        .diagnostics
        .iter()
        .any(|d| d.message.contains("has no duration")));
}

#[test]
fn map_reduce_over_primes_gives_the_known_count() {
    let g = graph("p[1..8] : primes 0..1M\ntotal : cpu 0ms reduce sum after p[*]\n");
    let r = run_native(g, 2).unwrap();
    assert_eq!(
        r.result.get("total"),
        Some(&Some(Value::Int(78_498))),
        "pi(10^6) = 78498"
    );
    let parts: i64 = r.tasks[..8]
        .iter()
        .map(|t| match t.value {
            Some(Value::Int(v)) => v,
            _ => panic!(),
        })
        .sum();
    assert_eq!(parts, 78_498);
}

#[test]
fn wordcount_chunks_add_up_to_the_text() {
    let r = run_native(
        graph("w[1..5] : wordcount\nall : cpu 0ms reduce sum after w[*]\n"),
        2,
    )
    .unwrap();
    assert_eq!(
        r.result.get("all"),
        Some(&Some(Value::Int(213))),
        "wc -w of the built-in text"
    );
}

#[test]
fn atomic_counters_never_lose_updates() {
    let r = run_native(graph("c[1..4] : counter 500k atomic\n"), 2).unwrap();
    let c = r.counter.expect("a counter report");
    assert_eq!((c.expected, c.actual, c.lost), (2_000_000, 2_000_000, 0));
}

#[test]
fn plain_counters_lose_updates_when_threads_overlap() {
    // Whether two threads interleave is up to the OS: a few tries; on two cores the first
    // run loses thousands of updates.
    let lost = (0..8)
        .map(|_| {
            run_native(graph("c[1..2] : counter 5M plain\n"), 2)
                .unwrap()
                .counter
                .unwrap()
        })
        .inspect(|c| assert_eq!(c.expected, 10_000_000))
        .map(|c| c.lost)
        .max()
        .unwrap();
    assert!(lost > 0, "no update was lost in 8 runs");
}

#[test]
fn graphs_without_counters_have_no_counter_report() {
    let r = run_native(graph("a : primes 0..100\n"), 1).unwrap();
    assert!(r.counter.is_none());
    assert_eq!(r.tasks[0].value, Some(Value::Int(25)));
}

#[test]
fn a_real_run_reports_its_kernels_speed_against_their_model() {
    use fanout::metrics::MIN_MEASURED_KERNEL_US;
    let g = graph("p[1..4] : primes 0..20M\ntotal : cpu 0ms reduce sum after p[*]\n");
    let parts: Vec<_> = g.tasks[..4]
        .iter()
        .map(|t| match &t.work {
            Work::Kernel(k) => k.clone(),
            _ => panic!("p is a kernel"),
        })
        .collect();
    let r = run_native(g, 2).unwrap();
    // Priced with the calibration the run used (`run_native` measures one first).
    let modelled: Vec<u64> = parts.iter().map(|k| k.modelled_us()).collect();
    assert!(modelled.iter().all(|&us| us >= MIN_MEASURED_KERNEL_US));
    let s = r
        .kernel_share
        .expect("kernel attempts of 0.25 ms or more are measured");
    assert_eq!(s.attempts, 4, "the four parts, not the reduce");
    let asked: f64 = modelled.iter().map(|&us| us as f64 / 1000.0).sum();
    let took: f64 = r.tasks[..4].iter().map(|t| t.attempts[0].duration_ms).sum();
    assert!(
        (s.asked_ms - asked).abs() < 1e-6,
        "{} against {asked}",
        s.asked_ms
    );
    assert!(
        (s.took_ms - took).abs() < 1e-6,
        "{} against {took}",
        s.took_ms
    );
    assert!((s.share - asked / took).abs() < 1e-9);
    assert!(r.cpu_share.is_none(), "no cpu work of 1 ms or more ran");
}
