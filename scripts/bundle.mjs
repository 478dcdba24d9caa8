// Bundles the playground page (www/app/main.js and the npm packages it imports: CodeMirror 6,
// @dagrejs/dagre) into www/dist/ with esbuild: app.js (the page) and layout-worker.js (dagre
// off the main thread for large graphs), minified, with source maps. The bundle sits one folder
// below www/, like www/app/, so `new URL('../worker/engine.js', import.meta.url)` in
// www/client/fanout.js still resolves to www/worker/engine.js; the workers stay unbundled.
import { buildSync } from 'esbuild';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;

export function bundle({ quiet = false } = {}) {
  const started = performance.now();
  const result = buildSync({
    entryPoints: {
      app: join(ROOT, 'www/app/main.js'),
      'layout-worker': join(ROOT, 'www/app/layout-worker.js'),
    },
    outdir: join(ROOT, 'www/dist'),
    bundle: true,
    format: 'esm',
    minify: process.env.FANOUT_NO_MINIFY !== "1",
    sourcemap: true,
    target: ['es2022'],
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  if (!quiet) {
    const outs = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js'))
      .map(([f, o]) => `${f.replace(/^.*www\//, 'www/')} ${(o.bytes / 1024).toFixed(1)} KiB`);
    console.log(`bundled in ${(performance.now() - started).toFixed(0)} ms: ${outs.join(', ')}`);
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) bundle();
