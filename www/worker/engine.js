// The engine: a dedicated worker that owns one wasm build and runs graphs with it, so no
// blocking wait and no long computation ever happens on the page's main thread.
//  - threads: the threaded build; Rust schedules and runs the graph on a rayon pool of wasm
//    threads (Web Workers sharing this worker's wasm memory), blocking this worker meanwhile.
//  - workers: the plain build; the Rust scheduler (Engine) runs here and tasks are posted to
//    a pool of task workers, each with its own instance of the same compiled module.
//  - async: the plain build on this worker's one event loop: every ready task in flight at
//    once (the worker count does not bound it; `limit` does): `io` tasks are timers that
//    overlap, `cpu` tasks block the loop (and every timer), so they run one at a time.
//  - core: the core's pure functions only (parse, check, analyze, simulate…), never blocked
//    by a run, so the views stay live while a threads run blocks its engine. It runs no
//    graphs and measures no CPU rate. It loads the build the page's runs load: the threaded
//    one where the page is cross-origin isolated (on one thread, no pool), else the plain
//    one, so a page downloads one wasm module, not two.
// While a run goes, state changes are posted as `progress` batches (about every 16 ms).
import { CORE_CALLS, FromEngine, FromTaskWorker, ToEngine, ToTaskWorker, nowAbsMs, serializeError } from '../shared/messages.js';
import { holdLife, lifeName, watchLife } from '../shared/liveness.js';
import { accept, engineRequest, taskWorkerReply } from '../shared/validate.js';
import { DispatchCost } from '../shared/dispatch-gap.js';

/** @type {{ mode: string, workers: number, pkg: any, pool?: Worker[] } | null} */
let state = null;

const PKG = {
  threads: new URL('../pkg/threads/fanout.js', import.meta.url),
  plain: new URL('../pkg/plain/fanout.js', import.meta.url),
};

/**
 * The CPU work rate for `cpu` tasks: the one the page measured before (`given`), or a
 * measurement now. Measured before any pool starts: a pool's new workers compile the wasm
 * module, and a calibration beside them would come out far too slow.
 */
function cpuRateFor(pkg, given) {
  if (given > 0) {
    pkg.set_cpu_rate(given);
    return given;
  }
  return pkg.calibrate_cpu();
}

/** The build for the core engine, initialised: the threaded one where this worker may share
 *  memory (the page is isolated), the plain one otherwise or if that fails to start. */
async function coreBuild() {
  if (self.crossOriginIsolated && typeof SharedArrayBuffer === 'function') {
    try {
      const pkg = await import(PKG.threads);
      await pkg.default();
      return pkg;
    } catch {
      // fall through: the plain build works everywhere
    }
  }
  const pkg = await import(PKG.plain);
  await pkg.default();
  return pkg;
}

/**
 * The kernels' cost-model calibration (analysis, simulation and metrics price kernel
 * tasks with it): the one the page measured before (`given`), or a measurement now
 * (100 ms to 1 s). A run engine measures its own build's (the calibration's `setting`:
 * plain for workers and async, threads for threads), after its pool's warm-up: kernels run
 * differently in the two builds (the threads build's shared memory makes the `counter`
 * kernel's loads and stores atomic instructions), and a calibration measured at page load,
 * in code V8 had not optimised yet, priced `primes` 3.6x too slow.
 */
function kernelCalibrationFor(pkg, given) {
  if (given) {
    pkg.set_kernel_calibration(given);
    return given;
  }
  return pkg.calibrate_kernels();
}

async function init({ mode, workers, cpuRate: given, kernelCalibration: givenCal, life }) {
  await holdLife(life); // the client learns of this worker's death through it (liveness.js)
  if (mode === 'threads') {
    const pkg = await import(PKG.threads);
    await pkg.default();
    const cpuRate = cpuRateFor(pkg, given); // shared by every thread of the pool
    const threads = await pkg.startThreadPool(workers);
    state = { mode, workers, pkg, cpuRate };
    const { warmUpMs, cpuRecalibrated } = await warmUpChecked();
    const kernelCalibration = givenCal
      ? kernelCalibrationFor(pkg, givenCal)
      : await poolCalibration(pkg, (text) => pkg.runThreads(text, () => {}, undefined));
    return { mode, workers, threads, cpuRate: state.cpuRate, cpuRecalibrated, kernelCalibration, warmUpMs, dispatchMs: state.dispatchMs };
  }
  if (mode === 'core') {
    const pkg = await coreBuild();
    const kernelCalibration = kernelCalibrationFor(pkg, givenCal); // the views' analyses use it
    state = { mode, workers: 0, pkg, ownCalibration: kernelCalibration };
    performance.mark('fanout-parser-warm-up-start');
    const warmUpMs = warmUpParser();
    performance.mark('fanout-parser-warm-up-end');
    return { mode, workers: 0, kernelCalibration, warmUpMs };
  }
  const pkg = await import(PKG.plain);
  const module = await WebAssembly.compileStreaming(fetch(new URL('fanout_bg.wasm', PKG.plain)));
  await pkg.default({ module_or_path: module });
  const cpuRate = cpuRateFor(pkg, given); // every pool worker gets it
  const pool = mode === 'workers'
    ? await Promise.all(Array.from({ length: workers }, (_, i) => startTaskWorker(module, i, cpuRate)))
    : [];
  state = { mode, workers, pkg, pool, module, cpuRate };
  const { warmUpMs, cpuRecalibrated } = mode === 'workers' ? await warmUpChecked() : { warmUpMs: 0, cpuRecalibrated: false };
  const kernelCalibration = mode === 'workers' && !givenCal
    ? await poolCalibration(pkg, (text) => runOnPool(text, undefined, new ProgressStream(null, { silent: true })))
    : kernelCalibrationFor(pkg, givenCal);
  return { mode, workers, cpuRate: state.cpuRate, cpuRecalibrated, kernelCalibration, warmUpMs, dispatchMs: state.dispatchMs ?? null };
}

/** How many times a run engine runs its pool calibration graph (see poolCalibration); the
 *  first run is left out of the figures. */
const POOL_CALIBRATION_RUNS = 6;

/**
 * The kernel calibration of a run engine that was given none, measured on its warm pool:
 * first in this instance (calibrate_kernels, the fallback, and the figure for samples too
 * short to time on the pool), then by running the pool calibration graph (every class's
 * sample, one at a time) POOL_CALIBRATION_RUNS times through `runGraph` (text -> RunResult
 * JSON, or a promise of it), pricing each class from what its sample took there. On the
 * project's 2-core VM a sample run as a task took 10-20 % longer than the instance's
 * back-to-back calibration priced it, in both builds; the runs' tasks run the way these do.
 * About 100-150 ms on top of the instance's calibration.
 */
async function poolCalibration(pkg, runGraph) {
  const base = pkg.calibrate_kernels();
  try {
    const text = pkg.pool_calibration_graph();
    const runs = [];
    for (let n = 0; n < POOL_CALIBRATION_RUNS; n++) runs.push(await runGraph(text));
    return pkg.calibrate_kernels_from_runs(runs);
  } catch {
    pkg.set_kernel_calibration(base); // a pool that fails here reports it on the first run
    return base;
  }
}

/** A small graph of short CPU tasks on every worker, with a join: what a run does, briefly. */
const WARM_UP_GRAPH = 'w[1..32] : cpu 2ms\nj : cpu 2ms after w[*]';
/** How many times the warm-up runs WARM_UP_GRAPH (see warmUp). */
const WARM_UP_RUNS = 3;
/** Every kernel, small, a few times on every worker (see warmUp): about 1 ms each. */
const KERNEL_WARM_UP_GRAPH = [
  'kp[1..4] : primes 0..300k',
  'km[1..4] : mandelbrot 64 iter 256',
  'kh[1..4] : hash 512k',
  'ks[1..4] : sort 40k',
  'kw[1..4] : wordcount',
  'kc[1..4] : counter 400k plain',
  'ka[1..4] : counter 200k atomic',
].join('\n');
/** How many times the warm-up runs KERNEL_WARM_UP_GRAPH, before WARM_UP_GRAPH. */
const KERNEL_WARM_UP_RUNS = 2;

/**
 * Runs WARM_UP_GRAPH (about 35 ms of work on 2 workers) WARM_UP_RUNS times, unseen, before
 * the engine says it is ready: the first real run then finds the scheduler, the dispatch path
 * and the pool's code compiled and optimised instead of paying for it inside its makespan.
 * V8 runs new wasm code in its baseline tier (Liftoff) and, once a function has used up its
 * tiering budget, compiles it with TurboFan on a background thread — on the cores the run's
 * tasks need. A Chromium trace of the first run after load (`node scripts/trace-first-run.mjs`)
 * showed one such compile in the threads build (the coordinator), 13–19 ms of CPU over some
 * 80–250 ms, inside the first run after a single warm-up, at the end of the warm-up after two;
 * after three it happens here, and the client's wait for the page's start-up lets it finish.
 * The last run also measures the pool's dispatch cost (`state.dispatchMs`, see
 * dispatch-gap.js; null if it could not; every real run after adds to it, see
 * measureDispatch) and the share of their time its cpu tasks got
 * (`state.warmUpShare`, for recheckCpuRate). Takes about 100 ms; resolves to how many ms.
 */
async function warmUp() {
  const t0 = nowAbsMs();
  const done = () => nowAbsMs() - t0;
  performance.mark('fanout-warm-up-start');
  // A warm-up that fails costs nothing but its purpose: the first real run reports the fault.
  state.dispatchMs = null;
  state.dispatchCost = new DispatchCost();
  state.warmUpShare = null;
  const measure = (resultJson) => {
    try {
      const r = JSON.parse(resultJson);
      state.dispatchMs = state.dispatchCost.add(r);
      state.warmUpShare = r.cpu_share?.share ?? null;
    } catch {
      state.dispatchMs = null;
    }
  };
  if (state.mode === 'threads') {
    try {
      let last;
      for (let n = 0; n < KERNEL_WARM_UP_RUNS; n++) state.pkg.runThreads(KERNEL_WARM_UP_GRAPH, () => {}, undefined);
      for (let n = 0; n < WARM_UP_RUNS; n++) last = state.pkg.runThreads(WARM_UP_GRAPH, () => {}, undefined);
      measure(last);
    } catch {
      return -1;
    }
    performance.mark('fanout-warm-up-end');
    return done();
  }
  const graphs = [...Array(KERNEL_WARM_UP_RUNS).fill(KERNEL_WARM_UP_GRAPH), ...Array(WARM_UP_RUNS).fill(WARM_UP_GRAPH)];
  const once = (n) => (n < graphs.length
    ? runOnPool(graphs[n], undefined, new ProgressStream(null, { silent: true })).then((json) => { if (n === graphs.length - 1) measure(json); return once(n + 1); })
    : (performance.mark('fanout-warm-up-end'), done()));
  return once(0).catch(() => -1);
}

/** The warm-up's cpu tasks ran this much faster than they asked (their `cpu_share`): the
 *  CPU rate was measured too low, and is measured again (see recheckCpuRate). */
const CPU_RATE_RECHECK_ABOVE = 1.25;

/**
 * Measures the CPU rate again when the warm-up's `cpu` tasks ran well short of their
 * durations (`cpu_share` above CPU_RATE_RECHECK_ABOVE: more time "got" than asked, which
 * only a rate measured too low gives), and hands the new rate to the pool. Returns whether
 * it did.
 *
 * Why it happens: V8 runs new wasm code in its baseline tier and compiles optimised code on
 * a background thread, in one queue per module. At page load the core engine's parser
 * warm-up queues a compile of 80-165 ms of CPU for the same plain module, and a calibration
 * that ran meanwhile measured the baseline tier's speed: CI saw 8 x `cpu 50ms` on 8 workers
 * end in 59 ms on 2 cores, every task about 4x short. By the end of the warm-up the pool has
 * run the work loop enough for the optimised code to be there.
 */
function recheckCpuRate() {
  const share = state.warmUpShare;
  if (!(share > CPU_RATE_RECHECK_ABOVE)) return false;
  const rate = state.pkg.calibrate_cpu(); // this instance's (the threads build: every pool thread's)
  state.cpuRate = rate;
  for (const w of state.pool ?? []) w.postMessage({ type: ToTaskWorker.rate, cpuRate: rate });
  return true;
}

/** warmUp, then recheckCpuRate, and warmUp again if the rate was measured again:
 *  resolves to `{ warmUpMs, cpuRecalibrated }`. */
async function warmUpChecked() {
  let warmUpMs = await warmUp();
  const cpuRecalibrated = recheckCpuRate();
  if (cpuRecalibrated) warmUpMs += await warmUp();
  return { warmUpMs, cpuRecalibrated };
}

/** A graph text of some 400 lines (comments, families, dependencies) for warmUpParser. */
const PARSER_WARM_UP_TEXT = Array.from({ length: 400 }, (_, i) => (i === 0 ? 'a0 : cpu 1ms' : i % 50 === 0
  ? `# part ${i / 50}\nf${i}[1..4] : cpu 1ms after a${i - 1}\na${i} : io 1ms after f${i}[*]`
  : `a${i} : cpu ${i % 7}ms after a${i - 1}`)).join('\n');
/** How long the parser's warm-up checks PARSER_WARM_UP_TEXT back to back: enough to use up
 *  V8's tiering budget of the parser (measured: the compile starts within a few ms). */
const PARSER_WARM_UP_MS = 60;

/**
 * Starts the optimisation of the parser before any run needs it: checks PARSER_WARM_UP_TEXT
 * back to back for PARSER_WARM_UP_MS. The parser and validator are one large function after
 * wasm-opt (some 70 KB); V8 runs it in its baseline tier (Liftoff) and, once it has run
 * enough, compiles it with TurboFan on a background thread. A Chromium trace of the first runs
 * after load (`node scripts/trace-first-run.mjs`) showed that compile take 80–165 ms of CPU
 * (0.3–0.8 s of wall time at load 6–8) inside a run — the third or a later one with the
 * pool's warm-up alone, the first when the run engine warmed the parser itself — on the cores
 * the run's tasks needed. The core engine does it as it starts, at page load: the run engine
 * loads the same module (V8 shares the compiled module, and its optimised code, between the
 * workers of a page), so the compile runs during the page's start-up, which a first run
 * waits for. Returns the ms it took.
 */
function warmUpParser() {
  const t0 = nowAbsMs();
  try {
    do state.pkg.check(PARSER_WARM_UP_TEXT, undefined);
    while (nowAbsMs() - t0 < PARSER_WARM_UP_MS);
  } catch {
    return -1;
  }
  return nowAbsMs() - t0;
}

/** Starts one pool worker and resolves once its wasm instance is ready. */
function startTaskWorker(module, worker, cpuRate) {
  return new Promise((resolve, reject) => {
    const w = spawnTaskWorker(module, worker, cpuRate);
    w.onmessage = ({ data }) => {
      if (!accept(FROM_TASK_WORKER, data, taskWorkerReply)) return;
      if (data.type === FromTaskWorker.ready) {
        watchTaskWorker(w, worker);
        resolve(w);
      } else if (data.type === FromTaskWorker.failed) reject(new Error(`task worker ${worker}: ${data.error.message}`));
    };
    w.onerror = (e) => reject(new Error(`task worker ${worker} failed to start: ${e.message ?? 'unknown error'}`));
  });
}

/** A new pool worker for slot `worker`, told to instantiate `module` and use the CPU rate
 *  `cpuRate`; it accepts tasks at once (they wait inside it until the instance is ready). */
function spawnTaskWorker(module, worker, cpuRate) {
  const w = new Worker(new URL('./task-worker.js', import.meta.url), { type: 'module', name: `fanout-task-${worker}` });
  const life = lifeName('task');
  lives.set(w, { life, stop: null });
  w.postMessage({ type: ToTaskWorker.init, module, worker, cpuRate, life });
  return w;
}

/** Where malformed task worker replies are counted (see validate.js). */
const FROM_TASK_WORKER = 'the engine (from a task worker)';

/** Per pool worker: its life lock's name, and how to stop watching it (liveness.js). */
const lives = new WeakMap();
/** What to do when pool worker `slot` dies (`(slot) => void`): set while a run goes. */
let onTaskWorkerDeath = null;

/** Watches pool worker `w` of `slot` once it said it holds its life lock (its `ready`): if
 *  it dies (terminated, crashed) while still in the pool, the run in progress is told, or
 *  between runs a fresh worker takes the slot. */
function watchTaskWorker(w, slot) {
  const live = lives.get(w);
  if (!live || live.stop) return;
  live.stop = watchLife(live.life, () => {
    if (state?.pool?.[slot] !== w) return; // replaced on purpose already
    if (onTaskWorkerDeath) {
      onTaskWorkerDeath(slot);
      return;
    }
    const fresh = spawnTaskWorker(state.module, slot, state.cpuRate);
    state.pool[slot] = fresh;
    fresh.onmessage = ({ data }) => {
      if (accept(FROM_TASK_WORKER, data, taskWorkerReply) && data.type === FromTaskWorker.ready) watchTaskWorker(fresh, slot);
    };
  });
}

/** Stops pool worker `w` on purpose (no death to report). */
function retireTaskWorker(w) {
  lives.get(w)?.stop?.();
  w.terminate();
}

/** Why the current run's attempts failed, where the executor knows more than the outcome
 *  (a crash, a death): `{ task (index), worker, start_ms (from the run's start, like the
 *  result's), reason }`, sent with the result. */
let faults = [];

/** Progress state codes, shared with the core (0 running, then how an attempt ended). */
const RUNNING = 0;

/**
 * Collects progress as packed numbers, five per event (task, worker, state code, start,
 * end or NaN; times in ms from the run's start), and posts them about every 16 ms as one
 * transferred Float64Array. The first batch of a run also carries the task ids, once.
 */
class ProgressStream {
  /** `silent`: collect nothing and post nothing (the engine's own warm-up run). */
  constructor(id, { silent = false } = {}) {
    this.id = id;
    this.silent = silent;
    this.ids = undefined; // task index -> id, set before the first flush
    this.start = nowAbsMs();
    this.buf = [];
    this.timer = 0;
  }

  /** Adds one event; `state` is a code (see RUNNING), times are absolute ms. */
  push(task, worker, state, start, end = NaN) {
    if (this.silent) return;
    this.buf.push(task, worker, state, start - this.start, end - this.start);
    if (!this.timer) this.timer = setTimeout(() => this.flush(), 16);
  }

  /** Adds a packed batch from the threaded core (absolute times); the first comes with the
   *  task ids. */
  pushPacked(batch, ids) {
    if (ids) this.ids = ids;
    for (let i = 0; i < batch.length; i += 5) this.push(batch[i], batch[i + 1], batch[i + 2], batch[i + 3], batch[i + 4]);
    this.flush();
  }

  flush() {
    clearTimeout(this.timer);
    this.timer = 0;
    if (!this.buf.length) return;
    const packed = Float64Array.from(this.buf);
    this.buf = [];
    postMessage({ type: FromEngine.progress, id: this.id, packed, ids: this.ids }, [packed.buffer]);
    this.ids = undefined; // sent once
  }
}

/**
 * Drives a plain-build Engine to the end with `executor`:
 *  - `start(d, kernel, end)` must run attempt `d` (packed: [task, worker, kind 0 cpu / 1 io /
 *    2 kernel, duration_us, timeout_us or -1]; `kernel` is the kernel spec for kind 2, as JSON text: Engine.kernelJson) and call
 *    `end(start, end, outcome?, value?)` with absolute times, where `outcome` is given only
 *    when the executor stopped the attempt itself ('timeout', or 'failed' for a crash) and
 *    `value` is a kernel's output;
 *  - `flush()` (optional) is called after each round of starts, so an executor can send a
 *    worker everything it was handed in that round as one message;
 *  - `counterTotal()` (optional) gives what the run's `counter` kernels left in their counters.
 * Attempts are dispatched once after the ends reported in one go (in one task of the event
 * loop) and at the scheduler's next wake-up (backoffs, rates). Resolves to the RunResult.
 */
function drive(text, options, progress, executor) {
  const { pkg, workers, mode } = state;
  const engine = new pkg.Engine(text, executor.slots?.(text) ?? workers, progress.start, options); // throws InvalidGraph
  progress.ids = engine.taskIds(); // from the graph just parsed, before the first batch
  // An autoscaling pool: an executor that starts a real worker at each scale-up
  // (`startWorker`) has its start-ups measured, asked for → ready, instead of modelled.
  if (executor.startWorker) engine.measureStarts(executor.startSource);
  // The run's clock starts now, as in the threads build: parsing the text and building the
  // scheduler (0.2 to 1 ms for a small graph, seconds for a huge one) is start-up, and the
  // simulation, which the makespan is compared with, starts its first tasks at 0.
  const origin = nowAbsMs();
  if (engine.restartClock(origin)) progress.start = origin;
  return new Promise((resolve, reject) => {
    let over = false;
    let wakeTimer = 0;
    let wakeAt = Infinity;
    let dispatchQueued = false;
    const finish = (settle) => {
      over = true;
      clearTimeout(wakeTimer);
      try {
        settle();
      } finally {
        engine.free();
      }
    };
    const fail = (err) => { if (!over) finish(() => reject(err)); };
    const dispatch = () => {
      if (over) return;
      const now = nowAbsMs();
      for (let d = engine.next(now); d !== undefined; d = engine.next(now)) {
        const task = d[0];
        const worker = d[1];
        progress.push(task, worker, RUNNING, now);
        executor.start(d, d[2] === 2 ? engine.kernelJson(task) : null, (s, e, outcome, value) => {
          if (over) return;
          try {
            const code = outcome ? engine.finishedAs(task, worker, s, e, outcome) : engine.finished(task, worker, s, e, value ?? undefined);
            progress.push(task, worker, code, s, e);
            // A hedge's winner cancels the other copy: stop it where the executor can.
            const lost = engine.lost();
            for (let k = 0; k < lost.length; k += 2) executor.cancel?.(lost[k], lost[k + 1]);
            // Ends reported together (one reply of a worker) are judged together, then
            // dispatched once, right after.
            if (!dispatchQueued) {
              dispatchQueued = true;
              queueMicrotask(() => {
                dispatchQueued = false;
                try { dispatch(); } catch (err) { fail(err); }
              });
            }
          } catch (err) {
            fail(err);
          }
        });
      }
      executor.flush?.();
      // The pool's scale-ups and scale-downs of this round: [lane, kind, at, …].
      const changes = engine.poolChanges();
      for (let k = 0; k < changes.length; k += 3) {
        const lane = changes[k];
        if (changes[k + 1] === 0 && executor.startWorker) {
          executor.startWorker(lane, (readyAt) => {
            if (over) return;
            try {
              engine.workerReady(lane, readyAt);
              dispatch();
            } catch (err) {
              fail(err);
            }
          });
        } else if (changes[k + 1] === 2) executor.stopWorker?.(lane);
      }
      if (engine.isDone()) {
        finish(() => resolve(engine.result(mode, executor.counterTotal?.())));
        return;
      }
      // A backoff ending or a rate refilling: come back then (one timer, moved only when
      // the time changes).
      const wake = engine.nextWakeup() ?? Infinity;
      if (wake !== wakeAt) {
        clearTimeout(wakeTimer);
        wakeAt = wake;
        if (wake !== Infinity) {
          wakeTimer = setTimeout(() => { wakeAt = Infinity; try { dispatch(); } catch (err) { fail(err); } }, Math.max(0, wake - nowAbsMs()));
        }
      }
    };
    try {
      dispatch();
    } catch (err) {
      fail(err);
    }
  });
}

let runs = 0;

/**
 * workers mode: attempts go to their pool worker as small arrays, all those handed to one
 * worker in one dispatch round in one message (a pipelined run hands a worker several), and
 * the worker answers all the attempts of a message in one reply. A timeout really stops
 * the attempt: the worker is terminated and a fresh one takes its slot. A worker whose task
 * throws (a panic traps the wasm instance) or that crashes is replaced the same way, and the
 * attempt fails; the run goes on.
 */
function runOnPool(text, options, progress) {
  const { pool, module, cpuRate } = state;
  const run = ++runs;
  // Per worker slot, its attempts in the order sent: the first is running, the rest (a
  // pipelined run hands a worker several) queue behind it inside the worker.
  const inFlight = pool.map(() => []); // slot -> [{ msg, sentAt, end, timer }]
  const outbox = pool.map(() => []); // slot -> task messages not yet posted
  // Each instance's own counter, as last reported: separate memories, no shared counter.
  const counters = new Map(); // Worker -> counter value
  const settle = (slot, outcome, done, reason) => {
    const r = inFlight[slot].shift();
    if (!r) return;
    if (r.timer) clearTimeout(r.timer);
    if (outcome) {
      if (reason) faults.push({ task: r.msg[1], worker: slot, start_ms: r.sentAt - progress.start, reason });
      replace(slot);
      r.end(r.sentAt, nowAbsMs(), outcome);
    } else {
      // done: [task, worker, start, end, value or null, counter or null]
      if (done[4] !== null) counters.set(pool[slot], done[5]);
      r.end(done[2], done[3], undefined, done[4]);
    }
  };
  // Per slot: what to call when the fresh worker a scale-up started says it is ready.
  const onReady = pool.map(() => null);
  // Slots whose worker a scale-down stopped: a fresh one takes each after the run.
  const stopped = new Set();
  const listen = (slot) => {
    const w = pool[slot];
    w.onmessage = ({ data }) => {
      if (!accept(FROM_TASK_WORKER, data, taskWorkerReply)) return;
      if (Array.isArray(data)) for (const done of data) settle(slot, null, done);
      else if (data.type === FromTaskWorker.ready) {
        const at = nowAbsMs(); // ready when the engine hears it: it can take work from now
        watchTaskWorker(w, slot);
        const ready = onReady[slot];
        onReady[slot] = null;
        ready?.(at);
      }
      else if (data.type === FromTaskWorker.failed) settle(slot, 'failed', undefined, `task worker ${slot} failed (${data.error.name ?? 'Error'}: ${data.error.message}); a fresh worker took its slot`);
    };
    w.onerror = (e) => {
      e.preventDefault?.();
      settle(slot, 'failed', undefined, `task worker ${slot} threw (${e.message ?? 'an uncaught error'}); a fresh worker took its slot`);
    };
  };
  // A fresh worker takes the slot; attempts that were queued behind the lost one go to it.
  const replace = (slot) => {
    retireTaskWorker(pool[slot]);
    pool[slot] = spawnTaskWorker(module, slot, cpuRate);
    listen(slot);
    if (inFlight[slot].length) pool[slot].postMessage(inFlight[slot].map((r) => r.msg));
  };
  pool.forEach((_, slot) => listen(slot));
  const running = drive(text, options, progress, {
    start(d, kernel, end) {
      const slot = d[1];
      const timeout = d[4];
      // Timed-out attempts are never pipelined (see RunDriver::new), so the clock starts now.
      const timer = timeout < 0 || timeout >= d[3] ? 0 : setTimeout(() => settle(slot, 'timeout'), timeout / 1000);
      // [run, task, worker, kind, duration_us, kernel]
      const msg = [run, d[0], slot, d[2], d[3], kernel];
      inFlight[slot].push({ msg, sentAt: nowAbsMs(), end, timer });
      outbox[slot].push(msg);
    },
    flush() {
      for (let slot = 0; slot < outbox.length; slot++) {
        if (!outbox[slot].length) continue;
        pool[slot].postMessage(outbox[slot]);
        outbox[slot] = [];
      }
    },
    counterTotal: () => [...counters.values()].reduce((a, b) => a + b, 0),
    // An autoscaling pool's scale-up starts a fresh Web Worker for the lane (the one kept
    // there between runs is idle: the pool had the lane off) and reports it ready when it
    // says so, its wasm instance made from the compiled module: the measured start-up.
    startSource: 'fresh Web Worker',
    startWorker(slot, ready) {
      retireTaskWorker(pool[slot]);
      stopped.delete(slot);
      onReady[slot] = ready;
      pool[slot] = spawnTaskWorker(module, slot, cpuRate);
      listen(slot);
    },
    // A scale-down stops the lane's worker (it is idle).
    stopWorker(slot) {
      if (inFlight[slot].length) return; // never: the pool stops idle workers only
      retireTaskWorker(pool[slot]);
      stopped.add(slot);
    },
    // A hedge copy that lost: its worker is stopped and replaced, as after a timeout (hedged
    // runs are never pipelined, so it runs nothing else).
    cancel(task, slot) {
      const r = inFlight[slot][0];
      if (r && r.msg[1] === task) settle(slot, 'failed');
    },
  });
  // A worker that died (killed, crashed: no event says so, see liveness.js) fails its
  // attempt with the reason, and a fresh worker takes its slot, as after a crash.
  onTaskWorkerDeath = (slot) => {
    if (inFlight[slot].length) settle(slot, 'failed', undefined, `task worker ${slot} died mid-attempt (terminated or crashed); a fresh worker took its slot`);
    else replace(slot);
  };
  return running.finally(() => {
    onTaskWorkerDeath = null;
    // The next run finds every slot with a worker again (fixed pools use them all).
    for (const slot of stopped) {
      const fresh = spawnTaskWorker(module, slot, cpuRate);
      pool[slot] = fresh;
      fresh.onmessage = ({ data }) => {
        if (accept(FROM_TASK_WORKER, data, taskWorkerReply) && data.type === FromTaskWorker.ready) watchTaskWorker(fresh, slot);
      };
    }
  });
}

/** The slots an async run gets: one per task of `text` (1..=4096), so the worker count
 *  never serialises io waits; the page says so in its run panel. */
function asyncSlots(text) {
  const n = state.pkg.parse(text).tasks.length;
  return Math.max(1, Math.min(4096, n));
}

/** async mode: every attempt runs on this worker's own event loop. An `io` attempt is a
 *  timer, cut at its timeout; a `cpu` or kernel attempt blocks the loop and cannot be
 *  interrupted, so its timeout is judged when it ends. */
function runOnEventLoop(text, options, progress) {
  const { pkg } = state;
  pkg.reset_counter();
  // Per worker, the `io` attempts handed to it, the first one waiting: a worker given
  // several at once (a `batch`, a pipelined run) waits them out back to back, as the other
  // modes' workers run them.
  const ioQueues = new Map(); // worker -> [start thunk]
  const nextIo = (worker) => {
    const q = ioQueues.get(worker);
    q.shift();
    if (q.length) q[0]();
  };
  const ioTimers = new Map(); // "task:worker" -> timer of a running io attempt
  return drive(text, options, progress, {
    // One slot per task (within the scheduler's 4096): one event loop has no fixed number
    // of workers, so every ready task is started and io waits overlap; see asyncSlots.
    slots: asyncSlots,
    counterTotal: () => pkg.counter_value(),
    // A hedge copy that lost: an io attempt's timer is cleared (a cpu attempt has ended
    // already: this loop runs one at a time).
    cancel(task, worker) {
      const key = `${task}:${worker}`;
      if (!ioTimers.has(key)) return;
      clearTimeout(ioTimers.get(key));
      ioTimers.delete(key);
      // The worker's next io attempt (a batch member) goes on.
      if (ioQueues.get(worker)?.length) nextIo(worker);
    },
    start(d, kernel, end) {
      const [, worker, kind, duration, timeout] = d;
      if (kind === 1) {
        const go = () => {
          const s = nowAbsMs();
          const cut = timeout >= 0 && timeout < duration;
          const key = `${d[0]}:${d[1]}`;
          ioTimers.set(key, setTimeout(() => {
            ioTimers.delete(key);
            if (cut) end(s, nowAbsMs(), 'timeout'); else end(s, nowAbsMs());
            nextIo(worker);
          }, (cut ? timeout : duration) / 1000));
        };
        if (!ioQueues.has(worker)) ioQueues.set(worker, []);
        const q = ioQueues.get(worker);
        q.push(go);
        if (q.length === 1) go();
      } else {
        // A CPU task occupies the loop: nothing else (no timer, no message) runs meanwhile,
        // so what is known so far is posted before it starts.
        setTimeout(() => {
          progress.flush();
          const s = nowAbsMs();
          let value;
          try {
            value = kernel ? pkg.run_kernel_json(kernel) : (pkg.run_cpu(duration), undefined);
          } catch (e) {
            // A panic traps this instance: the attempt fails, the run goes on, and the
            // engine retires after it (its memory may be left mid-update).
            state.retire = true;
            faults.push({ task: d[0], worker: d[1], start_ms: s - progress.start, reason: `the task's code trapped (${e?.name ?? 'Error'}: ${e?.message ?? e}); this engine is replaced after the run` });
            end(s, nowAbsMs(), 'failed');
            return;
          }
          end(s, nowAbsMs(), undefined, value);
        }, 0);
      }
    },
  });
}

/** Above this many characters of RunResult JSON (about 20,000 tasks, where the page stops
 *  keeping an object per task: COMPACT_ABOVE in app/main.js), a run's result goes to the page
 *  in columns (`compact_run`), as a simulation's always does. Below it the JSON text is one
 *  copy, cheaper than the columns (which cost the engine about 6 µs a task to build). */
const COMPACT_RESULT_ABOVE = 8_000_000;
/** The group budget of the page's graph view (GROUP_BUDGET in client/fanout.js): the
 *  columns carry each group's worst status for it. */
const GROUP_BUDGET = 160;

/** Runs `text` in this engine's mode; `options` ({ policy, seed, on_error }) override the
 *  graph's declarations. Resolves to the RunResult as JSON text. */
async function runGraph(id, text, options) {
  if (!state) throw new Error('the engine is not initialised');
  if (state.mode === 'core') throw new Error('the core engine runs no graphs: start an engine in a run mode');
  // The ids come from the run's own parse (Engine.taskIds, or runThreads' first batch).
  const progress = new ProgressStream(id);
  faults = [];
  try {
    if (state.mode === 'threads') return state.pkg.runThreads(text, (batch, ids) => progress.pushPacked(batch, ids), options);
    return await (state.mode === 'workers' ? runOnPool(text, options, progress) : runOnEventLoop(text, options, progress));
  } finally {
    progress.flush();
  }
}

/** Results longer than this (JSON characters) are not read for the dispatch cost: a small
 *  graph's run is parsed in well under a millisecond, and the cost has samples enough. */
const DISPATCH_MEASURED_BELOW = 256_000;

/**
 * Adds a real run's mean gap to the pool's dispatch cost (`state.dispatchCost`, the median
 * over its latest runs: see dispatch-gap.js) and returns the cost, ms per attempt, or null if none was
 * measured yet. A pipelined run (its workers hold several attempts at once), an async run
 * (no pool) and a big result leave it as it was. Runs before the result goes to the page: the
 * page's next `simulate(…, { dispatch: 'measured' })` charges the cost as of this run.
 */
function measureDispatch(text, options, resultJson) {
  if (!state.dispatchCost || resultJson.length > DISPATCH_MEASURED_BELOW) return state.dispatchMs ?? null;
  try {
    if (!state.pkg.runs_pipelined(text, options)) state.dispatchMs = state.dispatchCost.add(JSON.parse(resultJson));
  } catch {
    // A result this engine made itself always parses; a failure changes nothing.
  }
  return state.dispatchMs ?? null;
}

/** The buffers of the typed arrays among `value`'s own fields (one level of nesting). */
function transferables(value) {
  const out = [];
  if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) return out;
  for (const v of Object.values(value)) {
    if (ArrayBuffer.isView(v)) out.push(v.buffer);
    else if (v && typeof v === 'object' && !Array.isArray(v)) for (const w of Object.values(v)) if (ArrayBuffer.isView(w)) out.push(w.buffer);
  }
  return [...new Set(out)];
}

// Requests are handled one at a time, in order: a run finishes before the next starts.
let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  if (!accept('the engine (from the page)', data, engineRequest)) return;
  queue = queue.then(() => handle(data));
};

/** The run's faults for the client (see `faults`); undefined when there were none. */
function faultsOfRun() {
  return faults.length ? faults : undefined;
}

async function handle(data) {
  try {
    switch (data.type) {
      case ToEngine.init:
        postMessage({ type: FromEngine.ready, ...(await init(data)) });
        break;
      case ToEngine.run: {
        const resultJson = await runGraph(data.id, data.text, data.options);
        const dispatchMs = measureDispatch(data.text, data.options, resultJson);
        if (resultJson.length > COMPACT_RESULT_ABOVE) {
          // A big result goes to the page in columns, built here, off the page's thread.
          const compact = state.pkg.compact_run(data.text, resultJson, GROUP_BUDGET, []);
          postMessage({ type: FromEngine.result, id: data.id, compact, retire: state.retire, faults: faultsOfRun(), dispatchMs }, transferables(compact));
        } else {
          postMessage({ type: FromEngine.result, id: data.id, resultJson, retire: state.retire, faults: faultsOfRun(), dispatchMs });
        }
        break;
      }
      case ToEngine.call:
        if (!CORE_CALLS.includes(data.fn)) throw new Error(`not a core call: ${data.fn}`);
      {
        // A call for a mode whose calibration the page knows (a run engine of that mode's
        // build measured it) prices kernels with it; this engine's own comes back after.
        let value;
        if (data.calibration) {
          state.pkg.set_kernel_calibration(data.calibration);
          try {
            value = state.pkg[data.fn](...data.args);
          } finally {
            state.pkg.set_kernel_calibration(state.ownCalibration);
          }
        } else value = state.pkg[data.fn](...data.args);
        // Compact answers (typed arrays, see src/wasm/compact.rs) move to the page, not copied.
        postMessage({ type: FromEngine.returned, id: data.id, value }, transferables(value));
      }
        break;
      default:
        throw new Error(`unknown message type ${data.type}`);
    }
  } catch (e) {
    // A panic on a pool thread leaves the thread pool short of a thread: retire.
    // A trap in a core call leaves the instance unusable: retire too.
    const retire = e?.name === 'ThreadPanic' || e instanceof WebAssembly.RuntimeError || state?.retire;
    postMessage({ type: FromEngine.failed, id: data.id, error: serializeError(e), retire });
  }
}
