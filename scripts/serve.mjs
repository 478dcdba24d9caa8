// A small static server for www/. By default it sends the two headers that make the page
// cross-origin isolated (so wasm threads and SharedArrayBuffer are allowed):
//   Cross-Origin-Opener-Policy: same-origin
//   Cross-Origin-Embedder-Policy: require-corp
// With `isolation: false` (CLI: --no-isolation) it sends neither, like an ordinary host or
// a documentation page that embeds the playground; the page then falls back to workers.
// The embed's two files are meant to be used from other origins:
//   fanout-embed.js: Access-Control-Allow-Origin: * (a module script from another origin is
//     fetched with CORS) and Cross-Origin-Resource-Policy: cross-origin;
//   embed.html: Cross-Origin-Resource-Policy: cross-origin (framable by an isolated page), and
//     with `dip: true` (CLI: --dip) Document-Isolation-Policy: isolate-and-require-corp, which
//     isolates it even inside a page that is not (Chromium 137+): threads in any docs page.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.dag': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export const WWW = new URL('../www', import.meta.url).pathname;

/** Starts serving `root` on `port` (0 = any free port); resolves to `{ url, close() }`.
 *  `onRequest(path)` (optional) is told every path asked for, as it is asked. */
export function startServer({ root = WWW, port = 8080, host = '127.0.0.1', isolation = true, dip = false, onRequest = null } = {}) {
  const server = createServer((req, res) => {
    const headers = { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };
    if (isolation) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      headers['Cross-Origin-Resource-Policy'] = 'same-origin';
    }
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400, headers).end('bad request');
      return;
    }
    onRequest?.(path);
    if (/(^|\/)fanout-embed\.js$/.test(path)) {
      headers['Access-Control-Allow-Origin'] = '*';
      headers['Cross-Origin-Resource-Policy'] = 'cross-origin';
    }
    if (/(^|\/)embed\.html$/.test(path)) {
      headers['Cross-Origin-Resource-Policy'] = 'cross-origin';
      if (dip) headers['Document-Isolation-Policy'] = 'isolate-and-require-corp';
    }
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (file !== root && !file.startsWith(root + sep)) {
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
