// The run panel: simulate without running, live filling of the timeline and the progress
// bar during a real run, and Cancel.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { screenshot } from './harness.mjs';
import { setGraph, usePlayground } from './ui-helpers.mjs';

describe('run panel', () => {
  let page;
  usePlayground((p) => { page = p; });

  test('simulated mode draws the exact schedule without running anything', async () => {
    await setGraph(page, 'a : cpu 2s\nb : cpu 2s\nc : cpu 1s after a, b');
    await page.fill('#workers', '2');
    await page.selectOption('#mode', 'simulated');
    await page.selectOption('#policy', 'waves');
    const t0 = Date.now();
    await page.click('#run');
    await page.waitForFunction(() => document.querySelector('#run-status').dataset.mode === 'simulated');
    assert.ok(Date.now() - t0 < 2000, 'a 3 s graph simulates at once');
    assert.match(await page.textContent('#run-status'), /simulated exactly/);
    assert.match(await page.textContent('#run-status'), /Makespan 3 s/);
    assert.equal(await page.evaluate(() => window.fanout.lastResult.policy), 'waves');
    assert.equal(await page.evaluate(() => window.fanoutUI.timeline.viewModel().bars), 3);
  });

  test('a real run fills the timeline and the progress bar as it goes', async () => {
    await setGraph(page, 't[1..6] : cpu 150ms');
    await page.selectOption('#mode', 'threads');
    await page.selectOption('#policy', '');
    await page.click('#run');
    // Mid-run: some bars drawn, fewer than all, and the progress bar partly filled.
    await page.waitForFunction(() => window.fanoutUI.timeline.viewModel().bars >= 2 && document.querySelector('#run').disabled);
    const mid = await page.evaluate(() => ({ bars: window.fanoutUI.timeline.viewModel().bars, progress: document.querySelector('#progress').value }));
    assert.ok(mid.bars < 6, `all ${mid.bars} bars were drawn only at the end`);
    assert.ok(mid.progress >= 1 && mid.progress < 6);
    await screenshot(page, 'ui-live-run');
    await page.waitForFunction(() => !document.querySelector('#run').disabled);
    assert.equal(await page.evaluate(() => document.querySelector('#progress').value), 6);
    assert.equal(await page.evaluate(() => window.fanoutUI.timeline.viewModel().bars), 6);
  });

  test('the editor and the graph view stay live while a threads run blocks its engine', async () => {
    await setGraph(page, 'slow[1..2] : cpu 2500ms');
    await page.selectOption('#mode', 'threads');
    await page.click('#run');
    await page.waitForFunction(() => window.fanoutUI.timeline.viewModel().bars === 0 && document.querySelector('#run').disabled);
    await page.waitForFunction(() => document.querySelector('#progress').value === 0);
    // Mid-run: a new task and a broken line, parsed and drawn before the run ends.
    await page.click('#graph .cm-content');
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.insertText('\nextra : cpu 1ms after slow1\nbroken : cpu 5 parsecs');
    await page.waitForFunction(() => document.querySelector('#diagnostics li') !== null, null, { timeout: 2000 });
    assert.match(await page.textContent('#diagnostics'), /line 3, column 16: unknown option `parsecs`/);
    assert.equal(await page.isDisabled('#run'), true, 'the diagnostic came while the run was still going');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.press('Delete');
    await page.keyboard.press('Backspace');
    await page.waitForFunction(() => window.fanoutUI.dag.viewModel().nodes === 3, null, { timeout: 2000 });
    assert.equal(await page.isDisabled('#run'), true, 'the run was still going while the views updated');
    await page.waitForFunction(() => !document.querySelector('#run').disabled, null, { timeout: 15000 });
  });

  test('Cancel stops a long run at once and shows what had finished', async () => {
    await setGraph(page, 'quick : cpu 20ms\nlong[1..4] : cpu 5s after quick');
    await page.click('#run');
    await page.waitForFunction(() => document.querySelector('#progress').value >= 1);
    const t0 = Date.now();
    await page.click('#cancel');
    await page.waitForFunction(() => !document.querySelector('#run').disabled);
    assert.ok(Date.now() - t0 < 1000, 'control came back within a second');
    assert.match(await page.textContent('#run-status'), /Cancelled: 1 of 5 tasks had finished/);
    // Run was pressed straight after typing: the graph view shows the graph that ran.
    assert.equal(await page.evaluate(() => window.fanoutUI.dag.viewModel().nodes), 5);
    assert.equal(await page.isDisabled('#cancel'), true);
    await screenshot(page, 'ui-cancelled');
  });

  test('a selected task that the edited graph no longer has is deselected', async () => {
    await setGraph(page, 'keep : cpu 1ms\ngone : cpu 1ms');
    await page.waitForFunction(() => window.fanoutUI.dag.viewModel().nodes === 2);
    await page.evaluate(() => window.fanoutUI.selection.set('gone', 'test'));
    assert.match(await page.textContent('#selection-info'), /Selected: gone/);
    await setGraph(page, 'keep : cpu 1ms');
    await page.waitForFunction(() => window.fanoutUI.dag.viewModel().nodes === 1);
    assert.notEqual(await page.evaluate(() => window.fanoutUI.selection.get()), 'gone');
    assert.doesNotMatch(await page.textContent('#selection-info'), /gone/);
  });

  test('the last run exports as Chrome trace JSON, one complete event per attempt; the graph as JSON', async () => {
    await setGraph(page, 'a : cpu 5ms\nb : cpu 5ms retry 1 fail attempts 1 after a');
    await page.selectOption('#mode', 'workers');
    await page.click('#run');
    await page.waitForFunction(() => !document.querySelector('#run').disabled && !document.querySelector('#export-trace').disabled);
    const read = async (button) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
      return { name: download.suggestedFilename(), json: JSON.parse(readFileSync(await download.path(), 'utf8')) };
    };
    const trace = await read('#export-trace');
    assert.equal(trace.name, 'trace.json');
    assert.equal(trace.json.traceEvents.filter((e) => e.ph === 'X').length, 3, 'a once, b twice');
    const graph = await read('#export-json');
    assert.equal(graph.name, 'graph.json');
    assert.deepEqual(graph.json.tasks.map((t) => t.id), ['a', 'b']);
  });
});
