//! The checks every format shares: ids, dependencies, resources, options, limits and cycles.
//! Each front end (`.dag`, JSON, STG, DOT) reads its syntax into a [`RawGraph`]; [`build`]
//! validates it and returns a [`Graph`] that holds the model's invariants, or every error.

use super::diagnostic::{did_you_mean, suggestion_suffix, Diagnostic};
use super::limits::*;
use super::Parsed;
use crate::graph::{topo_order, Declarations, Graph, OnError, Span, Task, TaskOptions, Work};
use rustc_hash::{FxBuildHasher, FxHashMap};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Where a piece of the input is: columns on a line (text formats) or a JSON path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Loc {
    Text {
        line: u32,
        col: u32,
        end_col: u32,
    },
    /// Boxed: JSON input is the rare case, and the box keeps every `Loc` (one per task and
    /// per dependency written) at 16 bytes instead of 48.
    Json(Box<JPath>),
    /// The input as a whole (line 1, column 1).
    Whole,
}

/// A JSON path, kept compact and rendered only when a diagnostic needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum JPath {
    /// A top-level field: `workers`.
    Root(&'static str),
    /// `tasks[i].field`
    TaskField(usize, &'static str),
    /// `tasks[i].field[j]`
    TaskItem(usize, &'static str, usize),
    /// `limits[i]`, `rates[i]`
    Item(&'static str, usize),
    /// `groups[i].field`
    ItemField(&'static str, usize, &'static str),
}

impl JPath {
    pub(crate) fn render(&self) -> String {
        match *self {
            JPath::Root(f) => f.to_string(),
            JPath::TaskField(i, f) => format!("tasks[{i}].{f}"),
            JPath::TaskItem(i, f, j) => format!("tasks[{i}].{f}[{j}]"),
            JPath::Item(f, i) => format!("{f}[{i}]"),
            JPath::ItemField(f, i, g) => format!("{f}[{i}].{g}"),
        }
    }
}

impl Loc {
    /// The location of the JSON value at `path`.
    pub(crate) fn json(path: JPath) -> Loc {
        Loc::Json(Box::new(path))
    }

    /// The location of a token spanning `col..end_col` on `line`.
    pub(crate) fn text(line: u32, col: u32, end_col: u32) -> Loc {
        Loc::Text { line, col, end_col }
    }

    /// A diagnostic at this location. JSON diagnostics get line 1, column 1 and their path;
    /// the JSON front end then moves them onto the value the path names.
    pub(crate) fn diag(&self, error: bool, message: impl Into<String>) -> Diagnostic {
        let (line, col, len, path) = match self {
            Loc::Text { line, col, end_col } => (*line, *col, end_col.saturating_sub(*col), None),
            Loc::Json(p) => (1, 1, 1, Some(p.render())),
            Loc::Whole => (1, 1, 1, None),
        };
        let mut d = if error {
            Diagnostic::error(line, col, len, message)
        } else {
            Diagnostic::warning(line, col, len, message)
        };
        d.path = path;
        d
    }

    /// "line 3" or "tasks[2]": where something was, for a message about something else.
    pub(crate) fn describe(&self) -> String {
        match self {
            Loc::Text { line, .. } => format!("line {line}"),
            Loc::Json(p) => p.render(),
            Loc::Whole => "earlier".to_string(),
        }
    }

    /// The model's `Span` for this location (zero when it is not in text).
    pub(crate) fn span(&self) -> Span {
        match *self {
            Loc::Text { line, col, .. } => Span { line, col },
            _ => Span::default(),
        }
    }
}

/// What a dependency reference names.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Target<'a> {
    /// One task by id.
    Id(Cow<'a, str>),
    /// `base[*]`: every task a range declaration `base[a..b]` declared.
    Group(Cow<'a, str>),
    /// `base[a..b]`: the tasks `base{a}` to `base{b}`.
    Range(Cow<'a, str>, u64, u64),
}

/// A dependency as written, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DepRef<'a> {
    pub target: Target<'a>,
    pub loc: Loc,
}

/// A task as a front end read it, before any cross-task check.
#[derive(Debug, Clone)]
pub(crate) struct RawTask<'a> {
    pub id: Cow<'a, str>,
    pub loc: Loc,
    pub label: Option<String>,
    pub work: Work,
    pub options: TaskOptions,
    /// Where each given option was written, by its keyword (`retry`, `backoff`, ...).
    pub option_locs: Vec<(&'static str, Loc)>,
    /// Where each entry of `options.uses` was written.
    pub uses_locs: Vec<Loc>,
    pub deps: Vec<DepRef<'a>>,
}

impl<'a> RawTask<'a> {
    /// A task with the given id, location and work, and nothing else: no label, default
    /// options, no dependencies.
    pub(crate) fn new(id: Cow<'a, str>, loc: Loc, work: Work) -> Self {
        RawTask {
            id,
            loc,
            label: None,
            work,
            options: TaskOptions::default(),
            option_locs: Vec::new(),
            uses_locs: Vec::new(),
            deps: Vec::new(),
        }
    }

    pub(crate) fn option_loc(&self, name: &str) -> &Loc {
        self.option_locs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, l)| l)
            .unwrap_or(&self.loc)
    }
}

/// A whole graph as a front end read it.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawGraph<'a> {
    pub tasks: Vec<RawTask<'a>>,
    pub decls: Declarations,
    /// Where each declaration was written: `workers`, `policy`, `on_error`, `seed`.
    pub decl_locs: Vec<(&'static str, Loc)>,
    /// Where each of `decls.limits` and `decls.rates` was written.
    pub limit_locs: Vec<Loc>,
    pub rate_locs: Vec<Loc>,
    /// Range declarations: base name to the indices (into `tasks`) they declared.
    pub ranges: FxHashMap<String, Vec<usize>>,
    /// `group NAME { … }` blocks, in the order they were opened (parents first).
    pub groups: Vec<RawGroup>,
    /// Dependency references copied into the tasks of range declarations so far.
    pub range_dep_copies: u64,
}

/// A group as a front end read it.
#[derive(Debug, Clone)]
pub(crate) struct RawGroup {
    pub name: String,
    /// Where it was opened (its name, in text).
    pub loc: Loc,
    /// Index into `RawGraph::groups` of the enclosing group.
    pub parent: Option<usize>,
    pub workers: Option<u32>,
    /// Where `workers N` was written.
    pub workers_loc: Option<Loc>,
    pub on_error: Option<OnError>,
    /// Its own tasks, by index into `RawGraph::tasks`.
    pub tasks: Vec<usize>,
}

/// A capped list of diagnostics that remembers whether any is an error.
#[derive(Debug, Default)]
pub(crate) struct Diags {
    list: Vec<Diagnostic>,
    errors: bool,
    full: bool,
}

impl Diags {
    /// Adds a diagnostic, unless the cap was reached (then one last error says so).
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.errors |= d.is_error();
        if self.list.len() < MAX_DIAGNOSTICS {
            self.list.push(d);
        } else if !self.full {
            self.full = true;
            self.list.push(Diagnostic::error(
                d.line,
                d.col,
                1,
                format!("too many problems: only the first {MAX_DIAGNOSTICS} are reported"),
            ));
        }
    }

    pub(crate) fn error(&mut self, loc: &Loc, message: impl Into<String>) {
        self.push(loc.diag(true, message));
    }

    pub(crate) fn warning(&mut self, loc: &Loc, message: impl Into<String>) {
        self.push(loc.diag(false, message));
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.errors
    }

    /// Whether no more diagnostics will be kept: front ends may stop reading.
    pub(crate) fn is_full(&self) -> bool {
        self.full
    }

    pub(crate) fn into_vec(self) -> Vec<Diagnostic> {
        self.list
    }
}

/// Whether `id` may be a task id: 1 to 128 ASCII letters, digits, `_` or `-`, not starting
/// with `-`. The same rule holds in every format, so any graph exports to `.dag`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Why an id is not valid, for a diagnostic.
pub(crate) fn id_problem(id: &str) -> String {
    if id.is_empty() {
        "a task id cannot be empty".to_string()
    } else if id.chars().count() > MAX_ID_CHARS {
        format!("this task id is longer than {MAX_ID_CHARS} characters")
    } else {
        format!(
            "`{id}` is not a valid task id: use ASCII letters, digits, `_` and `-`, not starting with `-`"
        )
    }
}

/// Validates `raw` and builds the graph. Every error found is reported; the graph is
/// returned only when there is none, and then holds the model's invariants.
pub(crate) fn build(raw: RawGraph<'_>, mut diags: Diags) -> Parsed {
    let RawGraph {
        mut tasks,
        decls,
        decl_locs,
        limit_locs,
        rate_locs,
        ranges,
        groups: raw_groups,
        ..
    } = raw;
    let n = tasks.len();
    if n > MAX_TASKS {
        diags.error(
            &Loc::Whole,
            format!("the graph has {n} tasks; the limit is {MAX_TASKS}"),
        );
        return Parsed {
            graph: None,
            diagnostics: diags.into_vec(),
        };
    }
    check_decls(&decls, &decl_locs, &limit_locs, &rate_locs, &mut diags);

    // Ids: valid and unique. FxHash: ids are short strings hashed once per task and once
    // per reference, the hottest loop of validation (std's SipHash dominated the profile).
    let mut ids: FxHashMap<&str, usize> = HashMap::with_capacity_and_hasher(n, FxBuildHasher);
    for (i, t) in tasks.iter().enumerate() {
        if !is_valid_id(&t.id) {
            diags.error(&t.loc, id_problem(&t.id));
        }
        if let Some(&first) = ids.get(t.id.as_ref()) {
            diags.error(
                &t.loc,
                format!(
                    "duplicate task id `{}`: it is already declared at {}",
                    t.id,
                    tasks[first].loc.describe()
                ),
            );
        } else {
            ids.insert(t.id.as_ref(), i);
        }
    }

    let gindex = super::groups::check(&raw_groups, &tasks, &ids, &mut diags);
    let mut group_refs: Vec<super::groups::GroupRef> = Vec::new();

    // Options and resources.
    let resources: Vec<&str> = decls
        .limits
        .iter()
        .map(|l| l.resource.as_str())
        .chain(decls.rates.iter().map(|r| r.resource.as_str()))
        .chain(decls.breakers.iter().map(|b| b.resource.as_str()))
        .collect();
    for t in &tasks {
        check_options(t, &resources, &mut diags);
    }
    check_hold_and_wait(&tasks, &resources, &mut diags);

    // Limits before work: every reference and every name a `[*]` or range stands for counts
    // against the edge limit, summed over the whole graph before any is resolved.
    let mut expanded = 0usize;
    for r in tasks.iter().flat_map(|t| &t.deps) {
        expanded = expanded.saturating_add(match &r.target {
            Target::Id(_) => 1,
            Target::Group(base) => ranges.get(base.as_ref()).map_or(1, Vec::len),
            Target::Range(_, lo, hi) => usize::try_from(hi - lo + 1).unwrap_or(usize::MAX),
        });
        if expanded > MAX_EDGES {
            diags.error(&r.loc, format!("too many dependencies: with `[*]` and ranges expanded, the graph has more than {MAX_EDGES}"));
            return Parsed {
                graph: None,
                diagnostics: diags.into_vec(),
            };
        }
    }

    // Dependencies: resolve names.
    let mut deps: Vec<Vec<usize>> = Vec::with_capacity(n);
    // mark[d] == i + 1 when task i already has dependency d: duplicates in O(1).
    let mut mark: Vec<usize> = vec![0; n];
    // Suggestions compare a name with every id (in declaration order, so ties are
    // deterministic): only a few, and not over huge graphs.
    let mut suggestions_left = if n <= 200_000 { 50usize } else { 0 };
    // One buffer for the names a range stands for (`base7`), reused for every name.
    let mut name = String::new();
    for (i, t) in tasks.iter().enumerate() {
        let mut resolved: Vec<usize> = Vec::with_capacity(t.deps.len());
        let mut add = |d: usize, loc: &Loc, diags: &mut Diags| {
            if d == i {
                diags.error(loc, format!("task `{}` depends on itself", t.id));
            } else if mark[d] == i + 1 {
                diags.warning(
                    loc,
                    format!(
                        "`{}` is listed twice among the dependencies of `{}`",
                        tasks[d].id, t.id
                    ),
                );
            } else {
                mark[d] = i + 1;
                resolved.push(d);
            }
        };
        for r in &t.deps {
            match &r.target {
                Target::Id(name) => match ids.get(name.as_ref()) {
                    Some(&d) => add(d, &r.loc, &mut diags),
                    None => {
                        match super::groups::reference(&gindex, &raw_groups, name, i, &t.id, &r.loc)
                        {
                            Ok(Some(g)) => group_refs.push(g),
                            Err(m) => diags.error(&r.loc, m),
                            Ok(None) => {
                                let hint = if suggestions_left > 0 {
                                    suggestions_left -= 1;
                                    super::groups::suggest(
                                        name,
                                        tasks.iter().map(|t| t.id.as_ref()),
                                        &raw_groups,
                                    )
                                } else {
                                    String::new()
                                };
                                let what = if raw_groups.is_empty() {
                                    "no task has that id"
                                } else {
                                    "no task or group has that name"
                                };
                                diags.error(
                                    &r.loc,
                                    format!("unknown dependency `{name}`: {what}{hint}"),
                                );
                            }
                        }
                    }
                },
                Target::Group(base) => match ranges.get(base.as_ref()) {
                    Some(members) => {
                        for &d in members {
                            add(d, &r.loc, &mut diags);
                        }
                    }
                    None => {
                        // Sorted, so that a tie always suggests the same name.
                        let mut bases: Vec<&str> = ranges.keys().map(String::as_str).collect();
                        bases.sort_unstable();
                        let hint = if gindex.names.contains_key(base.as_ref()) {
                            format!(" (`{base}` is a group: write `after {base}` to wait for it)")
                        } else {
                            suggestion_suffix(did_you_mean(base, bases))
                        };
                        diags.error(
                            &r.loc,
                            format!("`{base}[*]` names no tasks: no range like `{base}[1..N]` declares tasks named {base}1, {base}2, ...{hint}"),
                        );
                    }
                },
                Target::Range(base, lo, hi) => {
                    let mut missing = Vec::new();
                    for x in *lo..=*hi {
                        name.clear();
                        let _ = write!(name, "{base}{x}");
                        match ids.get(name.as_str()) {
                            Some(&d) => add(d, &r.loc, &mut diags),
                            None => missing.push(name.clone()),
                        }
                    }
                    if !missing.is_empty() {
                        let shown: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
                        let more = if missing.len() > 5 {
                            format!(" and {} more", missing.len() - 5)
                        } else {
                            String::new()
                        };
                        diags.error(
                            &r.loc,
                            format!(
                                "`{base}[{lo}..{hi}]` names tasks that do not exist: {}{more}",
                                shown.join(", ")
                            ),
                        );
                    }
                }
            }
        }
        deps.push(resolved);
    }
    for t in &tasks {
        if t.options.reduce.is_some() && t.deps.is_empty() {
            diags.warning(
                t.option_loc("reduce"),
                format!(
                    "`reduce` has nothing to combine: task `{}` has no dependencies",
                    t.id
                ),
            );
        }
    }
    drop(ids);
    if deps.len() == n
        && !super::groups::expand(&gindex, &raw_groups, &group_refs, &mut deps, &mut diags)
    {
        return Parsed {
            graph: None,
            diagnostics: diags.into_vec(),
        };
    }
    drop(gindex);
    if deps.len() != n {
        // Resolution stopped early (the edge limit): there is nothing sound to check further.
        return Parsed {
            graph: None,
            diagnostics: diags.into_vec(),
        };
    }
    // Cycles are looked for even when there are other errors (over the dependencies that
    // did resolve), so that one pass reports them too.

    // Build the graph, leaving in `tasks` what cycle messages need (locations, references).
    let mut graph_tasks = Vec::with_capacity(n);
    for (t, d) in tasks.iter_mut().zip(deps) {
        graph_tasks.push(Task {
            id: std::mem::take(&mut t.id).into_owned(),
            label: t.label.take(),
            work: t.work.clone(),
            deps: d,
            options: std::mem::take(&mut t.options),
            span: t.loc.span(),
        });
    }
    let graph = Graph {
        tasks: graph_tasks,
        decls,
        groups: super::groups::into_model(raw_groups),
    };
    if let Err(stuck) = topo_order(&graph) {
        report_cycles(&graph, &stuck, &tasks, &ranges, &mut diags);
    }
    let graph = (!diags.has_errors()).then_some(graph);
    Parsed {
        graph,
        diagnostics: diags.into_vec(),
    }
}

fn check_decls(
    decls: &Declarations,
    decl_locs: &[(&'static str, Loc)],
    limit_locs: &[Loc],
    rate_locs: &[Loc],
    diags: &mut Diags,
) {
    let loc_of = |name: &str| {
        decl_locs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, l)| l.clone())
            .unwrap_or(Loc::Whole)
    };
    if let Some(w) = decls.workers {
        if w == 0 || w > MAX_WORKERS {
            diags.error(
                &loc_of("workers"),
                format!("`workers {w}`: the number of workers must be between 1 and {MAX_WORKERS}"),
            );
        }
    }
    let at = |locs: &[Loc], i: usize| locs.get(i).cloned().unwrap_or(Loc::Whole);
    let mut seen: HashMap<&str, Loc> = HashMap::new();
    for (i, l) in decls.limits.iter().enumerate() {
        let loc = at(limit_locs, i);
        check_resource_name(&l.resource, &loc, diags);
        if l.max == 0 || l.max > MAX_LIMIT {
            diags.error(
                &loc,
                format!(
                    "`limit {} {}`: a limit must be between 1 and {MAX_LIMIT}",
                    l.resource, l.max
                ),
            );
        }
        if let Some(first) = seen.insert(&l.resource, loc.clone()) {
            diags.error(
                &loc,
                format!(
                    "resource `{}` is already limited at {}",
                    l.resource,
                    first.describe()
                ),
            );
        }
    }
    let mut seen: HashMap<&str, Loc> = HashMap::new();
    for (i, r) in decls.rates.iter().enumerate() {
        let loc = at(rate_locs, i);
        check_resource_name(&r.resource, &loc, diags);
        if r.per_second.is_nan() || r.per_second <= 0.0 || r.per_second > MAX_RATE_PER_SECOND {
            diags.error(&loc, format!("`rate {}`: a rate must be more than 0 and at most {MAX_RATE_PER_SECOND} per second", r.resource));
        }
        if let Some(first) = seen.insert(&r.resource, loc.clone()) {
            diags.error(
                &loc,
                format!(
                    "resource `{}` already has a rate at {}",
                    r.resource,
                    first.describe()
                ),
            );
        }
    }
}

fn check_resource_name(name: &str, loc: &Loc, diags: &mut Diags) {
    if !is_valid_id(name) {
        diags.error(
            loc,
            format!(
                "`{name}` is not a valid resource name: use ASCII letters, digits, `_` and `-`"
            ),
        );
    }
}

/// `uses a then b`: the second resource must be declared, `hedge` and `timeout` do not
/// combine with it, and two tasks taking the same resources in opposite orders can
/// deadlock (a warning, at check time).
fn check_hold_and_wait(tasks: &[RawTask<'_>], resources: &[&str], diags: &mut Diags) {
    let mut orders: Vec<(&str, &str, usize)> = Vec::new();
    for (i, t) in tasks.iter().enumerate() {
        let Some((b, _)) = &t.options.then_uses else {
            continue;
        };
        let at = t.option_loc("uses");
        if !resources.contains(&b.as_str()) {
            diags.error(
                at,
                format!("unknown resource `{b}` after `then`: declare it with `limit {b} N`"),
            );
        }
        for name in ["hedge", "timeout"] {
            if t.option_locs.iter().any(|(n, _)| *n == name) {
                diags.error(t.option_loc(name), format!("`{name}` does not combine with `uses … then …` (a task holding a resource while it waits)"));
            }
        }
        for a in &t.options.uses {
            if let Some(&(_, _, j)) = orders
                .iter()
                .find(|(x, y, _)| *x == b.as_str() && *y == a.as_str())
            {
                diags.warning(
                    at,
                    format!(
                        "`{}` takes `{a}` then `{b}`, `{}` takes `{b}` then `{a}`: opposite orders can deadlock (each holding one, waiting for the other); take them in one order, or atomically with `uses {a}, {b}`",
                        t.id, tasks[j].id
                    ),
                );
            }
            orders.push((a.as_str(), b.as_str(), i));
        }
    }
}

fn check_options(t: &RawTask<'_>, resources: &[&str], diags: &mut Diags) {
    let o = &t.options;
    let id = &t.id;
    if t.label
        .as_ref()
        .is_some_and(|l| l.chars().count() > MAX_LABEL_CHARS)
    {
        diags.error(
            &t.loc,
            format!("the label of task `{id}` is longer than {MAX_LABEL_CHARS} characters"),
        );
    }
    if o.retry > MAX_RETRY {
        diags.error(
            t.option_loc("retry"),
            format!("`retry {}` is more than the limit of {MAX_RETRY}", o.retry),
        );
    }
    if o.fail_attempts > MAX_RETRY {
        diags.error(
            t.option_loc("fail attempts"),
            format!(
                "`fail attempts {}` is more than the limit of {MAX_RETRY}",
                o.fail_attempts
            ),
        );
    }
    if o.priority.unsigned_abs() > MAX_PRIORITY as u64 {
        diags.error(
            t.option_loc("priority"),
            format!(
                "`priority {}` is outside -{MAX_PRIORITY}..{MAX_PRIORITY}",
                o.priority
            ),
        );
    }
    if !(0.0..=1.0).contains(&o.fail_probability) {
        diags.error(
            t.option_loc("fail"),
            format!(
                "`fail {}`: a probability must be between 0 and 1, like 0.2",
                o.fail_probability
            ),
        );
    }
    for (name, d) in [("backoff", o.backoff_us), ("timeout", o.timeout_us)] {
        if d.is_some_and(|d| d > MAX_DURATION_US) {
            diags.error(
                t.option_loc(name),
                format!("the `{name}` of task `{id}` is longer than the limit of 1 hour"),
            );
        }
    }
    if t.work.duration_us() > MAX_DURATION_US {
        diags.error(
            &t.loc,
            format!("the work of task `{id}` is longer than the limit of 1 hour"),
        );
    }
    if o.backoff_us.is_some() && o.retry == 0 {
        diags.error(
            t.option_loc("backoff"),
            format!("`backoff` has no effect: task `{id}` never retries (add `retry N`)"),
        );
    }
    if o.batch > 1 && o.timeout_us.is_some() {
        diags.error(
            t.option_loc("batch"),
            format!("task `{id}` cannot have both `batch` and `timeout`: a batch's members run back to back, so a member's clock would start before it does"),
        );
    }
    if o.batch > 1 && !o.uses.is_empty() {
        diags.error(
            t.option_loc("batch"),
            format!("task `{id}` cannot have both `batch` and `uses`: a batch holds one worker, not its members' resources"),
        );
    }
    if o.batch > MAX_BATCH {
        diags.error(
            t.option_loc("batch"),
            format!(
                "`batch {}` is more than the limit of {MAX_BATCH} tasks per dispatch",
                o.batch
            ),
        );
    }
    if o.timeout_us == Some(0) {
        diags.error(
            t.option_loc("timeout"),
            "`timeout 0` would stop every attempt at once: give a longer timeout",
        );
    }
    if o.fail_attempts > o.retry && o.fail_attempts <= MAX_RETRY {
        diags.warning(
            t.option_loc("fail attempts"),
            format!(
                "task `{id}` always fails: its first {} attempts fail and it has only {} in all (retry {})",
                o.fail_attempts,
                o.retry + 1,
                o.retry
            ),
        );
    }
    for (k, r) in o.uses.iter().enumerate() {
        if !resources.contains(&r.as_str()) {
            let loc = t.uses_locs.get(k).unwrap_or(&t.loc);
            let hint = suggestion_suffix(did_you_mean(r, resources.iter().copied()));
            diags.error(
                loc,
                format!(
                    "unknown resource `{r}`: declare it with `limit {r} N` or `rate {r} N/s`{hint}"
                ),
            );
        }
    }
}

/// Finds cycles among the `stuck` tasks (those Kahn's algorithm could not order) and reports
/// each in full, in execution order (`a -> b` means b runs after a), starting from the task
/// declared first. Every stuck task has a stuck dependency, so following stuck dependencies
/// from any stuck task must come back to a task already on the walk: linear, no recursion.
/// `raw` still holds each task's location and dependency references.
fn report_cycles(
    graph: &Graph,
    stuck: &[usize],
    raw: &[RawTask<'_>],
    groups: &FxHashMap<String, Vec<usize>>,
    diags: &mut Diags,
) {
    const FREE: usize = usize::MAX;
    let n = graph.tasks.len();
    let mut is_stuck = vec![false; n];
    for &s in stuck {
        is_stuck[s] = true;
    }
    // walk_of[i]: which walk first visited task i (FREE if none).
    let mut walk_of = vec![FREE; n];
    let mut reported = 0;
    for (w, &start) in stuck.iter().enumerate() {
        if walk_of[start] != FREE || reported >= MAX_CYCLES_REPORTED {
            continue;
        }
        let mut path = Vec::new();
        let mut cur = start;
        loop {
            if walk_of[cur] != FREE {
                if walk_of[cur] == w {
                    let at = path.iter().position(|&p| p == cur).unwrap_or(0);
                    report_cycle(graph, &path[at..], raw, groups, diags);
                    reported += 1;
                }
                break;
            }
            walk_of[cur] = w;
            path.push(cur);
            match graph.tasks[cur].deps.iter().copied().find(|&d| is_stuck[d]) {
                Some(next) => cur = next,
                None => break, // cannot happen for a stuck task; stop rather than loop
            }
        }
    }
}

/// Whether the reference `target` names task `id` (at index `index`).
fn names(
    target: &Target<'_>,
    id: &str,
    index: usize,
    groups: &FxHashMap<String, Vec<usize>>,
) -> bool {
    match target {
        Target::Id(name) => name == id,
        Target::Group(base) => groups
            .get(base.as_ref())
            .is_some_and(|m| m.contains(&index)),
        Target::Range(base, lo, hi) => id
            .strip_prefix(base.as_ref())
            .and_then(|x| x.parse::<u64>().ok())
            .is_some_and(|x| (*lo..=*hi).contains(&x)),
    }
}

/// `walk` lists the tasks of a cycle, each a dependency of the one before it (and the first
/// a dependency of the last).
fn report_cycle(
    graph: &Graph,
    walk: &[usize],
    raw: &[RawTask<'_>],
    groups: &FxHashMap<String, Vec<usize>>,
    diags: &mut Diags,
) {
    if walk.is_empty() {
        return;
    }
    // Execution order is the reverse of the walk; rotate to start at the first declared.
    let mut order: Vec<usize> = walk.iter().rev().copied().collect();
    let first = (0..order.len()).min_by_key(|&k| order[k]).unwrap_or(0);
    order.rotate_left(first);
    let head = order[0];
    let ids: Vec<&str> = order
        .iter()
        .chain(std::iter::once(&head))
        .map(|&i| graph.tasks[i].id.as_str())
        .collect();
    // Anchor at `head`'s reference to the task before it in the cycle (the last one).
    let before = *order.last().unwrap_or(&head);
    let before_id = graph.tasks[before].id.as_str();
    let loc = raw[head]
        .deps
        .iter()
        .find(|r| names(&r.target, before_id, before, groups))
        .map_or(&raw[head].loc, |r| &r.loc);
    let message = if order.len() == 1 {
        format!("task `{}` depends on itself", graph.tasks[head].id)
    } else {
        format!(
            "these tasks wait for each other in a cycle, so none can start: {} (`x -> y` means y runs after x)",
            ids.join(" -> ")
        )
    };
    diags.error(loc, message);
}
