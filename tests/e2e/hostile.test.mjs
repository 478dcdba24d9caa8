// Hostile text through every entry point (typed text, a share link, JSON and DOT converted
// by the client, ids where the grammar refuses them): nothing runs, and the text shows as
// text in every view that shows it (editor, diagnostics, lint tooltip, graph, timeline
// tooltip, selection, results, compare) and in every export (.dag, JSON, Chrome trace, PNG).
// Each payload that ran would bump window.__hostile; a MutationObserver installed before the
// page's scripts records any element or attribute that markup would have created, even one
// removed again at once.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { open, screenshot } from './harness.mjs';
import { graphText, setGraph, waitReady } from './ui-helpers.mjs';
import { BAD_ID_LINES, HOSTILE_JSON_IDS, PAYLOADS, hostileDag, hostileDot, hostileJson } from './data/hostile.mjs';
import { encodeShare } from '../../www/shared/share-link.js';

/** Runs in the page before its own scripts: records what a payload would have made. */
function installGuard() {
  window.__seen = [];
  // Elements the page never makes itself in its body (its download links are <a> with a
  // blob: URL, checked by the attribute rule below).
  const FORBIDDEN = /^(img|iframe|object|embed|math|script|style|foreignobject|mglyph|frame|link|meta|base)$/i;
  const note = (n) => {
    if (n.nodeType !== 1) return;
    const inPage = n.ownerDocument?.body?.contains(n) || n.closest?.('body');
    if (inPage && FORBIDDEN.test(n.localName)) window.__seen.push(`<${n.localName}>`);
    for (const a of n.attributes ?? []) {
      if (/^on/i.test(a.name)) window.__seen.push(`${n.localName}[${a.name}]`);
      if (/^\s*javascript:/i.test(a.value)) window.__seen.push(`${n.localName}[${a.name}=javascript:]`);
      if (a.name === 'id' && a.value === 'hostile-link') window.__seen.push('#hostile-link');
    }
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') note(r.target);
      for (const n of r.addedNodes) { note(n); n.querySelectorAll?.('*').forEach(note); }
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
}

let harness;
before(async () => { harness = await open(); });
after(() => harness?.close());

async function guardedPage(path = '') {
  const context = await harness.browser.newContext({ viewport: { width: 1200, height: 1000 }, acceptDownloads: true });
  await context.addInitScript(installGuard);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('dialog', (d) => { page.errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  await page.goto(harness.url + path);
  await waitReady(page);
  return page;
}

/** Nothing ran and nothing was made from the text, anywhere in the page so far. */
async function assertNothingRan(page, where) {
  const r = await page.evaluate(() => ({
    hostile: window.__hostile ?? null,
    seen: window.__seen,
    violations: window.__violations,
    bodyMarkup: document.body.querySelectorAll('img, iframe, object, embed, math, script, style, foreignObject, #hostile-link').length,
  }));
  assert.deepEqual(r, { hostile: null, seen: [], violations: [], bodyMarkup: 0 }, where);
  assert.deepEqual(page.errors, [], where);
}

/** Waits for the graph view to show `n` tasks of the editor's text, parsed without error. */
async function drawn(page, n) {
  // The views' tasks must be the editor's text's (a graph before it may have as many tasks).
  await page.waitForFunction((n) => {
    const starts = new Set(window.fanoutUI.editor.text().split('\n').map((l) => l.trim().split(/[\s:"]/)[0]));
    return window.fanoutUI.tasks.length === n && window.fanoutUI.tasks.every((t) => starts.has(t.id))
      && document.querySelectorAll('#dag g.node').length === n && document.querySelector('#graph').dataset.errors === '0';
  }, n);
}

/** Every view and export, checked on a drawn graph whose labels are `labels` (in order). */
async function checkViews(page, where, labels) {
  const ids = await page.evaluate(() => window.fanoutUI.tasks.map((t) => t.id));
  // Editor: the payloads are its text, and CodeMirror shows them as text.
  const text = await graphText(page);
  const shown = await page.evaluate(() => document.querySelector('#graph .cm-content').textContent);
  for (const l of labels) {
    assert.ok(text.includes(l.replaceAll('\\', '\\\\').replaceAll('"', '\\"')), `${where}: editor text holds ${l}`);
  }
  assert.ok(shown.includes('onerror='), `${where}: the editor shows the markup as characters`);
  // Graph view: node titles are ids, as text.
  const titles = await page.evaluate(() => [...document.querySelectorAll('#dag g.node title')].map((t) => t.textContent));
  assert.deepEqual(titles.map((t) => t.split(':')[0]).sort(), [...ids].sort());
  // A real run (workers mode: real Web Workers): timeline, results, then the timeline
  // tooltip and the selection line.
  await page.selectOption('#mode', 'workers');
  await page.evaluate(() => { window.fanout.lastResult = null; });
  await page.click('#run');
  await page.waitForFunction(() => window.fanout.lastResult && /^Ran /.test(document.querySelector('#run-status').textContent), null, { timeout: 60_000 });
  const first = ids[0];
  const box = await page.locator('#gantt canvas').boundingBox();
  const at = await page.evaluate((id) => window.fanoutUI.timeline.locate(id), first);
  await page.mouse.move(box.x + at.x, box.y + at.y);
  const tip = await page.waitForFunction((id) => {
    const t = [...document.querySelectorAll('#gantt div')].find((d) => !d.hidden && d.querySelector('strong')?.textContent === id);
    return t ? t.textContent : false;
  }, first);
  assert.match(await tip.jsonValue(), new RegExp(`^${first} · attempt 1`));
  await page.evaluate((id) => window.fanoutUI.selection.set(id, 'test'), first);
  assert.match(await page.textContent('#selection-info'), new RegExp(`^Selected: ${first} · `));
  // Compare: two policies simulated side by side.
  await page.click('#compare-policies');
  await page.waitForFunction(() => document.querySelector('#compare-caption-b').textContent.length > 0);
  // Exports: the .dag and JSON keep the labels exactly; the trace names ids; the PNG is a PNG.
  const download = async (selector) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
    return readFileSync(await d.path());
  };
  assert.equal((await download('#export-dag')).toString('utf8'), text, `${where}: .dag export`);
  const json = JSON.parse((await download('#export-json')).toString('utf8'));
  assert.deepEqual(json.tasks.map((t) => t.label), labels, `${where}: JSON export keeps each label exactly`);
  const trace = JSON.parse((await download('#export-trace')).toString('utf8'));
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const names = new Set(events.filter((e) => e.ph === 'X').map((e) => e.name));
  for (const n of names) assert.ok(ids.includes(n), `${where}: trace event ${n} is a task id`);
  assert.ok(names.size > 0);
  const png = await download('#export-png');
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${where}: PNG signature`);
  await page.mouse.move(0, 0);
  await assertNothingRan(page, where);
}

describe('hostile text', () => {
  let page;
  before(async () => { page = await guardedPage(); });

  test('typed: labels and comments full of markup show as text and run nothing', async () => {
    await setGraph(page, hostileDag());
    await drawn(page, PAYLOADS.length);
    await checkViews(page, 'typed', PAYLOADS);
    await screenshot(page, 'hostile-typed');
  });

  test('typed: markup where an id must be is an error, quoted as text in the list and the tooltip', async () => {
    await setGraph(page, BAD_ID_LINES.join('\n'));
    await page.waitForFunction((n) => Number(document.querySelector('#graph').dataset.errors) >= n, BAD_ID_LINES.length);
    const items = await page.evaluate(() => [...document.querySelectorAll('#diagnostics li')].map((li) => ({ text: li.textContent, children: li.children.length })));
    assert.ok(items.length >= BAD_ID_LINES.length);
    for (const it of items) assert.equal(it.children, 0, `a diagnostic is plain text: ${it.text}`);
    assert.ok(items.some((it) => /[<>]/.test(it.text)), 'the offending characters are quoted literally');
    await page.locator('#graph .cm-lintRange-error').first().hover();
    await page.waitForSelector('.cm-tooltip-lint');
    const tooltip = await page.evaluate(() => {
      const t = document.querySelector('.cm-tooltip-lint');
      return { text: t.textContent, markup: t.querySelectorAll('img, svg, script, a, iframe').length };
    });
    assert.equal(tooltip.markup, 0);
    assert.ok(items.some((it) => it.text.endsWith(tooltip.text.trim()) || tooltip.text.includes(it.text.split(': ').slice(1).join(': '))));
    await screenshot(page, 'hostile-bad-ids');
    await assertNothingRan(page, 'bad ids');
  });

  test('JSON and DOT converted by the client: labels carry markup as text, markup ids are refused', async () => {
    const fromJson = await page.evaluate((t) => window.fanout.convert(t, { from: 'json', to: 'dag' }), hostileJson());
    assert.equal(fromJson.diagnostics.filter((d) => d.severity === 'error').length, 0);
    await page.evaluate((t) => window.fanoutUI.editor.setText(t), fromJson.text);
    await drawn(page, PAYLOADS.length);
    await checkViews(page, 'JSON', PAYLOADS);

    const refused = await page.evaluate((t) => window.fanout.convert(t, { from: 'json', to: 'dag' }), HOSTILE_JSON_IDS);
    assert.equal(refused.text, null);
    assert.ok(refused.diagnostics.length > 0 && refused.diagnostics.every((d) => typeof d.message === 'string'));

    const fromDot = await page.evaluate((t) => window.fanout.convert(t, { from: 'dot', to: 'dag' }), hostileDot());
    assert.equal(fromDot.diagnostics.filter((d) => d.severity === 'error').length, 0, JSON.stringify(fromDot.diagnostics));
    await page.evaluate((t) => window.fanoutUI.editor.setText(t), fromDot.text);
    await drawn(page, 3);
    const dotLabels = await page.evaluate(() => window.fanoutUI.tasks.map((t) => t.label));
    assert.match(dotLabels[0], /^<img src=x onerror=/, 'the DOT HTML label is kept as characters');
    await checkViews(page, 'DOT', dotLabels);
  });

  test('a share link: the hostile graph opens in a fresh context as text and runs nothing', async () => {
    const fragment = encodeShare({ text: hostileDag(), settings: { workers: 2, mode: 'workers' } });
    const linked = await guardedPage(`#${fragment}`);
    assert.equal(await graphText(linked), hostileDag());
    await drawn(linked, PAYLOADS.length);
    await checkViews(linked, 'share link', PAYLOADS);
    await screenshot(linked, 'hostile-share-link');
    await linked.context().close();
  });
});
