//! Every file in tests/data/stg (the STG benchmark graphs) imports and analyses.

use fanout::analysis::analyze;
use fanout::lang::{parse, Format};
use std::path::Path;

const STG_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/stg");

fn stg_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(STG_DIR);
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
        panic!(
            "the STG data folder {} is missing or unreadable ({e}); it ships in tests/data/stg",
            dir.display()
        )
    });
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "stg"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .stg files in {}", dir.display());
    files
}

#[test]
fn every_stg_file_imports_and_analyses() {
    for path in stg_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let declared: usize = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .and_then(|l| l.parse().ok())
            .expect("a task count on the first line");
        let p = parse(&text, Format::Stg);
        assert!(!p.has_errors(), "{}: {:?}", path.display(), p.diagnostics);
        let g = p.graph.unwrap();
        assert_eq!(g.tasks.len(), declared + 2, "{}", path.display());
        let a = analyze(&g, 8);
        assert!(a.error.is_none());
        assert!(
            a.span_us > 0 && a.span_us <= a.work_us,
            "{}",
            path.display()
        );
        // The dummy entry and exit are on every critical path.
        assert_eq!(
            a.critical_path.first().map(String::as_str),
            Some("0"),
            "{}",
            path.display()
        );
        assert_eq!(
            a.critical_path.last(),
            Some(&(declared + 1).to_string()),
            "{}",
            path.display()
        );
        let idx = g.id_map();
        let cost: u64 = a
            .critical_path
            .iter()
            .map(|id| g.tasks[idx[id.as_str()]].work.duration_us())
            .sum();
        assert_eq!(cost, a.span_us);
    }
}

#[test]
fn sample00_by_hand() {
    let text = std::fs::read_to_string(Path::new(STG_DIR).join("sample00.stg"))
        .expect("sample00.stg in tests/data/stg");
    let g = parse(&text, Format::Stg).graph.unwrap();
    let a = analyze(&g, 2);
    assert_eq!((a.work_ms, a.span_ms), (31.0, 15.0));
    assert_eq!(a.critical_path, ["0", "1", "3", "6", "7", "9"]);
    assert_eq!(a.bounds[1].lower_ms, 15.5);
}
