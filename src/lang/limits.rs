//! Every size limit of the language, in one place (documented in docs/language.md).
//! Input beyond a limit gets an error diagnostic, never a panic or a hang, and it gets it
//! before any allocation proportional to what the input claims: a range, a task count, a
//! duration or a retry count is checked as a number before anything is built from it
//! (tests/lang_limits.rs counts the bytes allocated).

use crate::graph::Micros;

/// Largest accepted source text, in bytes (64 MiB).
pub const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;
/// Most tasks in one graph: 2^20, room for the million-task graph of one range
/// (`w[1..1000000] : cpu 1ms after split`) and the tasks around it.
pub const MAX_TASKS: usize = 1_048_576;
/// Most dependency edges in one graph.
pub const MAX_EDGES: usize = 10_000_000;
/// Most tasks one range like `chunk[1..N]` may declare or name: a million.
pub const MAX_RANGE: u64 = 1_000_000;
/// Longest task id, in characters.
pub const MAX_ID_CHARS: usize = 128;
/// Longest label, in characters.
pub const MAX_LABEL_CHARS: usize = 1_000;
/// Longest accepted duration (work, backoff, timeout): one hour.
pub const MAX_DURATION_US: Micros = 3_600_000_000;
/// Largest `workers` declaration (and the most workers analysis computes bounds for).
pub const MAX_WORKERS: u32 = 4_096;
/// Largest `retry` and `fail attempts` count.
pub const MAX_RETRY: u32 = 1_000;
/// Largest `limit <resource> N`.
pub const MAX_LIMIT: u32 = 1_000_000;
/// Largest `rate <resource> N/s`.
pub const MAX_RATE_PER_SECOND: f64 = 1_000_000.0;
/// Largest absolute `priority`.
pub const MAX_PRIORITY: i64 = 1_000_000_000;
/// Most diagnostics reported for one input; past it, one last error says so.
pub const MAX_DIAGNOSTICS: usize = 1_000;
/// Most cycles reported for one input (each is named in full).
pub const MAX_CYCLES_REPORTED: usize = 10;
/// Most members one `batch N` dispatch may carry.
pub const MAX_BATCH: u32 = 1_000_000;
/// Most groups (`group NAME { … }`) in one graph.
pub const MAX_GROUPS: usize = 1_000;
/// Most levels of nested groups (a top-level group is level 1).
pub const MAX_GROUP_DEPTH: usize = 16;
