// What this browser and page allow, and which executor a run should use given that.

/** A wasm module of 3 sections whose memory is shared: it only validates where the engine
 *  supports wasm threads (the threads proposal: shared memories and atomic instructions). */
const SHARED_MEMORY_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x05, 0x04, 0x01, 0x03, 0x01, 0x01, // memory section: 1 memory, shared, min 1, max 1
]);

/**
 * `wasmThreads` says whether the browser's engine supports wasm threads at all; whether this
 * page may use them also depends on `isolated` (and so `sharedArrayBuffer`).
 * @returns {{ isolated: boolean, sharedArrayBuffer: boolean, wasmThreads: boolean, cores: number }}
 */
export function detectCapabilities() {
  const isolated = globalThis.crossOriginIsolated === true;
  const sharedArrayBuffer = typeof SharedArrayBuffer === 'function';
  let wasmThreads = false;
  try {
    wasmThreads = WebAssembly.validate(SHARED_MEMORY_MODULE);
  } catch {
    wasmThreads = false;
  }
  const cores = Math.max(1, navigator.hardwareConcurrency || 1);
  return { isolated, sharedArrayBuffer, wasmThreads, cores };
}

export const MODES = Object.freeze({
  threads: 'shared-memory wasm threads (one memory, a rayon pool)',
  workers: 'separate Web Workers exchanging messages (one wasm instance each)',
  async: 'one event loop in one worker (io tasks overlap, cpu tasks block it)',
});

/**
 * Picks the executor. `requested` is 'auto', 'threads', 'workers' or 'async'. Auto picks
 * threads where the page allows them, otherwise workers; async is only ever chosen by name.
 * @returns {{ mode: 'threads'|'workers'|'async', reason: string }}
 * @throws {Error} when 'threads' is requested but cannot run here, saying why.
 */
export function chooseMode(requested, caps) {
  const whyNoThreads = !caps.isolated
    ? 'the page is not cross-origin isolated: its host does not send the two headers wasm threads need (Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy)'
    : !caps.wasmThreads || !caps.sharedArrayBuffer
      ? 'this browser does not support wasm threads (shared memory)'
      : null;
  if (requested === 'workers' || requested === 'async') {
    return { mode: requested, reason: `${requested} mode was requested` };
  }
  if (requested === 'threads') {
    if (whyNoThreads) throw new Error(`threads mode is unavailable: ${whyNoThreads}`);
    return { mode: 'threads', reason: 'threads mode was requested' };
  }
  if (requested !== 'auto' && requested !== undefined) {
    throw new Error(`unknown mode "${requested}": use auto, threads, workers or async`);
  }
  return whyNoThreads
    ? { mode: 'workers', reason: `fell back to workers because ${whyNoThreads}` }
    : { mode: 'threads', reason: 'the page is cross-origin isolated and supports wasm threads' };
}

/**
 * What the page can say about its isolation beyond the mode, in plain words, or '' when
 * there is nothing to add. `coi` says whether the site ships the opt-in service worker
 * (dist/coi.js sets `window.coi`) and whether that worker controls the page.
 * @param {{ isolated: boolean }} caps
 * @param {{ available: boolean, active: boolean }} coi
 */
export function isolationNote(caps, coi) {
  if (caps.isolated && coi.active) {
    return 'This host sends no isolation headers, so a service worker of this site (coi-serviceworker) adds them; ' +
      'turning it on cost one reload. Open the page with ?coi=0 to turn it off.';
  }
  if (caps.isolated) return '';
  const same = 'Workers mode gives the same schedule and the same results; only the way tasks reach the workers differs.';
  return coi.available
    ? `${same} To get threads on a host that cannot send headers, open this page with ?coi=1: a service worker of this site adds the headers, at the cost of one reload.`
    : same;
}
