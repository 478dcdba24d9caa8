// Live progress, cancel in every mode, and the async mode's event loop.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { independentTasks, usePage } from './harness.mjs';

/** Runs in the page with progress collected; resolves to { result, batches }. */
function runWithProgress(page, text, opts) {
  return page.evaluate(async ([t, o]) => {
    const batches = [];
    const result = await window.fanout.run(t, { ...o, onProgress: (events) => batches.push({ at: performance.now(), events }) });
    return { result, batches, doneAt: performance.now() };
  }, [text, opts]);
}

/** Starts a run, cancels it after `afterMs`, and reports how long control took to return. */
function runAndCancel(page, text, opts, afterMs) {
  return page.evaluate(async ([t, o, wait]) => {
    const controller = new AbortController();
    let progressEvents = 0;
    const p = window.fanout.run(t, { ...o, signal: controller.signal, onProgress: (e) => { progressEvents += e.length; } });
    await new Promise((r) => setTimeout(r, wait));
    const cancelledAt = performance.now();
    controller.abort();
    try {
      await p;
      return { outcome: 'finished' };
    } catch (e) {
      return { outcome: e.name, returnedMs: performance.now() - cancelledAt, result: e.result, progressEvents };
    }
  }, [text, opts, afterMs]);
}

for (const [mode, isolation] of [['threads', true], ['workers', false], ['async', false]]) {
  describe(`${mode} mode: progress and cancel`, () => {
    let page;
    usePage((p) => { page = p; }, { isolation });

    test('state changes stream during the run, before the result', async () => {
      const { result, batches, doneAt } = await runWithProgress(page, independentTasks(6, 30), { workers: 2, mode });
      assert.equal(result.mode, mode);
      const events = batches.flatMap((b) => b.events);
      for (const t of result.tasks) {
        assert.ok(events.some((e) => e.id === t.id && e.state === 'running'), `${t.id} was reported running`);
        assert.ok(events.some((e) => e.id === t.id && e.state === 'ok'), `${t.id} was reported ended ok`);
      }
      assert.ok(batches.length >= 2, `progress came in ${batches.length} batch(es), not as it happened`);
      assert.ok(batches[0].at < doneAt - 50, 'the first batch arrived well before the run ended');
    });

    test('a run of long tasks is cancelled within a second, with a partial result', async () => {
      const r = await runAndCancel(page, independentTasks(4, 3000), { workers: 2, mode }, 400);
      assert.equal(r.outcome, 'AbortError');
      assert.ok(r.returnedMs < 1000, `control returned after ${r.returnedMs} ms`);
      assert.ok(r.result.tasks.length >= 1, 'the partial result lists what had started');
      assert.ok(r.result.tasks.every((t) => t.status === 'cancelled'), 'nothing finished in 400 ms of 3 s tasks');
      assert.equal(r.result.cancelled, true);
    });

    test('the next run after a cancel works', async () => {
      const r = await page.evaluate(([m]) => window.fanout.run('a : cpu 5ms\nb : cpu 5ms after a', { workers: 2, mode: m }), [mode]);
      assert.deepEqual(r.tasks.map((t) => t.status), ['ok', 'ok']);
    });
  });
}

describe('async mode: one event loop', () => {
  let page;
  usePage((p) => { page = p; }, { isolation: false });

  test('io tasks overlap: 8 waits of 100 ms finish in far less than 800 ms', async () => {
    const text = Array.from({ length: 8 }, (_, i) => `fetch${i} : io 100ms`).join('\n');
    const r = await page.evaluate((t) => window.fanout.run(t, { workers: 8, mode: 'async' }), text);
    assert.equal(r.mode, 'async');
    assert.ok(r.makespan_ms < 400, `makespan ${r.makespan_ms} ms`);
    const overlapping = r.tasks.filter((a) => r.tasks.some((b) => a !== b && a.start_ms < b.end_ms && b.start_ms < a.end_ms));
    assert.equal(overlapping.length, 8, 'every io task overlaps another');
  });

  test('cpu tasks do not overlap: the loop runs one at a time, whatever the slots', async () => {
    const r = await page.evaluate((t) => window.fanout.run(t, { workers: 4, mode: 'async' }), independentTasks(4, 30));
    const bars = [...r.tasks].sort((a, b) => a.start_ms - b.start_ms);
    for (let i = 1; i < bars.length; i++) {
      assert.ok(bars[i].start_ms >= bars[i - 1].end_ms, `${bars[i].id} overlaps ${bars[i - 1].id}`);
    }
    // Calibrated work takes about its duration (not exactly): allow 15%.
    assert.ok(r.makespan_ms >= 0.85 * 120, `4 x 30 ms of cpu on one loop took only ${r.makespan_ms} ms`);
  });

  test('a cpu task blocks the loop, so a short wait beside it ends late', async () => {
    const r = await page.evaluate(() => window.fanout.run('wait : io 10ms\nwork : cpu 150ms', { workers: 2, mode: 'async' }));
    const wait = r.tasks.find((t) => t.id === 'wait');
    // Unblocked, the wait would end after ~10 ms; blocked, it ends with the ~150 ms of cpu.
    assert.ok(wait.end_ms - wait.start_ms >= 0.8 * 150, `the 10 ms wait took ${wait.end_ms - wait.start_ms} ms: it should not finish while cpu runs`);
  });
});
