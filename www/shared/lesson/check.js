// Checking a reader's answers against a lesson's expressions (docs/lessons.md), and the
// sentence that explains the gap between a simulated and a real run. Shared by the page
// and the node tests.
import { createSession, draw } from './session.js';
import { parseExpr } from './expr.js';
import { KERNEL_SHARE_FAST_ABOVE, KERNEL_SHARE_MACHINE_BELOW } from '../messages.js';

/** Reads a typed answer: `10`, `10 s`, `2.5s`, `300 ms`, `40%`, `1.5x`. Numbers without a
 *  unit are in `unit` (ms, s, or none). Returns a number (ms for durations) or NaN. */
export function readNumber(input, unit = '') {
  const m = /^\s*(-?\d+(?:[.,]\d+)?|-?[.,]\d+)\s*(us|µs|ms|s|%|x|×)?\s*$/i.exec(String(input ?? ''));
  if (!m) return NaN;
  const n = Number(m[1].replace(',', '.'));
  const u = (m[2] ?? unit ?? '').toLowerCase();
  if (u === 's') return n * 1000;
  if (u === 'us' || u === 'µs') return n / 1000;
  if (u === '%') return n / 100;
  return n;
}

/** Whether `got` is within the question's tolerance of `want`. */
export function within(got, want, tol = { rel: 0.02, abs: 0.5 }) {
  return Math.abs(got - want) <= Math.max(tol.abs ?? 0, (tol.rel ?? 0) * Math.abs(want)) + 1e-9;
}

/** Formats ms for a reader: `850 ms`, `2.5 s`. */
export function formatMs(ms) {
  if (!Number.isFinite(ms)) return String(ms);
  if (Math.abs(ms) >= 1000) return `${+(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 2)} s`;
  if (Math.abs(ms) >= 10) return `${Math.round(ms)} ms`;
  return `${+ms.toFixed(2)} ms`;
}

/** Formats an expected answer in the question's unit. */
export function formatAnswer(value, unit) {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (unit === 's') return `${+(value / 1000).toFixed(3)} s`;
  if (unit === 'ms') return formatMs(value);
  return `${+value.toFixed(3)}`;
}

/**
 * Expands `{expression}` (or `{expression as x|n|%}`) in a question's text, a claim's
 * explanation or prose with the values the session computes (as durations by default).
 * `lenient` (prose) leaves braces that are no expression as written.
 */
export async function interpolate(text, session, vars = {}, { lenient = false } = {}) {
  const parts = String(text ?? '').split(/(\{[^{}]+\})/);
  const out = [];
  for (const p of parts) {
    if (!/^\{[^{}]+\}$/.test(p)) { out.push(p); continue; }
    const src = p.slice(1, -1).trim();
    const [expr, fmt] = src.split(/\s+as\s+/);
    // In prose (lenient), braces that are not an expression stay as they are.
    if (lenient) { try { parseExpr(expr); } catch { out.push(p); continue; } }
    try {
      const v = await session.eval(expr, vars);
      out.push(typeof v === 'boolean' ? (v ? 'yes' : 'no') : fmt === 'x' ? `${+v.toFixed(2)}×` : fmt === 'n' ? `${+v.toFixed(2)}` : fmt === '%' ? `${Math.round(v * 100)} %` : formatMs(v));
    } catch (e) {
      out.push(`{${src}: ${e.message}}`);
    }
  }
  return out.join('');
}

/** The session a question is checked in: the lesson's, with the question's random draw
 *  (from `seed`) applied, and `texts` (a reader's edited graph) replacing graphs. */
export function questionSession(lesson, question, core, { seed = 1, texts = {}, run = null } = {}) {
  const { vars, edits } = draw(question, seed);
  return { session: createSession(lesson, core, { texts, vars, edits, run }), vars };
}

/**
 * Checks one answer: for `numeric` a typed number (with or without unit), for `choice` the
 * chosen index, for `challenge` the reader's graph text. Resolves to `{ ok, expected?,
 * message }`; never throws for a wrong or malformed answer (ok is false, message says why).
 */
export async function checkAnswer(lesson, question, answer, core, { seed = 1, run = null } = {}) {
  const q = question;
  if (q.kind === 'numeric') {
    const { session, vars } = questionSession(lesson, q, core, { seed, run });
    const want = await session.eval(q.answer, vars);
    const got = readNumber(answer, q.unit ?? '');
    if (Number.isNaN(got)) return { ok: false, expected: want, message: `Type a number${q.unit ? ` (in ${q.unit}, or with a unit: 2 s, 300 ms)` : ''}.` };
    const ok = within(got, want, q.tolerance);
    return { ok, expected: want, message: ok ? `Right: ${formatAnswer(want, q.unit)}.` : `Not quite: you said ${formatAnswer(got, q.unit)}.` };
  }
  if (q.kind === 'choice') {
    const { session, vars } = questionSession(lesson, q, core, { seed, run });
    const right = [];
    for (const c of q.choices) right.push(Boolean(await session.eval(c.if, vars)));
    const i = Number(answer);
    if (!Number.isInteger(i) || i < 0 || i >= q.choices.length) return { ok: false, expected: right.indexOf(true), message: 'Pick one of the answers.' };
    return { ok: right[i], expected: right.indexOf(true), message: right[i] ? (q.choices[i].feedback || 'Right.') : (q.choices[i].feedback || 'Not this one.') };
  }
  // challenge: the reader's graph replaces the one the question edits.
  const text = String(answer ?? '');
  const diags = await core.check(text);
  const err = diags.find((d) => d.severity === 'error');
  if (err) return { ok: false, message: `Your graph has an error at line ${err.line}, column ${err.col}: ${err.message}` };
  const { session, vars } = questionSession(lesson, q, core, { seed, texts: { [q.graph]: text }, run });
  const ok = Boolean(await session.eval(q.goal, vars));
  if (!ok) return { ok, message: 'Not yet: the goal does not hold on the simulation.' };
  if (q.real && run) {
    const real = Boolean(await session.eval(q.real, vars));
    return { ok: real, message: real ? 'Done: it holds on the simulation and on a real run.' : 'It holds on the simulation, but not on the real run: run again, or leave more margin.' };
  }
  return { ok, message: 'Done: the goal holds on the exact simulation.' };
}

/** The answer a question's "Show answer" reveals: a number, a choice index, or the text of
 *  the lesson's solution block (or null). */
export async function showAnswer(lesson, question, core, { seed = 1 } = {}) {
  const { session, vars } = questionSession(lesson, question, core, { seed });
  if (question.kind === 'numeric') return session.eval(question.answer, vars);
  if (question.kind === 'choice') {
    for (let i = 0; i < question.choices.length; i++) if (await session.eval(question.choices[i].if, vars)) return i;
    return -1;
  }
  return lesson.graphs.find((g) => g.solution === question.id)?.text ?? null;
}

/**
 * One sentence explaining the gap between a simulated and a real RunResult of the same graph
 * from their numbers: the gap, per task, the workers' start (startup_ms), the share of the
 * CPU time the workers got (cpu_share: other load on the machine), the kernels' speed against
 * their cost model (kernel_share), and, given `priced` (the
 * same simulation charging the run pool's measured dispatch cost, with its `dispatch_ms`),
 * how much of the gap that cost accounts for.
 */
export function gapSentence(sim, real, scale = 1, priced = null) {
  const s = sim.makespan_ms;
  const r = real.makespan_ms / scale;
  const gap = r - s;
  const n = Math.max(1, real.tasks?.length ?? 1);
  const parts = [];
  const pct = s > 0 ? Math.round((gap / s) * 100) : 0;
  let head;
  const within = Math.abs(gap) <= Math.max(0.02 * s, 1);
  if (within) head = `The real run took ${formatMs(r)}, within ${Math.abs(pct)} % of the exact simulation's ${formatMs(s)}`;
  else if (gap > 0) head = `The real run took ${formatMs(r)}, ${formatMs(gap)} (${pct} %) more than the exact simulation's ${formatMs(s)}: about ${formatMs(gap / n)} per task over ${n} tasks`;
  else head = `The real run took ${formatMs(r)}, ${formatMs(-gap)} less than the simulation's ${formatMs(s)} (timers and clocks rounded in its favour)`;
  if (scale !== 1) parts.push(`durations were scaled by ${scale} for the real run and its times scaled back`);
  if (real.startup_ms >= 1) parts.push(`starting the workers took ${formatMs(real.startup_ms)} before the first task`);
  if (priced?.dispatch_ms > 0 && gap > 0 && !within) {
    const cost = priced.makespan_ms - s;
    parts.push(`the pool's dispatch cost, ${formatMs(priced.dispatch_ms)} per attempt as the pool measured it over its latest runs, accounts for ${formatMs(cost)} of it (${Math.round(Math.min(1, cost / gap) * 100)} %)`);
  }
  const share = real.cpu_share?.share;
  if (share !== undefined && share !== null && Number.isFinite(share)) {
    parts.push(share < 0.9 ? `the workers got only ${Math.round(share * 100)} % of the CPU time they asked for, so other load on this machine slowed them` : `the workers got ${Math.round(share * 100)} % of the CPU time they asked for, so the rest is overhead per task (messages, timers, scheduling)`);
  }
  // Kernels ask for their modelled time, a model's (within about 15 % per kernel on a quiet
  // machine): below KERNEL_SHARE_MACHINE_BELOW, the machine gave them less speed than at
  // calibration.
  const kshare = real.kernel_share?.share;
  if (kshare !== undefined && kshare !== null && Number.isFinite(kshare) && gap > 0 && !within) {
    const ran = `the kernel tasks ran at ${Math.round(kshare * 100)} % of their modelled speed`;
    parts.push(kshare < KERNEL_SHARE_MACHINE_BELOW ? `${ran}, more than the model's error, so this machine gave them less speed than when it calibrated them`
      : kshare > KERNEL_SHARE_FAST_ABOVE ? `${ran}, faster than the model's error allows, so their calibration priced them slower than they ran`
        : `${ran}, within the model's error`);
  }
  return parts.length ? `${head}; ${parts.join('; ')}.` : `${head}.`;
}
