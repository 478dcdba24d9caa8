// The messages between the page (client), the engine worker and the pool's task workers.
// Every message is a plain object with a `type` from one of these tables; the typedefs say
// what else it carries. Times are absolute ms: performance.timeOrigin + performance.now().

/** client → engine, and the engine's replies. Replies echo the request's `id`. */
export const ToEngine = Object.freeze({
  /** { type, mode: 'threads'|'workers'|'async'|'core', workers: number, cpuRate?: number } → Ready | Failed
   *  ('core' serves only Call) */
  init: 'init',
  /** { type, id, text, options: { policy?, seed?, on_error? } } → Progress* then Result | Failed */
  run: 'run',
  /** { type, id, fn: one of CORE_CALLS, args: [] } → Returned | Failed */
  call: 'call',
});

/**
 * The core's pure functions the page may call through the engine (see src/wasm/mod.rs):
 * check, parse, analyze, convert, simulate, makespans, chrome_trace, gantt_svg, and for
 * `npm run bench` benchmark_simulate; export_python (Dask and asyncio scripts) and import_trace
 * (measured Chrome traces as runs).
 */
export const CORE_CALLS = Object.freeze(['check', 'parse', 'analyze', 'convert', 'simulate', 'makespans', 'chrome_trace', 'gantt_svg', 'benchmark_simulate', 'simulate_compact', 'group_graph', 'analyze_summary', 'export_python', 'import_trace', 'simulate_seeds']);

export const FromEngine = Object.freeze({
  /** { type, mode, workers, threads: number|undefined, cpuRate: number (units per µs; absent for 'core'),
   *  dispatchMs: number|null (a run pool's dispatch cost per attempt, measured on its warm-up
   *  run: see dispatch-gap.js; absent for 'core'; each result brings it up to date), cpuRecalibrated: boolean (the warm-up found
   *  the CPU rate measured too low and measured it again: `cpuRate` is the new one) } */
  ready: 'ready',
  /** { type, id, resultJson: string (a RunResult), retire?: true, faults?: [...],
   *  dispatchMs?: number|null (the pool's dispatch cost with this run's gaps added: see
   *  dispatch-gap.js; null while none was measured, absent or null in async mode) }: JSON text is one copy,
   *  where a RunResult object costs one per field of every record; `retire` asks the client
   *  to replace this engine (its wasm instance trapped on a panic). A big result comes as
   *  `compact` instead: the columns of src/wasm/compact.rs's `compact_run` (typed arrays,
   *  transferred), so the page never parses tens of MB of JSON or holds an object per task */
  result: 'result',
  /** { type, id, packed: Float64Array, ids?: string[] }, any number before the Result:
   *  five numbers per event (task, worker, state code 0 running / 1 ok / 2 failed /
   *  3 timeout, start_ms, end_ms or NaN); `ids` (task index → id) comes with the first */
  progress: 'progress',
  /** { type, id, value }: what a core call returned */
  returned: 'returned',
  /** { type, id?, error: { name, message, diagnostics? }, retire?: true } */
  failed: 'failed',
});

/** engine → task worker, and back. */
export const ToTaskWorker = Object.freeze({
  /** { type, module: WebAssembly.Module, worker: number, cpuRate: number } → TaskWorkerReady */
  init: 'init',
  /** { type, cpuRate: number }: the CPU rate measured again (see the engine's recheckCpuRate);
   *  tasks sent after it use it. No reply. */
  rate: 'rate',
  /** Tasks are arrays: [run, task, worker, kind (0 cpu, 1 io, 2 kernel), duration_us, kernel]
   *  → [task, worker, start, end, value|null, counter|null] | TaskFailed */
  task: 'task',
});

export const FromTaskWorker = Object.freeze({
  /** { type, worker } */
  ready: 'ready',
  /** (replies to tasks are arrays; see ToTaskWorker.task) */
  done: 'done',
  /** { type, worker, task?, error: { name, message } }: the task (if any) failed, or the
   *  worker could not start */
  failed: 'failed',
});

/**
 * @typedef {{ line: number, col: number, end_col: number, severity: 'error'|'warning', message: string }} Diagnostic
 * @typedef {{ id: string, label: string|null, kind: string, duration_us: number, deps: string[], line: number, col: number }} GraphTask
 * @typedef {{ task: number, id: string, worker: number, state: 'running'|'ok'|'failed'|'timeout', start_ms: number, end_ms: number|null }} Progress
 * @typedef {{ id: string, worker: number, start_ms: number, end_ms: number, status: string }} TaskRecord
 * @typedef {{ share: number, asked_ms: number, took_ms: number, attempts: number, workers: (number|null)[],
 *             least: { id: string, worker: number, asked_ms: number, took_ms: number }|null, cpu_ms: number|null }} CpuShare
 *   how much of the time they asked for the workers of a real run got (docs/performance.md)
 * @typedef {{ mode: string, workers: number, makespan_ms: number, sequential_ms: number,
 *             tasks: TaskRecord[], isolated: boolean, reason: string, startup_ms?: number,
 *             cpu_share?: CpuShare, kernel_share?: CpuShare }} RunResult
 */

/** The names of progress state codes. */
/** A RunResult's `kernel_share.share` below this is more than the kernels' cost-model error
 *  (within about 15 % per kernel on a quiet machine): the machine, not the model, made them
 *  slow. The core's `fanout::metrics::KERNEL_SHARE_MACHINE_BELOW`; the results panel and the
 *  lesson gap sentence both judge by it. */
export const KERNEL_SHARE_MACHINE_BELOW = 0.85;
/** The modes in which fanout's own executors run a graph for real (a RunResult's `mode`; a
 *  simulation says 'simulated', an imported trace 'imported …'). */
export const RUN_MODES = Object.freeze(['threads', 'workers', 'async']);
/** Above this, the kernels ran faster than the model's error allows: their calibration priced
 *  them slow (measured while the machine was busier, or before V8 had compiled the engine's
 *  hot code at its top tier). The core's `fanout::metrics::KERNEL_SHARE_FAST_ABOVE`. */
export const KERNEL_SHARE_FAST_ABOVE = 1.15;

export const PROGRESS_STATES = Object.freeze(['running', 'ok', 'failed', 'timeout']);

/** Turns a thrown value into something postMessage can carry, keeping diagnostics. */
export function serializeError(e) {
  return {
    name: e?.name ?? 'Error',
    message: e?.message ?? String(e),
    diagnostics: Array.isArray(e?.diagnostics) ? e.diagnostics : undefined,
  };
}

/** Rebuilds an Error from `serializeError`'s output. */
export function deserializeError(data) {
  const err = new Error(data.message);
  err.name = data.name;
  if (data.diagnostics) err.diagnostics = data.diagnostics;
  return err;
}

/** The one time base every thread shares. */
export function nowAbsMs() {
  return performance.timeOrigin + performance.now();
}
