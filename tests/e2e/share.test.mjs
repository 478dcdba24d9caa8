// Share by link, end to end on the real page: the Share button puts a link in the address
// bar and on the clipboard (or in a field to copy by hand); the link opens the same graph and
// settings in a fresh browser context; five kinds of broken link each say what is wrong and
// lose nothing; a hostile link cannot freeze the page; the editor's text survives a reload.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import LZString from 'lz-string';
import { open, screenshot } from './harness.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { graphText, setGraph, waitReady } from './ui-helpers.mjs';
import { EVERY_FEATURE, bombPayload } from '../data/share/graphs.mjs';

let harness;
before(async () => { harness = await open(); });
after(() => harness?.close());

/** A page in a fresh context (empty storage) at `path`, ready; `init` runs before the page's
 *  scripts (a saved text, a refused clipboard). */
async function freshPage(path = '', { init, permissions } = {}) {
  const context = await harness.browser.newContext({ viewport: { width: 1200, height: 900 } });
  if (permissions) await context.grantPermissions(permissions, { origin: harness.url });
  if (init) await context.addInitScript(init.fn, init.arg);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(harness.url + path);
  await waitReady(page);
  return page;
}

const settingsOf = (page) => page.evaluate(() => ({
  workers: document.querySelector('#workers').value,
  mode: document.querySelector('#mode').value,
  policy: document.querySelector('#policy').value,
  seed: document.querySelector('#seed').value,
}));
const saved = (page) => page.evaluate(() => localStorage.getItem('fanout.graph'));
const status = (page) => page.evaluate(() => {
  const s = document.querySelector('#share-status');
  return { text: s.textContent, kind: s.dataset.kind, problem: s.dataset.problem };
});

async function setSettings(page, { workers, mode, policy, seed }) {
  await page.fill('#workers', String(workers));
  await page.selectOption('#mode', mode);
  await page.selectOption('#policy', policy);
  await page.fill('#seed', String(seed));
  await page.locator('#seed').dispatchEvent('change');
}

describe('Share by link', () => {
  test('Share puts a link in the address bar and on the clipboard; a fresh browser opens the same graph and settings', async () => {
    const page = await freshPage('', { permissions: ['clipboard-read', 'clipboard-write'] });
    await setGraph(page, EVERY_FEATURE);
    await page.waitForFunction(() => document.querySelector('#graph').dataset.errors === '0' && window.fanoutUI.tasks.length > 20);
    const settings = { workers: '3', mode: 'workers', policy: 'fifo', seed: '42' };
    await setSettings(page, settings);
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('#share-status').dataset.kind === 'copied');
    const url = page.url();
    assert.match(url, /#v1\/[A-Za-z0-9+-]+$/);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
    assert.match((await status(page)).text, /^Link copied to the clipboard and shown in the address bar/);
    assert.equal(await page.isHidden('#share-link'), true);
    await screenshot(page, 'share-copied');

    const other = await freshPage(url.slice(harness.url.length));
    assert.equal(await saved(other), null, 'a fresh context: nothing saved');
    assert.equal(await graphText(other), EVERY_FEATURE);
    assert.deepEqual(await settingsOf(other), settings);
    await other.waitForFunction((n) => window.fanoutUI.tasks.length === n, await page.evaluate(() => window.fanoutUI.tasks.length));
    assert.equal(await other.evaluate(() => document.querySelector('#graph').dataset.errors), '0');
    assert.equal((await status(other)).kind, 'opened');
    // Opening a link saves nothing until the reader edits.
    assert.equal(await saved(other), null);
    await screenshot(other, 'share-opened');
    assert.deepEqual([...page.errors, ...other.errors], []);
    await page.context().close();
    await other.context().close();
  });

  test('when the clipboard is refused, the link is shown selected in a field', async () => {
    const page = await freshPage('', {
      init: { fn: () => { navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError')); } },
    });
    await page.click('#share');
    await page.waitForFunction(() => document.querySelector('#share-status').dataset.kind === 'manual');
    const field = await page.evaluate(() => {
      const f = document.querySelector('#share-link');
      return { hidden: f.hidden, value: f.value, selected: f.value.slice(f.selectionStart, f.selectionEnd), focused: document.activeElement === f };
    });
    assert.equal(field.hidden, false);
    assert.equal(field.value, page.url());
    assert.equal(field.selected, field.value);
    assert.equal(field.focused, true);
    assert.match((await status(page)).text, /did not let the page copy the link/);
    await screenshot(page, 'share-manual-copy');
    await page.context().close();
  });

  test('five broken links each name their problem, and the saved graph and the editor keep what they had', async () => {
    const good = LZString.compressToEncodedURIComponent(JSON.stringify({ text: EVERY_FEATURE, settings: { workers: 2 } }));
    const broken = {
      truncated: [`v1/${good.slice(0, -4)}`, /incomplete: .* end before the graph does/],
      corrupted: [`v1/${good.slice(0, 30)}*${good.slice(31)}`, /damaged: character 31 .* cannot appear/],
      'future-version': [`v7/${good}`, /newer version of fanout \(link format v7\)/],
      'too-long': [`v1/${'A'.repeat(100_001)}`, /too long to open: it has 100,001 characters .* at most 100,000/],
      'not-a-graph': [`v1/${LZString.compressToEncodedURIComponent('{"graph":"<img src=x onerror=alert(1)>"}')}`, /holds no fanout graph: its `text` is missing/],
      'too-large': [`v1/${bombPayload(3000)}`, /too large to open: .* more than 1,000,000 characters/],
    };
    const mine = 'mine : cpu 7ms\nalso_mine : io 3ms after mine';
    const page = await freshPage();
    await setGraph(page, mine);
    await page.waitForFunction((t) => localStorage.getItem('fanout.graph') === t, mine);
    const messages = new Set();
    for (const [kind, [fragment, message]] of Object.entries(broken)) {
      // Opened fresh (a new page, the same storage) …
      const fresh = await page.context().newPage();
      await fresh.goto(`${harness.url}#${fragment}`);
      await waitReady(fresh);
      const s = await status(fresh);
      assert.equal(s.problem, kind, s.text);
      assert.equal(s.kind, 'error');
      assert.match(s.text, message);
      assert.match(s.text, /Nothing was loaded: your graph is unchanged\.$/);
      messages.add(s.text);
      assert.equal(await graphText(fresh), mine, `${kind}: the editor keeps the saved graph`);
      assert.equal(await saved(fresh), mine, `${kind}: the saved graph is not overwritten`);
      assert.equal(await fresh.evaluate(() => document.querySelector('#share-status').getAttribute('aria-live')), 'polite');
      if (kind === 'truncated' || kind === 'future-version') await screenshot(fresh, `share-broken-${kind}`);
      await fresh.close();
      // … and pasted into the address bar of an open page (a hash change).
      await page.evaluate((f) => { location.hash = f; }, fragment);
      await page.waitForFunction((k) => document.querySelector('#share-status').dataset.problem === k, kind);
      assert.equal(await graphText(page), mine, `${kind}: the open editor keeps its text`);
      assert.equal(await saved(page), mine);
    }
    assert.equal(messages.size, Object.keys(broken).length, 'each problem has its own message');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('a hostile link cannot freeze the page', async () => {
    const page = await freshPage();
    // A quadratic bomb at the size limit (it would expand to about 800,000,000 characters)
    // and a link three times over it, pasted into the address bar while a timer ticks.
    const gaps = await page.evaluate(async ([bomb, long]) => {
      const gapsOf = async (fragment) => {
        let last = performance.now();
        let max = 0;
        const timer = setInterval(() => { const now = performance.now(); max = Math.max(max, now - last); last = now; }, 4);
        const status = document.querySelector('#share-status');
        delete status.dataset.problem;
        location.hash = fragment;
        const t0 = performance.now();
        while (!status.dataset.problem && performance.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 5));
        const problem = status.dataset.problem;
        await new Promise((r) => setTimeout(r, 50));
        clearInterval(timer);
        return { problem, maxGapMs: max };
      };
      return [await gapsOf(bomb), await gapsOf(long)];
    }, [`v1/${bombPayload(100_000)}`, `v1/${'-'.repeat(300_001)}`]);
    assert.deepEqual(gaps.map((g) => g.problem), ['too-large', 'too-long']);
    // Unbounded, lz-string would build the bomb's 800 million characters (minutes, or the
    // tab's memory); bounded, the page's timer never waits long.
    for (const g of gaps) assert.ok(g.maxGapMs < 1000, `the page stalled ${g.maxGapMs.toFixed(0)} ms`);
    // And the page still answers: Simulate runs.
    await page.click('#simulate');
    await page.waitForFunction(() => /^Ran /.test(document.querySelector('#run-status').textContent));
    await page.context().close();
  });

  test('the editor text survives a reload; after a link is edited, a reload keeps the edit, not the link', async () => {
    const page = await freshPage();
    await setGraph(page, 'kept : cpu 5ms\n');
    await page.reload();
    await waitReady(page);
    assert.equal(await graphText(page), 'kept : cpu 5ms\n');

    // Open a link over the saved text: the saved text stays until an edit, and can come back.
    const link = `v1/${LZString.compressToEncodedURIComponent(JSON.stringify({ text: 'shared : cpu 1ms', settings: { seed: 3 } }))}`;
    await page.goto(`${harness.url}#${link}`);
    await page.waitForFunction(() => window.fanoutUI?.editor.text() === 'shared : cpu 1ms');
    assert.equal(await saved(page), 'kept : cpu 5ms\n');
    assert.equal(await page.inputValue('#seed'), '3');
    assert.match((await status(page)).text, /Your saved graph is kept until you edit this one/);
    await page.click('#share-restore');
    assert.equal(await graphText(page), 'kept : cpu 5ms\n');
    assert.equal(new URL(page.url()).hash, '', 'the address no longer holds the link');

    // Open it again, edit it: the edit is saved and the link leaves the address bar.
    await page.goto(`${harness.url}#${link}`);
    await page.waitForFunction(() => window.fanoutUI?.editor.text() === 'shared : cpu 1ms');
    await page.click('#graph .cm-content');
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.insertText('\nmore : cpu 2ms after shared');
    await page.waitForFunction(() => location.hash === '');
    await page.reload();
    await waitReady(page);
    assert.equal(await graphText(page), 'shared : cpu 1ms\nmore : cpu 2ms after shared');
    await page.context().close();
  });

  test('a link asking for threads on a page without them opens in auto mode and says why', async () => {
    const plain = await startServer({ port: 0, isolation: false });
    try {
      const link = `v1/${LZString.compressToEncodedURIComponent(JSON.stringify({ text: 'a : cpu 1ms', settings: { mode: 'threads', workers: 2 } }))}`;
      const context = await harness.browser.newContext();
      const page = await context.newPage();
      await page.goto(`${plain.url}#${link}`);
      await waitReady(page);
      assert.equal(await page.inputValue('#mode'), 'auto');
      assert.equal(await page.inputValue('#workers'), '2');
      assert.match((await status(page)).text, /The link asks for threads mode, which this page cannot use \(.*\): Run uses auto\./);
      await context.close();
    } finally {
      await plain.close();
    }
  });

  test('with storage blocked the page still works and says it cannot keep the graph', async () => {
    const page = await freshPage('', {
      init: { fn: () => { Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('blocked', 'SecurityError'); } }); } },
    });
    assert.equal(await page.evaluate(() => document.querySelector('#save-status').textContent), '');
    await setGraph(page, 'a : cpu 1ms');
    await page.waitForFunction(() => /did not let the page keep your graph/.test(document.querySelector('#save-status').textContent));
    assert.equal(await graphText(page), 'a : cpu 1ms');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
