// A pool's dispatch cost, measured from real runs: how long a worker that had just ended an
// attempt waited for the next one while a task was already ready for it. That wait is the
// executor's own (the end's message to the engine, the scheduler's decision, the next
// task's message back), not the schedule's: an exact simulation starts the next attempt at
// once. The engine measures it on its warm-up run and then on every run it runs (over the
// latest DISPATCH_RUNS runs, see DispatchCost), and a simulation asked to price the pool's
// dispatch (`simulate(text, { dispatch: 'measured' })`) charges it per attempt. The results
// panel judges each real run's hand-offs against that cost (`handoffs`): a run whose workers
// waited far longer than usual says that the machine, not the schedule, took the time.

/** Over how many of its latest runs a pool's dispatch cost is measured (odd: one median). */
export const DISPATCH_RUNS = 31;

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
  const gaps = dispatchGaps(result);
  return gaps.length ? mean(gaps) : null;
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** The median of `xs` (non-empty), the upper middle of an even count. */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The gaps (ms) [`dispatchGapMs`] is the mean of, lane by lane (lanes in the order their
 *  first attempt appears in `result.tasks`), each lane's in time order. */
export function dispatchGaps(result) {
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
  return gaps;
}

/**
 * A pool's dispatch cost as its runs measure it: the median, over its latest DISPATCH_RUNS
 * runs, of each run's mean gap (`dispatchGapMs`), so that it follows the machine and speaks
 * of a typical run, as the medians it is compared with do. Within a run, the mean: its long
 * waits are part of what that run paid. Across runs, the median: one run that shared the
 * cores with something else (the first runs after a page load share them with V8 compiling
 * the wasm's hot functions at its top tier: see docs/performance.md) does not set the cost
 * of the next thirty, and a figure taken on the warm-up alone would keep it for good.
 */
export class DispatchCost {
  constructor(runs = DISPATCH_RUNS) {
    this.runs = runs;
    this.means = [];
  }

  /** Adds `result`'s mean gap, if it has one (the oldest beyond the window goes); returns
   *  the new cost. */
  add(result) {
    const m = dispatchGapMs(result);
    if (m !== null) {
      this.means.push(m);
      if (this.means.length > this.runs) this.means.splice(0, this.means.length - this.runs);
    }
    return this.ms();
  }

  /** The median of the runs' mean gaps kept (the upper middle of an even count), ms per
   *  attempt; null before any. */
  ms() {
    if (!this.means.length) return null;
    return median(this.means);
  }
}

/** A hand-off is long when it takes more than this many times the pool's usual one … */
export const LONG_HANDOFF_TIMES = 4;
/** … and more than this (ms) over it: a 0.1 ms clock step or a message is never long. */
export const LONG_HANDOFF_OVER_MS = 0.25;
/** A run's long hand-offs are the machine's, and the results panel says so, when they cost
 *  this share of its makespan over the usual hand-off, and at least LONG_HANDOFF_OVER_MS. */
export const HANDOFF_MACHINE_SHARE = 0.1;

/**
 * A real run's hand-offs (the gaps `dispatchGaps` lists: a worker ended an attempt, its next
 * task was ready, and it waited), judged against the pool's usual one, `usualMs` (its
 * DispatchCost; the run's own median gap when the pool has none yet). `null` when the run
 * has no hand-off. Otherwise `{ count, total_ms, mean_ms, usual_ms, long, longest_ms,
 * excess_ms, machine }`: `long` counts the hand-offs over LONG_HANDOFF_TIMES × usual and
 * LONG_HANDOFF_OVER_MS over it; `excess_ms` is what those took over the usual; `machine` says
 * that excess is HANDOFF_MACHINE_SHARE of `makespanMs` or more. An exact simulation hands
 * the next task over at once, and the scheduler decides at once: a long wait is a thread
 * (the engine's, or a worker's) that waited for a core, or for the system to wake it.
 */
export function handoffs(result, usualMs, makespanMs) {
  const gaps = dispatchGaps(result);
  if (!gaps.length) return null;
  const total = gaps.reduce((a, b) => a + b, 0);
  const usual = Number.isFinite(usualMs) && usualMs >= 0 ? usualMs : median(gaps);
  const longOnes = gaps.filter((g) => g > LONG_HANDOFF_TIMES * usual && g > usual + LONG_HANDOFF_OVER_MS);
  const excess = longOnes.reduce((a, g) => a + g - usual, 0);
  return {
    count: gaps.length, total_ms: total, mean_ms: total / gaps.length, usual_ms: usual,
    long: longOnes.length, longest_ms: Math.max(...gaps), excess_ms: excess,
    machine: longOnes.length > 0 && excess >= LONG_HANDOFF_OVER_MS && excess >= HANDOFF_MACHINE_SHARE * (makespanMs || 0),
  };
}
