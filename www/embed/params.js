// The embed's settings, from embed.html's query parameters (the public contract of issue 10):
//   panels   any of editor, graph, timeline, results, speedup, lessons (comma-separated;
//            default graph,timeline,results), in the order given; `lessons` shows the lesson
//            of `lesson=<id>` or of the fragment's share link (docs/lessons.md)
//   readonly the reader cannot edit the graph or change the settings (present, 1 or true)
//   autorun  run once as soon as the embed is ready (present, 1 or true)
//   mode     auto (default), threads, workers, async or simulated
//   workers  1..32 (default: the fragment's, else 2)
//   theme    light, dark or auto (default; the reader's prefers-color-scheme, live)
//   height   a fixed height in CSS pixels (120..4000); without it the embed is as tall as
//            its content and reports that height to its parent
// Guarantees: `parseParams` never throws; every value it returns is valid; every parameter
// it could not use is named in `warnings` with why (the embed shows them).

export const PANELS = Object.freeze(['editor', 'graph', 'timeline', 'results', 'speedup', 'lessons']);
export const DEFAULT_PANELS = Object.freeze(['graph', 'timeline', 'results']);
export const EMBED_MODES = Object.freeze(['auto', 'threads', 'workers', 'async', 'simulated']);
export const THEMES = Object.freeze(['light', 'dark', 'auto']);
export const MAX_EMBED_WORKERS = 32;
export const DEFAULT_EMBED_WORKERS = 2;

const flag = (v) => v !== null && !/^(0|false|no|off)$/i.test(v.trim());

/** `search` (a URLSearchParams or a query string) → `{ panels, readonly, autorun, mode,
 *  workers (number or undefined), theme, height (number or undefined), warnings }`. */
export function parseParams(search) {
  const q = search instanceof URLSearchParams ? search : new URLSearchParams(String(search ?? ''));
  const warnings = [];
  let panels = [...DEFAULT_PANELS];
  if (q.has('panels')) {
    const asked = q.get('panels').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    const bad = asked.filter((p) => !PANELS.includes(p));
    if (bad.length) warnings.push(`panels: ignored ${bad.map((b) => `"${b}"`).join(', ')} (use ${PANELS.join(', ')})`);
    const good = [...new Set(asked.filter((p) => PANELS.includes(p)))];
    if (good.length) panels = good;
    else warnings.push(`panels: none usable, showing ${DEFAULT_PANELS.join(',')}`);
  }
  let mode = 'auto';
  if (q.has('mode')) {
    const m = q.get('mode').trim().toLowerCase();
    if (EMBED_MODES.includes(m)) mode = m;
    else warnings.push(`mode: "${q.get('mode')}" is not one of ${EMBED_MODES.join(', ')}; using auto`);
  }
  let workers;
  if (q.has('workers')) {
    const n = Number(q.get('workers'));
    if (Number.isInteger(n) && n >= 1 && n <= MAX_EMBED_WORKERS) workers = n;
    else warnings.push(`workers: "${q.get('workers')}" is not a whole number from 1 to ${MAX_EMBED_WORKERS}`);
  }
  let theme = 'auto';
  if (q.has('theme')) {
    const t = q.get('theme').trim().toLowerCase();
    if (THEMES.includes(t)) theme = t;
    else warnings.push(`theme: "${q.get('theme')}" is not one of ${THEMES.join(', ')}; using auto`);
  }
  let height;
  if (q.has('height')) {
    const h = Number(String(q.get('height')).replace(/px$/, ''));
    if (Number.isFinite(h) && h >= 120 && h <= 4000) height = Math.round(h);
    else warnings.push(`height: "${q.get('height')}" is not a pixel height from 120 to 4000`);
  }
  return { panels, readonly: flag(q.get('readonly')), autorun: flag(q.get('autorun')), mode, workers, theme, height, warnings };
}

/** The query string (without `?`) for settings like `parseParams` returns (only what
 *  differs from the defaults). */
export function paramsQuery({ panels, readonly, autorun, mode, workers, theme, height } = {}) {
  const q = new URLSearchParams();
  if (panels && panels.join(',') !== DEFAULT_PANELS.join(',')) q.set('panels', panels.join(','));
  if (readonly) q.set('readonly', '');
  if (autorun) q.set('autorun', '');
  if (mode && mode !== 'auto') q.set('mode', mode);
  if (workers !== undefined) q.set('workers', String(workers));
  if (theme && theme !== 'auto') q.set('theme', theme);
  if (height !== undefined) q.set('height', String(height));
  return q.toString().replace(/=(?=&|$)/g, '');
}
