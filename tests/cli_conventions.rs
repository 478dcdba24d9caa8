//! The `fanout` command line follows the conventions: `--help` on every subcommand,
//! `--version`, shell completions, `--format` or the extension, `-` for standard input,
//! located invalid UTF-8, and the documented exit codes (0 ok, 1 graph errors or a failed
//! run, 2 usage or I/O).
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::process::{Command, Stdio};

fn fanout_in(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run fanout");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fanout(args: &[&str]) -> (i32, String, String) {
    fanout_in(args, b"")
}

fn write(name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("fanout-conv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

const SUBCOMMANDS: [&str; 8] = [
    "check",
    "analyze",
    "simulate",
    "run",
    "convert",
    "export",
    "import",
    "completions",
];

#[test]
fn every_subcommand_answers_help() {
    let (code, out, _) = fanout(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("Check, analyse, simulate and run task graphs"),
        "{out}"
    );
    assert!(out.contains("Usage: fanout <COMMAND>"), "{out}");
    assert!(
        out.contains("Examples:") && out.contains("Exit status: 0 ok, 1"),
        "{out}"
    );
    for sub in SUBCOMMANDS {
        assert!(
            out.contains(&format!("\n  {sub} ")),
            "`{sub}` missing from\n{out}"
        );
        for flag in ["--help", "-h"] {
            let (code, out, err) = fanout(&[sub, flag]);
            assert_eq!(code, 0, "{sub} {flag}: {err}");
            assert!(
                out.contains(&format!("Usage: fanout {sub} ")),
                "{sub} {flag}:\n{out}"
            );
            assert!(out.contains("Examples:"), "{sub} {flag}:\n{out}");
        }
        let (code, out, _) = fanout(&["help", sub]);
        assert_eq!(code, 0);
        assert!(out.contains(&format!("Usage: fanout {sub} ")));
    }
    // Every graph-reading subcommand documents --format and its four values.
    for sub in [
        "check", "analyze", "simulate", "run", "convert", "export", "import",
    ] {
        let out = fanout(&[sub, "--help"]).1;
        assert!(out.contains("-f, --format <FORMAT>"), "{sub}:\n{out}");
        for f in ["dag", "json", "stg", "dot"] {
            assert!(out.contains(&format!("- {f}:")), "{sub} lacks {f}:\n{out}");
        }
    }
}

#[test]
fn version_prints_the_crate_version() {
    let v = env!("CARGO_PKG_VERSION");
    for (args, want) in [
        (&["--version"][..], format!("fanout {v}")),
        (&["-V"], format!("fanout {v}")),
        (&["check", "--version"], format!("fanout-check {v}")),
    ] {
        let (code, out, _) = fanout(args);
        assert_eq!((code, out.trim()), (0, want.as_str()));
    }
}

#[test]
fn usage_errors_exit_2_with_one_error_line_and_a_hint() {
    let f = write("ok.dag", b"a : cpu 1ms\n");
    for args in [
        &[][..],
        &["frobnicate"],
        &["simulate"],
        &["check"],
        &["simulate", &f, "--workers", "0"],
        &["simulate", &f, "--workers", "many"],
        &["simulate", &f, "--policy", "nope"],
        &["analyze", &f, "--nope"],
        &["convert", &f],
        &["convert", &f, "--to", "svg"],
        &["completions", "tcsh"],
        &["check", "--format", "xml", &f],
    ] {
        let (code, out, err) = fanout(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        if !args.is_empty() {
            assert!(err.starts_with("error: "), "{args:?}: {err}");
            assert!(err.contains("--help"), "{args:?}: {err}");
        }
    }
    let (_, _, err) = fanout(&["simulate", &f, "--policy", "nope"]);
    assert!(
        err.contains("critical-path, fifo, priority, waves, random"),
        "{err}"
    );
    // A file that cannot be read is an I/O error: 2, one line naming it.
    let (code, out, err) = fanout(&["check", "/no/such/graph.dag"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with("error: cannot read /no/such/graph.dag: "),
        "{err}"
    );
    let dir = std::env::temp_dir();
    let (code, _, err) = fanout(&["analyze", dir.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    let (code, bash, _) = fanout(&["completions", "bash"]);
    assert_eq!(code, 0);
    assert!(bash.contains("complete -F _fanout"), "{bash}");
    let (code, zsh, _) = fanout(&["completions", "zsh"]);
    assert_eq!(code, 0);
    assert!(zsh.starts_with("#compdef fanout"), "{zsh}");
    let (code, fish, _) = fanout(&["completions", "fish"]);
    assert_eq!(code, 0);
    assert!(fish.contains("complete -c fanout"), "{fish}");
    for script in [&bash, &zsh, &fish] {
        for word in [
            "simulate",
            "convert",
            "format",
            "workers",
            "mermaid",
            "critical-path",
        ] {
            assert!(script.contains(word), "{word} missing from\n{script}");
        }
    }
    assert!(bash.contains("--format") && zsh.contains("--format") && fish.contains("-l format"));
}

const STG: &str = "2\n0 0 0\n1 3 1 0\n2 4 1 0\n3 0 2 1 2\n";

#[test]
fn the_format_comes_from_the_flag_else_the_extension() {
    // An STG file is read as STG (it used to be read as .dag).
    let stg = write("four.stg", STG.as_bytes());
    let (code, out, err) = fanout(&["simulate", &stg, "--workers", "2"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("makespan 4.000 ms"), "{out}");
    let (code, out, _) = fanout(&["analyze", &stg, "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (v["tasks"].as_u64(), v["work_ms"].as_f64()),
        (Some(4), Some(7.0))
    );
    // The same text under another name: --format decides.
    let txt = write("four.txt", STG.as_bytes());
    assert_eq!(fanout(&["check", &txt]).0, 1);
    for args in [
        &["check", "--format", "stg", &txt][..],
        &["check", "-f", "stg", &txt],
        &["check", "--format=stg", &txt],
    ] {
        assert_eq!(fanout(args).0, 0, "{args:?}");
    }
    // .dot and .gv mean DOT, .json JSON.
    let dot = "digraph { a [cost=2]; b [cost=3]; a -> b }";
    for name in ["g.dot", "g.gv"] {
        let f = write(name, dot.as_bytes());
        let (code, out, _) = fanout(&["run", &f, "--workers", "1", "--json"]);
        assert_eq!(code, 0);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["tasks"].as_array().unwrap().len(), 2);
    }
    let json = write(
        "g.json",
        br#"{"tasks":[{"id":"a","kind":"cpu","duration":5}]}"#,
    );
    assert_eq!(fanout(&["check", &json]).0, 0);
    // --format overrides a known extension too.
    assert_eq!(fanout(&["check", "--format", "dag", &json]).0, 1);
}

#[test]
fn dash_reads_standard_input_as_dag_unless_told() {
    let (code, out, err) = fanout_in(
        &["simulate", "-", "--workers", "1"],
        b"a : cpu 2ms\nb : cpu 3ms\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("makespan 5.000 ms"), "{out}");
    let (code, out, _) = fanout_in(&["check", "-"], b"a : cpu 1 after zz\n");
    assert_eq!(code, 1);
    assert_eq!(
        out.trim(),
        "<stdin>:1:17: error: unknown dependency `zz`: no task has that id"
    );
    let (code, out, _) = fanout_in(&["check", "-"], STG.as_bytes());
    assert_eq!(
        code, 1,
        "STG text on stdin is read as .dag by default: {out}"
    );
    let (code, out, err) = fanout_in(
        &["analyze", "--format", "stg", "-", "--json"],
        STG.as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"tasks\": 4"), "{out}");
    let (code, out, _) = fanout_in(&["convert", "-", "--to", "json"], b"a : cpu 1ms\n");
    assert_eq!(code, 0);
    assert!(out.contains("\"id\": \"a\""), "{out}");
}

#[test]
fn invalid_utf8_is_a_located_error_exit_1() {
    let f = write("latin1.dag", b"a : cpu 1ms\n# caf\xe9\nb : cpu 2ms\n");
    let (code, out, err) = fanout(&["check", &f]);
    assert_eq!((code, err.as_str()), (1, ""));
    assert_eq!(
        out.trim(),
        format!("{f}:2:6: error: invalid UTF-8 byte 0xe9")
    );
    // Columns count characters: two multi-byte characters before the bad byte.
    let f = write(
        "mixed.json",
        "{\"tasks\": [\"é€"
            .as_bytes()
            .iter()
            .copied()
            .chain([0xc3, 0x28])
            .collect::<Vec<_>>()
            .as_slice(),
    );
    let (code, out, _) = fanout(&["check", &f]);
    assert_eq!(code, 1);
    assert_eq!(
        out.trim(),
        format!("{f}:1:15: error: invalid UTF-8 byte 0xc3")
    );
    // On stdin, and for the subcommands that print diagnostics on stderr.
    let (code, _, err) = fanout_in(&["simulate", "-"], b"\xffa : cpu 1\n");
    assert_eq!(code, 1);
    assert_eq!(err.trim(), "<stdin>:1:1: error: invalid UTF-8 byte 0xff");
}

#[test]
fn exit_1_for_a_graph_with_errors_in_every_subcommand() {
    let bad = write("bad.dag", b"a : cpu 1 after b\nb : cpu 1 after a\n");
    for sub in ["check", "analyze", "simulate", "run"] {
        let (code, _, _) = fanout(&[sub, &bad]);
        assert_eq!(code, 1, "{sub}");
    }
    let (code, out, err) = fanout(&["convert", &bad, "--to", "dag"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("a -> b -> a"), "{err}");
    // Warnings alone are not errors.
    let warn = write("warn.dot", b"digraph { a; }");
    let (code, out, _) = fanout(&["check", &warn]);
    assert_eq!(code, 0);
    assert!(out.contains(": warning: "), "{out}");
}

#[test]
fn run_says_how_fast_the_kernels_ran_against_their_model() {
    let f = write(
        "kernels.dag",
        b"p[1..4] : primes 0..20M\ntotal : cpu 0ms reduce sum after p[*]\n",
    );
    let (code, out, err) = fanout(&["run", &f, "--workers", "2"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("the kernel tasks ran at ") && out.contains("% of their modelled speed ("),
        "{out}"
    );
}
