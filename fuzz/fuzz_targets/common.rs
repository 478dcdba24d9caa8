// Shared by the cargo-fuzz targets (fuzz/fuzz_targets/*.rs) and by the crate's own tests
// (tests/lang_never_panics.rs, tests/lang_formats.rs), which `include!` this file so the
// fuzz bodies also run under a plain `cargo test`.

/// Parses `text` as `format` and checks everything that must hold whatever the input:
/// a graph exactly when there is no error, positions 1-based and non-empty, and for a
/// graph: the model's invariants, a consistent analysis, and exact `.dag` and JSON round trips.
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
    g
}
