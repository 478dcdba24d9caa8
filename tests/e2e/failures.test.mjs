// Timeouts, failures and retries in real runs: the same decisions as the simulation, with
// real stopping. In workers mode a timeout terminates the worker and a fresh one takes its
// place; the pool keeps running.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { open, usePage } from './harness.mjs';

const statuses = (r, id) => r.tasks.find((t) => t.id === id).attempts.map((a) => a.status);

for (const [mode, isolation] of [['threads', true], ['workers', false], ['async', false]]) {
  describe(`${mode} mode: timeouts, failures, retries`, () => {
    let page;
    usePage((p) => { page = p; }, { isolation });
    const run = (text, opts = {}) => page.evaluate(([t, o]) => window.fanout.run(t, o), [text, { workers: 2, mode, ...opts }]);

    test('a runaway task is stopped at its timeout and the rest of the run goes on', async () => {
      const kind = mode === 'async' ? 'io' : 'cpu'; // a cpu task cannot be interrupted on one event loop
      const r = await run(`on_error skip-dependents\nrunaway : ${kind} 20s timeout 100ms\nother[1..4] : cpu 20ms`);
      const runaway = r.tasks.find((t) => t.id === 'runaway');
      assert.equal(runaway.status, 'timeout');
      const took = runaway.end_ms - runaway.start_ms;
      assert.ok(took >= 90 && took < 1500, `the attempt lasted ${took} ms; it should stop near 100 ms`);
      assert.ok(r.tasks.filter((t) => t.id.startsWith('other')).every((t) => t.status === 'ok'));
      assert.ok(r.makespan_ms < 3000, `makespan ${r.makespan_ms} ms`);
    });

    test('the pool still runs tasks after a timeout', async () => {
      const r = await run('a[1..4] : cpu 10ms');
      assert.deepEqual(r.tasks.map((t) => t.status), ['ok', 'ok', 'ok', 'ok']);
      // async: one event loop, one slot per task (the worker count is no limit there).
      assert.deepEqual([...new Set(r.tasks.map((t) => t.worker))].sort(), mode === 'async' ? [0, 1, 2, 3] : [0, 1]);
    });

    test('planned failures retry after their backoff; dependents wait for the success', async () => {
      const r = await run('call : io 5ms retry 2 backoff 30ms fail attempts 2\nuse : cpu 5ms after call');
      assert.deepEqual(statuses(r, 'call'), ['failed', 'failed', 'ok']);
      const a = r.tasks.find((t) => t.id === 'call').attempts;
      assert.ok(a[1].start_ms - a[0].end_ms >= 29, `first backoff ${a[1].start_ms - a[0].end_ms} ms`);
      assert.ok(a[2].start_ms - a[1].end_ms >= 59, `second backoff ${a[2].start_ms - a[1].end_ms} ms`);
      assert.ok(r.tasks.find((t) => t.id === 'use').start_ms >= a[2].end_ms);
    });

    test('seeded failures are the simulation\'s, attempt for attempt', async () => {
      const text = 'seed 3\non_error continue\nt[1..10] : cpu 2ms retry 2 fail 40%\nend : cpu 1ms after t[*]';
      const real = await run(text);
      const sim = await page.evaluate((t) => window.fanout.simulate(t, { workers: 2 }), text);
      for (const t of sim.tasks) assert.deepEqual(statuses(real, t.id), t.attempts.map((x) => x.status), t.id);
      assert.ok(sim.tasks.some((t) => t.attempts.length > 1), 'this seed makes some attempts fail');
    });

    test('skip-dependents: a task that fails for good skips what needs it, the rest runs', async () => {
      const r = await run('on_error skip-dependents\nbad : cpu 2ms fail 100%\nneeds_bad : cpu 2ms after bad\nfine : cpu 2ms');
      const st = Object.fromEntries(r.tasks.map((t) => [t.id, t.status]));
      assert.deepEqual(st, { bad: 'failed', needs_bad: 'skipped', fine: 'ok' });
    });
  });
}

describe('a task that panics', () => {
  const GRAPH = 'on_error skip-dependents\nboom : panic\nneeds_boom : cpu 1ms after boom\nfine[1..3] : cpu 5ms';
  for (const [mode, isolation] of [['workers', false], ['async', false]]) {
    test(`${mode}: fails alone, its worker is replaced, and the run goes on`, async () => {
      const h = await open({ isolation });
      try {
        const page = await h.newPage();
        const r = await page.evaluate(([t, m]) => window.fanout.run(t, { workers: 2, mode: m }), [GRAPH, mode]);
        const st = Object.fromEntries(r.tasks.map((t) => [t.id, t.status]));
        assert.deepEqual(st, { boom: 'failed', needs_boom: 'skipped', fine1: 'ok', fine2: 'ok', fine3: 'ok' });
        const again = await page.evaluate((m) => window.fanout.run('a[1..4] : cpu 5ms', { workers: 2, mode: m }), mode);
        assert.deepEqual(again.tasks.map((t) => t.status), ['ok', 'ok', 'ok', 'ok']);
      } finally {
        await h.close();
      }
    });
  }

  test('threads: the panic takes the shared-memory pool down; the next run gets a fresh one', async () => {
    const h = await open({ isolation: true });
    try {
      const page = await h.newPage();
      const err = await page.evaluate((t) => window.fanout.run(t, { workers: 2, mode: 'threads' }).then(() => null, (e) => ({ name: e.name, message: e.message })), GRAPH);
      assert.equal(err?.name, 'ThreadPanic');
      assert.match(err.message, /threads share one memory/);
      const again = await page.evaluate(() => window.fanout.run('a[1..4] : cpu 5ms', { workers: 2, mode: 'threads' }));
      assert.deepEqual(again.tasks.map((t) => t.status), ['ok', 'ok', 'ok', 'ok']);
    } finally {
      await h.close();
    }
  });
});

describe('policy, seed and on_error from the caller', () => {
  for (const [mode, isolation] of [['threads', true], ['workers', false], ['async', false]]) {
    test(`${mode}: override the graph's declarations, as in simulation`, async () => {
      const h = await open({ isolation });
      try {
        const page = await h.newPage();
        const text = 'policy fifo\nseed 1\nt[1..6] : cpu 2ms retry 2 fail 40%\nend : cpu 1ms after t[*]';
        const opts = { workers: 2, mode, policy: 'waves', seed: 5, on_error: 'continue' };
        const r = await page.evaluate(([t, o]) => window.fanout.run(t, o), [text, opts]);
        assert.equal(r.policy, 'waves');
        assert.equal(r.seed, 5);
        const sim = await page.evaluate(([t, o]) => window.fanout.simulate(t, o), [text, { workers: 2, policy: 'waves', seed: 5, on_error: 'continue' }]);
        for (const t of sim.tasks) {
          assert.deepEqual(r.tasks.find((x) => x.id === t.id).attempts.map((a) => a.status), t.attempts.map((a) => a.status), t.id);
        }
        const bad = await page.evaluate(([t, m]) => window.fanout.run(t, { workers: 2, mode: m, policy: 'fastest' }).then(() => 'ran', (e) => e.message), [text, mode]);
        assert.match(bad, /fastest/);
      } finally {
        await h.close();
      }
    });
  }
});
