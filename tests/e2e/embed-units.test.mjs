// The embed's pure modules, in Node (no browser): the fragment format, the query parameters,
// the message protocol's shape checks, and that the example docs page's prerendered
// fallbacks are what the core renders today (so the static picture stays true).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import lz from 'lz-string';
import { decodeFragment, encodeFragment } from '../../www/embed/fragment.js';
import { decodeShare } from '../../www/shared/share-link.js';
import { DEFAULT_PANELS, paramsQuery, parseParams } from '../../www/embed/params.js';
import { PROTOCOL, checkRunResult, fromEmbed, toEmbed } from '../../www/embed/protocol.js';
import { DEFAULT_PAGES, loadCore, prerender } from '../../scripts/prerender-embeds.mjs';

test('a fragment is a share link: it round-trips the graph and settings, and is URI-safe', () => {
  const graph = 'a "<b>label</b>" : cpu 5ms\nb : io 2s after a # ünïcode ✓';
  const f = encodeFragment({ graph, workers: 3, mode: 'workers', seed: 7, policy: 'fifo' });
  assert.match(f, /^v1\/[A-Za-z0-9+\-]+$/);
  assert.deepEqual(decodeFragment(`#${f}`), { ok: true, state: { graph, workers: 3, mode: 'workers', seed: 7, policy: 'fifo' } });
  // The same string opens in the playground as a share link.
  assert.deepEqual(decodeShare(f), { ok: true, text: graph, settings: { workers: 3, mode: 'workers', seed: 7, policy: 'fifo' } });
});

test('broken fragments each give their own message, and never throw', () => {
  const good = encodeFragment({ graph: 'a : cpu 1ms' });
  const cases = [
    ['', 'empty', /empty/],
    ['#hello', 'not-a-link', /no fanout link/],
    [`v9/${good.slice(3)}`, 'future-version', /newer version of fanout \(link format v9/],
    [good.slice(0, 8), 'truncated', /incomplete/],
    [`v1/${lz.compressToEncodedURIComponent('{"text": 5}')}`, 'not-a-graph', /`text` is missing or not a string/],
    [`v1/${lz.compressToEncodedURIComponent('not json')}`, 'not-a-graph', /not the JSON/],
    [`v1/${'A'.repeat(300_000)}`, 'too-long', /too long/],
  ];
  for (const [f, kind, message] of cases) {
    const r = decodeFragment(f);
    assert.equal(r.ok, false, f.slice(0, 20));
    assert.equal(r.kind, kind, f.slice(0, 20));
    assert.match(r.error, message);
  }
});

test('query parameters: defaults, every valid value, and a warning for each bad one', () => {
  assert.deepEqual(parseParams(''), { panels: [...DEFAULT_PANELS], readonly: false, autorun: false, mode: 'auto', workers: undefined, theme: 'auto', height: undefined, warnings: [] });
  const p = parseParams('panels=speedup,editor,speedup&readonly&autorun=1&mode=threads&workers=4&theme=dark&height=480px');
  assert.deepEqual({ ...p, warnings: undefined }, { panels: ['speedup', 'editor'], readonly: true, autorun: true, mode: 'threads', workers: 4, theme: 'dark', height: 480, warnings: undefined });
  const bad = parseParams('panels=chart&mode=fast&workers=0&theme=blue&height=5&readonly=false');
  assert.equal(bad.readonly, false);
  assert.deepEqual(bad.panels, [...DEFAULT_PANELS]);
  assert.equal(bad.warnings.length, 6, bad.warnings.join('\n'));
  for (const name of ['panels', 'mode', 'workers', 'theme', 'height']) assert.ok(bad.warnings.some((w) => w.startsWith(`${name}:`)), name);
  assert.equal(paramsQuery(parseParams('panels=timeline&autorun&workers=2')), 'panels=timeline&autorun&workers=2');
});

const result = () => ({ mode: 'workers', workers: 2, makespan_ms: 12.5, sequential_ms: 20, tasks: [
  { id: 'a', worker: 0, start_ms: 0, end_ms: 10, status: 'ok', attempts: [{ worker: 0, start_ms: 0, end_ms: 10, status: 'ok' }], value: [1, 2] },
  { id: '<img src=x onerror=alert(1)>', worker: 1, start_ms: 0, end_ms: 12.5, status: 'failed' },
], result: { a: 3 }, extra: 'dropped' });

test('messages from the embed: well-formed ones come back clean, anything else is null', () => {
  const ok = fromEmbed({ fanout: PROTOCOL, type: 'result', result: result() });
  assert.equal(ok.result.tasks.length, 2);
  assert.equal(ok.result.extra, undefined, 'unknown fields are dropped');
  assert.deepEqual(ok.result.tasks[0].value, [1, 2]);
  assert.deepEqual(fromEmbed({ fanout: PROTOCOL, type: 'height', height: 420 }), { fanout: PROTOCOL, type: 'height', height: 420 });
  assert.ok(fromEmbed({ fanout: PROTOCOL, type: 'ready', tier: 1, mode: 'threads', isolated: true, reason: 'x' }));
  const broken = [
    null, 'result', [], { type: 'result', result: result() },
    { fanout: 'other/1', type: 'result', result: result() },
    { fanout: PROTOCOL, type: 'eval', code: 'alert(1)' },
    { fanout: PROTOCOL, type: 'height', height: 'tall' },
    { fanout: PROTOCOL, type: 'height', height: Infinity },
    { fanout: PROTOCOL, type: 'progress', done: 3, total: 2 },
    { fanout: PROTOCOL, type: 'ready', tier: 4, mode: 'threads', isolated: true, reason: '' },
    { fanout: PROTOCOL, type: 'ready', tier: 1, mode: 'threads', isolated: 'yes', reason: '' },
  ];
  for (const m of broken) assert.equal(fromEmbed(m), null, JSON.stringify(m));
  for (const mutate of [(r) => { delete r.tasks[0].id; }, (r) => { r.tasks[0].status = 'done'; }, (r) => { r.tasks[1].worker = -1; },
    (r) => { r.makespan_ms = NaN; }, (r) => { r.tasks = {}; }, (r) => { r.tasks[0].attempts[0].end_ms = '10'; }]) {
    const r = result();
    mutate(r);
    assert.equal(checkRunResult(r), null);
  }
});

test('messages to the embed: theme, style (only the documented variables, no CSS injection), run', () => {
  assert.deepEqual(toEmbed({ fanout: PROTOCOL, type: 'theme', theme: 'dark' }), { fanout: PROTOCOL, type: 'theme', theme: 'dark' });
  assert.equal(toEmbed({ fanout: PROTOCOL, type: 'theme', theme: 'sepia' }), null);
  const style = toEmbed({ fanout: PROTOCOL, type: 'style', vars: { '--fanout-accent': ' #0b6e69 ', '--fanout-bg': 'red; background: url(x)', '--other': 'blue', '--fanout-fg': 'url(https://x)' } });
  assert.deepEqual(style.vars, { '--fanout-accent': '#0b6e69' });
  assert.deepEqual(toEmbed({ fanout: PROTOCOL, type: 'run', extra: 1 }), { fanout: PROTOCOL, type: 'run' });
  assert.equal(toEmbed({ fanout: PROTOCOL, type: 'navigate', url: 'https://x' }), null);
});

test('the example docs page holds the timelines the core renders now, and the iframe its graph', async () => {
  const core = await loadCore();
  for (const page of DEFAULT_PAGES) {
    const html = readFileSync(page, 'utf8');
    assert.equal(prerender(core, html), html, `${page} is out of date: run node scripts/prerender-embeds.mjs`);
    assert.ok((html.match(/class="fo-bar fo-ok"/g) ?? []).length >= 14, 'both fallbacks are drawn');
    const frag = /embed\.html\?[^#"]*#([^"]+)"/.exec(html)[1];
    const decoded = decodeFragment(frag);
    assert.equal(decoded.ok, true);
    assert.match(decoded.state.graph, /^split {2}: cpu 20ms\n/);
  }
  // The SVG escapes what a graph's ids hold: an id cannot carry markup (the language
  // refuses it), and labels never reach the SVG, so check the escaping through the core.
  const svg = core.gantt_svg('a : cpu 10ms\nb : cpu 5ms after a', { workers: 1 }, 400);
  assert.match(svg, /^<svg [^>]*viewBox="0 0 400 /);
  assert.equal((svg.match(/<g class="fo-bar fo-ok">/g) ?? []).length, 2);
  assert.throws(() => core.gantt_svg('a : cpu', {}, 400));
});
