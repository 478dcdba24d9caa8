// Comparing runs, the critical-path overlay on the timeline and the keyboard in the graph view,
// end to end on the real page and the real engine: two recent runs on one time scale (linked
// zoom and pan, a sentence naming both makespans), "Compare policies", the graph's critical
// path outlined on the run's bars with the realized chain explained, and the DAG view driven
// by arrow keys with Enter selecting through the linked selection.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { open, screenshot } from './harness.mjs';
import { setGraph, usePlayground, waitReady } from './ui-helpers.mjs';
import { formatMs } from '../../www/app/format.js';

// Waves holds s2 and s3 behind `long` (150 ms on 2 workers); critical-path runs the s-chain
// beside it (120 ms). By hand.
const POLICIES = 'long : cpu 120ms\ns1 : cpu 15ms\ns2 : cpu 15ms after s1\ns3 : cpu 15ms after s2\n';
// A fork: the critical path is a → b → d (10 + 30 + 5 = 45 ms; a → c → d is 35, e alone 8).
const FORK = 'a : cpu 10ms\nb : cpu 30ms after a\nc : cpu 20ms after a\nd : cpu 5ms after b, c\ne : cpu 8ms\n';
// The fork without e: on one worker, b and c run one after the other.
const FORK4 = 'a : cpu 10ms\nb : cpu 30ms after a\nc : cpu 20ms after a\nd : cpu 5ms after b, c\n';
const CRITICAL = [0xd4, 0x14, 0x5a];

const vmOf = (page) => page.evaluate(() => window.fanoutUI.compare.viewModel());
const timelineVm = (page) => page.evaluate(() => { window.fanoutUI.timeline.drawNow(); return window.fanoutUI.timeline.viewModel(); });

/** Sets the run panel and runs (or simulates); resolves once the run is kept in the history. */
async function runWith(page, { workers, mode, policy = '' }) {
  const before = await page.evaluate(() => window.fanoutUI.history.list().length
    && window.fanoutUI.history.list().at(-1).n);
  await page.fill('#workers', String(workers));
  await page.selectOption('#mode', mode);
  await page.selectOption('#policy', policy);
  await page.click('#run');
  await page.waitForFunction((n) => {
    const last = window.fanoutUI.history.list().at(-1);
    return last && last.n !== n && !document.querySelector('#run').disabled;
  }, before, { timeout: 60_000 });
  return page.evaluate(() => window.fanout.lastResult);
}

/** Waits until the editor's graph is parsed, drawn and analyzed (its critical path known). */
async function useGraph(page, text) {
  await setGraph(page, text);
  const ids = text.trim().split('\n').map((line) => line.split(':')[0].trim()).sort();
  await page.waitForFunction((ids) => {
    const ui = window.fanoutUI;
    const drawn = [...document.querySelectorAll('#dag g.node')].map((n) => n.dataset.task).sort();
    const critical = ui.dag.viewModel().critical;
    return JSON.stringify(ui.tasks.map((t) => t.id).sort()) === JSON.stringify(ids) && JSON.stringify(drawn) === JSON.stringify(ids)
      && critical.length > 0 && critical.every((id) => ids.includes(id));
  }, ids);
}

/** The chain sentence under the timeline, once it says `expected` (or after 5 s, whatever it says). */
async function chainInfo(page, expected) {
  await page.waitForFunction((x) => document.querySelector('#chain-info').textContent === x, expected, { timeout: 5000 }).catch(() => {});
  return page.textContent('#chain-info');
}

/** Whether any pixel of the main timeline's canvas in a CSS-px rectangle is the critical colour. */
function hasCriticalPixel(page, x, y, w, h) {
  return page.evaluate(([x, y, w, h, rgb]) => {
    const c = window.fanoutUI.timeline.canvas;
    const dpr = c.width / c.getBoundingClientRect().width;
    const d = c.getContext('2d').getImageData(Math.round(x * dpr), Math.round(y * dpr), Math.max(1, Math.round(w * dpr)), Math.max(1, Math.round(h * dpr))).data;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - rgb[0]) + Math.abs(d[i + 1] - rgb[1]) + Math.abs(d[i + 2] - rgb[2]) < 40) return true;
    }
    return false;
  }, [x, y, w, h, CRITICAL]);
}

/** The band just above a bar's top edge, around its middle: where its outline is drawn. */
async function outlined(page, id) {
  const at = await page.evaluate((id) => window.fanoutUI.timeline.locate(id), id);
  const found = await hasCriticalPixel(page, at.x - Math.min(10, at.w / 4), at.y - at.h / 2 - 3, Math.min(20, at.w / 2), 4);
  return found;
}

describe('compare runs, critical-path overlay, keyboard in the graph', () => {
  let page;
  usePlayground((p) => { page = p; });

  test('two real runs are compared on one time scale, and zoom in one moves the other', async () => {
    await useGraph(page, POLICIES);
    const waves = await runWith(page, { workers: 2, mode: 'threads', policy: 'waves' });
    const cp = await runWith(page, { workers: 2, mode: 'threads', policy: 'critical-path' });
    assert.equal(waves.policy, 'waves');
    assert.equal(cp.policy, 'critical-path');
    const vm = await vmOf(page);
    const [ra, rb] = vm.runs.slice(-2);
    assert.deepEqual([vm.a, vm.b], [ra.n, rb.n], 'the last two runs are compared, older above');
    assert.deepEqual(await page.$$eval('#compare-a, #compare-b', (s) => s.map((x) => x.value)), [String(ra.n), String(rb.n)]);
    const labels = await page.$$eval('#compare-a option', (o) => o.map((x) => x.textContent));
    assert.ok(labels.includes(`#${ra.n} · threads · 2 workers · waves · ${formatMs(waves.makespan_ms)}`), labels.join(' | '));
    assert.ok(labels.includes(`#${rb.n} · threads · 2 workers · critical-path · ${formatMs(cp.makespan_ms)}`), labels.join(' | '));
    // One scale: the same window and the same ms per pixel, fitting the longer run.
    const [ta, tb] = vm.timelines;
    assert.deepEqual(ta.view, tb.view);
    assert.equal(ta.msPerPx, tb.msPerPx);
    assert.deepEqual(ta.plot, tb.plot);
    const longest = Math.max(waves.makespan_ms, cp.makespan_ms);
    assert.ok(Math.abs(ta.view.end - longest * 1.02) < 1e-6, `the view fits the longer makespan (${ta.view.end} vs ${longest})`);
    const attempts = (r) => r.tasks.reduce((n, t) => n + (t.attempts?.length || 1), 0);
    assert.equal(ta.bars, attempts(waves), 'A: one bar per attempt of the waves run');
    assert.equal(tb.bars, attempts(cp), 'B: one bar per attempt of the critical-path run');
    assert.deepEqual(ta.markers.map((m) => m.t), [waves.makespan_ms, cp.makespan_ms], 'A marks its makespan, and B\'s dashed');
    assert.equal(ta.markers[0].label, `makespan ${formatMs(waves.makespan_ms)}`);
    // The sentence names both makespans, the slower first, with the right percentage.
    const [slow, fast, slowName, fastName] = waves.makespan_ms >= cp.makespan_ms
      ? [waves.makespan_ms, cp.makespan_ms, 'waves', 'critical-path'] : [cp.makespan_ms, waves.makespan_ms, 'critical-path', 'waves'];
    const pct = Math.round((slow / fast - 1) * 100);
    assert.equal(vm.summary, pct === 0
      ? `${slowName} took ${formatMs(slow)}, about as long as ${fastName}'s ${formatMs(fast)}.`
      : `${slowName} took ${formatMs(slow)}, ${pct}% longer than ${fastName}'s ${formatMs(fast)}.`);
    // Zoom in A with the keyboard: B shows the same window.
    await page.focus('#compare-gantt-a canvas');
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await page.keyboard.press('ArrowRight');
    let [za, zb] = (await vmOf(page)).timelines;
    assert.ok(za.view.end - za.view.start < ta.view.end - ta.view.start, 'A zoomed in');
    assert.ok(za.view.start > 0, 'A panned');
    assert.deepEqual(zb.view, za.view, 'B follows A');
    assert.equal(zb.msPerPx, za.msPerPx);
    // Wheel over B: A follows.
    const box = await page.locator('#compare-gantt-b canvas').boundingBox();
    await page.mouse.move(box.x + box.width * 0.7, box.y + 20);
    await page.mouse.wheel(0, 300);
    [za, zb] = (await vmOf(page)).timelines;
    assert.ok(zb.view.end - zb.view.start > (ta.view.end - ta.view.start) / 1.25 ** 2, 'B zoomed out');
    assert.deepEqual(za.view, zb.view, 'A follows B');
    // Fit (the panel's button) brings both back to the whole longer run.
    await page.click('#compare-fit');
    [za, zb] = (await vmOf(page)).timelines;
    assert.deepEqual([za.view, zb.view], [ta.view, ta.view]);
    // Picking another pair: the older one against itself says so; then back.
    await page.selectOption('#compare-b', String(ra.n));
    assert.match((await vmOf(page)).summary, /same run/);
    await page.selectOption('#compare-b', String(rb.n));
    assert.deepEqual(page.errors, []);
  });

  test('"Compare policies" simulates waves and critical-path and compares them', async () => {
    await page.fill('#workers', '2');
    await page.click('#compare-policies');
    await page.waitForFunction(() => {
      const vm = window.fanoutUI.compare.viewModel();
      return vm.runs.length && vm.runs.at(-1).policy === 'critical-path' && vm.runs.at(-1).mode === 'simulated'
        && document.querySelector('#compare-summary').dataset.state === 'compared';
    });
    const vm = await vmOf(page);
    const [wv, cp] = vm.runs.slice(-2);
    assert.deepEqual([wv.policy, wv.mode, cp.policy, cp.mode], ['waves', 'simulated', 'critical-path', 'simulated']);
    assert.deepEqual([vm.a, vm.b], [wv.n, cp.n]);
    // Exactly what the simulator says, and what was worked out by hand above.
    const expected = await page.evaluate(async (text) => Promise.all(['waves', 'critical-path']
      .map(async (policy) => (await window.fanout.simulate(text, { workers: 2, policy })).makespan_ms)), POLICIES);
    assert.deepEqual([wv.makespan, cp.makespan], expected);
    assert.deepEqual(expected, [150, 120]);
    assert.equal(vm.summary, 'waves took 150 ms, 25% longer than critical-path\'s 120 ms.');
    assert.equal(vm.timelines[0].bars, 4);
    assert.equal(vm.timelines[1].bars, 4);
    assert.deepEqual(vm.timelines[0].view, vm.timelines[1].view);
    assert.ok(vm.timelines[0].view.end >= 150, 'both fit the longer run');
    assert.deepEqual(vm.captions, [`A: #${wv.n} · simulated · 2 workers · waves · 150 ms`, `B: #${cp.n} · simulated · 2 workers · critical-path · 120 ms`]);
    await page.locator('#compare').scrollIntoViewIfNeeded();
    await screenshot(page, 'ui-compare-1200');
    // A run of another graph can be compared too, and the sentence says so.
    await useGraph(page, FORK);
    await runWith(page, { workers: 2, mode: 'simulated' });
    const other = await vmOf(page);
    assert.deepEqual([other.a, other.b], [cp.n, other.runs.at(-1).n]);
    assert.match(other.summary, /They ran different graphs: the task sets differ\.$/);
    assert.ok(other.runs.length <= 10, 'at most the last 10 runs are kept');
    // A broken graph: Compare policies says so and keeps the pair shown.
    await setGraph(page, 'a : cpu 5ms after nope\n');
    await page.click('#compare-policies');
    await page.waitForFunction(() => document.querySelector('#compare-summary').dataset.state === 'error');
    assert.equal(await page.textContent('#compare-summary'), 'The graph has 1 error: fix it to compare policies.');
    assert.equal(await page.isDisabled('#compare-policies'), false);
    assert.deepEqual(await page.evaluate(() => [window.fanoutUI.compare.viewModel().a, window.fanoutUI.compare.viewModel().b]), [other.a, other.b]);
  });

  test('the critical-path overlay outlines exactly the critical tasks; the toggle removes it', async () => {
    await useGraph(page, FORK);
    assert.deepEqual(await page.evaluate(() => window.fanoutUI.dag.viewModel().critical), ['a', 'b', 'd']);
    await runWith(page, { workers: 4, mode: 'threads' });
    // No hover or selection outline over a bar (typing the text put the caret on a's line).
    await page.mouse.move(0, 0);
    await page.evaluate(() => window.fanoutUI.selection.set(null, 'test'));
    let vm = await timelineVm(page);
    assert.deepEqual(vm.critical.ids, ['a', 'b', 'd'], 'the same path as the graph view');
    assert.equal(vm.critical.shown, true, 'on by default');
    assert.deepEqual(vm.critical.outlinedTasks.slice().sort(), ['a', 'b', 'd']);
    assert.equal(vm.critical.connectors, 2);
    for (const id of ['a', 'b', 'd']) assert.ok(await outlined(page, id), `${id} is outlined in the critical colour`);
    for (const id of ['c', 'e']) assert.ok(!(await outlined(page, id)), `${id} is not outlined`);
    assert.equal(await page.isChecked('#show-critical'), true);
    await page.locator('#gantt').scrollIntoViewIfNeeded();
    await screenshot(page, 'ui-critical-overlay-1200');
    await page.click('#show-critical');
    vm = await timelineVm(page);
    assert.equal(vm.critical.shown, false);
    assert.equal(vm.critical.drawnOutlines, 0);
    assert.equal(vm.critical.drawnConnectors, 0);
    for (const id of ['a', 'b', 'd']) assert.ok(!(await outlined(page, id)), `${id} is no longer outlined`);
    await page.click('#show-critical');
    vm = await timelineVm(page);
    assert.deepEqual(vm.critical.outlinedTasks.slice().sort(), ['a', 'b', 'd']);
    // A simulated run on enough workers: its longest chain is the graph's critical path.
    await runWith(page, { workers: 4, mode: 'simulated' });
    const follows = 'This run\'s longest chain is the graph\'s critical path (a → b → d): the graph set the makespan.';
    assert.equal(await chainInfo(page, follows), follows);
    // Connectors are drawn where the path changes lane or leaves a gap (here, on 1 worker).
    await page.evaluate(() => {
      const ui = window.fanoutUI;
      ui.timeline.setResult(ui.normalizeRun({ mode: 'simulated', workers: 2, makespan_ms: 60, tasks: [
        { id: 'a', worker: 0, start_ms: 0, end_ms: 10, status: 'ok' }, { id: 'e', worker: 1, start_ms: 0, end_ms: 8, status: 'ok' },
        { id: 'b', worker: 1, start_ms: 12, end_ms: 42, status: 'ok' }, { id: 'c', worker: 0, start_ms: 10, end_ms: 30, status: 'ok' },
        { id: 'd', worker: 0, start_ms: 50, end_ms: 55, status: 'ok' }] }));
    });
    vm = await timelineVm(page);
    assert.equal(vm.critical.drawnConnectors, 2, 'a → b changes lane, b → d changes lane');
    assert.deepEqual(page.errors, []);
  });

  test('a worker shortage makes the run\'s longest chain differ from the critical path, and the page says so', async () => {
    await useGraph(page, FORK4);
    const result = await runWith(page, { workers: 1, mode: 'threads' });
    assert.equal(result.mode, 'threads');
    const byId = Object.fromEntries(result.tasks.map((t) => [t.id, t]));
    // On one worker b and c run one after the other: the second of them waited for the worker.
    const [first, second] = ['b', 'c'].sort((x, y) => byId[x].start_ms - byId[y].start_ms);
    const shortage = `This run's longest chain (a → ${first} → ${second} → d) went through ${second}, waiting for a worker, ` +
      'not the graph\'s critical path (a → b → d): the schedule, not the graph, set the makespan.';
    assert.equal(await chainInfo(page, shortage), shortage);
    assert.equal(await page.getAttribute('#chain-info', 'data-chain'), `a ${first} ${second} d`);
    assert.deepEqual(await page.evaluate(() => window.fanoutUI.chain.steps.map((s) => [s.task, s.via])),
      [['a', 'start'], [first, 'dependency'], [second, 'worker'], ['d', 'dependency']]);
    // The overlay still outlines the graph's path, not the realized chain.
    const vm = await timelineVm(page);
    assert.deepEqual(vm.critical.outlinedTasks.slice().sort(), ['a', 'b', 'd']);
    await screenshot(page, 'ui-critical-chain-1200');
    // Waves on 2 workers: s2 waits for `long` although a worker is free: held back, not short of workers.
    await useGraph(page, POLICIES);
    await runWith(page, { workers: 2, mode: 'simulated', policy: 'waves' });
    const held = 'This run\'s longest chain (long → s2 → s3) went through s2, held back while a worker was free ' +
      '(a wave, a limit or a group\'s cap), not the graph\'s critical path (long): the schedule, not the graph, set the makespan.';
    assert.equal(await chainInfo(page, held), held);
  });

  test('the graph is keyboard-usable: Tab in, arrows follow edges and layers, Enter selects, Escape clears', async () => {
    await useGraph(page, FORK);
    await runWith(page, { workers: 2, mode: 'simulated' });
    await page.evaluate(() => window.fanoutUI.selection.set(null, 'test'));
    // Node centres as drawn, to state the expected moves by layout position.
    const pos = await page.$$eval('#dag g.node', (nodes) => Object.fromEntries(nodes.map((n) => {
      const [, x, y] = n.getAttribute('transform').match(/translate\(([-\d.]+),([-\d.]+)\)/).map(Number);
      const r = n.querySelector('rect');
      return [n.dataset.task, { x: x + Number(r.getAttribute('width')) / 2, y: y + Number(r.getAttribute('height')) / 2 }];
    })));
    const focused = () => page.evaluate(() => document.activeElement?.closest?.('#dag g.node')?.dataset.task ?? null);
    const press = async (key) => { await page.keyboard.press(key); return focused(); };
    // Tab from the graph toolbar lands on one node: the first in reading order.
    await page.focus('#dag-fit');
    const first = Object.keys(pos).sort((p, q) => pos[p].x - pos[q].x || pos[p].y - pos[q].y)[0];
    assert.equal(await press('Tab'), first);
    assert.equal(await page.locator('#dag g.node[tabindex="0"]').count(), 1, 'one Tab stop for the whole graph');
    assert.equal(await page.getAttribute('#dag g.node[data-task="b"]', 'aria-label'), 'task b, cpu 30 ms, after a, done');
    assert.equal(await page.getAttribute('#dag g.node[data-task="a"]', 'aria-label'), 'task a, cpu 10 ms, no dependencies, done');
    // Go to a: from e (same layer) with Up/Down, or already there.
    if (first === 'e') assert.equal(await press(pos.a.y > pos.e.y ? 'ArrowDown' : 'ArrowUp'), 'a');
    assert.equal(await focused(), 'a');
    assert.equal(await press('ArrowLeft'), 'a', 'a has no dependency: focus stays');
    // Right: the dependent of a nearest to it vertically.
    const nearest = (from, ids) => ids.sort((p, q) => Math.abs(pos[p].y - pos[from].y) - Math.abs(pos[q].y - pos[from].y))[0];
    const right = await press('ArrowRight');
    assert.equal(right, nearest('a', ['b', 'c']));
    // Up/Down: b and c share a layer; the other one is above or below.
    const other = right === 'b' ? 'c' : 'b';
    assert.ok(Math.abs(pos.b.x - pos.c.x) < 1, 'b and c are in one layer');
    assert.equal(await press(pos[other].y > pos[right].y ? 'ArrowDown' : 'ArrowUp'), other);
    assert.equal(await press(pos[other].y > pos[right].y ? 'ArrowDown' : 'ArrowUp'), other, 'no further node that way: focus stays');
    assert.equal(await press('ArrowRight'), 'd');
    assert.equal(await press('ArrowRight'), 'd', 'd has no dependent');
    assert.equal(await press('ArrowLeft'), nearest('d', ['b', 'c']));
    assert.equal(await press('ArrowLeft'), 'a');
    assert.equal(await press('ArrowRight'), right);
    // The focus ring shows on the focused node.
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement.querySelector('.focus-ring')).stroke);
    assert.notEqual(ring, 'none', 'a visible focus ring');
    // Enter selects through the linked selection: editor line, timeline bar, graph node.
    await page.keyboard.press('Enter');
    const sel = await page.evaluate(() => ({
      dag: document.querySelector('#dag g.node.selected')?.dataset.task ?? null,
      pressed: document.querySelector('#dag g.node[aria-pressed="true"]')?.dataset.task ?? null,
      timeline: window.fanoutUI.timeline.viewModel().selected,
      editor: document.querySelector('#graph .cm-task-selected')?.textContent ?? '',
    }));
    assert.deepEqual([sel.dag, sel.pressed, sel.timeline], [right, right, right]);
    assert.match(sel.editor, new RegExp(`^${right}\\s*:`));
    assert.equal(await focused(), right, 'focus stays on the graph');
    await page.locator('#dag').scrollIntoViewIfNeeded();
    await screenshot(page, 'ui-dag-keyboard-1200');
    // Space selects too; Escape clears.
    await press('ArrowRight');
    await page.keyboard.press(' ');
    assert.equal(await page.evaluate(() => window.fanoutUI.selection.get()), 'd');
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => window.fanoutUI.selection.get()), null);
    assert.equal(await page.locator('#dag g.node.selected').count(), 0);
    assert.equal(await page.evaluate(() => window.fanoutUI.timeline.viewModel().selected), null);
    // Zoom keys still work on a node, and Shift+arrows pan; arrows on the background pan.
    const k0 = (await page.evaluate(() => window.fanoutUI.dag.viewModel().view)).k;
    await page.keyboard.press('+');
    const v1 = await page.evaluate(() => window.fanoutUI.dag.viewModel().view);
    assert.ok(v1.k > k0, 'zoomed in from a node');
    await page.keyboard.press('Shift+ArrowLeft');
    const v2 = await page.evaluate(() => window.fanoutUI.dag.viewModel().view);
    assert.ok(v2.x > v1.x, 'Shift+Left pans');
    assert.equal(await focused(), 'd', 'panning keeps the focus');
    await page.focus('#dag svg');
    await page.keyboard.press('ArrowUp');
    const v3 = await page.evaluate(() => window.fanoutUI.dag.viewModel().view);
    assert.ok(v3.y > v2.y, 'arrows on the background pan');
    // Tab leaves the graph in one step; Shift+Tab comes back to the last focused node.
    await page.focus('#dag g.node[data-task="d"]');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), null, 'one Tab leaves the graph');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(), 'd');
    assert.deepEqual(page.errors, []);
  });

  test('the overlay stays cheap with 100,000 bars: only visible critical bars are outlined', async (t) => {
    const info = await page.evaluate(() => {
      const workers = 8, perLane = 12_500, tasks = [], path = [];
      for (let w = 0; w < workers; w++) {
        let at = 0;
        for (let i = 0; i < perLane; i++) {
          const d = 0.2 + ((i * 7919 + w * 104729) % 97) / 100;
          tasks.push({ id: `t${w}_${i}`, worker: w, start_ms: at, end_ms: at + d, status: 'ok' });
          if (w === 3) path.push(`t${w}_${i}`);
          at += d + ((i * 31) % 5) / 50;
        }
      }
      const tl = window.fanoutUI.timeline;
      tl.setResult(window.fanoutUI.normalizeRun({ mode: 'threads', workers, makespan_ms: Math.max(...tasks.map((x) => x.end_ms)), tasks }));
      tl.setCriticalPath(path);
      const full = tl.drawNow();
      const vmFull = tl.viewModel().critical;
      tl.setView(0, tl.viewModel().extent / 40);
      const draws = [];
      for (let i = 0; i < 60; i++) { tl.panBy(0.08); draws.push(tl.drawNow()); }
      draws.sort((a, b) => a - b);
      const vm = tl.viewModel();
      return { full, vmFull, zoomed: vm.critical, median: draws[30], max: draws.at(-1), view: vm.view };
    });
    assert.equal(info.vmFull.tasks.length, 12_500);
    assert.ok(info.vmFull.drawnOutlines > 100 && info.vmFull.drawnOutlines < 12_500, `sub-pixel outlines coalesced: ${info.vmFull.drawnOutlines}`);
    assert.ok(info.zoomed.drawnOutlines > 10 && info.zoomed.drawnOutlines < 12_500 / 10, `zoomed: only visible outlines (${info.zoomed.drawnOutlines})`);
    t.diagnostic(`100k bars + a 12,500-task critical path: full draw ${info.full.toFixed(2)} ms; zoomed pan draw median ${info.median.toFixed(2)} ms, max ${info.max.toFixed(2)} ms`);
    await page.evaluate(() => window.fanoutUI.timeline.setCriticalPath(window.fanoutUI.dag.viewModel().critical));
  });
});

describe('compare, overlay and graph keyboard at 360 px', () => {
  let h;
  before(async () => { h = await open({ isolation: true }); });
  after(() => h?.close());

  test('everything fits a phone and stays linked', async () => {
    const context = await h.browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(e.message));
    await page.goto(h.url);
    await waitReady(page);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await useGraph(page, FORK);
    const box = () => page.evaluate(() => { const r = document.querySelector('#gantt canvas').getBoundingClientRect(); return [r.y + window.scrollY, r.height]; });
    const before = await box();
    await runWith(page, { workers: 1, mode: 'simulated' });
    assert.deepEqual(await box(), before, 'no layout shift from the run and its chain sentence');
    assert.match(await page.textContent('#chain-info'), /waiting for a worker/);
    await page.locator('#gantt').scrollIntoViewIfNeeded();
    await screenshot(page, 'ui-critical-overlay-360');
    await page.click('#compare-policies');
    await page.waitForFunction(() => document.querySelector('#compare-summary').dataset.state === 'compared');
    const vm = await vmOf(page);
    assert.deepEqual(vm.timelines[0].view, vm.timelines[1].view);
    assert.equal(vm.timelines[0].msPerPx, vm.timelines[1].msPerPx);
    assert.equal(await overflow(), 0, 'no horizontal overflow');
    await page.locator('#compare').scrollIntoViewIfNeeded();
    await screenshot(page, 'ui-compare-360');
    await page.focus('#dag-fit');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowRight');
    await page.locator('#dag').scrollIntoViewIfNeeded();
    await screenshot(page, 'ui-dag-keyboard-360');
    assert.ok(await page.evaluate(() => document.activeElement.matches('#dag g.node')));
    assert.deepEqual(page.errors, []);
    await context.close();
  });
});
