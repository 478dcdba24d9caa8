//! `fanout convert FILE --to dag|json|dot|mermaid`: each output reads back (dag, json,
//! dot) or draws (mermaid) the same graph.
#![cfg(not(target_arch = "wasm32"))]

use fanout::lang::{parse, Format};
mod common;
use common::cli::{fanout, temp_file};

const GRAPH: &str = "workers 2\nlimit db 1\n\
split \"split <it> & \\\"go\\\"\" : cpu 5ms\n\
fetch[1..3] : io 20ms retry 1 uses db after split\n\
end : cpu 1ms reduce count after fetch[*]\n";

fn read(text: &str, f: Format) -> fanout::graph::Graph {
    let p = parse(text, f);
    assert!(!p.has_errors(), "{text}\n{:?}", p.diagnostics);
    let mut g = p.graph.unwrap();
    for t in &mut g.tasks {
        t.span = Default::default();
    }
    for l in &mut g.decls.limits {
        l.span = Default::default();
    }
    g
}

#[test]
fn dag_and_json_are_exact() {
    let src = temp_file("convert", "g.dag", GRAPH);
    let want = read(GRAPH, Format::Dag);
    for (to, f) in [("dag", Format::Dag), ("json", Format::Json)] {
        let (code, out, err) = fanout(&["convert", &src, "--to", to]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(read(&out, f), want, "{to}:\n{out}");
    }
    // -o writes the file and nothing on stdout; STG converts too.
    let dest = temp_file("convert", "out.json", "");
    let (code, out, _) = fanout(&["convert", &src, "--to", "json", "-o", &dest]);
    assert_eq!((code, out.as_str()), (0, ""));
    assert_eq!(
        read(&std::fs::read_to_string(&dest).unwrap(), Format::Json),
        want
    );
    let stg = temp_file("convert", "g.stg", "1\n0 0 0\n1 7 1 0\n2 0 1 1\n");
    let (code, out, _) = fanout(&["convert", &stg, "--to", "dag"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "0 : cpu 0ms\n1 : cpu 7ms after 0\n2 : cpu 0ms after 1\n"
    );
    // A destination that cannot be written is an I/O error.
    assert_eq!(
        fanout(&["convert", &src, "--to", "dag", "-o", "/no/such/dir/x.dag"]).0,
        2
    );
}

#[test]
fn dot_keeps_tasks_labels_costs_and_edges() {
    let src = temp_file("convert", "for-dot.dag", GRAPH);
    let (code, out, _) = fanout(&["convert", &src, "--to", "dot"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("digraph fanout {\n"), "{out}");
    assert!(
        out.contains(r#""split" [cost="5ms", kind=cpu, label="split <it> & \"go\""];"#),
        "{out}"
    );
    assert!(out.contains(r#""fetch2" -> "end";"#), "{out}");
    let back = read(&out, Format::Dot);
    let want = read(GRAPH, Format::Dag);
    assert_eq!(back.tasks.len(), want.tasks.len());
    for (b, w) in back.tasks.iter().zip(&want.tasks) {
        assert_eq!(
            (&b.id, &b.label, &b.work, &b.deps),
            (&w.id, &w.label, &w.work, &w.deps)
        );
    }
}

#[test]
fn mermaid_draws_every_task_and_edge_with_safe_text() {
    let src = temp_file("convert", "for-mermaid.dag", GRAPH);
    let (code, out, err) = fanout(&["convert", &src, "--to", "mermaid"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "flowchart LR");
    // 5 nodes, then 3 + 3 edges.
    assert_eq!(lines.len(), 1 + 5 + 6, "{out}");
    assert_eq!(
        lines[1],
        r#"  t0["split #lt;it#gt; #amp; #quot;go#quot;<br/>cpu 5ms"]"#
    );
    assert_eq!(lines[2], r#"  t1["fetch1<br/>io 20ms"]"#);
    assert_eq!(lines[5], r#"  t4["end<br/>cpu 1ms"]"#);
    for e in ["  t0 --> t1", "  t0 --> t3", "  t1 --> t4", "  t3 --> t4"] {
        assert!(lines.contains(&e), "{e} missing:\n{out}");
    }
    // Ids that are Mermaid keywords, or look like syntax, stay inside quoted labels.
    let tricky = temp_file(
        "convert",
        "t.dag",
        "end : cpu 1ms\nclick : cpu 1ms after end\ngraph-TD : cpu 1ms after click\n",
    );
    let (_, out, _) = fanout(&["convert", &tricky, "--to", "mermaid"]);
    assert_eq!(out, "flowchart LR\n  t0[\"end<br/>cpu 1ms\"]\n  t1[\"click<br/>cpu 1ms\"]\n  t2[\"graph-TD<br/>cpu 1ms\"]\n  t0 --> t1\n  t1 --> t2\n");
}
