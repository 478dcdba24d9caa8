//! `fanout check` on lesson files (`.md`, `--format md`): every ```fanout block checked, a
//! block marked `broken` expected to fail; the lessons under lessons/ all pass.

use std::process::Command;

fn fanout(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .output()
        .expect("run fanout");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn temp_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("fanout-lesson-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

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
    let (code, out) = fanout(&args);
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
        "bad.md",
        "---\nid: x\n---\n\n```fanout\na : cpu 1\nb : cpu 1 after zz\n```\n",
    );
    let (code, out) = fanout(&["check", &bad]);
    assert_eq!(code, 1);
    assert!(
        out.contains("bad.md:7:17: error: unknown dependency `zz`"),
        "{out}"
    );
    let fixed = temp_file("fixed.md", "```fanout broken\na : cpu 1\n```\n");
    let (code, out) = fanout(&["check", &fixed]);
    assert_eq!(code, 1);
    assert!(
        out.contains("fixed.md:1:1: error: this block is marked `broken` but has no error"),
        "{out}"
    );
    let none = temp_file("none.txt", "# no graph here\n");
    let (code, out) = fanout(&["check", "--format", "md", &none]);
    assert_eq!(code, 1);
    assert!(
        out.contains("none.txt:1:1: error: no ```fanout block"),
        "{out}"
    );
    // Other commands read a lesson's first valid block.
    let two = temp_file(
        "two.md",
        "```fanout broken\na : cpu 1 after a\n```\n```fanout\nx : cpu 5\ny : cpu 5 after x\n```\n",
    );
    let (code, out) = fanout(&["analyze", &two]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("span (T∞)      10 ms"), "{out}");
}
