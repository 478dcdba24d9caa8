// Share links: a graph and its run settings in a URL fragment, `#v1/PAYLOAD`, where PAYLOAD is
// lz-string's URI-safe compression (compressToEncodedURIComponent) of the JSON
// `{"text": "...", "settings": {"workers": 4, "mode": "auto", "policy": "fifo", "seed": 7}}`,
// optionally with `"lesson": "..."`, a whole lesson file (docs/lessons.md) whose own graph is
// `text`: a v1 reader that knows no lessons ignores the key and opens the graph.
// The format and its limits are documented in docs/sharing.md; src/share.rs is the same
// decoder in Rust (fuzzed: fuzz/fuzz_targets/share_link.rs), and both are checked against
// tests/data/share/vectors.json.
//
//   encodeShare({ text, settings }) -> fragment string (without the '#'); throws a
//       ShareError (kind 'too-long') when the link would be over MAX_LINK_CHARS
//   decodeShare(fragment) -> { ok: true, text, settings, lesson? } | { ok: false, kind, error }
//   isShareFragment(fragment) -> whether a fragment claims to be a share link (`v<digits>…`)
//
// decodeShare never throws and never does work beyond the limits: it refuses a payload over
// MAX_LINK_CHARS before reading it, then walks the compressed bit stream once measuring what it
// would expand to (no string is built), and only when that walk finds a whole, well-formed
// stream of at most MAX_DECODED_CHARS does lz-string decompress it. So a hostile link costs at
// most one linear pass over 100,000 characters, whatever it claims.
import LZString from 'lz-string';

/** The link format version this code writes; it reads every version in READABLE. */
export const VERSION = 1;
const READABLE = new Set([1]);
/** Longest payload (the characters after `v1/`) a link may have. */
export const MAX_LINK_CHARS = 100_000;
/** Most UTF-16 code units the payload may expand to (the JSON text). */
export const MAX_DECODED_CHARS = 1_000_000;
/** The values a link may give each run setting (absent = the page's default). */
export const MODES = ['auto', 'threads', 'workers', 'async', 'simulated'];
export const POLICIES = ['critical-path', 'fifo', 'priority', 'waves', 'random'];
export const MAX_WORKERS = 32;

// lz-string's URI-safe alphabet also lists `$`, but its 6-bit output never uses it (index 64).
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-';
const VALUE = new Int8Array(128).fill(-1); // char code -> 6-bit value, -1 outside the alphabet
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;
const number = (n) => n.toLocaleString('en-US');

/** A share link that cannot be made or opened; `kind` says why (see decodeShare). */
export class ShareError extends Error {
  constructor(kind, message) {
    super(message);
    this.name = 'ShareError';
    this.kind = kind;
  }
}

const fail = (kind, error) => ({ ok: false, kind, error });

/** Whether `fragment` (with or without '#') claims to be a share link: `v` then a digit. */
export function isShareFragment(fragment) {
  return /^#?v\d/.test(fragment ?? '');
}

/**
 * The checked run settings of `settings` (an object), or a ShareError naming the bad field.
 * Keys other than workers, mode, policy and seed are ignored (a later v1 may add some);
 * absent or null values are left out.
 */
function checkSettings(settings) {
  if (settings === undefined || settings === null) return {};
  if (typeof settings !== 'object' || Array.isArray(settings)) return new ShareError('not-a-graph', '`settings` must be an object');
  const out = {};
  const { workers, mode, policy, seed } = settings;
  if (workers !== undefined && workers !== null) {
    if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) return new ShareError('not-a-graph', `\`settings.workers\` must be a whole number from 1 to ${MAX_WORKERS}`);
    out.workers = workers;
  }
  if (mode !== undefined && mode !== null) {
    if (!MODES.includes(mode)) return new ShareError('not-a-graph', `\`settings.mode\` must be one of ${MODES.join(', ')}`);
    out.mode = mode;
  }
  if (policy !== undefined && policy !== null) {
    if (!POLICIES.includes(policy)) return new ShareError('not-a-graph', `\`settings.policy\` must be one of ${POLICIES.join(', ')}`);
    out.policy = policy;
  }
  if (seed !== undefined && seed !== null) {
    if (!Number.isSafeInteger(seed) || seed < 0) return new ShareError('not-a-graph', '`settings.seed` must be a whole number from 0 to 2^53 - 1');
    out.seed = seed;
  }
  return out;
}

/**
 * The fragment (no '#') of a link to `text` with `settings` ({ workers, mode, policy, seed },
 * each optional; unset ones are left out), and optionally a whole `lesson` (its Markdown). Throws a ShareError: 'not-a-graph' for settings
 * outside the values above, 'too-long' when the payload would exceed MAX_LINK_CHARS.
 */
export function encodeShare({ text, settings = {}, lesson }) {
  if (typeof text !== 'string') throw new ShareError('not-a-graph', '`text` must be a string');
  if (lesson !== undefined && typeof lesson !== 'string') throw new ShareError('not-a-graph', '`lesson` must be a string');
  const checked = checkSettings(settings);
  if (checked instanceof ShareError) throw checked;
  const json = JSON.stringify(lesson === undefined ? { text, settings: checked } : { text, settings: checked, lesson });
  if (json.length > MAX_DECODED_CHARS) {
    throw new ShareError('too-long', `This graph is too large to share by link: ${number(json.length)} characters, and a link holds at most ${number(MAX_DECODED_CHARS)}. Export it as a .dag file instead.`);
  }
  const payload = LZString.compressToEncodedURIComponent(json);
  if (payload.length > MAX_LINK_CHARS) {
    throw new ShareError('too-long', `This graph is too large to share by link: it compresses to ${number(payload.length)} characters, and a link holds at most ${number(MAX_LINK_CHARS)}. Export it as a .dag file instead.`);
  }
  return `v${VERSION}/${payload}`;
}

/**
 * Walks lz-string's bit stream (6 bits a character, codes least significant bit first) the
 * way its decompressor reads it, keeping only the length of each dictionary entry. Returns
 * `{ ok: true, length }` (UTF-16 units the stream expands to) or a failure: 'truncated' when
 * the characters end before the stream's end code (the decompressor also needs the character
 * after a fully read one), 'corrupted' for a code no dictionary entry has, 'too-large' as soon
 * as the expansion passes `limit` (with `read`, the characters read by then). Time and memory are linear in `values.length`.
 */
export function measureStream(values, limit = MAX_DECODED_CHARS) {
  const n = values.length;
  if (n === 0) return { ok: false, kind: 'truncated' };
  let index = 0;
  let val = values[0];
  let position = 32;
  let ended = false;
  const bit = () => {
    const res = val & position;
    position >>= 1;
    if (position === 0) {
      position = 32;
      index += 1;
      if (index >= n) { ended = true; return 0; }
      val = values[index];
    }
    return res ? 1 : 0;
  };
  const bits = (count) => {
    let res = 0;
    for (let i = 0; i < count && !ended; i++) res |= bit() << i;
    return res;
  };
  const lengths = [0, 0, 0]; // entries 0..2 are the codes char8, char16 and end
  const first = bits(2);
  if (ended) return { ok: false, kind: 'truncated' };
  if (first === 2) return { ok: true, length: 0 };
  if (first === 3) return { ok: false, kind: 'corrupted' };
  bits(first === 0 ? 8 : 16);
  if (ended) return { ok: false, kind: 'truncated' };
  lengths.push(1);
  let w = 1;
  let total = 1;
  let numBits = 3;
  let enlargeIn = 4;
  for (;;) {
    let code = bits(numBits);
    if (ended) return { ok: false, kind: 'truncated' };
    if (code === 0 || code === 1) {
      bits(code === 0 ? 8 : 16);
      if (ended) return { ok: false, kind: 'truncated' };
      lengths.push(1);
      code = lengths.length - 1;
      enlargeIn -= 1;
    } else if (code === 2) {
      return { ok: true, length: total };
    }
    if (enlargeIn === 0) { enlargeIn = 2 ** numBits; numBits += 1; }
    let entry;
    if (code < lengths.length) entry = lengths[code];
    else if (code === lengths.length) entry = w + 1;
    else return { ok: false, kind: 'corrupted' };
    total += entry;
    if (total > limit) return { ok: false, kind: 'too-large', read: index + 1 };
    lengths.push(w + 1);
    enlargeIn -= 1;
    w = entry;
    if (enlargeIn === 0) { enlargeIn = 2 ** numBits; numBits += 1; }
  }
}

/**
 * Opens a share-link fragment (with or without the leading '#'). Never throws. On failure
 * `kind` is one of: 'not-a-link' (no `v<N>/` prefix), 'future-version', 'too-long' (payload
 * over MAX_LINK_CHARS), 'too-large' (expands past MAX_DECODED_CHARS), 'truncated',
 * 'corrupted', 'not-a-graph' (decodes, but not to `{ text, settings }`), and `error` is a
 * sentence for the reader naming the problem.
 */
export function decodeShare(fragment) {
  let f = String(fragment ?? '');
  if (f.startsWith('#')) f = f.slice(1);
  const head = /^v(\d{1,9})(\/|$)/.exec(f);
  if (!head) return fail('not-a-link', 'This address has no fanout link in it: a link starts with #v1/.');
  const version = Number(head[1]);
  if (!READABLE.has(version)) {
    if (version > VERSION) return fail('future-version', `This link was made by a newer version of fanout (link format v${version}); this page opens format v${VERSION} links. Open it with the newer fanout, or ask for a new link.`);
    return fail('corrupted', `This link is damaged: format v${head[1]} does not exist (links start with #v1/).`);
  }
  let payload = f.slice(head[0].length);
  if (payload.length > MAX_LINK_CHARS * 3) return fail('too-long', `This link is too long to open: it has ${number(payload.length)} characters of graph data, and a link may have at most ${number(MAX_LINK_CHARS)}.`);
  // Some mail and chat programs percent-encode `$` or `+`; a space is a `+` read as a form.
  if (payload.includes('%')) {
    try { payload = decodeURIComponent(payload); } catch { return fail('corrupted', 'This link is damaged: it has a `%` that is not a percent-encoded character.'); }
  }
  payload = payload.replaceAll(' ', '+');
  if (payload.length > MAX_LINK_CHARS) return fail('too-long', `This link is too long to open: it has ${number(payload.length)} characters of graph data, and a link may have at most ${number(MAX_LINK_CHARS)}.`);
  if (payload.length === 0) return fail('truncated', 'This link is incomplete: it has no graph data after #v1/ (was it cut off when copied?).');
  const values = new Uint8Array(payload.length);
  for (let i = 0; i < payload.length; i++) {
    const code = payload.charCodeAt(i);
    const v = code < 128 ? VALUE[code] : -1;
    if (v < 0) return fail('corrupted', `This link is damaged: character ${number(i + 1)} of its graph data, ${JSON.stringify(payload[i])}, cannot appear in a fanout link.`);
    values[i] = v;
  }
  const measured = measureStream(values);
  if (!measured.ok) {
    if (measured.kind === 'truncated') return fail('truncated', `This link is incomplete: its ${number(payload.length)} characters of graph data end before the graph does (was it cut off when copied?).`);
    if (measured.kind === 'too-large') return fail('too-large', `This link is too large to open: its graph data expands to more than ${number(MAX_DECODED_CHARS)} characters, the most a link may hold.`);
    return fail('corrupted', 'This link is damaged: its graph data does not decode (a character was changed or lost).');
  }
  let json;
  try {
    json = LZString.decompressFromEncodedURIComponent(payload);
  } catch {
    json = null;
  }
  if (typeof json !== 'string' || json.length !== measured.length || !json.isWellFormed()) {
    return fail('corrupted', 'This link is damaged: its graph data does not decode (a character was changed or lost).');
  }
  let data;
  try {
    data = JSON.parse(json);
  } catch {
    return fail('not-a-graph', 'This link holds no fanout graph: its data is not the JSON a fanout link carries.');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail('not-a-graph', 'This link holds no fanout graph: its data is not an object with a `text`.');
  if (typeof data.text !== 'string') return fail('not-a-graph', 'This link holds no fanout graph: its `text` is missing or not a string.');
  if (!data.text.isWellFormed()) return fail('not-a-graph', 'This link holds no fanout graph: its `text` is not valid Unicode.');
  const settings = checkSettings(data.settings);
  if (settings instanceof ShareError) return fail('not-a-graph', `This link holds no fanout graph: ${settings.message}.`);
  // A lesson rides along as an optional key; one that is not a well-formed string is left out.
  const lesson = typeof data.lesson === 'string' && data.lesson.isWellFormed() ? data.lesson : undefined;
  return lesson === undefined ? { ok: true, text: data.text, settings } : { ok: true, text: data.text, settings, lesson };
}
