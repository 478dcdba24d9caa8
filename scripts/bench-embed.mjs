// `node scripts/bench-embed.mjs`: what a documentation page pays for one lazy embed, in
// headless Chromium, the page and the embed on two origins (two ports), not isolated and with
// Document-Isolation-Policy on embed.html. Prints, per situation and repetition:
//  - gzipped bytes (zlib level 9 of each file served, each once) before the embed is scrolled
//    into view, and after it has run once;
//  - the time from scrolling it into view to fanout:ready (interactive: Run answers), and to
//    fanout:result of an autorun of a small graph.
// Needs both wasm builds and the bundle (`npm run build && node scripts/bundle.mjs`). Times are
// from a shared, loaded machine: read them as orders of magnitude.
import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium } from './lib/browser.mjs';
import { WWW, startServer } from './serve.mjs';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const GRAPH = ['a : cpu 20ms', 'b : cpu 20ms', 'c : cpu 20ms after a', 'total : cpu 5ms after b, c'].join('\n');

function gz(paths) {
  let total = 0;
  for (const p of new Set(paths)) {
    try {
      const f = join(WWW, p);
      if (statSync(f).isFile()) total += gzipSync(readFileSync(f), { level: 9 }).length;
    } catch { /* not a file of www/ */ }
  }
  return total;
}

function pageServer(html) {
  const server = createServer((req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() })));
}

const browser = await launchChromium();
console.log('| situation | run | tier | mode | before view (gz) | after run (gz) | view → ready | view → result |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const dip of [false, true]) {
  const requests = [];
  const embeds = await startServer({ port: 0, isolation: false, dip, onRequest: (p) => requests.push(p) });
  const docs = await pageServer(`<!doctype html><meta charset="utf-8"><title>bench</title>
<script type="module" src="${embeds.url}fanout-embed.js"></script>
<div style="height:3000px">prose</div>
<fanout-playground id="e" workers="2" panels="timeline,results" autorun>${GRAPH}</fanout-playground>`);
  for (let rep = 1; rep <= REPS; rep++) {
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    const page = await context.newPage();
    requests.length = 0;
    await page.goto(docs.url);
    await page.waitForFunction(() => customElements.get('fanout-playground'));
    await page.waitForTimeout(1000);
    const before = gz(requests);
    const t = await page.evaluate(() => new Promise((resolve) => {
      const el = document.getElementById('e');
      const times = {};
      el.addEventListener('fanout:ready', (e) => { times.ready = performance.now(); times.tier = e.detail.tier; times.mode = e.detail.mode; });
      el.addEventListener('fanout:result', () => { times.result = performance.now(); resolve(times); });
      times.t0 = performance.now();
      el.scrollIntoView();
    }));
    await page.waitForTimeout(300);
    const after = gz(requests);
    console.log(`| ${dip ? 'Document-Isolation-Policy' : 'not isolated'} | ${rep} | ${t.tier} | ${t.mode} | ${(before / 1024).toFixed(1)} KB | ${(after / 1024).toFixed(1)} KB | ${(t.ready - t.t0).toFixed(0)} ms | ${(t.result - t.t0).toFixed(0)} ms |`);
    await context.close();
  }
  docs.close();
  await embeds.close();
}
await browser.close();
