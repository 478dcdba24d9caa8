// The embed's URL fragment is a share link's fragment (www/shared/share-link.js, documented in
// docs/sharing.md): `v1/` + lz-string's URI-safe compression of `{"text", "settings"}`. This
// module only maps it to the embed's state shape, `{ graph, workers?, mode?, policy?, seed? }`.
// Guarantees: `decodeFragment` never throws and does no work beyond the share-link limits; it
// returns `{ ok: true, state }` or `{ ok: false, kind, error }` with the share link's sentence
// naming the problem; it never evaluates anything; `decodeFragment(encodeFragment(s))` gives
// back `s`.
import { decodeShare, encodeShare } from '../shared/share-link.js';

/** `state` = `{ graph, workers?, mode?, policy?, seed? }` → the fragment (without `#`).
 *  Throws the share link's ShareError for a graph too large for a link. */
export function encodeFragment(state) {
  const settings = {};
  for (const k of ['workers', 'mode', 'policy', 'seed']) if (state[k] !== undefined && state[k] !== null) settings[k] = state[k];
  return encodeShare({ text: String(state.graph ?? ''), settings });
}

/** Decodes a fragment (with or without its `#`). */
export function decodeFragment(fragment) {
  const f = String(fragment ?? '').replace(/^#/, '');
  if (f === '') return { ok: false, kind: 'empty', error: 'The link holds no graph: its fragment after # is empty.' };
  const r = decodeShare(f);
  if (!r.ok) return { ok: false, kind: r.kind, error: r.error };
  return { ok: true, state: { graph: r.text, ...r.settings, ...(r.lesson !== undefined ? { lesson: r.lesson } : {}) } };
}
