// A pool's dispatch cost, measured from a real run: how long a worker that had just ended an
// attempt waited for the next one while a task was already ready for it. That wait is the
// executor's own (the end's message to the engine, the scheduler's decision, the next
// task's message back), not the schedule's: an exact simulation starts the next attempt at
// once. The engine measures it on its warm-up run, and a simulation asked to price the
// pool's dispatch (`simulate(text, { dispatch: 'measured' })`) charges it per attempt.

/**
 * The mean gap (ms) between an attempt's end and the start of the next attempt on the same
 * worker, over the pairs whose next task was ready by that end; `null` when no such pair
 * exists (every worker ran one attempt, or waited for its dependencies each time).
 *
 * The mean, not the median: the gaps are bimodal. Measured in workers mode on 2 cores with
 * 2 workers, most are 0.03–0.15 ms, and one in five or so is 1–6 ms, when the engine's
 * thread, with both cores busy running tasks, waited for the OS to give it one. Those
 * waits are as real a part of the cost as the messages, and a makespan adds them all up.
 * `result` is a RunResult (tasks with `ready_ms` and `attempts` of `{ worker, start_ms,
 * end_ms }`).
 */
export function dispatchGapMs(result) {
  const lanes = new Map(); // worker -> [{ start, end, ready }]
  for (const t of result?.tasks ?? []) {
    for (const a of t.attempts ?? []) {
      if (!Number.isFinite(a.start_ms) || !Number.isFinite(a.end_ms)) continue;
      if (!lanes.has(a.worker)) lanes.set(a.worker, []);
      lanes.get(a.worker).push({ start: a.start_ms, end: a.end_ms, ready: t.ready_ms ?? Infinity });
    }
  }
  const gaps = [];
  for (const lane of lanes.values()) {
    lane.sort((x, y) => x.start - y.start);
    for (let i = 1; i < lane.length; i++) {
      const prev = lane[i - 1];
      const next = lane[i];
      if (next.ready <= prev.end && next.start >= prev.end) gaps.push(next.start - prev.end);
    }
  }
  if (!gaps.length) return null;
  return gaps.reduce((a, b) => a + b, 0) / gaps.length;
}
