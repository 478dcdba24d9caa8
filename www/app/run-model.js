// The ONE place where the engine's result shapes become what the views draw. Guarantees:
//  - every task yields at least one attempt; a task record without `attempts` is one attempt
//    from its own worker/start_ms/end_ms/status;
//  - times are ms from the start of the run; every attempt has worker, start <= end, status,
//    its 1-based number and the state it is drawn in (states.js);
//  - `ready_ms` / `unblocked_ms` (when present) become 'blocked' and 'waiting' segments:
//    blocked = ready → unblocked (held back by a limit), waiting = unblocked (or ready) → first
//    start; drawn in the lane of the first attempt. A retry's gap after a failed attempt is a
//    'waiting' segment too. Field names of results still in the making are adapted here only.
import { stateOfStatus } from './states.js';

/** The optional fields of a task record, by the name the views use → the name(s) in results. */
const FIELD = {
  ready: ['ready_ms'],
  unblocked: ['unblocked_ms', 'released_ms', 'admitted_ms'],
};

function pick(record, names) {
  for (const n of names) if (typeof record[n] === 'number') return record[n];
  return undefined;
}

/** Attempts of one task record, normalized (see the guarantees above). */
export function attemptsOf(record) {
  const raw = Array.isArray(record.attempts) && record.attempts.length ? record.attempts
    : [{ worker: record.worker, start_ms: record.start_ms, end_ms: record.end_ms, status: record.status }];
  return raw.map((a, i) => {
    const start = Number(a.start_ms ?? a.start ?? 0);
    const end = Math.max(start, Number(a.end_ms ?? a.end ?? start));
    const status = a.status ?? 'ok';
    const bar = { task: record.id, attempt: i + 1, worker: Number(a.worker ?? record.worker ?? 0), start, end, status, state: stateOfStatus(status) };
    if (a.reason) bar.reason = String(a.reason); // "lost the hedge"
    return bar;
  });
}

/** Waiting and blocked segments of one task record, given its normalized attempts. */
export function segmentsOf(record, attempts) {
  const out = [];
  if (!attempts.length) return out;
  const first = attempts[0];
  const ready = pick(record, FIELD.ready);
  const unblocked = pick(record, FIELD.unblocked);
  if (ready !== undefined && unblocked !== undefined && unblocked > ready) {
    out.push({ task: record.id, worker: first.worker, kind: 'blocked', start: ready, end: Math.min(unblocked, first.start) });
  }
  const waitFrom = unblocked ?? ready;
  if (waitFrom !== undefined && first.start > waitFrom) {
    out.push({ task: record.id, worker: first.worker, kind: 'waiting', start: waitFrom, end: first.start });
  }
  for (let i = 1; i < attempts.length; i++) {
    const prev = attempts[i - 1], next = attempts[i];
    if (next.start > prev.end && !next.reason && !prev.reason) out.push({ task: record.id, worker: next.worker, kind: 'waiting', start: prev.end, end: next.start });
  }
  return out;
}

/** The state a task shows once the run is over: its last attempt's (not counting a hedge
 *  copy that lost: the winner, recorded before it, says how the task ended). */
export function finalState(attempts) {
  const decided = attempts.filter((a) => !a.reason);
  const last = decided.length ? decided : attempts;
  return last.length ? last[last.length - 1].state : 'waiting';
}

/**
 * A RunResult (real or simulated) → `{ mode, workers, makespan, sequential, work, span,
 * lowerBound, tasks: Map<id, { id, attempts, segments, ready, unblocked, state }>, attempts,
 * segments }`.
 */
export function normalizeRun(result) {
  const tasks = new Map();
  const attempts = [];
  const segments = [];
  let lastEnd = 0;
  for (const record of result.tasks ?? []) {
    const a = attemptsOf(record);
    const s = segmentsOf(record, a);
    tasks.set(record.id, {
      id: record.id, attempts: a, segments: s, state: finalState(a),
      ready: pick(record, FIELD.ready), unblocked: pick(record, FIELD.unblocked),
    });
    attempts.push(...a);
    segments.push(...s);
    for (const x of a) lastEnd = Math.max(lastEnd, x.end);
  }
  const workers = Math.max(1, Number(result.workers) || 0, ...attempts.map((x) => x.worker + 1));
  return {
    mode: result.mode, workers,
    makespan: Math.max(Number(result.makespan_ms) || 0, lastEnd),
    sequential: result.sequential_ms,
    work: result.work_ms, span: result.span_ms, lowerBound: result.lower_bound_ms,
    tasks, attempts, segments,
  };
}

/** States of every task of a graph after a run: tasks the run does not mention are 'waiting'. */
export function statesAfterRun(graphTasks, model) {
  const states = new Map();
  for (const t of graphTasks) states.set(t.id, model?.tasks.get(t.id)?.state ?? 'waiting');
  return states;
}

/** States before any run: tasks without dependencies are 'ready', the others 'waiting'. */
export function statesBeforeRun(graphTasks) {
  return new Map(graphTasks.map((t) => [t.id, t.deps.length ? 'waiting' : 'ready']));
}
