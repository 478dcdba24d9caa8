// A small static server for www/. By default it sends the two headers that make the page
// cross-origin isolated (so wasm threads and SharedArrayBuffer are allowed):
//   Cross-Origin-Opener-Policy: same-origin
//   Cross-Origin-Embedder-Policy: require-corp
// With `isolation: false` (CLI: --no-isolation) it sends neither, like an ordinary host or
// a documentation page that embeds the playground; the page then falls back to workers.
// Every response carries the Content-Security-Policy. The headers come from a table of
// (path pattern, headers) rows (scripts/lib/headers.mjs); `headers` replaces it, so
// scripts/preview.mjs serves dist/ with no headers at all, or with dist/_headers.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { devHeaders, headersFor } from './lib/headers.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.dag': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export const WWW = new URL('../www', import.meta.url).pathname;
/** The lesson files (lessons/*.md), served at /lessons/ beside www/ (dist/ copies them). */
export const LESSONS = new URL('../lessons', import.meta.url).pathname;

/**
 * Starts serving `root` on `port` (0 = any free port); resolves to `{ url, close() }`.
 * `headers` (rows of [pattern, headers], see scripts/lib/headers.mjs) defaults to the dev
 * server's table for `isolation` and `dip`, where a later row overrides an earlier one; a
 * given table (`[]`: none but Content-Type and Content-Length; dist/_headers) applies as a
 * host applies _headers. `onRequest(path)` (optional) is told every path asked for.
 */
export function startServer({ root = WWW, port = 8080, host = '127.0.0.1', isolation = true, dip = false, onRequest = null, headers } = {}) {
  const table = headers ?? devHeaders({ isolation, dip });
  const override = headers === undefined;
  root = root.replace(/\/+$/, '');
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    onRequest?.(path);
    const headers = headersFor(table, path, { override });
    // /lessons/ comes from the repo's lessons/ when serving www/ (dist/ has its own copy).
    const base = root === WWW.replace(/\/+$/, '') && path.startsWith('/lessons/') ? LESSONS.replace(/\/+$/, '') : root;
    const file = normalize(join(base, path.endsWith('/') ? `${path.replace(/^\/lessons/, '')}index.html` : base === root ? path : path.replace(/^\/lessons/, '')));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403, headers).end('forbidden');
      return;
    }
    let stat;
    try {
      stat = statSync(file);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    if (stat.isDirectory()) {
      res.writeHead(301, { ...headers, Location: `${path}/` }).end();
      return;
    }
    headers['Content-Type'] = TYPES[extname(file)] ?? 'application/octet-stream';
    headers['Content-Length'] = stat.size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${actual}/`,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }),
      });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const isolation = !process.argv.includes('--no-isolation');
  const dip = process.argv.includes('--dip');
  const port = Number(process.env.PORT ?? 8080);
  const { url } = await startServer({ port, isolation, dip });
  console.log(`fanout playground: ${url}  (${isolation ? 'cross-origin isolated' : 'not isolated: workers fallback'}${dip ? '; embed.html with Document-Isolation-Policy' : ''})`);
}
