// `npm run size`: the bytes a reader pays, gzipped (level 9, as a host's compression would
// roughly give), per file of dist/ and per scenario, measured in headless Chromium by
// recording every file the page and its workers fetch:
//   - playground, isolated (dist/_headers): the page until its run engine is ready;
//   - playground, no headers, after one workers-mode run;
//   - one lazy embed on a docs page of another origin, before it scrolls into view, and
//     after it has run in workers mode (when dist/fanout-embed.js exists).
// Budgets (issue 10 §4, the second raised from 400 to 560 KB: see docs/embedding.md): one embed under 15 KB before it is in view, under 560 KB once it has
// run in workers mode. Prints the figures; `--json` prints them as JSON. Builds nothing:
// run `npm run build` first.
import { readFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium } from './lib/browser.mjs';
import { parseHeadersFile } from './lib/headers.mjs';
import { startServer } from './serve.mjs';

const DIST = new URL('../dist', import.meta.url).pathname;
const KB = 1024;
const BUDGET_BEFORE_VIEW = 15 * KB;
const BUDGET_AFTER_RUN = 560 * KB;

const gz = new Map();
/** The gzipped size of the dist/ file at `rel`. */
export function gzipped(rel) {
  if (!gz.has(rel)) gz.set(rel, gzipSync(readFileSync(join(DIST, rel)), { level: 9 }).length);
  return gz.get(rel);
}

const fmt = (n) => `${(n / KB).toFixed(1)} KB`;

/** Records the dist/ files fetched (from `origin`) by every page and worker of `context`. */
function recorder(context, origin) {
  const files = new Set();
  context.on('request', (req) => {
    const u = new URL(req.url());
    if (u.origin !== origin) return;
    let rel = decodeURIComponent(u.pathname).replace(/^\//, '');
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    if (existsSync(join(DIST, rel)) && statSync(join(DIST, rel)).isFile()) files.add(rel);
  });
  return {
    files,
    total: () => [...files].reduce((s, f) => s + gzipped(f), 0),
  };
}

async function playground(browser, url, { run }) {
  const context = await browser.newContext();
  const rec = recorder(context, new URL(url).origin);
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 120_000 });
  const mode = await page.evaluate(async (r) => {
    await window.fanout.prewarm();
    return r ? (await window.fanout.run('a : cpu 20ms\nb : cpu 20ms\nc : cpu 5ms after a, b', { workers: 2 })).mode : null;
  }, run);
  await page.waitForTimeout(300);
  await context.close();
  return { files: [...rec.files].sort(), total: rec.total(), mode };
}

/** A docs page on another origin with prose and one lazy embed far below the fold. */
function docsPage(siteUrl) {
  const prose = Array.from({ length: 60 }, (_, i) => `<p>Paragraph ${i + 1} of an ordinary documentation page.</p>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>docs</title>
<script type="module" src="${siteUrl}fanout-embed.js"></script></head><body>${prose}
<fanout-playground id="embed" workers="2" mode="workers" panels="timeline,results" autorun loading="lazy">a : cpu 20ms
b : cpu 20ms
c : cpu 5ms after a, b</fanout-playground>
</body></html>`;
}

async function embed(browser, siteUrl) {
  const host = await new Promise((resolve) => {
    import('node:http').then(({ createServer }) => {
      const s = createServer((req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(docsPage(siteUrl)));
      s.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${s.address().port}/`, close: () => s.close() }));
    });
  });
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const rec = recorder(context, new URL(siteUrl).origin);
  const page = await context.newPage();
  await page.goto(host.url);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(500);
  const before = { files: [...rec.files].sort(), total: rec.total() };
  const started = Date.now();
  const result = page.evaluate(() => new Promise((resolve) => {
    document.getElementById('embed').addEventListener('fanout:result', (e) => resolve(e.detail?.mode ?? null), { once: true });
  }));
  await page.locator('#embed').scrollIntoViewIfNeeded();
  const mode = await Promise.race([result, page.waitForTimeout(60_000).then(() => 'no fanout:result in 60 s')]);
  const after = { files: [...rec.files].sort(), total: rec.total(), mode, ms: Date.now() - started };
  await context.close();
  host.close();
  return { before, after };
}

async function main() {
  const json = process.argv.includes('--json');
  if (!existsSync(join(DIST, '_headers'))) throw new Error('dist/ is missing: run `npm run build` first');
  const all = readdirSync(DIST, { recursive: true }).map(String)
    .filter((f) => /\.(js|wasm|css|html)$/.test(f) && statSync(join(DIST, f)).isFile());
  const perFile = all.map((f) => ({ file: f, bytes: statSync(join(DIST, f)).size, gzipped: gzipped(f) }))
    .sort((a, b) => b.gzipped - a.gzipped);

  const headers = parseHeadersFile(readFileSync(join(DIST, '_headers'), 'utf8'));
  const isolated = await startServer({ root: DIST, port: 0, headers });
  const plain = await startServer({ root: DIST, port: 0, headers: [] });
  const browser = await launchChromium();
  const scenarios = {};
  try {
    scenarios['playground, isolated, engine ready'] = await playground(browser, isolated.url, { run: false });
    scenarios['playground, no headers, after a workers-mode run'] = await playground(browser, plain.url, { run: true });
    if (existsSync(join(DIST, 'fanout-embed.js')) && existsSync(join(DIST, 'embed.html'))) {
      // The docs page is an ordinary one on another origin; the embed's origin sends only the
      // CSP and CORS for fanout-embed.js (no isolation: tier 3, workers mode).
      const cors = await startServer({ root: DIST, port: 0, headers: headers.filter(([p]) => p === '/*' || p === '/fanout-embed.js') });
      try {
        const e = await embed(browser, cors.url);
        scenarios['one lazy embed, before it scrolls into view'] = { ...e.before, budget: BUDGET_BEFORE_VIEW };
        scenarios['one lazy embed, after a workers-mode run'] = { ...e.after, budget: BUDGET_AFTER_RUN };
      } finally {
        await cors.close();
      }
    }
  } finally {
    await browser.close();
    await isolated.close();
    await plain.close();
  }
  if (json) {
    console.log(JSON.stringify({ perFile, scenarios }, null, 2));
    return;
  }
  console.log('gzipped bytes per file of dist/ (level 9):');
  for (const f of perFile) console.log(`  ${fmt(f.gzipped).padStart(9)}  (${fmt(f.bytes).padStart(9)} raw)  ${f.file}`);
  console.log('\nper scenario (every dist/ file the page and its workers fetched):');
  for (const [name, s] of Object.entries(scenarios)) {
    const budget = s.budget ? `  budget ${fmt(s.budget)}: ${s.total <= s.budget ? 'within' : 'OVER'}` : '';
    const extra = [s.mode && `mode ${s.mode}`, s.ms && `${s.ms} ms from scroll to result`].filter(Boolean).join(', ');
    console.log(`  ${fmt(s.total).padStart(9)}  ${name}${extra ? ` (${extra})` : ''}${budget}`);
    for (const f of s.files) console.log(`      ${fmt(gzipped(f)).padStart(9)}  ${f}`);
  }
  if (!existsSync(join(DIST, 'fanout-embed.js'))) console.log('  (no embed scenarios: dist/ has no fanout-embed.js)');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
