// A pool worker of the `workers` executor: its own instance of the plain wasm module
// (compiled once by the engine, instantiated here), running one task at a time.
import init, { run_cpu } from '../pkg/plain/fanout.js';
import { FromTaskWorker, ToTaskWorker, nowAbsMs, serializeError } from '../shared/messages.js';

let worker = -1;

self.onmessage = async ({ data }) => {
  try {
    if (data.type === ToTaskWorker.init) {
      worker = data.worker;
      await init({ module_or_path: data.module });
      postMessage({ type: FromTaskWorker.ready, worker });
    } else if (data.type === ToTaskWorker.task) {
      const start = nowAbsMs();
      if (data.kind === 'cpu') run_cpu(data.duration_us);
      else await new Promise((r) => setTimeout(r, data.duration_us / 1000));
      const end = nowAbsMs();
      postMessage({ type: FromTaskWorker.done, task: data.task, worker: data.worker, start, end });
    }
  } catch (e) {
    postMessage({ type: FromTaskWorker.failed, worker, error: serializeError(e) });
  }
};
