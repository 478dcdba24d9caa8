// The recent runs of this page session, for comparing them. Guarantees: keeps the last `limit`
// runs (real or simulated), oldest first, each numbered once (#1, #2, … never reused) with its
// graph text, the settings asked for, what it actually ran with (mode, workers, policy), its
// makespan and its normalized model (run-model.js); cancelled runs are not kept.
import { formatMs, plural } from './format.js';

/** `{ add(run) → entry | null, list(), get(n), onChange(fn) }`, at most `limit` entries. */
export function createRunHistory(limit = 10) {
  let runs = [];
  let next = 1;
  const listeners = [];
  return {
    /**
     * Records a finished run: `{ text, settings, result, model, graph? }` (graph: the parsed
     * tasks [{ id, deps }] it ran, for the timelines' dependency arrows; the entry keeps the
     * result's task groups as `groups`, for their brackets).
     */
    add({ text, settings = {}, result, model, graph = [] }) {
      if (!result || result.cancelled) return null;
      const entry = {
        n: next++, text, settings: { ...settings }, mode: result.mode, workers: model.workers,
        policy: result.policy ?? settings.policy ?? 'as declared', makespan: model.makespan,
        attempts: model.attempts.length, taskIds: [...model.tasks.keys()].sort(), model, graph,
        // The graph's task groups with their spans (RunResult.groups), for the brackets.
        groups: result.groups ?? [],
      };
      runs = [...runs, entry].slice(-limit);
      for (const fn of listeners) fn(entry);
      return entry;
    },
    list: () => [...runs],
    get: (n) => runs.find((r) => r.n === n) ?? null,
    /** Calls `fn(entry)` after each run is added. */
    onChange(fn) { listeners.push(fn); },
  };
}

/** "#3 · threads · 4 workers · critical-path · 212 ms" */
export function runLabel(r) {
  return `#${r.n} · ${r.mode} · ${plural(r.workers, 'worker')} · ${r.policy} · ${formatMs(r.makespan)}`;
}

/** True when two runs ran the same set of task ids. */
export function sameTasks(a, b) {
  return a.taskIds.length === b.taskIds.length && a.taskIds.every((id, i) => id === b.taskIds[i]);
}
