//! Standard Task Graph Set (STG) files: a line with the task count N, then N + 2 lines
//! `id time npred pred...` (task 0 and task N+1 are the zero-cost entry and exit). Lines
//! starting with `#` are comments. Task ids become the task numbers as strings; a processing
//! time of T means T ms of `cpu`.

use super::limits::{MAX_DURATION_US, MAX_TASKS};
use super::validate::{build, DepRef, Diags, Loc, RawGraph, RawTask, Target};
use super::Parsed;
use crate::graph::Work;
use std::borrow::Cow;

/// The whitespace-separated words of a line, each with its 1-based character columns.
fn words(line: &str) -> Vec<(u32, u32, &str)> {
    let mut out = Vec::new();
    let mut start: Option<(usize, u32)> = None;
    let mut col = 0u32;
    for (i, c) in line.char_indices() {
        col += 1;
        match (start, c.is_whitespace()) {
            (None, false) => start = Some((i, col)),
            (Some((s, sc)), true) => {
                out.push((sc, col, &line[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some((s, sc)) = start {
        out.push((sc, col + 1, &line[s..]));
    }
    out
}

fn task(id: String, loc: Loc, duration_us: u64, deps: Vec<DepRef<'static>>) -> RawTask<'static> {
    let mut t = RawTask::new(Cow::Owned(id), loc, Work::Cpu { duration_us });
    t.deps = deps;
    t
}

/// Reads STG text into a raw graph for [`build`].
pub(crate) fn parse(text: &str, mut diags: Diags) -> Parsed {
    let mut raw = RawGraph::default();
    let mut count: Option<u64> = None; // N + 2, once the header is read
    let mut last_line = 1u32;
    for (n, line) in super::source::lines(text).enumerate() {
        let number = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let code = line.split('#').next().unwrap_or("");
        let ws = words(code);
        let Some(&(c0, e0, w0)) = ws.first() else {
            continue;
        };
        last_line = number;
        if diags.is_full() {
            break;
        }
        let loc = |c: u32, e: u32| Loc::text(number, c, e);
        let Some(expected) = count else {
            match w0.parse::<u64>() {
                Ok(nt) if nt.saturating_add(2) <= MAX_TASKS as u64 => count = Some(nt + 2),
                Ok(_) => {
                    diags.error(
                        &loc(c0, e0),
                        format!("{w0} tasks is more than the limit of {MAX_TASKS}"),
                    );
                    break;
                }
                Err(_) => {
                    diags.error(
                        &loc(c0, e0),
                        format!("an STG file starts with the number of tasks, not `{w0}`"),
                    );
                    break;
                }
            }
            if let Some(&(c, e, w)) = ws.get(1) {
                diags.error(
                    &loc(c, e),
                    format!("unexpected `{w}`: the first line holds only the number of tasks"),
                );
            }
            continue;
        };
        if raw.tasks.len() as u64 >= expected {
            diags.error(
                &loc(c0, e0),
                format!(
                    "unexpected line: the file declares {} tasks, and they are all listed already",
                    expected - 2
                ),
            );
            break;
        }
        let mut nums = Vec::with_capacity(ws.len());
        let mut bad = false;
        for &(c, e, w) in &ws {
            match w.parse::<u64>() {
                Ok(v) => nums.push(v),
                Err(_) => {
                    diags.error(
                        &loc(c, e),
                        format!(
                            "`{w}` is not a whole number: a task line is `id time npred pred...`"
                        ),
                    );
                    bad = true;
                }
            }
        }
        if bad {
            // Keep the task's id known, so other lines do not report it as unknown.
            if let Ok(id) = w0.parse::<u64>() {
                raw.tasks
                    .push(task(id.to_string(), loc(c0, e0), 0, Vec::new()));
            }
            continue;
        }
        if nums.len() < 3 {
            diags.error(
                &loc(c0, e0),
                "a task line needs at least three numbers: `id time npred pred...`",
            );
            continue;
        }
        let (id, time, npred) = (nums[0], nums[1], nums[2]);
        if id >= expected {
            diags.error(
                &loc(c0, e0),
                format!(
                    "task id {id} is out of range: ids go from 0 to {}",
                    expected - 1
                ),
            );
        }
        if npred != (nums.len() - 3) as u64 {
            let (c, e, _) = ws[2];
            diags.error(
                &loc(c, e),
                format!(
                    "task {id} says it has {npred} predecessors but lists {}",
                    nums.len() - 3
                ),
            );
        }
        let duration_us = time.checked_mul(1_000).filter(|&d| d <= MAX_DURATION_US);
        if duration_us.is_none() {
            let (c, e, _) = ws[1];
            diags.error(
                &loc(c, e),
                format!(
                    "task {id}: a processing time of {time} ms is longer than the limit of 1 hour"
                ),
            );
        }
        let deps = ws[3..]
            .iter()
            .zip(&nums[3..])
            .map(|(&(c, e, _), p)| DepRef {
                target: Target::Id(Cow::Owned(p.to_string())),
                loc: loc(c, e),
            })
            .collect();
        raw.tasks.push(task(
            id.to_string(),
            loc(c0, e0),
            duration_us.unwrap_or(0),
            deps,
        ));
    }
    match count {
        None if !diags.has_errors() => {
            diags.error(
                &Loc::Whole,
                "this STG file is empty: it should start with the number of tasks",
            );
        }
        Some(expected) if (raw.tasks.len() as u64) < expected && !diags.is_full() => {
            diags.error(
                &Loc::text(last_line, 1, 2),
                format!(
                    "the file declares {} tasks (plus the entry and exit tasks, {expected} lines), but lists only {}",
                    expected - 2,
                    raw.tasks.len()
                ),
            );
        }
        _ => {}
    }
    build(raw, diags)
}
