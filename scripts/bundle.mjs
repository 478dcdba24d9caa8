// Bundles the playground page (www/app/main.js and the npm packages it imports: CodeMirror 6,
// @dagrejs/dagre) into www/dist/ with esbuild: app.js (the page) and layout-worker.js (dagre
// off the main thread for large graphs), minified, with source maps. The bundle sits one folder
// below www/, like www/app/, so `new URL('../worker/engine.js', import.meta.url)` in
// www/client/fanout.js still resolves to www/worker/engine.js; the workers stay unbundled.
// The embed has two more: www/dist/embed.js (embed.html's view; code-split, so the editor's
// CodeMirror and the graph view's dagre load only when their panel is asked for) and
// www/fanout-embed.js (the <fanout-playground> element, one small file beside embed.html,
// since it frames new URL('embed.html', import.meta.url)).
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
    minify: true,
    sourcemap: true,
    target: ['es2022'],
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const shared = { bundle: true, format: 'esm', minify: true, sourcemap: true, target: ['es2022'], legalComments: 'linked', metafile: true, logLevel: 'warning' };
  const embed = buildSync({
    ...shared,
    entryPoints: { embed: join(ROOT, 'www/embed/embed.js') },
    outdir: join(ROOT, 'www/dist'),
    splitting: true,
    chunkNames: '[name]-[hash]', // beside layout-worker.js and one folder below www/, as new URL()s in them expect
  });
  const element = buildSync({ ...shared, entryPoints: [join(ROOT, 'www/embed/element.js')], outfile: join(ROOT, 'www/fanout-embed.js') });
  for (const r of [embed, element]) Object.assign(result.metafile.outputs, r.metafile.outputs);
  if (!quiet) {
    const outs = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js'))
      .map(([f, o]) => `${f.replace(/^.*www\//, 'www/')} ${(o.bytes / 1024).toFixed(1)} KiB`);
    console.log(`bundled in ${(performance.now() - started).toFixed(0)} ms: ${outs.join(', ')}`);
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) bundle();
