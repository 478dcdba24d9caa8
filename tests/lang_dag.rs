//! The `.dag` language: what it accepts, and one test per diagnostic (line, column, message).

use fanout::graph::{OnError, Policy, Reduce, Work};
use fanout::lang::{parse_dag, Diagnostic, Severity};

/// The diagnostics of `text`, which must not produce a graph.
fn errors(text: &str) -> Vec<Diagnostic> {
    let p = parse_dag(text);
    assert!(p.graph.is_none(), "expected errors for {text:?}");
    assert!(p.has_errors());
    p.diagnostics
}

/// The only error of `text`: asserts there is exactly one, at `line`:`col`, mentioning `needle`.
fn one_error(text: &str, line: u32, col: u32, needle: &str) -> Diagnostic {
    let ds: Vec<Diagnostic> = errors(text)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(ds.len(), 1, "{ds:#?}");
    let d = ds.into_iter().next().unwrap();
    assert_eq!((d.line, d.col), (line, col), "{d:?}");
    assert!(
        d.message.contains(needle),
        "{:?} should contain {needle:?}",
        d.message
    );
    assert!(d.end_col > d.col);
    d
}

#[test]
fn parses_chain_with_units_and_comments() {
    let p = parse_dag(
        "# chain\na : cpu 50ms\nb : cpu 2s after a # two seconds\nc : cpu 300us after a, b\n",
    );
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let g = p.graph.unwrap();
    assert_eq!(g.tasks.len(), 3);
    assert_eq!(g.tasks[1].work.duration_us(), 2_000_000);
    assert_eq!(g.tasks[2].deps, vec![0, 1]);
    assert_eq!(g.tasks[2].work.duration_us(), 300);
}

#[test]
fn bare_number_is_milliseconds() {
    let g = parse_dag("a : cpu 7").graph.unwrap();
    assert_eq!(g.tasks[0].work.duration_us(), 7_000);
}

#[test]
fn the_issue_example_parses() {
    let text = "# three independent analyses, then a merge\nworkers 4\nsentiment : cpu 200ms\nentities  : cpu 150ms\nsummary \"Summarize the article\" : io 2s\nreport    : cpu 10ms after sentiment, entities, summary\n";
    let p = parse_dag(text);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let g = p.graph.unwrap();
    assert_eq!(g.decls.workers, Some(4));
    assert_eq!(g.tasks[2].label.as_deref(), Some("Summarize the article"));
    assert_eq!(
        g.tasks[2].work,
        Work::Io {
            duration_us: 2_000_000
        }
    );
    assert_eq!(g.tasks[3].deps, vec![0, 1, 2]);
    assert_eq!((g.tasks[3].span.line, g.tasks[3].span.col), (6, 1));
}

#[test]
fn declarations_and_options() {
    let text = "workers 3\nlimit db 2\nrate api 5/s\npolicy fifo\non_error skip-dependents\nseed 42\n\
                a : io 1s retry 2 backoff 100ms timeout 3s fail 0.25 fail attempts 1 priority -3 uses db, api reduce max\n\
                b : cpu 1 fail 20% uses db after a\n";
    let p = parse_dag(text);
    assert!(!p.has_errors(), "{:?}", p.diagnostics);
    let g = p.graph.unwrap();
    let d = &g.decls;
    assert_eq!(
        (d.workers, d.seed, d.policy, d.on_error),
        (
            Some(3),
            Some(42),
            Some(Policy::Fifo),
            Some(OnError::SkipDependents)
        )
    );
    assert_eq!((d.limits[0].resource.as_str(), d.limits[0].max), ("db", 2));
    assert_eq!(
        (d.rates[0].resource.as_str(), d.rates[0].per_second),
        ("api", 5.0)
    );
    let o = &g.tasks[0].options;
    assert_eq!(
        (o.retry, o.backoff_us, o.timeout_us),
        (2, Some(100_000), Some(3_000_000))
    );
    assert_eq!(
        (o.fail_probability, o.fail_attempts, o.priority),
        (0.25, 1, -3)
    );
    assert_eq!(o.uses, vec!["db", "api"]);
    assert_eq!(o.reduce, Some(Reduce::Max));
    assert_eq!(g.tasks[1].options.fail_probability, 0.2);
}

#[test]
fn fan_out_sugar_declares_and_names_groups() {
    let text = "split : cpu 5ms\nchunk[1..8] : cpu 40ms after split\nmerge : cpu 5ms after chunk[*]\nsome : cpu 1 after chunk[2..3], chunk[8]\n";
    let p = parse_dag(text);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let g = p.graph.unwrap();
    assert_eq!(g.tasks.len(), 11);
    assert_eq!(g.tasks[1].id, "chunk1");
    assert_eq!(g.tasks[8].id, "chunk8");
    assert!(g.tasks[1..9].iter().all(|t| t.deps == vec![0]));
    assert_eq!(g.tasks[9].deps, (1..9).collect::<Vec<_>>());
    assert_eq!(g.tasks[10].deps, vec![2, 3, 8]);
}

#[test]
fn twenty_prices_stays_short() {
    let text = "price[1..20] \"fetch a price\" : io 300ms retry 2\nbest : cpu 1ms reduce min after price[*]\n";
    let g = parse_dag(text).graph.unwrap();
    assert_eq!(g.tasks.len(), 21);
    assert_eq!(g.tasks[20].deps.len(), 20);
}

#[test]
fn unknown_dependency_names_line_and_column() {
    one_error("a : cpu 1ms\nb : cpu 1ms after a, zz\n", 2, 22, "zz");
}

#[test]
fn unknown_dependency_suggests_a_close_id() {
    let d = one_error(
        "sentiment : cpu 1\nreport : cpu 1 after sentimnt\n",
        2,
        22,
        "unknown dependency `sentimnt`",
    );
    assert!(
        d.message.contains("did you mean `sentiment`?"),
        "{}",
        d.message
    );
}

#[test]
fn duplicate_id() {
    let d = one_error(
        "a : cpu 1\nb : cpu 1\n  a : cpu 2\n",
        3,
        3,
        "duplicate task id `a`",
    );
    assert!(d.message.contains("line 1"));
}

#[test]
fn self_dependency() {
    one_error("a : cpu 1 after a\n", 1, 17, "depends on itself");
}

#[test]
fn cycle_is_named_in_full() {
    let d = one_error(
        "a : cpu 1ms after c\nb : cpu 1ms after a\nc : cpu 1ms after b\n",
        1,
        19,
        "a -> b -> c -> a",
    );
    assert!(d.message.contains("cycle"));
}

#[test]
fn cycle_downstream_tasks_are_not_in_the_cycle() {
    let d = one_error(
        "x : cpu 1\nd : cpu 1 after b\nb : cpu 1 after c, x\nc : cpu 1 after b\n",
        3,
        17,
        "b -> c -> b",
    );
    assert!(!d.message.contains("d ->"));
}

#[test]
fn two_separate_cycles_are_both_reported() {
    let ds = errors("a : cpu 1 after b\nb : cpu 1 after a\nc : cpu 1 after d\nd : cpu 1 after c\n");
    assert_eq!(ds.len(), 2, "{ds:#?}");
    assert!(ds[0].message.contains("a -> b -> a"));
    assert!(ds[1].message.contains("c -> d -> c"));
}

#[test]
fn bad_duration() {
    one_error("a : cpu 5m\n", 1, 9, "unknown duration unit `m`");
    one_error("a : cpu fast\n", 1, 9, "unit");
    one_error("a : cpu 2h after b\nb : cpu 1\n", 1, 9, "unit");
    one_error("a : cpu 7200s\n", 1, 9, "1 hour");
}

#[test]
fn missing_duration() {
    one_error("a : cpu\n", 1, 5, "needs a duration");
    one_error("a : cpu after b\nb : cpu 1\n", 1, 5, "needs a duration");
}

#[test]
fn unknown_kind() {
    let d = one_error("a : gpu 5ms\n", 1, 5, "unknown kind of work `gpu`");
    assert!(d
        .message
        .contains("`cpu`, `io` or a kernel (primes, mandelbrot"));
    let d = one_error("a : ioo 5ms\n", 1, 5, "unknown kind");
    assert!(d.message.contains("did you mean `io`?"));
}

#[test]
fn unknown_option() {
    let d = one_error(
        "a : cpu 5ms retyr 3 after b\nb : cpu 1\n",
        1,
        13,
        "unknown option `retyr`",
    );
    assert!(d.message.contains("did you mean `retry`?"));
}

#[test]
fn option_given_twice() {
    one_error("a : cpu 5ms retry 1 retry 2\n", 1, 21, "given twice");
}

#[test]
fn option_needs_a_value() {
    one_error("a : cpu 5ms retry\n", 1, 13, "`retry` needs a value");
    one_error("a : cpu 5ms retry x\n", 1, 19, "not a count");
    one_error("a : cpu 5ms fail often\n", 1, 18, "not a probability");
    one_error("a : cpu 5ms priority high\n", 1, 22, "not a priority");
    one_error(
        "a : cpu 5ms reduce avg\n",
        1,
        20,
        "unknown reduce operator `avg`",
    );
    one_error("a : cpu 5ms timeout 5x\n", 1, 21, "unit");
}

#[test]
fn contradictory_options() {
    one_error("a : cpu 5ms backoff 1s\n", 1, 13, "never retries");
    one_error("a : cpu 5ms timeout 0\n", 1, 13, "timeout 0");
    one_error("a : cpu 5ms fail 1.5\n", 1, 13, "between 0 and 1");
}

#[test]
fn warnings_do_not_stop_the_graph() {
    let p = parse_dag(
        "a : cpu 1 fail attempts 3 retry 1\nb : cpu 1 reduce sum\nc : cpu 1 after a, a\n",
    );
    assert!(!p.has_errors());
    assert!(p.graph.is_some());
    let msgs: Vec<&str> = p.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(p.diagnostics.len(), 3, "{msgs:?}");
    assert!(p
        .diagnostics
        .iter()
        .all(|d| d.severity == Severity::Warning));
    assert!(msgs[0].contains("always fails"));
    assert!(msgs[1].contains("nothing to combine"));
    assert!(msgs[2].contains("listed twice"));
    assert_eq!(p.graph.unwrap().tasks[2].deps, vec![0]);
}

#[test]
fn unknown_resource() {
    let d = one_error(
        "limit db 2\na : cpu 5ms uses dbb\n",
        2,
        18,
        "unknown resource `dbb`",
    );
    assert!(d.message.contains("did you mean `db`?"));
}

#[test]
fn bad_declarations() {
    one_error("workers 0\n", 1, 9, "between 1 and");
    one_error("workers many\n", 1, 9, "not a number of workers");
    one_error("workers 2\nworkers 3\n", 2, 1, "already declared on line 1");
    one_error("policy fast\n", 1, 8, "unknown policy `fast`");
    one_error("on_error ignore\n", 1, 10, "unknown on_error mode");
    one_error("rate api 5\n", 1, 10, "not a rate");
    one_error("rate api 0/s\n", 1, 1, "more than 0");
    one_error(
        "limit db 2\nlimit db 3\n",
        2,
        1,
        "already limited at line 1",
    );
    one_error("limit db\n", 1, 9, "incomplete");
    one_error("seed 1 2\n", 1, 8, "unexpected `2`");
    let d = one_error("wrkers 4\n", 1, 1, "unknown declaration `wrkers`");
    assert!(d.message.contains("did you mean `workers`?"));
}

#[test]
fn lines_that_are_not_tasks() {
    one_error("hello world\n", 1, 1, "has no `:`");
    one_error(": cpu 1\n", 1, 1, "expected a task id before `:`");
    one_error("a.b : cpu 1\n", 1, 1, "not a valid task id");
    one_error("a x : cpu 1\n", 1, 3, "expected `:` after the task id");
    one_error("a :\n", 1, 4, "expected the work after `:`");
    one_error("a \"label : cpu 1\n", 1, 3, "closing");
}

#[test]
fn bad_after_lists() {
    one_error("a : cpu 1 after\n", 1, 11, "needs at least one task id");
    one_error("a : cpu 1\nb : cpu 1 after a,\n", 2, 19, "after `,`");
    one_error("a : cpu 1\nb : cpu 1 after a, , a\n", 2, 20, "found `,`");
    one_error("b : cpu 1 after x[*]\n", 1, 17, "`x[*]` names no tasks");
    one_error("x[1..2] : cpu 1\nb : cpu 1 after x[1..3]\n", 2, 17, "x3");
    one_error("x[3..1] : cpu 1\n", 1, 3, "is empty");
    one_error("x[1..1000001] : cpu 1\n", 1, 3, "more than");
}

#[test]
fn every_error_is_reported_not_only_the_first() {
    let ds = errors("a : cpu 5x\nb : cpu 1 after zz\nc : gpu 1\na : cpu 1\n");
    let lines: Vec<u32> = ds.iter().map(|d| d.line).collect();
    assert_eq!(lines, vec![1, 2, 3, 4], "{ds:#?}");
}

#[test]
fn cycles_are_reported_alongside_other_errors() {
    let ds = errors("a : cpu 5m\nb : cpu 1 after a, c\nc : cpu 1 after b\n");
    assert_eq!(ds.len(), 2, "{ds:#?}");
    assert!(ds[0].message.contains("unit"));
    assert!(ds[1].message.contains("b -> c -> b"));
}

#[test]
fn columns_count_characters_not_bytes() {
    one_error("é : cpu 1\n", 1, 1, "not a valid task id");
    one_error("a \"ééé\" : cpu 1 after zz\n", 1, 23, "zz");
}

#[test]
fn a_line_with_a_lex_error_still_declares_its_task() {
    // `a`'s label is broken, but `b` may still name `a` without a second error.
    let ds = errors("a \"oops : cpu 1\nb : cpu 1 after a\n");
    assert_eq!(ds.len(), 1, "{ds:#?}");
}

#[test]
fn suggestions_are_deterministic_on_ties() {
    // `abd` is one edit from both `abc` and `abe`: the one declared first is suggested.
    for _ in 0..5 {
        let p = parse_dag("abe : cpu 1\nabc : cpu 1\nx : cpu 1 after abd\n");
        assert!(
            p.diagnostics[0].message.contains("did you mean `abe`?"),
            "{:?}",
            p.diagnostics
        );
    }
    // Group names tie the same way every time (alphabetically).
    let p = parse_dag("xyb[1..2] : cpu 1\nxya[1..2] : cpu 1\ny : cpu 1 after xyc[*]\n");
    assert!(
        p.diagnostics[0].message.contains("did you mean `xya`?"),
        "{:?}",
        p.diagnostics
    );
}

#[test]
fn string_escapes() {
    let g = parse_dag("a \"say \\\"hi\\\"\\tnow\" : cpu 1\n")
        .graph
        .unwrap();
    assert_eq!(g.tasks[0].label.as_deref(), Some("say \"hi\"\tnow"));
    one_error("a \"bad \\q\" : cpu 1\n", 1, 8, "unknown escape `\\q`");
}

#[test]
fn more_declaration_errors() {
    one_error("seed -1\n", 1, 6, "not a seed");
    one_error("limit db many\n", 1, 10, "not a limit");
    one_error("limit db 0\n", 1, 1, "between 1 and");
    one_error(
        "rate api 1/s\nrate api 2/s\n",
        2,
        1,
        "already has a rate at line 1",
    );
}

#[test]
fn more_task_shape_errors() {
    one_error("\"x\" : cpu 1\n", 1, 1, "starts with its id");
    one_error("x[1..2 : cpu 1\n", 1, 1, "expected a range after `x[`");
    one_error("x[a..b] : cpu 1\n", 1, 3, "two whole numbers");
    one_error("x[5] : cpu 1\n", 1, 3, "not a range");
    one_error(
        &format!("{} : cpu 1\n", "a".repeat(129)),
        1,
        1,
        "longer than 128",
    );
    one_error(
        &format!("a \"{}\" : cpu 1\n", "l".repeat(1001)),
        1,
        1,
        "label of task `a` is longer",
    );
}

#[test]
fn more_option_errors() {
    one_error("a : cpu 1 , retry 1\n", 1, 11, "unexpected `,`");
    one_error(
        "limit db 1\na : cpu 1 uses db,\n",
        2,
        19,
        "resource name after `,`",
    );
    one_error("a : cpu 1 retry 1001\n", 1, 11, "limit of 1000");
    one_error(
        "a : cpu 1 retry 1 fail attempts 2000\n",
        1,
        19,
        "`fail attempts 2000`",
    );
    one_error(
        "a : cpu 1 priority 2000000000\n",
        1,
        11,
        "priority 2000000000",
    );
}

#[test]
fn more_dependency_errors() {
    one_error("x : cpu 1\nb : cpu 1 after x[1\n", 2, 17, "is not closed");
    one_error(
        "x1 : cpu 1\nb : cpu 1 after x[a]\n",
        2,
        17,
        "expected `x[*]`",
    );
    one_error("x1 : cpu 1\nb : cpu 1 after x[2..1]\n", 2, 17, "is empty");
    let p = parse_dag("x1 : cpu 1\nb : cpu 1 after x[1]\n");
    assert_eq!(p.graph.unwrap().tasks[1].deps, vec![0]);
}
