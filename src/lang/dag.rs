//! The `.dag` text format: one declaration or task per line (grammar in docs/language.md).
//!
//! ```text
//! workers 4
//! limit db 2
//! fetch[1..3] "fetch a page" : io 200ms retry 2 backoff 50ms uses db
//! merge : cpu 10ms reduce concat after fetch[*]
//! ```

use super::diagnostic::{did_you_mean, suggestion_suffix};
use super::duration::{parse_duration, parse_plain_number};
use super::lexer::{lex_line_into, Tok, Token};
use super::limits::*;
use super::spread::parse_amount;
use super::validate::{build, DepRef, Diags, Loc, RawGraph, RawGroup, RawTask, Target};
use super::Parsed;
use crate::graph::kernel::{KernelWork, KERNELS};
use crate::graph::{Limit, OnError, Policy, Rate, Reduce, Work};
use std::borrow::Cow;

/// Declaration keywords, in the order the docs list them.
pub(crate) const DECLARATIONS: [&str; 12] = [
    "workers",
    "limit",
    "rate",
    "policy",
    "on_error",
    "seed",
    "steal_cost",
    "scale_up",
    "scale_down",
    "worker_start",
    "breaker",
    "on_deadlock",
];
/// The kinds of work that are not kernels (kernels: `crate::graph::kernel::KERNELS`).
pub(crate) const BASIC_KINDS: [&str; 2] = ["cpu", "io"];
/// Task option keywords (and `after`).
pub(crate) const OPTIONS: [&str; 11] = [
    "retry", "backoff", "timeout", "fail", "priority", "uses", "reduce", "after", "attempts",
    "batch", "hedge",
];
/// `reduce` operators.
pub(crate) const REDUCERS: [(&str, Reduce); 7] = [
    ("sum", Reduce::Sum),
    ("count", Reduce::Count),
    ("concat", Reduce::Concat),
    ("min", Reduce::Min),
    ("max", Reduce::Max),
    ("vote", Reduce::Vote),
    ("first", Reduce::First),
];
/// `on_error` modes.
pub(crate) const ON_ERROR: [(&str, OnError); 3] = [
    ("fail-fast", OnError::FailFast),
    ("skip-dependents", OnError::SkipDependents),
    ("continue", OnError::Continue),
];

/// Parses `.dag` text. Reports every error it can find, each with its line and column;
/// returns a graph only when there is none. Never panics, whatever the input.
pub fn parse_dag(text: &str) -> Parsed {
    super::parse(text, super::Format::Dag)
}

/// Reads `.dag` text into a raw graph for [`build`].
///
/// (One thread: reading runs of lines on two threads and joining them was tried, and on a
/// 2-core machine it made `fanout check` of a 100,000-task graph slower, 0.17 s against
/// 0.12 s median: the second thread's fresh allocations cost more in page faults than the
/// parse it took over.)
pub(crate) fn parse(text: &str, mut diags: Diags) -> Parsed {
    let mut raw = RawGraph::default();
    // About one task per line: sized once instead of grown (and copied) 17 times.
    raw.tasks
        .reserve((memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1).min(MAX_TASKS));
    read_lines(text, 1, &mut raw, &mut diags);
    build(raw, diags)
}

/// Reads the lines of `text`, the first of them line `first_line` of the source, into `raw`.
/// Stops when the diagnostics are full. A group left open is diagnosed.
fn read_lines<'a>(text: &'a str, first_line: u32, raw: &mut RawGraph<'a>, diags: &mut Diags) {
    let mut toks = Vec::new();
    // The groups open at this line, innermost last: (index into `raw.groups`, or
    // `usize::MAX` for one not recorded, and where its `{` is).
    let mut open: Vec<(usize, Loc)> = Vec::new();
    for (n, line) in super::source::lines(text).enumerate() {
        if diags.is_full() {
            break;
        }
        let number = u32::try_from(n)
            .ok()
            .and_then(|n| n.checked_add(first_line))
            .unwrap_or(u32::MAX);
        let lex_err = lex_line_into(line, &mut toks);
        let before = raw.tasks.len();
        let mut p = LineParser {
            line: number,
            toks: &toks,
            pos: 0,
            diags,
        };
        if let Some(e) = lex_err {
            p.diags
                .error(&Loc::text(number, e.col, e.end_col), e.message);
            // A line that starts like a task still declares its id, so other lines naming it
            // do not get a second, misleading "unknown dependency" error.
            if let Some(
                t @ Token {
                    tok: Tok::Word(id), ..
                },
            ) = toks.first()
            {
                if !DECLARATIONS.contains(id) && *id != "group" && raw.tasks.len() < MAX_TASKS {
                    raw.tasks.push(placeholder(id, p.loc(t)));
                }
            }
        } else if !toks.is_empty() {
            p.line_item(raw, &mut open);
        }
        // Tasks declared on this line belong to the innermost open group.
        if raw.tasks.len() > before {
            if let Some(&(g, _)) = open.last().filter(|(g, _)| *g != usize::MAX) {
                raw.groups[g].tasks.extend(before..raw.tasks.len());
            }
        }
    }
    for (g, at) in open.iter().rev() {
        let what = match raw.groups.get(*g) {
            Some(grp) => format!("group `{}`", grp.name),
            None => "this group".to_string(),
        };
        diags.error(
            at,
            format!("{what} is not closed: its `{{` on line {} has no matching `}}`; add a line `}}` after its last task", at.span().line),
        );
    }
}

/// A task known only by its id so far (its work is filled in when the line parses).
fn placeholder<'a>(id: &'a str, loc: Loc) -> RawTask<'a> {
    RawTask::new(Cow::Borrowed(id), loc, Work::Cpu { duration_us: 0 })
}

/// Describes a token for "unexpected ..." messages.
fn show(t: &Token<'_>) -> String {
    match &t.tok {
        Tok::Word(w) => format!("`{w}`"),
        Tok::Str(s) => format!("the string \"{s}\""),
        Tok::Colon => "`:`".into(),
        Tok::Comma => "`,`".into(),
        Tok::LBracket => "`[`".into(),
        Tok::RBracket => "`]`".into(),
        Tok::Star => "`*`".into(),
        Tok::LBrace => "`{`".into(),
        Tok::RBrace => "`}`".into(),
    }
}

/// Parses `a..b` (both whole numbers, a <= b, at most MAX_RANGE values).
fn parse_range(w: &str) -> Result<(u64, u64), String> {
    let Some((a, b)) = w.split_once("..") else {
        return Err(format!("`{w}` is not a range: write it like `1..8`"));
    };
    let (Ok(a), Ok(b)) = (a.parse::<u64>(), b.parse::<u64>()) else {
        return Err(format!(
            "`{w}` is not a range: write two whole numbers, like `1..8`"
        ));
    };
    if a > b {
        return Err(format!(
            "the range `{w}` is empty: the first number must not be larger than the second"
        ));
    }
    if b - a >= MAX_RANGE {
        return Err(format!("the range `{w}` has more than {MAX_RANGE} values"));
    }
    Ok((a, b))
}

struct LineParser<'t, 'a, 'd> {
    line: u32,
    toks: &'t [Token<'a>],
    pos: usize,
    diags: &'d mut Diags,
}

impl<'t, 'a> LineParser<'t, 'a, '_> {
    fn loc(&self, t: &Token<'_>) -> Loc {
        Loc::text(self.line, t.col, t.end_col)
    }

    fn peek(&self) -> Option<&'t Token<'a>> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<&'t Token<'a>> {
        let t = self.toks.get(self.pos);
        self.pos += usize::from(t.is_some());
        t
    }

    fn err(&mut self, t: &Token<'_>, msg: impl Into<String>) {
        let loc = self.loc(t);
        self.diags.error(&loc, msg);
    }

    /// An error just past the last token (for "expected ... here").
    fn err_at_end(&mut self, msg: impl Into<String>) {
        let col = self.toks.last().map_or(1, |t| t.end_col);
        self.diags.error(&Loc::text(self.line, col, col + 1), msg);
    }

    fn next_word(&mut self) -> Option<(&'t Token<'a>, &'a str)> {
        match self.peek() {
            Some(
                t @ Token {
                    tok: Tok::Word(w), ..
                },
            ) => {
                self.pos += 1;
                Some((t, w))
            }
            _ => None,
        }
    }

    fn line_item(&mut self, raw: &mut RawGraph<'a>, open: &mut Vec<(usize, Loc)>) {
        let first = &self.toks[0];
        let second = self.toks.get(1).map(|t| &t.tok);
        if first.tok == Tok::RBrace {
            return self.group_close(raw, open);
        }
        if let Tok::Word(w) = first.tok {
            let is_decl_shape = !matches!(second, Some(Tok::Colon | Tok::Str(_) | Tok::LBracket));
            if w == "group" && is_decl_shape {
                return self.group_open(raw, open);
            }
            if let Some(kw) = DECLARATIONS
                .iter()
                .find(|k| **k == w)
                .filter(|_| is_decl_shape)
            {
                if let Some(&(g, _)) = open.last() {
                    let name = raw.groups.get(g).map_or("", |g| g.name.as_str());
                    let hint = if matches!(*kw, "workers" | "on_error") {
                        format!(": to set it for the group, write it on the group's line, like `group {name} {kw} …{{`")
                    } else {
                        String::new()
                    };
                    return self.err(
                        first,
                        format!("`{kw}` is a declaration for the whole graph: write it outside every group, not inside group `{name}`{hint}"),
                    );
                }
                self.pos = 1;
                return self.declaration(kw, raw);
            }
            if !self.toks.iter().any(|t| t.tok == Tok::Colon) {
                let msg = match did_you_mean(w, DECLARATIONS.iter().copied().chain(["group"])) {
                    Some(s) if is_decl_shape => format!("unknown declaration `{w}` (did you mean `{s}`?)"),
                    _ => "expected a task like `id : cpu 50ms`, a declaration (workers, limit, rate, policy, on_error, seed, steal_cost, scale_up, scale_down, worker_start, breaker, on_deadlock) or a group (`group NAME {`); this line has no `:`".to_string(),
                };
                return self.err(first, msg);
            }
        }
        self.task(raw);
    }

    /// `group NAME [workers N] [on_error MODE] {`: opens a group. The line opens one even
    /// when it has errors, so that its `}` still matches.
    fn group_open(&mut self, raw: &mut RawGraph<'a>, open: &mut Vec<(usize, Loc)>) {
        let kw = &self.toks[0];
        self.pos = 1;
        let usage = "group NAME [workers N] [on_error fail-fast|skip-dependents|continue] {";
        let name = match self.peek() {
            Some(Token {
                tok: Tok::Word(w), ..
            }) if !matches!(*w, "workers" | "on_error") => self.next_word(),
            _ => None,
        };
        let mut workers: Option<(u32, Loc)> = None;
        let mut on_error: Option<OnError> = None;
        let mut brace: Option<Loc> = None;
        let mut seen: Vec<&str> = Vec::new();
        while let Some(t) = self.next() {
            match &t.tok {
                Tok::LBrace => {
                    brace = Some(self.loc(t));
                    if let Some(extra) = self.peek() {
                        let extra = extra.clone();
                        self.err(&extra, format!("unexpected {} after `{{`: put the group's tasks on the lines below it, and its `}}` on a line of its own", show(&extra)));
                    }
                    break;
                }
                Tok::Word(opt @ ("workers" | "on_error")) => {
                    if seen.contains(opt) {
                        self.err(t, format!("`{opt}` is given twice for this group"));
                    }
                    seen.push(opt);
                    let Some((vt, v)) = self.next_word() else {
                        let msg = if *opt == "workers" {
                            "`workers` needs a number: the most tasks of the group that run at once, like `workers 2`"
                        } else {
                            "`on_error` needs a mode: fail-fast, skip-dependents or continue"
                        };
                        self.err(t, msg);
                        continue;
                    };
                    if *opt == "workers" {
                        match v.parse::<u32>() {
                            Ok(n) if (1..=MAX_WORKERS).contains(&n) => {
                                workers = Some((n, self.loc(vt)))
                            }
                            _ => self.err(vt, format!("`{v}` is not a group cap: write a whole number from 1 to {MAX_WORKERS}, the most tasks of the group that run at once, like `workers 2`")),
                        }
                    } else {
                        match ON_ERROR.iter().find(|(n, _)| *n == v) {
                            Some((_, m)) => on_error = Some(*m),
                            None => self.err(vt, format!(
                                "unknown on_error mode `{v}`: expected fail-fast, skip-dependents or continue{}",
                                suggestion_suffix(did_you_mean(v, ON_ERROR.iter().map(|(n, _)| *n)))
                            )),
                        }
                    }
                }
                Tok::Word(w) => {
                    let hint = suggestion_suffix(did_you_mean(w, ["workers", "on_error"]));
                    self.err(t, format!("unknown group option `{w}`: expected `workers N`, `on_error MODE` or `{{`{hint}"));
                    // Skip its value, if any.
                    if matches!(self.peek().map(|t| &t.tok), Some(Tok::Word(v)) if !matches!(*v, "workers" | "on_error"))
                    {
                        self.pos += 1;
                    }
                }
                _ => self.err(
                    t,
                    format!("unexpected {} in a group line: write `{usage}`", show(t)),
                ),
            }
        }
        let kw_loc = self.loc(kw);
        let at = brace.clone().unwrap_or_else(|| kw_loc.clone());
        if brace.is_none() {
            self.err_at_end(format!(
                "expected `{{` at the end of the group line: write `{usage}`"
            ));
        }
        let Some((nt, name)) = name else {
            self.err(
                kw,
                format!("`group` needs a name, like `group research {{` (write `{usage}`)"),
            );
            open.push((usize::MAX, at));
            return;
        };
        if raw.groups.len() >= MAX_GROUPS {
            self.err(kw, format!("too many groups: the limit is {MAX_GROUPS}"));
            open.push((usize::MAX, at));
            return;
        }
        let parent = open
            .iter()
            .rev()
            .map(|(g, _)| *g)
            .find(|&g| g != usize::MAX);
        raw.groups.push(RawGroup {
            name: name.to_string(),
            loc: self.loc(nt),
            parent,
            workers: workers.as_ref().map(|w| w.0),
            workers_loc: workers.map(|w| w.1),
            on_error,
            tasks: Vec::new(),
        });
        open.push((raw.groups.len() - 1, at));
    }

    /// A line `}`: closes the innermost open group.
    fn group_close(&mut self, _raw: &mut RawGraph<'a>, open: &mut Vec<(usize, Loc)>) {
        let close = &self.toks[0];
        if open.pop().is_none() {
            return self.err(close, "unexpected `}`: no group is open here (a group starts with a line like `group research {`)");
        }
        if let Some(t) = self.toks.get(1) {
            let t = t.clone();
            self.err(
                &t,
                format!(
                    "unexpected {} after `}}`: a group's `}}` goes on a line of its own",
                    show(&t)
                ),
            );
        }
    }

    fn declaration(&mut self, kw: &'static str, raw: &mut RawGraph<'a>) {
        let kw_tok = &self.toks[0];
        let kw_loc = self.loc(kw_tok);
        if kw == "breaker" {
            let words: Vec<&str> = self.toks[1..]
                .iter()
                .map(|t| match t.tok {
                    Tok::Word(w) => w,
                    _ => "",
                })
                .collect();
            match super::faults::parse_breaker(&words) {
                Ok(mut b) => {
                    if let Some(prev) = raw.decls.breakers.iter().find(|p| p.resource == b.resource)
                    {
                        let line = prev.span.line;
                        return self.err(
                            kw_tok,
                            format!(
                                "a breaker on `{}` is already declared on line {line}",
                                b.resource
                            ),
                        );
                    }
                    b.span = kw_loc.span();
                    raw.decls.breakers.push(b);
                }
                Err((i, m)) => match self.toks.get(i + 1) {
                    Some(t) => {
                        let t = t.clone();
                        self.err(&t, m)
                    }
                    None => self.err_at_end(m),
                },
            }
            return;
        }
        let already = |raw: &RawGraph<'_>| {
            raw.decl_locs
                .iter()
                .find(|(n, _)| *n == kw)
                .map(|(_, l)| l.describe())
        };
        let usage = match kw {
            "workers" => "workers N (or a range MIN..MAX for an autoscaling pool)",
            "scale_up" => "scale_up <duration>",
            "scale_down" => "scale_down <duration>",
            "worker_start" => "worker_start <duration>",
            "limit" => "limit <resource> N",
            "rate" => "rate <resource> N/s",
            "policy" => "policy critical-path|fifo|priority|waves|random|work-stealing",
            "steal_cost" => "steal_cost <duration>",
            "on_error" => "on_error fail-fast|skip-dependents|continue",
            "on_deadlock" => "on_deadlock fail-run|fail-youngest",
            _ => "seed N",
        };
        let nargs = if matches!(kw, "limit" | "rate") { 2 } else { 1 };
        let args: Vec<(&Token<'a>, &'a str)> = (0..nargs).map_while(|_| self.next_word()).collect();
        if args.len() < nargs {
            let msg = format!("`{kw}` is incomplete: write `{usage}`");
            match self.peek() {
                Some(t) => self.err(t, msg),
                None => self.err_at_end(msg),
            }
            return;
        }
        if let Some(t) = self.peek() {
            self.err(
                t,
                format!(
                    "unexpected {} after the declaration: write `{usage}`",
                    show(t)
                ),
            );
            return;
        }
        let (vt, v) = *args.last().unwrap_or(&(kw_tok, ""));
        let vloc = self.loc(vt);
        match kw {
            "steal_cost" | "scale_up" | "scale_down" | "worker_start" => {
                if let Some(prev) = already(raw) {
                    return self.err(kw_tok, format!("`{kw}` is already declared on {prev}"));
                }
                match parse_duration(v) {
                    Ok(us) => {
                        let d = &mut raw.decls;
                        *match kw {
                            "steal_cost" => &mut d.steal_cost_us,
                            "scale_up" => &mut d.scale_up_us,
                            "scale_down" => &mut d.scale_down_us,
                            _ => &mut d.worker_start_us,
                        } = Some(us);
                    }
                    Err(e) => {
                        return self
                            .err(vt, format!("{e} (in `{kw} <duration>`, like `{kw} 50ms`)"))
                    }
                }
                raw.decl_locs.push((kw, vloc));
            }
            "on_deadlock" => {
                if let Some(prev) = already(raw) {
                    return self.err(kw_tok, format!("`{kw}` is already declared on {prev}"));
                }
                raw.decls.on_deadlock = Some(match v {
                    "fail-run" => crate::graph::OnDeadlock::FailRun,
                    "fail-youngest" => crate::graph::OnDeadlock::FailYoungest,
                    _ => {
                        return self.err(
                            vt,
                            format!(
                            "unknown on_deadlock mode `{v}`: expected fail-run or fail-youngest{}",
                            suggestion_suffix(did_you_mean(v, ["fail-run", "fail-youngest"]))
                        ),
                        )
                    }
                });
                raw.decl_locs.push((kw, vloc));
            }
            "workers" | "seed" | "policy" | "on_error" => {
                if let Some(prev) = already(raw) {
                    return self.err(kw_tok, format!("`{kw}` is already declared on {prev}"));
                }
                let ok = match kw {
                    "workers" => match v.split_once("..") {
                        // `workers MIN..MAX`: an autoscaling pool.
                        Some((a, b)) => match (a.parse::<u32>(), b.parse::<u32>()) {
                            (Ok(min), Ok(max)) if min >= 1 && min <= max => {
                                raw.decls.workers = Some(max);
                                raw.decls.workers_min = Some(min);
                                true
                            }
                            (Ok(min), Ok(max)) => {
                                let msg = if min == 0 {
                                    "an autoscaling pool keeps at least 1 worker: write `workers 1..N`".to_string()
                                } else {
                                    format!("`workers {min}..{max}`: the smallest pool must not be larger than the largest, like `workers {max}..{min}`")
                                };
                                return self.err(vt, msg);
                            }
                            _ => false,
                        },
                        None => v
                            .parse::<u32>()
                            .map(|n| raw.decls.workers = Some(n))
                            .is_ok(),
                    },
                    "seed" => v.parse::<u64>().map(|n| raw.decls.seed = Some(n)).is_ok(),
                    "policy" => Policy::from_name(v)
                        .map(|p| raw.decls.policy = Some(p))
                        .is_some(),
                    _ => ON_ERROR
                        .iter()
                        .find(|(n, _)| *n == v)
                        .map(|(_, m)| raw.decls.on_error = Some(*m))
                        .is_some(),
                };
                if !ok {
                    let msg = match kw {
                        "workers" => format!("`{v}` is not a number of workers: write a whole number from 1 to {MAX_WORKERS}, or a range like `workers 1..8`"),
                        "seed" => format!("`{v}` is not a seed: write a whole number, like `seed 42`"),
                        "policy" => {
                            let names: Vec<&str> = Policy::ALL.iter().map(|p| p.name()).collect();
                            format!("unknown policy `{v}`: expected one of {}{}", names.join(", "), suggestion_suffix(did_you_mean(v, names.iter().copied())))
                        }
                        _ => format!(
                            "unknown on_error mode `{v}`: expected fail-fast, skip-dependents or continue{}",
                            suggestion_suffix(did_you_mean(v, ON_ERROR.iter().map(|(n, _)| *n)))
                        ),
                    };
                    return self.err(vt, msg);
                }
                raw.decl_locs.push((kw, vloc));
            }
            "limit" => {
                let resource = args[0].1.to_string();
                match v.parse::<u32>() {
                    Ok(max) => {
                        raw.decls.limits.push(Limit {
                            resource,
                            max,
                            span: kw_loc.span(),
                        });
                        raw.limit_locs.push(kw_loc);
                    }
                    Err(_) => self.err(
                        vt,
                        format!(
                            "`{v}` is not a limit: write a whole number, like `limit {resource} 2`"
                        ),
                    ),
                }
            }
            _ => {
                let resource = args[0].1.to_string();
                match v.strip_suffix("/s").and_then(parse_plain_number) {
                    Some(per_second) => {
                        raw.decls.rates.push(Rate { resource, per_second, span: kw_loc.span() });
                        raw.rate_locs.push(kw_loc);
                    }
                    None => self.err(vt, format!("`{v}` is not a rate: write a number per second, like `rate {resource} 5/s`")),
                }
            }
        }
    }

    fn task(&mut self, raw: &mut RawGraph<'a>) {
        let first = &self.toks[0];
        let Tok::Word(id) = first.tok else {
            let msg = if first.tok == Tok::Colon {
                "expected a task id before `:`".to_string()
            } else {
                format!("a task starts with its id, not {}", show(first))
            };
            return self.err(first, msg);
        };
        self.pos = 1;
        let mut id_loc = self.loc(first);
        // `base[a..b]`: a range of tasks.
        let mut range = None;
        if matches!(self.peek().map(|t| &t.tok), Some(Tok::LBracket)) {
            self.pos += 1;
            match (self.next_word(), self.next()) {
                (Some((rt, w)), Some(close)) if close.tok == Tok::RBracket => {
                    id_loc = Loc::text(self.line, first.col, close.end_col);
                    match parse_range(w) {
                        Ok(r) => range = Some(r),
                        Err(m) => self.err(rt, m),
                    }
                }
                _ => {
                    return self.err(
                        first,
                        format!("expected a range after `{id}[`, like `{id}[1..8]`"),
                    );
                }
            }
        }
        let mut label = None;
        if let Some(Token {
            tok: Tok::Str(s), ..
        }) = self.peek()
        {
            self.pos += 1;
            label = Some(s.clone());
        }
        let mut task = placeholder(id, id_loc);
        task.label = label;
        match self.next() {
            Some(Token {
                tok: Tok::Colon, ..
            }) => self.task_body(&mut task),
            Some(t) => self.err(
                t,
                format!("expected `:` after the task id, found {}", show(t)),
            ),
            None => self.err_at_end("expected `:` after the task id"),
        }
        match range {
            None => {
                if raw.tasks.len() < MAX_TASKS {
                    raw.tasks.push(task);
                } else {
                    self.err(first, format!("too many tasks: the limit is {MAX_TASKS}"));
                }
            }
            Some((a, b)) => {
                if raw.tasks.len() as u64 + (b - a + 1) > MAX_TASKS as u64 {
                    return self.err(first, format!("too many tasks: the limit is {MAX_TASKS}"));
                }
                // Each declared task copies the dependency list: bound the copies.
                let copies = (b - a + 1).saturating_mul(task.deps.len() as u64);
                raw.range_dep_copies = raw.range_dep_copies.saturating_add(copies);
                if raw.range_dep_copies > MAX_EDGES as u64 {
                    return self.err(first, format!("too many dependencies: this range copies its `after` list into more than {MAX_EDGES} in all"));
                }
                let members = raw.ranges.entry(id.to_string()).or_default();
                for x in a..=b {
                    members.push(raw.tasks.len());
                    let mut t = task.clone();
                    t.id = Cow::Owned(format!("{id}{x}"));
                    // A range splits a kernel: its tasks do parts 1..n of it, in order.
                    if let Work::Kernel(k) = &mut t.work {
                        if k.parts == 1 {
                            k.part = (x - a) as u32;
                            k.parts = (b - a + 1) as u32;
                        }
                    }
                    raw.tasks.push(t);
                }
            }
        }
    }

    /// Everything after the `:`: kind, amount, options, `after` list.
    fn task_body(&mut self, task: &mut RawTask<'a>) {
        match self.next_word() {
            Some((kt, kind @ ("cpu" | "io"))) => match self.peek() {
                Some(
                    dt @ Token {
                        tok: Tok::Word(d), ..
                    },
                ) if !OPTIONS.contains(d) => {
                    // Up to three words: `100ms`, `100ms..2s`, `100ms ~ 30%`, `lognormal 100ms 0.8`.
                    // (On the stack: one allocation per task was a cost every graph paid.)
                    let (mut buf, mut len) = ([""; 3], 0);
                    for t in self.toks[self.pos..].iter().take(3) {
                        match t.tok {
                            Tok::Word(w) if !OPTIONS.contains(&w) => {
                                buf[len] = w;
                                len += 1;
                            }
                            _ => break,
                        }
                    }
                    let words = &buf[..len];
                    match parse_amount(words) {
                        Ok(((us, spread), n)) => {
                            self.pos += n;
                            task.options.spread = spread;
                            task.work = if kind == "cpu" {
                                Work::Cpu { duration_us: us }
                            } else {
                                Work::Io { duration_us: us }
                            }
                        }
                        Err((i, m)) => {
                            let at = self.toks.get(self.pos + i).unwrap_or(dt).clone();
                            self.pos += (i + 1).min(words.len());
                            self.err(&at, m)
                        }
                    }
                }
                _ => self.err(kt, format!("`{kind}` needs a duration, like `{kind} 50ms`")),
            },
            Some((kt, kind)) if KERNELS.contains(&kind) => {
                // A kernel's arguments: every word up to the first option (or `after`).
                let first = self.pos;
                let mut args = Vec::new();
                while let Some(Token {
                    tok: Tok::Word(w), ..
                }) = self.peek()
                {
                    if OPTIONS.contains(w) {
                        break;
                    }
                    args.push(*w);
                    self.pos += 1;
                }
                match KernelWork::parse(kind, &args) {
                    Ok(k) => task.work = Work::Kernel(k),
                    Err(m) => match self.toks.get(first).filter(|_| !args.is_empty()) {
                        Some(t) => {
                            let t = t.clone();
                            self.err(&t, m)
                        }
                        None => self.err(kt, m),
                    },
                }
            }
            Some((kt, kind)) => {
                let hint =
                    suggestion_suffix(did_you_mean(kind, BASIC_KINDS.into_iter().chain(KERNELS)));
                self.err(
                    kt,
                    format!("unknown kind of work `{kind}`: expected `cpu`, `io` or a kernel ({}){hint}", KERNELS.join(", ")),
                );
                // Skip its amount, if any, and go on with the options.
                if self
                    .peek()
                    .is_some_and(|t| matches!(t.tok, Tok::Word(w) if !OPTIONS.contains(&w)))
                {
                    self.pos += 1;
                }
            }
            None => {
                let msg = "expected the work after `:`, like `cpu 50ms` or `io 2s`";
                match self.peek() {
                    Some(t) => self.err(t, msg),
                    None => self.err_at_end(msg),
                }
                return;
            }
        }
        self.options(task);
    }

    fn options(&mut self, task: &mut RawTask<'a>) {
        while let Some(t) = self.next() {
            let Tok::Word(w) = t.tok else {
                self.err(t, format!("unexpected {}: expected an option (retry, backoff, timeout, hedge, fail, priority, uses, reduce) or `after`", show(t)));
                continue;
            };
            let mut name: &'static str = match w {
                "after" => return self.deps(t, task),
                "retry" => "retry",
                "backoff" => "backoff",
                "timeout" => "timeout",
                "hedge" => "hedge",
                "fail" => "fail",
                "priority" => "priority",
                "uses" => "uses",
                "reduce" => "reduce",
                "batch" => "batch",
                _ => {
                    let hint = suggestion_suffix(did_you_mean(w, OPTIONS));
                    self.err(t, format!("unknown option `{w}`: expected retry, backoff, timeout, hedge, fail, priority, uses, reduce, batch or `after`{hint}"));
                    // Skip to the next known option.
                    while self.peek().is_some_and(|t| !matches!(t.tok, Tok::Word(w) if OPTIONS.contains(&w) && w != "attempts")) {
                        self.pos += 1;
                    }
                    continue;
                }
            };
            if name == "fail" && matches!(self.peek().map(|t| &t.tok), Some(Tok::Word("attempts")))
            {
                self.pos += 1;
                name = "fail attempts";
            }
            if name != "uses" && task.option_locs.iter().any(|(n, _)| *n == name) {
                self.err(t, format!("option `{name}` is given twice"));
            }
            task.option_locs.push((name, self.loc(t)));
            let (vt, v) = match self.peek() {
                Some(
                    vt @ Token {
                        tok: Tok::Word(v), ..
                    },
                ) if *v != "after" => {
                    self.pos += 1;
                    (vt, *v)
                }
                _ => {
                    self.err(
                        t,
                        format!("`{name}` needs a value, like `{}`", example(name)),
                    );
                    continue;
                }
            };
            let o = &mut task.options;
            let result: Result<(), String> = match name {
                "retry" | "fail attempts" => v
                    .parse::<u32>()
                    .map(|n| if name == "retry" { o.retry = n } else { o.fail_attempts = n })
                    .map_err(|_| format!("`{v}` is not a count: write a whole number, like `{}`", example(name))),
                "backoff" | "timeout" => parse_duration(v).map(|d| {
                    if name == "backoff" { o.backoff_us = Some(d) } else { o.timeout_us = Some(d) }
                }),
                "hedge" => parse_duration(v).and_then(|d| {
                    if d == 0 {
                        return Err("`hedge 0` would start two copies of every attempt at once: give the time after which the second copy starts, like `hedge 200ms`".to_string());
                    }
                    o.hedge_us = Some(d);
                    Ok(())
                }),
                "fail" => {
                    let p = match v.strip_suffix('%') {
                        Some(pct) => parse_plain_number(pct).map(|x| x / 100.0),
                        None => parse_plain_number(v),
                    };
                    p.map(|p| o.fail_probability = p)
                        .ok_or_else(|| format!("`{v}` is not a probability: write a number from 0 to 1 (like 0.2) or a percentage (like 20%)"))
                }
                "batch" => v
                    .parse::<u32>()
                    .ok()
                    .filter(|&n| n >= 1)
                    .map(|n| o.batch = n)
                    .ok_or_else(|| format!("`{v}` is not a batch size: write a whole number of tasks per dispatch, like `batch 100`")),
                "priority" => v
                    .parse::<i64>()
                    .map(|n| o.priority = n)
                    .map_err(|_| format!("`{v}` is not a priority: write a whole number, like `priority 5` or `priority -1`")),
                "uses" => {
                    o.uses.push(v.to_string());
                    task.uses_locs.push(self.loc(vt));
                    // `uses a then b`, `uses a 30% then b`: hold and wait.
                    let word = |k: usize| match self.toks.get(self.pos + k).map(|t| &t.tok) {
                        Some(Tok::Word(w)) => Some(*w),
                        _ => None,
                    };
                    let (at, skip) = match (word(0), word(1)) {
                        (Some("then"), _) => (Some(Ok(0.5)), 1),
                        (Some(p), Some("then")) if p.ends_with('%') => (
                            Some(
                                parse_plain_number(&p[..p.len() - 1])
                                    .map(|x| x / 100.0)
                                    .filter(|x| *x > 0.0 && *x < 1.0)
                                    .ok_or(p),
                            ),
                            2,
                        ),
                        _ => (None, 0),
                    };
                    if let Some(at) = at {
                        let at_tok = self.toks[self.pos].clone();
                        self.pos += skip;
                        match (at, self.next_word()) {
                            (Err(p), _) => self.err(&at_tok, format!("`{p}` is not a split: write a percentage of the work done before the second resource, from 1% to 99%, like `uses a 30% then b`")),
                            (Ok(_), None) => self.err_at_end("expected a resource after `then`, like `uses a then b`"),
                            (Ok(at), Some((rt, r))) => {
                                if task.options.then_uses.is_some() {
                                    self.err(rt, "a task takes at most two resources in turn: `uses a then b`");
                                } else {
                                    task.options.then_uses = Some((r.to_string(), at));
                                }
                            }
                        }
                        continue;
                    }
                    // `uses a, b`: more resources after commas.
                    while self.peek().is_some_and(|t| t.tok == Tok::Comma) {
                        self.pos += 1;
                        match self.next_word() {
                            Some((rt, r)) if r != "after" => {
                                task.options.uses.push(r.to_string());
                                task.uses_locs.push(self.loc(rt));
                            }
                            _ => {
                                self.err_at_end("expected a resource name after `,`");
                                break;
                            }
                        }
                    }
                    Ok(())
                }
                _ => match REDUCERS.iter().find(|(n, _)| *n == v) {
                    Some(&(_, r)) => {
                        o.reduce = Some(r);
                        Ok(())
                    }
                    None => Err(format!(
                        "unknown reduce operator `{v}`: expected sum, count, concat, min, max, vote or first{}",
                        suggestion_suffix(did_you_mean(v, REDUCERS.iter().map(|(n, _)| *n)))
                    )),
                },
            };
            if let Err(m) = result {
                self.err(vt, m);
            }
        }
    }

    /// The list after `after`: ids, `base[*]`, `base[a..b]` or `base[k]`, commas optional.
    fn deps(&mut self, after: &Token<'_>, task: &mut RawTask<'a>) {
        if self.peek().is_none() {
            return self.err(
                after,
                "`after` needs at least one task id, like `after a, b`",
            );
        }
        // At most one dependency per two tokens left (`a, b, c`): one allocation per task, of
        // exactly that size (`reserve` would round 1 or 2 up to 4).
        task.deps
            .reserve_exact((self.toks.len() - self.pos).div_ceil(2));
        let mut want_item = true;
        while let Some(t) = self.next() {
            match &t.tok {
                Tok::Comma if !want_item => want_item = true,
                Tok::Word(name) => {
                    want_item = false;
                    let mut loc = self.loc(t);
                    let mut target = Target::Id(Cow::Borrowed(*name));
                    if matches!(self.peek().map(|t| &t.tok), Some(Tok::LBracket)) {
                        self.pos += 1;
                        let inner = self.next();
                        let close = self.next();
                        let Some(close) = close.filter(|c| c.tok == Tok::RBracket) else {
                            self.err(t, format!("expected `{name}[*]`, `{name}[1..8]` or `{name}[3]`: the `[` is not closed"));
                            return;
                        };
                        loc = Loc::text(self.line, t.col, close.end_col);
                        match inner.map(|i| &i.tok) {
                            Some(Tok::Star) => target = Target::Group(Cow::Borrowed(*name)),
                            Some(Tok::Word(w)) if w.contains("..") => match parse_range(w) {
                                Ok((a, b)) => target = Target::Range(Cow::Borrowed(*name), a, b),
                                Err(m) => {
                                    self.diags.error(&loc, m);
                                    continue;
                                }
                            },
                            Some(Tok::Word(w)) if w.parse::<u64>().is_ok() => {
                                target = Target::Id(Cow::Owned(format!("{name}{w}")))
                            }
                            _ => {
                                self.diags.error(
                                    &loc,
                                    format!("expected `{name}[*]`, `{name}[1..8]` or `{name}[3]`"),
                                );
                                continue;
                            }
                        }
                    }
                    task.deps.push(DepRef { target, loc });
                }
                _ => {
                    let msg = if t.tok == Tok::Comma {
                        "expected a task id, found `,`".to_string()
                    } else {
                        format!("expected a task id, found {}", show(t))
                    };
                    self.err(t, msg);
                }
            }
        }
        if want_item {
            self.err_at_end("expected a task id after `,`");
        }
    }
}

fn example(option: &str) -> &'static str {
    match option {
        "retry" => "retry 2",
        "fail attempts" => "fail attempts 1",
        "backoff" => "backoff 100ms",
        "timeout" => "timeout 2s",
        "hedge" => "hedge 200ms",
        "fail" => "fail 0.1",
        "priority" => "priority 5",
        "uses" => "uses db",
        _ => "reduce sum",
    }
}
