// The playground UI end to end, on the real page and the real engine: the canvas timeline,
// inline diagnostics in the CodeMirror editor, linked selection across the three views, the
// starter scenarios, the exports and keyboard use.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { screenshot } from './harness.mjs';
import { graphText, setGraph, usePlayground } from './ui-helpers.mjs';

/** RGBA of the timeline canvas at CSS px (x, y), reading device pixels. */
function pixelAt(page, x, y) {
  return page.evaluate(([x, y]) => {
    const c = window.fanoutUI.timeline.canvas;
    const dpr = c.width / c.getBoundingClientRect().width;
    return [...c.getContext('2d').getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data];
  }, [x, y]);
}
const hex = (rgb) => `#${rgb.slice(0, 3).map((v) => v.toString(16).padStart(2, '0')).join('')}`;

async function loadScenario(page, id) {
  await page.selectOption('#scenario', id);
  await page.click('#load-scenario');
  // Loaded and drawn: the DAG shows as many tasks as the text declares.
  await page.waitForFunction(() => {
    // A line `id :` declares one task, `id[a..b] :` b - a + 1 (a label may come before `:`).
    const declared = window.fanoutUI.editor.text().split('\n').reduce((n, l) => {
      const m = /^\s*\w+(?:\[(\d+)\.\.(\d+)\])?\s*(?:"[^"]*"\s*)?:/.exec(l);
      return n + (!m ? 0 : m[1] === undefined ? 1 : Number(m[2]) - Number(m[1]) + 1);
    }, 0);
    return declared > 0 && window.fanoutUI.tasks.length === declared
      && document.querySelectorAll('#dag g.node').length === declared;
  });
}

async function runAndWait(page, tasks) {
  await page.click('#run');
  // One bar per attempt: retries, rejections and hedge copies add bars.
  await page.waitForFunction((n) => Number(document.querySelector('#gantt')?.dataset.bars) >= n, tasks, { timeout: 60_000 });
  await page.waitForFunction(() => !document.querySelector('#run').disabled);
}

describe('playground UI', () => {
  let page;
  usePlayground((p) => { page = p; });

  test('a run paints one bar per attempt, in its worker lane, in the done colour', async () => {
    await loadScenario(page, 'analyses-report');
    await page.fill('#workers', '3');
    await runAndWait(page, 4);
    const { result, vm, attempts } = await page.evaluate(() => ({
      result: window.fanout.lastResult,
      vm: window.fanoutUI.timeline.viewModel(),
      attempts: window.fanout.lastResult.tasks.map((t) => window.fanoutUI.timeline.attemptsOf(t.id)),
    }));
    assert.equal(vm.bars, result.tasks.length);
    assert.equal(vm.lanes, 3);
    assert.equal(vm.barsByLane.reduce((a, b) => a + b, 0), 4);
    result.tasks.forEach((t, i) => {
      assert.equal(attempts[i].length, 1, `${t.id}: one attempt`);
      assert.equal(attempts[i][0].worker, t.worker);
      assert.equal(attempts[i][0].start, t.start_ms);
      assert.equal(attempts[i][0].state, 'done');
    });
    await page.evaluate(() => window.fanoutUI.timeline.drawNow());
    for (const t of result.tasks) {
      const at = await page.evaluate((id) => window.fanoutUI.timeline.locate(id), t.id);
      // 2 px inside the bar's top edge: labels are drawn at its vertical centre, and a short
      // bar's label can cover its centre.
      assert.equal(hex(await pixelAt(page, at.x, at.y - at.h / 2 + 2)), '#1a7f5f', `${t.id}'s bar is painted at its place`);
    }
    const painted = await page.evaluate(() => {
      const c = window.fanoutUI.timeline.canvas;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] === 0x1a && d[i + 1] === 0x7f && d[i + 2] === 0x5f) n++;
      return n;
    });
    assert.ok(painted > 500, `the canvas shows bars (${painted} bar pixels)`);
    const states = await page.$$eval('#dag g.node', (nodes) => nodes.map((n) => n.dataset.state));
    assert.deepEqual(states, ['done', 'done', 'done', 'done'], 'the DAG colours finished tasks done');
    await screenshot(page, 'ui-run');
  });

  test('a broken line gets a lint squiggle and gutter mark on that line, with the message on hover', async () => {
    await setGraph(page, 'a : cpu 5ms\nb : cpu 5ms after a\nc : cpu 5ms after b, nope\nd : cpu 5ms after c\n');
    const squiggle = page.locator('#graph .cm-lintRange-error');
    await squiggle.first().waitFor();
    assert.equal(await squiggle.count(), 1);
    assert.equal(await squiggle.textContent(), 'nope', 'the squiggle covers the unknown id');
    const lineOf = await squiggle.evaluate((el) => [...document.querySelectorAll('#graph .cm-line')].indexOf(el.closest('.cm-line')) + 1);
    assert.equal(lineOf, 3);
    const marker = await page.locator('#graph .cm-lint-marker-error').boundingBox();
    const line3 = await page.locator('#graph .cm-line').nth(2).boundingBox();
    assert.ok(Math.abs(marker.y + marker.height / 2 - (line3.y + line3.height / 2)) < line3.height / 2, 'the gutter mark is on line 3');
    await squiggle.hover();
    await page.waitForSelector('.cm-tooltip-lint');
    assert.match(await page.textContent('.cm-tooltip-lint'), /nope/);
    assert.match(await page.textContent('#diagnostics li'), /line 3, column 22/);
    await screenshot(page, 'ui-lint');
    await page.keyboard.press('ControlOrMeta+Z');
  });

  test('selecting a task in one view highlights it in the other two', async () => {
    await loadScenario(page, 'analyses-report');
    await runAndWait(page, 4);
    const selected = () => page.evaluate(() => ({
      dag: document.querySelector('#dag g.node.selected')?.dataset.task ?? null,
      timeline: window.fanoutUI.timeline.viewModel().selected,
      editor: document.querySelector('#graph .cm-task-selected')?.textContent ?? '',
    }));
    // The DAG → timeline and editor.
    await page.click('#dag g.node[data-task="churn_model"]');
    let s = await selected();
    assert.equal(s.dag, 'churn_model');
    assert.equal(s.timeline, 'churn_model');
    assert.match(s.editor, /^churn_model\s*:/);
    // The timeline → DAG and editor.
    const box = await page.locator('#gantt canvas').boundingBox();
    const at = await page.evaluate(() => window.fanoutUI.timeline.locate('sales_by_region'));
    await page.mouse.click(box.x + at.x, box.y + at.y);
    s = await selected();
    assert.deepEqual([s.dag, s.timeline], ['sales_by_region', 'sales_by_region']);
    assert.match(s.editor, /^sales_by_region\s*:/);
    // The editor (caret on a task's line) → DAG and timeline.
    await page.locator('#graph .cm-line', { hasText: 'report            :' }).click();
    s = await selected();
    assert.deepEqual([s.dag, s.timeline], ['report', 'report']);
    const arrows = await page.evaluate(() => { window.fanoutUI.timeline.drawNow(); return window.fanoutUI.timeline.viewModel().arrows; });
    assert.equal(arrows, 3, 'the report shows arrows from its three dependencies');
    assert.match(await page.textContent('#selection-info'), /report · cpu 40 ms · after sales_by_region, churn_model, inventory_aging · worker \d/);
    await screenshot(page, 'ui-selection');
  });

  test('setCriticalPath highlights the path\'s nodes and the edges between them', async () => {
    const marked = await page.evaluate(() => {
      window.fanoutUI.dag.setCriticalPath(['sales_by_region', 'report']);
      return {
        nodes: [...document.querySelectorAll('#dag g.node.critical')].map((n) => n.dataset.task),
        edges: [...document.querySelectorAll('#dag path.edge.critical')].map((e) => `${e.dataset.from}->${e.dataset.to}`),
      };
    });
    assert.deepEqual(marked.nodes.sort(), ['report', 'sales_by_region']);
    assert.deepEqual(marked.edges, ['sales_by_region->report']);
    await page.evaluate(() => window.fanoutUI.dag.setCriticalPath([]));
    assert.equal(await page.locator('#dag .critical').count(), 0);
  });

  test('every starter scenario parses, loads from the menu and runs', async (t) => {
    const scenarios = await page.$$eval('#scenario option:not([disabled])', (o) => o.map((x) => x.value));
    assert.ok(scenarios.length >= 3);
    await page.fill('#workers', '2');
    for (const id of scenarios) {
      await loadScenario(page, id);
      const text = await graphText(page);
      // No errors; a warning is allowed where it is the lesson (the deadlock starter's).
      const diags = await page.evaluate((x) => window.fanout.check(x), text);
      assert.deepEqual(diags.filter((d) => d.severity === 'error'), [], `${id} has no errors`);
      assert.ok(diags.length === 0 || id === 'deadlock', `${id} has no diagnostics: ${JSON.stringify(diags)}`);
      const n = await page.evaluate(() => window.fanoutUI.tasks.length);
      const started = Date.now();
      await runAndWait(page, n);
      assert.match(await page.textContent('#run-status'), new RegExp(`Ran ${n} tasks`));
      t.diagnostic(`${id}: ${n} tasks, ran in ${Date.now() - started} ms on 2 workers`);
      await screenshot(page, `ui-scenario-${id}`);
    }
    // Loading is one undoable edit.
    const before = await graphText(page);
    await loadScenario(page, 'analyses-report');
    await page.click('#graph .cm-content');
    await page.keyboard.press('ControlOrMeta+Z');
    assert.equal(await graphText(page), before);
  });

  test('retries are one bar each, and ready/unblocked times become blocked and waiting segments', async () => {
    // The result fields other engineers are adding (attempts, ready_ms, unblocked_ms) go
    // through run-model.js's normalizeRun and the same timeline as a real run.
    const vm = await page.evaluate(() => {
      const ui = window.fanoutUI;
      const model = ui.normalizeRun({ mode: 'simulated', workers: 2, makespan_ms: 100, tasks: [
        { id: 'a', worker: 0, start_ms: 0, end_ms: 20, status: 'ok' },
        { id: 'b', ready_ms: 20, unblocked_ms: 30, worker: 1, start_ms: 60, end_ms: 90, status: 'ok',
          attempts: [{ worker: 0, start_ms: 35, end_ms: 45, status: 'failed' }, { worker: 1, start_ms: 60, end_ms: 90, status: 'ok' }] },
      ] });
      ui.timeline.setResult(model);
      ui.timeline.drawNow();
      return { ...ui.timeline.viewModel(), b: ui.timeline.attemptsOf('b'),
        segments: model.segments.map((s) => [s.kind, s.start, s.end]) };
    });
    assert.equal(vm.bars, 3, 'one bar per attempt');
    assert.deepEqual(vm.b.map((x) => [x.attempt, x.worker, x.state]), [[1, 0, 'failed'], [2, 1, 'done']]);
    assert.deepEqual(vm.segments, [['blocked', 20, 30], ['waiting', 30, 35], ['waiting', 45, 60]]);
    const at = await page.evaluate(() => window.fanoutUI.timeline.locate('b', 1));
    assert.equal(hex(await pixelAt(page, at.x, at.y - at.h / 2 + 1)), '#b3261e', 'the failed attempt is painted red');
    await screenshot(page, 'ui-attempts');
  });

  test('exports download the graph as .dag text and the timeline as a PNG', async () => {
    const [dag] = await Promise.all([page.waitForEvent('download'), page.click('#export-dag')]);
    assert.equal(dag.suggestedFilename(), 'graph.dag');
    const text = readFileSync(await dag.path(), 'utf8');
    assert.ok(text.length > 20);
    assert.equal(text, await graphText(page));
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
    assert.equal(png.suggestedFilename(), 'timeline.png');
    const bytes = readFileSync(await png.path());
    assert.ok(bytes.length > 1000, `PNG of ${bytes.length} bytes`);
    assert.deepEqual([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join(''), 'PNG');
  });

  test('the timeline works from the keyboard: focus, arrows pan, + zooms, 0 fits', async () => {
    await page.focus('#gantt canvas');
    const v0 = await page.evaluate(() => window.fanoutUI.timeline.viewModel().view);
    await page.keyboard.press('+');
    const v1 = await page.evaluate(() => window.fanoutUI.timeline.viewModel().view);
    assert.ok(v1.end - v1.start < v0.end - v0.start, 'zoomed in');
    await page.keyboard.press('ArrowRight');
    const v2 = await page.evaluate(() => window.fanoutUI.timeline.viewModel().view);
    assert.ok(v2.start > v1.start, 'panned right');
    await page.keyboard.press('0');
    const v3 = await page.evaluate(() => window.fanoutUI.timeline.viewModel().view);
    assert.deepEqual(v3, v0, 'fit restores the whole run');
    // Tab order reaches the controls, and Enter presses a button.
    await page.focus('#zoom-in');
    await page.keyboard.press('Enter');
    const v4 = await page.evaluate(() => window.fanoutUI.timeline.viewModel().view);
    assert.ok(v4.end - v4.start < v0.end - v0.start);
    assert.deepEqual(page.errors, []);
  });
});
