// The results panel (sink output, failed tasks with their errors, metrics as sentences), the
// Simulate button and the speedup chart (simulated curve, work/span and Brent bounds,
// measured points), on the real page and the real engine.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { handoffs } from '../../www/shared/dispatch-gap.js';
import { screenshot } from './harness.mjs';
import { setGraph, usePlayground } from './ui-helpers.mjs';

/** A duration as the page writes it ("709.6 ms", "1.05 s", "250 µs", "0 ms") → ms. */
function parseMs(text) {
  const m = /^(-?[\d.]+)\s*(µs|ms|s)$/.exec(text.trim());
  assert.ok(m, `"${text}" is a duration`);
  return Number(m[1]) * { µs: 1e-3, ms: 1, s: 1000 }[m[2]];
}
/** Asserts `shown` (a rounded display of `actual` ms) is `actual` to its displayed precision. */
function assertMs(shown, actual, what) {
  const v = parseMs(shown);
  assert.ok(Math.abs(v - actual) <= Math.max(Math.abs(actual) * 0.006, 0.06), `${what}: shows ${shown} for ${actual} ms`);
}

/** Runs (or simulates, `button` = '#simulate') and waits for the results panel to show it. */
async function runAndShow(page, button = '#run') {
  const before = await page.evaluate(() => Number(document.querySelector('#outcome').dataset.count ?? 0));
  await page.click(button);
  await page.waitForFunction((n) => Number(document.querySelector('#outcome').dataset.count ?? 0) > n
    && !document.querySelector('#run').disabled, before, { timeout: 60_000 });
  return page.evaluate(() => ({ result: window.fanout.lastResult, vm: window.fanoutUI.results.viewModel() }));
}

/** The metric rows as shown: key → { term, value, sentence }. */
function shownMetrics(page) {
  return page.$$eval('#outcome dl.metrics dd', (dds) => Object.fromEntries(dds.map((dd) => [dd.dataset.metric, {
    term: dd.previousElementSibling.textContent,
    value: dd.querySelector('.metric-value').textContent,
    sentence: dd.querySelector('.metric-sentence').textContent,
  }])));
}

/** Waits until the speedup chart shows `text` (with the panel's settings). */
async function chartFor(page, text) {
  const { analysis } = await page.evaluate((t) => window.fanout.analyze(t, { workers: 1 }), text);
  await page.waitForFunction(([t, work, span]) => {
    const vm = window.fanoutUI.speedup.viewModel();
    return vm && window.fanoutUI.editor.text() === t && vm.work === work && vm.span === span
      && document.querySelector('#speedup').dataset.stale === 'false';
  }, [text, analysis.work_ms, analysis.span_ms], { polling: 100 });
  return page.evaluate(() => window.fanoutUI.speedup.viewModel());
}

/** Types `text` into the editor and waits until the graph view has drawn it. */
async function showGraph(page, text) {
  await setGraph(page, text);
  const { tasks } = await page.evaluate((t) => window.fanout.graph(t), text);
  await page.waitForFunction((ids) => window.fanoutUI.tasks.map((t) => t.id).join() === ids.join()
    && document.querySelectorAll('#dag g.node').length === ids.length, tasks.map((t) => t.id));
}

const close = (a, b, eps = 1e-9) => Math.abs(a - b) <= eps * Math.max(1, Math.abs(b));

describe('results panel, Simulate and the speedup chart', () => {
  let page;
  usePlayground((p) => { page = p; });

  test('after a real run: the sink value, and every metric as a number with a sentence that matches the run', async () => {
    await showGraph(page, 'p[1..8] : primes 0..1M\ntotal : cpu 0ms reduce sum after p[*]');
    await page.fill('#workers', '2');
    await page.selectOption('#mode', 'auto');
    const { result, vm } = await runAndShow(page);
    assert.equal(result.result.total, 78498, 'pi(10^6), computed by the kernels');
    // The sink value as shown: grouped digits, the exact value in its title.
    const dd = page.locator('#outcome dd[data-sink="total"]');
    assert.equal(await dd.locator('code').textContent(), '78,498');
    assert.equal(await dd.getAttribute('title'), '78498');
    assert.deepEqual(vm.sinks.map((s) => s.id), ['total']);
    assert.match(await page.textContent('#outcome .outcome-summary'), new RegExp(`Ran in ${result.mode} mode on 2 workers .*: 9 tasks, 9 ok\\.`));
    assert.match(await page.textContent('#outcome'), /None: every task succeeded at its first attempt/);

    const m = result.metrics;
    const shown = await shownMetrics(page);
    // The kernels' speed against their model is shown when the run measured it (parts
    // modelled at 0.25 ms or more: these are about 0.3 ms on the project's machine).
    const ks = result.kernel_share ? ['kernel-share'] : [];
    // Eight parts ready at once on 2 workers: six times a worker ends a part and takes the next
    // (seven when `total` runs on the worker whose part ended last).
    const h = handoffs(result, result.pool_dispatch_ms, result.makespan_ms);
    assert.ok(h?.count === 6 || h?.count === 7, `${h?.count} hand-offs`);
    assert.ok(typeof result.pool_dispatch_ms === 'number' && result.pool_dispatch_ms >= 0, 'the run carries its pool\'s usual hand-off');
    assert.deepEqual(Object.keys(shown), ['makespan', 'work', 'measured-work', 'speedup', 'efficiency', 'lower-bound', 'utilization', ...ks, 'handoffs', 'blocked', 'lost']);
    assertMs(shown.handoffs.value, h.total_ms, 'hand-offs');
    assert.match(shown.handoffs.sentence, new RegExp(`^${h.count} times a worker that had ended an attempt waited for its next task, already ready: .* on average, ${shown.handoffs.value} in all`));
    assert.match(shown.handoffs.sentence, h.machine ? /this machine made the run wait/ : new RegExp(`the executor's own hand-off \\(${result.mode === 'threads' ? 'a lock and a wake-up between threads' : 'messages between the workers and the engine'}\\), which an exact simulation leaves out\\.$`));
    if (ks.length) assert.equal(shown['kernel-share'].value, `${Math.round(result.kernel_share.share * 100)}%`);
    const run = `${result.mode}-mode run`;
    assertMs(shown.makespan.value, result.makespan_ms, 'makespan');
    assert.match(shown.makespan.sentence, new RegExp(`^This ${run} took .* on 2 workers`));
    assertMs(shown.work.value, m.work_ms, 'work');
    assert.match(shown.work.sentence, /its 9 tasks one after another/);
    assert.equal(shown.speedup.value, `${+m.speedup.toFixed(2)}×`);
    assert.match(shown.speedup.sentence, m.speedup >= 1 ? new RegExp(`finished ${+m.speedup.toFixed(2)} times as fast as one worker`) : /only a one-worker run measured here can say/);
    assert.equal(shown.efficiency.value, `${Math.round(m.efficiency * 100)}%`);
    assert.match(shown.efficiency.sentence, /The 2 workers turned/);
    assertMs(shown['lower-bound'].value, m.lower_bound_ms, 'lower bound');
    // How close the run came, computed here from the numbers.
    const r = result.makespan_ms / m.lower_bound_ms;
    const expected = Math.abs(r - 1) < 0.005 ? 'matched it' : r > 1 && r < 2 ? `within ${Math.max(1, Math.round((r - 1) * 100))}% of the best any schedule could do`
      : r >= 2 ? `${+r.toFixed(2)} times as long as the best` : 'under it';
    assert.ok(shown['lower-bound'].sentence.includes(expected), `"${shown['lower-bound'].sentence}" says ${expected}`);
    // The bound's cause: 8 parts of a 1M range each, so work / 2 workers exceeds any one chain.
    assert.match(shown['lower-bound'].sentence, m.span_ms >= m.work_ms / 2 ? /the span/ : /of work shared by 2 workers/);
    const utils = m.workers.map((w) => w.utilization);
    assert.equal(shown.utilization.value, `${Math.round((utils[0] + utils[1]) / 2 * 100)}%`);
    const bars = await page.$$eval('#outcome .util-bars li', (lis) => lis.map((li) => ({ w: li.dataset.worker, pct: li.querySelector('.util-pct').textContent, width: parseFloat(li.querySelector('.util-fill').style.width) })));
    assert.deepEqual(bars.map((b) => b.w), ['0', '1']);
    bars.forEach((b, i) => {
      assert.equal(b.pct, `${Math.round(utils[i] * 100)}%`);
      assert.ok(Math.abs(b.width - utils[i] * 100) < 0.1, `bar ${i} is ${b.width}% wide`);
    });
    assertMs(shown.blocked.value, m.blocked_ms, 'blocked');
    assert.match(shown.blocked.sentence, /No task was held back by a limit or rate/, 'the graph has no limit');
    assert.equal(shown.lost.value, '0 ms');
    assert.equal(shown.lost.sentence, 'Nothing was lost: every attempt succeeded the first time.');
    assert.deepEqual(page.errors, []);
    await screenshot(page, 'ui-results-run');
  });

  test('failed tasks are listed with why, attempt by attempt, and the time they cost', async () => {
    await showGraph(page, [
      'on_error skip-dependents',
      'flaky : cpu 5ms retry 2 fail attempts 1',
      'slow : cpu 3s timeout 60ms',
      'needs_slow : cpu 1ms after slow',
      'doomed : cpu 5ms retry 1 fail attempts 3',
      'fine : cpu 5ms',
      'total : cpu 1ms reduce sum after flaky, fine',
    ].join('\n'));
    await page.fill('#workers', '2');
    const { result, vm } = await runAndShow(page);
    const st = Object.fromEntries(result.tasks.map((t) => [t.id, t.status]));
    assert.deepEqual(st, { flaky: 'ok', slow: 'timeout', needs_slow: 'skipped', doomed: 'failed', fine: 'ok', total: 'ok' });
    // Listed: exactly the tasks that did not end ok or needed a retry, in the run's order.
    // (Tasks that never started come last, grouped by why.)
    const troubled = result.tasks.filter((t) => t.status !== 'ok' || t.attempts.some((a) => a.status !== 'ok'))
      .sort((a, b) => (a.attempts.length === 0) - (b.attempts.length === 0)).map((t) => t.id);
    const items = await page.$$eval('#outcome ul.failures > li', (lis) => lis.map((li) => ({
      id: li.querySelector('.task-id').textContent, status: li.dataset.status, text: li.textContent,
      attempts: [...li.querySelectorAll('ol.attempts > li')].map((a) => ({ status: a.dataset.status, text: a.textContent })),
    })));
    assert.deepEqual(items.map((i) => i.id), troubled);
    const item = Object.fromEntries(items.map((i) => [i.id, i]));
    for (const id of troubled) {
      const t = result.tasks.find((x) => x.id === id);
      assert.equal(item[id].status, t.status);
      assert.deepEqual(item[id].attempts.map((a) => a.status), t.attempts.map((a) => a.status), `${id}: one line per attempt`);
      if (!t.attempts.length) assert.equal(item[id].attempts.length, 0);
    }
    assert.match(item.slow.text, /timed out.*stopped after [\d.]+ ms, past its timeout 60ms/);
    assert.match(item.doomed.text, /gave up after 2 attempts/);
    assert.match(item.doomed.attempts[0].text, /attempt 1, worker \d, .*failed on purpose: fail attempts 3 makes the first 3 attempts fail/);
    assert.match(item.flaky.text, /succeeded after 1 failed attempt/);
    assert.match(item.needs_slow.text, /skipped: it needs slow, which did not succeed \(on_error skip-dependents\)/);
    // Sinks that produced nothing say why.
    assert.match(await page.textContent('#outcome dd[data-sink="needs_slow"]'), /no value — needs_slow was skipped/);
    assert.match(await page.textContent('#outcome dd[data-sink="doomed"]'), /no value — doomed failed/);
    assert.equal(vm.sinks.find((s) => s.id === 'total').value, result.result.total);

    const m = result.metrics;
    const failedAttempts = result.tasks.flatMap((t) => t.attempts).filter((a) => a.status === 'failed' || a.status === 'timeout').length;
    assert.equal(failedAttempts, 4, 'flaky 1, slow 1, doomed 2');
    const shown = await shownMetrics(page);
    assertMs(shown.lost.value, m.failed_ms + m.cancelled_ms, 'lost');
    assert.match(shown.lost.sentence, new RegExp(`^${failedAttempts} failed attempts \\(1 timeout\\) used [\\d.]+ m?s of worker time, and ${m.retries} retries ran again\\.$`));
    assert.equal(m.retries, 2);
    assert.match(await page.textContent('#outcome .outcome-summary'), /6 tasks, 3 ok, 2 failed, 1 skipped\./);
    await screenshot(page, 'ui-results-failures');
  });

  test('a cancelled run\'s partial result shows what had happened, without the metrics it lacks', async () => {
    await showGraph(page, 'quick : cpu 20ms\nlong[1..4] : cpu 5s after quick');
    await page.fill('#workers', '2');
    const before = await page.evaluate(() => Number(document.querySelector('#outcome').dataset.count));
    await page.click('#run');
    // Cancel once both long tasks are reported running (the partial result has what was seen).
    await page.waitForFunction(() => document.querySelectorAll('#dag g.node[data-state="running"]').length === 2);
    assert.equal(await page.getAttribute('#outcome', 'aria-busy'), 'true', 'the previous results stay, marked busy');
    await page.click('#cancel');
    await page.waitForFunction((n) => Number(document.querySelector('#outcome').dataset.count) > n, before);
    const { result, vm } = await page.evaluate(() => ({ result: window.fanout.lastResult, vm: window.fanoutUI.results.viewModel() }));
    assert.equal(result.cancelled, true);
    assert.equal(result.metrics, undefined);
    assert.equal(vm.cancelled, true);
    const shown = await shownMetrics(page);
    assert.ok(!('speedup' in shown) && !('work' in shown), 'no speedup or work for a cancelled run');
    assert.match(shown.makespan.sentence, new RegExp(`was cancelled after .* on 2 workers, when 1 of 5 tasks had finished`));
    assert.match(await page.textContent('#outcome .outcome-summary'), /Cancelled .*-mode run on 2 workers.*5 tasks, 1 ok, 2 cancelled, 2 never started\./);
    const stopped = await page.$$eval('#outcome ul.failures > li', (lis) => lis.map((li) => li.textContent));
    assert.equal(stopped.length, 2);
    for (const s of stopped) assert.match(s, /stopped while it ran, by Cancel/);
    assert.match(await page.textContent('#outcome'), /cancelled before its last tasks finished, so there is no output/);
    assert.equal(await page.getAttribute('#outcome', 'aria-busy'), null);
    assert.deepEqual(page.errors, []);
  });

  test('Simulate paints the exact schedule whatever the mode select says, and waits while a run goes', async () => {
    await showGraph(page, 'a : cpu 2s\nb : cpu 2s\nc : cpu 1s after a, b');
    await page.fill('#workers', '2');
    await page.selectOption('#mode', 'threads');
    const t0 = Date.now();
    const { result, vm } = await runAndShow(page, '#simulate');
    assert.ok(Date.now() - t0 < 2500, 'a 5 s graph simulates at once');
    assert.equal(await page.getAttribute('#run-status', 'data-mode'), 'simulated');
    assert.match(await page.textContent('#run-status'), /simulated exactly.*Makespan 3 s/);
    assert.equal(await page.inputValue('#mode'), 'threads', 'the mode select is left alone');
    assert.equal(result.mode, 'simulated');
    assert.equal(result.workers, 2);
    assert.equal(await page.evaluate(() => window.fanoutUI.timeline.viewModel().bars), 3);
    assert.deepEqual(await page.$$eval('#dag g.node', (ns) => ns.map((n) => n.dataset.state)), ['done', 'done', 'done']);
    assert.equal(vm.mode, 'simulated');
    const shown = await shownMetrics(page);
    assert.equal(shown.makespan.value, '3 s');
    assert.match(shown.makespan.sentence, /^The simulation \(nothing ran\) finishes in 3 s of virtual time on 2 workers/);
    assert.equal(shown.speedup.value, '1.67×');
    assert.match(shown['lower-bound'].sentence, /because the longest chain of dependencies \(the span\) takes 3 s; the simulation matched it/);
    assert.match(await page.textContent('#outcome'), /A simulation runs nothing/);

    // During a real run, Simulate and Measure wait; they come back when it ends.
    await showGraph(page, 't[1..4] : cpu 400ms');
    await page.click('#run');
    await page.waitForFunction(() => document.querySelector('#progress').value >= 1 || window.fanoutUI.timeline.viewModel().bars >= 1);
    assert.equal(await page.isDisabled('#simulate'), true);
    assert.equal(await page.isDisabled('#measure'), true);
    await page.waitForFunction(() => !document.querySelector('#run').disabled);
    assert.equal(await page.isDisabled('#simulate'), false);
    assert.equal(await page.isDisabled('#measure'), false);
  });

  test('many sinks: the first 24 are listed, the rest one click away', async () => {
    await showGraph(page, 't[1..30] : cpu 1ms');
    const { result } = await runAndShow(page, '#simulate');
    assert.equal(Object.keys(result.result).length, 30);
    assert.equal(await page.locator('#outcome dl.sink-values dd').count(), 24);
    const more = page.locator('#outcome details.more-sinks');
    assert.equal(await more.locator('summary').textContent(), '6 more sink tasks');
    await more.locator('summary').click();
    assert.equal(await more.locator('pre').textContent(), ['t25', 't26', 't27', 't28', 't29', 't30'].map((id) => `${id}: ${result.result[id]}`).join('\n'));
  });

  test('a run that fails as a whole leaves the last results standing, not marked as running', async () => {
    await showGraph(page, 'boom : panic\nfine : cpu 1ms');
    await page.selectOption('#mode', 'threads');
    const count = await page.getAttribute('#outcome', 'data-count');
    await page.click('#run');
    await page.waitForFunction(() => !document.querySelector('#run').disabled);
    assert.match(await page.textContent('#run-status'), /Run failed/);
    assert.equal(await page.getAttribute('#outcome', 'aria-busy'), null);
    assert.equal(await page.getAttribute('#outcome', 'data-count'), count, 'nothing new to show');
    await page.selectOption('#mode', 'auto');
    // The trap is reported on the console; nothing else went wrong.
    assert.ok(page.errors.every((e) => /unreachable|panic/i.test(e)), page.errors.join('\n'));
    page.errors.length = 0;
  });

  test('speedup chart, independent tasks: the simulated curve is makespans(), the bounds are the graph\'s', async () => {
    const text = 'a : cpu 10ms\nb : cpu 10ms\nc : cpu 10ms\nd : cpu 10ms\ne : cpu 10ms\nf : cpu 10ms\ng : cpu 10ms\nh : cpu 10ms';
    await showGraph(page, text);
    await page.fill('#workers', '2');
    await page.press('#workers', 'Tab');
    await page.selectOption('#policy', '');
    const vm = await chartFor(page, text);
    assert.equal(vm.work, 80);
    assert.equal(vm.span, 10);
    assert.deepEqual(vm.workers, [1, 2, 3, 4, 5, 6, 7, 8], 'N = max(8, workers)');
    assert.deepEqual(vm.makespans, await page.evaluate((t) => window.fanout.makespans(t, { maxWorkers: 8 }), text));
    // Worked out by hand: 8 tasks of 10 ms on p workers take 10 ms × ceil(8 / p).
    assert.deepEqual(vm.makespans, vm.workers.map((p) => 10 * Math.ceil(8 / p)));
    assert.equal(vm.simulated[1], 2, 'speedup 2 on 2 workers');
    vm.workers.forEach((p, i) => {
      assert.ok(close(vm.simulated[i], 80 / vm.makespans[i]));
      assert.ok(close(vm.law[i], Math.min(p, 8)), `work/span law at ${p}`);
      assert.ok(close(vm.brent[i], 80 / (70 / p + 10)), `Brent at ${p}`);
      assert.ok(vm.simulated[i] <= vm.law[i] + 1e-9 && vm.simulated[i] >= vm.brent[i] - 1e-9, `greedy lies between the bounds at ${p}`);
    });
    assert.equal(vm.reading, 'Up to 8 workers the span does not hold this graph back: the simulation reaches 8× on 8, and the span (10 ms) caps any schedule at 8×.');
    assert.equal(await page.textContent('#speedup-reading'), vm.reading);
    // What is drawn: one point per worker count, the lines, a title and a summary for screen readers.
    assert.equal(await page.locator('#speedup svg.speedup-svg circle[data-series="simulated"]').count(), 8);
    for (const s of ['simulated', 'law', 'brent']) {
      const pts = await page.getAttribute(`#speedup svg.speedup-svg polyline[data-series="${s}"]`, 'points');
      assert.equal(pts.trim().split(/\s+/).length, 8, `${s}: 8 points`);
    }
    // The drawn y of each point follows the speedup: higher speedup, higher on the chart.
    const ys = await page.$$eval('#speedup svg.speedup-svg circle[data-series="simulated"]', (cs) => cs.map((c) => Number(c.getAttribute('cy'))));
    const order = (arr) => arr.map((v, i) => [v, i]).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
    assert.deepEqual(order(ys.map((y) => -y)), order(vm.simulated));
    assert.equal(await page.textContent('#speedup-svg-title'), 'Speedup on 1 to 8 workers');
    assert.match(await page.textContent('#speedup-svg-desc'), /from 1× on 1 worker to 8× on 8/);
    assert.equal(await page.getAttribute('#speedup svg.speedup-svg', 'aria-labelledby'), 'speedup-svg-title speedup-svg-desc');
    const legend = await page.$$eval('#speedup .chart-legend li', (lis) => lis.map((li) => li.dataset.series));
    assert.deepEqual(legend, ['simulated', 'law', 'brent']);
    const axis = await page.$$eval('#speedup svg.speedup-svg .axes text', (ts) => ts.map((t) => t.textContent));
    for (const label of ['workers', 'speedup', '1', '8', '0×', '8×']) assert.ok(axis.includes(label), `axis label ${label}`);

    // The makespan view plots the same simulation in ms, with max(T∞, T1/p) and the guarantee.
    await page.check('#speedup-view-makespan');
    assert.equal(await page.getAttribute('#speedup svg.speedup-svg', 'data-view'), 'makespan');
    const vm2 = await page.evaluate(() => window.fanoutUI.speedup.viewModel());
    assert.equal(vm2.view, 'makespan');
    assert.deepEqual(vm2.lower, vm.workers.map((p) => Math.max(10, 80 / p)));
    assert.ok(vm2.guarantee.every((g, i) => close(g, 70 / (i + 1) + 10)));
    assert.equal(await page.textContent('#speedup-svg-title'), 'Makespan on 1 to 8 workers');
    await page.check('#speedup-view-speedup');

    // A larger worker count widens the chart (up to 32), on change.
    await page.fill('#workers', '12');
    await page.press('#workers', 'Tab');
    await page.waitForFunction(() => window.fanoutUI.speedup.viewModel().workers.length === 12);
    assert.deepEqual((await page.evaluate(() => window.fanoutUI.speedup.viewModel())).makespans.slice(8), [10, 10, 10, 10]);
    await page.fill('#workers', '2');
    await page.press('#workers', 'Tab');
    await page.waitForFunction(() => window.fanoutUI.speedup.viewModel().workers.length === 8);
  });

  test('speedup chart, a chain: 1× everywhere; and it follows policy changes', async () => {
    const chain = 'a : cpu 10ms\nb : cpu 20ms after a\nc : cpu 30ms after b';
    await showGraph(page, chain);
    const vm = await chartFor(page, chain);
    assert.equal(vm.work, 60);
    assert.equal(vm.span, 60);
    for (const name of ['simulated', 'law', 'brent']) assert.ok(vm[name].every((s) => close(s, 1)), `${name} is 1 everywhere`);
    assert.match(vm.reading, /span equals its work \(60 ms\).*no number of workers makes this graph faster than 1×/);

    // A graph where the policy matters: fifo starts the short tasks first.
    const text = 'x1 : cpu 10ms\nx2 : cpu 10ms\nlong : cpu 40ms\nend : cpu 10ms after long';
    await showGraph(page, text);
    await chartFor(page, text);
    for (const policy of ['fifo', 'critical-path']) {
      await page.selectOption('#policy', policy);
      await page.waitForFunction((p) => window.fanoutUI.speedup.viewModel()?.policy === p, policy);
      const got = await page.evaluate(() => window.fanoutUI.speedup.viewModel());
      assert.deepEqual(got.makespans, await page.evaluate(([t, p]) => window.fanout.makespans(t, { maxWorkers: 8, policy: p }), [text, policy]), policy);
    }
    const fifo = await page.evaluate((t) => window.fanout.makespans(t, { maxWorkers: 2, policy: 'fifo' }), text);
    const cp = await page.evaluate((t) => window.fanout.makespans(t, { maxWorkers: 2, policy: 'critical-path' }), text);
    assert.ok(fifo[1] > cp[1], `the policies differ on 2 workers (${fifo[1]} vs ${cp[1]} ms), so the check above could fail`);
    // Work 70 ms, span 50 ms: at most 1.4×, which critical-path reaches on 2 workers.
    assert.equal(await page.textContent('#speedup-reading'), 'Beyond 2 workers the span (50 ms) limits this graph: the simulation reaches 1.4×, the most any schedule can.');
    await page.selectOption('#policy', '');
  });

  test('Measure runs the graph for real on each worker count and plots the points; Cancel stops it', async () => {
    const text = 't[1..4] : cpu 40ms';
    await showGraph(page, text);
    await page.selectOption('#mode', 'auto');
    await chartFor(page, text);
    await page.fill('#measure-workers', '1-2, 4');
    await page.click('#measure');
    await page.waitForFunction(() => window.fanoutUI.speedup.viewModel().measuring);
    assert.equal(await page.isDisabled('#run'), true, 'Run waits while measuring');
    assert.equal(await page.isDisabled('#measure-cancel'), false);
    await page.waitForFunction(() => !window.fanoutUI.speedup.viewModel().measuring, null, { timeout: 60_000 });
    const vm = await page.evaluate(() => window.fanoutUI.speedup.viewModel());
    assert.deepEqual(vm.measured.map((m) => m.workers), [1, 2, 4]);
    for (const m of vm.measured) {
      // Speedup = work / measured makespan, as the results panel defines it.
      assert.ok(close(m.speedup, 160 / m.makespan, 1e-6), `speedup on ${m.workers}: ${m.speedup} vs 160 / ${m.makespan}`);
      assert.ok(m.makespan >= 40 * Math.ceil(4 / m.workers) * 0.85, `on ${m.workers} workers ${m.makespan} ms is not less than the work allows`);
    }
    assert.ok(vm.measured[0].speedup < 1.2, 'one worker is no faster than the work');
    assert.equal(await page.locator('#speedup svg.speedup-svg rect[data-series="measured"]').count(), 3);
    assert.ok(await page.locator('#speedup .chart-legend li[data-series="measured"]').count() === 1);
    assert.match(await page.textContent('#measure-status'), /^Measured in \w+ mode on 1–4 workers: best [\d.]+× on \d workers?, where the simulation predicts [\d.]+×\.$/);
    assert.equal(await page.isDisabled('#run'), false);
    assert.equal((await page.$$eval('#speedup .chart-table tbody tr', (rows) => rows.map((r) => r.lastElementChild.textContent))).filter((t) => t !== '—').length, 3);
    await screenshot(page, 'ui-speedup-measured');

    // Cancel: a slow graph, stopped during its first measured run.
    const slow = 'slow[1..2] : cpu 4s';
    await showGraph(page, slow);
    await chartFor(page, slow);
    assert.deepEqual((await page.evaluate(() => window.fanoutUI.speedup.viewModel())).measured, [], 'points of another graph are dropped');
    await page.fill('#measure-workers', '');
    await page.click('#measure');
    await page.waitForFunction(() => /Measuring on 1 worker \(1 of 8\)/.test(document.querySelector('#measure-status').textContent));
    await page.waitForTimeout(300);
    const t0 = Date.now();
    await page.click('#measure-cancel');
    await page.waitForFunction(() => !window.fanoutUI.speedup.viewModel().measuring);
    assert.ok(Date.now() - t0 < 2000, 'cancelled within 2 s, not after the 8 s run');
    assert.equal(await page.textContent('#measure-status'), 'Measuring cancelled after 0 of 8 worker counts.');
    assert.deepEqual((await page.evaluate(() => window.fanoutUI.speedup.viewModel())).measured, []);
    assert.equal(await page.isDisabled('#run'), false);
    assert.equal(await page.isDisabled('#measure'), false);
    assert.equal(await page.isDisabled('#measure-cancel'), true);
    // The page still runs afterwards.
    await showGraph(page, 'a : cpu 5ms');
    const { result } = await runAndShow(page);
    assert.equal(result.tasks[0].status, 'ok');
    assert.deepEqual(page.errors, []);
  });

  test('a bad list of worker counts is reported, not measured', async () => {
    await page.fill('#measure-workers', '0, 3');
    await page.click('#measure');
    assert.match(await page.textContent('#measure-status'), /Cannot measure: “0” is not a worker count or range from 1 to 32\./);
    assert.equal(await page.evaluate(() => window.fanoutUI.speedup.viewModel().measuring), false);
    await page.fill('#measure-workers', '');
  });

  test('nothing moves when a run starts', async () => {
    await showGraph(page, 't[1..4] : cpu 300ms');
    await page.fill('#workers', '2');
    await runAndShow(page, '#simulate');
    const boxes = () => page.$$eval('main > section, #gantt, #outcome, #speedup svg.speedup-svg, #run-status', (els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      return [e.id || e.className, Math.round(r.top), Math.round(r.left), Math.round(r.width), Math.round(r.height)].join(' ');
    }));
    const before = await boxes();
    await page.click('#run');
    await page.waitForFunction(() => window.fanoutUI.timeline.viewModel().bars >= 1 && document.querySelector('#run').disabled);
    assert.deepEqual(await boxes(), before);
    await page.waitForFunction(() => !document.querySelector('#run').disabled);
  });

  test('360 px wide: results and chart fit without sideways scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    try {
      await showGraph(page, [
        'on_error continue',
        'num[1..40] : cpu 1ms',
        'flaky[1..2] : cpu 20ms retry 1 fail attempts 1',
        'slow : cpu 200ms timeout 30ms',
        'all : cpu 1ms reduce concat after num[*], flaky[*], slow',
      ].join('\n'));
      await page.fill('#workers', '3');
      await runAndShow(page, '#simulate');
      await chartFor(page, await page.evaluate(() => window.fanoutUI.editor.text()));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px wider than the window`);
      for (const sel of ['#outcome', '#speedup', '#speedup svg.speedup-svg']) {
        const box = await page.locator(sel).boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= 360, `${sel} fits: ${JSON.stringify(box)}`);
      }
      // A long list value is cut short, with all of it one click away.
      const all = page.locator('#outcome dd[data-sink="all"]');
      assert.match(await all.locator('code').textContent(), /^\[1, 2, .*… \d+ more\]$/);
      assert.equal(await all.locator('details summary').textContent(), 'all 42 values');
      await all.locator('details summary').click();
      assert.equal(await all.locator('details pre').textContent(), JSON.stringify(await page.evaluate(() => window.fanout.lastResult.result.all)));
      assert.ok((await all.locator('details pre').boundingBox()).width <= 340);
      await screenshot(page, 'ui-results-360');
    } finally {
      await page.setViewportSize({ width: 1200, height: 800 });
    }
  });
});
