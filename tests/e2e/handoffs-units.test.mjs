// A real run's hand-offs, in Node (no browser): how the results panel and the sentence under the
// timeline tell the executor's usual cost from a wait the machine imposed. The browser tests
// (ui-results.test.mjs) check the same row on real runs; these pin the judgment itself, on
// runs written out here, where a wait of 3 ms can be made to happen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handoffs, LONG_HANDOFF_OVER_MS, LONG_HANDOFF_TIMES } from '../../www/shared/dispatch-gap.js';
import { metricRows, runFigures } from '../../www/app/results.js';
import { chainSentence, realizedChain } from '../../www/app/critical-chain.js';
import { normalizeRun } from '../../www/app/run-model.js';

/** Four tasks ready at 0 on 2 workers: p1 then p3 on w0, p2 then p4 on w1 (p4 at `p4At`). */
function run(p4At, extra = {}) {
  const t = (id, worker, start, end) => ({ id, worker, start_ms: start, end_ms: end, status: 'ok', ready_ms: 0,
    attempts: [{ worker, start_ms: start, end_ms: end, duration_ms: end - start, status: 'ok' }] });
  const tasks = [t('p1', 0, 0, 1), t('p2', 1, 0, 1), t('p3', 0, 1.08, 2.08), t('p4', 1, p4At, p4At + 1)];
  return { mode: 'workers', workers: 2, cores: 8, policy: 'critical-path', makespan_ms: p4At + 1, tasks,
    metrics: { makespan_ms: p4At + 1, blocked_ms: 0, wave_wait_ms: 0 }, pool_dispatch_ms: 0.08, ...extra };
}
const row = (result) => metricRows(runFigures(result)).find((r) => r.key === 'handoffs');
const deps = new Map(['p1', 'p2', 'p3', 'p4'].map((id) => [id, []]));

test('usual hand-offs: the executor\'s own cost, which an exact simulation leaves out', () => {
  const r = run(1.1);
  const h = handoffs(r, r.pool_dispatch_ms, r.makespan_ms);
  assert.equal(h.count, 2);
  assert.ok(Math.abs(h.total_ms - 0.18) < 1e-9 && Math.abs(h.mean_ms - 0.09) < 1e-9);
  assert.equal(h.long, 0);
  assert.equal(h.machine, false);
  const { value, sentence } = row(r);
  assert.equal(value, '180 µs');
  assert.equal(sentence, '2 times a worker that had ended an attempt waited for its next task, already ready: 90 µs on average, 180 µs in all: ' +
    "the executor's own hand-off (messages between the workers and the engine), which an exact simulation leaves out.");
});

test('a hand-off far over the pool\'s usual one is the machine\'s, and both sentences say so', () => {
  const r = run(4);
  const h = handoffs(r, r.pool_dispatch_ms, r.makespan_ms);
  assert.equal(h.long, 1);
  assert.ok(Math.abs(h.excess_ms - (3 - 0.08)) < 1e-9);
  assert.equal(h.machine, true);
  const { value, sentence } = row(r);
  assert.equal(value, '3.1 ms');
  assert.match(sentence, /^2 times a worker .* 3\.1 ms in all\. One of those waits took 3 ms, against 80 µs for this pool's usual hand-off \(messages between the workers and the engine\): 2\.9 ms more than usual\./);
  assert.match(sentence, /this machine made the run wait .* so this run took longer than its schedule\. Run it again when the machine is quieter\.$/);
  // A worker per core: the engine's thread, which decides each hand-off, has no core to itself.
  assert.match(row({ ...r, cores: 2 }).sentence, /took longer than its schedule\. 2 workers on 2 cores leave the engine's thread no core of its own: fewer workers, or a quieter machine, wait less\.$/);
  assert.match(row({ ...r, cores: 4 }).sentence, /Run it again when the machine is quieter\.$/);
  assert.doesNotMatch(sentence, /slower|slowdown/, 'no slowdown claimed (no one-worker run says so)');
  // The chain under the timeline: p4 started 3 ms after it was ready, with w1 free; nothing in
  // this run could hold a task back, so it was the hand-off, not a wave or a limit.
  const chain = realizedChain(normalizeRun(r), deps);
  assert.deepEqual(chain.steps.map((s) => [s.task, s.via]).at(-1), ['p4', 'held']);
  const late = chainSentence(chain, ['p1'], { holdsBack: false });
  // p3 waited for a worker (both were busy): the schedule's; p4 waited with w1 free: the machine's.
  assert.equal(late, "This run's longest chain (p1 → p3 → p4) went through p3, waiting for a worker, and through p4, started late while a worker " +
    "was free though nothing held it back, not the graph's critical path (p1): handing tasks to the workers took that time, so the hand-offs " +
    "and the schedule, not the graph, set the makespan (the results' Hand-offs row says whether they took the executor's usual time or this " +
    'machine made them wait).');
  // Where a wave or a limit could have held it, the sentence keeps to the schedule.
  assert.match(chainSentence(chain, ['p1']), /p4, held back while a worker was free \(a wave, a limit or a group's cap\).*the schedule, not the graph/);
});

test('kernels faster than their model\'s error are not called "within" it', () => {
  const share = (s) => metricRows(runFigures({ ...run(1.1), kernel_share: { share: s, asked_ms: 4 * s, took_ms: 4, attempts: 4 } }))
    .find((r) => r.key === 'kernel-share').sentence;
  assert.match(share(1.53), /ran at 153% of their modelled speed: .*\. That is faster than the model's error allows: they ran faster than when this engine calibrated them/);
  assert.match(share(1.1), /within the cost model's error/);
  assert.match(share(0.8), /more than the model's error: this machine gave them less speed/);
});

test('the judgment\'s edges: the thresholds, a pool with no figure yet, and runs that are not fanout\'s', () => {
  const usual = 0.08;
  // Just over both thresholds is long; just under, not.
  const edge = Math.max(LONG_HANDOFF_TIMES * usual, usual + LONG_HANDOFF_OVER_MS);
  assert.equal(handoffs(run(1 + edge - 1e-6), usual, 2 + edge).long, 0);
  assert.equal(handoffs(run(1 + edge + 1e-6), usual, 2 + edge).long, 1);
  // A long wait that is a small share of a long run is not blamed on the machine.
  const long = run(4);
  assert.equal(handoffs(long, usual, 100).machine, false);
  // No figure from the pool yet: the run's own median hand-off is the usual one.
  assert.equal(handoffs(run(4), null, 5).usual_ms, 3);
  assert.equal(handoffs(run(4), undefined, 5).long, 0, 'of two hand-offs, the median is the long one: nothing to compare it with');
  // No hand-off at all (one task per worker), a simulation, an imported trace: no row.
  const two = { ...run(1.1), tasks: run(1.1).tasks.slice(0, 2) };
  assert.equal(handoffs(two, usual, 1), null);
  assert.equal(row(two), undefined);
  assert.equal(row({ ...run(4), mode: 'simulated' }), undefined);
  assert.equal(row({ ...run(4), mode: 'imported dask' }), undefined);
  // A big result's summary lists only some tasks: no row rather than a wrong one.
  assert.equal(row({ ...run(4), tasks_total: 4000 }), undefined);
  // Threads mode names its own hand-off.
  assert.match(row({ ...run(1.1), mode: 'threads', pool_dispatch_ms: 0.09 }).sentence, /a lock and a wake-up between threads/);
});
