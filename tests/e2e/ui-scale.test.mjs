// The UI at scale and at the edges: a 100,000-bar timeline renders and pans (frame times are
// measured and reported, not asserted tightly), a 600-task graph is laid out in a worker, a
// 360 px viewport has no horizontal overflow; plus the shipped bytes and time to interactive.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { open, screenshot } from './harness.mjs';
import { usePlayground, waitReady } from './ui-helpers.mjs';

const WWW = new URL('../../www/', import.meta.url).pathname;

describe('UI at scale', () => {
  let page;
  const ui = usePlayground((p) => { page = p; });

  test('a 100,000-bar timeline renders and pans smoothly', async (t) => {
    // A synthetic result of the RunResult shape (the executor is not under test here: a real
    // run of 100,000 tasks would take minutes); it goes through the same normalizeRun.
    const info = await page.evaluate(() => {
      const workers = 8, perLane = 12_500, tasks = [];
      for (let w = 0; w < workers; w++) {
        let t = 0;
        for (let i = 0; i < perLane; i++) {
          const d = 0.2 + ((i * 7919 + w * 104729) % 97) / 100;
          tasks.push({ id: `t${w}_${i}`, worker: w, start_ms: t, end_ms: t + d, status: i % 997 === 0 ? 'failed' : 'ok' });
          t += d + ((i * 31) % 5) / 50;
        }
      }
      const ui = window.fanoutUI;
      const started = performance.now();
      ui.timeline.setResult(ui.normalizeRun({ mode: 'threads', workers, makespan_ms: Math.max(...tasks.map((x) => x.end_ms)), tasks }));
      const fullDraw = ui.timeline.drawNow();
      return { setMs: performance.now() - started, fullDraw, vm: ui.timeline.viewModel() };
    });
    assert.equal(info.vm.bars, 100_000);
    assert.equal(info.vm.lanes, 8);
    assert.ok(info.vm.drawn > 0 && info.vm.drawn < 100_000, `sub-pixel bars are coalesced: ${info.vm.drawn} drawn`);
    // Zoom in to ~1/40 of the run, then pan for 90 frames, one step per animation frame.
    const pan = await page.evaluate(async () => {
      const tl = window.fanoutUI.timeline;
      const vm0 = tl.viewModel();
      tl.setView(0, vm0.extent / 40);
      const stamps = [], draws = [];
      await new Promise((done) => {
        const step = (ts) => {
          stamps.push(ts);
          draws.push(tl.viewModel().drawMs);
          if (stamps.length > 90) { done(); return; }
          tl.panBy(0.08);
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      });
      const frames = stamps.slice(1).map((s, i) => s - stamps[i]).sort((a, b) => a - b);
      draws.sort((a, b) => a - b);
      const vm = tl.viewModel();
      const c = tl.canvas, d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let coloured = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 2] !== d[i] || d[i + 1] !== d[i]) coloured++;
      return { view: vm.view, drawn: vm.drawn, coloured,
        frameMedian: frames[frames.length >> 1], frameP95: frames[Math.floor(frames.length * 0.95)],
        drawMedian: draws[draws.length >> 1], drawMax: draws[draws.length - 1] };
    });
    assert.ok(pan.view.start > 0, 'the view moved');
    assert.ok(pan.drawn > 100, `the panned view draws bars (${pan.drawn})`);
    assert.ok(pan.coloured > 1000, 'the canvas is not blank after panning');
    t.diagnostic(`100k bars: setResult ${info.setMs.toFixed(1)} ms, full-extent draw ${info.fullDraw.toFixed(2)} ms (${info.vm.drawn} rects)`);
    t.diagnostic(`panning 90 frames: frame time median ${pan.frameMedian.toFixed(1)} ms, p95 ${pan.frameP95.toFixed(1)} ms; draw median ${pan.drawMedian.toFixed(2)} ms, max ${pan.drawMax.toFixed(2)} ms`);
    await screenshot(page, 'ui-100k-bars');
  });

  test('a 600-task graph is laid out in a worker and drawn', async (t) => {
    const lines = [];
    for (let i = 0; i < 600; i++) {
      const deps = i < 20 ? [] : [`n${i - 20}`, `n${(i * 7) % (i - (i % 20))}`];
      lines.push(`n${i} : cpu 1ms${deps.length ? ` after ${[...new Set(deps)].join(', ')}` : ''}`);
    }
    const started = Date.now();
    await page.evaluate((text) => window.fanoutUI.editor.setText(text), lines.join('\n'));
    await page.waitForFunction(() => document.querySelectorAll('#dag g.node').length === 600, null, { timeout: 60_000 });
    assert.equal(await page.getAttribute('#dag', 'data-layout'), 'worker');
    t.diagnostic(`600-task graph: parsed, laid out in a worker and drawn in ${Date.now() - started} ms`);
    assert.deepEqual(page.errors, []);
  });

  test('bytes shipped and time to interactive', async (t) => {
    const gz = (path) => gzipSync(readFileSync(join(WWW, path)), { level: 9 }).length;
    const js = (dir) => readdirSync(join(WWW, dir)).filter((f) => f.endsWith('.js')).map((f) => `${dir}/${f}`);
    const page1 = ['dist/app.js'];
    const rest = [...js('dist').filter((f) => f !== 'dist/app.js'), ...js('worker'), 'pkg/threads/fanout.js', 'pkg/plain/fanout.js'];
    const sum = (files) => files.reduce((n, f) => n + gz(f), 0);
    const wasm = { threads: gz('pkg/threads/fanout_bg.wasm'), plain: gz('pkg/plain/fanout_bg.wasm') };
    assert.ok(sum(page1) > 0);
    t.diagnostic(`gzipped: page bundle ${sum(page1)} B; layout worker + engine/task workers + wasm glue ${sum(rest)} B; wasm threads ${wasm.threads} B, plain ${wasm.plain} B; css ${gz('styles.css')} B, html ${gz('index.html')} B`);
    const fresh = await ui.harness.newPage();
    await waitReady(fresh);
    const tti = await fresh.evaluate(() => ({ ready: performance.getEntriesByName('fanout-ready')[0].startTime,
      dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd }));
    assert.ok(tti.ready > 0);
    t.diagnostic(`navigation start → DOMContentLoaded ${tti.dcl.toFixed(0)} ms, → editor, views and engine ready (graph drawn) ${tti.ready.toFixed(0)} ms`);
  });
});

describe('a 360 px wide phone', () => {
  let h;
  before(async () => { h = await open({ isolation: false }); });
  after(() => h?.close());

  test('the page does not overflow horizontally, before and after a run', async () => {
    const context = await h.browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    await page.goto(h.url);
    await waitReady(page);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(await overflow(), 0);
    // Where the canvas sits in the page (not the viewport: clicking Run may scroll to it).
    const box = () => page.evaluate(() => {
      const r = document.querySelector('#gantt canvas').getBoundingClientRect();
      return [r.y + window.scrollY, r.height];
    });
    const before = await box();
    await page.click('#run');
    await page.waitForFunction(() => Number(document.querySelector('#gantt').dataset.bars) > 0);
    assert.deepEqual(await box(), before, 'no layout shift when the run starts');
    await page.waitForFunction(() => !document.querySelector('#run').disabled);
    assert.deepEqual(await box(), before, 'no layout shift when the run ends');
    assert.equal(await overflow(), 0);
    const dpr = await page.evaluate(() => { const c = window.fanoutUI.timeline.canvas; return c.width / c.getBoundingClientRect().width; });
    assert.ok(Math.abs(dpr - 2) < 0.01, 'the canvas is drawn at device resolution');
    await page.screenshot({ path: new URL('../../test-artifacts/ui-360px.png', import.meta.url).pathname, fullPage: true });
    await context.close();
  });
});
