// The public entry point for pages and tests:
//   run(graphText, { workers, mode, onProgress, progressEveryMs, signal }) -> Promise<RunResult>
//   check(graphText) -> Promise<Diagnostic[]>
//   graph(graphText) -> Promise<{ tasks, diagnostics }>
//   analyze(graphText, { workers, mode }) -> Promise<{ analysis, diagnostics }>
//   convert(graphText, { from, to }) -> Promise<{ text, diagnostics }>
//   simulate(graphText, { workers, policy, seed, on_error, mode, dispatch }) -> Promise<RunResult>
//     (built lazily from compact columns; `result.columns` holds them; `dispatch: 'measured'`
//     charges the mode's pool's measured dispatch cost per attempt), dispatchCost()
//   groups(graphText, { budget, expanded }) -> Promise<grouped graph + layout>, for big graphs
//   makespans(graphText, { maxWorkers, mode }) -> Promise<number[]>, chromeTrace(graphText, result)
//   seedSweep(graphText, { seeds, workers, policy, on_error }) -> Promise<SeedSweep> (makespan percentiles)
//   capabilities() -> what the page allows
// It owns two engine workers: the run engine, one per (mode, workers), replaced when either
// changes or a run is cancelled; and the core engine (mode 'core': the threaded build on
// one thread where the page is isolated, else the plain one) for the
// core's pure functions, so parsing, analysis and simulation answer at once even while a
// threads run blocks the run engine, and a cancelled run takes no pending parse with it.
import { chooseMode, detectCapabilities } from '../shared/capabilities.js';
import { FromEngine, PROGRESS_STATES, ToEngine, deserializeError } from '../shared/messages.js';
import { lifeName, watchLife } from '../shared/liveness.js';
import { accept, engineReply } from '../shared/validate.js';

/** How many malformed messages each of the page's listeners ignored (see validate.js). */
export { ignoredMessages } from '../shared/validate.js';

/** Where malformed engine replies are counted (see validate.js). */
const FROM_ENGINE = 'the page (from the engine)';

/** The name of the error a request gets when its engine worker died under it (terminated,
 *  crashed, an uncaught error); a run's carries the partial result as `result`. */
export const ENGINE_FAILURE = 'EngineFailure';
import { compactRun } from './compact.js';

export const MAX_WORKERS = 32;
/** About how many groups `groups()` makes of a big graph (and `simulate` colours). */
export const GROUP_BUDGET = 160;

const caps = detectCapabilities();

/** What this page allows: `{ isolated, sharedArrayBuffer, wasmThreads, cores }`. */
export function capabilities() {
  return { ...caps };
}

/** The worker count used when none is given: the machine's cores, within limits. */
export function defaultWorkers() {
  return Math.min(caps.cores, MAX_WORKERS);
}

class EngineHandle {
  constructor(mode, workers) {
    this.mode = mode;
    this.workers = workers;
    this.nextId = 1;
    this.pending = new Map();
    this.worker = new Worker(new URL('../worker/engine.js', import.meta.url), { type: 'module', name: 'fanout-engine' });
    this.ready = new Promise((resolve, reject) => {
      this.pending.set('init', { resolve, reject });
    });
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onmessageerror = () => accept(FROM_ENGINE, undefined, () => 'it could not be deserialized');
    // An uncaught error leaves the engine in an unknown state: it is stopped like a dead one.
    this.worker.onerror = (e) => {
      e.preventDefault?.();
      this.died(`the engine worker failed: ${e.message ?? 'could not load'}`);
    };
    // Its death, however it comes, is seen through its life lock (see liveness.js), which
    // it holds before it says it is ready.
    const life = lifeName('engine');
    // The first engine measures the kernel calibration; one started meanwhile waits for it
    // (two measuring at once would slow each other's samples down) and is given it.
    // A run engine is given only a calibration measured by a run engine of its own build
    // (else it measures one, after its warm-up); the core engine measures the page's first.
    const given = mode === 'core' ? kernelCalibration : kernelCalibrations[buildOf(mode)];
    const start = () => this.worker.postMessage({ type: ToEngine.init, mode, workers, cpuRate, kernelCalibration: given, life });
    // A run engine that measures the CPU rate does so once the page is quiet (the core
    // engine has answered the page's start-up requests, the main thread has had an idle
    // moment; at most about a second): measured beside them, with more busy threads than
    // cores, every sample came out slow and every `cpu` task then ran up to 1.5x short.
    const gate = kernelCalibration || !calibrating ? Promise.resolve() : calibrating;
    (mode !== 'core' && !(cpuRate > 0) ? gate.then(() => pageQuiet()) : gate).then(start);
    if (!kernelCalibration && !calibrating) calibrating = this.ready.then((r) => r.kernelCalibration ?? null, () => null);
    this.ready.then((r) => {
      // A run engine that measured the rate again (its warm-up found the first measurement
      // too low) has the better one: later engines are given it.
      if (r.cpuRecalibrated && r.cpuRate > 0) cpuRate = r.cpuRate;
      else cpuRate ||= r.cpuRate ?? 0;
      if (mode === 'core') kernelCalibration ||= r.kernelCalibration ?? null;
      else kernelCalibrations[buildOf(mode)] ||= r.kernelCalibration ?? null;
      if (mode !== 'core' && Number.isFinite(r.dispatchMs)) dispatchCosts[mode] = r.dispatchMs;
      if (!this.stopped) this.stopWatching = watchLife(life, () => this.died('the engine worker died (terminated or crashed)'));
    }, () => {});
  }

  receive(data) {
    if (!accept(FROM_ENGINE, data, engineReply)) return;
    if (data.type === FromEngine.progress) {
      this.pending.get(data.id)?.onProgress?.(data.packed, data.ids);
      return;
    }
    const key = data.type === FromEngine.ready || (data.type === FromEngine.failed && data.id === undefined) ? 'init' : data.id;
    // Each real run brings the pool's dispatch cost up to date (its latest gaps).
    if (data.type === FromEngine.result && Number.isFinite(data.dispatchMs) && this.mode !== 'core') dispatchCosts[this.mode] = data.dispatchMs;
    if (data.retire) {
      // The engine's wasm instance trapped (a task panicked): answer this request, then
      // replace the engine on the next call.
      this.broken = true;
      setTimeout(() => this.terminate(new Error('the engine was replaced after a task panicked')), 0);
    }
    const waiter = this.pending.get(key);
    if (!waiter) return;
    this.pending.delete(key);
    if (data.type === FromEngine.failed) waiter.reject(deserializeError(data.error));
    else waiter.resolve(data);
  }

  failAll(err) {
    for (const w of this.pending.values()) w.reject(err);
    this.pending.clear();
    this.broken = true;
  }

  /** Sends a request; `onProgress` receives the engine's progress batches for it. */
  async request(message, onProgress) {
    await this.ready;
    if (this.stopped) throw this.stopReason; // it stopped while the request waited
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ ...message, id });
    });
  }

  /** Resolves once every request sent so far has been answered (or failed). */
  async idle() {
    while (this.pending.size) {
      await Promise.allSettled([...this.pending.values()].map((w) => new Promise((r) => {
        const { resolve, reject } = w;
        w.resolve = (v) => { r(); resolve(v); };
        w.reject = (e) => { r(); reject(e); };
      })));
    }
  }

  /** Stops the engine and everything it started (its pool workers go with it). */
  terminate(reason = new Error('the engine was replaced')) {
    if (!this.stopped) this.stopReason = reason;
    this.stopped = true;
    this.stopWatching?.();
    this.worker.terminate();
    this.failAll(reason);
  }

  /** The engine worker died or failed on its own: every request fails with an
   *  `EngineFailure` saying `why`, and the worker (and its pool) is stopped. */
  died(why) {
    if (this.stopped) return;
    const err = new Error(why);
    err.name = ENGINE_FAILURE;
    this.terminate(err);
  }
}

let engine = null;
/** This machine's CPU work rate, measured by the first engine and reused by later ones:
 *  measuring again under whatever load a new engine starts in would only add noise. */
let cpuRate = 0;
/** This machine's kernel cost-model calibration, measured by the first engine (the core
 *  engine, usually) and given to later ones, so the page measures it once. */
let kernelCalibration = null;
/** Per wasm build (`plain`: workers and async modes; `threads`), the kernel calibration a
 *  run engine of that build measured after its warm-up, the way its mode runs kernels:
 *  analyses and simulations for that mode price kernels with it once it is known. */
const kernelCalibrations = { plain: null, threads: null };
/** The wasm build a mode runs kernels in. */
const buildOf = (mode) => (mode === 'threads' ? 'threads' : 'plain');
/** The calibration for a core call about `mode` ('auto': the mode a run would choose), or
 *  undefined (the core engine's own) while no run engine of that build has measured one. */
function calibrationFor(mode = 'auto') {
  return kernelCalibrations[buildOf(runModeOf(mode))] ?? undefined;
}
/** The run mode `mode` stands for ('auto': the one a run would choose). */
const runModeOf = (mode) => (mode === 'auto' ? chooseMode('auto', caps).mode : mode);
/** The first engine's init while it measures the calibration (see `EngineHandle`). */
let calibrating = null;
/** Per run mode, the dispatch cost (ms per attempt) its latest pool measured, on its warm-up
 *  run and then over its latest runs (www/shared/dispatch-gap.js): what `simulate(…,
 *  { dispatch: 'measured' })` charges. */
const dispatchCosts = {};
/** The dispatch cost in µs a simulation for `mode` charges: `dispatch` is 'measured' (the
 *  cost the mode's pool measured, if one started in this page), a number of ms, or absent. */
function dispatchFor(dispatch, mode = 'auto') {
  if (dispatch === undefined || dispatch === null) return undefined;
  if (dispatch === 'measured') {
    const ms = dispatchCosts[runModeOf(mode)];
    return ms > 0 ? Math.round(ms * 1000) : undefined;
  }
  if (!(typeof dispatch === 'number' && dispatch >= 0 && dispatch <= 10_000)) throw new RangeError("dispatch must be 'measured' or a number of ms from 0 to 10000");
  return Math.round(dispatch * 1000);
}
/** What the page's pools measured as their dispatch cost, ms per attempt, by mode. */
export function dispatchCost() {
  return { ...dispatchCosts };
}

function engineFor(mode, workers) {
  if (engine && !engine.broken && engine.mode === mode && engine.workers === workers) return engine;
  engine?.terminate();
  engine = new EngineHandle(mode, workers);
  return engine;
}

/** Real runs start a Web Worker per worker, so they allow up to MAX_WORKERS; simulation
 *  and analysis are arithmetic and allow many more. */
function validateWorkers(workers, max = MAX_WORKERS) {
  if (!Number.isInteger(workers) || workers < 1 || workers > max) {
    throw new RangeError(`workers must be a whole number from 1 to ${max}, got ${workers}`);
  }
}

/**
 * Unpacks the engine's progress (five numbers an event, ids sent once) and delivers it to
 * `callback` as objects at most once per animation frame, in order. Returns
 * `{ push(packed, ids), flush(), seen(), total }`; `seen()` maps task index → latest event.
 * Without a callback nothing is unpacked until `seen()` is asked for (a cancel): a run
 * nobody watches costs only the packed arrays.
 */
function frameBatcher(callback, everyMs = 0) {
  let deliveries = 0;
  const interval = () => (typeof everyMs === 'function' ? everyMs(deliveries) : everyMs);
  let queued = [];
  let frame = 0;
  let timer = 0;
  let lastFlush = performance.now(); // with `everyMs`, the first delivery also waits for it
  let ids = [];
  const chunks = [];
  const event = (packed, i) => {
    const state = PROGRESS_STATES[packed[i + 2]];
    return { task: packed[i], id: ids[packed[i]], worker: packed[i + 1], state, start_ms: packed[i + 3], end_ms: state === 'running' ? null : packed[i + 4] };
  };
  const flush = () => {
    if (frame) cancelAnimationFrame(frame);
    clearTimeout(timer);
    frame = 0;
    timer = 0;
    lastFlush = performance.now();
    if (queued.length && callback) {
      deliveries++;
      callback(queued, ids.length);
    }
    queued = [];
  };
  return {
    flush,
    /** How many tasks the run has (known from its first progress batch). */
    get total() {
      return ids.length;
    },
    /** The run's task ids by index (from its first progress batch). */
    get ids() {
      return ids;
    },
    seen() {
      const seen = new Map();
      for (const packed of chunks) for (let i = 0; i < packed.length; i += 5) seen.set(packed[i], event(packed, i));
      return seen;
    },
    push(packed, newIds) {
      if (newIds) ids = newIds;
      chunks.push(packed);
      if (!callback) return;
      for (let i = 0; i < packed.length; i += 5) queued.push(event(packed, i));
      // Per frame, or at most every `everyMs` on a timer: a frame requested for every batch
      // keeps the compositor ticking for the whole run, on the cores the workers need.
      const every = interval();
      if (every > 0) {
        if (!timer) timer = setTimeout(flush, Math.max(0, lastFlush + every - performance.now()));
      } else if (!frame) frame = requestAnimationFrame(flush);
    },
  };
}

/**
 * Writes the engine's `faults` (`{ task (index), worker, start_ms, reason }`: why attempts
 * failed when their worker crashed or died) into `result`: as `error` on the failed attempt
 * of that task, worker and start, and as `result.faults` with task ids.
 */
function attachFaults(result, faults, ids) {
  const byId = new Map(result.tasks.map((t) => [t.id, t]));
  result.faults = faults.map(({ task, worker, start_ms, reason }) => {
    const id = ids[task];
    const attempts = byId.get(id)?.attempts ?? [];
    let best = null;
    for (const a of attempts) {
      if (a.status !== 'failed' || a.worker !== worker) continue;
      if (!best || Math.abs(a.start_ms - start_ms) < Math.abs(best.start_ms - start_ms)) best = a;
    }
    if (best) best.error = reason; // shown as the attempt's reason (results.js)
    return { id, worker, start_ms, reason };
  });
}

/** The partial RunResult of a cancelled run, from the progress seen before the cancel;
 *  `tasks_total` is how many tasks the run had. */
function partialResult(mode, workers, seen, cancelledAt, total) {
  const tasks = [...seen.values()].sort((a, b) => a.task - b.task).map((e) => ({
    id: e.id,
    worker: e.worker,
    start_ms: e.start_ms,
    end_ms: e.state === 'running' ? cancelledAt : e.end_ms,
    status: e.state === 'running' ? 'cancelled' : e.state,
  }));
  const makespan_ms = Math.max(0, ...tasks.map((t) => t.end_ms));
  return { mode, workers, makespan_ms, tasks, tasks_total: total, cancelled: true };
}

/**
 * Runs a graph for real. `mode` is 'auto' (default: threads where the page allows them,
 * otherwise workers), 'threads', 'workers' or 'async'. `policy`, `seed` and `on_error`
 * override the graph's declarations, as for `simulate`. Rejects with an Error whose
 * `diagnostics` list every problem when the text is not a valid graph.
 *
 * `onProgress(events, total)` receives task state changes while the run goes (and the
 * run's number of tasks), batched per
 * animation frame: `[{ task, id, worker, state, start_ms, end_ms }]`, where `state` is
 * 'running' when an attempt starts, then how it ended: 'ok', 'failed' or 'timeout'.
 * `progressEveryMs` > 0 delivers them at most that often instead (the first time too), on a
 * timer, requesting no animation frames; a function `(n) => ms` gives the wait before the
 * n-th delivery (0-based). The playground waits 200 ms, then 1.5× longer each time up to 1 s:
 * each frame costs the workers' cores.
 * Aborting `signal` cancels the run in any mode: the engine and its workers are stopped at
 * once, and the promise rejects with an `AbortError` whose `result` is the partial RunResult
 * (tasks that had not finished are `cancelled`; tasks never started are absent).
 *
 * The run's clock starts once its engine is ready: `startup_ms` in the result is how long
 * the call waited for the engine first (wasm, CPU calibration, pool, a warm-up run, and then
 * for the page's own start-up work to finish, at most a second more; 0 after `prewarm()`),
 * outside the makespan. `cpu_share` says how much of the time they asked for
 * the workers got (see docs/performance.md).
 * @returns {Promise<import('../shared/messages.js').RunResult>}
 */
export async function run(graphText, { workers = defaultWorkers(), mode = 'auto', policy, seed, on_error, onProgress, progressEveryMs = 0, signal } = {}) {
  validateWorkers(workers);
  signal?.throwIfAborted();
  const called = performance.now();
  let choice = chooseMode(mode, caps);
  let handle = engineFor(choice.mode, workers);
  try {
    await handle.ready;
  } catch (e) {
    // In auto mode, a thread pool that cannot start (memory, a browser quirk) is not the
    // end of the run: fall back to the worker pool and say why.
    if (mode !== 'auto' || choice.mode !== 'threads') throw e;
    choice = { mode: 'workers', reason: `fell back to workers because the thread pool failed to start: ${e.message}` };
    handle = engineFor(choice.mode, workers);
  }
  // A run that had to start its engine (the first after a page load, usually) also waits
  // for the rest of the page's start-up: the core engine's answers (parse, analysis, the
  // speedup curve) and an idle moment of the main thread. On a machine with few cores that
  // work would otherwise run beside the first run's tasks and make it look slow.
  if (performance.now() - called >= 1) {
    await Promise.race([pageQuiet(), new Promise((r) => signal?.addEventListener('abort', r, { once: true }))]);
  }
  if (signal?.aborted) {
    // Cancelled while it waited for its start-up: nothing ran, the engine stays.
    const err = new DOMException('the run was cancelled', 'AbortError');
    err.result = { ...partialResult(choice.mode, workers, new Map(), 0, 0), isolated: caps.isolated, reason: choice.reason };
    throw err;
  }
  const batcher = frameBatcher(onProgress, progressEveryMs);
  const started = performance.now();
  // What the run waited for before its clock started (loading the wasm, calibrating,
  // starting the pool): 0 when the engine was ready, as after prewarm(). Marked for profilers.
  const startup_ms = started - called;
  performance.mark('fanout-run-start');
  const onAbort = () => {
    batcher.flush();
    const err = new DOMException('the run was cancelled', 'AbortError');
    err.result = { ...partialResult(choice.mode, workers, batcher.seen(), performance.now() - started, batcher.total), isolated: caps.isolated, reason: choice.reason };
    handle.terminate(err);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const options = { policy, seed, on_error };
    const { resultJson, compact, faults } = await handle.request({ type: ToEngine.run, text: String(graphText), options }, (packed, ids) => batcher.push(packed, ids));
    performance.mark('fanout-run-end');
    // A big result arrives in columns (see compact.js): its tasks become objects only if read.
    const result = compact ? compactRun(compact) : JSON.parse(resultJson);
    batcher.flush();
    if (faults) attachFaults(result, faults, batcher.ids);
    // Assigned, not spread: spreading would read a compact result's lazy `tasks`.
    // `pool_dispatch_ms`: the pool's usual hand-off, this run's gaps included (null until it
    // has measured one), against which the results panel judges this run's hand-offs.
    return Object.assign(result, { startup_ms, isolated: caps.isolated, reason: choice.reason, pool_dispatch_ms: dispatchCosts[choice.mode] ?? null });
  } catch (e) {
    if (e?.name !== ENGINE_FAILURE) throw e;
    // The engine died mid-run: what ended so far stands, the rest is cancelled.
    batcher.flush();
    const partial = partialResult(choice.mode, workers, batcher.seen(), performance.now() - started, batcher.total);
    const ended = partial.tasks.filter((t) => t.status !== 'cancelled').length;
    const err = new Error(`${e.message} during the run: ${ended} of ${partial.tasks_total} tasks had ended; the rest were cancelled`);
    err.name = ENGINE_FAILURE;
    err.result = { ...partial, isolated: caps.isolated, reason: choice.reason, failure: e.message };
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

let core = null;

/** Resolves once the core engine has answered everything asked of it so far and the main
 *  thread has had an idle moment (at most about a second in all when the page stays busy). */
async function pageQuiet() {
  const limit = new Promise((r) => setTimeout(r, 1000));
  const idleMain = () => new Promise((r) => (globalThis.requestIdleCallback ?? setTimeout)(r, { timeout: 500 }));
  await Promise.race([limit, (async () => { if (core && !core.broken) await core.idle(); await idleMain(); })()]);
}

/** The core engine: started on first use, replaced if it ever breaks. */
function coreEngine() {
  if (!core || core.broken) core = new EngineHandle('core', 0);
  return core;
}

/** Calls one of the core's pure functions (CORE_CALLS) in the core engine. */
async function callCore(fn, ...args) {
  const { value } = await coreEngine().request({ type: ToEngine.call, fn, args });
  return value;
}

/** `callCore` pricing kernels with `mode`'s calibration (see `calibrationFor`). */
async function callCoreFor(mode, fn, ...args) {
  const calibration = calibrationFor(mode);
  const { value } = await coreEngine().request({ type: ToEngine.call, fn, args, ...(calibration ? { calibration } : {}) });
  return value;
}

/**
 * Starts a run engine for `mode` and `workers` ahead of the first run (loading the wasm,
 * measuring the CPU rate, starting the pool), so pressing Run does not wait for it. Never
 * replaces a run engine that exists: a run may be using it. Resolves to `{ mode, workers }`
 * of the engine that is there once it is ready; a failure is left for the run to report.
 */
export async function prewarm({ workers = defaultWorkers(), mode = 'auto' } = {}) {
  validateWorkers(workers);
  const handle = engine && !engine.broken ? engine : engineFor(chooseMode(mode, caps).mode, workers);
  await handle.ready.catch(() => {});
  return { mode: handle.mode, workers: handle.workers };
}

/**
 * Every diagnostic for `graphText`, computed by the core in the engine worker.
 * `format`: 'dag' (default), 'json', 'stg' or 'dot'.
 */
export async function check(graphText, { format = 'dag' } = {}) {
  return callCore('check', String(graphText), format);
}

/**
 * The graph's structure for views: `{ tasks: GraphTask[], groups?, diagnostics }`; `tasks` is
 * empty when the text has errors; `groups` (absent without any) is `[{ name, parent, workers,
 * on_error, tasks: [id] }]`, parents first, each group's own task ids.
 */
export async function graph(graphText) {
  return callCore('parse', String(graphText));
}

/**
 * How parallel the graph is, before anything runs: `{ analysis, diagnostics }` with
 * `analysis` = `{ work_ms, span_ms, parallelism, critical_path, levels, bounds: [{ workers,
 * lower_ms, greedy_upper_ms, max_speedup }], … }` for 1..`workers` workers, or null when
 * the text has errors.
 */
export async function analyze(graphText, { workers = defaultWorkers(), format = 'dag', mode = 'auto' } = {}) {
  validateWorkers(workers, 4096);
  return callCoreFor(mode, 'analyze', String(graphText), workers, format);
}

/** Converts between formats: `from` dag|json|stg|dot, `to` dag|json → `{ text, diagnostics }`. */
export async function convert(graphText, { from = 'dag', to = 'json' } = {}) {
  return callCore('convert', String(graphText), from, to);
}

/**
 * Simulates the graph exactly, in virtual time: a RunResult with `mode: 'simulated'`, per
 * task `attempts`, `ready_ms`, `unblocked_ms`, `value`, and `metrics`, `result`,
 * `lower_bound_ms`, `work_ms`, `span_ms`. Options absent here come from the graph's
 * declarations. Instant for any worker count.
 */
export async function simulate(graphText, { workers, policy, seed, on_error, mode = 'auto', dispatch } = {}) {
  if (workers !== undefined) validateWorkers(workers, 4096);
  const dispatch_us = dispatchFor(dispatch, mode);
  // The core answers in columns (typed arrays, transferred): `tasks` and `result` are built
  // from them on first read, and views draw from `result.columns` without building them.
  // Kernels are priced with the calibration of `mode`'s build once a run engine measured it
  // (`kernel_calibration.setting` says which).
  // `dispatch` ('measured', or ms) charges each attempt a pool's dispatch cost (the result's
  // `dispatch_ms` says what was charged; none for graphs the pool pipelines): the exact
  // simulation is the default.
  return compactRun(await callCoreFor(mode, 'simulate_compact', String(graphText), { workers, policy, seed, on_error, dispatch_us }, GROUP_BUDGET, []));
}

/**
 * A big graph's structure for views, computed in the core engine: `{ n, edges, diagnostics,
 * ids, idEnds, lines, kinds, durations, groupOf, groups, groupEdges, layout, bandLevels }`
 * (typed arrays per task; at most about `budget` groups, `expanded` families task by task;
 * `layout` is the core's layered layout of the groups). See src/wasm/compact.rs.
 */
export async function groups(graphText, { budget = GROUP_BUDGET, expanded = [] } = {}) {
  return callCore('group_graph', String(graphText), budget, [...expanded].map(String));
}

/** `analyze` without the per-task `levels` and `topo_order` (empty): for big graphs. */
export async function analyzeSummary(graphText, { workers = defaultWorkers() } = {}) {
  validateWorkers(workers, 4096);
  return callCore('analyze_summary', String(graphText), workers);
}

/** Simulated makespans (ms) on 1..`maxWorkers` workers: the data of a speedup chart. */
export async function makespans(graphText, { maxWorkers = defaultWorkers(), policy, seed, on_error, mode = 'auto' } = {}) {
  validateWorkers(maxWorkers, 4096);
  return Array.from(await callCoreFor(mode, 'makespans', String(graphText), maxWorkers, { policy, seed, on_error }));
}

/** The makespan distribution over `seeds` simulations (seeds `seed`, `seed`+1, …): a
 *  SeedSweep `{ first_seed, makespans_ms, busy_ms, p50_ms, p90_ms, p99_ms, mean_ms, min_ms,
 *  max_ms, mean_busy_ms }` (src/sim/seeds.rs). */
export async function seedSweep(graphText, { seeds = 100, workers, policy, seed, on_error } = {}) {
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 10000) throw new RangeError('seeds must be a whole number from 1 to 10000');
  if (workers !== undefined) validateWorkers(workers, 4096);
  return callCore('simulate_seeds', String(graphText), seeds, { workers, policy, seed, on_error });
}

/** For benchmarks: simulates a generated DAG of `tasks` tasks on `workers` workers in the
 *  engine's wasm; resolves to `{ schedule_ms, full_ms }`. */
export async function benchmarkSimulate(tasks, workers) {
  return callCore('benchmark_simulate', tasks, workers);
}

/** A RunResult of `graphText` as Chrome Trace Event Format JSON text (opens in Perfetto). */
export async function chromeTrace(graphText, result) {
  return callCore('chrome_trace', String(graphText), result);
}

/** The simulated timeline of `graphText` as SVG text (the core's `trace::svg`), `width`
 *  user units wide; ids in it are escaped. Options as for `simulate`. */
export async function ganttSvg(graphText, { workers, policy, seed, on_error } = {}, width = 640) {
  if (workers !== undefined) validateWorkers(workers, 4096);
  return callCore('gantt_svg', String(graphText), { workers, policy, seed, on_error }, Number(width));
}

/**
 * The graph as a standalone Python script for `target` (`'dask'` or `'asyncio'`), as
 * `fanout export` writes it: `{ text, errors: [{ line, col, message }] }`, `text` null when
 * the target cannot express the graph.
 */
export async function exportPython(graphText, target) {
  return callCore('export_python', String(graphText), String(target));
}

/**
 * A measured timeline (Chrome Trace Event JSON text: an exported script's trace, fanout's own,
 * a Dask task stream, Ray's ray.timeline()) as a run of `graphText`'s graph: `{ result,
 * lanes, unmatched: [[name, events]], missing, ignored_events }`; `result` has the RunResult
 * shape (mode `imported …`). Rejects with the reason when the trace is not one.
 */
export async function importTrace(traceText, graphText = '') {
  return callCore('import_trace', String(traceText), String(graphText));
}
