// The static site: dist/ (npm run build) served by a plain static server that sends no
// headers at all, and by the same server applying dist/_headers, as Netlify or Cloudflare
// Pages would; the opt-in service worker for hosts without headers; and the
// Content-Security-Policy, which must let the page work in threads and workers modes without
// one violation, and must stop an injected inline script.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchChromium } from '../../scripts/lib/browser.mjs';
import { CSP, parseHeadersFile } from '../../scripts/lib/headers.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { screenshot } from './harness.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const DIST = join(ROOT, 'dist');
const GRAPH = 'a : cpu 30ms\nb : cpu 30ms\nc : cpu 10ms after a, b';

/** The newest modification time of the files under `dir` (recursively). */
function newest(dir) {
  let t = 0;
  for (const f of readdirSync(dir, { recursive: true })) t = Math.max(t, statSync(join(dir, String(f))).mtimeMs);
  return t;
}

let browser;
before(async () => {
  // npm test builds dist/ before the e2e tests; run alone, this file rebuilds it when stale.
  const stamp = join(DIST, '_headers');
  const inputs = Math.max(newest(join(ROOT, 'www')), newest(join(ROOT, 'scripts')));
  if (!existsSync(stamp) || statSync(stamp).mtimeMs < inputs) {
    const { buildSite } = await import('../../scripts/build-site.mjs');
    await buildSite({ quiet: true });
  }
  browser = await launchChromium();
});
after(() => browser?.close());

/** A page of a fresh context that records CSP violations: `securitypolicyviolation` events
 *  of the page, and console messages about the policy from the page and its workers. */
async function cspPage() {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  page.cspConsole = [];
  page.errors = [];
  const onConsole = (m) => {
    if (/content security policy/i.test(m.text())) page.cspConsole.push(m.text());
    if (m.type() === 'error') page.errors.push(m.text());
  };
  page.on('console', onConsole);
  page.on('worker', (w) => w.on('console', onConsole));
  page.on('pageerror', (e) => page.errors.push(e.message));
  return page;
}

async function violations(page) {
  return { events: await page.evaluate(() => window.__violations), console: page.cspConsole };
}

/** Opens `url` and waits for the playground to be ready (graph drawn, engine prewarmed). */
async function openPlayground(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
}

const runOnce = (page, mode = 'auto') => page.evaluate(async ([g, m]) => {
  const r = await window.fanout.run(g, { workers: 2, mode: m });
  return { mode: r.mode, reason: r.reason, isolated: r.isolated, statuses: r.tasks.map((t) => t.status) };
}, [GRAPH, mode]);

/** Injects an inline script and an HTML payload with an inline handler (the way hostile
 *  text would try): under the CSP neither may run, and both are reported as violations. */
async function assertCspStopsScript(page) {
  const scriptSrc = CSP.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src '));
  assert.equal(scriptSrc, "script-src 'self' 'wasm-unsafe-eval'", 'no inline script, no eval');
  assert.ok(!CSP.includes("'unsafe-eval'"));
  const before = (await page.evaluate(() => window.__violations)).length;
  const outcome = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__pwned = "inline script"';
    document.head.append(s);
    const div = document.createElement('div');
    div.innerHTML = '<img src="data:," onerror="window.__pwned = \'onerror handler\'">';
    document.body.append(div);
    await new Promise((r) => setTimeout(r, 200));
    div.remove();
    return window.__pwned ?? null;
  });
  assert.equal(outcome, null, 'injected script ran: the CSP is missing');
  const events = (await page.evaluate(() => window.__violations)).slice(before);
  assert.ok(events.some((v) => v.startsWith('script-src-elem')), `no script-src-elem violation reported: ${events}`);
  assert.ok(events.some((v) => v.startsWith('script-src-attr')), `no script-src-attr violation reported: ${events}`);
}

describe('dist/ on a plain static host (no headers at all)', () => {
  let server;
  before(async () => { server = await startServer({ root: DIST, port: 0, headers: [] }); });
  after(() => server?.close());

  test('the playground loads, runs in workers mode, and says why in plain words', async () => {
    const page = await cspPage();
    const res = await page.goto(server.url);
    assert.equal(res.headers()['cross-origin-opener-policy'], undefined);
    assert.equal(res.headers()['content-security-policy'], undefined, 'a plain host sends no CSP header');
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
    assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    const env = await page.textContent('#environment');
    assert.match(env, /Run uses workers mode/);
    assert.match(env, /not cross-origin isolated: its host does not send the two headers wasm threads need/);
    assert.match(env, /same schedule and the same results/);
    assert.match(env, /\?coi=1/);
    const r = await runOnce(page);
    assert.equal(r.mode, 'workers');
    assert.equal(r.isolated, false);
    assert.match(r.reason, /not cross-origin isolated/);
    assert.deepEqual(r.statuses, ['ok', 'ok', 'ok']);
    // The CSP comes from the page's <meta>: the same policy, and it holds.
    assert.equal(await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content'), CSP);
    assert.deepEqual(await violations(page), { events: [], console: [] });
    await assertCspStopsScript(page);
    assert.deepEqual(page.errors.filter((e) => !/content security policy/i.test(e)), []);
    await screenshot(page, 'dist-plain-host');
    await page.context().close();
  });

  test('hashed names: bundles, chunks and both wasm builds, and nothing else of www/ sources', () => {
    const files = readdirSync(DIST, { recursive: true }).map(String);
    assert.ok(files.some((f) => /^assets\/app-[A-Z0-9]{8}\.js$/.test(f)), 'assets/app-<hash>.js');
    assert.ok(files.some((f) => /^assets\/engine-[A-Z0-9]{8}\.js$/.test(f)), 'the engine worker, hashed');
    assert.ok(files.some((f) => /^pkg\/plain-[0-9a-f]{10}\/fanout_bg\.wasm$/.test(f)), 'plain wasm');
    assert.ok(files.some((f) => /^pkg\/threads-[0-9a-f]{10}\/fanout_bg\.wasm$/.test(f)), 'threaded wasm');
    assert.ok(!files.some((f) => /^(app|client|shared|worker|dist)\//.test(f)), 'no unbundled sources in dist/');
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    assert.match(html, /src="assets\/app-[A-Z0-9]{8}\.js"/);
    // Every page of the site carries the policy, and none has an inline script.
    const pages = files.filter((f) => f.endsWith('.html'));
    assert.ok(pages.includes('index.html'));
    for (const f of pages) {
      const text = readFileSync(join(DIST, f), 'utf8');
      assert.ok(text.includes(`<meta http-equiv="Content-Security-Policy" content="${CSP}">`), `${f} has the CSP <meta>`);
      assert.doesNotMatch(text, /<script(?![^>]*\bsrc=)[^>]*>/, `${f} has an inline script`);
    }
  });

  test('_headers: the CSP on every path, isolation for the playground, DIP for the embed, CORS for fanout-embed.js', () => {
    const table = parseHeadersFile(readFileSync(join(DIST, '_headers'), 'utf8'));
    const at = (path) => Object.assign({}, ...table.filter(([p]) => new RegExp(`^${p.replaceAll('.', '\\.').replaceAll('*', '.*')}$`).test(path)).map(([, h]) => h));
    for (const path of ['/', '/index.html', '/embed.html', '/fanout-embed.js', '/examples/docs.html', '/assets/x.js']) {
      assert.equal(at(path)['Content-Security-Policy'], CSP, path);
    }
    assert.equal(at('/')['Cross-Origin-Opener-Policy'], 'same-origin');
    assert.equal(at('/pkg/threads-0/fanout_bg.wasm')['Cross-Origin-Embedder-Policy'], 'require-corp');
    assert.equal(at('/embed.html')['Document-Isolation-Policy'], 'isolate-and-require-corp');
    assert.equal(at('/fanout-embed.js')['Access-Control-Allow-Origin'], '*');
    assert.equal(at('/examples/docs.html')['Cross-Origin-Embedder-Policy'], undefined, 'the example docs page is an ordinary page');
  });
});

describe('dist/ served with its _headers file', () => {
  let server;
  before(async () => {
    const headers = parseHeadersFile(readFileSync(join(DIST, '_headers'), 'utf8'));
    server = await startServer({ root: DIST, port: 0, headers });
  });
  after(() => server?.close());

  test('the playground is isolated, runs in threads mode, and the CSP header holds', async () => {
    const page = await cspPage();
    const res = await page.goto(server.url);
    assert.equal(res.headers()['content-security-policy'], CSP);
    assert.equal(res.headers()['cross-origin-embedder-policy'], 'require-corp');
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    assert.match(await page.textContent('#environment'), /Run uses threads mode/);
    const r = await runOnce(page);
    assert.equal(r.mode, 'threads');
    assert.deepEqual(r.statuses, ['ok', 'ok', 'ok']);
    // Workers mode on the same page, under the same policy.
    const w = await runOnce(page, 'workers');
    assert.equal(w.mode, 'workers');
    assert.deepEqual(await violations(page), { events: [], console: [] });
    await assertCspStopsScript(page);
    await page.context().close();
  });
});

describe('dist/ without headers, opted in to the service worker (?coi=1)', () => {
  let server;
  before(async () => { server = await startServer({ root: DIST, port: 0, headers: [] }); });
  after(() => server?.close());

  test('one reload later the page is cross-origin isolated, runs in threads mode, and says how; ?coi=0 turns it off', async () => {
    const page = await cspPage();
    let navigations = 0;
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations += 1; });
    await page.goto(`${server.url}?coi=1`);
    await page.waitForFunction(() => window.crossOriginIsolated === true && document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
    assert.equal(navigations, 2, 'the service worker costs exactly one reload');
    assert.ok(await page.evaluate(() => sessionStorage.getItem('fanout.coi-reloaded')), 'the reload was coi.js\'s');
    const env = await page.textContent('#environment');
    assert.match(env, /Run uses threads mode/);
    assert.match(env, /service worker of this site \(coi-serviceworker\)/);
    assert.match(env, /cost one reload/);
    const r = await runOnce(page);
    assert.equal(r.mode, 'threads');
    assert.deepEqual(await violations(page), { events: [], console: [] });

    // ?coi=0 turns it off: the service worker unregisters itself and reloads the page, which is
    // then an ordinary page again (workers mode), and stays one without the parameter.
    await page.goto(`${server.url}?coi=0`);
    const off = async () => {
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await page.waitForTimeout(100)) {
        try {
          const s = await page.evaluate(() => ({ isolated: crossOriginIsolated, controlled: !!navigator.serviceWorker.controller, ready: document.documentElement.dataset.ready === 'true' }));
          if (!s.isolated && !s.controlled && s.ready) return true;
        } catch { /* the page navigated while we asked */ }
      }
      return false;
    };
    assert.ok(await off(), '?coi=0 leaves an ordinary page');
    assert.equal((await page.evaluate(() => navigator.serviceWorker.getRegistrations())).length, 0, 'no service worker is left');
    assert.equal((await runOnce(page)).mode, 'workers');
    await page.goto(server.url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
    assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    assert.match(await page.textContent('#environment'), /Run uses workers mode/);
    await page.context().close();
  });
});

describe('the dev server sends the CSP', () => {
  let server;
  before(async () => { server = await startServer({ port: 0 }); });
  after(() => server?.close());

  test('as a header on the playground, which works under it and stops an inline script', async () => {
    const page = await cspPage();
    const res = await page.goto(server.url);
    assert.equal(res.headers()['content-security-policy'], CSP);
    await openPlayground(page, server.url);
    assert.equal((await runOnce(page)).mode, 'threads');
    assert.deepEqual(await violations(page), { events: [], console: [] });
    await assertCspStopsScript(page);
    await page.context().close();
  });
});
