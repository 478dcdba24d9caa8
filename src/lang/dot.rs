//! Graphviz DOT digraphs. Each node is a task; `a -> b` makes b run after a. Node attributes:
//! `cost` (the work, in ms, or any `.dag` duration like "2s"), `label`, and `kind` (`cpu`,
//! the default, or `io`). `node [cost=...]` sets a default. A subgraph named `cluster_NAME`
//! (or `clusterNAME`) is the group NAME, nested as the clusters are; its statements
//! `workers=N` and `on_error=MODE` are the group's; a node belongs to the innermost cluster
//! it appears in. Other subgraphs are flattened; other attributes are ignored. Parsing is
//! iterative: nesting depth cannot overflow the stack.

use super::duration::parse_duration;
use super::limits::{MAX_GROUPS, MAX_TASKS};
use super::validate::{build, DepRef, Diags, Loc, RawGraph, RawGroup, RawTask, Target};
use super::Parsed;
use crate::graph::Work;
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
enum T {
    /// An identifier, number, quoted string or HTML string, unquoted.
    Id(String),
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Semi,
    Comma,
    Eq,
    Colon,
    Arrow,
    UndirectedEdge,
}

#[derive(Debug, Clone)]
struct Tok {
    t: T,
    line: u32,
    col: u32,
    end_col: u32,
    /// A quoted or HTML string: never a keyword (`"node"` is a node named node).
    quoted: bool,
}

impl Tok {
    fn loc(&self) -> Loc {
        Loc::text(self.line, self.col, self.end_col.max(self.col + 1))
    }
    fn is_kw(&self, kw: &str) -> bool {
        !self.quoted && matches!(&self.t, T::Id(s) if s.eq_ignore_ascii_case(kw))
    }
}

fn lex(text: &str, diags: &mut Diags) -> Vec<Tok> {
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1u32, 1u32);
    let mut at_line_start = true;
    // Advances one char, keeping line and column right.
    macro_rules! bump {
        () => {{
            if chars[i] == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
            i += 1;
        }};
    }
    while i < chars.len() {
        let c = chars[i];
        let (l0, c0) = (line, col);
        if c == '\n' {
            at_line_start = true;
            bump!();
            continue;
        }
        if c.is_whitespace() {
            bump!();
            continue;
        }
        let line_start = at_line_start;
        at_line_start = false;
        let next = chars.get(i + 1).copied();
        if (c == '#' && line_start) || (c == '/' && next == Some('/')) {
            while i < chars.len() && chars[i] != '\n' {
                bump!();
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            bump!();
            bump!();
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                bump!();
            }
            if i >= chars.len() {
                diags.error(
                    &Loc::text(l0, c0, c0 + 2),
                    "this comment has no closing `*/`",
                );
                break;
            }
            bump!();
            bump!();
            continue;
        }
        let single = match c {
            '{' => Some(T::LBrace),
            '}' => Some(T::RBrace),
            '[' => Some(T::LBracket),
            ']' => Some(T::RBracket),
            ';' => Some(T::Semi),
            ',' => Some(T::Comma),
            '=' => Some(T::Eq),
            ':' => Some(T::Colon),
            _ => None,
        };
        if let Some(t) = single {
            bump!();
            toks.push(Tok {
                t,
                line: l0,
                col: c0,
                end_col: c0 + 1,
                quoted: false,
            });
            continue;
        }
        if c == '-' && matches!(next, Some('>') | Some('-')) {
            let t = if next == Some('>') {
                T::Arrow
            } else {
                T::UndirectedEdge
            };
            bump!();
            bump!();
            toks.push(Tok {
                t,
                line: l0,
                col: c0,
                end_col: c0 + 2,
                quoted: false,
            });
            continue;
        }
        if c == '"' || c == '<' {
            // A quoted string (escapes `\"`, `\\`, and `\` + newline to continue a line),
            // or an HTML string (balanced < >, kept as its text): either is an id.
            let mut s = String::new();
            let closed = if c == '"' {
                bump!();
                let mut closed = false;
                while i < chars.len() {
                    let d = chars[i];
                    if d == '"' {
                        bump!();
                        closed = true;
                        break;
                    }
                    if d == '\\' && matches!(chars.get(i + 1), Some('"') | Some('\\') | Some('\n'))
                    {
                        bump!();
                        if chars[i] != '\n' {
                            s.push(chars[i]);
                        }
                        bump!();
                        continue;
                    }
                    s.push(d);
                    bump!();
                }
                closed
            } else {
                let mut depth = 0usize;
                while i < chars.len() {
                    let d = chars[i];
                    if d == '<' {
                        depth += 1;
                    } else if d == '>' {
                        depth -= 1;
                        if depth == 0 {
                            bump!();
                            break;
                        }
                    }
                    if depth > 1 || d != '<' {
                        s.push(d);
                    }
                    bump!();
                }
                depth == 0
            };
            if !closed {
                let message = if c == '"' {
                    "this string has no closing `\"`"
                } else {
                    "this HTML string has no closing `>`"
                };
                diags.error(&Loc::text(l0, c0, c0 + 1), message);
                break;
            }
            let end = if line == l0 { col } else { c0 + 1 };
            toks.push(Tok {
                t: T::Id(s),
                line: l0,
                col: c0,
                end_col: end,
                quoted: true,
            });
            continue;
        }
        if c.is_alphanumeric() || c == '_' || c == '.' || c == '-' {
            let start = i;
            bump!();
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                bump!();
            }
            let s: String = chars[start..i].iter().collect();
            toks.push(Tok {
                t: T::Id(s),
                line: l0,
                col: c0,
                end_col: col,
                quoted: false,
            });
            continue;
        }
        diags.error(
            &Loc::text(l0, c0, c0 + 1),
            format!("unexpected character `{c}` in a DOT graph"),
        );
        bump!();
    }
    toks
}

/// Node attributes that matter here.
#[derive(Debug, Clone, Default)]
struct Attrs {
    cost_us: Option<u64>,
    label: Option<String>,
    io: Option<bool>,
}

struct Reader<'d> {
    toks: Vec<Tok>,
    pos: usize,
    diags: &'d mut Diags,
}

impl Reader<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn peek_t(&self) -> Option<&T> {
        self.toks.get(self.pos).map(|t| &t.t)
    }

    /// `[k=v, k=v; ...]` (possibly several lists); applies known node attributes to `attrs`.
    fn attr_lists(&mut self, mut attrs: Option<&mut Attrs>) {
        while self.peek_t() == Some(&T::LBracket) {
            self.pos += 1;
            loop {
                match self.peek_t() {
                    Some(T::RBracket) => {
                        self.pos += 1;
                        break;
                    }
                    Some(T::Comma | T::Semi) => self.pos += 1,
                    Some(T::Id(_)) => {
                        let key_tok = self.toks[self.pos].clone();
                        self.pos += 1;
                        let T::Id(key) = &key_tok.t else { continue };
                        if self.peek_t() != Some(&T::Eq) {
                            continue; // a bare attribute name: ignored
                        }
                        self.pos += 1;
                        let Some(Tok {
                            t: T::Id(value), ..
                        }) = self.peek().cloned()
                        else {
                            self.diags
                                .error(&key_tok.loc(), format!("attribute `{key}` has no value"));
                            continue;
                        };
                        let vtok = self.toks[self.pos].clone();
                        self.pos += 1;
                        if let Some(a) = attrs.as_deref_mut() {
                            match key.as_str() {
                                "cost" => match parse_duration(&value) {
                                    Ok(us) => a.cost_us = Some(us),
                                    Err(m) => self.diags.error(&vtok.loc(), format!("bad `cost`: {m}")),
                                },
                                "label" => a.label = Some(value),
                                "kind" => match value.as_str() {
                                    "cpu" => a.io = Some(false),
                                    "io" => a.io = Some(true),
                                    _ => self.diags.error(&vtok.loc(), format!("unknown kind of work `{value}`: expected `cpu` or `io`")),
                                },
                                _ => {}
                            }
                        }
                    }
                    Some(_) => {
                        let t = self.toks[self.pos].clone();
                        self.diags.error(
                            &t.loc(),
                            "expected `name=value` or `]` in an attribute list",
                        );
                        self.pos += 1;
                    }
                    None => {
                        let loc = self.toks.last().map_or(Loc::Whole, Tok::loc);
                        self.diags
                            .error(&loc, "this attribute list has no closing `]`");
                        return;
                    }
                }
            }
        }
    }

    /// If a flat `{ a b c }` group (optionally `subgraph x { ... }`) starts here, its node
    /// tokens, the position after it, and the subgraph's name token.
    fn flat_group(&self) -> Option<(Vec<Tok>, usize, Option<Tok>)> {
        let mut p = self.pos;
        let mut name = None;
        if self.toks.get(p)?.is_kw("subgraph") {
            p += 1;
            if matches!(self.toks.get(p)?.t, T::Id(_)) {
                name = Some(self.toks[p].clone());
                p += 1;
            }
        }
        if self.toks.get(p)?.t != T::LBrace {
            return None;
        }
        p += 1;
        let mut ids = Vec::new();
        loop {
            let t = self.toks.get(p)?;
            match &t.t {
                T::Id(_) => ids.push(t.clone()),
                T::Semi | T::Comma => {}
                T::RBrace => return Some((ids, p + 1, name)),
                _ => return None,
            }
            p += 1;
        }
    }
}

/// Reads a DOT digraph into a raw graph for [`build`].
pub(crate) fn parse(text: &str, mut diags: Diags) -> Parsed {
    let toks = lex(text, &mut diags);
    let mut r = Reader {
        toks,
        pos: 0,
        diags: &mut diags,
    };
    let mut raw = RawGraph::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut attrs: Vec<Attrs> = Vec::new();
    let mut defaults = Attrs::default();

    // Header: [strict] digraph [ID] {
    if r.peek().is_some_and(|t| t.is_kw("strict")) {
        r.pos += 1;
    }
    match r.peek().cloned() {
        Some(t) if t.is_kw("digraph") => r.pos += 1,
        Some(t) if t.is_kw("graph") => {
            r.diags.error(
                &t.loc(),
                "only directed graphs can be task graphs: write `digraph` and `->`",
            );
            return build(raw, diags);
        }
        Some(t) => {
            r.diags
                .error(&t.loc(), "a DOT task graph starts with `digraph`");
            return build(raw, diags);
        }
        None => {
            r.diags.error(
                &Loc::Whole,
                "this DOT text is empty: write `digraph { a -> b }`",
            );
            return build(raw, diags);
        }
    }
    if matches!(r.peek_t(), Some(T::Id(_))) {
        r.pos += 1;
    }
    match r.peek().cloned() {
        Some(t) if t.t == T::LBrace => r.pos += 1,
        Some(t) => {
            r.diags.error(&t.loc(), "expected `{` after `digraph`");
            return build(raw, diags);
        }
        None => {
            r.diags.error(&Loc::Whole, "expected `{` after `digraph`");
            return build(raw, diags);
        }
    }

    let mut depth = 1usize;
    // Clusters written as flat operands (`subgraph cluster_x { a b }`) of this statement.
    let mut flat_clusters: Vec<(usize, Vec<Tok>)> = Vec::new();
    // The cluster of each open scope (`None`: the graph or a plain subgraph), innermost last.
    let mut scopes: Vec<Option<usize>> = vec![None];
    // Each node's innermost cluster so far.
    let mut member: Vec<Option<usize>> = Vec::new();
    let mut node = |id_tok: &Tok,
                    raw: &mut RawGraph<'_>,
                    attrs: &mut Vec<Attrs>,
                    defaults: &Attrs,
                    diags: &mut Diags|
     -> Option<usize> {
        let T::Id(id) = &id_tok.t else { return None };
        if let Some(&i) = index.get(id) {
            return Some(i);
        }
        if raw.tasks.len() >= MAX_TASKS {
            diags.error(
                &id_tok.loc(),
                format!("too many nodes: the limit is {MAX_TASKS}"),
            );
            return None;
        }
        index.insert(id.clone(), raw.tasks.len());
        attrs.push(defaults.clone());
        // The work is set once all of the node's attributes are known.
        raw.tasks.push(RawTask::new(
            Cow::Owned(id.clone()),
            id_tok.loc(),
            Work::Cpu { duration_us: 0 },
        ));
        Some(raw.tasks.len() - 1)
    };
    while depth > 0 {
        if r.diags.is_full() {
            break;
        }
        let Some(t) = r.peek().cloned() else {
            r.diags.error(
                &Loc::text(r.toks.last().map_or(1, |t| t.line), 1, 2),
                "the graph has no closing `}`",
            );
            break;
        };
        match &t.t {
            T::Semi | T::Comma => r.pos += 1,
            T::RBrace => {
                r.pos += 1;
                depth -= 1;
                scopes.pop();
            }
            T::Id(_)
                if (t.is_kw("graph") || t.is_kw("node") || t.is_kw("edge"))
                    && r.toks.get(r.pos + 1).is_some_and(|n| n.t == T::LBracket) =>
            {
                r.pos += 1;
                if t.is_kw("node") {
                    r.attr_lists(Some(&mut defaults));
                } else {
                    r.attr_lists(None);
                }
            }
            T::Id(key) if r.toks.get(r.pos + 1).is_some_and(|n| n.t == T::Eq) => {
                // `name = value`: a cluster's `workers` and `on_error`; others are ignored.
                if let (Some(&Some(g)), Some(v)) = (scopes.last(), r.toks.get(r.pos + 2).cloned()) {
                    if let T::Id(value) = &v.t {
                        cluster_attr(&mut raw.groups[g], key, value, &v, r.diags);
                    }
                }
                r.pos += 3;
            }
            T::Id(_) | T::LBrace => {
                // An edge chain, a node, or a subgraph scope.
                let mut operands: Vec<Vec<Tok>> = Vec::new();
                loop {
                    if let Some((ids, after, name)) = r.flat_group() {
                        r.pos = after;
                        if let Some(g) =
                            name.and_then(|n| open_cluster(&n, &scopes, &mut raw, r.diags))
                        {
                            flat_clusters.push((g, ids.clone()));
                        }
                        operands.push(ids);
                    } else if matches!(r.peek_t(), Some(T::Id(_)))
                        && !r.peek().is_some_and(|t| t.is_kw("subgraph"))
                    {
                        operands.push(vec![r.toks[r.pos].clone()]);
                        r.pos += 1;
                        // `node:port[:compass]` — ports are ignored.
                        while r.peek_t() == Some(&T::Colon)
                            && matches!(r.toks.get(r.pos + 1).map(|t| &t.t), Some(T::Id(_)))
                        {
                            r.pos += 2;
                        }
                    } else if operands.is_empty() {
                        // A subgraph scope that is not a flat group: flatten it (a cluster
                        // opens a group).
                        let mut cluster = None;
                        if r.peek().is_some_and(|t| t.is_kw("subgraph")) {
                            r.pos += 1;
                            if matches!(r.peek_t(), Some(T::Id(_))) {
                                let name = r.toks[r.pos].clone();
                                cluster = Some(name);
                                r.pos += 1;
                            }
                        }
                        if r.peek_t() == Some(&T::LBrace) {
                            r.pos += 1;
                            depth += 1;
                            let g =
                                cluster.and_then(|n| open_cluster(&n, &scopes, &mut raw, r.diags));
                            scopes.push(g);
                        }
                        break;
                    } else {
                        let loc = r.peek().map_or(Loc::Whole, Tok::loc);
                        r.diags.error(&loc, "expected a node id after `->`");
                        break;
                    }
                    match r.peek_t() {
                        Some(T::Arrow) => r.pos += 1,
                        Some(T::UndirectedEdge) => {
                            let loc = r.toks[r.pos].loc();
                            r.diags
                                .error(&loc, "`--` is an undirected edge: a task graph needs `->`");
                            r.pos += 1;
                        }
                        _ => break,
                    }
                }
                if operands.is_empty() {
                    flat_clusters.clear();
                    continue;
                }
                let mut stmt_attrs = Attrs::default();
                let is_node_stmt = operands.len() == 1 && operands[0].len() == 1;
                r.attr_lists(if is_node_stmt {
                    Some(&mut stmt_attrs)
                } else {
                    None
                });
                let mut prev: Vec<(usize, Loc)> = Vec::new();
                let here = scopes.iter().rev().find_map(|s| *s);
                for group in &operands {
                    let mut cur = Vec::new();
                    for id_tok in group {
                        if let Some(i) = node(id_tok, &mut raw, &mut attrs, &defaults, r.diags) {
                            cur.push((i, id_tok.loc()));
                            // The node is in the innermost cluster it appears in: a flat
                            // cluster operand's, else the scope's.
                            let at = flat_clusters
                                .iter()
                                .rev()
                                .find(|(_, ids)| ids.iter().any(|t| t.t == id_tok.t))
                                .map(|(g, _)| *g)
                                .or(here);
                            if member.len() <= i {
                                member.resize(i + 1, None);
                            }
                            if let Some(g) = at {
                                if member[i].is_none_or(|m| nested_in(&raw.groups, g, m)) {
                                    member[i] = Some(g);
                                }
                            }
                        }
                    }
                    for &(dst, _) in &cur {
                        for (src, loc) in &prev {
                            let src_id = raw.tasks[*src].id.clone();
                            raw.tasks[dst].deps.push(DepRef {
                                target: Target::Id(src_id),
                                loc: loc.clone(),
                            });
                        }
                    }
                    prev = cur;
                }
                flat_clusters.clear();
                if is_node_stmt {
                    if let Some(&(i, _)) = prev.first() {
                        let a = &mut attrs[i];
                        a.cost_us = stmt_attrs.cost_us.or(a.cost_us);
                        a.label = stmt_attrs.label.or(a.label.take());
                        a.io = stmt_attrs.io.or(a.io);
                    }
                }
            }
            _ => {
                r.diags
                    .error(&t.loc(), "expected a node, an edge `a -> b`, or `}`");
                r.pos += 1;
            }
        }
    }
    if depth == 0 {
        if let Some(t) = r.peek() {
            let loc = t.loc();
            r.diags
                .error(&loc, "unexpected text after the end of the graph");
        }
    }
    // Each cluster's nodes are listed together, in the order of its first node.
    if !raw.groups.is_empty() {
        member.resize(raw.tasks.len(), None);
        let inner: Vec<u32> = member
            .iter()
            .map(|m| m.map_or(crate::graph::NO_GROUP, |g| g as u32))
            .collect();
        let parent: Vec<Option<usize>> = raw.groups.iter().map(|g| g.parent).collect();
        let order = crate::graph::contiguous_order(&inner, &parent);
        let mut tasks: Vec<Option<RawTask<'_>>> = std::mem::take(&mut raw.tasks)
            .into_iter()
            .map(Some)
            .collect();
        let mut old_attrs: Vec<Option<Attrs>> = attrs.into_iter().map(Some).collect();
        attrs = Vec::with_capacity(order.len());
        for (k, &t) in order.iter().enumerate() {
            raw.tasks.extend(tasks[t].take());
            attrs.extend(old_attrs[t].take());
            if let Some(g) = member[t] {
                raw.groups[g].tasks.push(k);
            }
        }
    }
    let mut costless = Vec::new();
    for (t, a) in raw.tasks.iter_mut().zip(attrs) {
        let us = a.cost_us.unwrap_or_else(|| {
            costless.push(t.id.to_string());
            0
        });
        t.work = if a.io == Some(true) {
            Work::Io { duration_us: us }
        } else {
            Work::Cpu { duration_us: us }
        };
        t.label = a.label;
    }
    if !costless.is_empty() {
        let shown: Vec<&str> = costless.iter().take(5).map(String::as_str).collect();
        let more = if costless.len() > 5 {
            format!(" and {} more", costless.len() - 5)
        } else {
            String::new()
        };
        diags.warning(
            &Loc::Whole,
            format!(
                "{} node(s) have no `cost` attribute and count as 0 ms: {}{more}",
                costless.len(),
                shown.join(", ")
            ),
        );
    }
    build(raw, diags)
}

/// If `name` names a cluster (`cluster_NAME`, `clusterNAME`), opens group NAME inside the
/// innermost open cluster of `scopes` and returns its index.
fn open_cluster(
    name: &Tok,
    scopes: &[Option<usize>],
    raw: &mut RawGraph<'_>,
    diags: &mut Diags,
) -> Option<usize> {
    let T::Id(n) = &name.t else { return None };
    let rest = n.strip_prefix("cluster")?;
    let rest = rest.strip_prefix('_').unwrap_or(rest);
    let group = if rest.is_empty() { n.as_str() } else { rest };
    if raw.groups.len() >= MAX_GROUPS {
        diags.error(
            &name.loc(),
            format!("too many clusters: the limit is {MAX_GROUPS} groups"),
        );
        return None;
    }
    raw.groups.push(RawGroup {
        name: group.to_string(),
        loc: name.loc(),
        parent: scopes.iter().rev().find_map(|s| *s),
        workers: None,
        workers_loc: None,
        on_error: None,
        tasks: Vec::new(),
    });
    Some(raw.groups.len() - 1)
}

/// Whether group `inner` is nested in group `outer` (or is it).
fn nested_in(groups: &[RawGroup], inner: usize, outer: usize) -> bool {
    let mut cur = Some(inner);
    while let Some(g) = cur {
        if g == outer {
            return true;
        }
        cur = groups[g].parent.filter(|&p| p < g);
    }
    false
}

/// A cluster's `workers=N` or `on_error=MODE` statement.
fn cluster_attr(g: &mut RawGroup, key: &str, value: &str, at: &Tok, diags: &mut Diags) {
    match key {
        "workers" => match value.parse::<u32>() {
            Ok(n) => {
                g.workers = Some(n);
                g.workers_loc = Some(at.loc());
            }
            Err(_) => diags.error(
                &at.loc(),
                format!("`{value}` is not a group cap: write a whole number, like `workers=2`"),
            ),
        },
        "on_error" => match super::dag::ON_ERROR.iter().find(|(n, _)| *n == value) {
            Some((_, m)) => g.on_error = Some(*m),
            None => diags.error(
                &at.loc(),
                format!("unknown on_error mode `{value}`: expected fail-fast, skip-dependents or continue"),
            ),
        },
        _ => {}
    }
}
