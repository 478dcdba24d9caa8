// async mode: io tasks overlap on the one event loop whatever the worker count (issue 13):
// 20 × io 100ms on 1 worker take about 100 ms, not 2 s; cpu tasks still run one at a time;
// `limit` still bounds them; the run panel says what the worker count means there.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { usePage } from './harness.mjs';

describe('async mode: one event loop, every ready task in flight', () => {
  let page;
  usePage((p) => { page = p; }, { isolation: false });
  const run = (text, workers) => page.evaluate(([t, w]) => window.fanout.run(t, { workers: w, mode: 'async' }), [text, workers]);

  test('20 io tasks of 100 ms on 1 worker overlap', async () => {
    const r = await run('t[1..20] : io 100ms', 1);
    assert.ok(r.makespan_ms < 600, `makespan ${r.makespan_ms} ms: the waits overlap (2 s if one at a time)`);
    assert.ok(r.makespan_ms >= 99, `makespan ${r.makespan_ms} ms`);
    assert.equal(new Set(r.tasks.map((t) => t.worker)).size, 20, 'one slot per task');
  });

  test('cpu tasks still block the loop, one at a time', async () => {
    const r = await run('t[1..4] : cpu 40ms', 1);
    const bars = [...r.tasks].sort((a, b) => a.start_ms - b.start_ms);
    for (let i = 1; i < bars.length; i++) assert.ok(bars[i].start_ms >= bars[i - 1].end_ms - 0.5, 'no overlap');
  });

  test('a limit still bounds how many are in flight', async () => {
    const r = await run('limit api 2\nt[1..6] : io 100ms uses api', 1);
    assert.ok(r.makespan_ms >= 290, `makespan ${r.makespan_ms} ms: three rounds of two`);
  });

  test('the run panel says what the worker count means in async mode', async () => {
    await page.selectOption('#mode', 'async');
    const note = page.locator('#mode-note');
    assert.equal(await note.isVisible(), true);
    assert.match(await note.textContent(), /worker count is not a limit here/);
    await page.selectOption('#mode', 'auto');
    assert.equal(await note.isVisible(), false);
  });
});
