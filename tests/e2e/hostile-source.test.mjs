// The page's own code never turns text into markup or code: no innerHTML, outerHTML,
// insertAdjacentHTML, document.write, eval, new Function or string timers in www/ (the
// bundles and wasm glue excluded: built from these files and from the npm packages).
// Text reaches the page only through textContent, text nodes and attributes (see
// tests/e2e/hostile.test.mjs for the same defence observed in the browser).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const WWW = new URL('../../www/', import.meta.url).pathname;
const SKIP = new Set(['dist', 'pkg']);
const SINKS = [
  /\.innerHTML\b/, /\.outerHTML\b/, /\binsertAdjacentHTML\b/, /\bdocument\.write(ln)?\b/, /\bcreateContextualFragment\b/,
  /(^|[^.\w])eval\s*\(/, /\bnew\s+Function\b/, /\bset(Timeout|Interval)\s*\(\s*['"`]/, /\bsrcdoc\b/, /\bDOMParser\b/,
];

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) { if (!SKIP.has(e.name)) yield* files(join(dir, e.name)); } else if (/\.(m?js|html)$/.test(e.name)) yield join(dir, e.name);
  }
}

test('no HTML or code sink in the page source', () => {
  const hits = [];
  let scanned = 0;
  for (const f of files(WWW)) {
    scanned += 1;
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      for (const s of SINKS) if (s.test(code)) hits.push(`${relative(WWW, f)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.ok(scanned > 20, `scanned ${scanned} files`);
  assert.deepEqual(hits, []);
});

test('the page has no inline script or inline event handler', () => {
  for (const f of files(WWW)) {
    if (!f.endsWith('.html')) continue;
    const html = readFileSync(f, 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, `${f}: inline <script>`);
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${f}: inline handler`);
  }
});
