// Shape checks for every message the page and its workers receive (the types are in
// messages.js). A worker's messages come from code we ship, but a stale cached script (a
// page and a worker of two versions), a bug or a devtools experiment can still send a
// message of the wrong shape; a listener that trusted it would throw on every message after
// it, or resolve a run with garbage. So each listener asks `accept(where, data, check)`
// first: a message that fails its check is ignored, counted, and logged once per listener,
// and never reaches the code that would act on it.
//
// Checks are plain typeof/Array.isArray tests, a few per message: the per-task messages of a
// run (a list of small arrays each way) cost a handful of comparisons per task.
import { CORE_CALLS, FromEngine, FromTaskWorker, RUN_MODES, ToEngine, ToTaskWorker } from './messages.js';

const ignored = new Map(); // listener name -> count

/** How many messages each listener of this thread ignored: `{ [where]: count }`. */
export function ignoredMessages() {
  return Object.fromEntries(ignored);
}

/**
 * Whether `data` passes `check` (a predicate). If not, the message is counted under
 * `where` and, the first time for that listener, logged as a warning naming `why` (the
 * check's answer when it returns a string) — then the caller must ignore it.
 */
export function accept(where, data, check) {
  let verdict;
  try {
    verdict = check(data);
  } catch {
    verdict = 'its check threw';
  }
  if (verdict === true) return true;
  const n = (ignored.get(where) ?? 0) + 1;
  ignored.set(where, n);
  if (n === 1) {
    console.warn(`fanout: ${where} ignored a malformed message (${typeof verdict === 'string' ? verdict : 'wrong shape'}); later ones are counted, not logged`);
  }
  return false;
}

const isObject = (x) => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x) => Number.isInteger(x) && x >= 0;
const isNum = (x) => typeof x === 'number';
const isStr = (x) => typeof x === 'string';
const optional = (x, test) => x === undefined || test(x);
const isError = (e) => isObject(e) && isStr(e.message) && optional(e.name, isStr) && optional(e.diagnostics, Array.isArray);
const isStrings = (xs) => Array.isArray(xs) && xs.every(isStr);

/** A message from the client to the engine (ToEngine). */
export function engineRequest(m) {
  if (!isObject(m)) return 'not an object';
  switch (m.type) {
    case ToEngine.init:
      return ((RUN_MODES.includes(m.mode) || m.mode === 'core') && isCount(m.workers)
        && optional(m.cpuRate, isNum) && optional(m.life, isStr)) || 'a bad init';
    case ToEngine.run:
      return (isCount(m.id) && isStr(m.text) && optional(m.options, (o) => o === null || isObject(o))) || 'a bad run request';
    case ToEngine.call:
      return (isCount(m.id) && CORE_CALLS.includes(m.fn) && Array.isArray(m.args) && optional(m.calibration, isObject)) || 'a bad core call';
    default:
      return 'an unknown type';
  }
}

/** A message from the engine to the client (FromEngine). */
export function engineReply(m) {
  if (!isObject(m)) return 'not an object';
  switch (m.type) {
    case FromEngine.progress:
      return (isCount(m.id) && m.packed instanceof Float64Array && m.packed.length % 5 === 0
        && optional(m.ids, isStrings)) || 'bad progress';
    case FromEngine.result:
      return (isCount(m.id) && (isStr(m.resultJson) || (isObject(m.compact) && isStr(m.compact.head))) && optional(m.faults, Array.isArray)
        && optional(m.dispatchMs, (x) => x === null || (Number.isFinite(x) && x >= 0))) || 'a bad result';
    case FromEngine.returned:
      return (isCount(m.id) && 'value' in m) || 'a bad return';
    case FromEngine.failed:
      return (optional(m.id, isCount) && isError(m.error)) || 'a bad failure';
    case FromEngine.ready:
      return (isStr(m.mode) && isCount(m.workers) && optional(m.life, isStr)) || 'a bad ready';
    default:
      return 'an unknown type';
  }
}

/** The longest kernel spec a task worker reads (JSON text of `{ kernel, part, parts }`: a
 *  few dozen characters). */
const MAX_KERNEL_SPEC = 4096;

/** One task in a message to a task worker: `[run, task, worker, kind, duration_us, kernel]`,
 *  a kernel's spec (kind 2) as JSON text (Engine.kernelJson). */
const isTask = (t) => Array.isArray(t) && t.length === 6 && isCount(t[0]) && isCount(t[1]) && isCount(t[2])
  && (t[3] === 0 || t[3] === 1 || t[3] === 2) && isNum(t[4]) && t[4] >= 0
  && (t[3] !== 2 || (isStr(t[5]) && t[5].length <= MAX_KERNEL_SPEC));

/** A message from the engine to a task worker (ToTaskWorker): a list of tasks, or init. */
export function taskWorkerRequest(m) {
  if (Array.isArray(m)) return m.every(isTask) || 'a bad task list';
  if (!isObject(m)) return 'not an object';
  if (m.type === ToTaskWorker.init) {
    return (m.module instanceof WebAssembly.Module && isCount(m.worker) && isNum(m.cpuRate)
      && optional(m.life, isStr)) || 'a bad init';
  }
  if (m.type === ToTaskWorker.rate) return (isNum(m.cpuRate) && m.cpuRate > 0) || 'a bad rate';
  return 'an unknown type';
}

/** One result from a task worker: `[task, worker, start, end, value|null, counter|null]`. */
const isDone = (d) => Array.isArray(d) && d.length === 6 && isCount(d[0]) && isCount(d[1]) && isNum(d[2]) && isNum(d[3])
  && (d[4] === null || isNum(d[4])) && (d[5] === null || isNum(d[5]));

/** A message from a task worker to the engine (FromTaskWorker): a list of results, or
 *  ready / failed. */
export function taskWorkerReply(m) {
  if (Array.isArray(m)) return m.every(isDone) || 'a bad result list';
  if (!isObject(m)) return 'not an object';
  if (m.type === FromTaskWorker.ready) return isCount(m.worker) || 'a bad ready';
  if (m.type === FromTaskWorker.failed) return (isCount(m.worker) && optional(m.task, isCount) && isError(m.error)) || 'a bad failure';
  return 'an unknown type';
}

/** A request to the layout worker (www/app/layout-worker.js): `{ id, tasks: [{ id, deps }],
 *  groups?: [{ name, parent, tasks }], collapsed?: [name] }`. */
export function layoutRequest(m) {
  return (isObject(m) && isCount(m.id) && Array.isArray(m.tasks)
    && m.tasks.every((t) => isObject(t) && isStr(t.id) && isStrings(t.deps))
    && (m.groups === undefined || (Array.isArray(m.groups) && m.groups.every((g) => isObject(g) && isStr(g.name)
      && (g.parent === null || isStr(g.parent)) && isStrings(g.tasks))))
    && (m.collapsed === undefined || isStrings(m.collapsed))) || 'a bad layout request';
}

/** The layout worker's answer: `{ id, positions }` or `{ id, error }`. */
export function layoutReply(m) {
  return (isObject(m) && isCount(m.id) && (isObject(m.positions) || isStr(m.error))) || 'a bad layout';
}
