// The share-link format in Node (no browser): www/shared/share-link.js against the vectors
// both decoders read (tests/data/share/vectors.json; the Rust decoder reads them in
// `cargo test --lib share`), the every-feature round trip, the limits, and that a hostile
// link costs one bounded pass (no decompression of what it claims).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import LZString from 'lz-string';
import {
  MAX_DECODED_CHARS, MAX_LINK_CHARS, ShareError, decodeShare, encodeShare, isShareFragment, measureStream,
} from '../../www/shared/share-link.js';
import { EVERY_FEATURE, bombPayload } from '../data/share/graphs.mjs';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-';
const VECTORS = JSON.parse(readFileSync(new URL('../data/share/vectors.json', import.meta.url), 'utf8'));

describe('share-link format', () => {
  test('every vector decodes as expected', () => {
    assert.ok(VECTORS.length >= 30);
    for (const v of VECTORS) {
      const r = decodeShare(v.fragment);
      if (v.expect.ok) {
        assert.equal(r.ok, true, `${v.name}: ${r.error}`);
        assert.equal(r.text, v.expect.text, v.name);
        assert.deepEqual(r.settings, v.expect.settings, v.name);
      } else {
        assert.equal(r.ok, false, v.name);
        assert.equal(r.kind, v.expect.kind, `${v.name}: ${r.error}`);
        assert.match(r.error, /^This (link|address)/, v.name);
      }
    }
  });

  test('a graph with every feature round-trips exactly, with its settings', () => {
    const settings = { workers: 3, mode: 'async', policy: 'waves', seed: 987654321 };
    const fragment = encodeShare({ text: EVERY_FEATURE, settings });
    assert.match(fragment, /^v1\/[A-Za-z0-9+-]+$/);
    const back = decodeShare(`#${fragment}`);
    assert.equal(back.ok, true, back.error);
    assert.equal(back.text, EVERY_FEATURE);
    assert.deepEqual(back.settings, settings);
  });

  test('measureStream agrees with lz-string on the expanded length', () => {
    for (const s of ['', 'a', 'abababababab', EVERY_FEATURE, 'x'.repeat(5000), '日本語 ✂️ \u0000 "q"']) {
      const payload = LZString.compressToEncodedURIComponent(s);
      const values = [...payload].map((c) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-'.indexOf(c));
      assert.deepEqual(measureStream(values), { ok: true, length: s.length }, JSON.stringify(s.slice(0, 20)));
    }
  });

  test('the five broken kinds each get their own message', () => {
    const good = encodeShare({ text: EVERY_FEATURE, settings: { workers: 2 } });
    const broken = {
      truncated: good.slice(0, -3),
      corrupted: `${good.slice(0, 40)}*${good.slice(41)}`,
      'future-version': `v2/${good.slice(3)}`,
      'too-long': `v1/${'B'.repeat(MAX_LINK_CHARS + 1)}`,
      'not-a-graph': `v1/${LZString.compressToEncodedURIComponent('{"graph":"a : cpu 1"}')}`,
    };
    const messages = new Set();
    for (const [kind, fragment] of Object.entries(broken)) {
      const r = decodeShare(fragment);
      assert.equal(r.kind, kind, r.error);
      messages.add(r.error);
    }
    assert.equal(messages.size, 5);
  });

  test('a link that claims a huge expansion is refused after one bounded pass', () => {
    // A "bomb" at the link limit: after one literal, every code names the entry about to be
    // made (w + w[0]), so entry k has k characters and the link expands as the square of
    // its codes: about 40,000 codes, 800,000,000 characters.
    const bomb = `v1/${bombPayload(MAX_LINK_CHARS)}`;
    const r = decodeShare(bomb);
    assert.equal(r.kind, 'too-large', r.error);
    // It stops counting when the expansion passes the limit: a small part of the link read,
    // nothing decompressed.
    const measured = measureStream([...bomb.slice(3)].map((c) => ALPHABET.indexOf(c)));
    assert.equal(measured.kind, 'too-large');
    assert.ok(measured.read < MAX_LINK_CHARS / 20, `read ${measured.read} characters`);
    // The same kind of stream, small enough for lz-string to afford, expands past the limit.
    const small = bombPayload(3_000);
    assert.ok(LZString.decompressFromEncodedURIComponent(small).length > MAX_DECODED_CHARS);
    assert.equal(decodeShare(`v1/${small}`).kind, 'too-large');
  });

  test('encodeShare refuses a graph too large for a link, and bad settings', () => {
    // Random-ish text compresses badly: over the link limit long before the decoded one.
    let text = '';
    let x = 1;
    while (text.length < 60_000) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0; text += String.fromCharCode(0x4e00 + (x % 20000)); }
    assert.throws(() => encodeShare({ text }), (e) => e instanceof ShareError && e.kind === 'too-long');
    assert.throws(() => encodeShare({ text: 'a'.repeat(MAX_DECODED_CHARS) }), (e) => e.kind === 'too-long');
    assert.throws(() => encodeShare({ text: 'a', settings: { mode: 'fast' } }), (e) => e.kind === 'not-a-graph');
    assert.throws(() => encodeShare({ text: 'a', settings: { workers: 33 } }), (e) => e.kind === 'not-a-graph');
  });

  test('isShareFragment tells links from ordinary anchors', () => {
    assert.equal(isShareFragment('#v1/abc'), true);
    assert.equal(isShareFragment('v2/abc'), true);
    assert.equal(isShareFragment('#results'), false);
    assert.equal(isShareFragment(''), false);
  });
});
