//! No input, however malformed, may panic or hang a parser: arbitrary text and
//! near-miss inputs in every format, through the same checks the fuzz targets run.

include!("../fuzz/fuzz_targets/common.rs");

use fanout::lang::Format;
use proptest::prelude::*;

/// Fragments that make near-valid inputs in any of the formats.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a".to_string()),
        Just("b".to_string()),
        Just("chunk[1..3]".to_string()),
        Just("chunk[*]".to_string()),
        Just(" : ".to_string()),
        Just("cpu 5ms".to_string()),
        Just("io 1s".to_string()),
        Just(" after ".to_string()),
        Just(", ".to_string()),
        Just("\n".to_string()),
        Just("retry 2 backoff 1ms".to_string()),
        Just("fail attempts 1".to_string()),
        Just("uses db".to_string()),
        Just("limit db 2\n".to_string()),
        Just("workers 3\n".to_string()),
        Just("\"label\"".to_string()),
        Just("#".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("->".to_string()),
        Just("digraph ".to_string()),
        Just("[cost=3]".to_string()),
        Just(r#"{"tasks": [{"id": "a", "kind": "cpu", "duration": 1"#.to_string()),
        Just(r#""after": ["a"]}"#.to_string()),
        Just("3\n0 0 0\n1 2 1 0\n".to_string()),
        Just("2 1 1 1\n".to_string()),
        "[ -~]{0,6}",
        any::<char>().prop_map(String::from),
    ]
}

fn near_miss() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        for f in Format::ALL {
            exercise(&text, f);
        }
    }

    #[test]
    fn near_misses_never_panic(text in near_miss()) {
        for f in Format::ALL {
            exercise(&text, f);
        }
    }
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let deep = "[".repeat(200_000);
    for f in Format::ALL {
        exercise(&deep, f);
    }
    let dot = format!(
        "digraph {{ {} a [cost=1] {} }}",
        "subgraph { ".repeat(50_000),
        "}".repeat(50_000)
    );
    exercise(&dot, Format::Dot);
}

#[test]
fn huge_ranges_are_refused_quickly() {
    // 10 ranges of 100,000 tasks each would pass the task limit: refused, not built.
    let text: String = (0..11)
        .map(|i| format!("r{i}x[1..100000] : cpu 1\n"))
        .collect();
    let p = fanout::lang::parse_dag(&text);
    assert!(p.has_errors());
    assert!(p
        .diagnostics
        .iter()
        .any(|d| d.message.contains("too many tasks")));
}

#[test]
fn range_expansion_is_bounded_before_it_runs() {
    // 200 references to 100,000 missing names each would be 20 million lookups: refused early.
    let text: String = std::iter::once("x : cpu 1\n".to_string())
        .chain((0..200).map(|i| format!("t{i} : cpu 1 after nope[1..100000]\n")))
        .collect();
    let start = std::time::Instant::now();
    let p = fanout::lang::parse_dag(&text);
    assert!(
        p.diagnostics
            .iter()
            .any(|d| d.message.contains("too many dependencies")),
        "{:?}",
        &p.diagnostics[..3]
    );
    // Refused at the reference that passes 10,000,000 (the 101st), before resolving any.
    let d = p
        .diagnostics
        .iter()
        .find(|d| d.message.contains("too many dependencies"))
        .unwrap();
    assert_eq!((d.line, d.col), (102, 20));
    assert!(start.elapsed() < std::time::Duration::from_secs(60));
    // A range copying a long `after` list 100,000 times is refused too.
    let deps: Vec<String> = (0..200).map(|i| format!("d{i}")).collect();
    let mut text: String = deps.iter().map(|d| format!("{d} : cpu 1\n")).collect();
    text.push_str(&format!("r[1..60000] : cpu 1 after {}\n", deps.join(", ")));
    let p = fanout::lang::parse_dag(&text);
    assert!(p
        .diagnostics
        .iter()
        .any(|d| d.message.contains("copies its `after` list")));
}
