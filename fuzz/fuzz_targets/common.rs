// Shared by the cargo-fuzz targets (fuzz/fuzz_targets/*.rs) and by the crate's own tests
// (tests/lang_never_panics.rs, tests/lang_formats.rs), which `include!` this file so the
// fuzz bodies also run under a plain `cargo test`.

/// Parses raw `data` as `format` ([`fanout::lang::parse_bytes`]): UTF-8 goes on to
/// [`exercise`]; anything else must be exactly one error, invalid UTF-8 at a position.
#[allow(dead_code)]
pub fn exercise_bytes(data: &[u8], format: fanout::lang::Format) {
    match std::str::from_utf8(data) {
        Ok(text) => exercise(text, format),
        Err(_) => {
            let p = fanout::lang::parse_bytes(data, format);
            assert!(p.graph.is_none());
            assert_eq!(p.diagnostics.len(), 1, "{:?}", p.diagnostics);
            let d = &p.diagnostics[0];
            assert!(d.is_error() && d.line >= 1 && d.col >= 1, "{d:?}");
            assert!(d.message.starts_with("invalid UTF-8 byte 0x"), "{d:?}");
        }
    }
}

/// Parses `text` as `format` and checks everything that must hold whatever the input:
/// a graph exactly when there is no error, positions 1-based and non-empty, and for a
/// graph: the model's invariants, a consistent analysis, exact `.dag` and JSON round trips,
/// a DOT round trip of tasks, labels, costs and edges, and a well-formed Mermaid picture.
pub fn exercise(text: &str, format: fanout::lang::Format) {
    use fanout::lang::{parse, to_dag, to_json, Format};
    let p = parse(text, format);
    assert_eq!(p.graph.is_some(), !p.has_errors(), "{:?}", p.diagnostics);
    for d in &p.diagnostics {
        assert!(d.line >= 1 && d.col >= 1 && d.end_line >= d.line, "{d:?}");
        assert!(d.end_line > d.line || d.end_col > d.col, "{d:?}");
    }
    let Some(g) = p.graph else { return };
    assert_eq!(g.check_structure(), Ok(()));
    let a = fanout::analysis::analyze(&g, 4);
    assert!(a.error.is_none(), "{:?}", a.error);
    assert!(a.span_us <= a.work_us);
    assert_eq!(a.topo_order.len(), g.tasks.len());
    let g = without_spans(g);
    for (out, f) in [(to_dag(&g), Format::Dag), (to_json(&g), Format::Json)] {
        let back = parse(&out, f);
        assert!(!back.has_errors(), "{out}\n{:?}", back.diagnostics);
        assert_eq!(back.graph.map(without_spans).as_ref(), Some(&g), "{out}");
    }
    dot_round_trip(&g);
    mermaid_is_well_formed(&g);
}

/// `to_dot` then the DOT reader: the same ids, labels, kinds, costs and edges.
#[allow(dead_code)]
pub fn dot_round_trip(g: &fanout::graph::Graph) {
    use fanout::graph::Work;
    let out = fanout::lang::to_dot(g);
    let back = fanout::lang::parse(&out, fanout::lang::Format::Dot);
    assert!(!back.has_errors(), "{out}\n{:?}", back.diagnostics);
    let back = back.graph.expect("a graph");
    assert_eq!(back.tasks.len(), g.tasks.len(), "{out}");
    // Groups are clusters: the same tree, caps, modes and members.
    let tree = |g: &fanout::graph::Graph| -> Vec<_> {
        g.groups
            .iter()
            .map(|x| (x.name.clone(), x.parent, x.workers, x.on_error, x.tasks.clone()))
            .collect()
    };
    assert_eq!(tree(&back), tree(g), "{out}");
    for (b, t) in back.tasks.iter().zip(&g.tasks) {
        assert_eq!((&b.id, &b.label, &b.deps), (&t.id, &t.label, &t.deps), "{out}");
        assert_eq!(b.work.duration_us(), t.work.duration_us(), "{out}");
        assert_eq!(
            matches!(b.work, Work::Io { .. }),
            matches!(t.work, Work::Io { .. }),
            "{out}"
        );
    }
}

/// `to_mermaid`: a header, one node line per task, one arrow per edge, and no text that can
/// end a label or open markup; each group a `subgraph` … `end` pair around its members.
#[allow(dead_code)]
pub fn mermaid_is_well_formed(g: &fanout::graph::Graph) {
    let out = fanout::lang::to_mermaid(g);
    let mut depth = 0usize;
    let mut groups = 0usize;
    for line in out.lines() {
        let l = line.trim_start();
        if l.starts_with("subgraph g") {
            assert_eq!(line.len() - l.len(), 2 * (depth + 1), "{line}");
            assert!(l.ends_with("\"]") && !l["subgraph g".len()..l.len() - 2].split_once("[\"").is_none_or(|(_, t)| t.contains(['"', '<', '>'])), "{line}");
            depth += 1;
            groups += 1;
        } else if l == "end" {
            assert!(depth > 0, "{out}");
            depth -= 1;
        }
    }
    assert_eq!((depth, groups), (0, g.groups.len()), "{out}");
    // Without the group lines, and unindented, the picture is what it is without groups.
    let out: String = out
        .lines()
        .filter(|l| !l.trim_start().starts_with("subgraph g") && l.trim_start() != "end")
        .map(|l| if l.starts_with("  ") { format!("  {}\n", l.trim_start()) } else { format!("{l}\n") })
        .collect();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1 + g.tasks.len() + g.edge_count(), "{out}");
    assert_eq!(lines[0], "flowchart LR");
    for (i, line) in lines[1..=g.tasks.len()].iter().enumerate() {
        let inner = line
            .strip_prefix(&format!("  t{i}[\""))
            .and_then(|l| l.strip_suffix("\"]"))
            .unwrap_or_else(|| panic!("{line}"));
        let text = inner.replacen("<br/>", "", 1);
        assert!(!text.contains(['"', '<', '>', '\n', '\r']), "{line}");
    }
    for line in &lines[1 + g.tasks.len()..] {
        let (a, b) = line.trim_start().split_once(" --> ").unwrap_or_else(|| panic!("{line}"));
        assert!(a.starts_with('t') && b.starts_with('t'), "{line}");
    }
}

/// The graph with every source position cleared, to compare graphs read from different formats.
pub fn without_spans(mut g: fanout::graph::Graph) -> fanout::graph::Graph {
    for t in &mut g.tasks {
        t.span = Default::default();
    }
    for l in &mut g.decls.limits {
        l.span = Default::default();
    }
    for r in &mut g.decls.rates {
        r.span = Default::default();
    }
    for x in &mut g.groups {
        x.span = Default::default();
    }
    g
}
