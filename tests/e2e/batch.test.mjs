// Batching (`batch N`) for real: in threads, workers and async mode the members of a batch
// run back to back on the worker the simulation gives them, each with its own record, and
// the page outlines each batch on the timeline and counts the batches in the metrics.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, usePage } from './harness.mjs';
import { setGraph, usePlayground } from './ui-helpers.mjs';

/** The worked example of docs/scheduler.md, scaled: w0 runs w1..w4 back to back (0-80 ms),
 *  w1 runs w5 and w6 (0-40 ms), merge waits for all of them. */
const example = (kind) => `workers 2
w[1..6] : ${kind} 20ms batch 4
merge : ${kind} 5ms after w[*]
`;

const placement = (r) => r.tasks.map((t) => [t.id, t.attempts.map((a) => a.worker)]);
const members = (r) => r.batches.map((b) => [b.worker, b.members]);

for (const [mode, isolation] of [['threads', true], ['workers', false], ['async', false]]) {
  describe(`batching in ${mode} mode`, () => {
    let page;
    usePage((p) => { page = p; }, { isolation });

    test('a real run agrees with its simulation attempt for attempt; members run back to back', async (t) => {
      const text = example(mode === 'async' ? 'io' : 'cpu');
      const sim = await page.evaluate((x) => window.fanout.simulate(x, {}), text);
      assert.deepEqual(members(sim), [[0, ['w1', 'w2', 'w3', 'w4']], [1, ['w5', 'w6']]]);
      const real = await page.evaluate(([x, m]) => window.fanout.run(x, { mode: m }), [text, mode]);
      assert.equal(real.mode, mode);
      assert.deepEqual(placement(real), placement(sim), 'every attempt on the simulated worker');
      assert.deepEqual(members(real), members(sim), 'the same batches');
      // Back to back: each member starts after the previous one ended, on the same worker.
      const byId = new Map(real.tasks.map((x) => [x.id, x]));
      for (const b of real.batches) {
        for (let k = 1; k < b.members.length; k++) {
          const prev = byId.get(b.members[k - 1]), next = byId.get(b.members[k]);
          assert.ok(next.start_ms >= prev.end_ms - 0.01, `${next.id} starts at ${next.start_ms} before ${prev.id} ends at ${prev.end_ms}`);
        }
        const first = byId.get(b.members[0]), last = byId.get(b.members.at(-1));
        assert.equal(b.start_ms, first.start_ms);
        assert.equal(b.end_ms, last.end_ms);
      }
      t.diagnostic(`${mode}: batch of 4 on w0 took ${(real.batches[0].end_ms - real.batches[0].start_ms).toFixed(1)} ms (simulated 80); makespan ${real.makespan_ms.toFixed(1)} ms (simulated ${sim.makespan_ms})`);
    });
  });
}

describe('batching in the page', () => {
  let page;
  usePlayground((p) => { page = p; });

  test('the timeline outlines each batch and the metrics count them', async () => {
    await setGraph(page, example('cpu'));
    const before = await page.evaluate(() => Number(document.querySelector('#outcome').dataset.count ?? 0));
    await page.click('#simulate');
    await page.waitForFunction((n) => Number(document.querySelector('#outcome').dataset.count ?? 0) > n, before, { timeout: 60_000 });
    const vm = await page.evaluate(() => window.fanoutUI.timeline.viewModel());
    assert.equal(vm.bars, 7, 'every member keeps its own bar');
    const b = vm.overlays.batches;
    assert.equal(b.count, 2);
    assert.equal(b.shown, 2);
    assert.deepEqual(b.batches.map((x) => [x.worker, x.start, x.end, x.members.length]), [[0, 0, 80, 4], [1, 0, 40, 2]]);
    const metric = await page.$eval('#outcome dd[data-metric="batches"]', (dd) => dd.textContent);
    assert.match(metric, /^2\b/);
    assert.match(metric, /2 dispatches carried 6 tasks \(3\.0 per batch\)/);
    await screenshot(page, 'batch-timeline');
  });
});
