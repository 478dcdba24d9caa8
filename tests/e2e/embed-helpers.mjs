// Set-up for the embed tests: the embed's origin is the project's static server (www/, with
// or without Document-Isolation-Policy on embed.html, with or without COOP/COEP), and the
// documentation page is on ANOTHER origin (another port): a tiny server of test pages.
import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { WWW, startServer } from '../../scripts/serve.mjs';

/** Serves `pages` (path → HTML, or a function of the URL returning HTML) on a free port with
 *  `headers`; resolves to `{ url, close() }`. The docs page's origin. */
export function pageServer(pages, headers = {}) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const page = pages[path];
    if (page === undefined) { res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found'); return; }
    const body = typeof page === 'function' ? page(req) : page;
    res.writeHead(200, { 'Content-Type': path.endsWith('.dag') ? 'text/plain; charset=utf-8' : 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', ...headers });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }),
  })));
}

/** The embed's origin: www/ served on a free port, every path asked for recorded in
 *  `requests` (in order). */
export async function embedServer({ dip = false, isolation = false } = {}) {
  const requests = [];
  const server = await startServer({ port: 0, isolation, dip, onRequest: (p) => requests.push(p) });
  return { ...server, requests };
}

/** Gzipped bytes (zlib level 9, as static hosts precompress) of the www/ files at `paths`
 *  (each counted once). */
export function gzippedBytes(paths) {
  let total = 0;
  const files = [];
  for (const p of new Set(paths)) {
    const file = join(WWW, p);
    try {
      if (!statSync(file).isFile()) continue;
    } catch { continue; }
    const gz = gzipSync(readFileSync(file), { level: 9 }).length;
    files.push({ path: p, gz });
    total += gz;
  }
  return { total, files };
}

/** A page of prose with `body` in it, loading fanout-embed.js from `embedUrl`. */
export function docsPage(embedUrl, body, { auto = false } = {}) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>docs</title>
<script type="module" src="${embedUrl}fanout-embed.js"${auto ? ' data-fanout-auto' : ''}></script></head>
<body style="margin:0;font:16px Georgia,serif"><main style="max-width:46rem;margin:0 auto;padding:1rem">
<h1>A documentation page</h1><p>Prose before the embed.</p>${body}<p>Prose after the embed.</p></main></body></html>`;
}

/** Resolves when `el` (a selector) has dispatched `name`; the event's detail. */
export function waitForEvent(page, selector, name, timeout = 60_000) {
  return page.evaluate(({ selector, name, timeout }) => new Promise((resolve, reject) => {
    const el = document.querySelector(selector);
    if (!el) { reject(new Error(`no ${selector}`)); return; }
    const key = `__${name}`;
    if (el[key]) { resolve(el[key]); return; }
    const t = setTimeout(() => reject(new Error(`${name} did not come within ${timeout} ms`)), timeout);
    el.addEventListener(name, (e) => { clearTimeout(t); resolve(e.detail); }, { once: true });
  }), { selector, name, timeout });
}

/** An init script (for `context.addInitScript`): records every fanout:* event of every
 *  <fanout-playground> in `window.__events`, and each kind's last detail on the element as
 *  `__fanout:…` (so waitForEvent sees events that came before it was called). */
export function recordEvents() {
  window.__events = [];
  for (const name of ['fanout:ready', 'fanout:progress', 'fanout:result', 'fanout:error']) {
    document.addEventListener(name, (e) => {
      window.__events.push({ name, id: e.target.id, detail: e.detail });
      e.target[`__${name}`] = e.detail;
    });
  }
}
