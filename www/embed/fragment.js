// The embed's URL fragment: the graph (and optional run settings) as one versioned,
// compressed string, `v1.` + lz-string's URI-safe encoding of JSON
// `{ "graph": text, "workers"?, "mode"?, "policy"?, "seed"? }`.
// Guarantees: `decodeFragment` never throws; it returns `{ ok: true, state }` or
// `{ ok: false, error }` with a sentence naming the problem (empty, unknown version,
// corrupted, too large); it never evaluates anything; `encodeFragment(decode(x).state)`
// round-trips. This is the embed's one seam to the share-link format (issue 10 §2).
import lz from 'lz-string';

export const FRAGMENT_VERSION = 'v1';
/** Fragments longer than this (characters, after `#`) are refused unread. */
export const MAX_FRAGMENT = 200_000;
/** Graph text longer than this (characters, decompressed) is refused. */
export const MAX_GRAPH = 1_000_000;

/** `state` = `{ graph, workers?, mode?, policy?, seed? }` → the fragment (without `#`). */
export function encodeFragment(state) {
  const body = { graph: String(state.graph ?? '') };
  for (const k of ['workers', 'mode', 'policy', 'seed']) if (state[k] !== undefined && state[k] !== null) body[k] = state[k];
  return `${FRAGMENT_VERSION}.${lz.compressToEncodedURIComponent(JSON.stringify(body))}`;
}

/** Decodes a fragment (with or without its `#`). */
export function decodeFragment(fragment) {
  let f = String(fragment ?? '');
  if (f.startsWith('#')) f = f.slice(1);
  if (f === '') return { ok: false, error: 'the link holds no graph (its fragment after # is empty)' };
  if (f.length > MAX_FRAGMENT) return { ok: false, error: `the link is too long (${f.length} characters; at most ${MAX_FRAGMENT})` };
  const dot = f.indexOf('.');
  const version = dot < 0 ? '' : f.slice(0, dot);
  if (!/^v\d+$/.test(version)) return { ok: false, error: 'the link is not a fanout graph link (it should start with v1.)' };
  if (version !== FRAGMENT_VERSION) return { ok: false, error: `the link is from a newer fanout (format ${version}; this page reads ${FRAGMENT_VERSION})` };
  let json;
  try {
    json = lz.decompressFromEncodedURIComponent(f.slice(dot + 1));
  } catch {
    json = null;
  }
  if (typeof json !== 'string' || json === '') return { ok: false, error: 'the link is corrupted or cut short: its graph does not decompress' };
  if (json.length > MAX_GRAPH + 1000) return { ok: false, error: `the graph in the link is too large (at most ${MAX_GRAPH} characters)` };
  let body;
  try {
    body = JSON.parse(json);
  } catch {
    return { ok: false, error: 'the link is corrupted or cut short: its contents are not valid' };
  }
  if (!body || typeof body !== 'object' || typeof body.graph !== 'string') return { ok: false, error: 'the link is corrupted: it holds no graph text' };
  const state = { graph: body.graph };
  if (Number.isInteger(body.workers)) state.workers = body.workers;
  if (typeof body.mode === 'string') state.mode = body.mode;
  if (typeof body.policy === 'string') state.policy = body.policy;
  if (Number.isInteger(body.seed) && body.seed >= 0) state.seed = body.seed;
  return { ok: true, state };
}
