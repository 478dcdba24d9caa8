//! Running the `fanout` binary as a user would, for the CLI tests.

use std::process::Command;

/// Runs `fanout args…`; returns its exit code (-1 if killed), stdout and stderr.
pub fn fanout(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .output()
        .expect("run fanout");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Writes `text` to a file `name` in a folder of this test process (`fanout-<suite>-<pid>`:
/// suites run in parallel, so each names its own) and returns its path.
pub fn temp_file(suite: &str, name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("fanout-{suite}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}
