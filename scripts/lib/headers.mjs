// The HTTP headers fanout's pages need, in one place, as tables of (path pattern, headers):
// the dev server (scripts/serve.mjs) applies DEV_HEADERS to www/, the static build
// (scripts/build-site.mjs) writes SITE_HEADERS to dist/_headers, and `npm run preview --
// --isolation` serves dist/ by parsing that _headers file back (parseHeadersFile), so a test
// of the preview is a test of the file a host reads.
//
// Patterns use the _headers syntax of Netlify and Cloudflare Pages: an absolute path, where
// `*` matches any run of characters (also across `/`). Every rule whose pattern matches a
// path applies; the tables never set one header in two rules that can match the same path.

/**
 * The Content-Security-Policy of every page (playground, embed, examples) and of every
 * worker script: no inline script and no eval anywhere; 'wasm-unsafe-eval' lets the page
 * and its workers compile WebAssembly, and nothing else; `blob:` workers are
 * wasm-bindgen-rayon's threads (it starts each from a blob: copy of its own same-origin
 * script, workerHelpers.no-bundler.js). Styles may be inline: CodeMirror
 * and the views set style elements and attributes (no script runs from a style).
 * `frame-ancestors` is left out: it has no effect in a <meta> and the embed must stay
 * embeddable by any documentation page.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** The three headers that make a document cross-origin isolated (threads mode). */
export const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The headers of the dev server for www/, by path; a later row overrides an earlier one.
 * With `isolation: false` the isolation headers are left out (an ordinary host); `dip` adds
 * Document-Isolation-Policy on embed.html (isolated even inside a non-isolated page, Chromium
 * 137+); `csp: false` leaves out the CSP, for the benchmark only (it compares with
 * workerpool, which evaluates code in blob: workers). The embed's files are meant for other
 * origins: fanout-embed.js with CORS (a module script from another origin is fetched in CORS
 * mode), embed.html framable by an isolated page. Add a row for a path that needs its own
 * headers.
 */
export function devHeaders({ isolation = true, dip = false, csp = true } = {}) {
  return [
    ['/*', { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', ...(csp ? { 'Content-Security-Policy': CSP } : {}) }],
    ...(isolation ? [['/*', { ...ISOLATION, 'Cross-Origin-Resource-Policy': 'same-origin' }]] : []),
    ...['/fanout-embed.js', '/*/fanout-embed.js'].map((p) => [p, { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' }]),
    ...['/embed.html', '/*/embed.html'].map((p) => [p, {
      'Cross-Origin-Resource-Policy': 'cross-origin',
      ...(dip ? { 'Document-Isolation-Policy': 'isolate-and-require-corp' } : {}),
    }]),
  ];
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The headers of the static site in dist/, written to dist/_headers. The playground and
 * everything it loads (hashed bundles in /assets/, wasm in /pkg/, the workers there) are
 * cross-origin isolated; /embed.html isolates itself with Document-Isolation-Policy (so it
 * gets threads inside a non-isolated docs page in Chromium 137+) and keeps COEP for a parent
 * that delegates isolation; /fanout-embed.js may be loaded by any docs page (CORS); /examples/
 * is an ordinary, non-isolated docs page. Hashed files are cached for a year, the rest
 * revalidated.
 */
export const SITE_HEADERS = [
  ['/*', { 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': CSP }],
  ['/', { ...ISOLATION, 'Cross-Origin-Resource-Policy': 'same-origin', 'Cache-Control': 'no-cache' }],
  ['/index.html', { ...ISOLATION, 'Cross-Origin-Resource-Policy': 'same-origin', 'Cache-Control': 'no-cache' }],
  ['/embed.html', {
    'Document-Isolation-Policy': 'isolate-and-require-corp',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Cache-Control': 'no-cache',
  }],
  ['/assets/*', { ...ISOLATION, 'Cross-Origin-Resource-Policy': 'same-origin', 'Cache-Control': IMMUTABLE }],
  ['/pkg/*', { ...ISOLATION, 'Cross-Origin-Resource-Policy': 'same-origin', 'Cache-Control': IMMUTABLE }],
  ['/coi-serviceworker.js', { 'Cache-Control': 'no-cache' }],
  ['/fanout-embed.js', { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin', 'Cache-Control': 'no-cache' }],
];

/** Whether the _headers pattern `pattern` matches the URL path `path`. */
export function matches(pattern, path) {
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(path);
}

/** The headers for `path` under `table` (rows of [pattern, headers]): every matching row, in
 *  order. With `override` a later row replaces a header an earlier one set (the dev table);
 *  without it two matching rows setting one header throw, since hosts reading _headers join
 *  them with a comma into a value no browser accepts. */
export function headersFor(table, path, { override = false } = {}) {
  const out = {};
  for (const [pattern, headers] of table) {
    if (!matches(pattern, path)) continue;
    for (const [name, value] of Object.entries(headers)) {
      const key = Object.keys(out).find((k) => k.toLowerCase() === name.toLowerCase());
      if (key && !override) throw new Error(`headers for ${path}: ${name} is set by two rules`);
      if (key) delete out[key];
      out[name] = value;
    }
  }
  return out;
}

/** `table` as a _headers file (Netlify, Cloudflare Pages). */
export function formatHeadersFile(table) {
  const blocks = table.map(([pattern, headers]) =>
    [pattern, ...Object.entries(headers).map(([k, v]) => `  ${k}: ${v}`)].join('\n'));
  return `# Written by scripts/build-site.mjs from scripts/lib/headers.mjs: edit there.\n${blocks.join('\n')}\n`;
}

/** Parses a _headers file back into rows of [pattern, headers]; throws on a malformed line,
 *  naming it. */
export function parseHeadersFile(text) {
  const table = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\s+$/, '');
    if (!line.trim() || line.trim().startsWith('#')) return;
    if (!/^\s/.test(line)) {
      if (!line.startsWith('/')) throw new Error(`_headers line ${i + 1}: a path must start with /: ${line}`);
      table.push([line, {}]);
      return;
    }
    const m = line.trim().match(/^([A-Za-z0-9-]+):\s*(.+)$/);
    if (!m || !table.length) throw new Error(`_headers line ${i + 1}: expected "Name: value" under a path: ${line}`);
    table.at(-1)[1][m[1]] = m[2];
  });
  return table;
}
