// A pool worker of the `workers` executor: its own instance of the plain wasm module
// (compiled once by the engine, instantiated here), running one task at a time: `cpu` work,
// `io` waits, or kernels, whose value it reports with this instance's own counter. Tasks
// that arrive before the instance is ready wait for it, so the engine can hand work to a
// freshly started replacement at once. Tasks and replies are small arrays (the hot path).
import init, { counter_value, reset_counter, run_cpu, run_kernel, set_cpu_rate } from '../pkg/plain/fanout.js';
import { FromTaskWorker, ToTaskWorker, nowAbsMs, serializeError } from '../shared/messages.js';

let worker = -1;
let ready = null; // a promise until the instance is ready, then null
let run = null; // the run of the last task: this instance's counter restarts per run

/** Runs one task `[run, task, worker, kind (0 cpu, 1 io, 2 kernel), duration_us, kernel]`
 *  and replies `[task, worker, start, end, value or null, counter or null]`. */
async function runTask(t) {
  const [taskRun, task, slot, kind, duration, kernel] = t;
  try {
    if (taskRun !== run) {
      run = taskRun;
      reset_counter();
    }
    const start = nowAbsMs();
    if (kind === 2) {
      const value = run_kernel(kernel);
      postMessage([task, slot, start, nowAbsMs(), value, counter_value()]);
      return;
    }
    if (kind === 0) run_cpu(duration);
    else await new Promise((r) => setTimeout(r, duration / 1000));
    postMessage([task, slot, start, nowAbsMs(), null, null]);
  } catch (e) {
    // A trap (a panic in wasm) or any error: this task failed; the engine replaces us.
    postMessage({ type: FromTaskWorker.failed, worker, task, error: serializeError(e) });
  }
}

self.onmessage = async ({ data }) => {
  if (Array.isArray(data)) {
    if (ready) await ready;
    runTask(data);
  } else if (data.type === ToTaskWorker.init) {
    worker = data.worker;
    ready = init({ module_or_path: data.module }).then(() => set_cpu_rate(data.cpuRate));
    try {
      await ready;
      ready = null;
      postMessage({ type: FromTaskWorker.ready, worker });
    } catch (e) {
      postMessage({ type: FromTaskWorker.failed, worker, error: serializeError(e) });
    }
  }
};
