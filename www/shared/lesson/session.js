// What a lesson's expressions are evaluated over: the core's numbers for the lesson's
// graphs (simulated exactly, analysed) and, where a host can run graphs, measured runs.
// One module for the page and the node tests: the host passes `core` (simulate, analyze,
// parse — sync or async, the wasm's or the page client's) and optionally `run` (a real run).
import { evaluate } from './expr.js';
import { RUN_MODES } from '../messages.js';

const POLICIES = ['critical-path', 'fifo', 'priority', 'waves', 'random', 'work-stealing'];
const ON_ERROR = ['fail-fast', 'skip-dependents', 'continue'];

/** The functions a lesson expression may call, with what they give (docs/lessons.md). */
export const FUNCTIONS = Object.freeze({
  makespan: 'simulated makespan (ms): makespan(workers?, policy?, on_error?, graph?)',
  work: 'the work T1 (ms): work(graph?)',
  span: 'the span T∞ (ms): span(graph?)',
  parallelism: 'T1/T∞: parallelism(graph?)',
  lower: 'the lower bound max(T1/p, T∞) (ms): lower(workers, graph?)',
  speedup: 'simulated makespan on 1 worker / on N: speedup(workers, policy?, graph?)',
  start: "a task's simulated start (ms): start(task, workers?, policy?, graph?)",
  finish: "a task's simulated end (ms): finish(task, workers?, policy?, graph?)",
  dur: "a task's duration as written (ms): dur(task, graph?)",
  tasks: 'how many tasks: tasks(graph?)',
  cycle: 'how many tasks the first cycle the core reports names (0: none): cycle(graph?)',
  attempts: 'simulated attempts: attempts(workers?, on_error?, graph?)',
  retries: 'simulated retries: retries(workers?, on_error?, graph?)',
  failed: 'tasks failed for good (simulated): failed(workers?, on_error?, graph?)',
  skipped: 'tasks skipped (simulated): skipped(workers?, on_error?, graph?)',
  done: 'tasks that ended ok (simulated): done(workers?, on_error?, graph?)',
  wave_wait: 'time lost waiting for waves (ms, simulated): wave_wait(workers?, graph?)',
  real: 'measured makespan (ms, at full scale): real(workers?, mode?, policy?, graph?)',
  real_speedup: 'measured makespan on 1 worker / on N: real_speedup(workers, mode?, graph?)',
  lost: 'counter updates lost in a real run: lost(workers?, mode?, graph?)',
  updates: 'counter updates a real run made: updates(workers?, mode?, graph?)',
  real_share: "the share of the CPU time they asked for that a real run's workers got (1 when not measured): real_share(workers?, mode?, graph?)",
  real_done: 'tasks that ended ok in a real run: real_done(workers?, mode?, on_error?, graph?)',
  real_failed: 'tasks failed for good in a real run: real_failed(workers?, mode?, on_error?, graph?)',
  real_value: "a task's value in a real run: real_value(task, workers?, mode?, graph?)",
});

/** Multiplies every duration of `.dag` text by `f` (cpu, io, backoff, timeout) and every
 *  rate by 1/f: the same graph, run faster. */
export function scaleDurations(text, f) {
  if (f === 1) return text;
  return text
    .replace(/\b(cpu|io|backoff|timeout)(\s+)(\d+(?:\.\d+)?)(us|ms|s)?\b/g, (_, k, sp, n, u) => `${k}${sp}${Math.max(1, Math.round(Number(n) * { us: 1, ms: 1e3, s: 1e6 }[u ?? 'ms'] * f))}us`)
    .replace(/^(\s*rate\s+\S+\s+)(\d+(?:\.\d+)?)\/s/gm, (_, head, n) => `${head}${Number(n) / f}/s`);
}

/** Sets the duration of `task` (its first cpu/io duration) in `.dag` text to `ms`. */
export function setDuration(text, task, ms) {
  const re = new RegExp(`^(\\s*${task.replace(/[-]/g, '\\-')}(?:\\s+"[^"]*")?\\s*:\\s*(?:cpu|io)\\s+)(\\d+(?:\\.\\d+)?(?:us|ms|s)?)`, 'm');
  if (!re.test(text)) throw new Error(`no task \`${task}\` with a cpu or io duration`);
  return text.replace(re, (_, head) => `${head}${Math.round(ms * 1000)}us`);
}

/** A small seeded generator (mulberry32) for random question parameters. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws a question's random parameters with `seed`: `{ vars, edits: [{ task, ms }] }`. */
export function draw(question, seed) {
  const next = rng(seed);
  const vars = {};
  const edits = [];
  for (const r of question.random ?? []) {
    const steps = Math.floor((r.to - r.from) / r.step + 1e-9);
    const v = r.from + Math.floor(next() * (steps + 1)) * r.step;
    if (r.name) vars[r.name] = v;
    else { edits.push({ task: r.task, ms: v }); vars[`dur_${r.task.replace(/-/g, '_')}`] = v; }
  }
  return { vars, edits };
}

/**
 * A lesson's evaluation context. `texts` overrides graph texts by name (a reader's edit, a
 * drawn duration); `vars` are drawn parameters. `run(text, { workers, mode, policy })`
 * (optional) does a real run and resolves to its RunResult; its texts are scaled by the
 * lesson's `real_scale` and its times scaled back, so they compare with the simulation.
 */
export function createSession(lesson, core, { texts = {}, vars = {}, run = null, edits = [] } = {}) {
  const graphs = new Map(lesson.graphs.map((g) => [g.name, g.text]));
  // Drawn durations change the lesson's graphs; a reader's own text replaces one as it is.
  for (const e of edits) for (const [k, v] of graphs) if (!lesson.graphs.find((g) => g.name === k)?.broken) {
    try { graphs.set(k, setDuration(v, e.task, e.ms)); } catch { /* the task is not in this graph */ }
  }
  for (const [k, v] of Object.entries(texts)) graphs.set(k, v);
  const scale = lesson.meta?.real_scale ?? 1;
  const cache = new Map();
  const memo = (key, f) => {
    if (!cache.has(key)) cache.set(key, Promise.resolve().then(f));
    return cache.get(key);
  };
  const textOf = (name) => {
    if (!graphs.has(name)) throw new Error(`no graph named \`${name}\` (graphs: ${[...graphs.keys()].join(', ')})`);
    return graphs.get(name);
  };
  const opts = (args, { task = false } = {}) => {
    const o = { graph: lesson.main ?? 'main' };
    let rest = args;
    if (task) {
      if (typeof args[0] !== 'string') throw new Error('the first argument is a task id, in quotes');
      o.task = args[0];
      rest = args.slice(1);
    }
    for (const a of rest) {
      if (typeof a === 'number') {
        if (!(Number.isInteger(a) && a >= 1 && a <= 4096)) throw new Error(`a worker count is a whole number from 1 to 4096, not ${a}`);
        o.workers = a;
      } else if (typeof a === 'string') {
        if (POLICIES.includes(a)) o.policy = a;
        else if (ON_ERROR.includes(a)) o.on_error = a;
        else if (RUN_MODES.includes(a)) o.mode = a;
        else o.graph = a;
      } else throw new Error(`unexpected argument ${JSON.stringify(a)}`);
    }
    return o;
  };
  const sim = (o) => memo(`sim|${o.graph}|${o.workers}|${o.policy}|${o.on_error}`, async () => {
    const options = {};
    if (o.workers) options.workers = o.workers;
    if (o.policy) options.policy = o.policy;
    if (o.on_error) options.on_error = o.on_error;
    return core.simulate(textOf(o.graph), options);
  });
  const analysis = (name) => memo(`an|${name}`, async () => {
    const a = await core.analyze(textOf(name), 64);
    if (!a.analysis) throw new Error(`graph \`${name}\` has errors: ${a.diagnostics[0]?.message}`);
    return a.analysis;
  });
  const real = (o) => {
    if (!run) throw new Error('this needs a real run: press Run');
    return memo(`run|${o.graph}|${o.workers}|${o.mode}|${o.policy}|${o.on_error}`, () =>
      run(scaleDurations(textOf(o.graph), scale), { workers: o.workers, mode: o.mode, policy: o.policy, on_error: o.on_error }));
  };
  const task = (r, id) => {
    const t = r.tasks.find((x) => x.id === id);
    if (!t) throw new Error(`no task \`${id}\``);
    return t;
  };
  const fns = {
    makespan: async (...a) => (await sim(opts(a))).makespan_ms,
    work: async (...a) => (await analysis(opts(a).graph)).work_ms,
    span: async (...a) => (await analysis(opts(a).graph)).span_ms,
    parallelism: async (...a) => (await analysis(opts(a).graph)).parallelism,
    lower: async (...a) => {
      const o = opts(a);
      const an = await analysis(o.graph);
      return Math.max(an.work_ms / (o.workers ?? 1), an.span_ms);
    },
    speedup: async (...a) => {
      const o = opts(a);
      return (await sim({ ...o, workers: 1 })).makespan_ms / (await sim(o)).makespan_ms;
    },
    start: async (...a) => { const o = opts(a, { task: true }); return task(await sim(o), o.task).start_ms; },
    finish: async (...a) => { const o = opts(a, { task: true }); return task(await sim(o), o.task).end_ms; },
    dur: async (...a) => {
      const o = opts(a, { task: true });
      const p = await memo(`parse|${o.graph}`, () => core.parse(textOf(o.graph)));
      const t = p.tasks.find((x) => x.id === o.task);
      if (!t) throw new Error(`no task \`${o.task}\``);
      return t.duration_us / 1000;
    },
    tasks: async (...a) => (await analysis(opts(a).graph)).tasks,
    cycle: async (...a) => {
      const d = (await core.check(textOf(opts(a).graph))).find((x) => /in a cycle/.test(x.message));
      const m = d && /: ([^(]*?) \(`x -> y`/.exec(d.message);
      return m ? new Set(m[1].split(' -> ')).size : 0;
    },
    attempts: async (...a) => (await sim(opts(a))).metrics.attempts,
    retries: async (...a) => (await sim(opts(a))).metrics.retries,
    failed: async (...a) => (await sim(opts(a))).metrics.tasks_failed,
    skipped: async (...a) => (await sim(opts(a))).metrics.tasks_skipped,
    done: async (...a) => (await sim(opts(a))).metrics.tasks_ok,
    wave_wait: async (...a) => (await sim(opts(a))).metrics.wave_wait_ms,
    real: async (...a) => (await real(opts(a))).makespan_ms / scale,
    real_speedup: async (...a) => {
      const o = opts(a);
      return (await real({ ...o, workers: 1 })).makespan_ms / (await real(o)).makespan_ms;
    },
    lost: async (...a) => {
      const r = await real(opts(a));
      if (!r.counter) throw new Error('this run has no `counter` tasks');
      return r.counter.lost;
    },
    updates: async (...a) => {
      const r = await real(opts(a));
      if (!r.counter) throw new Error('this run has no `counter` tasks');
      return r.counter.expected;
    },
    real_share: async (...a) => {
      const share = (await real(opts(a))).cpu_share?.share;
      return Number.isFinite(share) && share > 0 ? Math.min(1, share) : 1;
    },
    real_done: async (...a) => (await real(opts(a))).tasks.filter((t) => t.status === 'ok').length,
    real_failed: async (...a) => (await real(opts(a))).tasks.filter((t) => t.status === 'failed' || t.status === 'timeout').length,
    real_value: async (...a) => { const o = opts(a, { task: true }); return task(await real(o), o.task).value; },
  };
  return {
    /** The graph texts as evaluated (after edits and overrides). */
    graphs,
    /** The RunResults of the real runs made so far, by key. */
    cache,
    /** Evaluates an expression tree or text over this lesson. */
    eval: (tree, extra = {}) => evaluate(tree, {
      vars: { ...vars, ...extra },
      call: (name, args) => {
        if (!Object.hasOwn(fns, name)) throw new Error(`unknown function \`${name}\`: use one of ${Object.keys(FUNCTIONS).join(', ')}, or min, max, abs, round, floor, ceil, sqrt`);
        return fns[name](...args);
      },
    }),
    /** The simulated RunResult of a graph (for the Compare view). */
    simulate: (name = lesson.main ?? 'main', workers, extra = {}) => sim({ graph: name, workers, ...extra }),
    /** The real RunResult of a graph, times as measured (scaled, not scaled back). */
    run: (name = lesson.main ?? 'main', workers, mode, policy, on_error) => real({ graph: name, workers, mode, policy, on_error }),
    scale,
  };
}
