// The run's realized critical chain: what actually set this run's makespan, walked back from
// the attempt that ended last. Guarantees:
//  - each step goes from an attempt to what released it: the dependency that ended latest
//    ('dependency'); or, if the task still waited after its dependencies had ended while every
//    worker was busy, the attempt that ran just before it on the worker it ran on ('worker');
//    or, if it waited while some worker was free (held back by a wave, a limit), the attempt
//    that ended last before it started ('held'); a retry goes back to its failed attempt
//    ('retry');
//  - waits within the tolerance, and idle gaps within it or under a quarter of the wait
//    (clock coarsening, dispatch latency), do not count;
//  - pure: reads a normalized run (run-model.js) and the graph's dependencies, draws nothing.

/** Waits at most this long (ms) are noise: a dispatch, a 100 µs clock coarsening. */
export const WAIT_TOLERANCE_MS = 0.25;

/**
 * The tolerance for one run: WAIT_TOLERANCE_MS, or 2% of the makespan if that is more (a
 * real run's dispatch gaps grow on a busy machine; a shorter wait hardly set the makespan).
 */
export function tolerance(model) {
  return Math.max(WAIT_TOLERANCE_MS, 0.02 * (model?.makespan ?? 0));
}

/** One worker's attempts by start, with the running maximum of their ends (for searches). */
function laneIndex(attempts) {
  const list = [...attempts].sort((p, q) => p.start - q.start || p.end - q.end);
  const maxEnd = [];
  let m = -Infinity;
  for (const a of list) { m = Math.max(m, a.end); maxEnd.push(m); }
  return { list, maxEnd };
}

/** Index of the first entry whose running-max end exceeds `t`. */
function firstEndingAfter(lane, t) {
  let lo = 0, hi = lane.list.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (lane.maxEnd[mid] <= t) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Index of the first entry starting at or after `t`. */
function firstStartingFrom(lane, t) {
  let lo = 0, hi = lane.list.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (lane.list[mid].start < t) lo = mid + 1; else hi = mid; }
  return lo;
}

/**
 * The realized chain of `model` (normalizeRun) over `deps` (Map or object id → dependency ids):
 * `{ ids, steps: [{ task, attempt, worker, start, end, via, waited }] }`, first task first.
 * `via` says what released the step (see the guarantees above; 'start' for the first step);
 * `waited` is how long the task waited after its dependencies (or failed attempt) had ended.
 */
export function realizedChain(model, deps) {
  const depsOf = deps instanceof Map ? (id) => deps.get(id) ?? [] : (id) => deps?.[id] ?? [];
  const all = model?.attempts ?? [];
  if (!all.length) return { ids: [], steps: [] };
  const tol = tolerance(model);
  const byWorker = new Map();
  for (const a of all) {
    if (!byWorker.has(a.worker)) byWorker.set(a.worker, []);
    byWorker.get(a.worker).push(a);
  }
  const lanes = new Map([...byWorker].map(([w, list]) => [w, laneIndex(list)]));
  const workers = Math.max(model.workers ?? 0, ...[...lanes.keys()].map((w) => w + 1));

  // The attempt that ended last, by `t` (+ tolerance) but after `after`, on one lane or all.
  const latestEnded = (t, after, onlyWorker) => {
    let best = null;
    for (const [w, lane] of lanes) {
      if (onlyWorker !== undefined && w !== onlyWorker) continue;
      // Attempts ending by t started before t: scan back from there while ends can qualify.
      for (let i = firstStartingFrom(lane, t + tol) - 1; i >= 0 && lane.maxEnd[i] > after; i--) {
        const a = lane.list[i];
        if (a.end <= t + tol && a.end > after && (!best || a.end > best.end)) best = a;
        if (best && lane.maxEnd[i] <= best.end) break;
      }
    }
    return best;
  };
  // Whether some worker sat free within (from, to) for longer than the tolerance and a quarter
  // of that time: shorter gaps are a real run's dispatch latency, not a worker left idle.
  const someWorkerIdle = (from, to) => {
    const minGap = Math.max(tol, 0.25 * (to - from));
    for (let w = 0; w < workers; w++) {
      const lane = lanes.get(w);
      if (!lane) return true; // a worker that never ran anything
      let covered = from;
      for (let i = firstEndingAfter(lane, from); i < lane.list.length; i++) {
        const a = lane.list[i];
        if (a.start >= to) break;
        if (a.start - covered > minGap) return true;
        covered = Math.max(covered, a.end);
      }
      if (to - covered > minGap) return true;
    }
    return false;
  };
  const lastOf = (id) => { const a = model.tasks.get(id)?.attempts; return a?.length ? a[a.length - 1] : null; };

  let cur = all.reduce((m, a) => (a.end > m.end ? a : m), all[0]);
  const steps = [];
  const seen = new Set();
  while (cur && !seen.has(cur)) {
    seen.add(cur);
    // What had to end before `cur` could start: its failed attempt, or its dependencies.
    let released = null;
    let kind = 'dependency';
    if (cur.attempt > 1) {
      released = model.tasks.get(cur.task)?.attempts[cur.attempt - 2] ?? null;
      kind = 'retry';
    } else {
      for (const d of depsOf(cur.task)) {
        const a = lastOf(d);
        if (a && (!released || a.end > released.end)) released = a;
      }
    }
    const readyAt = released ? released.end : 0;
    const waited = Math.max(0, cur.start - readyAt);
    let next = released;
    if (waited > tol) {
      const idle = someWorkerIdle(readyAt, cur.start);
      const by = latestEnded(cur.start, readyAt + tol, idle ? undefined : cur.worker);
      if (by && by !== cur) { next = by; kind = idle ? 'held' : 'worker'; }
    }
    steps.push({ task: cur.task, attempt: cur.attempt, worker: cur.worker, start: cur.start, end: cur.end,
      via: next ? kind : 'start', waited });
    cur = next;
  }
  steps.reverse();
  // Consecutive attempts of one task (retries) are one task in `ids`.
  const ids = [];
  for (const s of steps) if (ids[ids.length - 1] !== s.task) ids.push(s.task);
  return { ids, steps };
}

/** Steps of the chain that waited for a worker (all busy) after their dependencies ended. */
export function waitedForWorker(chain) {
  return chain.steps.filter((s) => s.via === 'worker');
}

/** "a → b → c", or for a long chain its ends: "a → b → c → … → y → z (40 tasks)". */
const list = (ids) => (ids.length <= 8 ? ids.join(' → ')
  : `${ids.slice(0, 3).join(' → ')} → … → ${ids.slice(-2).join(' → ')} (${ids.length} tasks)`);
const names = (xs) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);
const unique = (steps) => [...new Set(steps.map((s) => s.task))];

/**
 * One sentence comparing the run's realized chain with the graph's critical path
 * (`criticalPath`, ids first to last); '' when there is nothing to compare. `holdsBack`:
 * whether anything in the run could hold a ready task back while a worker was free (a wave,
 * a limit, a rate or a group's cap held some task; always so for a simulation). When nothing
 * could, a 'held' step is a real run's late hand-off, and the sentence says so (the results
 * panel's Hand-offs row tells the executor's usual cost from the machine's delay).
 */
export function chainSentence(chain, criticalPath, { holdsBack = true } = {}) {
  if (!chain?.ids.length) return '';
  const path = criticalPath ?? [];
  if (path.length && path.length === chain.ids.length && path.every((id, i) => id === chain.ids[i])) {
    return `This run's longest chain is the graph's critical path (${list(path)}): the graph set the makespan.`;
  }
  const waiting = unique(waitedForWorker(chain));
  const held = unique(chain.steps.filter((s) => s.via === 'held'));
  const other = path.length ? `, not the graph's critical path (${list(path)})` : '';
  const why = [];
  if (waiting.length) why.push(`${names(waiting)}, waiting for a worker`);
  if (held.length && holdsBack) why.push(`${names(held)}, held back while a worker was free (a wave, a limit or a group's cap)`);
  if (held.length && !holdsBack) {
    const late = `${names(held)}, started late while a worker was free though nothing held ${held.length === 1 ? 'it' : 'them'} back`;
    return `This run's longest chain (${list(chain.ids)}) went through ${[...why, late].join(', and through ')}${other}: ` +
      `handing tasks to the workers took that time${why.length ? ', so the hand-offs and the schedule' : ', so the hand-offs'}, not the graph, set the makespan ` +
      "(the results' Hand-offs row says whether they took the executor's usual time or this machine made them wait).";
  }
  if (why.length) {
    return `This run's longest chain (${list(chain.ids)}) went through ${why.join(', and through ')}${other}: the schedule, not the graph, set the makespan.`;
  }
  return `This run's longest chain (${list(chain.ids)}) is not the graph's critical path${path.length ? ` (${list(path)})` : ''}: the measured durations, not the declared ones, set the makespan.`;
}
