//! JSON, STG and DOT input, the exporters, and round trips (dag -> JSON -> dag).

include!("../fuzz/fuzz_targets/common.rs");

use fanout::graph::{Graph, Work};
use fanout::lang::{parse, parse_dag, to_dag, to_json, Diagnostic, Format, Severity};

fn graph(text: &str, f: Format) -> Graph {
    let p = parse(text, f);
    assert!(!p.has_errors(), "{:#?}", p.diagnostics);
    p.graph.expect("no errors, so a graph")
}

fn only_error(text: &str, f: Format) -> Diagnostic {
    let p = parse(text, f);
    assert!(p.graph.is_none());
    let es: Vec<Diagnostic> = p
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(es.len(), 1, "{es:#?}");
    es.into_iter().next().unwrap()
}

const RICH: &str = "workers 3\nlimit db 2\nrate api 2.5/s\npolicy priority\non_error continue\nseed 7\n\
split \"split \\\"the\\\" input\" : cpu 1500us\n\
chunk[1..4] : io 40ms retry 2 backoff 10ms timeout 1s fail 0.125 fail attempts 1 priority -2 uses db, api after split\n\
merge : cpu 2s reduce concat after chunk[*]\n";

#[test]
fn format_from_extension_and_name() {
    assert_eq!(Format::from_extension("x/y/g.dag"), Some(Format::Dag));
    assert_eq!(Format::from_extension("g.JSON"), Some(Format::Json));
    assert_eq!(Format::from_extension("rand0000.stg"), Some(Format::Stg));
    assert_eq!(Format::from_extension("g.gv"), Some(Format::Dot));
    assert_eq!(Format::from_extension("noext"), None);
    assert_eq!(Format::from_extension("a.txt"), None);
    for f in Format::ALL {
        assert_eq!(Format::from_name(f.name()), Some(f));
    }
}

#[test]
fn dag_to_json_to_dag_round_trip() {
    let g1 = graph(RICH, Format::Dag);
    let json = to_json(&g1);
    let g2 = graph(&json, Format::Json);
    assert_eq!(without_spans(g1.clone()), without_spans(g2.clone()));
    let dag = to_dag(&g2);
    let g3 = graph(&dag, Format::Dag);
    assert_eq!(without_spans(g1.clone()), without_spans(g3));
    assert_eq!(to_dag(&g1), dag);
    assert!(dag.contains("chunk1 : io 40ms retry 2 backoff 10ms timeout 1s fail 0.125 fail attempts 1 priority -2 uses db, api after split"), "{dag}");
    assert!(
        dag.contains("split \"split \\\"the\\\" input\" : cpu 1500us"),
        "{dag}"
    );
    exercise(RICH, Format::Dag);
}

#[test]
fn json_reads_numbers_as_milliseconds_and_names_deps() {
    let g = graph(
        r#"{"workers": 2, "tasks": [{"id": "a", "kind": "cpu", "duration": 5}, {"id": "b", "kind": "io", "duration": "1.5s", "after": ["a"]}]}"#,
        Format::Json,
    );
    assert_eq!(g.decls.workers, Some(2));
    assert_eq!(g.tasks[0].work, Work::Cpu { duration_us: 5_000 });
    assert_eq!(
        g.tasks[1].work,
        Work::Io {
            duration_us: 1_500_000
        }
    );
    assert_eq!(g.tasks[1].deps, vec![0]);
}

#[test]
fn json_diagnostics_have_a_path_and_a_position() {
    let text = "{\"tasks\": [\n  {\"id\": \"a\", \"kind\": \"cpu\", \"duration\": 5},\n  {\"id\": \"b\", \"kind\": \"cpu\", \"duration\": 5, \"after\": [\"a\", \"zz\"]}\n]}";
    let d = only_error(text, Format::Json);
    assert_eq!(d.path.as_deref(), Some("tasks[1].after[1]"));
    assert_eq!((d.line, d.col), (3, 60));
    assert!(d.message.contains("unknown dependency `zz`"));
}

#[test]
fn json_unknown_field_and_syntax_errors() {
    let d = only_error(
        r#"{"tasks": [{"id": "a", "kind": "cpu", "duration": 5, "retyr": 1}]}"#,
        Format::Json,
    );
    assert!(d.message.contains("unknown field `retyr`"), "{}", d.message);
    assert_eq!(d.path.as_deref(), Some("tasks[0].retyr"));
    let d = only_error("{\"tasks\": [\n  {\"id\": \"a\",,}]}", Format::Json);
    assert_eq!(d.line, 2);
    assert!(d.message.starts_with("invalid JSON graph"));
    let d = only_error(
        r#"{"tasks": [{"id": "a", "kind": "cpu", "duration": "5xs"}]}"#,
        Format::Json,
    );
    assert_eq!(d.path.as_deref(), Some("tasks[0].duration"));
    assert!(d.message.contains("unit"), "{d:?}");
}

#[test]
fn json_kind_and_cycle_errors() {
    let p = parse(
        r#"{"tasks": [{"id": "a", "kind": "gpu", "duration": 1}, {"id": "b", "kind": "cpu", "duration": 1, "after": ["b"]}]}"#,
        Format::Json,
    );
    let paths: Vec<_> = p
        .diagnostics
        .iter()
        .map(|d| d.path.clone().unwrap_or_default())
        .collect();
    assert_eq!(p.diagnostics.len(), 2, "{:#?}", p.diagnostics);
    assert!(paths.contains(&"tasks[0].kind".to_string()));
    assert!(paths.contains(&"tasks[1].after[0]".to_string()));
}

#[test]
fn stg_sample_imports_with_dummy_tasks() {
    let text = "4\n0 0 0\n1 5 1 0\n2 7 1 0\n3 2 2 1 2\n4 1 1 3\n5 0 1 4\n# a comment\n";
    let g = graph(text, Format::Stg);
    assert_eq!(g.tasks.len(), 6);
    assert_eq!(g.tasks[3].id, "3");
    assert_eq!(g.tasks[3].deps, vec![1, 2]);
    assert_eq!(g.tasks[2].work, Work::Cpu { duration_us: 7_000 });
}

#[test]
fn stg_errors() {
    let d = only_error("2\n0 0 0\n1 5 2 0\n2 1 1 1\n3 0 1 2\n", Format::Stg);
    assert_eq!((d.line, d.col), (3, 5));
    assert!(d.message.contains("says it has 2 predecessors but lists 1"));
    let d = only_error("2\n0 0 0\n1 5 1 0\n2 1 1 9\n3 0 1 2\n", Format::Stg);
    assert!(d.message.contains("unknown dependency `9`"));
    let d = only_error("2\n0 0 0\n1 x 1 0\n2 1 1 1\n3 0 1 2\n", Format::Stg);
    assert_eq!((d.line, d.col), (3, 3));
    let d = only_error("2\n0 0 0\n1 5 1 0\n", Format::Stg);
    assert!(d.message.contains("lists only 2"));
    let d = only_error("1\n0 0 0\n1 5 1 0\n2 0 1 1\n3 0 0\n", Format::Stg);
    assert_eq!(d.line, 5);
    let d = only_error("1\n0 0 0\n7 5 1 0\n2 0 1 7\n", Format::Stg);
    assert!(d.message.contains("out of range"));
    let d = only_error("", Format::Stg);
    assert!(d.message.contains("empty"));
}

#[test]
fn dot_digraph_with_costs_labels_groups_and_defaults() {
    let text = r#"
        // a comment
        digraph pipeline {
            node [cost=10];
            a [cost=5, label="load it"];
            b [cost="2s", kind=io]
            a -> b -> c;
            a -> { d e } [color=red];
            subgraph cluster_x { f [cost=1] }
            e -> f
            /* block */
        }
    "#;
    let g = graph(text, Format::Dot);
    let ids: Vec<&str> = g.tasks.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e", "f"]);
    assert_eq!(g.tasks[0].label.as_deref(), Some("load it"));
    assert_eq!(g.tasks[0].work, Work::Cpu { duration_us: 5_000 });
    assert_eq!(
        g.tasks[1].work,
        Work::Io {
            duration_us: 2_000_000
        }
    );
    assert_eq!(
        g.tasks[2].work,
        Work::Cpu {
            duration_us: 10_000
        }
    ); // the node default
    assert_eq!(g.tasks[1].deps, vec![0]);
    assert_eq!(g.tasks[2].deps, vec![1]);
    assert_eq!(g.tasks[3].deps, vec![0]);
    assert_eq!(g.tasks[5].deps, vec![4]);
}

#[test]
fn dot_warns_about_missing_costs_and_rejects_undirected_graphs() {
    let p = parse("digraph { a -> b }", Format::Dot);
    assert!(!p.has_errors());
    assert_eq!(p.diagnostics.len(), 1);
    assert!(p.diagnostics[0].message.contains("no `cost`"));
    let d = only_error("graph { a -- b }", Format::Dot);
    assert!(d.message.contains("digraph"));
    let d = only_error("digraph {\n  a -> b\n  b -> a\n}", Format::Dot);
    assert!(d.message.contains("a -> b -> a"), "{}", d.message);
    let d = only_error("digraph { \"a b\" [cost=1] }", Format::Dot);
    assert!(d.message.contains("not a valid task id"));
    let d = only_error("digraph {\n a [cost=5x] }", Format::Dot);
    assert_eq!((d.line, d.col), (2, 10));
    let d = only_error("digraph { a -> b", Format::Dot);
    assert!(d.message.contains("closing"));
}

#[test]
fn dot_strings_that_never_close_are_errors_where_they_open() {
    let error_at = |text: &str, needle: &str| {
        let p = parse(text, Format::Dot);
        let d = p
            .diagnostics
            .iter()
            .find(|d| d.message.contains(needle))
            .unwrap_or_else(|| panic!("no `{needle}` in {:#?}", p.diagnostics));
        assert_eq!(d.severity, Severity::Error);
        (d.line, d.col)
    };
    assert_eq!(
        error_at(
            "digraph {\n  a [label=\"open]\n}",
            "string has no closing `\"`"
        ),
        (2, 12)
    );
    assert_eq!(
        error_at(
            "digraph {\n a [label=<<b>x</b>]\n}",
            "HTML string has no closing `>`"
        ),
        (2, 11)
    );
    // Closed, with escapes and nested tags, both are ids and the graph parses.
    let g = graph(
        "digraph { a [cost=1, label=\"say \\\"hi\\\"\"]; b [cost=2, label=<<b>bold</b>>]; a -> b }",
        Format::Dot,
    );
    assert_eq!(g.tasks.len(), 2);
}

#[test]
fn stg_exports_to_dag_and_back() {
    let g = graph("2\n0 0 0\n1 5 1 0\n2 7 1 0\n3 0 2 1 2\n", Format::Stg);
    let back = parse_dag(&to_dag(&g));
    assert_eq!(without_spans(back.graph.unwrap()), without_spans(g));
}

#[test]
fn text_over_the_size_limit_is_refused() {
    let big = "#".repeat(fanout::lang::limits::MAX_TEXT_BYTES + 1);
    let d = only_error(&big, Format::Dag);
    assert!(d.message.contains("limit"));
}

#[test]
fn json_checks_what_the_dag_grammar_cannot_express() {
    let task = |extra: &str| {
        format!(
            r#"{{"limits": [{{"resource": "db", "max": 1}}], "tasks": [{{"id": "a", "kind": "cpu", "duration": 1{extra}}}]}}"#
        )
    };
    let d = only_error(&task(r#", "timeout": "2h""#), Format::Json);
    assert_eq!(d.path.as_deref(), Some("tasks[0].timeout"));
    let d = only_error(&task(r#", "fail": 2"#), Format::Json);
    assert_eq!(d.path.as_deref(), Some("tasks[0].fail"));
    let d = only_error(&task(r#", "uses": ["db", "dbx"]"#), Format::Json);
    assert_eq!(d.path.as_deref(), Some("tasks[0].uses[1]"));
    let d = only_error(
        r#"{"tasks": [{"id": "a", "kind": "cpu", "duration": 4000000}]}"#,
        Format::Json,
    );
    assert!(d.message.contains("1 hour"), "{}", d.message);
    let d = only_error(
        r#"{"limits": [{"resource": "d b", "max": 1}], "tasks": []}"#,
        Format::Json,
    );
    assert_eq!(d.path.as_deref(), Some("limits[0]"));
    assert!(d.message.contains("not a valid resource name"));
    let d = only_error(
        r#"{"tasks": [{"id": "a", "kind": "cpu", "duration": 1}, {"id": "a", "kind": "cpu", "duration": 1}]}"#,
        Format::Json,
    );
    assert_eq!(d.path.as_deref(), Some("tasks[1].id"));
    assert!(d.message.contains("already declared at tasks[0].id"));
}
