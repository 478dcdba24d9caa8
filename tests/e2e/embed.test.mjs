// The embed on a documentation page of ANOTHER origin (issue 10 §3): the page is on one
// port, fanout-embed.js and embed.html on another, in real Chromium with real workers.
// - not isolated: the element and a plain iframe run in workers mode (tier 3) and say why;
// - embed.html with Document-Isolation-Policy: threads (tier 1), the page staying
//   non-isolated; an isolated page delegating with allow="cross-origin-isolated": tier 2;
// - fanout:ready / fanout:progress / fanout:result reach the page with the RunResult;
// - forged messages (another origin, the page itself, a bad shape) are ignored.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from '../../scripts/lib/browser.mjs';
import { encodeFragment } from '../../www/embed/fragment.js';
import { docsPage, embedServer, pageServer, recordEvents, waitForEvent } from './embed-helpers.mjs';

const GRAPH = `a : cpu 20ms
b : cpu 20ms
c : cpu 20ms
d : cpu 20ms
sum : cpu 5ms after a, b, c, d`;
const IDS = ['a', 'b', 'c', 'd', 'sum'];

let browser;
before(async () => { browser = await launchChromium(); });
after(() => browser?.close());

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  await context.addInitScript(recordEvents);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  return page;
}

/** The embed's iframe in `page` (the first frame on `origin`). */
async function embedFrame(page, origin) {
  for (let i = 0; i < 200; i++) {
    const f = page.frames().find((fr) => fr.url().startsWith(origin));
    if (f) return f;
    await page.waitForTimeout(50);
  }
  throw new Error(`no frame on ${origin}`);
}

/** A RunResult as the page received it, checked against the graph. */
function assertRunResult(r, mode) {
  assert.equal(r.mode, mode);
  assert.equal(r.workers, 2);
  assert.deepEqual(r.tasks.map((t) => t.id).sort(), [...IDS].sort());
  assert.ok(r.tasks.every((t) => t.status === 'ok'), JSON.stringify(r.tasks));
  assert.ok(r.makespan_ms >= 45, `makespan ${r.makespan_ms}: two rounds of 20 ms and the sum`);
  const sum = r.tasks.find((t) => t.id === 'sum');
  assert.ok(r.tasks.filter((t) => t.id !== 'sum').every((t) => t.end_ms <= sum.start_ms + 0.5), 'sum starts after its dependencies');
}

for (const situation of [
  { name: 'not isolated', dip: false, tier: 3, mode: 'workers' },
  { name: 'Document-Isolation-Policy on embed.html', dip: true, tier: 1, mode: 'threads' },
]) {
  describe(`embed on a page of another origin, ${situation.name}`, () => {
    let embeds;
    let docs;
    before(async () => {
      embeds = await embedServer({ dip: situation.dip });
      const frag = encodeFragment({ graph: GRAPH });
      docs = await pageServer({
        '/element.html': docsPage(embeds.url, `<fanout-playground id="el" workers="2" autorun loading="eager" panels="timeline,results">\n${GRAPH}\n</fanout-playground>`),
        '/iframe.html': docsPage(embeds.url, `<iframe id="frame" src="${embeds.url}embed.html?workers=2&autorun#${frag}" style="width:100%;height:600px;border:0"></iframe>`),
      });
    });
    after(async () => { await docs?.close(); await embeds?.close(); });

    test(`the element runs in ${situation.mode} mode (tier ${situation.tier}) and fanout:result reaches the page`, async () => {
      const page = await newPage();
      await page.goto(`${docs.url}element.html`);
      const ready = await waitForEvent(page, '#el', 'fanout:ready');
      assert.equal(ready.tier, situation.tier, ready.reason);
      assert.equal(ready.mode, situation.mode);
      assert.equal(ready.isolated, situation.tier !== 3);
      const result = await waitForEvent(page, '#el', 'fanout:result');
      assertRunResult(result, situation.mode);
      // Progress came before the result and ended at every task.
      const events = await page.evaluate(() => window.__events.map((e) => ({ name: e.name, detail: e.detail })));
      const progress = events.filter((e) => e.name === 'fanout:progress');
      assert.ok(progress.length >= 1);
      assert.deepEqual(progress.at(-1).detail, { done: 5, total: 5 });
      assert.ok(events.findIndex((e) => e.name === 'fanout:ready') < events.findIndex((e) => e.name === 'fanout:result'));
      // The page itself stays an ordinary, non-isolated page; the embed says its tier in words.
      assert.equal(await page.evaluate(() => window.crossOriginIsolated), false);
      const frame = await embedFrame(page, embeds.url.replace(/\/$/, ''));
      const tierText = await frame.locator('#tier').textContent();
      assert.match(tierText, new RegExp(`tier ${situation.tier}`));
      assert.match(tierText, situation.tier === 1 ? /Document-Isolation-Policy/ : /without a Document-Isolation-Policy header/);
      assert.match(tierText, new RegExp(`Run uses ${situation.mode} mode`));
      assert.equal(await frame.evaluate(() => window.crossOriginIsolated), situation.tier !== 3);
      assert.match(await frame.locator('#status').textContent(), new RegExp(`Ran in ${situation.mode} mode`));
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });

    test(`a plain iframe of embed.html runs in ${situation.mode} mode too`, async () => {
      const page = await newPage();
      await page.goto(`${docs.url}iframe.html`);
      const frame = await embedFrame(page, embeds.url.replace(/\/$/, ''));
      await frame.waitForFunction(() => document.documentElement.dataset.runs === '1', null, { timeout: 60_000 });
      assert.equal(await frame.evaluate(() => document.documentElement.dataset.tier), String(situation.tier));
      const result = await frame.evaluate(() => window.fanoutEmbed.lastResult);
      assertRunResult(result, situation.mode);
      await page.context().close();
    });
  });
}

describe('an isolated page delegating isolation (tier 2)', () => {
  let embeds;
  let docs;
  before(async () => {
    embeds = await embedServer({ isolation: true });
    docs = await pageServer({
      '/isolated.html': docsPage(embeds.url, `<fanout-playground id="el" workers="2" autorun loading="eager" panels="timeline">\n${GRAPH}\n</fanout-playground>`),
    }, { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
  });
  after(async () => { await docs?.close(); await embeds?.close(); });

  test('the element\'s allow="cross-origin-isolated" gives the embed threads', async () => {
    const page = await newPage();
    await page.goto(`${docs.url}isolated.html`);
    assert.equal(await page.evaluate(() => window.crossOriginIsolated), true);
    const ready = await waitForEvent(page, '#el', 'fanout:ready');
    assert.equal(ready.tier, 2, ready.reason);
    assert.equal(ready.mode, 'threads');
    assertRunResult(await waitForEvent(page, '#el', 'fanout:result'), 'threads');
    await page.context().close();
  });
});

describe('messages that do not come from the embed are ignored', () => {
  let embeds;
  let docs;
  let other;
  before(async () => {
    embeds = await embedServer();
    other = await pageServer({ '/forger.html': '<!doctype html><title>forger</title>' });
    docs = await pageServer({
      '/page.html': docsPage(embeds.url, `<fanout-playground id="el" workers="2" loading="eager" panels="timeline">\n${GRAPH}\n</fanout-playground>
<iframe id="forger" src="${other.url}forger.html"></iframe>`),
    });
  });
  after(async () => { await docs?.close(); await other?.close(); await embeds?.close(); });

  test('a well-formed result from another origin, from the page itself, or of a bad shape, dispatches nothing', async () => {
    const page = await newPage();
    await page.goto(`${docs.url}page.html`);
    await waitForEvent(page, '#el', 'fanout:ready');
    const forged = { fanout: 'fanout-embed/1', type: 'result', result: { mode: 'threads', workers: 2, makespan_ms: 1, tasks: [{ id: 'forged', worker: 0, start_ms: 0, end_ms: 1, status: 'ok' }] } };
    // 1. From a frame on a third origin, addressed to the page.
    const forger = page.frames().find((f) => f.url().startsWith(other.url));
    await forger.evaluate((m) => { window.parent.postMessage(m, '*'); window.parent.postMessage({ ...m, type: 'height', height: 5 }, '*'); }, forged);
    // 2. From the page itself (right shape, wrong origin and window).
    await page.evaluate((m) => window.postMessage(m, '*'), forged);
    // 3. From the embed's own origin and window, but of a bad shape (the embed's frame
    //    posting as if it were compromised): a result with a task without an id.
    const frame = await embedFrame(page, embeds.url.replace(/\/$/, ''));
    await frame.evaluate((m) => {
      const bad = structuredClone(m);
      delete bad.result.tasks[0].id;
      window.parent.postMessage(bad, '*');
      window.parent.postMessage({ fanout: 'fanout-embed/1', type: 'height', height: 'tall' }, '*');
      window.parent.postMessage({ ...m, fanout: 'something-else/1' }, '*');
    }, forged);
    await page.waitForTimeout(500);
    const results = await page.evaluate(() => window.__events.filter((e) => e.name === 'fanout:result').length);
    assert.equal(results, 0);
    const height = await page.evaluate(() => document.querySelector('#el').shadowRoot.querySelector('iframe').getBoundingClientRect().height);
    assert.ok(height > 100, `the iframe kept its reported height, got ${height}`);
    // Control: the same message, well-formed, from the embed's window is delivered — so the
    // checks above could have failed.
    await frame.evaluate((m) => window.parent.postMessage(m, '*'), forged);
    await page.waitForFunction(() => window.__events.some((e) => e.name === 'fanout:result'));
    const got = await page.evaluate(() => window.__events.find((e) => e.name === 'fanout:result').detail.tasks[0].id);
    assert.equal(got, 'forged');
    // The other way: a 'run' posted to the embed by a frame that is not its parent is ignored;
    // the element's own run() is obeyed.
    await forger.evaluate(() => { for (let i = 0; i < window.parent.frames.length; i++) window.parent.frames[i].postMessage({ fanout: 'fanout-embed/1', type: 'run' }, '*'); });
    await page.waitForTimeout(1000);
    assert.equal(await frame.evaluate(() => document.documentElement.dataset.runs), undefined);
    await page.evaluate(() => document.querySelector('#el').run());
    await frame.waitForFunction(() => document.documentElement.dataset.runs === '1', null, { timeout: 60_000 });
    await page.context().close();
  });
});

describe('embed: task groups', () => {
  let embeds;
  let docs;
  const GROUPED = 'group research workers 1 {\n  r[1..2] : cpu 10ms\n}\nreport : cpu 5ms after research';
  before(async () => {
    embeds = await embedServer();
    docs = await pageServer({
      '/groups.html': docsPage(embeds.url, `<iframe src="${embeds.url}embed.html?workers=2#${encodeFragment({ graph: GROUPED })}" style="width:100%;height:600px;border:0"></iframe>`),
    });
  });
  after(async () => { await docs?.close(); await embeds?.close(); });

  test("the embed's timeline brackets each group, in its preview and after a run", async () => {
    const page = await newPage();
    await page.goto(`${docs.url}groups.html`);
    const frame = await embedFrame(page, embeds.url.replace(/\/$/, ''));
    await frame.waitForFunction(() => document.documentElement.dataset.preview === 'simulated', null, { timeout: 60_000 });
    const brackets = () => frame.evaluate(() => window.fanoutEmbed.timeline.viewModel().groupBrackets);
    // The cap of 1 runs r1 then r2 on 2 workers: the group spans 0 to 20 ms.
    assert.deepEqual(await brackets(), [{ name: 'research', row: 0, start: 0, end: 20 }]);
    await frame.click('#run');
    await frame.waitForFunction(() => document.documentElement.dataset.runs === '1', null, { timeout: 60_000 });
    const [real] = await brackets();
    assert.equal(real.name, 'research');
    assert.ok(real.end - real.start >= 19, `the real run's bracket spans ${real.start}..${real.end} ms`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
