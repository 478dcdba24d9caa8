// The DAG view's layout seam: `layout(graph) -> Promise<positions>`. Layered, left to right,
// computed by @dagrejs/dagre. Guarantees: every task gets a box `{ x, y, width, height }`
// (x, y = centre), every dependency an edge `{ from, to, points }`; graphs above
// WORKER_THRESHOLD tasks are laid out in a Web Worker so the page stays responsive; a newer
// call supersedes an older one (the older promise resolves with `null`).
import { computeLayout } from './layout-core.js';
import { accept, layoutReply } from '../shared/validate.js';

export const WORKER_THRESHOLD = 500;

let worker = null;
let seq = 0;

function layoutInWorker(tasks) {
  worker ??= new Worker(new URL('./layout-worker.js', import.meta.url), { type: 'module', name: 'fanout-layout' });
  const id = ++seq;
  return new Promise((resolve, reject) => {
    const onMessage = ({ data }) => {
      if (!accept('the page (from the layout worker)', data, layoutReply) || data.id !== id) return;
      worker.removeEventListener('message', onMessage);
      if (id !== seq) resolve(null);
      else if (data.error) reject(new Error(data.error));
      else resolve({ ...data.positions, inWorker: true });
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage({ id, tasks: tasks.map((t) => ({ id: t.id, deps: t.deps })) });
  });
}

/** Positions for `graph` ({ tasks: [{ id, deps }] }). */
export async function layout(graph) {
  const tasks = graph.tasks ?? [];
  if (tasks.length > WORKER_THRESHOLD) return layoutInWorker(tasks);
  const id = ++seq;
  const positions = computeLayout(tasks);
  return id === seq ? { ...positions, inWorker: false } : null;
}
