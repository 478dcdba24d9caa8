// The embed as a docs page sees it (issue 10 §3), in real Chromium, page and embed on two
// origins, not isolated: lazy loading starts nothing off-screen (requests and workers
// counted), loading="click", auto-height without inner scroll bars, theme=dark and auto
// (emulated dark scheme, changing live; screenshots), the ```fanout fence upgrade, the bytes
// a page pays for one lazy embed, and the example docs page in light and dark (screenshots).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../../scripts/lib/browser.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { ARTIFACTS } from './harness.mjs';
import { docsPage, embedServer, gzippedBytes, pageServer, recordEvents, waitForEvent } from './embed-helpers.mjs';

const GRAPH = `a : cpu 15ms
b : cpu 15ms
c : cpu 15ms after a
total : cpu 5ms after b, c`;

let browser;
let embeds;
let docs;
before(async () => {
  browser = await launchChromium();
  embeds = await embedServer();
  const el = (id, attrs = '') => `<fanout-playground id="${id}" workers="2" ${attrs}>\n${GRAPH}\n</fanout-playground>`;
  docs = await pageServer({
    '/lazy.html': docsPage(embeds.url, `<div style="height:4000px">tall prose</div>${el('lazy', 'panels="timeline,results" autorun')}`),
    '/click.html': docsPage(embeds.url, el('click', 'loading="click" panels="timeline"')),
    '/height.html': docsPage(embeds.url, el('tall', 'loading="eager" panels="graph,timeline,results" autorun')),
    '/theme.html': docsPage(embeds.url, `<style>#auto { --fanout-accent: #0b6e69; } @media (prefers-color-scheme: dark) { #auto { --fanout-bg: #1b1e24; } }</style>${el('dark', 'loading="eager" theme="dark" panels="timeline,results" autorun')}${el('auto', 'loading="eager" theme="auto" panels="timeline,results" autorun')}`),
    '/fence.html': docsPage(embeds.url, `<pre><code class="language-fanout">${GRAPH}</code></pre><pre><code class="language-js">let x = 1;</code></pre>
<div class="language-fanout vp-adaptive-theme"><span class="lang">fanout</span><pre class="shiki"><code><span class="line">x : cpu 5ms</span>\n<span class="line">y : cpu 5ms after x</span></code></pre></div>`, { auto: true }),
    '/fence-query.html': docsPage(embeds.url, `<pre><code class="language-fanout">${GRAPH}</code></pre>`).replace('fanout-embed.js"', 'fanout-embed.js?auto"'),
    '/src.html': docsPage(embeds.url, '<fanout-playground id="src" src="graph.dag" loading="eager" panels="timeline"></fanout-playground>'),
    '/editor.html': docsPage(embeds.url, el('ed', 'loading="eager" panels="editor,speedup" readonly')),
    '/graph.dag': 'x : cpu 5ms\ny : cpu 5ms after x\n',
    '/ten.html': docsPage(embeds.url, Array.from({ length: 10 }, (_, i) => `<p>Section ${i}</p><div style="height:1200px"></div>${el(`e${i}`, 'panels="timeline"')}`).join('')),
  });
});
after(async () => { await browser?.close(); await docs?.close(); await embeds?.close(); });

async function newPage({ colorScheme = 'light', viewport = { width: 1000, height: 800 } } = {}) {
  const context = await browser.newContext({ viewport, colorScheme });
  await context.addInitScript(recordEvents);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  return page;
}
const shot = async (page, name, opts = {}) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), ...opts });
};
const frameOf = async (page, selector) => (await page.locator(selector).locator('iframe').elementHandle()).contentFrame();

describe('lazy loading', () => {
  test('an embed below the fold loads nothing but the element script until it is scrolled to', async () => {
    const page = await newPage();
    const workers = [];
    page.on('worker', (w) => workers.push(w.url()));
    const before = embeds.requests.length;
    await page.goto(`${docs.url}lazy.html`);
    await page.waitForFunction(() => customElements.get('fanout-playground') !== undefined);
    await page.waitForTimeout(1500);
    const early = embeds.requests.slice(before);
    assert.deepEqual(early, ['/fanout-embed.js'], `requests before view: ${early}`);
    assert.equal(await page.evaluate(() => document.querySelector('#lazy').shadowRoot.querySelector('iframe')), null);
    assert.equal(page.frames().length, 1);
    assert.deepEqual(workers, []);
    // It shows its fallback (the graph text) meanwhile.
    assert.match(await page.evaluate(() => document.querySelector('#lazy').shadowRoot.querySelector('pre').textContent), /total : cpu 5ms after b, c/);
    const bytesBefore = gzippedBytes(early);
    assert.ok(bytesBefore.total < 15 * 1024, `before view: ${bytesBefore.total} B gzipped (budget 15 KB)`);

    const t0 = await page.evaluate(() => { document.querySelector('#lazy').scrollIntoView(); return performance.now(); });
    const ready = await waitForEvent(page, '#lazy', 'fanout:ready');
    assert.equal(ready.tier, 3);
    const tReady = await page.evaluate(() => performance.now());
    await waitForEvent(page, '#lazy', 'fanout:result');
    const frame = await frameOf(page, '#lazy');
    assert.equal(await frame.evaluate(() => window.fanoutEmbed.lastResult.mode), 'workers');
    const after = embeds.requests.slice(before);
    const bytesAfter = gzippedBytes(after);
    // Issue 10's budget was 400 KB; the core's later rounds (lessons, Dask export and trace
    // import, work stealing, batching, autoscaling, hedges, breakers, deadlocks, then nested
    // groups and per-build kernel calibration) grew the plain wasm from 280 to about 456 KB
    // gzipped, and one embed's workers run now loads about 533 KB. The budget is 560 KB
    // until an embed build without the playground-only faces exists (docs/embedding.md).
    assert.ok(bytesAfter.total < 560 * 1024, `after a workers run: ${bytesAfter.total} B gzipped (budget 560 KB): ${JSON.stringify(bytesAfter.files)}`);
    assert.ok(!after.some((p) => /editor|codemirror/i.test(p)), `no editor without the editor panel: ${after}`);
    console.log(`# one lazy embed: ${bytesBefore.total} B gzipped before view, ${bytesAfter.total} B after a workers run; viewport to ready ${(tReady - t0).toFixed(0)} ms (machine shared)`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('ten embeds: only those near the viewport start, and the page stays responsive', async () => {
    const page = await newPage();
    await page.goto(`${docs.url}ten.html`);
    await page.waitForFunction(() => customElements.get('fanout-playground') !== undefined);
    await page.waitForTimeout(1000);
    const started = await page.evaluate(() => [...document.querySelectorAll('fanout-playground')].filter((e) => e.shadowRoot.querySelector('iframe')).length);
    assert.equal(started, 0, 'none is within 300 px of the first screen');
    // Scroll through the whole page; the main thread keeps answering (a timer's lateness).
    const lag = await page.evaluate(async () => {
      let worst = 0;
      for (let y = 0; y < document.body.scrollHeight; y += 400) {
        window.scrollTo(0, y);
        const t = performance.now();
        await new Promise((r) => setTimeout(r, 50));
        worst = Math.max(worst, performance.now() - t - 50);
      }
      return worst;
    });
    await page.waitForFunction(() => [...document.querySelectorAll('fanout-playground')].every((e) => e.dataset.state === 'ready'), null, { timeout: 120_000 });
    assert.ok(lag < 1000, `a 50 ms timer came ${lag.toFixed(0)} ms late while ten embeds started`);
    await page.context().close();
  });

  test('loading="click" shows the graph and a Run button, and starts the engine on click', async () => {
    const page = await newPage();
    const before = embeds.requests.length;
    await page.goto(`${docs.url}click.html`);
    const button = page.locator('#click').locator('button', { hasText: 'Run' });
    await button.waitFor();
    await page.waitForTimeout(800);
    assert.deepEqual(embeds.requests.slice(before), ['/fanout-embed.js']);
    assert.match(await page.locator('#click').locator('pre').textContent(), /a : cpu 15ms/);
    await button.click();
    const result = await waitForEvent(page, '#click', 'fanout:result');
    assert.equal(result.mode, 'workers');
    assert.equal(result.tasks.length, 4);
    await page.context().close();
  });

  test('src="graph.dag" loads the graph from the page\'s origin', async () => {
    const page = await newPage();
    await page.goto(`${docs.url}src.html`);
    await waitForEvent(page, '#src', 'fanout:ready');
    const frame = await frameOf(page, '#src');
    assert.equal(await frame.evaluate(() => window.fanoutEmbed.text), 'x : cpu 5ms\ny : cpu 5ms after x\n');
    await page.context().close();
  });
});

test('panels="editor,speedup" readonly: the editor (loaded on demand) is read-only, the settings fixed', async () => {
  const page = await newPage();
  const before = embeds.requests.length;
  await page.goto(`${docs.url}editor.html`);
  await waitForEvent(page, '#ed', 'fanout:ready');
  const frame = await frameOf(page, '#ed');
  assert.deepEqual(await frame.evaluate(() => [...document.querySelectorAll('#panels > section')].map((s) => s.dataset.panel)), ['editor', 'speedup']);
  await frame.locator('.cm-content').waitFor();
  assert.equal(await frame.locator('.cm-content').getAttribute('contenteditable'), 'false');
  assert.match(await frame.locator('.cm-content').textContent(), /total : cpu 5ms after b, c/);
  assert.equal(await frame.locator('#workers').isDisabled(), true);
  await frame.locator('.speedup-svg').waitFor();
  const asked = embeds.requests.slice(before);
  assert.ok(asked.some((p) => /\/dist\/editor-[A-Z0-9]+\.js$/.test(p)), `the editor chunk: ${asked}`);
  assert.ok(!asked.some((p) => /dag-view/.test(p)), 'no graph view without the graph panel');
  await page.context().close();
});

describe('height and theme', () => {
  test('the iframe is as tall as its content: no inner scroll bar at the default size', async () => {
    // Tall enough that the screenshot shows all of it (Chromium paints a cross-origin frame
    // only within the viewport).
    const page = await newPage({ viewport: { width: 1000, height: 1600 } });
    await page.goto(`${docs.url}height.html`);
    await waitForEvent(page, '#tall', 'fanout:result');
    const frame = await frameOf(page, '#tall');
    await page.waitForTimeout(500); // the results panel grew: its height is reported
    const m = await frame.evaluate(() => ({ inner: innerHeight, scroll: document.documentElement.scrollHeight, content: document.getElementById('embed').getBoundingClientRect().height }));
    const iframeH = await page.evaluate(() => document.querySelector('#tall').shadowRoot.querySelector('iframe').getBoundingClientRect().height);
    assert.ok(m.content > 400, `the graph, timeline and results take room: ${m.content}`);
    assert.ok(m.scroll <= m.inner + 1, `no inner scroll: content ${m.scroll} in ${m.inner}`);
    assert.ok(Math.abs(iframeH - 2 - m.content) <= 2, `iframe ${iframeH} follows content ${m.content}`);
    await page.locator('#tall').screenshot({ path: join(ARTIFACTS, 'embed-auto-height.png') });
    await page.context().close();
  });

  test('theme="dark" is dark; theme="auto" follows an emulated dark scheme, and changes live', async () => {
    const page = await newPage({ colorScheme: 'dark' });
    await page.goto(`${docs.url}theme.html`);
    await waitForEvent(page, '#dark', 'fanout:result');
    await waitForEvent(page, '#auto', 'fanout:result');
    const bg = (frame) => frame.evaluate(() => ({ theme: document.documentElement.dataset.theme, bg: getComputedStyle(document.body).backgroundColor }));
    const dark = await frameOf(page, '#dark');
    const auto = await frameOf(page, '#auto');
    const lum = (rgb) => { const [r, g, b] = rgb.match(/\d+/g).map(Number); return (r + g + b) / 3; };
    for (const f of [dark, auto]) {
      const s = await bg(f);
      assert.equal(s.theme, 'dark');
      assert.ok(lum(s.bg) < 60, `dark background, got ${s.bg}`);
    }
    // The host's custom properties theme the embed, and follow the scheme with it.
    await auto.waitForFunction(() => getComputedStyle(document.body).backgroundColor === 'rgb(27, 30, 36)');
    assert.deepEqual(await auto.evaluate(() => [getComputedStyle(document.getElementById('run')).backgroundColor, getComputedStyle(document.getElementById('run')).color]),
      ['rgb(11, 110, 105)', 'rgb(255, 255, 255)'], 'the host accent, with white text on it');
    assert.equal(await dark.evaluate(() => getComputedStyle(document.getElementById('run')).color), 'rgb(16, 19, 26)', 'dark text on the light default dark-theme accent');
    await page.waitForTimeout(300);
    await page.locator('#dark').screenshot({ path: join(ARTIFACTS, 'embed-theme-dark.png') });
    await page.locator('#auto').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.locator('#auto').screenshot({ path: join(ARTIFACTS, 'embed-theme-auto-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await auto.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    // The background follows the theme a frame or a transition later: wait for it, then check.
    await auto.waitForFunction(() => {
      const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
      return (r + g + b) / 3 > 200;
    }, null, { timeout: 5_000 }).catch(() => {});
    assert.ok(lum((await bg(auto)).bg) > 200, `light background, got ${(await bg(auto)).bg}`);
    assert.equal((await bg(dark)).theme, 'dark', 'theme="dark" stays dark');
    await page.waitForTimeout(300);
    await page.locator('#auto').screenshot({ path: join(ARTIFACTS, 'embed-theme-auto-light.png') });
    await page.context().close();
  });
});

test('data-fanout-auto upgrades every ```fanout fence, and only those', async () => {
  const page = await newPage();
  await page.goto(`${docs.url}fence.html`);
  await page.waitForFunction(() => document.querySelector('fanout-playground'));
  assert.equal(await page.locator('code.language-fanout').count(), 0);
  assert.equal(await page.locator('div.language-fanout').count(), 0, 'the VitePress-style fence too');
  assert.equal(await page.locator('code.language-js').count(), 1);
  assert.equal(await page.locator('fanout-playground').count(), 2);
  assert.equal(await page.locator('fanout-playground').nth(1).evaluate((e) => e.graphText), 'x : cpu 5ms\ny : cpu 5ms after x');
  // Without the attribute, `?auto` on the script's URL does the same.
  const other = await newPage();
  await other.goto(`${docs.url}fence-query.html`);
  await other.waitForFunction(() => document.querySelector('fanout-playground') && !document.querySelector('code.language-fanout'));
  await other.context().close();
  const el = page.locator('fanout-playground').first();
  await el.evaluate((e) => e.scrollIntoView());
  await page.waitForFunction(() => document.querySelector('fanout-playground').dataset.state === 'ready', null, { timeout: 60_000 });
  const frame = await (await el.locator('iframe').elementHandle()).contentFrame();
  assert.equal(await frame.evaluate(() => window.fanoutEmbed.text), GRAPH);
  // The embed shows the simulated timeline before anything runs.
  assert.equal(await frame.evaluate(() => document.documentElement.dataset.preview), 'simulated');
  assert.match(await frame.locator('#status').textContent(), /Simulated timeline on 2 workers.*Nothing has run yet/);
  await page.context().close();
});

describe('the example docs page', () => {
  let site;
  before(async () => { site = await startServer({ port: 0, isolation: false }); });
  after(() => site?.close());

  for (const colorScheme of ['light', 'dark']) {
    test(`www/examples/docs.html in ${colorScheme}: two embeds and a fence, each ready (screenshot)`, async () => {
      const page = await newPage({ colorScheme, viewport: { width: 900, height: 1000 } });
      await page.goto(`${site.url}examples/docs.html`);
      assert.equal(await page.evaluate(() => window.crossOriginIsolated), false);
      await page.locator('#iframe-embed').contentFrame().locator('html[data-ready="true"]').waitFor({ timeout: 60_000 });
      for (const sel of ['#element-embed', 'fanout-playground:not(#element-embed)']) {
        await page.locator(sel).evaluate((e) => e.scrollIntoView());
        await page.waitForFunction((s) => document.querySelector(s).dataset.state === 'ready', sel, { timeout: 60_000 });
      }
      await waitForEvent(page, '#element-embed', 'fanout:result');
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(500);
      await shot(page, `embed-docs-${colorScheme}`, { fullPage: true });
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });
  }

  test('with scripts off, the page shows the prerendered simulated timelines', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 900, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${site.url}examples/docs.html`);
    const bars = await page.locator('figure.fanout-fallback svg .fo-bar').count();
    assert.ok(bars >= 6 + 8, `the element's 6 tasks and the iframe's 8 are drawn, got ${bars}`);
    await shot(page, 'embed-docs-noscript', { fullPage: true });
    await context.close();
  });
});
