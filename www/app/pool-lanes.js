// An autoscaling pool's lanes on the timeline (`workers MIN..MAX`): a timeline overlay
// (timeline.js setOverlays) built from a RunResult's `pool`. Guarantees:
//  - a lane is shaded grey wherever its worker was off (before it was asked for, after it
//    stopped), and hatched while it was starting (asked for → ready, `worker_start`), so
//    lanes visibly appear and disappear; a worker never on stays shaded the whole run;
//  - `viewModel()` gives per lane its on-stretches `[{ start, ready, stop }]` and the
//    worker-seconds against a fixed pool, for tests.

const OFF = 'rgba(90, 96, 110, 0.28)';
const STARTING = 'rgba(180, 120, 20, 0.45)';

/** The pool of `result` as `{ max, lanes: Map<worker, [{ start, ready, stop }]>, ... }`. */
export function poolOf(result) {
  const p = result?.pool;
  if (!p) return null;
  const lanes = new Map();
  for (let w = 0; w < p.max; w++) lanes.set(w, []);
  for (const l of p.lanes) lanes.get(l.worker)?.push({ start: l.start_ms, ready: l.ready_ms, stop: l.stop_ms ?? Infinity });
  return { min: p.min, max: p.max, peak: p.peak, lanes, workerSeconds: p.worker_seconds, fixedWorkerSeconds: p.fixed_worker_seconds, end: result.makespan_ms };
}

/** One sentence on what the pool cost: "2.10 worker-seconds against 3.20 for a fixed pool
 *  of 4 (66%); it grew from 1 to 4 workers". */
export function poolSummary(result) {
  const p = result?.pool;
  if (!p) return '';
  const share = p.fixed_worker_seconds > 0 ? ` (${Math.round((p.worker_seconds / p.fixed_worker_seconds) * 100)}%)` : '';
  return `${p.worker_seconds.toFixed(3)} worker-seconds against ${p.fixed_worker_seconds.toFixed(3)} for a fixed pool of ${p.max}${share}; it ran ${p.min} to ${p.peak} of its ${p.min}..${p.max} workers`;
}

/** Number of ms with a sensible precision (0.42, 3.1, 27). */
const msText = (v) => `${v < 1 ? v.toFixed(2) : v < 10 ? v.toFixed(1) : Math.round(v)} ms`;

/** The median of `xs` (non-empty). */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** What a new worker's start-up took against what the graph models, as one sentence, or ''
 *  when no worker was asked for and ready during the run. A real run that started real
 *  workers: "a new worker took 31 ms to start (a fresh Web Worker; median of 2: 28 ms to
 *  34 ms); the graph models 20 ms"; a simulation, or a run with no worker to start (async):
 *  the modelled figure, said to be modelled. */
export function startSummary(result) {
  const p = result?.pool;
  if (!p || !p.starts_ms?.length) return '';
  const model = `the graph models ${msText(p.worker_start_ms)}`;
  const source = p.start_source ?? 'modelled';
  if (source === 'modelled') {
    const why = result.mode === 'simulated' ? 'a simulation uses the model' : `${result.mode} mode has no worker to start: the run waited the model out`;
    return `a new worker took ${msText(p.worker_start_ms)} to start, as ${model} (${why})`;
  }
  const n = p.starts_ms.length;
  const spread = n > 1 ? `; median of ${n}: ${msText(Math.min(...p.starts_ms))} to ${msText(Math.max(...p.starts_ms))}` : '';
  return `a new worker took ${msText(median(p.starts_ms))} to start (measured: a ${source}${spread}); ${model}`;
}

/** The timeline overlay shading the lanes of `pool` (from poolOf). */
export function poolOverlay(pool) {
  return {
    name: 'pool',
    draw(ctx, v) {
      const x = (t) => Math.min(Math.max(v.x(t), v.left), v.left + v.width);
      for (const [w, stretches] of pool.lanes) {
        const y = v.laneY(w), h = v.laneH;
        let from = -Infinity; // off from here
        const shade = (a, b, fill) => {
          const x0 = x(Math.max(a, v.start)), x1 = x(Math.min(b, v.end));
          if (x1 > x0) { ctx.fillStyle = fill; ctx.fillRect(x0, y, x1 - x0, h); }
        };
        for (const s of stretches) {
          shade(from, s.start, OFF);
          shade(s.start, s.ready, STARTING);
          from = s.stop;
        }
        shade(from, Infinity, OFF);
      }
    },
    viewModel: () => ({
      min: pool.min, max: pool.max, peak: pool.peak, workerSeconds: pool.workerSeconds, fixedWorkerSeconds: pool.fixedWorkerSeconds,
      lanes: Object.fromEntries([...pool.lanes].map(([w, s]) => [w, s.map((x) => ({ start: x.start, ready: x.ready, stop: Number.isFinite(x.stop) ? x.stop : null }))])),
    }),
  };
}
