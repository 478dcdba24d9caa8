// `npm run build`'s site step: writes dist/, a self-contained static site (no server code)
// from www/ and the two wasm builds in www/pkg/ (scripts/build-wasm.mjs makes them):
//   index.html, embed.html, examples/…   the pages, each with the CSP as a <meta>
//   fanout-embed.js …                   bundles marked `public` in ENTRIES: unhashed names
//   assets/<name>-<hash>.js, .css        every other bundle, its chunks, the workers, styles
//   pkg/plain-<hash>/, pkg/threads-<hash>/   the wasm builds, named by their content
//   coi.js, coi-serviceworker.js         opt-in isolation for hosts that send no headers
//   _headers                             the headers for Netlify / Cloudflare Pages
// Nothing is listed by hand: the bundles are scripts/bundle.mjs's ENTRIES, plus every
// script a bundled module starts by `new URL('…', import.meta.url)` (the engine and task
// workers, found by reading the sources). A module's URL references are rewritten to the
// hashed names before esbuild hashes the module, so a name changes whenever anything it
// loads changes, and a cache may keep every hashed file for a year.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { COMMON, ENTRIES } from './bundle.mjs';
import { CSP, SITE_HEADERS, formatHeadersFile } from './lib/headers.mjs';

const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const WWW = join(ROOT, 'www');
export const DIST = join(ROOT, 'dist');
/** Folders of www/ that are sources (bundled) or build outputs, never copied as they are. */
const SOURCE_DIRS = new Set(['app', 'client', 'shared', 'worker', 'dist', 'pkg']);
const URL_REF = /new URL\((['"])([^'"]+)\1,\s*import\.meta\.url\)/g;

const hashOf = (...buffers) => {
  const h = createHash('sha256');
  for (const b of buffers) h.update(b);
  return h.digest('hex').slice(0, 10);
};
const toPosix = (p) => p.split('\\').join('/');
/** `target` (a dist-relative path) as a URL relative to the dist-relative folder `fromDir`. */
const relUrl = (fromDir, target) => {
  const r = toPosix(relative(join('/', fromDir), join('/', target)));
  return r.startsWith('.') ? r : `./${r}`;
};
const filesUnder = (dir) => readdirSync(dir, { recursive: true }).map(String)
  .filter((f) => statSync(join(dir, f)).isFile()).sort();

/**
 * Maps www/ files to their dist/ paths (dist-relative), and rewrites sources accordingly.
 * `map` grows as the build goes: pkg folders first, then each level of bundles.
 */
class SiteMap {
  constructor() {
    this.map = new Map(); // absolute www path -> dist-relative path
  }

  set(wwwPath, distPath) {
    this.map.set(wwwPath, distPath);
  }

  /** The dist path of the www file `abs`; a file of www/ that is not a source is copied to
   *  the same place. Throws for a file that does not exist. */
  get(abs, from) {
    if (this.map.has(abs)) return this.map.get(abs);
    const rel = toPosix(relative(WWW, abs));
    if (rel.startsWith('..') || !existsSync(abs) || SOURCE_DIRS.has(rel.split('/')[0])) {
      throw new Error(`${from}: a reference to ${rel} that the site build does not know how to place`);
    }
    return rel;
  }

  /** The esbuild plugin for bundles written to the dist-relative folder `outDir`, whose
   *  development location is the folder `devDir`: rewrites `new URL('…', import.meta.url)`
   *  in www/ sources (relative to `devDir`, where they run in development) to the dist
   *  files, and keeps imports of the wasm glue external, pointing at the hashed pkg folder. */
  plugin(outDir, devDir) {
    const site = this;
    return {
      name: 'fanout-site',
      setup(b) {
        b.onResolve({ filter: /pkg\// }, (args) => {
          const abs = resolve(args.resolveDir, args.path);
          if (!abs.startsWith(join(WWW, 'pkg') + '/')) return undefined;
          return { path: relUrl(outDir, site.get(abs, args.importer)), external: true };
        });
        b.onLoad({ filter: /\.m?js$/ }, (args) => {
          if (!args.path.startsWith(WWW + '/')) return undefined;
          const text = readFileSync(args.path, 'utf8').replace(URL_REF, (_, q, spec) =>
            `new URL(${q}${relUrl(outDir, site.get(resolve(devDir, spec), args.path))}${q}, import.meta.url)`);
          return { contents: text, loader: 'js', resolveDir: dirname(args.path) };
        });
      },
    };
  }
}

/** Every www/ source bundled into some bundle (filled by urlRefsOf): not copied to dist/. */
const bundledSources = new Set();

/** The www files a bundle's modules reference by `new URL(…, import.meta.url)`, resolved
 *  where the bundle runs in development (`devDir`). */
async function urlRefsOf(source, devDir) {
  const r = await build({
    ...COMMON, absWorkingDir: ROOT, splitting: false, minify: false, write: false, outdir: join(ROOT, 'dist-scan'), entryPoints: [source],
    plugins: [{ name: 'pkg-external', setup(b) { b.onResolve({ filter: /pkg\// }, () => ({ external: true })); } }],
  });
  const refs = new Set();
  for (const input of Object.keys(r.metafile.inputs)) {
    const abs = resolve(ROOT, input);
    if (!abs.startsWith(WWW + '/')) continue;
    bundledSources.add(abs);
    for (const m of readFileSync(abs, 'utf8').matchAll(URL_REF)) refs.add(resolve(devDir, m[2]));
  }
  return [...refs];
}

/**
 * ENTRIES plus every unbundled script referenced by URL (the engine and task workers), each
 * with `devOut` (the file pages and modules load in development: www/dist/<name>.js,
 * www/<name>.js when public, or the unbundled script itself), `devDir` (its folder) and its
 * level: a bundle is built after everything it references (1 + their highest level).
 */
async function plan() {
  const entries = new Map(); // devOut -> entry
  for (const e of ENTRIES) {
    const devOut = join(WWW, e.public ? '' : 'dist', `${e.name}.js`);
    entries.set(devOut, { ...e, abs: resolve(ROOT, e.source), devOut, devDir: dirname(devOut) });
  }
  const refs = new Map();
  for (let todo = [...entries.keys()]; todo.length;) {
    const e = entries.get(todo.pop());
    refs.set(e.devOut, await urlRefsOf(e.abs, e.devDir));
    for (const ref of refs.get(e.devOut)) {
      if (!/\.m?js$/.test(ref) || ref.startsWith(join(WWW, 'pkg') + '/') || entries.has(ref)) continue;
      if (!existsSync(ref)) throw new Error(`${relative(ROOT, e.abs)}: new URL() to ${relative(ROOT, ref)}, which does not exist`);
      entries.set(ref, { name: basename(ref).replace(/\.m?js$/, ''), source: relative(ROOT, ref), abs: ref, devOut: ref, devDir: dirname(ref) });
      todo.push(ref);
    }
  }
  const level = new Map();
  const levelOf = (key, seen = new Set()) => {
    if (level.has(key)) return level.get(key);
    if (seen.has(key)) throw new Error(`bundles reference each other in a cycle: ${[...seen].map((p) => relative(WWW, p)).join(' -> ')}`);
    seen.add(key);
    const deps = refs.get(key).filter((r) => entries.has(r));
    const l = deps.length ? 1 + Math.max(...deps.map((d) => levelOf(d, seen))) : 0;
    level.set(key, l);
    return l;
  };
  for (const key of entries.keys()) levelOf(key);
  return [...entries.values()].map((e) => ({ ...e, level: level.get(e.devOut) }));
}

/** Copies www/pkg/<name>/ to dist/pkg/<name>-<hash>/ (hash of every file in it). */
function copyPkg(site, name) {
  const src = join(WWW, 'pkg', name);
  if (!existsSync(join(src, 'fanout_bg.wasm'))) throw new Error(`www/pkg/${name} is missing: run npm run build:wasm`);
  const files = filesUnder(src);
  const hash = hashOf(...files.flatMap((f) => [f, readFileSync(join(src, f))]));
  const dest = `pkg/${name}-${hash}`;
  cpSync(src, join(DIST, dest), { recursive: true });
  for (const f of files) site.set(join(src, f), `${dest}/${toPosix(f)}`);
}

/** Builds one level of bundles: public ones unhashed at the root (one file each), the
 *  others code-split into assets/ with hashed names, one esbuild call per development folder
 *  (a module's new URL()s are relative to it). */
async function buildLevel(site, entries) {
  const groups = [];
  for (const dir of new Set(entries.filter((e) => !e.public).map((e) => e.devDir))) {
    groups.push([entries.filter((e) => !e.public && e.devDir === dir), 'assets', dir, { splitting: true, entryNames: '[name]-[hash]', chunkNames: '[name]-[hash]' }]);
  }
  for (const e of entries.filter((x) => x.public)) groups.push([[e], '.', e.devDir, { splitting: false, entryNames: '[name]' }]);
  for (const [group, outDir, devDir, options] of groups) {
    const r = await build({
      ...COMMON, ...options, absWorkingDir: ROOT, sourcemap: true, outdir: join(DIST, outDir),
      entryPoints: Object.fromEntries(group.map((e) => [e.name, e.abs])),
      plugins: [site.plugin(outDir, devDir)],
    });
    for (const [out, meta] of Object.entries(r.metafile.outputs)) {
      if (!meta.entryPoint) continue;
      const e = group.find((g) => resolve(ROOT, meta.entryPoint) === g.abs);
      if (e) site.set(e.devOut, toPosix(relative(DIST, resolve(ROOT, out))));
    }
  }
}

/** The `src`/`href` references of an HTML page, rewritten to dist paths; dev bundles
 *  (dist/<name>.js) map to their bundle, styles.css to its hashed copy. */
function rewriteHtml(site, file, html, { coi }) {
  const dir = dirname(relative(WWW, file));
  const out = html.replace(/\b(src|href)="([^"#?:]+)"/g, (all, attr, ref) => {
    const abs = resolve(dirname(file), ref);
    return `${attr}="${relUrl(dir, site.get(abs, relative(ROOT, file))).replace(/^\.\/(?=.)/, '')}"`;
  });
  const meta = `<meta http-equiv="Content-Security-Policy" content="${CSP}">`;
  const coiTags = coi ? '\n  <script src="coi.js"></script>\n  <script src="coi-serviceworker.js"></script>' : '';
  if (!/<meta charset="utf-8">/i.test(out)) throw new Error(`${relative(ROOT, file)}: no <meta charset="utf-8"> to put the CSP after`);
  if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(out)) throw new Error(`${relative(ROOT, file)}: an inline <script>: the CSP forbids it`);
  return out.replace(/<meta charset="utf-8">/i, (m) => `${m}\n  ${meta}${coiTags}`);
}

/** Builds dist/ from www/ and www/pkg/. Returns the list of files written. */
export async function buildSite({ quiet = false } = {}) {
  const started = performance.now();
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  const site = new SiteMap();
  for (const name of ['plain', 'threads']) copyPkg(site, name);

  const css = readFileSync(join(WWW, 'styles.css'));
  const cssPath = `assets/styles-${hashOf(css)}.css`;
  mkdirSync(join(DIST, 'assets'), { recursive: true });
  writeFileSync(join(DIST, cssPath), css);
  site.set(join(WWW, 'styles.css'), cssPath);

  const entries = await plan();
  for (let l = 0; l <= Math.max(...entries.map((e) => e.level)); l++) {
    await buildLevel(site, entries.filter((e) => e.level === l));
  }
  // Every other file of www/ (pages, examples and their data): copied, pages rewritten;
  // not the bundles' sources, nor public bundles built for development (www/<name>.js…).
  const devBuilt = entries.filter((e) => e.public).map((e) => e.devOut);
  for (const rel of filesUnder(WWW)) {
    if (SOURCE_DIRS.has(rel.split('/')[0]) || rel === 'styles.css') continue;
    const abs = join(WWW, rel);
    if (devBuilt.some((d) => abs === d || abs.startsWith(`${d}.`))) continue;
    const dest = join(DIST, rel);
    mkdirSync(dirname(dest), { recursive: true });
    if (extname(rel) === '.html') {
      writeFileSync(dest, rewriteHtml(site, abs, readFileSync(abs, 'utf8'), { coi: rel === 'index.html' }));
    } else if (!bundledSources.has(abs)) {
      cpSync(abs, dest);
    }
  }
  // The lessons (lessons/*.md and their index), opened by ?lesson=<id>.
  cpSync(join(ROOT, 'lessons'), join(DIST, 'lessons'), { recursive: true });
  cpSync(join(ROOT, 'node_modules/coi-serviceworker/coi-serviceworker.min.js'), join(DIST, 'coi-serviceworker.js'));
  cpSync(join(ROOT, 'scripts/site/coi.js'), join(DIST, 'coi.js'));
  writeFileSync(join(DIST, '_headers'), formatHeadersFile(SITE_HEADERS));
  const files = filesUnder(DIST);
  if (!quiet) console.log(`dist/: ${files.length} files in ${(performance.now() - started).toFixed(0)} ms`);
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) await buildSite();
