//! Writes a [`RunResult`] as JSON, streamed: the per-task array (nearly all of the text)
//! is written record by record by hand, the rest by serde.

use super::{Attempt, RunResult, Status, TaskRecord, Value};
use serde_json::ser::{CompactFormatter, Formatter};
use std::io::{self, Write};

/// Writes `result` to `out` as pretty-printed JSON and a newline: byte for byte
/// `serde_json::to_string_pretty(result)` followed by `\n` (what `fanout simulate --json`
/// always printed), but streamed through a 64 KiB buffer, so the whole text (tens of MB for
/// 100,000 tasks) is never held in memory. Flushes `out` before returning.
///
/// Everything but `tasks` goes through serde; the task records are written directly,
/// with serde_json's own number formatting, which is several times faster than serde's
/// generic path for a struct this regular.
pub fn write_json(result: &RunResult, out: impl Write) -> io::Result<()> {
    let mut w = io::BufWriter::with_capacity(1 << 16, out);
    // The result without its tasks (a struct literal: a new field must be added here).
    let head = RunResult {
        mode: result.mode.clone(),
        workers: result.workers,
        makespan_ms: result.makespan_ms,
        sequential_ms: result.sequential_ms,
        policy: result.policy.clone(),
        seed: result.seed,
        lower_bound_ms: result.lower_bound_ms,
        work_ms: result.work_ms,
        span_ms: result.span_ms,
        result: result.result.clone(),
        tasks: Vec::new(),
        metrics: result.metrics.clone(),
        counter: result.counter,
        cpu_share: result.cpu_share.clone(),
        kernel_calibration: result.kernel_calibration.clone(),
    };
    let text = serde_json::to_string_pretty(&head)?;
    const EMPTY: &str = "\n  \"tasks\": []";
    match text.find(EMPTY).filter(|_| !result.tasks.is_empty()) {
        Some(at) => {
            w.write_all(text[..at].as_bytes())?;
            w.write_all(b"\n  \"tasks\": [")?;
            for (k, t) in result.tasks.iter().enumerate() {
                w.write_all(if k == 0 { b"\n" } else { b",\n" })?;
                task(&mut w, t)?;
            }
            w.write_all(b"\n  ]")?;
            w.write_all(text[at + EMPTY.len()..].as_bytes())?;
        }
        None => w.write_all(text.as_bytes())?,
    }
    w.write_all(b"\n")?;
    w.flush()
}

/// One task record at depth 2 (its fields at depth 3), as serde's pretty printer would.
fn task(w: &mut impl Write, t: &TaskRecord) -> io::Result<()> {
    w.write_all(b"    {\n      \"id\": ")?;
    string(w, &t.id)?;
    w.write_all(b",\n      \"worker\": ")?;
    CompactFormatter.write_u64(w, t.worker as u64)?;
    w.write_all(b",\n      \"start_ms\": ")?;
    float(w, t.start_ms)?;
    w.write_all(b",\n      \"end_ms\": ")?;
    float(w, t.end_ms)?;
    w.write_all(b",\n      \"status\": ")?;
    status(w, t.status)?;
    w.write_all(b",\n      \"ready_ms\": ")?;
    opt_float(w, t.ready_ms)?;
    w.write_all(b",\n      \"unblocked_ms\": ")?;
    opt_float(w, t.unblocked_ms)?;
    w.write_all(b",\n      \"attempts\": [")?;
    for (k, a) in t.attempts.iter().enumerate() {
        w.write_all(if k == 0 { b"\n" } else { b",\n" })?;
        attempt(w, a)?;
    }
    if !t.attempts.is_empty() {
        w.write_all(b"\n      ")?;
    }
    w.write_all(b"],\n      \"value\": ")?;
    match &t.value {
        None => w.write_all(b"null")?,
        Some(Value::Int(i)) => CompactFormatter.write_i64(w, *i)?,
        Some(v @ Value::List(_)) => {
            // Rare (`reduce concat`): serde's text, indented to this depth.
            let text = serde_json::to_string_pretty(v)?;
            for (k, line) in text.split('\n').enumerate() {
                if k > 0 {
                    w.write_all(b"\n      ")?;
                }
                w.write_all(line.as_bytes())?;
            }
        }
    }
    w.write_all(b"\n    }")
}

/// One attempt at depth 4.
fn attempt(w: &mut impl Write, a: &Attempt) -> io::Result<()> {
    w.write_all(b"        {\n          \"worker\": ")?;
    CompactFormatter.write_u64(w, a.worker as u64)?;
    w.write_all(b",\n          \"start_ms\": ")?;
    float(w, a.start_ms)?;
    w.write_all(b",\n          \"end_ms\": ")?;
    float(w, a.end_ms)?;
    w.write_all(b",\n          \"duration_ms\": ")?;
    float(w, a.duration_ms)?;
    w.write_all(b",\n          \"status\": ")?;
    status(w, a.status)?;
    w.write_all(b"\n        }")
}

fn status(w: &mut impl Write, s: Status) -> io::Result<()> {
    w.write_all(match s {
        Status::Ok => b"\"ok\"",
        Status::Failed => b"\"failed\"",
        Status::Timeout => b"\"timeout\"",
        Status::Cancelled => b"\"cancelled\"",
        Status::Skipped => b"\"skipped\"",
    })
}

/// As serde_json writes an `f64`: `null` unless finite.
fn float(w: &mut impl Write, v: f64) -> io::Result<()> {
    if v.is_finite() {
        CompactFormatter.write_f64(w, v)
    } else {
        w.write_all(b"null")
    }
}

fn opt_float(w: &mut impl Write, v: Option<f64>) -> io::Result<()> {
    match v {
        Some(v) => float(w, v),
        None => w.write_all(b"null"),
    }
}

/// A JSON string: as is when nothing needs escaping (task ids always), else via serde.
fn string(w: &mut impl Write, s: &str) -> io::Result<()> {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        w.write_all(b"\"")?;
        w.write_all(s.as_bytes())?;
        w.write_all(b"\"")
    } else {
        serde_json::to_writer(&mut *w, s).map_err(io::Error::from)
    }
}
