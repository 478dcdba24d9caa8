//! The JSON form of a graph ([`JsonGraph`]): what [`super::to_json`] writes, and what
//! [`super::parse`] reads with `Format::Json`. Dependencies are named by id, durations are
//! written like in `.dag` (`"200ms"`, or a number of milliseconds). Diagnostics carry the
//! JSON path of the offending value (`tasks[2].after[0]`) and its line and column.

use super::duration::parse_duration;
use super::limits::MAX_DURATION_US;
use super::validate::{build, DepRef, Diags, JPath, Loc, RawGraph, RawTask, Target};
use super::{Diagnostic, Parsed};
use crate::graph::kernel::{KernelWork, KERNELS};
use crate::graph::{Limit, OnError, Policy, Rate, Reduce, TaskOptions, Work};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;

fn is_zero_u32(v: &u32) -> bool {
    *v == 0
}
fn is_zero_i64(v: &i64) -> bool {
    *v == 0
}
fn is_zero_f64(v: &f64) -> bool {
    *v == 0.0
}

/// A whole graph in JSON. Unknown fields are errors.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonGraph {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limits: Vec<JsonLimit>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rates: Vec<JsonRate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Policy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_error: Option<OnError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// `steal_cost` under `policy work-stealing`: a duration like `"50us"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steal_cost: Option<serde_json::Value>,
    /// `workers MIN..MAX`: MIN (`workers` is MAX).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers_min: Option<u32>,
    /// `scale_up`, `scale_down`, `worker_start`: durations like `"10ms"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_up: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_down: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_start: Option<serde_json::Value>,
    /// Circuit breakers: `[{"resource": "api", "after": 3, "open": "500ms"}]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breakers: Vec<JsonBreaker>,
    /// Nested groups, parents before the groups nested in them; a task names its innermost
    /// group in its `group` field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<JsonGroup>,
    pub tasks: Vec<JsonTask>,
}

/// `{"name": "research", "parent": "outer", "workers": 2, "on_error": "continue"}`:
/// `group research workers 2 on_error continue { … }` inside group `outer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonGroup {
    pub name: String,
    /// The enclosing group, listed earlier (absent: at top level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_error: Option<OnError>,
}

/// `{"resource": "api", "after": 3, "open": "500ms"}`: `breaker api after 3 failures open 500ms`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonBreaker {
    pub resource: String,
    pub after: u32,
    pub open: String,
}

/// `{"resource": "db", "max": 2}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonLimit {
    pub resource: String,
    pub max: u32,
}

/// `{"resource": "api", "per_second": 5}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonRate {
    pub resource: String,
    pub per_second: f64,
}

/// One task: `{"id": "b", "kind": "cpu", "duration": "50ms", "after": ["a"]}` plus options
/// with the `.dag` names (`fail attempts` is `fail_attempts`). Absent options take defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonTask {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `cpu` or `io`.
    pub kind: String,
    /// A duration string (`"200ms"`, `"1.5s"`, `"300us"`) or a number of milliseconds;
    /// absent for a kernel.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub duration: serde_json::Value,
    /// A kernel's arguments as the language writes them (`"0..1000000 part 3/8"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub retry: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<serde_json::Value>,
    /// `hedge`: a duration, as `timeout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hedge: Option<serde_json::Value>,
    /// `uses a then b`: `"then": "b"`, with `"then_at"` the share done before it (0.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then_at: Option<f64>,
    #[serde(default, skip_serializing_if = "is_zero_f64")]
    pub fail: f64,
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub fail_attempts: u32,
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub priority: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduce: Option<Reduce>,
    /// `batch N` (0: not batched).
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub batch: u32,
    /// The task's innermost group (a name in the graph's `groups`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// A duration given as a string (`.dag` syntax) or a number of milliseconds.
/// The work of a `cpu` or `io` task from its JSON `kind` and `duration`; reports a bad kind
/// or duration at that task's field and stands in `cpu 0` so checking goes on.
fn json_work(
    kind: &str,
    duration: &serde_json::Value,
    field: &dyn Fn(&'static str) -> Loc,
    diags: &mut Diags,
) -> (Work, Option<crate::graph::Spread>) {
    // A string with a spread: `"100ms..2s"`, `"100ms ~ 30%"`, `"lognormal 100ms 0.8"`.
    let mut spread = None;
    let varies = |s: &str| s.contains("..") || s.contains('~') || s.starts_with("lognormal");
    let duration_us = match duration {
        serde_json::Value::String(s) if varies(s) => {
            let words: Vec<&str> = s.split_whitespace().collect();
            match super::spread::parse_amount(&words) {
                Ok(((d, sp), n)) if n == words.len() => {
                    spread = sp;
                    d
                }
                Ok(_) => {
                    diags.error(
                        &field("duration"),
                        format!("`{s}` has words after its duration"),
                    );
                    0
                }
                Err((_, m)) => {
                    diags.error(&field("duration"), m);
                    0
                }
            }
        }
        _ => match json_duration(duration) {
            Ok(d) => d,
            Err(m) => {
                diags.error(&field("duration"), m);
                0
            }
        },
    };
    (json_kind(kind, duration_us, field, diags), spread)
}

fn json_kind(
    kind: &str,
    duration_us: u64,
    field: &dyn Fn(&'static str) -> Loc,
    diags: &mut Diags,
) -> Work {
    match kind {
        "cpu" => Work::Cpu { duration_us },
        "io" => Work::Io { duration_us },
        other => {
            diags.error(
                &field("kind"),
                format!(
                    "unknown kind of work `{other}`: expected `cpu`, `io` or a kernel ({})",
                    KERNELS.join(", ")
                ),
            );
            Work::Cpu { duration_us }
        }
    }
}

fn json_duration(v: &serde_json::Value) -> Result<u64, String> {
    match v {
        serde_json::Value::String(s) => parse_duration(s),
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(ms) if ms < 0.0 => Err(format!("{ms} is not a duration: it must be zero or more")),
            Some(ms) if ms * 1_000.0 > MAX_DURATION_US as f64 => {
                Err(format!("{ms} ms is longer than the limit of 1 hour"))
            }
            Some(ms) => Ok((ms * 1_000.0).round() as u64),
            None => Err("not a duration".to_string()),
        },
        _ => Err(
            "expected a duration: a string like \"200ms\" or a number of milliseconds".to_string(),
        ),
    }
}

/// Reads JSON text into a raw graph for [`build`], then moves path diagnostics onto the
/// line and column of the value their path names.
pub(crate) fn parse(text: &str, mut diags: Diags) -> Parsed {
    let de = &mut serde_json::Deserializer::from_str(text);
    let doc: JsonGraph = match serde_path_to_error::deserialize(de) {
        Ok(doc) => doc,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.inner();
            let (line, col) = (inner.line().max(1) as u32, inner.column().max(1));
            let col = char_col(text, line, col);
            // serde_json's message ends with " at line L column C": the diagnostic says it.
            let msg = inner.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            let mut d = Diagnostic::error(line, col, 1, format!("invalid JSON graph: {msg}"));
            d.path = (path != ".").then_some(path);
            diags.push(d);
            return Parsed {
                graph: None,
                diagnostics: diags.into_vec(),
            };
        }
    };
    let mut raw = RawGraph::default();
    let JsonGraph {
        workers,
        limits,
        rates,
        policy,
        on_error,
        seed,
        steal_cost,
        workers_min,
        scale_up,
        scale_down,
        worker_start,
        breakers,
        groups,
        tasks,
    } = doc;
    let mut group_index: HashMap<String, usize> = HashMap::new();
    for (i, g) in groups.into_iter().enumerate() {
        let parent = match g.parent {
            None => None,
            Some(p) => match group_index.get(&p) {
                Some(&k) => Some(k),
                None => {
                    diags.error(
                        &Loc::json(JPath::ItemField("groups", i, "parent")),
                        format!("unknown parent group `{p}`: name a group listed before this one"),
                    );
                    None
                }
            },
        };
        group_index.entry(g.name.clone()).or_insert(i);
        raw.groups.push(super::validate::RawGroup {
            name: g.name,
            loc: Loc::json(JPath::ItemField("groups", i, "name")),
            parent,
            workers: g.workers,
            workers_loc: Some(Loc::json(JPath::ItemField("groups", i, "workers"))),
            on_error: g.on_error,
            tasks: Vec::new(),
        });
    }
    raw.decls.workers_min = workers_min;
    if let (Some(min), Some(max)) = (workers_min, workers) {
        if min == 0 || min > max {
            diags.error(
                &Loc::json(JPath::Root("workers_min")),
                format!("`workers_min` {min} must be from 1 to `workers` ({max})"),
            );
        }
    }
    for (name, v, slot) in [
        ("scale_up", &scale_up, &mut raw.decls.scale_up_us),
        ("scale_down", &scale_down, &mut raw.decls.scale_down_us),
        (
            "worker_start",
            &worker_start,
            &mut raw.decls.worker_start_us,
        ),
    ] {
        if let Some(v) = v {
            match json_duration(v) {
                Ok(us) => *slot = Some(us),
                Err(m) => diags.error(&Loc::json(JPath::Root(name)), m),
            }
        }
    }
    if let Some(v) = &steal_cost {
        match json_duration(v) {
            Ok(us) => raw.decls.steal_cost_us = Some(us),
            Err(m) => diags.error(&Loc::json(JPath::Root("steal_cost")), m),
        }
    }
    for (i, b) in breakers.into_iter().enumerate() {
        let words = [
            b.resource.as_str(),
            "after",
            &b.after.to_string(),
            "failures",
            "open",
            b.open.as_str(),
        ]
        .map(String::from);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        match super::faults::parse_breaker(&words) {
            Ok(d) => raw.decls.breakers.push(d),
            Err((_, m)) => diags.error(&Loc::json(JPath::Item("breakers", i)), m),
        }
    }
    raw.decls.workers = workers;
    raw.decls.policy = policy;
    raw.decls.on_error = on_error;
    raw.decls.seed = seed;
    for (name, given) in [
        ("workers", workers.is_some()),
        ("policy", policy.is_some()),
        ("on_error", on_error.is_some()),
        ("seed", seed.is_some()),
        ("steal_cost", steal_cost.is_some()),
    ] {
        if given {
            raw.decl_locs.push((name, Loc::json(JPath::Root(name))));
        }
    }
    for (i, l) in limits.into_iter().enumerate() {
        raw.decls.limits.push(Limit {
            resource: l.resource,
            max: l.max,
            span: Default::default(),
        });
        raw.limit_locs.push(Loc::json(JPath::Item("limits", i)));
    }
    for (i, r) in rates.into_iter().enumerate() {
        raw.decls.rates.push(Rate {
            resource: r.resource,
            per_second: r.per_second,
            span: Default::default(),
        });
        raw.rate_locs.push(Loc::json(JPath::Item("rates", i)));
    }
    raw.tasks.reserve(tasks.len());
    for (i, t) in tasks.into_iter().enumerate() {
        let field = |f: &'static str| Loc::json(JPath::TaskField(i, f));
        let mut spread = None;
        let work = if KERNELS.contains(&t.kind.as_str()) {
            if !t.duration.is_null() {
                diags.error(
                    &field("duration"),
                    format!("a `{}` kernel has no duration: give its `args`", t.kind),
                );
            }
            let args = t.args.as_deref().unwrap_or("");
            match KernelWork::parse(&t.kind, &args.split_whitespace().collect::<Vec<_>>()) {
                Ok(k) => Work::Kernel(k),
                Err(m) => {
                    diags.error(&field("args"), m);
                    Work::Cpu { duration_us: 0 }
                }
            }
        } else {
            if t.args.is_some() {
                diags.error(
                    &field("args"),
                    format!("only kernels take `args`; `{}` takes a `duration`", t.kind),
                );
            }
            let (w, sp) = json_work(&t.kind, &t.duration, &field, &mut diags);
            spread = sp;
            w
        };
        let opt_dur = |v: &Option<serde_json::Value>, name: &'static str, diags: &mut Diags| {
            v.as_ref().and_then(|v| {
                json_duration(v)
                    .map_err(|m| diags.error(&field(name), m))
                    .ok()
            })
        };
        let backoff_us = opt_dur(&t.backoff, "backoff", &mut diags);
        let timeout_us = opt_dur(&t.timeout, "timeout", &mut diags);
        let hedge_us = opt_dur(&t.hedge, "hedge", &mut diags);
        let mut option_locs = Vec::new();
        for (name, given, key) in [
            ("retry", t.retry != 0, "retry"),
            ("backoff", t.backoff.is_some(), "backoff"),
            ("timeout", t.timeout.is_some(), "timeout"),
            ("hedge", t.hedge.is_some(), "hedge"),
            ("fail", t.fail != 0.0, "fail"),
            ("fail attempts", t.fail_attempts != 0, "fail_attempts"),
            ("priority", t.priority != 0, "priority"),
            ("reduce", t.reduce.is_some(), "reduce"),
            ("batch", t.batch != 0, "batch"),
        ] {
            if given {
                option_locs.push((name, field(key)));
            }
        }
        let uses_locs = (0..t.uses.len())
            .map(|k| Loc::json(JPath::TaskItem(i, "uses", k)))
            .collect();
        if let Some(name) = &t.group {
            match group_index.get(name) {
                Some(&g) => raw.groups[g].tasks.push(i),
                None => diags.error(
                    &field("group"),
                    format!("unknown group `{name}`: the graph's `groups` list has no group of that name"),
                ),
            }
        }
        let deps = t
            .after
            .into_iter()
            .enumerate()
            .map(|(k, name)| DepRef {
                target: Target::Id(Cow::Owned(name)),
                loc: Loc::json(JPath::TaskItem(i, "after", k)),
            })
            .collect();
        raw.tasks.push(RawTask {
            id: Cow::Owned(t.id),
            loc: Loc::json(JPath::TaskField(i, "id")),
            label: t.label,
            work,
            options: TaskOptions {
                retry: t.retry,
                backoff_us,
                timeout_us,
                fail_probability: t.fail,
                fail_attempts: t.fail_attempts,
                priority: t.priority,
                uses: t.uses,
                reduce: t.reduce,
                batch: t.batch,
                spread,
                hedge_us,
                then_uses: t
                    .then
                    .map(|b| (b, t.then_at.unwrap_or(0.5).clamp(0.01, 0.99))),
            },
            option_locs,
            uses_locs,
            deps,
        });
    }
    let mut parsed = build(raw, diags);
    locate_paths(text, &mut parsed.diagnostics);
    parsed
}

/// serde_json counts columns in bytes; diagnostics count characters.
fn char_col(text: &str, line: u32, byte_col: usize) -> u32 {
    let Some(l) = text.split('\n').nth(line as usize - 1) else {
        return byte_col as u32;
    };
    let upto = byte_col.saturating_sub(1).min(l.len());
    let mut b = upto;
    while b > 0 && !l.is_char_boundary(b) {
        b -= 1;
    }
    l[..b].chars().count() as u32 + 1
}

/// Sets each diagnostic that has a path to the line and column where that path's value
/// starts in `text` (one pass over the text, iterative, only when some diagnostic has a path).
fn locate_paths(text: &str, diags: &mut [Diagnostic]) {
    let mut wanted: HashMap<String, (u32, u32)> = HashMap::new();
    for d in diags.iter() {
        if let Some(p) = &d.path {
            wanted.insert(p.clone(), (0, 0));
        }
    }
    if wanted.is_empty() {
        return;
    }
    #[derive(Debug)]
    enum Frame {
        Obj { key: Option<String> },
        Arr { index: usize },
    }
    let total = wanted.len();
    let mut stack: Vec<Frame> = Vec::new();
    let mut found = 0;
    let (mut line, mut col) = (1u32, 1u32);
    let mut chars = text.chars().peekable();
    let mut expect_key = false;
    let current_path = |stack: &[Frame]| -> Option<String> {
        let mut p = String::new();
        for f in stack {
            match f {
                Frame::Obj { key: Some(k) } => {
                    if !p.is_empty() {
                        p.push('.');
                    }
                    p.push_str(k);
                }
                Frame::Obj { key: None } => return None,
                Frame::Arr { index } => p.push_str(&format!("[{index}]")),
            }
        }
        Some(p)
    };
    // Records that a value starts here (if its path is wanted).
    let mut value_start = |stack: &[Frame], line: u32, col: u32, found: &mut usize| {
        if stack.len() > 64 || stack.is_empty() {
            return;
        }
        if let Some(p) = current_path(stack) {
            if let Some(slot) = wanted.get_mut(&p) {
                if *slot == (0, 0) {
                    *slot = (line, col);
                    *found += 1;
                }
            }
        }
    };
    while let Some(c) = chars.next() {
        let (l0, c0) = (line, col);
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
        match c {
            '{' | '[' => {
                value_start(&stack, l0, c0, &mut found);
                if c == '{' {
                    stack.push(Frame::Obj { key: None });
                    expect_key = true;
                } else {
                    stack.push(Frame::Arr { index: 0 });
                }
            }
            '}' | ']' => {
                stack.pop();
                expect_key = false;
            }
            ',' => match stack.last_mut() {
                Some(Frame::Arr { index }) => *index += 1,
                Some(Frame::Obj { key }) => {
                    *key = None;
                    expect_key = true;
                }
                None => {}
            },
            ':' => expect_key = false,
            '"' => {
                let mut s = String::new();
                while let Some(d) = chars.next() {
                    col += 1;
                    match d {
                        '"' => break,
                        '\\' => {
                            if let Some(e) = chars.next() {
                                col += 1;
                                s.push(e);
                            }
                        }
                        '\n' => {
                            line += 1;
                            col = 1;
                        }
                        d => s.push(d),
                    }
                }
                if expect_key {
                    if let Some(Frame::Obj { key }) = stack.last_mut() {
                        *key = Some(s);
                    }
                    expect_key = false;
                } else {
                    value_start(&stack, l0, c0, &mut found);
                }
            }
            c if c.is_whitespace() => {}
            _ => {
                // A number or literal: record its start, then skip the rest of it.
                value_start(&stack, l0, c0, &mut found);
                while chars
                    .peek()
                    .is_some_and(|d| d.is_ascii_alphanumeric() || matches!(d, '.' | '-' | '+'))
                {
                    chars.next();
                    col += 1;
                }
            }
        }
        if found == total {
            break;
        }
    }
    for d in diags.iter_mut() {
        if let Some(&(l, c)) = d.path.as_ref().and_then(|p| wanted.get(p)) {
            if l > 0 {
                d.line = l;
                d.col = c;
                d.end_line = l;
                d.end_col = c + 1;
            }
        }
    }
}
