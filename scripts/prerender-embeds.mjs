// Prerenders the static fallbacks of a page's embeds with the core itself (the plain wasm
// build, run here in Node), so a printed or unscripted page still shows a true timeline:
//  - every <fanout-playground …>graph<figure slot="fallback" class="fanout-fallback">…</figure>
//    gets, inside that figure, the SVG of its graph's simulated timeline (trace::svg) on the
//    element's `workers` (default 2) and a caption saying it is simulated;
//  - every <iframe data-graph="ID" data-params="…"> gets src="../embed.html?PARAMS#FRAGMENT"
//    with the graph of <template id="ID">, and its <figure data-fallback-for="ID"> the SVG.
// `node scripts/prerender-embeds.mjs [page.html …]` rewrites the pages in place (default:
// www/examples/docs.html); `--check` only says whether they are up to date (exit 1 if not).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFragment } from '../www/embed/fragment.js';
import { ROOT } from './setup.mjs';

export const DEFAULT_PAGES = [join(ROOT, 'www/examples/docs.html')];

/** The core's plain wasm build, initialised in this process. */
export async function loadCore() {
  const pkg = await import(join(ROOT, 'www/pkg/plain/fanout.js'));
  pkg.initSync({ module: readFileSync(join(ROOT, 'www/pkg/plain/fanout_bg.wasm')) });
  return pkg;
}

const decode = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const attr = (attrs, name) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(attrs);
  return m ? decode(m[1]) : null;
};
const dedent = (text) => {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length && !lines[0].trim()) lines.shift();
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  const cut = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^[ \t]*/)[0].length));
  return lines.map((l) => l.slice(Number.isFinite(cut) ? cut : 0)).join('\n');
};

function figure(core, graph, workers) {
  const svg = core.gantt_svg(graph, { workers }, 640);
  return `${svg}<figcaption>Simulated timeline on ${workers} worker${workers === 1 ? '' : 's'} (what the embed shows before it runs).</figcaption>`;
}

/** The page with its embeds' fallbacks (and iframe URLs) rendered. */
export function prerender(core, html) {
  let out = html.replace(/(<fanout-playground\b([^>]*)>)([\s\S]*?)(<figure slot="fallback" class="fanout-fallback">)[\s\S]*?(<\/figure>\s*<\/fanout-playground>)/g,
    (all, open, attrs, text, figOpen, close) => {
      const workers = Number(attr(attrs, 'workers') ?? 2);
      return `${open}${text}${figOpen}${figure(core, decode(dedent(text)), workers)}${close}`;
    });
  const templates = new Map();
  for (const m of out.matchAll(/<template id="([^"]+)">([\s\S]*?)<\/template>/g)) templates.set(m[1], decode(dedent(m[2])));
  out = out.replace(/<iframe\b([^>]*)>/g, (all, attrs) => {
    const id = attr(attrs, 'data-graph');
    if (!id || !templates.has(id)) return all;
    const params = attr(attrs, 'data-params') ?? '';
    const src = `../embed.html${params ? `?${params}` : ''}#${encodeFragment({ graph: templates.get(id) })}`;
    return `<iframe${attrs.replace(/\ssrc="[^"]*"/, ` src="${src.replace(/&/g, '&amp;')}"`)}>`;
  });
  out = out.replace(/(<figure class="fanout-fallback" data-fallback-for="([^"]+)">)[\s\S]*?(<\/figure>)/g, (all, open, id, close) => {
    if (!templates.has(id)) return all;
    const iframe = new RegExp(`data-graph="${id}" data-params="([^"]*)"`).exec(out);
    const workers = Number(new URLSearchParams(decode(iframe?.[1] ?? '')).get('workers') ?? 2);
    return `${open}${figure(core, templates.get(id), workers)}${close}`;
  });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  const pages = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const core = await loadCore();
  let stale = 0;
  for (const page of pages.length ? pages : DEFAULT_PAGES) {
    const html = readFileSync(page, 'utf8');
    const next = prerender(core, html);
    if (next === html) { console.log(`${page}: up to date`); continue; }
    if (check) { stale++; console.log(`${page}: out of date (run node scripts/prerender-embeds.mjs)`); }
    else { writeFileSync(page, next); console.log(`${page}: prerendered`); }
  }
  process.exit(stale ? 1 : 0);
}
