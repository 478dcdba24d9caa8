// Simulation in the page: exact, instant, reproducible, and exportable as a Chrome trace.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePage } from './harness.mjs';
import { DISPATCH_RUNS, dispatchGapMs } from '../../www/shared/dispatch-gap.js';

describe('simulate in the page', () => {
  let page;
  usePage((p) => { page = p; }, { isolation: false });

  test('three independent 2 s tasks take 2 s on 3 workers and 6 s on 1', async () => {
    const text = 'a : cpu 2s\nb : cpu 2s\nc : cpu 2s';
    const three = await page.evaluate((t) => window.fanout.simulate(t, { workers: 3 }), text);
    const one = await page.evaluate((t) => window.fanout.simulate(t, { workers: 1 }), text);
    assert.equal(three.mode, 'simulated');
    assert.equal(three.makespan_ms, 2000);
    assert.equal(one.makespan_ms, 6000);
    assert.equal(three.lower_bound_ms, 2000);
  });

  test('retries draw one attempt each, and the same seed gives the same run', async () => {
    const text = 'seed 7\ncall : io 100ms retry 3 backoff 10ms fail 50%\nafter_call : cpu 10ms after call';
    const [a, b] = await page.evaluate((t) => Promise.all([window.fanout.simulate(t, { workers: 2 }), window.fanout.simulate(t, { workers: 2 })]), text);
    assert.deepEqual(a, b);
    const call = a.tasks.find((t) => t.id === 'call');
    assert.ok(call.attempts.length >= 1 && call.attempts.length <= 4);
    assert.equal(call.attempts.at(-1).status, call.status);
    const other = await page.evaluate((t) => window.fanout.simulate(t, { workers: 2, seed: 8 }), text);
    assert.equal(other.seed, 8);
  });

  test('the waves policy loses time that critical-path does not', async () => {
    const text = 'long : cpu 100ms\nshort : cpu 10ms\nnext : cpu 10ms after short\nend : cpu 10ms after long, next';
    const cp = await page.evaluate((t) => window.fanout.simulate(t, { workers: 2, policy: 'critical-path' }), text);
    const waves = await page.evaluate((t) => window.fanout.simulate(t, { workers: 2, policy: 'waves' }), text);
    assert.equal(cp.makespan_ms, 110);
    assert.ok(waves.makespan_ms > cp.makespan_ms, `waves ${waves.makespan_ms} vs critical-path ${cp.makespan_ms}`);
  });

  test("a simulation charges the pool's measured dispatch cost when asked, and says so", async () => {
    const text = 'w[1..8] : cpu 5ms\nj : cpu 1ms after w[*]';
    // A workers-mode pool measures its dispatch cost on its warm-up run, before it is ready,
    // and adds each real run's gaps to it.
    await page.evaluate((t) => window.fanout.run(t, { workers: 2, mode: 'workers' }), text);
    const cost = await page.evaluate(() => window.fanout.dispatchCost());
    assert.ok(cost.workers > 0 && cost.workers < 50, `workers-mode dispatch cost ${cost.workers} ms per attempt`);
    const [exact, priced, given] = await page.evaluate((t) => Promise.all([
      window.fanout.simulate(t, { workers: 2, mode: 'workers' }),
      window.fanout.simulate(t, { workers: 2, mode: 'workers', dispatch: 'measured' }),
      window.fanout.simulate(t, { workers: 2, dispatch: 0.5 }),
    ]), text);
    assert.equal(exact.dispatch_ms, undefined, 'the exact simulation charges nothing');
    assert.equal(exact.makespan_ms, 21);
    assert.equal(priced.dispatch_ms, Math.round(cost.workers * 1000) / 1000);
    // Five attempts on the longest lane (four w, then j), each dispatched.
    assert.ok(Math.abs(priced.makespan_ms - (21 + 5 * priced.dispatch_ms)) < 0.01, `${priced.makespan_ms} ms with ${priced.dispatch_ms} ms per attempt`);
    assert.equal(given.dispatch_ms, 0.5);
    assert.equal(given.makespan_ms, 23.5);
    assert.equal(priced.work_ms, exact.work_ms, 'the cost is the executor\'s, not work');
    // Tiny tasks are pipelined by the pool: their messages overlap the work, nothing is charged.
    const tiny = await page.evaluate(() => window.fanout.simulate('t[1..50] : cpu 50us', { workers: 2, dispatch: 0.5 }));
    assert.equal(tiny.dispatch_ms, undefined);
    const bad = await page.evaluate(() => window.fanout.simulate('a : cpu 1ms', { dispatch: 'fast' }).then(() => 'ran', (e) => e.message));
    assert.match(bad, /dispatch/);
  });

  test("the pool's dispatch cost follows its runs: the median of their mean gaps", async () => {
    // As many runs as the window holds, none pipelined (tasks over 100 µs): the cost after
    // them is the median of their own mean gaps, whatever came before.
    const text = 'w[1..24] : cpu 150us';
    const { results, cost } = await page.evaluate(async ([t, n]) => {
      const results = [];
      for (let i = 0; i < n; i++) results.push(await window.fanout.run(t, { workers: 2, mode: 'workers' }));
      return { results, cost: window.fanout.dispatchCost().workers };
    }, [text, DISPATCH_RUNS]);
    const means = results.map(dispatchGapMs);
    assert.ok(means.every((m) => m !== null), 'every run has gaps to measure');
    const median = [...means].sort((a, b) => a - b)[Math.floor(means.length / 2)];
    assert.ok(Math.abs(cost - median) < 1e-12, `cost ${cost} ms, the runs' median mean gap ${median} ms`);
    assert.ok(cost > 0 && cost < 50, `${cost} ms per attempt`);
    const priced = await page.evaluate(() => window.fanout.simulate('a : cpu 1ms\nb : cpu 1ms after a', { workers: 1, mode: 'workers', dispatch: 'measured' }));
    assert.equal(priced.dispatch_ms, Math.round(cost * 1000) / 1000, 'the next simulation charges the cost as of those runs');
    // A pipelined run (tiny tasks only) says nothing of the dispatch cost: it is kept.
    const after = await page.evaluate(async () => {
      await window.fanout.run('t[1..200] : cpu 50us', { workers: 2, mode: 'workers' });
      return window.fanout.dispatchCost().workers;
    });
    assert.equal(after, cost);
  });

  test('a bad option is refused by name', async () => {
    const msg = await page.evaluate(() => window.fanout.simulate('a : cpu 1ms', { policy: 'fastest' }).then(() => 'ran', (e) => e.message));
    assert.match(msg, /fastest/);
  });

  test('makespans for 1..8 workers: instant, and never worse with more workers here', async () => {
    const text = 'split : cpu 10ms\nw[1..16] : cpu 40ms after split\njoin : cpu 5ms after w[*]';
    const ms = await page.evaluate((t) => window.fanout.makespans(t, { maxWorkers: 8 }), text);
    assert.equal(ms.length, 8);
    assert.equal(ms[0], 10 + 16 * 40 + 5);
    assert.equal(ms[7], 10 + 2 * 40 + 5);
  });

  test('simulating 100,000 tasks on 64 workers takes well under a second in the page', async (t) => {
    const { ms, tasks } = await page.evaluate(async () => {
      const text = Array.from({ length: 100_000 }, (_, i) => `t${i} : cpu 1ms${i >= 4 ? ` after t${i - 4}` : ''}`).join('\n');
      const t0 = performance.now();
      const r = await window.fanout.simulate(text, { workers: 64 });
      return { ms: performance.now() - t0, tasks: r.tasks.length };
    });
    assert.equal(tasks, 100_000);
    t.diagnostic(`100,000 tasks simulated on 64 workers in ${ms.toFixed(0)} ms (parse, simulate, result to the page)`);
    assert.ok(ms < 5000, `${ms} ms`);
  });

  test('a run exports as Chrome trace JSON with one complete event per attempt', async () => {
    const text = 'a : cpu 5ms\nb : cpu 5ms retry 1 fail attempts 1 after a';
    const trace = await page.evaluate(async (t) => JSON.parse(await window.fanout.chromeTrace(t, await window.fanout.simulate(t, { workers: 2 }))), text);
    const complete = trace.traceEvents.filter((e) => e.ph === 'X');
    assert.equal(complete.length, 3, 'a once, b twice');
    assert.ok(trace.traceEvents.some((e) => e.ph === 's' || e.ph === 'f'), 'flow events for the dependency');
  });
});
