// Compact results: the columns the core sends for big graphs (src/wasm/compact.rs), and the
// usual object shapes rebuilt from them only when someone asks.
// Guarantees: `compactRun(c)` is a RunResult whose `tasks` and `result` are computed on first
// read (then kept), equal to what `simulate` returned as objects; `c.columns` stays
// available for views that draw from typed arrays (`idAt`, `indexOf`, the bars per lane).

const STATUS = ['ok', 'failed', 'timeout', 'cancelled', 'skipped', 'rejected'];
export const STATUS_NAMES = STATUS;

const decoder = new TextDecoder();

/** Ids stored as UTF-8 bytes back to back (`bytes`, `ends`): `{ n, idAt(i), indexOf(id) }`;
 *  `indexOf` scans the bytes (no Map of a million strings is built). */
export function idTable(bytes, ends) {
  const n = ends.length;
  const startOf = (i) => (i ? ends[i - 1] : 0);
  return {
    n,
    idAt: (i) => decoder.decode(bytes.subarray(startOf(i), ends[i])),
    indexOf(id) {
      const want = new TextEncoder().encode(String(id));
      const len = want.length;
      const first = want[0];
      for (let i = 0, s = 0; i < n; s = ends[i], i++) {
        if (ends[i] - s !== len || bytes[s] !== first) continue;
        let k = 1;
        while (k < len && bytes[s + k] === want[k]) k++;
        if (k === len) return i;
      }
      return -1;
    },
  };
}

const num = (x) => (Number.isNaN(x) ? null : x);

/** The RunResult of compact columns `c` (see the guarantees above). */
export function compactRun(c) {
  const head = JSON.parse(c.head);
  const ids = idTable(c.ids, c.idEnds);
  let extra = null;
  const extraMap = () => (extra ??= new Map(JSON.parse(c.extra)));
  let tasks = null;
  let result = null;
  const record = (i) => {
    const x = extraMap().get(i);
    if (x) return x;
    // A regular record has one attempt and no `reason` (a hedged task's two attempts, one
    // "lost the hedge", come whole in `extra`).
    const status = STATUS[c.status[i]];
    return {
      id: ids.idAt(i), worker: c.worker[i], start_ms: c.start[i], end_ms: c.end[i], status,
      ready_ms: num(c.ready[i]), unblocked_ms: num(c.unblocked[i]),
      attempts: [{ worker: c.worker[i], start_ms: c.start[i], end_ms: c.end[i], duration_ms: c.end[i] - c.start[i], status }],
      value: num(c.value[i]),
    };
  };
  const columns = { ...c, ids: c.ids, idTable: ids, extraMap, record };
  const out = { ...head };
  Object.defineProperty(out, 'tasks', { enumerable: true, configurable: true, get: () => (tasks ??= Array.from({ length: c.n }, (_, i) => record(i))) });
  Object.defineProperty(out, 'result', {
    enumerable: true, configurable: true,
    get() {
      if (!result) {
        result = {};
        const pairs = Array.from(c.sinks, (i) => [ids.idAt(i), i]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        for (const [id, i] of pairs) result[id] = record(i).value;
      }
      return result;
    },
  });
  Object.defineProperty(out, 'columns', { enumerable: false, value: columns });
  return out;
}

/** Counts by status of the compact columns: `{ ok, failed, timeout, cancelled, skipped, rejected }`. */
export function statusCounts(c) {
  return Object.fromEntries(STATUS.map((s, k) => [s, c.counts[k]]));
}
