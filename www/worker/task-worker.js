// A pool worker of the `workers` executor: its own instance of the plain wasm module
// (compiled once by the engine, instantiated here), running one task at a time: `cpu` work,
// `io` waits, or kernels, whose value it reports with this instance's own counter. Tasks
// that arrive before the instance is ready wait for it, so the engine can hand work to a
// freshly started replacement at once. The hot path is small arrays: a message is a list of
// tasks, run in order, and the reply lists their results, one message each way.
import init, { counter_value, reset_counter, run_cpu, run_kernel_json, set_cpu_rate } from '../pkg/plain/fanout.js';
import { FromTaskWorker, ToTaskWorker, nowAbsMs, serializeError } from '../shared/messages.js';
import { holdLife } from '../shared/liveness.js';
import { accept, taskWorkerRequest } from '../shared/validate.js';

let worker = -1;
let ready = null; // a promise until the instance is ready, then null
let run = null; // the run of the last task: this instance's counter restarts per run
let queue = Promise.resolve(); // messages are handled one after another, in order

/** Runs one task `[run, task, worker, kind (0 cpu, 1 io, 2 kernel), duration_us, kernel
 *  (JSON text)]`;
 *  returns (or, for `io`, resolves to) `[task, worker, start, end, value or null, counter
 *  or null]`. Throws if the task does (a trap: a panic in wasm). */
function runTask(t) {
  const [taskRun, task, slot, kind, duration, kernel] = t;
  if (taskRun !== run) {
    run = taskRun;
    reset_counter();
  }
  const start = nowAbsMs();
  if (kind === 2) {
    const value = run_kernel_json(kernel);
    return [task, slot, start, nowAbsMs(), value, counter_value()];
  }
  if (kind === 0) {
    run_cpu(duration);
    return [task, slot, start, nowAbsMs(), null, null];
  }
  return new Promise((r) => setTimeout(r, duration / 1000)).then(() => [task, slot, start, nowAbsMs(), null, null]);
}

/** Runs a message's tasks in order and replies once with their results. A failing task
 *  ends the message: the results before it are sent, then the failure (the engine replaces
 *  this worker and hands the tasks after it to the new one). */
async function runTasks(tasks) {
  if (ready) await ready;
  const replies = [];
  for (const t of tasks) {
    try {
      const r = runTask(t);
      replies.push(r instanceof Promise ? await r : r);
    } catch (e) {
      if (replies.length) postMessage(replies);
      postMessage({ type: FromTaskWorker.failed, worker, task: t[1], error: serializeError(e) });
      return;
    }
  }
  postMessage(replies);
}

self.onmessage = async ({ data }) => {
  if (!accept('a task worker', data, taskWorkerRequest)) return;
  if (Array.isArray(data)) {
    queue = queue.then(() => runTasks(data));
  } else if (data.type === ToTaskWorker.rate) {
    // In order with the task lists around it, once the instance is ready.
    queue = queue.then(async () => {
      if (ready) await ready;
      set_cpu_rate(data.cpuRate);
    });
  } else if (data.type === ToTaskWorker.init) {
    worker = data.worker;
    // Ready once the instance is and this worker holds its life lock (the engine watches
    // it from then on, to learn of this worker's death: see liveness.js).
    const instance = init({ module_or_path: data.module }).then(() => set_cpu_rate(data.cpuRate));
    ready = Promise.all([instance, holdLife(data.life)]);
    try {
      await ready;
      ready = null;
      postMessage({ type: FromTaskWorker.ready, worker });
    } catch (e) {
      postMessage({ type: FromTaskWorker.failed, worker, error: serializeError(e) });
    }
  }
};
