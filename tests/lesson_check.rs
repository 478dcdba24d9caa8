//! `fanout check` on lesson files (`.md`, `--format md`): every ```fanout block checked, a
//! block marked `broken` expected to fail; the lessons under lessons/ all pass.

mod common;
use common::cli::{fanout, temp_file};

#[test]
fn every_lesson_checks_and_the_cycle_is_named() {
    let mut files: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/lessons"))
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".md"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 14, "{files:?}");
    let args: Vec<&str> = std::iter::once("check")
        .chain(files.iter().map(String::as_str))
        .collect();
    let (code, out, _) = fanout(&args);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("circular-dependency.md:")
            && out.contains("note: expected error: these tasks wait for each other in a cycle, so none can start: configure -> generate -> compile -> configure"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "only the expected error: {out}");
}

#[test]
fn errors_point_at_the_markdown_line_and_broken_blocks_must_fail() {
    let bad = temp_file(
        "lesson",
        "bad.md",
        "---\nid: x\n---\n\n```fanout\na : cpu 1\nb : cpu 1 after zz\n```\n",
    );
    let (code, out, _) = fanout(&["check", &bad]);
    assert_eq!(code, 1);
    assert!(
        out.contains("bad.md:7:17: error: unknown dependency `zz`"),
        "{out}"
    );
    let fixed = temp_file("lesson", "fixed.md", "```fanout broken\na : cpu 1\n```\n");
    let (code, out, _) = fanout(&["check", &fixed]);
    assert_eq!(code, 1);
    assert!(
        out.contains("fixed.md:1:1: error: this block is marked `broken` but has no error"),
        "{out}"
    );
    let none = temp_file("lesson", "none.txt", "# no graph here\n");
    let (code, out, _) = fanout(&["check", "--format", "md", &none]);
    assert_eq!(code, 1);
    assert!(
        out.contains("none.txt:1:1: error: no ```fanout block"),
        "{out}"
    );
    // Other commands read a lesson's first valid block.
    let two = temp_file(
        "lesson",
        "two.md",
        "```fanout broken\na : cpu 1 after a\n```\n```fanout\nx : cpu 5\ny : cpu 5 after x\n```\n",
    );
    let (code, out, _) = fanout(&["analyze", &two]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("span (T∞)      10 ms"), "{out}");
}
