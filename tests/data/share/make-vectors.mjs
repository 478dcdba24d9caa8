// Writes vectors.json: share-link fragments and what opening each must give. Both decoders
// read it: www/shared/share-link.js (tests/e2e/share-format.test.mjs) and src/share.rs
// (cargo test --lib share). Regenerate with `node tests/data/share/make-vectors.mjs`.
import { writeFileSync } from 'node:fs';
import LZString from 'lz-string';
import { decodeShare, encodeShare } from '../../../www/shared/share-link.js';
import { EVERY_FEATURE } from './graphs.mjs';

const z = (s) => LZString.compressToEncodedURIComponent(s);
const vectors = [];
const ok = (name, text, settings) => vectors.push({ name, fragment: encodeShare({ text, settings }), expect: { ok: true, text, settings } });
const bad = (name, fragment, kind) => vectors.push({ name, fragment, expect: { ok: false, kind } });

ok('simple graph, no settings', 'a : cpu 10ms\nb : cpu 5ms after a', {});
ok('every feature with every setting', EVERY_FEATURE, { workers: 4, mode: 'workers', policy: 'fifo', seed: 42 });
ok('empty text', '', {});
ok('largest seed', 'a : cpu 1', { seed: Number.MAX_SAFE_INTEGER, mode: 'simulated', workers: 32 });
ok('hostile label and comment', '# <script>alert(1)</script>\nx "<img src=x onerror=alert(1)>" : cpu 1ms', { policy: 'critical-path' });
const full = encodeShare({ text: EVERY_FEATURE, settings: { workers: 2 } });
vectors.push({ name: 'leading #', fragment: `#${full}`, expect: { ok: true, text: EVERY_FEATURE, settings: { workers: 2 } } });
vectors.push({ name: 'percent-encoded $ and +', fragment: full.replaceAll('$', '%24').replaceAll('+', '%2B'), expect: { ok: true, text: EVERY_FEATURE, settings: { workers: 2 } } });
vectors.push({ name: 'plus read as a space', fragment: full.replaceAll('+', ' '), expect: { ok: true, text: EVERY_FEATURE, settings: { workers: 2 } } });
vectors.push({ name: 'unknown settings ignored', fragment: `v1/${z(JSON.stringify({ text: 'a : cpu 1', settings: { workers: 3, theme: 'dark' }, extra: 1 }))}`, expect: { ok: true, text: 'a : cpu 1', settings: { workers: 3 } } });
vectors.push({ name: 'null settings', fragment: `v1/${z(JSON.stringify({ text: 'a : cpu 1', settings: null }))}`, expect: { ok: true, text: 'a : cpu 1', settings: {} } });

bad('truncated by one character', full.slice(0, -1), 'truncated');
bad('truncated to half', full.slice(0, Math.floor(full.length / 2)), 'truncated');
bad('nothing after v1/', 'v1/', 'truncated');
bad('no slash and no data', 'v1', 'truncated');
bad('character outside the alphabet', `${full.slice(0, 20)}!${full.slice(21)}`, 'corrupted');
bad('bad percent escape', `${full.slice(0, 20)}%zz${full.slice(20)}`, 'corrupted');
bad('version 0', `v0/${full.slice(3)}`, 'corrupted');
bad('first code 3', 'v1/----', 'corrupted');
bad('dollar sign (never written)', `${full.slice(0, 30)}$${full.slice(31)}`, 'corrupted');
bad('code past the dictionary', 'v1/ovceej', 'corrupted');
bad('future version 2', `v2/${full.slice(3)}`, 'future-version');
bad('future version 99', 'v99/anything', 'future-version');
bad('over the link size limit', `v1/${'A'.repeat(100_001)}`, 'too-long');
bad('expands past the decoded limit', `v1/${z('a'.repeat(1_100_000))}`, 'too-large');
bad('not JSON', `v1/${z('hello <b>world</b>')}`, 'not-a-graph');
bad('JSON array', `v1/${z('[1,2,3]')}`, 'not-a-graph');
bad('text not a string', `v1/${z('{"text":5}')}`, 'not-a-graph');
bad('no text', `v1/${z('{"settings":{}}')}`, 'not-a-graph');
bad('hostile mode', `v1/${z(JSON.stringify({ text: 'a : cpu 1', settings: { mode: '<img src=x onerror=alert(1)>' } }))}`, 'not-a-graph');
bad('workers 0', `v1/${z(JSON.stringify({ text: 'a : cpu 1', settings: { workers: 0 } }))}`, 'not-a-graph');
bad('workers 2.5', `v1/${z(JSON.stringify({ text: 'a : cpu 1', settings: { workers: 2.5 } }))}`, 'not-a-graph');
bad('negative seed', `v1/${z(JSON.stringify({ text: 'a : cpu 1', settings: { seed: -1 } }))}`, 'not-a-graph');
bad('seed past 2^53', `v1/${z('{"text":"a","settings":{"seed":18446744073709551615}}')}`, 'not-a-graph');
bad('settings an array', `v1/${z('{"text":"a","settings":[]}')}`, 'not-a-graph');
bad('lone surrogate', `v1/${z('{"text":"\uD800"}')}`, 'corrupted');
bad('escaped lone surrogate in the text', `v1/${z('{"text":"\\ud800"}')}`, 'not-a-graph');
bad('ten-digit version', 'v1234567890/abc', 'not-a-link');
bad('an ordinary anchor', 'results', 'not-a-link');

// Near misses of a real link, for the two decoders to agree on (what the page's decoder gives
// is the expectation; the Rust decoder must give the same): cut at many lengths, and one
// character changed to another of the alphabet (which may still open, to a different text).
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-';
let seed = 0x2545f491;
const rand = (n) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed % n; };
const base = encodeShare({ text: 'split : cpu 5ms\nmap[1..4] "map it" : cpu 40ms after split\nall : cpu 1ms reduce sum after map[*]', settings: { workers: 4, seed: 7 } });
const expectOf = (fragment) => {
  const r = decodeShare(fragment);
  return r.ok ? { ok: true, text: r.text, settings: r.settings } : { ok: false, kind: r.kind };
};
for (let i = 0; i < 40; i++) {
  const cut = 3 + rand(base.length - 3);
  vectors.push({ name: `near miss: cut at ${cut}`, fragment: base.slice(0, cut), expect: expectOf(base.slice(0, cut)) });
}
for (let i = 0; i < 120; i++) {
  const at = 3 + rand(base.length - 3);
  const fragment = base.slice(0, at) + ALPHABET[rand(64)] + base.slice(at + 1);
  vectors.push({ name: `near miss: character ${at} changed`, fragment, expect: expectOf(fragment) });
}

writeFileSync(new URL('./vectors.json', import.meta.url), `${JSON.stringify(vectors, null, 1)}\n`);
console.log(`wrote ${vectors.length} vectors`);
