// The makespan histogram over seeds: how a graph with variable durations (or failure
// draws) spreads its makespan from run to run. Simulates the graph SEEDS times (seeds from
// the run panel's seed upwards) in the core and draws the makespans in BINS bars, with the
// p50 and p99 marked. Shown only when the seeds disagree: a graph whose every run is the
// same has nothing to draw.
// Guarantees: the bars count exactly `viewModel().makespans` (every makespan lands in one
// bar); a newer refresh always wins over an older one still computing.
import { el, svgEl as svg } from './dom.js';
import { ms } from './format.js';

/** Seeds simulated per refresh. */
export const SEEDS = 100;
/** Bars of the histogram. */
export const BINS = 20;
/** Graphs above this many tasks are not swept on every edit (100 simulations each). */
export const MAX_SWEEP_TASKS = 5000;
const W = 560, H = 150, PAD = { l: 36, r: 12, t: 10, b: 30 };

/** Bar counts of `values` in `bins` equal bins over [min, max] (the max lands in the last). */
export function histogram(values, bins = BINS) {
  const lo = Math.min(...values), hi = Math.max(...values);
  const counts = new Array(bins).fill(0);
  const width = (hi - lo) / bins;
  for (const v of values) counts[width > 0 ? Math.min(bins - 1, Math.floor((v - lo) / width)) : 0]++;
  return { lo, hi, width, counts };
}

/**
 * The chart in `root`. `seedSweep(text, { seeds, workers, policy, seed })` is the client's;
 * `getSettings()` → `{ workers, policy, seed }` (the run panel's).
 * Returns `{ refresh(text, tasks), viewModel() }`.
 */
export function createSeedChart(root, { seedSweep, getSettings }) {
  root.classList.add('seed-chart');
  root.hidden = true;
  const caption = el('p', { className: 'seed-caption' });
  const chart = svg('svg', { class: 'seed-svg', role: 'img', viewBox: `0 0 ${W} ${H}`, 'aria-label': 'makespan histogram over seeds' });
  root.append(el('h3', { textContent: `Makespan over ${SEEDS} seeds` }), chart, caption);
  let model = null;
  let seq = 0;

  function draw(sweep, settings) {
    const h = histogram(sweep.makespans_ms);
    const top = Math.max(...h.counts);
    const x = (v) => PAD.l + (h.hi > h.lo ? (v - h.lo) / (h.hi - h.lo) : 0.5) * (W - PAD.l - PAD.r);
    const y = (c) => H - PAD.b - (c / top) * (H - PAD.t - PAD.b);
    chart.replaceChildren();
    const bw = (W - PAD.l - PAD.r) / BINS;
    h.counts.forEach((c, i) => {
      chart.append(svg('rect', { class: 'seed-bar', x: PAD.l + i * bw + 1, y: y(c), width: Math.max(1, bw - 2), height: H - PAD.b - y(c) },
      ));
      chart.lastChild.append(svg('title', {}, `${c} of ${SEEDS} runs: ${ms(h.lo + i * h.width)}–${ms(h.lo + (i + 1) * h.width)}`));
    });
    for (const [name, v] of [['p50', sweep.p50_ms], ['p99', sweep.p99_ms]]) {
      chart.append(svg('line', { class: `seed-mark seed-${name}`, x1: x(v), x2: x(v), y1: PAD.t, y2: H - PAD.b }));
      chart.append(svg('text', { class: 'seed-mark-label', x: x(v) + 3, y: PAD.t + 10 }, name));
    }
    chart.append(svg('text', { x: PAD.l, y: H - 10 }, ms(h.lo)));
    chart.append(svg('text', { x: W - PAD.r, y: H - 10, 'text-anchor': 'end' }, ms(h.hi)));
    chart.append(svg('text', { x: 4, y: PAD.t + 10 }, String(top)));
    caption.textContent = `p50 ${ms(sweep.p50_ms)}, p90 ${ms(sweep.p90_ms)}, p99 ${ms(sweep.p99_ms)} `
      + `(min ${ms(sweep.min_ms)}, max ${ms(sweep.max_ms)}); work done per run ${ms(sweep.mean_busy_ms)} on average`
      + (sweep.mean_hedges > 0 ? `, with ${sweep.mean_hedges.toFixed(1)} hedge copies per run costing ${ms(sweep.mean_hedge_lost_ms)} of lost work.` : '.');
    model = { ...sweep, counts: h.counts, lo: h.lo, hi: h.hi, makespans: sweep.makespans_ms, settings };
  }

  let last = { text: '', tasks: 0 };
  /** Sweeps `text` (of `tasks` tasks) again; without arguments, the last text. */
  async function refresh(text = last.text, tasks = last.tasks) {
    last = { text, tasks };
    const mine = ++seq;
    if (!text || tasks > MAX_SWEEP_TASKS) { root.hidden = true; model = null; return; }
    const settings = getSettings();
    const { workers, policy, seed } = settings;
    let sweep;
    try {
      sweep = await seedSweep(text, { seeds: SEEDS, workers: workers || undefined, policy, seed });
    } catch {
      if (mine === seq) { root.hidden = true; model = null; }
      return;
    }
    if (mine !== seq) return;
    if (!(sweep.max_ms > sweep.min_ms)) { root.hidden = true; model = null; return; }
    root.hidden = false;
    draw(sweep, { workers, policy, seed });
  }

  return { refresh, viewModel: () => model };
}
