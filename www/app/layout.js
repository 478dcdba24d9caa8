// The DAG view's layout seam: `layout(graph) -> Promise<positions>`. Layered, left to right,
// computed by @dagrejs/dagre. Guarantees: every task gets a box `{ x, y, width, height }`
// (x, y = centre), every dependency an edge `{ from, to, points }`; with groups
// (`graph.groups`), every drawn group a box in `groups[name]` around its members, and a
// group named in `collapsed` one node standing for its members (see layout-core.js); graphs above
// WORKER_THRESHOLD tasks are laid out in a Web Worker so the page stays responsive; a newer
// call supersedes an older one (the older promise resolves with `null`).
import { computeLayout } from './layout-core.js';
import { accept, layoutReply } from '../shared/validate.js';

export const WORKER_THRESHOLD = 500;

let worker = null;
let seq = 0;

function layoutInWorker(tasks, groups, collapsed) {
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
    worker.postMessage({ id, tasks: tasks.map((t) => ({ id: t.id, deps: t.deps })),
      groups: groups.map((g) => ({ name: g.name, parent: g.parent ?? null, tasks: g.tasks })), collapsed: [...collapsed] });
  });
}

/** Positions for `graph` ({ tasks: [{ id, deps }], groups?: [{ name, parent, tasks }] }),
 *  with the groups named in `collapsed` drawn as one node each. */
export async function layout(graph, collapsed = []) {
  const tasks = graph.tasks ?? [];
  const groups = graph.groups ?? [];
  if (tasks.length > WORKER_THRESHOLD) return layoutInWorker(tasks, groups, collapsed);
  const id = ++seq;
  const positions = computeLayout(tasks, groups, collapsed);
  return id === seq ? { ...positions, inWorker: false } : null;
}
