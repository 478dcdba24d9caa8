// A pool worker of the `workers` executor: its own instance of the plain wasm module
// (compiled once by the engine, instantiated here), running one task at a time: `cpu` work,
// `io` waits, or kernels, whose value it reports with this instance's own counter. Tasks that
// arrive before the instance is ready wait for it, so the engine can hand work to a
// freshly started replacement at once.
import init, { counter_value, reset_counter, run_cpu, run_kernel, set_cpu_rate } from '../pkg/plain/fanout.js';
import { FromTaskWorker, ToTaskWorker, nowAbsMs, serializeError } from '../shared/messages.js';

let worker = -1;
let ready = null;
let run = null; // the run the last task belonged to: this instance's counter restarts per run

self.onmessage = async ({ data }) => {
  if (data.type === ToTaskWorker.init) {
    worker = data.worker;
    ready = init({ module_or_path: data.module }).then(() => set_cpu_rate(data.cpuRate));
    try {
      await ready;
      postMessage({ type: FromTaskWorker.ready, worker });
    } catch (e) {
      postMessage({ type: FromTaskWorker.failed, worker, error: serializeError(e) });
    }
  } else if (data.type === ToTaskWorker.task) {
    try {
      await ready;
      if (data.run !== run) {
        run = data.run;
        reset_counter();
      }
      const start = nowAbsMs();
      let value = null;
      if (data.kernel) value = run_kernel(data.kernel);
      else if (data.kind === 'cpu') run_cpu(data.duration_us);
      else await new Promise((r) => setTimeout(r, data.duration_us / 1000));
      const end = nowAbsMs();
      postMessage({ type: FromTaskWorker.done, task: data.task, worker: data.worker, start, end, value, counter: counter_value() });
    } catch (e) {
      // A trap (a panic in wasm) or any error: this task failed; the engine replaces us.
      postMessage({ type: FromTaskWorker.failed, worker, task: data.task, error: serializeError(e) });
    }
  }
};
