// Reading a lesson file (docs/lessons.md): front matter, prose, ```fanout graph blocks,
// ```question blocks and one ```claim block. Every problem is reported with its line (and
// the column inside an expression); nothing here runs the core.
import { ExprError, parseExpr } from './expr.js';

/** The question kinds. */
export const KINDS = Object.freeze(['numeric', 'choice', 'challenge']);
const META_KEYS = ['id', 'title', 'level', 'topics', 'minutes', 'real_scale', 'workers'];
const QUESTION_KEYS = ['id', 'kind', 'ask', 'answer', 'tolerance', 'unit', 'hint', 'explain', 'when', 'choice', 'if', 'feedback', 'goal', 'real', 'graph', 'random'];
const CLAIM_KEYS = ['sim', 'real', 'explain', 'runs'];
const EXPR_KEYS = new Set(['answer', 'if', 'goal', 'real', 'sim']);

/** Markdown fenced blocks: `{ lang, info: [words], text, line (of the first body line), close }`. */
function fences(lines) {
  const out = [];
  let open = null;
  lines.forEach((line, i) => {
    const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (!open) {
      if (m) {
        const words = m[2].trim().split(/\s+/).filter(Boolean);
        open = { fence: m[1], lang: words[0] ?? '', info: words.slice(1), body: [], line: i + 2, open: i };
      }
    } else if (m && m[1][0] === open.fence[0] && m[1].length >= open.fence.length && !m[2].trim()) {
      out.push({ ...open, text: open.body.join('\n') + (open.body.length ? '\n' : ''), close: i });
      open = null;
    } else {
      open.body.push(line);
    }
  });
  if (open) out.push({ ...open, text: open.body.join('\n') + '\n', close: lines.length, unclosed: true });
  return out;
}

function keyValues(block, allowed, errors, where) {
  const entries = [];
  let last = null;
  block.text.split('\n').forEach((raw, i) => {
    const line = block.line + i;
    if (!raw.trim() || raw.trim().startsWith('#')) return;
    const m = /^([a-z_]+)\s*:\s?(.*)$/.exec(raw);
    if (m && allowed.includes(m[1])) {
      last = { key: m[1], value: m[2].trim(), line };
      entries.push(last);
    } else if (/^\s+\S/.test(raw) && last) {
      last.value += ' ' + raw.trim(); // a continued line
    } else {
      const key = m ? m[1] : raw.trim().split(/\s/)[0];
      errors.push({ line, col: 1, message: m ? `unknown key \`${key}\` in a ${where} block: expected ${allowed.join(', ')}` : `expected \`key: value\` in a ${where} block` });
    }
  });
  return entries;
}

function expression(src, line, errors) {
  try {
    return parseExpr(src);
  } catch (e) {
    if (!(e instanceof ExprError)) throw e;
    errors.push({ line, col: e.col ?? 1, message: `in the expression \`${src}\`: ${e.message.replace(/^column \d+: /, '')}` });
    return null;
  }
}

/** Parses `random: name = A..B [step S]` or `random: dur(task) = A..B [step S]`. */
function randomParam(value, line, errors) {
  const m = /^(?:([A-Za-z_]\w*)|dur\(\s*([A-Za-z0-9_-]+)\s*\))\s*=\s*(\S+?)\s*\.\.\s*(\S+?)(?:\s+step\s+(\S+))?$/.exec(value);
  const n = (s) => (s === undefined ? undefined : Number(/^[\d.]+(us|ms|s)?$/.test(s) ? parseUnit(s) : NaN));
  if (!m || [m[3], m[4]].some((s) => Number.isNaN(n(s))) || (m[5] && Number.isNaN(n(m[5])))) {
    errors.push({ line, col: 1, message: `expected \`random: name = 2..6\` or \`random: dur(task) = 100ms..500ms step 50ms\`, got \`${value}\`` });
    return null;
  }
  const from = n(m[3]);
  const to = n(m[4]);
  if (to < from) errors.push({ line, col: 1, message: `the range ${m[3]}..${m[4]} is empty` });
  return { name: m[1] ?? null, task: m[2] ?? null, from, to, step: n(m[5]) ?? (m[2] ? 10 : 1) };
}

function parseUnit(s) {
  const m = /^([\d.]+)(us|ms|s)?$/.exec(s);
  return Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 }[m[2] ?? 'ms']);
}

function frontMatter(lines, errors) {
  const meta = {};
  if (lines[0]?.trim() !== '---') {
    errors.push({ line: 1, col: 1, message: 'a lesson starts with front matter: a `---` line, `id: …`, `title: …`, then `---`' });
    return { meta, end: 0 };
  }
  let end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  if (end < 0) {
    errors.push({ line: 1, col: 1, message: 'the front matter is never closed with a `---` line' });
    end = lines.length;
  }
  for (let i = 1; i < end; i++) {
    const raw = lines[i];
    if (!raw.trim()) continue;
    const m = /^([a-z_]+)\s*:\s*(.*)$/.exec(raw);
    if (!m || !META_KEYS.includes(m[1])) {
      errors.push({ line: i + 1, col: 1, message: `unknown front matter line \`${raw.trim()}\`: expected ${META_KEYS.join(', ')}` });
      continue;
    }
    let v = m[2].replace(/\s+#.*$/, '').trim().replace(/^"(.*)"$/, '$1'); // ` # …` is a comment
    if (m[1] === 'topics') v = v.replace(/^\[|\]$/g, '').split(',').map((s) => s.trim()).filter(Boolean);
    else if (['minutes', 'real_scale', 'workers'].includes(m[1])) {
      const n = Number(v);
      if (!(n > 0)) errors.push({ line: i + 1, col: m[1].length + 3, message: `\`${m[1]}\` must be a positive number, got \`${v}\`` });
      v = n;
    }
    meta[m[1]] = v;
  }
  for (const k of ['id', 'title', 'level', 'topics', 'minutes']) {
    if (meta[k] === undefined) errors.push({ line: 1, col: 1, message: `the front matter has no \`${k}\`` });
  }
  if (meta.id !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(meta.id)) errors.push({ line: 2, col: 1, message: `the id \`${meta.id}\` must be lower-case letters, digits and dashes` });
  return { meta, end: end + 1 };
}

/**
 * Parses a lesson's text: `{ meta, main, graphs, questions, claim, parts, errors }`. `graphs`
 * are `{ name, text, line, broken, solution, hidden }` (the first unnamed one is `main`;
 * `main` names the lesson's own graph, the one expressions use when they name none); `parts` is the
 * page's reading order (`{ type: 'prose', text }`, `{ type: 'graph', name }`,
 * `{ type: 'question', id }`, `{ type: 'claim' }`). `errors` is empty for a good lesson.
 */
export function parseLesson(source) {
  const errors = [];
  const text = String(source ?? '').replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
  if (text.length > 200_000) return { meta: {}, graphs: [], questions: [], claim: null, parts: [], errors: [{ line: 1, col: 1, message: 'a lesson is at most 200,000 characters' }] };
  const lines = text.split('\n');
  const { meta, end } = frontMatter(lines, errors);
  const graphs = [];
  const questions = [];
  let claim = null;
  const parts = [];
  let prose = [];
  const flush = () => {
    const t = prose.join('\n').trim();
    if (t) parts.push({ type: 'prose', text: t });
    prose = [];
  };
  const body = lines.slice(end);
  const blocks = fences(body).map((b) => ({ ...b, line: b.line + end, open: b.open + end, close: b.close + end }));
  let at = end;
  for (const b of blocks) {
    const kind = b.lang;
    if (!['fanout', 'question', 'claim'].includes(kind)) continue; // ordinary code stays prose
    prose.push(...lines.slice(at, b.open));
    at = b.close + 1;
    flush();
    if (b.unclosed) errors.push({ line: b.open + 1, col: 1, message: `this \`\`\`${kind} block is never closed` });
    if (kind === 'fanout') {
      const opt = Object.fromEntries(b.info.map((w) => (w.includes('=') ? w.split('=', 2) : [w, true])));
      const name = typeof opt.name === 'string' ? opt.name : typeof opt.solution === 'string' ? `solution-${opt.solution}` : graphs.some((g) => g.name === 'main') ? `graph${graphs.length + 1}` : 'main';
      if (graphs.some((g) => g.name === name)) errors.push({ line: b.open + 1, col: 1, message: `two graph blocks are named \`${name}\`` });
      graphs.push({ name, text: b.text, line: b.line, broken: opt.broken === true, solution: typeof opt.solution === 'string' ? opt.solution : null, hidden: opt.hidden === true || typeof opt.solution === 'string' });
      if (!graphs.at(-1).hidden) parts.push({ type: 'graph', name });
    } else if (kind === 'question') {
      const q = { id: null, kind: null, ask: '', hint: '', explain: '', when: 'after-run', choices: [], random: [], line: b.open + 1, graph: null };
      for (const e of keyValues(b, QUESTION_KEYS, errors, 'question')) {
        const tree = EXPR_KEYS.has(e.key) ? expression(e.value, e.line, errors) : null;
        if (e.key === 'choice') q.choices.push({ text: e.value, if: null, feedback: '', line: e.line });
        else if (e.key === 'if' || e.key === 'feedback') {
          const c = q.choices.at(-1);
          if (!c) errors.push({ line: e.line, col: 1, message: `\`${e.key}\` belongs to a \`choice\`: put it after one` });
          else if (e.key === 'if') { c.if = tree; c.ifSource = e.value; } else c.feedback = e.value;
        } else if (e.key === 'random') {
          const r = randomParam(e.value, e.line, errors);
          if (r) q.random.push(r);
        } else if (EXPR_KEYS.has(e.key)) { q[e.key] = tree; q[e.key + 'Source'] = e.value; }
        else q[e.key] = e.value;
      }
      if (!q.id) errors.push({ line: q.line, col: 1, message: 'a question needs an `id`' });
      else if (questions.some((o) => o.id === q.id)) errors.push({ line: q.line, col: 1, message: `two questions have the id \`${q.id}\`` });
      if (!KINDS.includes(q.kind)) errors.push({ line: q.line, col: 1, message: `a question's \`kind\` is one of ${KINDS.join(', ')}${q.kind ? `, not \`${q.kind}\`` : ''}` });
      if (!['predict', 'after-run'].includes(q.when)) errors.push({ line: q.line, col: 1, message: '`when` is `predict` (asked before the run) or `after-run`' });
      if (!q.ask) errors.push({ line: q.line, col: 1, message: 'a question needs an `ask`' });
      if (q.kind === 'numeric' && !q.answer) errors.push({ line: q.line, col: 1, message: 'a numeric question needs an `answer` expression' });
      if (q.kind === 'choice') {
        if (q.choices.length < 2) errors.push({ line: q.line, col: 1, message: 'a choice question needs two or more `choice` lines' });
        for (const c of q.choices) if (!c.if) errors.push({ line: c.line, col: 1, message: 'each `choice` needs an `if:` expression saying when it is right' });
      }
      if (q.kind === 'challenge' && !q.goal) errors.push({ line: q.line, col: 1, message: 'a challenge needs a `goal` expression' });
      q.tolerance = tolerance(q.tolerance, q.line, errors);
      questions.push(q);
      parts.push({ type: 'question', id: q.id });
    } else {
      if (claim) errors.push({ line: b.open + 1, col: 1, message: 'a lesson has one ```claim block' });
      claim = { line: b.open + 1, explain: '', runs: 1 };
      for (const e of keyValues(b, CLAIM_KEYS, errors, 'claim')) {
        if (EXPR_KEYS.has(e.key)) { claim[e.key] = expression(e.value, e.line, errors); claim[e.key + 'Source'] = e.value; }
        else if (e.key === 'runs') claim.runs = Math.max(1, Math.min(10, Number(e.value) || 1));
        else claim[e.key] = e.value;
      }
      if (!claim.sim) errors.push({ line: claim.line, col: 1, message: 'a claim needs a `sim:` expression (checked on the exact simulation)' });
      parts.push({ type: 'claim' });
    }
  }
  prose.push(...lines.slice(at));
  flush();
  if (!graphs.some((g) => !g.broken)) errors.push({ line: 1, col: 1, message: 'a lesson needs a ```fanout graph block' });
  // The lesson's own graph: the block named `main`, else its first shown, valid one.
  const main = graphs.find((g) => g.name === 'main') ?? graphs.find((g) => !g.broken && !g.hidden) ?? graphs[0];
  for (const q of questions) q.graph ??= main?.name ?? 'main';
  for (const q of questions) {
    if (!graphs.some((g) => g.name === q.graph)) errors.push({ line: q.line, col: 1, message: `question \`${q.id}\` edits graph \`${q.graph}\`, which no block is named` });
  }
  for (const g of graphs) {
    if (g.solution && !questions.some((q) => q.id === g.solution)) errors.push({ line: g.line - 1, col: 1, message: `this block is the solution of \`${g.solution}\`, which is no question` });
  }
  errors.sort((a, b) => a.line - b.line || a.col - b.col);
  return { meta, main: main?.name ?? 'main', graphs, questions, claim, parts, errors };
}

function tolerance(value, line, errors) {
  if (value === undefined || value === null || value === '') return { rel: 0.02, abs: 0.5 };
  const m = /^([\d.]+)\s*(%|us|ms|s)?$/.exec(String(value).trim());
  if (!m) {
    errors.push({ line, col: 1, message: `a tolerance is like \`5%\` or \`50ms\`, not \`${value}\`` });
    return { rel: 0.02, abs: 0.5 };
  }
  return m[2] === '%' ? { rel: Number(m[1]) / 100, abs: 0 } : { rel: 0, abs: parseUnit(m[1] + (m[2] ?? '')) };
}
