// `npm run preview`: serves dist/ (written by `npm run build`) the way a plain static host
// would: no headers at all beyond Content-Type and Content-Length, so the playground runs in
// workers mode and says why. `npm run preview -- --isolation` serves it with the headers of
// dist/_headers, read back from the file a host (Netlify, Cloudflare Pages) would read.
// PORT sets the port (default 8080).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST } from './build-site.mjs';
import { parseHeadersFile } from './lib/headers.mjs';
import { startServer } from './serve.mjs';

/** Serves dist/ on `port`; with `isolation`, applies dist/_headers. Resolves to `{ url, close() }`. */
export function startPreview({ port = 0, isolation = false } = {}) {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('dist/ is missing: run `npm run build` first');
  const headers = isolation ? parseHeadersFile(readFileSync(join(DIST, '_headers'), 'utf8')) : [];
  return startServer({ root: DIST, port, headers });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const isolation = process.argv.includes('--isolation');
  const { url } = await startPreview({ port: Number(process.env.PORT ?? 8080), isolation });
  console.log(`fanout dist/ preview: ${url}  (${isolation ? 'headers of dist/_headers' : 'no headers, like a plain static host'}; Ctrl-C stops)`);
}
