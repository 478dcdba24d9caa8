// Bad input: a clear error naming line and column, nothing the user typed is lost, and the
// page keeps working afterwards.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, usePage } from './harness.mjs';
import { graphText, setGraph } from './ui-helpers.mjs';

describe('invalid graphs', () => {
  let page;
  usePage((p) => { page = p; });

  test('run() rejects an unknown dependency with its line and column', async () => {
    const err = await page.evaluate(() => window.fanout.run('a : cpu 1ms\nb : cpu 1ms after a, typo\n', { workers: 2 })
      .then(() => null, (e) => ({ name: e.name, message: e.message, diagnostics: e.diagnostics })));
    assert.equal(err.name, 'InvalidGraph');
    assert.equal(err.diagnostics.length, 1);
    assert.deepEqual([err.diagnostics[0].line, err.diagnostics[0].col], [2, 22]);
    assert.match(err.diagnostics[0].message, /typo/);
    assert.match(err.message, /2:22/);
  });

  test('run() rejects a cycle, in both modes', async () => {
    for (const mode of ['threads', 'workers']) {
      const err = await page.evaluate((m) => window.fanout.run('a : cpu 1 after c\nb : cpu 1 after a\nc : cpu 1 after b', { workers: 2, mode: m })
        .then(() => null, (e) => e.diagnostics), mode);
      assert.ok(err, `${mode}: a cycle must be rejected`);
      assert.match(err[0].message, /cycle/);
    }
  });

  test('the editor shows diagnostics as you type, keeps the text, and Run explains', async () => {
    const text = 'a : cpu 5ms\nb : cpu 5ms after a\nc : cpu fast after b\n';
    await setGraph(page, text);
    await page.waitForSelector('#diagnostics li');
    const item = await page.textContent('#diagnostics li');
    assert.match(item, /line 3, column 9/);
    await page.click('#run');
    await page.waitForFunction(() => document.querySelector('#run-status').classList.contains('error'));
    assert.match(await page.textContent('#run-status'), /1 error/);
    assert.equal(await graphText(page), text, 'the text is untouched');
    await screenshot(page, 'invalid-graph');
    await page.reload();
    await page.waitForFunction(() => window.fanoutUI !== undefined);
    assert.equal(await graphText(page), text, 'the text survives a reload');
  });

  test('bad worker counts are refused with a clear message, and the page still runs', async () => {
    for (const workers of [0, 1.5, 1000]) {
      const message = await page.evaluate((w) => window.fanout.run('a : cpu 1ms', { workers: w }).then(() => 'ran', (e) => e.message), workers);
      assert.match(message, /workers must be a whole number from 1 to 32/);
    }
    const r = await page.evaluate(() => window.fanout.run('a : cpu 1ms', { workers: 2 }));
    assert.equal(r.tasks.length, 1);
  });

  test('an empty graph runs and finishes at once', async () => {
    const r = await page.evaluate(() => window.fanout.run('# nothing yet\n', { workers: 2 }));
    assert.equal(r.tasks.length, 0);
    assert.equal(r.makespan_ms, 0);
    assert.deepEqual(page.errors, []);
  });
});

describe('graph structure for views', () => {
  let page;
  usePage((p) => { page = p; }, { isolation: false });

  test('graph() returns tasks with their dependencies by id', async () => {
    const g = await page.evaluate(() => window.fanout.graph('a : cpu 1ms\nb : cpu 2ms after a\nc : cpu 3ms after a, b'));
    assert.deepEqual(g.tasks.map((t) => [t.id, t.deps]), [['a', []], ['b', ['a']], ['c', ['a', 'b']]]);
    assert.equal(g.tasks[2].duration_us, 3000);
    assert.deepEqual(g.diagnostics, []);
  });
});
