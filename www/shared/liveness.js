// Knowing when a worker has died. A Worker that is terminated (by anyone holding it), that
// runs out of memory or whose thread is torn down fires no event at its owner; `error`
// fires only for an uncaught exception, and the worker lives on after it. Waiting for a
// reply that will never come is how a run hangs.
//
// The Web Locks API gives death a signal: a worker takes a lock with a name only it and its
// owner know and never lets it go; the browser releases a context's locks when the context
// ends, however it ends. The owner asks for the same lock, and is granted it exactly when
// the worker is gone. Nothing is posted and no timer runs while the worker lives, so this
// costs nothing on a run's hot path. Latency (Chromium, printed by
// tests/e2e/faults.test.mjs): 5–70 ms after `terminate()` on a loaded 2-core machine; a
// worker busy in a script (a `cpu` task, a blocked threads engine) only dies about 2 s after
// `terminate()` (the browser's forced-termination delay), and is detected right after that.
//
// The API exists in secure contexts (https, localhost). Elsewhere `holdLife` and
// `watchLife` do nothing, and a worker's death goes unnoticed, as before.

const locks = globalThis.navigator?.locks;

/** Whether deaths can be detected in this context. */
export const LIVENESS = Boolean(locks);

/** A fresh lock name for one worker (unique across tabs: lock names are per origin). */
export function lifeName(what) {
  const nonce = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`;
  return `fanout-life-${what}-${nonce}`;
}

/**
 * In the worker: holds the lock `name` for as long as this context lives. Resolves to true
 * once it is held (the owner may start watching only then), or false where there are no
 * locks or no name.
 */
export function holdLife(name) {
  if (!locks || typeof name !== 'string') return Promise.resolve(false);
  return new Promise((resolve) => {
    locks.request(name, () => {
      resolve(true);
      return new Promise(() => {}); // never released: the lock goes with this context
    }).catch(() => resolve(false));
  });
}

/**
 * In the owner: calls `onDeath()` once, when the worker holding `name` is gone. Start
 * watching only after the worker said it holds the lock (`holdLife` resolved there), or the
 * lock may be granted before the worker ever took it. Returns `stop()`, to call before
 * terminating the worker on purpose (a death the owner caused is not news).
 */
export function watchLife(name, onDeath) {
  if (!locks || typeof name !== 'string') return () => {};
  const stop = new AbortController();
  locks.request(name, { signal: stop.signal }, () => {
    if (!stop.signal.aborted) onDeath();
  }).catch(() => {}); // aborted by stop()
  return () => stop.abort();
}
