// The walking skeleton end to end: the served playground runs graphs on real workers in
// both modes, and the Gantt chart shows what ran where.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { independentTasks, lanes, open, screenshot, usePage } from './harness.mjs';
import { setGraph } from './ui-helpers.mjs';

/** Asserts no two bars of one lane overlap (a worker runs one task at a time). */
function assertNoOverlapInLanes(result) {
  for (const [worker, bars] of lanes(result)) {
    for (let i = 1; i < bars.length; i++) {
      assert.ok(bars[i].start_ms >= bars[i - 1].end_ms,
        `worker ${worker}: ${bars[i].id} starts at ${bars[i].start_ms} before ${bars[i - 1].id} ends at ${bars[i - 1].end_ms}`);
    }
  }
}

function assertChainOrder(result, ids) {
  const byId = new Map(result.tasks.map((t) => [t.id, t]));
  for (let i = 1; i < ids.length; i++) {
    const prev = byId.get(ids[i - 1]);
    const next = byId.get(ids[i]);
    assert.ok(next.start_ms >= prev.end_ms, `${ids[i]} starts at ${next.start_ms} before ${ids[i - 1]} ends at ${prev.end_ms}`);
  }
}

const CHAIN = 'a : cpu 20ms\nb : cpu 20ms after a\nc : cpu 20ms after b\n';

describe('served with the cross-origin isolation headers', () => {
  let page;
  usePage((p) => { page = p; });

  test('the page says it is isolated and will use threads', async () => {
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    const env = await page.textContent('#environment');
    assert.match(env, /Cross-origin isolated: yes/);
    assert.match(env, /threads mode/);
  });

  test('8 independent 50 ms tasks on 2 workers run in threads mode, in parallel', async (t) => {
    const r = await page.evaluate((t) => window.fanout.run(t, { workers: 2 }), independentTasks(8, 50));
    assert.equal(r.mode, 'threads');
    assert.equal(r.workers, 2);
    assert.equal(r.isolated, true);
    assert.equal(r.tasks.length, 8);
    assert.deepEqual([...lanes(r).keys()].sort(), [0, 1], 'both lanes used');
    assertNoOverlapInLanes(r);
    for (const task of r.tasks) {
      assert.equal(task.status, 'ok');
      // Calibrated work: about 50 ms on an idle core (the fastest calibration sample sets the
      // rate, so it is rarely shorter; a busy machine makes it longer).
      assert.ok(task.end_ms - task.start_ms >= 40, `${task.id} ran ${task.end_ms - task.start_ms} ms, far less than its 50 ms`);
    }
    // In parallel: the lanes' measured bars overlap in time, so together they last much
    // longer than the run (2× at best on 2 workers; 1× if the pool ran one task at a time).
    // This holds on a machine busy with other work too, where every bar stretches alike.
    const busy = r.tasks.reduce((s, x) => s + (x.end_ms - x.start_ms), 0);
    assert.ok(busy / r.makespan_ms > 1.6, `the lanes overlapped only ${(busy / r.makespan_ms).toFixed(2)}×: ${busy.toFixed(0)} ms of bars in a ${r.makespan_ms} ms run`);
    // And the engine's own part (the makespan with the time other programs took from the
    // workers' cores taken out: × cpu_share) is well under the 400 ms a single worker needs.
    const own = r.makespan_ms * Math.min(1, r.cpu_share.share);
    assert.ok(own < 320, `makespan ${r.makespan_ms} ms (${own.toFixed(0)} ms at the ${(r.cpu_share.share * 100).toFixed(0)} % of the cores the workers got) is not well under the 400 ms sequential sum`);
    t.diagnostic(`threads: 8 x 50 ms on 2 workers, makespan ${r.makespan_ms.toFixed(1)} ms, workers got ${(r.cpu_share.share * 100).toFixed(0)} % of the time they asked for`);
  });

  test('a chain a -> b -> c runs in order', async () => {
    const r = await page.evaluate((t) => window.fanout.run(t, { workers: 2 }), CHAIN);
    assert.equal(r.mode, 'threads');
    assertChainOrder(r, ['a', 'b', 'c']);
  });

  test('the Run button draws one bar per task in a lane per worker and names the mode', async () => {
    await setGraph(page, independentTasks(8, 50));
    await page.fill('#workers', '2');
    await page.click('#run');
    // The timeline is a canvas; its view model and data attributes say what it drew.
    // Bars are drawn live as attempts end; the status is written when the run is over.
    await page.waitForFunction(() => !document.querySelector('#run').disabled);
    await page.waitForSelector('#gantt[data-bars="8"]');
    const vm = await page.evaluate(() => window.fanoutUI.timeline.viewModel());
    assert.equal(vm.bars, 8, 'one bar per task');
    assert.equal(vm.lanes, 2, 'one lane per worker');
    assert.equal(vm.workersUsed, 2);
    assert.match(await page.textContent('#run-status'), /threads mode — shared-memory/);
    assert.ok(vm.ticks.includes('100 ms'), `the time axis has labelled ticks: ${vm.ticks}`);
    await screenshot(page, 'threads-run');
    assert.deepEqual(page.errors, []);
  });

  test('workers mode can be requested on an isolated page too', async () => {
    const r = await page.evaluate((t) => window.fanout.run(t, { workers: 2, mode: 'workers' }), CHAIN);
    assert.equal(r.mode, 'workers');
    assertChainOrder(r, ['a', 'b', 'c']);
  });

  test('one worker runs everything in one lane, one after another', async () => {
    const r = await page.evaluate((t) => window.fanout.run(t, { workers: 1 }), independentTasks(4, 10));
    assert.deepEqual([...lanes(r).keys()], [0]);
    assertNoOverlapInLanes(r);
    assert.ok(r.makespan_ms >= 0.85 * 40, `4 x 10 ms on one worker took only ${r.makespan_ms} ms`); // calibrated work: about, not exactly
  });
});

describe('served without the isolation headers (an ordinary host or an embedding page)', () => {
  let page;
  usePage((p) => { page = p; }, { isolation: false });

  test('the run completes in workers mode on 2 workers and says why', async (t) => {
    assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    const r = await page.evaluate((t) => window.fanout.run(t, { workers: 2 }), independentTasks(8, 50));
    assert.equal(r.mode, 'workers');
    assert.equal(r.workers, 2);
    assert.equal(r.isolated, false);
    assert.match(r.reason, /not cross-origin isolated/);
    assert.equal(r.tasks.length, 8);
    assert.deepEqual([...lanes(r).keys()].sort(), [0, 1]);
    assertNoOverlapInLanes(r);
    const [l0, l1] = [lanes(r).get(0), lanes(r).get(1)];
    const overlapping = l0.some((a) => l1.some((b) => a.start_ms < b.end_ms && b.start_ms < a.end_ms));
    assert.ok(overlapping, 'bars on the two workers overlap in time: they ran in parallel');
    t.diagnostic(`workers: 8 x 50 ms on 2 workers, makespan ${r.makespan_ms.toFixed(1)} ms`);
  });

  test('a chain runs in order in workers mode', async () => {
    const r = await page.evaluate((t) => window.fanout.run(t, { workers: 2 }), CHAIN);
    assertChainOrder(r, ['a', 'b', 'c']);
  });

  test('asking for threads explains why they are unavailable', async () => {
    const message = await page.evaluate((t) => window.fanout.run(t, { workers: 2, mode: 'threads' }).then(() => 'ran', (e) => e.message), CHAIN);
    assert.match(message, /threads mode is unavailable: the page is not cross-origin isolated/);
  });

  test('the page states the fallback and the Run button still draws the chart', async () => {
    assert.match(await page.textContent('#environment'), /Cross-origin isolated: no/);
    assert.equal(await page.$eval('#mode option[value="threads"]', (o) => o.disabled), true, 'threads cannot be picked');
    await page.click('#run');
    // Bars are drawn live as attempts end; the status is written when the run is over.
    await page.waitForFunction(() => !document.querySelector('#run').disabled);
    assert.match(await page.textContent('#run-status'), /workers mode — separate Web Workers/);
    assert.ok(await page.evaluate(() => window.fanoutUI.timeline.viewModel().bars) > 0);
    await screenshot(page, 'workers-run');
    assert.deepEqual(page.errors, []);
  });
});

describe('when the thread pool cannot start', () => {
  let h, page;
  before(async () => {
    h = await open({ isolation: true });
    page = await h.newPage();
    // The threaded module fails to load (as on a browser that refuses its memory).
    await page.context().route('**/pkg/threads/fanout_bg.wasm', (route) => route.abort());
    // The page starts its engine at load (to parse and draw the graph), so load it again with
    // the route in place.
    await page.reload();
    await page.waitForFunction(() => window.fanout !== undefined);
  });
  after(() => h?.close());

  test('auto mode falls back to workers and says why', async () => {
    const r = await page.evaluate(() => window.fanout.run('a : cpu 5ms\nb : cpu 5ms', { workers: 2 }));
    assert.equal(r.mode, 'workers');
    assert.match(r.reason, /thread pool failed to start/);
    assert.equal(r.tasks.length, 2);
  });

  test('an explicit threads request reports the failure instead', async () => {
    await page.reload();
    await page.waitForFunction(() => window.fanout !== undefined);
    const message = await page.evaluate(() => window.fanout.run('a : cpu 5ms', { workers: 2, mode: 'threads' }).then(() => 'ran', (e) => e.message));
    assert.notEqual(message, 'ran');
  });
});

describe('more workers than cores', () => {
  for (const [mode, isolation] of [['threads', true], ['workers', false]]) {
    test(`${mode}: 8 workers cannot beat the cores: CPU work is a fixed amount, not a time`, async (t) => {
      const h = await open({ isolation });
      try {
        const page = await h.newPage();
        const cores = await page.evaluate(() => navigator.hardwareConcurrency);
        const r = await page.evaluate((text) => window.fanout.run(text, { workers: 8, mode: undefined }), independentTasks(8, 50));
        const floor = (8 * 50) / cores;
        t.diagnostic(`${r.mode}: 8 x 50 ms on 8 workers, ${cores} cores: makespan ${r.makespan_ms.toFixed(0)} ms (cores allow ${floor} ms at best)`);
        assert.equal(r.mode, mode);
        assert.ok(r.makespan_ms >= 0.8 * floor, `makespan ${r.makespan_ms} ms beats what ${cores} cores can do (${floor} ms)`);
      } finally {
        await h.close();
      }
    });
  }
});

describe('a CPU rate measured too low', () => {
  // The page hands every run engine the rate its first one measured. Here the page's is
  // rewritten to a hundredth of a unit per µs, as a calibration taken in V8's baseline tier
  // would be (far too low): the engine's warm-up finds its cpu tasks ending far short of
  // their durations, measures the rate again, and the run's tasks take their time.
  for (const [mode, isolation] of [['threads', true], ['workers', false]]) {
    test(`${mode}: the warm-up finds it, and the run's cpu tasks take their durations`, async () => {
      const h = await open({ isolation });
      try {
        const page = await h.newPage('', {
          initScript: () => {
            const post = Worker.prototype.postMessage;
            Worker.prototype.postMessage = function (message, ...rest) {
              if (message?.type === 'init' && message.mode !== 'core') {
                message = { ...message, cpuRate: 0.01 };
                window.__rewroteRate = (window.__rewroteRate ?? 0) + 1;
              }
              return post.call(this, message, ...rest);
            };
          },
        });
        const r = await page.evaluate((text) => window.fanout.run(text, { workers: 2, mode: undefined }), independentTasks(4, 50));
        assert.equal(r.mode, mode);
        assert.ok(await page.evaluate(() => window.__rewroteRate) >= 1, 'the run engine was given the low rate');
        for (const t of r.tasks) {
          const d = t.end_ms - t.start_ms;
          assert.ok(d >= 35, `${t.id} took ${d.toFixed(1)} ms of its 50 ms: the rate was not measured again`);
        }
        assert.ok(r.makespan_ms >= 80, `makespan ${r.makespan_ms} ms for 4 x 50 ms on 2 workers`);
      } finally {
        await h.close();
      }
    });
  }
});

describe('pipelined runs of tiny tasks', () => {
  for (const [mode, isolation] of [['threads', true], ['workers', false]]) {
    test(`${mode}: each worker still runs one task at a time, dependencies first`, async () => {
      const h = await open({ isolation });
      try {
        const page = await h.newPage();
        // 2,000 tasks of 20 µs, each after the task two before it.
        const text = Array.from({ length: 2000 }, (_, i) => `t${i} : cpu 20us${i >= 2 ? ` after t${i - 2}` : ''}`).join('\n');
        const r = await page.evaluate(([t, m]) => window.fanout.run(t, { workers: 2, mode: m }), [text, mode]);
        assert.equal(r.workers, 2);
        assert.deepEqual([...lanes(r).keys()].sort(), [0, 1]);
        assertNoOverlapInLanes(r);
        // Timestamps come from different workers' clocks, which Chromium coarsens: to 5 µs on
        // an isolated page, to 100 µs (with jitter) on an ordinary one. Order is exact only up
        // to that, and these tasks are 20 µs long.
        const resolution = isolation ? 0.005 : 0.2;
        for (let i = 2; i < r.tasks.length; i++) {
          assert.ok(r.tasks[i].start_ms >= r.tasks[i - 2].end_ms - resolution, `t${i} started ${r.tasks[i - 2].end_ms - r.tasks[i].start_ms} ms before t${i - 2} ended`);
        }
        assert.equal(r.metrics.workers.length, 2);
      } finally {
        await h.close();
      }
    });
  }
});
