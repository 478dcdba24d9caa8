//! Writes a [`RunResult`] as JSON, streamed: the per-task array (nearly all of the text)
//! is written record by record by hand, the rest by serde.

use super::{Attempt, RunResult, Status, TaskRecord, Value};
use serde_json::ser::{CompactFormatter, Formatter};
use std::io::{self, Write};

/// Writes `result` to `out` as pretty-printed JSON and a newline: byte for byte
/// `serde_json::to_string_pretty(result)` followed by `\n` (what `fanout simulate --json`
/// always printed), but streamed in chunks of about 64 KiB, so the whole text (tens of MB for
/// 100,000 tasks) is never held in memory. Flushes `out` before returning.
///
/// Everything but `tasks` goes through serde; the task records are written directly,
/// with serde_json's own number formatting, which is several times faster than serde's
/// generic path for a struct this regular.
pub fn write_json(result: &RunResult, mut out: impl Write) -> io::Result<()> {
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
        kernel_share: result.kernel_share.clone(),
        steals: result.steals.clone(),
        batches: result.batches.clone(),
        pool: result.pool.clone(),
        breakers: result.breakers.clone(),
        deadlocks: result.deadlocks.clone(),
        groups: result.groups.clone(),
        kernel_calibration: result.kernel_calibration,
        dispatch_ms: result.dispatch_ms,
    };
    let text = serde_json::to_string_pretty(&head)?;
    const EMPTY: &str = "\n  \"tasks\": []";
    // Records go into a plain buffer (small writes inline into it, where a `BufWriter`
    // call each was the writer's largest cost), written out every 64 KiB.
    const CHUNK: usize = 1 << 16;
    let mut w: Vec<u8> = Vec::with_capacity(CHUNK + 4096);
    match text.find(EMPTY).filter(|_| !result.tasks.is_empty()) {
        Some(at) => {
            w.extend_from_slice(&text.as_bytes()[..at]);
            w.extend_from_slice(b"\n  \"tasks\": [");
            for (k, t) in result.tasks.iter().enumerate() {
                w.extend_from_slice(if k == 0 { b"\n" } else { b",\n" });
                task(&mut w, t)?;
                if w.len() >= CHUNK {
                    out.write_all(&w)?;
                    w.clear();
                }
            }
            w.extend_from_slice(b"\n  ]");
            w.extend_from_slice(&text.as_bytes()[at + EMPTY.len()..]);
        }
        None => w.extend_from_slice(text.as_bytes()),
    }
    w.extend_from_slice(b"\n");
    out.write_all(&w)?;
    out.flush()
}

/// One task record at depth 2 (its fields at depth 3), as serde's pretty printer would.
fn task(w: &mut Vec<u8>, t: &TaskRecord) -> io::Result<()> {
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
fn attempt(w: &mut Vec<u8>, a: &Attempt) -> io::Result<()> {
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
    if let Some(r) = &a.reason {
        w.write_all(b",\n          \"reason\": ")?;
        serde_json::to_writer(&mut *w, r)?;
    }
    w.write_all(b"\n        }")
}

fn status(w: &mut Vec<u8>, s: Status) -> io::Result<()> {
    w.write_all(match s {
        Status::Ok => b"\"ok\"",
        Status::Failed => b"\"failed\"",
        Status::Timeout => b"\"timeout\"",
        Status::Cancelled => b"\"cancelled\"",
        Status::Skipped => b"\"skipped\"",
        Status::Rejected => b"\"rejected\"",
    })
}

/// As serde_json writes an `f64`: `null` unless finite. Times in a run are whole µs
/// divided by 1000, and for those (below 10^9 ms) the text is written from the integer.
fn float(w: &mut Vec<u8>, v: f64) -> io::Result<()> {
    if let Some(us) = exact_micros(v) {
        let mut buf = [0u8; 32];
        w.write_all(micros_as_ms(us, &mut buf))
    } else if v.is_finite() {
        CompactFormatter.write_f64(w, v)
    } else {
        w.write_all(b"null")
    }
}

/// `Some(us)` when `v` is exactly the double nearest to `us / 1000` for a whole `us`, with
/// `v` positive (not -0.0) and below 10^9. Then serde_json's text of `v` (the shortest
/// digits that read back as `v`) is the decimal `us / 1000` itself: the double's rounding
/// interval is narrower than 2^-22, and any other decimal with at most as many digits
/// differs from `us / 1000` by at least 0.001, so it is the one shortest representation.
#[inline]
fn exact_micros(v: f64) -> Option<u64> {
    if !(v.is_sign_positive() && v < 1e9) {
        return None;
    }
    // Truncation after adding 0.5 rounds (v >= 0); the check below makes it exact anyway.
    let us = (v * 1000.0 + 0.5) as u64;
    (us as f64 / 1000.0 == v).then_some(us)
}

/// Pairs of decimal digits, "00" to "99".
const DIGITS2: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// `us / 1000` as serde_json writes such a double in decimal notation: `12.5`, `0.001`,
/// `7.0`. Written right to left into the end of `buf`; returns the text.
#[inline]
fn micros_as_ms(us: u64, buf: &mut [u8; 32]) -> &[u8] {
    let frac = (us % 1000) as usize;
    let mut int = us / 1000;
    let (mut pos, end);
    if frac == 0 {
        buf[30] = b'.';
        buf[31] = b'0';
        (pos, end) = (30, 32);
    } else {
        buf[28] = b'.';
        buf[29] = b'0' + (frac / 100) as u8;
        buf[30] = b'0' + (frac / 10 % 10) as u8;
        buf[31] = b'0' + (frac % 10) as u8;
        let width = if frac % 10 != 0 {
            3
        } else if frac % 100 != 0 {
            2
        } else {
            1
        };
        (pos, end) = (28, 29 + width);
    }
    while int >= 100 {
        let r = (int % 100) as usize * 2;
        int /= 100;
        pos -= 2;
        buf[pos..pos + 2].copy_from_slice(&DIGITS2[r..r + 2]);
    }
    if int >= 10 {
        let r = int as usize * 2;
        pos -= 2;
        buf[pos..pos + 2].copy_from_slice(&DIGITS2[r..r + 2]);
    } else {
        pos -= 1;
        buf[pos] = b'0' + int as u8;
    }
    &buf[pos..end]
}

fn opt_float(w: &mut Vec<u8>, v: Option<f64>) -> io::Result<()> {
    match v {
        Some(v) => float(w, v),
        None => w.write_all(b"null"),
    }
}

/// A JSON string: as is when nothing needs escaping (task ids always), else via serde.
fn string(w: &mut Vec<u8>, s: &str) -> io::Result<()> {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        w.write_all(b"\"")?;
        w.write_all(s.as_bytes())?;
        w.write_all(b"\"")
    } else {
        serde_json::to_writer(&mut *w, s).map_err(io::Error::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ryu_text(v: f64) -> String {
        let mut out = Vec::new();
        CompactFormatter.write_f64(&mut out, v).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn fast_text(v: f64) -> String {
        let mut out = Vec::new();
        float(&mut out, v).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn micros_are_written_as_serde_json_writes_them() {
        let mut fast = 0;
        // Every µs up to 3 s, then a spread of large ones up to the bound and past it.
        let small = 0..3_000_000u64;
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let large = (0..300_000).map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % 2_000_000_000_000
        });
        for us in small
            .chain(large)
            .chain([999_999_999_999, 1_000_000_000_000])
        {
            let v = us as f64 / 1000.0;
            fast += usize::from(exact_micros(v).is_some());
            assert_eq!(fast_text(v), ryu_text(v), "{us} us");
        }
        assert!(fast > 3_000_000, "the fast path is taken: {fast}");
        for v in [
            -0.0,
            0.0,
            -1.5,
            0.0001,
            1e-7,
            1.0 / 3.0,
            2.5e15,
            1e300,
            f64::MIN_POSITIVE,
        ] {
            assert_eq!(fast_text(v), ryu_text(v), "{v:e}");
        }
        assert_eq!(fast_text(f64::NAN), "null");
        assert_eq!(fast_text(f64::INFINITY), "null");
    }
}
