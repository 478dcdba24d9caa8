// The messages between a <fanout-playground> element (or any page framing embed.html) and
// the embed inside the iframe. Each message is a plain object `{ fanout: PROTOCOL, type, … }`.
// Guarantees: `toEmbed`/`fromEmbed` check the message's shape field by field and return a
// clean copy holding only the known fields, or null; a receiver also checks the sender's
// origin and window (see `accepts`), so anything else posted to a page is ignored.
//
// Parent → embed:
//   { type: 'theme', theme: 'light'|'dark' }          the colour scheme to show now
//   { type: 'style', vars: { '--fanout-…': value } }  the host's theme custom properties ('' = unset)
//   { type: 'run' }                                    run the graph (as the Run button)
// Embed → parent:
//   { type: 'ready', tier: 1|2|3, mode, isolated, reason }   the engine answered; `tier` is
//        the isolation tier (1 Document-Isolation-Policy, 2 delegated by an isolated parent,
//        3 not isolated: workers), `mode` what Run uses, `reason` why, in words
//   { type: 'progress', done, total }                  tasks finished so far during a run
//   { type: 'result', result }                         a RunResult (shape checked)
//   { type: 'height', height }                         the embed's content height in CSS px
//   { type: 'error', message }                         a run or the graph failed, in words

export const PROTOCOL = 'fanout-embed/1';

/** Host custom properties the embed accepts (values: at most 200 characters, no `;{}`
 *  nor `url(`). */
export const STYLE_VARS = Object.freeze(['--fanout-bg', '--fanout-fg', '--fanout-muted', '--fanout-accent', '--fanout-border',
  '--fanout-panel', '--fanout-font', '--fanout-radius']);

const STATUSES = new Set(['ok', 'failed', 'timeout', 'cancelled', 'skipped']);
const MAX_TASKS = 200_000;
const isObj = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);
const isNum = (x) => typeof x === 'number' && Number.isFinite(x);
const isCount = (x, max = Number.MAX_SAFE_INTEGER) => Number.isInteger(x) && x >= 0 && x <= max;
const isStr = (x, max = 2000) => typeof x === 'string' && x.length <= max;

/** A clean copy of a RunResult's fields the protocol carries, or null if any is wrong. */
export function checkRunResult(r) {
  if (!isObj(r) || !isStr(r.mode, 40) || !isCount(r.workers, 4096) || !isNum(r.makespan_ms) || !Array.isArray(r.tasks) || r.tasks.length > MAX_TASKS) return null;
  const tasks = [];
  for (const t of r.tasks) {
    if (!isObj(t) || !isStr(t.id, 10_000) || !isCount(t.worker, 4096) || !isNum(t.start_ms) || !isNum(t.end_ms) || !STATUSES.has(t.status)) return null;
    const copy = { id: t.id, worker: t.worker, start_ms: t.start_ms, end_ms: t.end_ms, status: t.status };
    if (t.attempts !== undefined) {
      if (!Array.isArray(t.attempts)) return null;
      copy.attempts = [];
      for (const a of t.attempts) {
        if (!isObj(a) || !isCount(a.worker, 4096) || !isNum(a.start_ms) || !isNum(a.end_ms) || !STATUSES.has(a.status)) return null;
        copy.attempts.push({ worker: a.worker, start_ms: a.start_ms, end_ms: a.end_ms, status: a.status });
      }
    }
    if (t.value !== undefined) copy.value = structuredCloneSafe(t.value);
    tasks.push(copy);
  }
  const out = { mode: r.mode, workers: r.workers, makespan_ms: r.makespan_ms, tasks };
  for (const k of ['sequential_ms', 'lower_bound_ms', 'work_ms', 'span_ms', 'tasks_total']) if (isNum(r[k])) out[k] = r[k];
  for (const k of ['policy', 'reason']) if (isStr(r[k])) out[k] = r[k];
  if (isCount(r.seed)) out.seed = r.seed;
  if (typeof r.isolated === 'boolean') out.isolated = r.isolated;
  if (typeof r.cancelled === 'boolean') out.cancelled = r.cancelled;
  if (isObj(r.result)) out.result = structuredCloneSafe(r.result);
  if (isObj(r.metrics)) out.metrics = structuredCloneSafe(r.metrics);
  return out;
}

/** Plain JSON data (numbers, strings, booleans, null, arrays, objects) copied, or null. */
function structuredCloneSafe(v, depth = 0) {
  if (v === null || typeof v === 'boolean' || isNum(v) || isStr(v, 1_000_000)) return v;
  if (depth > 32) return null;
  if (Array.isArray(v)) return v.slice(0, 100_000).map((x) => structuredCloneSafe(x, depth + 1));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).slice(0, 100_000).map(([k, x]) => [k, structuredCloneSafe(x, depth + 1)]));
  return null;
}

function cleanVars(vars) {
  if (!isObj(vars)) return null;
  const out = {};
  for (const [k, v] of Object.entries(vars)) {
    if (!STYLE_VARS.includes(k)) continue;
    if (!isStr(v, 200) || /[;{}]|url\(|\\/i.test(v)) continue;
    out[k] = v.trim();
  }
  return out;
}

/** A message for the embed (parent → embed), checked; null if it is not one. */
export function toEmbed(m) {
  if (!isObj(m) || m.fanout !== PROTOCOL) return null;
  switch (m.type) {
    case 'theme': return m.theme === 'light' || m.theme === 'dark' ? { fanout: PROTOCOL, type: 'theme', theme: m.theme } : null;
    case 'style': { const vars = cleanVars(m.vars); return vars ? { fanout: PROTOCOL, type: 'style', vars } : null; }
    case 'run': return { fanout: PROTOCOL, type: 'run' };
    default: return null;
  }
}

/** A message from the embed (embed → parent), checked; null if it is not one. */
export function fromEmbed(m) {
  if (!isObj(m) || m.fanout !== PROTOCOL) return null;
  switch (m.type) {
    case 'ready':
      return [1, 2, 3].includes(m.tier) && ['threads', 'workers', 'async', 'simulated'].includes(m.mode) && typeof m.isolated === 'boolean' && isStr(m.reason)
        ? { fanout: PROTOCOL, type: 'ready', tier: m.tier, mode: m.mode, isolated: m.isolated, reason: m.reason } : null;
    case 'progress':
      return isCount(m.done) && isCount(m.total) && m.done <= m.total ? { fanout: PROTOCOL, type: 'progress', done: m.done, total: m.total } : null;
    case 'result': { const result = checkRunResult(m.result); return result ? { fanout: PROTOCOL, type: 'result', result } : null; }
    case 'height': return isNum(m.height) && m.height >= 0 && m.height <= 100_000 ? { fanout: PROTOCOL, type: 'height', height: m.height } : null;
    case 'error': return isStr(m.message) ? { fanout: PROTOCOL, type: 'error', message: m.message } : null;
    default: return null;
  }
}

/** Whether `event` (a MessageEvent) comes from `source` (a Window) on `origin`. */
export function accepts(event, source, origin) {
  return Boolean(source) && event.source === source && typeof origin === 'string' && event.origin === origin;
}
