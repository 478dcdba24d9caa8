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
    one_error("group g workers 0 {\na : cpu 1ms\n}", 1, 17, "not a group cap");
    one_error("group g workers two {\na : cpu 1ms\n}", 1, 17, "not a group cap");
    one_error("group g workers {\na : cpu 1ms\n}", 1, 9, "`workers` needs a number");
    one_error(
        "group g on_error contnue {\na : cpu 1ms\n}",
        1,
        18,
        "did you mean `continue`",
    );
    one_error("group g workers 1 workers 2 {\na : cpu 1ms\n}", 1, 19, "given twice");
    one_error("group g wrokers 2 {\na : cpu 1ms\n}", 1, 9, "did you mean `workers`");
}

#[test]
fn malformed_group_lines() {
    one_error("group {\na : cpu 1ms\n}", 1, 1, "`group` needs a name");
    one_error("group g\na : cpu 1ms\n}", 1, 8, "expected `{`");
    // Tasks on the group's own line are not read (nor counted in it).
    let e = errors("group g { a : cpu 1ms\n}");
    assert!(e.iter().any(|d| (d.line, d.col) == (1, 11) && d.message.contains("lines below")), "{e:#?}");
    one_error("group g-! {\na : cpu 1ms\n}", 1, 7, "not a valid group name");
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
    assert!(parse_dag(&ok).graph.is_some(), "{:?}", parse_dag(&ok).diagnostics);
}

#[test]
fn a_cycle_through_a_group_is_reported() {
    let e = errors("group g {\na : cpu 1ms after b\n}\nb : cpu 1ms after g");
    assert!(e.iter().any(|d| d.message.contains("cycle")), "{e:#?}");
}
