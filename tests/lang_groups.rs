//! Nested groups in the `.dag` language: what `group NAME [workers N] [on_error M] { … }`
//! builds, what `after NAME` stands for, and one test per diagnostic (line, column, message).

use fanout::graph::OnError;
use fanout::lang::{parse_dag, Diagnostic, Severity};

fn errors(text: &str) -> Vec<Diagnostic> {
    let p = parse_dag(text);
    assert!(p.graph.is_none(), "expected errors for {text:?}");
    p.diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

/// The only error of `text`: at `line`:`col`, mentioning `needle`.
fn one_error(text: &str, line: u32, col: u32, needle: &str) -> Diagnostic {
    let ds = errors(text);
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

const SUGGESTED: &str = "\
group research workers 2 on_error continue {
  a[1..4] : cpu 20ms
  group inner {
    b : cpu 5ms after a1
  }
}
report : cpu 1ms after research
";

fn ids(g: &fanout::graph::Graph, idx: &[usize]) -> Vec<String> {
    idx.iter().map(|&i| g.tasks[i].id.clone()).collect()
}

#[test]
fn the_suggested_example_builds_the_group_tree() {
    let p = parse_dag(SUGGESTED);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let g = p.graph.unwrap();
    assert_eq!(g.groups.len(), 2);
    let (r, i) = (&g.groups[0], &g.groups[1]);
    assert_eq!(
        (r.name.as_str(), r.parent, r.workers, r.on_error),
        ("research", None, Some(2), Some(OnError::Continue))
    );
    assert_eq!((r.span.line, r.span.col), (1, 7));
    assert_eq!(ids(&g, &r.tasks), ["a1", "a2", "a3", "a4"]);
    assert_eq!(
        (i.name.as_str(), i.parent, i.workers, i.on_error),
        ("inner", Some(0), None, None)
    );
    assert_eq!(ids(&g, &i.tasks), ["b"]);
    assert_eq!(ids(&g, &g.group_members(0)), ["a1", "a2", "a3", "a4", "b"]);
    // `after research`: the group's sinks, nested members included; a1 has a successor
    // (b) inside the group, so it is not one.
    let report = g.index_of("report").unwrap();
    assert_eq!(ids(&g, &g.tasks[report].deps), ["a2", "a3", "a4", "b"]);
    assert_eq!(g.group_sinks(0), g.tasks[report].deps);
    assert!(g.check_structure().is_ok());
    // Every task's `on_error`: inner inherits research's; report takes the run's.
    assert_eq!(
        g.task_on_error(OnError::FailFast),
        [
            OnError::Continue,
            OnError::Continue,
            OnError::Continue,
            OnError::Continue,
            OnError::Continue,
            OnError::FailFast
        ]
    );
}

#[test]
fn after_a_nested_group_and_members_depending_outside() {
    let text = "\
setup : cpu 1ms
group outer {
  group inner {
    x : cpu 1ms after setup
    y : cpu 1ms after x
  }
  z : cpu 1ms after inner
}
w : cpu 1ms after inner
v : cpu 1ms after outer
";
    let p = parse_dag(text);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let g = p.graph.unwrap();
    let deps = |id: &str| ids(&g, &g.tasks[g.index_of(id).unwrap()].deps);
    // A member may depend on a task outside its group.
    assert_eq!(deps("x"), ["setup"]);
    assert_eq!(deps("z"), ["y"]);
    assert_eq!(deps("w"), ["y"]);
    // y has a successor (z) inside outer, so outer's only sink is z.
    assert_eq!(deps("v"), ["z"]);
}

#[test]
fn a_sink_named_twice_is_one_dependency() {
    let g = parse_dag("group g {\n a : cpu 1ms\n}\nb : cpu 1ms after a, g")
        .graph
        .unwrap();
    assert_eq!(g.tasks[1].deps, [0]);
}

#[test]
fn group_and_task_keywords_stay_apart() {
    // A task may be called `group`; `workers` inside a line is still a group option.
    let g = parse_dag("group : cpu 1ms\ngroup g workers 1 {\n  a : cpu 1ms after group\n}\n")
        .graph
        .unwrap();
    assert_eq!(g.tasks[0].id, "group");
    assert_eq!(g.groups[0].workers, Some(1));
    // Blanks around the brace do not matter.
    let g = parse_dag("group g{\na : cpu 1ms\n}").graph.unwrap();
    assert_eq!(g.groups[0].name, "g");
}

#[test]
fn unclosed_group_points_at_its_brace() {
    one_error(
        "a : cpu 1ms\ngroup g workers 2 {\n  b : cpu 1ms\n",
        2,
        19,
        "group `g` is not closed",
    );
}

#[test]
fn stray_closing_brace() {
    one_error("a : cpu 1ms\n}\n", 2, 1, "no group is open");
    one_error("group g {\na : cpu 1ms\n} x\n", 3, 3, "line of its own");
}

#[test]
fn duplicate_group_names_and_clashes_with_tasks() {
    one_error(
        "group g {\na : cpu 1ms\n}\ngroup g {\nb : cpu 1ms\n}",
        4,
        7,
        "duplicate group name `g`",
    );
    let d = one_error(
        "group a {\nb : cpu 1ms\n}\na : cpu 1ms",
        1,
        7,
        "has the name of a task",
    );
    assert!(d.message.contains("line 4"), "{}", d.message);
}

#[test]
fn bad_workers_and_on_error() {
    one_error(
        "group g workers 0 {\na : cpu 1ms\n}",
        1,
        17,
        "not a group cap",
    );
    one_error(
        "group g workers two {\na : cpu 1ms\n}",
        1,
        17,
        "not a group cap",
    );
    one_error(
        "group g workers {\na : cpu 1ms\n}",
        1,
        9,
        "`workers` needs a number",
    );
    one_error(
        "group g on_error contnue {\na : cpu 1ms\n}",
        1,
        18,
        "did you mean `continue`",
    );
    one_error(
        "group g workers 1 workers 2 {\na : cpu 1ms\n}",
        1,
        19,
        "given twice",
    );
    one_error(
        "group g wrokers 2 {\na : cpu 1ms\n}",
        1,
        9,
        "did you mean `workers`",
    );
}

#[test]
fn malformed_group_lines() {
    one_error("group {\na : cpu 1ms\n}", 1, 1, "`group` needs a name");
    one_error("group g\na : cpu 1ms\n}", 1, 8, "expected `{`");
    // Tasks on the group's own line are not read (nor counted in it).
    let e = errors("group g { a : cpu 1ms\n}");
    assert!(
        e.iter()
            .any(|d| (d.line, d.col) == (1, 11) && d.message.contains("lines below")),
        "{e:#?}"
    );
    one_error(
        "group g-! {\na : cpu 1ms\n}",
        1,
        7,
        "not a valid group name",
    );
    one_error("group g {\n}\n", 1, 7, "has no tasks");
}

#[test]
fn unknown_names_and_self_references() {
    one_error(
        "group research {\na : cpu 1ms\n}\nb : cpu 1ms after reserch",
        4,
        19,
        "did you mean `research`",
    );
    one_error(
        "group g {\na : cpu 1ms\nb : cpu 1ms after g\n}",
        3,
        19,
        "cannot wait for group `g`",
    );
    one_error(
        "group g {\na : cpu 1ms\n}\nb : cpu 1ms after g[*]",
        4,
        19,
        "write `after g`",
    );
}

#[test]
fn declarations_go_outside_groups() {
    one_error(
        "group g {\nworkers 2\na : cpu 1ms\n}",
        2,
        1,
        "write it on the group's line",
    );
}

#[test]
fn batch_does_not_combine_with_a_capped_group() {
    one_error(
        "group g workers 2 {\nw[1..4] : cpu 1ms batch 2\n}",
        2,
        19,
        "cannot have `batch` inside group `g`",
    );
    // Without a cap, batching inside a group is fine.
    assert!(parse_dag("group g {\nw[1..4] : cpu 1ms batch 2\n}")
        .graph
        .is_some());
}

#[test]
fn nesting_depth_is_limited() {
    let depth = fanout::lang::limits::MAX_GROUP_DEPTH;
    let mut text = String::new();
    for k in 0..=depth {
        text.push_str(&format!("group g{k} {{\n"));
    }
    text.push_str("a : cpu 1ms\n");
    for _ in 0..=depth {
        text.push_str("}\n");
    }
    one_error(&text, depth as u32 + 1, 7, "groups nest at most");
    // One level less is fine.
    let ok: String = text
        .lines()
        .skip(1)
        .take(text.lines().count() - 2)
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        parse_dag(&ok).graph.is_some(),
        "{:?}",
        parse_dag(&ok).diagnostics
    );
}

#[test]
fn a_cycle_through_a_group_is_reported() {
    let e = errors("group g {\na : cpu 1ms after b\n}\nb : cpu 1ms after g");
    assert!(e.iter().any(|d| d.message.contains("cycle")), "{e:#?}");
}

// ---- other formats: JSON, DOT, Mermaid, Python -------------------------------------------

mod formats {
    include!("../fuzz/fuzz_targets/common.rs");

    use fanout::graph::OnError;
    use fanout::lang::{parse, parse_dag, to_dag, to_dot, to_json, to_mermaid, Format, Severity};

    const NESTED: &str = "\
on_error skip-dependents
setup : cpu 1ms
group research workers 2 on_error continue {
  a[1..3] : cpu 20ms after setup
  group inner workers 1 {
    b : io 5ms after a1
    c : cpu 2ms after b
  }
}
report : cpu 1ms after research
";

    #[test]
    fn json_round_trip_keeps_groups() {
        let g = parse_dag(NESTED).graph.unwrap();
        let json = to_json(&g);
        assert!(json.contains("\"groups\""), "{json}");
        assert!(json.contains("\"parent\": \"research\""), "{json}");
        assert!(json.contains("\"group\": \"inner\""), "{json}");
        let back = parse(&json, Format::Json).graph.unwrap();
        assert_eq!(without_spans(back.clone()), without_spans(g.clone()));
        assert_eq!(to_dag(&back), to_dag(&g));
        // And every other round trip the fuzzers check (dag, JSON, DOT, Mermaid).
        exercise(NESTED, Format::Dag);
        exercise(&json, Format::Json);
    }

    #[test]
    fn dag_export_writes_the_blocks() {
        let g = parse_dag(NESTED).graph.unwrap();
        let dag = to_dag(&g);
        assert!(
            dag.contains(
                "group research workers 2 on_error continue {\n  a1 : cpu 20ms after setup\n"
            ),
            "{dag}"
        );
        assert!(dag.contains("  group inner workers 1 {\n    b : io 5ms after a1\n    c : cpu 2ms after b\n  }\n}\nreport : cpu 1ms after a2, a3, c\n"), "{dag}");
    }

    #[test]
    fn json_group_diagnostics_have_paths() {
        let bad = r#"{"groups": [{"name": "g", "parent": "nope"}], "tasks": [{"id": "a", "kind": "cpu", "duration": 1, "group": "h"}]}"#;
        let p = parse(bad, Format::Json);
        let es: Vec<_> = p
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let parent = es
            .iter()
            .find(|d| d.message.contains("unknown parent group `nope`"))
            .unwrap();
        assert_eq!(parent.path.as_deref(), Some("groups[0].parent"));
        assert_eq!((parent.line, parent.col), (1, 37));
        let group = es
            .iter()
            .find(|d| d.message.contains("unknown group `h`"))
            .unwrap();
        assert_eq!(group.path.as_deref(), Some("tasks[0].group"));
        // g has no tasks (a's group is unknown).
        assert!(
            es.iter()
                .any(|d| d.message.contains("group `g` has no tasks")),
            "{es:#?}"
        );
        // A JSON graph's groups must be contiguous, as `.dag` writes them.
        let split = r#"{"groups": [{"name": "g"}], "tasks": [
          {"id": "a", "kind": "cpu", "duration": 1, "group": "g"},
          {"id": "b", "kind": "cpu", "duration": 1},
          {"id": "c", "kind": "cpu", "duration": 1, "group": "g"}]}"#;
        let p = parse(split, Format::Json);
        let e = p
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
            .unwrap();
        assert!(
            e.message
                .contains("task `b` sits among the tasks of group `g`"),
            "{e:?}"
        );
        assert_eq!((e.path.as_deref(), e.line), (Some("tasks[1].id"), 3));
        // Caps are checked as in `.dag`.
        let zero = r#"{"groups": [{"name": "g", "workers": 0}], "tasks": [{"id": "a", "kind": "cpu", "duration": 1, "group": "g"}]}"#;
        let p = parse(zero, Format::Json);
        let e = p
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
            .unwrap();
        assert_eq!(e.path.as_deref(), Some("groups[0].workers"), "{e:?}");
        // `after` may name a group in JSON too.
        let after = r#"{"groups": [{"name": "g"}], "tasks": [
          {"id": "a", "kind": "cpu", "duration": 1, "group": "g"},
          {"id": "b", "kind": "cpu", "duration": 1, "after": ["g"]}]}"#;
        assert_eq!(parse(after, Format::Json).graph.unwrap().tasks[1].deps, [0]);
    }

    #[test]
    fn dot_clusters_are_groups_both_ways() {
        let text = r#"digraph g {
  node [cost=10];
  setup;
  subgraph cluster_research {
    workers=2; on_error=continue; label="Research";
    a1; a2;
    subgraph "cluster_inner" { b [cost=5] }
    a1 -> b;
  }
  subgraph cluster_flat { x y }
  subgraph plain { z }
  setup -> a1;
  a2 -> report; b -> report;
}"#;
        let p = parse(text, Format::Dot);
        assert!(!p.has_errors(), "{:#?}", p.diagnostics);
        let g = p.graph.unwrap();
        let names: Vec<_> = g
            .groups
            .iter()
            .map(|x| (x.name.as_str(), x.parent, x.workers, x.on_error))
            .collect();
        assert_eq!(
            names,
            [
                ("research", None, Some(2), Some(OnError::Continue)),
                ("inner", Some(0), None, None),
                ("flat", None, None, None)
            ]
        );
        let ids = |k: usize| {
            g.groups[k]
                .tasks
                .iter()
                .map(|&t| g.tasks[t].id.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            (ids(0), ids(1), ids(2)),
            (vec!["a1", "a2"], vec!["b"], vec!["x", "y"])
        );
        // Export writes clusters, and reading them back gives the same groups.
        let out = to_dot(&g);
        assert!(out.contains("subgraph \"cluster_research\" {\n    workers=2;\n    on_error=\"continue\";\n    label=\"research (workers 2)\";"), "{out}");
        dot_round_trip(&g);
        // A node first seen outside its cluster is moved next to the cluster's other nodes.
        let late = "digraph { a -> b; c; subgraph cluster_k { a; c } }";
        let g = parse(late, Format::Dot).graph.unwrap();
        let order: Vec<_> = g.tasks.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(order, ["a", "c", "b"]);
        assert!(g.check_structure().is_ok());
        // Bad cluster attributes are errors where they are written.
        let p = parse(
            "digraph { subgraph cluster_k { workers=lots; a } }",
            Format::Dot,
        );
        let e = p
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
            .unwrap();
        assert!(e.message.contains("not a group cap"), "{e:?}");
        assert_eq!((e.line, e.col), (1, 40));
    }

    #[test]
    fn mermaid_draws_subgraphs() {
        let g = parse_dag(NESTED).graph.unwrap();
        let m = to_mermaid(&g);
        assert!(
            m.contains("  subgraph g0[\"research (workers 2)\"]\n    t1["),
            "{m}"
        );
        assert!(
            m.contains("    subgraph g1[\"inner (workers 1)\"]\n      t4["),
            "{m}"
        );
        mermaid_is_well_formed(&g);
    }

    #[test]
    fn python_export_keeps_caps_and_modes() {
        use fanout::export::python::{to_python, Target};
        let g = parse_dag(NESTED).graph.unwrap();
        for target in [Target::Dask, Target::Asyncio] {
            let s = to_python(&g, target, "n.dag", Some(NESTED)).unwrap();
            assert!(
                s.contains("LIMITS = {\"group research\": 2, \"group inner\": 1}"),
                "{s}"
            );
            // b is in inner (and research): it holds both caps; setup holds none.
            assert!(s.contains("\"uses\": [\"group research\", \"group inner\"], \"reduce\": None, \"rank\": 8000, \"on_error\": \"continue\""), "{s}");
            assert!(s.contains("\"uses\": [], \"reduce\": None, \"rank\": 29000, \"on_error\": \"skip-dependents\""), "{s}");
        }
    }
}
