// The public entry point for pages and tests:
//   run(graphText, { workers, mode }) -> Promise<RunResult>
//   check(graphText) -> Promise<Diagnostic[]>
//   graph(graphText) -> Promise<{ tasks, diagnostics }>
//   capabilities() -> what the page allows
// It owns the engine worker: one per (mode, workers), replaced when either changes.
import { chooseMode, detectCapabilities } from '../shared/capabilities.js';
import { FromEngine, ToEngine, deserializeError } from '../shared/messages.js';

export const MAX_WORKERS = 32;

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
    this.worker.onerror = (e) => this.failAll(new Error(`the engine worker failed: ${e.message ?? 'could not load'}`));
    this.worker.postMessage({ type: ToEngine.init, mode, workers });
  }

  receive(data) {
    const key = data.type === FromEngine.ready || (data.type === FromEngine.failed && data.id === undefined) ? 'init' : data.id;
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

  async request(message) {
    await this.ready;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  terminate() {
    this.worker.terminate();
    this.failAll(new Error('the engine was replaced'));
  }
}

let engine = null;

function engineFor(mode, workers) {
  if (engine && !engine.broken && engine.mode === mode && engine.workers === workers) return engine;
  engine?.terminate();
  engine = new EngineHandle(mode, workers);
  return engine;
}

function validateWorkers(workers) {
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    throw new RangeError(`workers must be a whole number from 1 to ${MAX_WORKERS}, got ${workers}`);
  }
}

/**
 * Runs a graph for real. `mode` is 'auto' (default: threads where the page allows them,
 * otherwise workers), 'threads' or 'workers'. Rejects with an Error whose `diagnostics`
 * list every problem when the text is not a valid graph.
 * @returns {Promise<import('../shared/messages.js').RunResult>}
 */
export async function run(graphText, { workers = defaultWorkers(), mode = 'auto' } = {}) {
  validateWorkers(workers);
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
  const { result } = await handle.request({ type: ToEngine.run, text: String(graphText) });
  return { ...result, isolated: caps.isolated, reason: choice.reason };
}

/** The current engine, or a default one: the core's text functions need any engine. */
function anyEngine() {
  return engine && !engine.broken ? engine : engineFor(chooseMode('auto', caps).mode, defaultWorkers());
}

/** Every diagnostic for `graphText`, computed by the core in the engine worker. */
export async function check(graphText) {
  const { diagnostics } = await anyEngine().request({ type: ToEngine.check, text: String(graphText) });
  return diagnostics;
}

/**
 * The graph's structure for views: `{ tasks: GraphTask[], diagnostics }`; `tasks` is empty
 * when the text has errors.
 */
export async function graph(graphText) {
  const { parsed } = await anyEngine().request({ type: ToEngine.parse, text: String(graphText) });
  return parsed;
}
