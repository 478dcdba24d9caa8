// Work stealing (`policy work-stealing`) for real: in threads, workers and async mode a run
// makes the same decisions as its simulation — the same worker for every attempt, the same
// steal (thief, victim, task) — and the page draws the steal on the timeline and counts it
// in the metrics.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { screenshot, usePage } from './harness.mjs';
import { setGraph, usePlayground } from './ui-helpers.mjs';

/** The worked example of docs/scheduler.md, scaled so that 20 ms separate every decision
 *  (b ends at 60 while c3 ends at 80): w1 steals c1 from w0 at 60. `kind` is cpu or io (async
 *  mode runs cpu tasks on one event loop, so it is given io tasks, which still hold a worker). */
const example = (kind, scale = 1) => `policy work-stealing
workers 2
a : ${kind} ${40 * scale}ms
b : ${kind} ${60 * scale}ms
c1 : ${kind} ${40 * scale}ms after a
c2 : ${kind} ${40 * scale}ms after a
c3 : ${kind} ${40 * scale}ms after a
`;

/** `text` with each task's declared duration replaced by the one it measured in `real`: the
 *  graph this machine actually ran. The one scheduler, given those durations, must make the
 *  real run's decisions. Other programs on a shared 2-core machine stretch cpu tasks (by 1.8x
 *  with one busy loop beside the Chromium), which can rightly reorder the declared example's
 *  decisions; they cannot make the real run disagree with the simulation of its own durations. */
const asRun = (text, real) => text.split('\n').map((line) => {
  const m = /^(\w+) : (cpu|io) \d+ms(.*)$/.exec(line);
  if (!m) return line;
  const [attempt] = real.tasks.find((x) => x.id === m[1]).attempts;
  return `${m[1]} : ${m[2]} ${attempt.duration_ms.toFixed(3)}ms${m[3]}`;
}).join('\n');

const placement = (r) => r.tasks.map((t) => [t.id, t.attempts.map((a) => a.worker)]);
const steals = (r) => r.steals.marks.map((m) => [m.task, m.attempt, m.worker, m.victim]);

for (const [mode, isolation] of [['threads', true], ['workers', false], ['async', false]]) {
  describe(`work stealing in ${mode} mode`, () => {
    let page;
    usePage((p) => { page = p; }, { isolation });

    test('a real run agrees attempt for attempt, steal for steal, with the simulation of the durations it measured', async (t) => {
      // Twice the documented lengths: 40 ms between decisions, so that a clean CI copy's
      // tasks, stretched by a fifth on its 2 cores (a Chromium beside the two workers), keep
      // the declared example's order; the check itself is against the measured durations.
      const text = example(mode === 'async' ? 'io' : 'cpu', 2);
      // async mode runs every ready task at once: one slot per task (5), whatever the graph's
      // `workers`; its simulation is the one on 5 workers.
      const simulate = (x) => page.evaluate(([g, w]) => window.fanout.simulate(g, w ? { workers: w } : {}), [x, mode === 'async' ? 5 : 0]);
      const sim = await simulate(text);
      if (mode !== 'async') {
        assert.deepEqual(steals(sim), [['c1', 1, 1, 0]], 'the simulation has the documented steal');
        assert.equal(sim.steals.failed_steals, 0);
      } else {
        assert.ok(sim.steals.steals >= 1, 'idle slots steal c1 and c2 from w0');
      }
      const real = await page.evaluate(([x, m]) => window.fanout.run(x, { mode: m }), [text, mode]);
      assert.equal(real.mode, mode);
      assert.equal(real.policy, 'work-stealing');
      assert.ok(real.tasks.every((x) => x.attempts.length === 1), 'one attempt per task');
      const ran = asRun(text, real);
      const replay = await simulate(ran);
      assert.deepEqual(placement(real), placement(replay), `every attempt on the worker the simulation of its measured durations gives it:\n${ran}`);
      assert.deepEqual(steals(real), steals(replay), 'the same steals as that simulation');
      if (!isDeepStrictEqual([placement(real), steals(real)], [placement(sim), steals(sim)])) t.diagnostic(`${mode}: this machine's durations reordered the declared example's decisions:\n${ran}`);
      assert.ok(real.steals.marks.length >= 1, 'the real run stole');
      // The measured cost of the steal: from the decision to the attempt's real start.
      const stolen = real.tasks.find((x) => x.id === real.steals.marks[0].task).attempts[0];
      const cost = stolen.start_ms - real.steals.marks[0].at_ms;
      // Two clocks: the steal is timed in the engine worker, the start in the task worker. On a
      // page that is not cross-origin isolated Chromium coarsens each worker's clock to 100 µs
      // with jitter, so the start may read up to about 0.2 ms before the steal.
      const slack = isolation ? 0 : 0.25;
      assert.ok(cost >= -slack && cost < 30, `steal to start took ${cost} ms`);
      t.diagnostic(`${mode}: steal of ${real.steals.marks[0].task} at ${real.steals.marks[0].at_ms.toFixed(2)} ms, started ${cost.toFixed(3)} ms later; makespan ${real.makespan_ms.toFixed(1)} ms (simulated ${sim.makespan_ms})`);
    });
  });
}

describe('work stealing in the page', () => {
  let page;
  usePlayground((p) => { page = p; });

  test('the timeline marks the steal with its victim and the metrics count it', async () => {
    await setGraph(page, `steal_cost 5ms\n${example('cpu')}`);
    const before = await page.evaluate(() => Number(document.querySelector('#outcome').dataset.count ?? 0));
    await page.click('#simulate');
    await page.waitForFunction((n) => Number(document.querySelector('#outcome').dataset.count ?? 0) > n, before, { timeout: 60_000 });
    const vm = await page.evaluate(() => window.fanoutUI.timeline.viewModel().overlays.steals);
    assert.equal(vm.count, 1);
    assert.equal(vm.shown, 1, 'drawn in the fitted view');
    const [m] = vm.marks;
    assert.deepEqual([m.task, m.worker, m.victim, m.at, m.start], ['c1', 1, 0, 60, 65], 'steal at 60, 5 ms cost');
    const metric = await page.$eval('#outcome dd[data-metric="steals"]', (dd) => dd.textContent);
    assert.match(metric, /^1\b/);
    assert.match(metric, /1 steal \(0\.20 per task\), 0 failed steal draws, each costing 5 ms/);
    await screenshot(page, 'steal-timeline');
    // Another policy: no steals, no marks, no metric.
    await setGraph(page, example('cpu').replace('work-stealing', 'critical-path'));
    await page.click('#simulate');
    await page.waitForFunction(() => !window.fanoutUI.timeline.viewModel().overlays.steals);
    assert.equal(await page.$('#outcome dd[data-metric="steals"]'), null);
  });
});
