// The engine: a dedicated worker that owns one wasm build and runs graphs with it, so no
// blocking wait and no long computation ever happens on the page's main thread.
//  - threads mode: the threaded build; Rust schedules and runs the graph on a rayon pool of
//    wasm threads (Web Workers sharing this worker's wasm memory).
//  - workers mode: the plain build; the Rust scheduler (Engine) runs here and tasks are
//    posted to a pool of task workers, each with its own instance of the same module.
import { FromEngine, FromTaskWorker, ToEngine, ToTaskWorker, nowAbsMs, serializeError } from '../shared/messages.js';

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
  const pool = await Promise.all(Array.from({ length: workers }, (_, i) => startTaskWorker(module, i)));
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

/** Runs `text` on the pool of task workers; resolves to the RunResult. */
function runOnPool(text) {
  const { pkg, pool, workers } = state;
  const engine = new pkg.Engine(text, workers, nowAbsMs()); // throws InvalidGraph
  return new Promise((resolve, reject) => {
    const fail = (err) => {
      for (const w of pool) w.onmessage = w.onerror = null;
      engine.free();
      reject(err);
    };
    const dispatch = () => {
      for (let d = engine.next(); d !== undefined; d = engine.next()) {
        pool[d.worker].postMessage({ type: ToTaskWorker.task, ...d });
      }
      if (engine.isDone()) {
        const result = engine.result('workers');
        for (const w of pool) w.onmessage = w.onerror = null;
        engine.free();
        resolve(result);
      }
    };
    for (const w of pool) {
      w.onmessage = ({ data }) => {
        try {
          if (data.type === FromTaskWorker.done) {
            engine.finished(data.task, data.worker, data.start, data.end);
            dispatch();
          } else if (data.type === FromTaskWorker.failed) {
            fail(new Error(`worker ${data.worker} failed: ${data.error.message}`));
          }
        } catch (e) {
          fail(e);
        }
      };
      w.onerror = (e) => fail(new Error(`a task worker crashed: ${e.message ?? 'unknown error'}`));
    }
    try {
      dispatch();
    } catch (e) {
      fail(e);
    }
  });
}

async function runGraph(text) {
  if (!state) throw new Error('the engine is not initialised');
  return state.mode === 'threads' ? state.pkg.runThreads(text) : runOnPool(text);
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
        postMessage({ type: FromEngine.result, id: data.id, result: await runGraph(data.text) });
        break;
      case ToEngine.check:
        postMessage({ type: FromEngine.checked, id: data.id, diagnostics: state.pkg.check(data.text) });
        break;
      case ToEngine.parse:
        postMessage({ type: FromEngine.parsed, id: data.id, parsed: state.pkg.parse(data.text) });
        break;
      default:
        throw new Error(`unknown message type ${data.type}`);
    }
  } catch (e) {
    postMessage({ type: FromEngine.failed, id: data.id, error: serializeError(e) });
  }
}
