// Tails and faults (issue 15) in Chromium: variable durations drawn in the wasm core are
// the native core's (golden values), every real mode runs the drawn durations attempt for
// attempt, and the page draws the makespan histogram over seeds.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePage } from './harness.mjs';
import { usePlayground } from './ui-helpers.mjs';

// Seed 42, `lognormal 100ms 0.8`, tasks 0..3, first attempt: src/sched/rng.rs's golden
// values, drawn natively (ms).
const GOLDEN_MS = [236.008, 186.987, 99.356, 336.78];
const TAIL = 'workers 2\nseed 42\na : io lognormal 100ms 0.8\nb : io lognormal 100ms 0.8\nc : io lognormal 100ms 0.8\nd : io lognormal 100ms 0.8';
const len = (t) => t.attempts.map((a) => a.end_ms - a.start_ms);

describe('variable durations: the wasm draws are the native ones', () => {
  let page;
  usePage((p) => { page = p; }, { isolation: true });
  test('the simulation in the page gives the golden durations and the documented timeline', async () => {
    const sim = await page.evaluate((t) => window.fanout.simulate(t, {}), TAIL);
    assert.deepEqual(sim.tasks.map((t) => +(t.end_ms - t.start_ms).toFixed(3)), GOLDEN_MS);
    assert.equal(sim.makespan_ms, 572.788);
  });
  test('the seed sweep gives percentiles and differs by seed', async () => {
    const s = await page.evaluate((t) => window.fanout.seedSweep(t, { seeds: 100 }), 'call[1..50] : io lognormal 100ms 0.8\nm : cpu 1ms after call[*]');
    assert.equal(s.makespans_ms.length, 100);
    assert.ok(s.p50_ms < s.p99_ms && s.min_ms < s.max_ms, JSON.stringify(s).slice(0, 200));
  });
});

for (const [mode, isolation] of [['threads', true], ['workers', false], ['async', false]]) {
  describe(`${mode} mode: variable durations`, () => {
    let page;
    usePage((p) => { page = p; }, { isolation });
    test('a real run sleeps each attempt\'s drawn duration, as simulated', async () => {
      // Scaled down to 20 ms medians (draws 47.2, 37.4, 19.9, 67.4 ms), retries redraw.
      const text = 'seed 42\na : io lognormal 20ms 0.8\nb : io lognormal 20ms 0.8\nc : io lognormal 20ms 0.8\nd : io lognormal 20ms 0.8 retry 1 fail attempts 1';
      const real = await page.evaluate(([t, m]) => window.fanout.run(t, { workers: 4, mode: m }), [text, mode]);
      const sim = await page.evaluate((t) => window.fanout.simulate(t, { workers: 4 }), text);
      for (const s of sim.tasks) {
        const r = real.tasks.find((t) => t.id === s.id);
        assert.deepEqual(r.attempts.map((a) => a.status), s.attempts.map((a) => a.status), s.id);
        len(s).forEach((want, i) => {
          const got = len(r)[i];
          assert.ok(got >= want * 0.9 && got < want * 3 + 30, `${s.id} attempt ${i + 1}: ran ${got} ms, drew ${want} ms`);
        });
      }
      // The order of the lengths is the drawn one (c shortest, then b, a, d's first attempt).
      const firsts = (r) => ['a', 'b', 'c', 'd'].map((id) => len(r.tasks.find((t) => t.id === id))[0]);
      const order = (xs) => xs.map((x, i) => [x, i]).sort((p, q) => p[0] - q[0]).map((p) => p[1]);
      assert.deepEqual(order(firsts(real)), order(firsts(sim)));
    });
  });
}

for (const [mode, isolation] of [['threads', true], ['workers', false], ['async', false]]) {
  describe(`${mode} mode: hedged requests`, () => {
    let page;
    usePage((p) => { page = p; }, { isolation });
    test('the hedge copy wins as simulated, the primary is cancelled "lost the hedge"', async () => {
      // Seed 20: attempt 1 draws 256.1 ms, the copy (attempt 2, from 75 ms) 142.8 ms: it
      // ends at 217.8 ms, 38 ms before the primary would.
      const text = 'seed 20\na : io lognormal 50ms 0.8 hedge 75ms\nb : cpu 5ms after a';
      const sim = await page.evaluate((t) => window.fanout.simulate(t, { workers: 2 }), text);
      const real = await page.evaluate(([t, m]) => window.fanout.run(t, { workers: 2, mode: m }), [text, mode]);
      const shape = (r) => r.tasks.map((t) => [t.id, t.status, t.attempts.map((a) => [a.worker, a.status, a.reason ?? null])]);
      assert.deepEqual(shape(sim), [['a', 'ok', [[0, 'cancelled', 'lost the hedge'], [1, 'ok', null]]], ['b', 'ok', [[0, 'ok', null]]]]);
      assert.deepEqual(shape(real), shape(sim));
      const [p, c] = real.tasks[0].attempts;
      assert.ok(c.start_ms - p.start_ms >= 70, `the copy started ${c.start_ms - p.start_ms} ms after the primary`);
      assert.equal(p.end_ms, c.end_ms, 'the loser is cancelled when the winner ends');
      assert.ok(real.metrics.hedges === 1 && real.metrics.hedge_lost_ms > 150, JSON.stringify(real.metrics));
    });
  });
}

for (const [mode, isolation] of [['threads', true], ['workers', false], ['async', false]]) {
  describe(`${mode} mode: circuit breakers`, () => {
    let page;
    usePage((p) => { page = p; }, { isolation });
    test('an open breaker rejects attempts at once, attempt for attempt as simulated', async () => {
      const text = 'workers 1\nbreaker api after 2 failures open 100ms\nflaky[1..3] : io 10ms retry 3 backoff 40ms fail attempts 1 uses api';
      const real = await page.evaluate(([t, m]) => window.fanout.run(t, { workers: 1, mode: m }), [text, mode]);
      // The simulation on the workers the run really had (main's async mode may report more).
      const sim = await page.evaluate(([t, w]) => window.fanout.simulate(t, { workers: w }), [text, real.workers]);
      const st = (r) => r.tasks.map((t) => [t.id, t.status, t.attempts.map((a) => a.status)]);
      const one = await page.evaluate((t) => window.fanout.simulate(t, { workers: 1 }), text);
      assert.deepEqual(st(one), [
        ['flaky1', 'ok', ['failed', 'rejected', 'ok']],
        ['flaky2', 'ok', ['failed', 'rejected', 'ok']],
        ['flaky3', 'ok', ['rejected', 'rejected', 'ok']],
      ]);
      assert.deepEqual(st(real), st(sim));
      for (const t of real.tasks) for (const a of t.attempts) if (a.status === 'rejected') assert.equal(a.end_ms, a.start_ms, 'a rejection takes no time');
      assert.deepEqual(real.breakers[0].changes.map((c) => c.state), ['open', 'half-open', 'closed']);
      // The probe closed the breaker: the open stretch lasted its 100 ms (measured).
      const [open, half] = real.breakers[0].changes;
      assert.ok(Math.abs(half.at_ms - open.at_ms - 100) < 1e-6, `${open.at_ms} → ${half.at_ms}`);
    });
  });
}

describe('the page draws the makespan histogram over seeds', () => {
  let page;
  usePlayground((p) => { page = p; });
  test('the latency-tail starter shows 100 seeds in 20 bars with p50 and p99', async () => {
    await page.selectOption('#scenario', 'latency-tail');
    await page.click('#load-scenario');
    await page.waitForFunction(() => window.fanoutUI.seedChart.viewModel() !== null && !document.querySelector('#seed-chart').hidden, null, { timeout: 30_000 });
    const vm = await page.evaluate(() => window.fanoutUI.seedChart.viewModel());
    assert.equal(vm.counts.reduce((a, b) => a + b, 0), 100);
    assert.equal(await page.locator('#seed-chart .seed-bar').count(), 20);
    assert.equal(await page.locator('#seed-chart .seed-mark').count(), 2);
    const caption = await page.textContent('#seed-chart .seed-caption');
    assert.match(caption, /p50 .*p99 /);
    const text = await page.evaluate(() => window.fanoutUI.editor.text());
    const again = await page.evaluate((t) => window.fanout.seedSweep(t.text, { seeds: 100, ...t.settings }), { text, settings: vm.settings });
    assert.deepEqual(vm.makespans, again.makespans_ms);
    // A graph without variable durations hides the chart.
    await page.evaluate(() => window.fanoutUI.seedChart.refresh('a : cpu 5ms', 1));
    await page.waitForFunction(() => document.querySelector('#seed-chart').hidden);
  });
  test('the circuit-breaker starter draws the breaker band above the lanes', async () => {
    await page.selectOption('#scenario', 'circuit-breaker');
    await page.click('#load-scenario');
    await page.waitForFunction(() => window.fanoutUI.editor.text().includes('breaker api'));
    await page.click('#simulate');
    await page.waitForFunction(() => window.fanoutUI.timeline.breakerBands().length === 1, null, { timeout: 30_000 });
    const band = await page.evaluate(() => window.fanoutUI.timeline.breakerBands()[0]);
    assert.equal(band.resource, 'api');
    assert.deepEqual(band.changes.map((c) => c.state), ['open', 'half-open', 'closed']);
    // The open stretch is painted red on the canvas, above the lanes.
    const red = await page.evaluate(({ at }) => {
      const c = window.fanoutUI.timeline.canvas;
      const r = c.getBoundingClientRect();
      const dpr = c.width / r.width;
      const ctx = c.getContext('2d');
      // Scan the top 40 CSS px for the open band's red (#b3261e).
      for (let y = 0; y < 40; y++) for (let x = 0; x < r.width; x += 2) {
        const [R, G, B] = ctx.getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data;
        if (R === 0xb3 && G === 0x26 && B === 0x1e) return true;
      }
      return false;
    }, { at: band.changes[0].at_ms });
    assert.ok(red, 'the open band is drawn');
  });
  test('the hedged-calls starter simulates with lost copies drawn on the timeline', async () => {
    await page.fill('#workers', '32');
    await page.dispatchEvent('#workers', 'change');
    await page.selectOption('#scenario', 'hedged-calls');
    await page.click('#load-scenario');
    await page.waitForFunction(() => window.fanoutUI.seedChart.viewModel()?.mean_hedges > 0, null, { timeout: 30_000 })
      .catch(async (e) => { console.log('STATE', await page.evaluate(() => JSON.stringify({ vm: window.fanoutUI.seedChart.viewModel()?.mean_hedges, text: window.fanoutUI.editor.text().slice(0, 80), hidden: document.querySelector('#seed-chart').hidden }))); throw e; });
    assert.match(await page.textContent('#seed-chart .seed-caption'), /hedge copies per run/);
    await page.click('#simulate');
    await page.waitForFunction(() => window.fanout.lastResult?.mode === 'simulated' && window.fanout.lastResult.tasks.length === 51, null, { timeout: 30_000 })
      .catch(async (e) => { console.log('STATE2', await page.evaluate(() => JSON.stringify([window.fanout.lastResult?.mode, window.fanout.lastResult?.tasks?.length]))); throw e; });
    const lost = await page.evaluate(() => window.fanout.lastResult.tasks.flatMap((t) => t.attempts.filter((a) => a.reason).map(() => t.id)));
    assert.ok(lost.length > 0, 'some copies lost their hedge');
    const drawn = await page.evaluate((id) => window.fanoutUI.timeline.attemptsOf(id), lost[0]);
    assert.ok(drawn.some((b) => b.reason === 'lost the hedge'), JSON.stringify(drawn));
  });
});

for (const [mode, isolation] of [['threads', true], ['workers', false], ['async', false]]) {
  describe(`${mode} mode: deadlocks`, () => {
    let page;
    usePage((p) => { page = p; }, { isolation });
    test('the deadlock run stops within a second with the cycle named, as simulated', async () => {
      const kind = mode === 'async' ? 'io' : 'cpu';
      const text = `workers 2\nlimit a 1\nlimit b 1\nt1 : ${kind} 100ms uses a then b\nt2 : ${kind} 100ms uses b then a`;
      const sim = await page.evaluate((t) => window.fanout.simulate(t, { workers: 2 }), text);
      // The engine first (wasm, CPU and kernel calibration, the pool): the second below is
      // the deadlocked run's own, not the page's start-up.
      await page.evaluate((m) => window.fanout.run('w : cpu 1ms', { workers: 2, mode: m }), mode);
      const t0 = Date.now();
      const real = await page.evaluate(([t, m]) => window.fanout.run(t, { workers: 2, mode: m }), [text, mode]);
      const took = Date.now() - t0;
      assert.ok(took < 1000, `the run took ${took} ms`);
      for (const r of [sim, real]) {
        assert.equal(r.deadlocks.length, 1);
        assert.equal(r.deadlocks[0].cycle, 't1 holds a, waits for b; t2 holds b, waits for a');
        assert.deepEqual(r.deadlocks[0].frozen, ['t1', 't2']);
        assert.deepEqual(r.tasks.map((t) => t.status), ['cancelled', 'cancelled']);
      }
      assert.ok(real.deadlocks[0].at_ms >= 45 && real.deadlocks[0].at_ms < 500, `found at ${real.deadlocks[0].at_ms} ms`);
    });
  });
}

describe('the page names a deadlock', () => {
  let page;
  usePlayground((p) => { page = p; });
  test('the deadlock starter: a check-time warning, then the cycle in the status line', async () => {
    await page.selectOption('#scenario', 'deadlock');
    await page.click('#load-scenario');
    await page.waitForFunction(() => window.fanoutUI.editor.text().includes('then alice'));
    const diags = await page.evaluate(() => window.fanout.check(window.fanoutUI.editor.text()));
    assert.equal(diags.length, 1);
    assert.match(diags[0].message, /opposite orders can deadlock/);
    await page.click('#run');
    await page.waitForFunction(() => document.querySelector('#run-status').dataset.deadlock, null, { timeout: 30_000 });
    assert.equal(await page.evaluate(() => document.querySelector('#run-status').dataset.deadlock), 'pay_bob holds alice, waits for bob; pay_alice holds bob, waits for alice');
    assert.match(await page.textContent('#run-status'), /Frozen: pay_bob, pay_alice/);
  });
});
