// The engine: a dedicated worker that owns one wasm build and runs graphs with it, so no
// blocking wait and no long computation ever happens on the page's main thread.
//  - threads: the threaded build; Rust schedules and runs the graph on a rayon pool of wasm
//    threads (Web Workers sharing this worker's wasm memory), blocking this worker meanwhile.
//  - workers: the plain build; the Rust scheduler (Engine) runs here and tasks are posted to
//    a pool of task workers, each with its own instance of the same compiled module.
//  - async: the plain build on this worker's one event loop: up to `workers` tasks in flight;
//    `io` tasks are timers that overlap, `cpu` tasks block the loop (and every timer).
// While a run goes, state changes are posted as `progress` batches (about every 16 ms).
import { CORE_CALLS, FromEngine, FromTaskWorker, ToEngine, ToTaskWorker, nowAbsMs, serializeError } from '../shared/messages.js';

/** @type {{ mode: string, workers: number, pkg: any, pool?: Worker[] } | null} */
let state = null;

const PKG = {
  threads: new URL('../pkg/threads/fanout.js', import.meta.url),
  plain: new URL('../pkg/plain/fanout.js', import.meta.url),
};

async function init({ mode, workers }) {
  if (mode === 'threads') {
    const pkg = await import(PKG.threads);
    await pkg.default();
    const threads = await pkg.startThreadPool(workers);
    state = { mode, workers, pkg };
    return { mode, workers, threads };
  }
  const pkg = await import(PKG.plain);
  const module = await WebAssembly.compileStreaming(fetch(new URL('fanout_bg.wasm', PKG.plain)));
  await pkg.default({ module_or_path: module });
  const pool = mode === 'workers'
    ? await Promise.all(Array.from({ length: workers }, (_, i) => startTaskWorker(module, i)))
    : [];
  state = { mode, workers, pkg, pool };
  return { mode, workers };
}

/** Starts one pool worker and resolves once its wasm instance is ready. */
function startTaskWorker(module, worker) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./task-worker.js', import.meta.url), { type: 'module', name: `fanout-task-${worker}` });
    w.onmessage = ({ data }) => {
      if (data.type === FromTaskWorker.ready) resolve(w);
      else if (data.type === FromTaskWorker.failed) reject(new Error(`task worker ${worker}: ${data.error.message}`));
    };
    w.onerror = (e) => reject(new Error(`task worker ${worker} failed to start: ${e.message ?? 'unknown error'}`));
    w.postMessage({ type: ToTaskWorker.init, module, worker });
  });
}

/** Collects progress events and posts them in batches, at most about every 16 ms. */
class ProgressStream {
  constructor(id, ids) {
    this.id = id;
    this.ids = ids;
    this.start = nowAbsMs();
    this.events = [];
    this.timer = 0;
  }

  /** Adds one event; times are absolute ms. */
  push(task, worker, state, start, end = null) {
    this.events.push({ task, id: this.ids[task], worker, state, start_ms: start - this.start, end_ms: end === null ? null : end - this.start });
    if (!this.timer) this.timer = setTimeout(() => this.flush(), 16);
  }

  /** Adds a packed batch from the threaded core: 5 numbers per event (task, worker,
   *  state 0 running / 1 done, start, end or NaN), absolute times. */
  pushPacked(batch) {
    for (let i = 0; i < batch.length; i += 5) {
      const done = batch[i + 2] === 1;
      this.push(batch[i], batch[i + 1], done ? 'done' : 'running', batch[i + 3], done ? batch[i + 4] : null);
    }
    this.flush();
  }

  flush() {
    clearTimeout(this.timer);
    this.timer = 0;
    if (this.events.length) postMessage({ type: FromEngine.progress, id: this.id, events: this.events });
    this.events = [];
  }
}

/**
 * Drives a plain-build Engine to the end: `start(d, done)` must run dispatch `d` and call
 * `done(start, end)` with absolute times, or `fail(error)`. Resolves to the RunResult.
 */
function drive(text, progress, start) {
  const { pkg, workers, mode } = state;
  const engine = new pkg.Engine(text, workers, progress.start); // throws InvalidGraph
  return new Promise((resolve, reject) => {
    let over = false;
    const fail = (err) => {
      if (over) return;
      over = true;
      engine.free();
      reject(err);
    };
    const dispatch = () => {
      for (let d = engine.next(); d !== undefined; d = engine.next()) {
        progress.push(d.task, d.worker, 'running', nowAbsMs());
        start(d, (s, e) => {
          if (over) return;
          try {
            engine.finished(d.task, d.worker, s, e);
            progress.push(d.task, d.worker, 'done', s, e);
            dispatch();
          } catch (err) {
            fail(err);
          }
        }, fail);
      }
      if (engine.isDone() && !over) {
        over = true;
        const result = engine.result(mode);
        engine.free();
        resolve(result);
      }
    };
    try {
      dispatch();
    } catch (err) {
      fail(err);
    }
  });
}

/** workers mode: each dispatch goes to its pool worker as a message. */
function runOnPool(text, progress) {
  const { pool } = state;
  const waiting = new Map(); // task -> done callback
  let failRun = () => {};
  for (const w of pool) {
    w.onmessage = ({ data }) => {
      if (data.type === FromTaskWorker.done) {
        const done = waiting.get(data.task);
        waiting.delete(data.task);
        done?.(data.start, data.end);
      } else if (data.type === FromTaskWorker.failed) {
        failRun(new Error(`worker ${data.worker} failed: ${data.error.message}`));
      }
    };
    w.onerror = (e) => failRun(new Error(`a task worker crashed: ${e.message ?? 'unknown error'}`));
  }
  return drive(text, progress, (d, done, fail) => {
    failRun = fail;
    waiting.set(d.task, done);
    pool[d.worker].postMessage({ type: ToTaskWorker.task, ...d });
  });
}

/** async mode: every dispatch runs on this worker's own event loop. */
function runOnEventLoop(text, progress) {
  const { pkg } = state;
  return drive(text, progress, (d, done) => {
    if (d.kind === 'io') {
      const s = nowAbsMs();
      setTimeout(() => done(s, nowAbsMs()), d.duration_us / 1000);
    } else {
      // A CPU task occupies the loop: nothing else (no timer, no message) runs meanwhile,
      // so what is known so far is posted before it starts.
      setTimeout(() => {
        progress.flush();
        const s = nowAbsMs();
        pkg.run_cpu(d.duration_us);
        done(s, nowAbsMs());
      }, 0);
    }
  });
}

async function runGraph(id, text) {
  if (!state) throw new Error('the engine is not initialised');
  const ids = state.pkg.task_ids(text);
  const progress = new ProgressStream(id, ids);
  try {
    if (state.mode === 'threads') return state.pkg.runThreads(text, (batch) => progress.pushPacked(batch));
    return await (state.mode === 'workers' ? runOnPool(text, progress) : runOnEventLoop(text, progress));
  } finally {
    progress.flush();
  }
}

// Requests are handled one at a time, in order: a run finishes before the next starts.
let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  queue = queue.then(() => handle(data));
};

async function handle(data) {
  try {
    switch (data.type) {
      case ToEngine.init:
        postMessage({ type: FromEngine.ready, ...(await init(data)) });
        break;
      case ToEngine.run:
        postMessage({ type: FromEngine.result, id: data.id, result: await runGraph(data.id, data.text) });
        break;
      case ToEngine.call:
        if (!CORE_CALLS.includes(data.fn)) throw new Error(`not a core call: ${data.fn}`);
        postMessage({ type: FromEngine.returned, id: data.id, value: state.pkg[data.fn](...data.args) });
        break;
      default:
        throw new Error(`unknown message type ${data.type}`);
    }
  } catch (e) {
    postMessage({ type: FromEngine.failed, id: data.id, error: serializeError(e) });
  }
}
