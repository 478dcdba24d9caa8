//! A text Gantt chart of a run: one row per worker, time across.
//!
//! Each cell shows what the worker ran at the middle of that slice of time: the task's
//! letter (`a`–`z`, `A`–`Z`, `0`–`9` without `x` and `T`, by declaration order, cycling) for an attempt that
//! ended ok, `x` failed, `T` timed out, `~` cancelled; `.` idle. A legend follows.

use super::{RunResult, Status};
use std::fmt::Write;

const SYMBOLS: &[u8] = b"abcdefghijklmnopqrstuvwyzABCDEFGHIJKLMNOPQRSUVWXYZ0123456789";

/// The letter of the task at declaration index `i`.
pub fn symbol(i: usize) -> char {
    SYMBOLS[i % SYMBOLS.len()] as char
}

/// Renders `run` `width` cells wide (at least 10).
pub fn render(run: &RunResult, width: usize) -> String {
    let width = width.max(10);
    let span = run.makespan_ms;
    let mut rows = vec![vec![b'.'; width]; run.workers.max(1)];
    if span > 0.0 {
        for (i, t) in run.tasks.iter().enumerate() {
            for a in &t.attempts {
                let c = match a.status {
                    Status::Ok => symbol(i) as u8,
                    Status::Failed => b'x',
                    Status::Timeout => b'T',
                    _ => b'~',
                };
                let Some(row) = rows.get_mut(a.worker) else {
                    continue;
                };
                for (col, cell) in row.iter_mut().enumerate() {
                    let mid = (col as f64 + 0.5) * span / width as f64;
                    if a.start_ms <= mid && mid < a.end_ms {
                        *cell = c;
                    }
                }
            }
        }
    }
    let mut out = String::new();
    let label = format!("{span:.1} ms");
    let _ = writeln!(
        out,
        "{:>4} |0{}{label}|",
        "",
        " ".repeat(width.saturating_sub(label.len() + 1))
    );
    for (w, row) in rows.iter().enumerate() {
        let _ = writeln!(out, "w{w:<3} |{}|", String::from_utf8_lossy(row));
    }
    let legend: Vec<String> = run
        .tasks
        .iter()
        .take(SYMBOLS.len())
        .enumerate()
        .map(|(i, t)| format!("{}={}", symbol(i), t.id))
        .collect();
    let _ = writeln!(
        out,
        "legend: {}{}",
        legend.join(" "),
        if run.tasks.len() > SYMBOLS.len() {
            " ..."
        } else {
            ""
        }
    );
    let _ = writeln!(out, "        x=failed T=timeout ~=cancelled .=idle");
    out
}
