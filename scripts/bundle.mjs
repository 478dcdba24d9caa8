// Bundles the page's entry points (ENTRIES: www/app/main.js and the npm packages it imports,
// CodeMirror 6 and @dagrejs/dagre, and the layout worker) into www/dist/ with esbuild,
// minified, with source maps, code-split: modules shared by entries, and modules an entry
// imports dynamically (`await import('../app/editor.js')`), become chunks loaded only when
// needed, so a view without the editor does not load CodeMirror. The bundle sits one folder
// below www/, like www/app/, so `new URL('../worker/engine.js', import.meta.url)` in
// www/client/fanout.js still resolves to www/worker/engine.js; the workers stay unbundled
// here. The static site (scripts/build-site.mjs) bundles the same ENTRIES with hashed names.
import { buildSync } from 'esbuild';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * Every bundle, by name. In development a bundle is www/dist/<name>.js, and its chunks sit
 * beside it; a `public` one is one file, www/<name>.js, beside the pages (for a script other
 * sites link to). In dist/ a bundle is hashed under assets/ (assets/<name>-<hash>.js) unless
 * it is `public`: then it keeps its name at the site root. A module's
 * `new URL('…', import.meta.url)` is relative to the bundle it ends up in, so write it
 * relative to that development location. Add a row for a new entry point.
 */
export const ENTRIES = [
  { name: 'app', source: 'www/app/main.js' }, // the playground page
  { name: 'layout-worker', source: 'www/app/layout-worker.js' }, // dagre off the main thread
  { name: 'embed', source: 'www/embed/embed.js' }, // embed.html's view; its panels load on demand
  { name: 'fanout-embed', source: 'www/embed/element.js', public: true }, // <fanout-playground>
];

/** The esbuild options every bundle of the project shares (dev and dist). */
export const COMMON = {
  bundle: true,
  format: 'esm',
  // FANOUT_NO_MINIFY=1 keeps names readable, for profiles (scripts/trace-run.mjs).
  minify: process.env.FANOUT_NO_MINIFY !== '1',
  target: ['es2022'],
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
};

export function bundle({ quiet = false } = {}) {
  const started = performance.now();
  const result = buildSync({
    ...COMMON,
    splitting: true,
    entryPoints: Object.fromEntries(ENTRIES.filter((e) => !e.public).map((e) => [e.name, join(ROOT, e.source)])),
    outdir: join(ROOT, 'www/dist'),
    chunkNames: '[name]-[hash]', // beside the entries, one folder below www/, as their new URL()s expect
    sourcemap: true,
  });
  for (const e of ENTRIES.filter((x) => x.public)) {
    const r = buildSync({ ...COMMON, entryPoints: [join(ROOT, e.source)], outfile: join(ROOT, 'www', `${e.name}.js`), sourcemap: true });
    Object.assign(result.metafile.outputs, r.metafile.outputs);
  }
  if (!quiet) {
    const outs = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js'))
      .map(([f, o]) => `${f.replace(/^.*www\//, 'www/')} ${(o.bytes / 1024).toFixed(1)} KiB`);
    console.log(`bundled in ${(performance.now() - started).toFixed(0)} ms: ${outs.join(', ')}`);
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) bundle();
