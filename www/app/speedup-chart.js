// The speedup chart: how a graph's speedup (or makespan) changes with the number of workers.
// Plots the simulated curve for 1..N workers, the two bounds computed from the graph's work
// T1 and span T∞ — the work/span law, speedup ≤ min(p, T1/T∞), and Brent's guarantee for any
// greedy schedule, T1 / ((T1 − T∞)/p + T∞) — and, on request, speedups measured by real runs.
// Guarantees: the plotted numbers are exactly those `viewModel()` returns; the chart keeps its
// size while data changes (no layout shift); measuring runs one worker count at a time, stops
// at once when cancelled, and never overlaps a normal run.
import { el, svgEl as svg } from './dom.js';
import { formatTick, ms, plural, ratio, tickStep } from './format.js';

const HEIGHT = 240;
/** Worker counts charted: 1..N with N = max(8, the worker input), at most this. */
export const MAX_CHART_WORKERS = 32;
/** Measured runs default to 1..min(N, this) workers. */
export const DEFAULT_MEASURE_MAX = 8;

/** The series' colours (each at least 4.5:1 on white) and dash patterns. */
const STYLE = {
  simulated: { color: '#2456c7', dash: '' },
  law: { color: '#1d1f24', dash: '6 4' },
  brent: { color: '#8a5a00', dash: '2 3' },
  measured: { color: '#c2410c', dash: '' },
};

/** How many workers the chart covers for a worker input of `workers`. */
export function chartWorkers(workers) {
  const w = Number.isInteger(workers) && workers > 0 ? workers : 1;
  return Math.min(MAX_CHART_WORKERS, Math.max(8, w));
}

/**
 * Parses a list of worker counts like "1-4, 6, 8" (ranges with - or .. or –): sorted, unique
 * whole numbers from 1 to `max`. Throws a RangeError naming the bad part.
 */
export function parseWorkerList(text, max = MAX_CHART_WORKERS) {
  const out = new Set();
  for (const part of String(text).split(/[\s,;]+/).filter(Boolean)) {
    const m = /^(\d+)(?:\s*(?:-|–|\.\.)\s*(\d+))?$/.exec(part);
    const a = m ? Number(m[1]) : NaN, b = m?.[2] !== undefined ? Number(m[2]) : a;
    if (!m || a < 1 || b > max || b < a) throw new RangeError(`“${part}” is not a worker count or range from 1 to ${max}`);
    for (let p = a; p <= b; p++) out.add(p);
  }
  if (!out.size) throw new RangeError('give at least one worker count');
  return [...out].sort((x, y) => x - y);
}

/**
 * The chart's numbers for 1..makespans.length workers: `{ workers, makespans, simulated,
 * law, brent, lower, guarantee }` where `simulated` = T1 / makespan, `law` = min(p, T1/T∞),
 * `brent` = T1 / ((T1 − T∞)/p + T∞) (speedups), and `lower` = max(T∞, T1/p), `guarantee` =
 * (T1 − T∞)/p + T∞ (makespans). A graph without work has speedup 1 everywhere.
 */
export function speedupSeries({ work, span, makespans }) {
  const workers = makespans.map((_, i) => i + 1);
  const sp = (t) => (work > 0 && t > 0 ? work / t : 1);
  const guarantee = workers.map((p) => (work - span) / p + span);
  return {
    workers,
    makespans: [...makespans],
    simulated: makespans.map(sp),
    law: workers.map((p) => (span > 0 ? Math.min(p, work / span) : p)),
    brent: guarantee.map(sp),
    lower: workers.map((p) => Math.max(span, work / p)),
    guarantee,
  };
}

/** The one-sentence reading of a chart's numbers (see `speedupSeries`). */
export function readingOf({ work, span, series }) {
  const n = series.workers.length;
  if (!(work > 0)) return 'This graph has no work to share, so more workers change nothing.';
  const par = span > 0 ? work / span : Infinity;
  const sim = series.simulated;
  const best = Math.max(...sim);
  const knee = sim.findIndex((s) => s >= best * 0.99) + 1;
  if (par < 1.005) {
    return `Its span equals its work (${ms(span)}): the tasks must run one after another, so no number of workers makes this graph faster than 1×.`;
  }
  if (sim.some((x, i) => x > series.law[i] * 1.01)) {
    return `In the simulation a task fails for good, so not all ${ms(work)} of work gets done and the speedups beat the bounds, which assume it all does.`;
  }
  if (par < n) {
    const top = Math.abs(best - par) <= par * 0.01
      ? `the simulation reaches ${ratio(par)}×, the most any schedule can`
      : `the simulation tops out at ${ratio(best)}×, and no schedule can pass ${ratio(par)}×`;
    return `Beyond ${plural(knee, 'worker')} the span (${ms(span)}) limits this graph: ${top}.`;
  }
  if (knee < n) {
    return `The simulation tops out at ${ratio(best)}× from ${plural(knee, 'worker')} on, below the ${ratio(Math.min(n, par))}× the work/span law allows: limits, rates, failures or the schedule hold it back.`;
  }
  return `Up to ${plural(n, 'worker')} the span does not hold this graph back: the simulation reaches ${ratio(best)}× on ${n}, and the span (${ms(span)}) caps any schedule at ${ratio(par)}×.`;
}

/**
 * The chart in `root`. Dependencies: `makespans(text, { maxWorkers, policy, seed })`,
 * `analyze(text)` (only its work and span are used), `run(text, { workers, mode, policy, seed, signal })` (the
 * client's), `getText()` and `getSettings()` → `{ workers, mode, policy, seed }` (the run
 * panel's), and `onMeasuring(busy)`, told when measuring starts and ends.
 * Returns `{ refresh(text?), setRunBusy(busy), measure(counts?), cancel(), viewModel() }`.
 */
export function createSpeedupChart(root, { makespans, analyze, run, getText, getSettings, onMeasuring = () => {} }) {
  root.classList.add('speedup');
  let data = null;        // { text, key, work, span, policy, series }
  let view = 'speedup';
  let measured = [];      // [{ workers, makespan, speedup, mode }]
  let measuredKey = null;
  let controller = null;
  let runBusy = false;
  let seq = 0;
  let pendingRefresh = false;
  let retries = 0;
  let cancelMessage = null;

  // Controls: the view toggle, then what to measure.
  const viewGroup = el('fieldset', { className: 'chart-view' }, el('legend', { className: 'visually-hidden', textContent: 'Chart shows' }));
  for (const [value, label] of [['speedup', 'Speedup'], ['makespan', 'Makespan']]) {
    const input = el('input', { type: 'radio', name: 'speedup-view', value, checked: value === view, id: `speedup-view-${value}` });
    input.addEventListener('change', () => { if (input.checked) { view = value; draw(); } });
    viewGroup.append(el('label', { htmlFor: input.id }, input, ` ${label}`));
  }
  const countsInput = el('input', { id: 'measure-workers', type: 'text', inputMode: 'numeric', spellcheck: false, autocomplete: 'off' });
  countsInput.placeholder = `1-${DEFAULT_MEASURE_MAX}`;
  const countsLabel = el('label', { className: 'measure-counts', htmlFor: 'measure-workers' }, 'Workers to measure ', countsInput);
  const measureButton = el('button', { id: 'measure', type: 'button', className: 'secondary', textContent: 'Measure', title: 'Run the graph for real on each worker count and plot the speedups' });
  const cancelButton = el('button', { id: 'measure-cancel', type: 'button', className: 'secondary', textContent: 'Cancel', disabled: true });
  cancelButton.setAttribute('aria-label', 'Cancel measuring');
  const controls = el('div', { className: 'chart-controls' }, viewGroup, el('div', { className: 'measure-controls' }, countsLabel, measureButton, cancelButton));

  const chart = svg('svg', { class: 'speedup-svg', role: 'img', 'aria-labelledby': 'speedup-svg-title speedup-svg-desc', height: HEIGHT });
  const chartBox = el('div', { className: 'speedup-box' });
  chartBox.append(chart);
  const legend = el('ul', { className: 'chart-legend' });
  legend.setAttribute('aria-label', 'Chart legend');
  const reading = el('p', { className: 'chart-reading', id: 'speedup-reading' });
  reading.setAttribute('aria-live', 'polite');
  const measureStatus = el('p', { className: 'measure-status', id: 'measure-status' });
  measureStatus.setAttribute('aria-live', 'polite');
  const table = el('table', { className: 'chart-table' });
  const details = el('details', { className: 'chart-numbers' }, el('summary', { textContent: 'Numbers' }), table);
  root.replaceChildren(controls, chartBox, legend, reading, measureStatus, details);

  measureButton.addEventListener('click', () => measure());
  cancelButton.addEventListener('click', () => cancel());
  countsInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); measure(); } });
  new ResizeObserver(() => draw()).observe(chartBox);

  function updateButtons() {
    measureButton.disabled = Boolean(controller) || runBusy || !data || root.dataset.stale === 'true';
    cancelButton.disabled = !controller;
    root.dataset.measuring = String(Boolean(controller));
  }

  /** Recomputes the simulated curve and the bounds for `text` with the panel's settings. */
  async function refresh(text = getText()) {
    const { workers, policy, seed } = getSettings();
    const n = chartWorkers(workers);
    const key = JSON.stringify([text, policy ?? '', seed ?? '']);
    if (key !== measuredKey && measured.length) {
      if (controller) cancel('The graph or its settings changed: measuring stopped.');
      measured = [];
    }
    const mine = ++seq;
    let analysis, spans;
    try {
      [{ analysis }, spans] = await Promise.all([analyze(text), makespans(text, { maxWorkers: n, policy, seed })]);
    } catch (e) {
      if (mine !== seq) return;
      // The engine was replaced under us (a run or a measurement with another worker count):
      // ask again once it is free. Invalid text (or settings): keep the last chart, dimmed.
      if (controller) pendingRefresh = true;
      else if (!e?.diagnostics && retries++ < 3) setTimeout(() => { if (mine === seq) refresh(text); }, 300);
      else { root.dataset.stale = 'true'; updateButtons(); }
      return;
    }
    if (mine !== seq) return;
    retries = 0;
    if (!analysis) { root.dataset.stale = 'true'; updateButtons(); return; }
    measuredKey = key;
    data = { text, key, work: analysis.work_ms, span: analysis.span_ms, policy: policy ?? null, seed: seed ?? null, series: speedupSeries({ work: analysis.work_ms, span: analysis.span_ms, makespans: spans }) };
    root.dataset.stale = 'false';
    root.dataset.workers = String(n);
    root.dataset.refreshes = String(Number(root.dataset.refreshes ?? 0) + 1);
    reading.textContent = readingOf(data);
    updateButtons();
    draw();
  }

  /** Runs the graph for real on each worker count of `counts` (default: the input's list,
   *  else 1..min(N, 8)), plotting each measured speedup as it arrives. */
  async function measure(counts) {
    if (controller || runBusy || !data) return;
    let list;
    try {
      list = counts ?? (countsInput.value.trim() ? parseWorkerList(countsInput.value) : parseWorkerList(`1-${Math.min(data.series.workers.length, DEFAULT_MEASURE_MAX)}`));
    } catch (e) {
      measureStatus.textContent = `Cannot measure: ${e.message}.`;
      measureStatus.classList.add('error');
      return;
    }
    measureStatus.classList.remove('error');
    const { mode: chosen, policy, seed } = getSettings();
    const mode = chosen === 'simulated' ? 'auto' : chosen;
    const { text, key } = data;
    const mine = new AbortController();
    controller = mine;
    cancelMessage = null;
    measured = measured.filter((m) => !list.includes(m.workers));
    updateButtons();
    onMeasuring(true);
    let done = 0;
    let stopped = null;
    try {
      for (const p of list) {
        measureStatus.textContent = `Measuring on ${plural(p, 'worker')} (${done + 1} of ${list.length})…`;
        const r = await run(text, { workers: p, mode, policy, seed, signal: mine.signal });
        if (mine.signal.aborted || data?.key !== key) break;
        const speedup = r.metrics?.speedup ?? (r.makespan_ms > 0 ? r.sequential_ms / r.makespan_ms : 1);
        measured = [...measured.filter((m) => m.workers !== p), { workers: p, makespan: r.makespan_ms, speedup, mode: r.mode }].sort((a, b) => a.workers - b.workers);
        done++;
        draw();
      }
    } catch (e) {
      if (e.name !== 'AbortError') stopped = `Measuring stopped: ${e.message}`;
    } finally {
      if (controller === mine) controller = null;
      updateButtons();
      onMeasuring(false);
    }
    if (stopped) {
      measureStatus.textContent = stopped;
      measureStatus.classList.add('error');
    } else if (mine.signal.aborted) {
      measureStatus.textContent = cancelMessage ?? `Measuring cancelled after ${done} of ${plural(list.length, 'worker count')}.`;
    } else measureStatus.textContent = measuredSummary();
    draw();
    if (pendingRefresh) { pendingRefresh = false; refresh(); }
  }

  function measuredSummary() {
    if (!measured.length || !data) return '';
    const best = measured.reduce((a, b) => (b.speedup > a.speedup ? b : a));
    const sim = data.series.simulated[best.workers - 1];
    const where = measured.length === 1 ? `on ${plural(best.workers, 'worker')}` : `on ${measured[0].workers}–${measured.at(-1).workers} workers`;
    return `Measured in ${best.mode} mode ${where}: best ${ratio(best.speedup)}× on ${plural(best.workers, 'worker')}${sim !== undefined ? `, where the simulation predicts ${ratio(sim)}×` : ''}.`;
  }

  /** Stops measuring; the run in progress is cancelled at once. */
  function cancel(message = null) {
    cancelMessage = message;
    controller?.abort();
  }

  function draw() {
    if (!data) return;
    const width = Math.max(chartBox.clientWidth, 200);
    const narrow = width < 420;
    const s = data.series;
    const n = s.workers.length;
    const speedupView = view === 'speedup';
    // The simulated line first: the thinner dashed bounds stay visible where they meet it.
    const lines = speedupView
      ? [['simulated', s.simulated], ['law', s.law], ['brent', s.brent]]
      : [['simulated', s.makespans], ['law', s.lower], ['brent', s.guarantee]];
    const meas = measured.map((x) => [x.workers, speedupView ? x.speedup : x.makespan]);
    const all = [...lines.flatMap(([, ys]) => ys), ...meas.map(([, y]) => y)].filter(Number.isFinite);
    const yMaxRaw = Math.max(speedupView ? 1 : 1e-3, ...all);
    const yStep = tickStep(yMaxRaw, narrow ? 4 : 5);
    const yMax = Math.ceil(yMaxRaw / yStep - 1e-9) * yStep;
    const yTicks = [];
    for (let v = 0; v <= yMax + yStep * 1e-6; v += yStep) yTicks.push([v, speedupView ? `${+v.toFixed(6)}×` : formatTick(v, yStep)]);
    // Room on the left for the axis title and the widest tick label (about 6.5 px a character).
    const m = { left: 26 + Math.max(...yTicks.map(([, t]) => t.length)) * 6.5, right: 12, top: 12, bottom: 40 };
    const plotW = width - m.left - m.right, plotH = HEIGHT - m.top - m.bottom;
    const x = (p) => m.left + (n === 1 ? plotW / 2 : ((p - 1) / (n - 1)) * plotW);
    const y = (v) => m.top + plotH - (v / yMax) * plotH;

    chart.setAttribute('width', width);
    chart.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
    const title = svg('title', { id: 'speedup-svg-title' }, speedupView ? `Speedup on 1 to ${n} workers` : `Makespan on 1 to ${n} workers`);
    const desc = svg('desc', { id: 'speedup-svg-desc' }, summaryOf(speedupView));
    const grid = svg('g', { class: 'grid' });
    const axes = svg('g', { class: 'axes' });
    for (const [v, label] of yTicks) {
      const yy = y(v);
      grid.append(svg('line', { x1: m.left, x2: m.left + plotW, y1: yy, y2: yy }));
      axes.append(svg('text', { x: m.left - 6, y: yy, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, label));
    }
    const xStep = n <= (narrow ? 8 : 16) ? 1 : n <= 16 ? 2 : n <= 32 && !narrow ? 4 : 8;
    for (const p of s.workers) {
      if (p !== 1 && p % xStep) continue;
      axes.append(svg('line', { x1: x(p), x2: x(p), y1: m.top + plotH, y2: m.top + plotH + 4 }));
      axes.append(svg('text', { x: x(p), y: m.top + plotH + 16, 'text-anchor': 'middle' }, String(p)));
    }
    axes.append(svg('line', { x1: m.left, x2: m.left, y1: m.top, y2: m.top + plotH }));
    axes.append(svg('line', { x1: m.left, x2: m.left + plotW, y1: m.top + plotH, y2: m.top + plotH }));
    axes.append(svg('text', { x: m.left + plotW / 2, y: HEIGHT - 4, 'text-anchor': 'middle', class: 'axis-label' }, 'workers'));
    axes.append(svg('text', { x: 12, y: m.top + plotH / 2, 'text-anchor': 'middle', class: 'axis-label', transform: `rotate(-90 12 ${m.top + plotH / 2})` },
      speedupView ? 'speedup' : 'makespan'));

    const series = svg('g', { class: 'series' });
    for (const [name, ys] of lines) {
      const st = STYLE[name];
      const path = svg('polyline', { points: ys.map((v, i) => `${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`).join(' '), fill: 'none', stroke: st.color, 'stroke-width': name === 'simulated' ? 2.25 : 1.75, 'stroke-dasharray': st.dash });
      path.dataset.series = name;
      series.append(path);
    }
    const dots = svg('g', { class: 'points' });
    s.simulated.forEach((sp, i) => {
      const c = svg('circle', { cx: x(i + 1), cy: y(speedupView ? sp : s.makespans[i]), r: 3, fill: STYLE.simulated.color });
      c.dataset.series = 'simulated';
      c.append(svg('title', {}, `${plural(i + 1, 'worker')}: simulated ${ms(s.makespans[i])}, ${ratio(sp)}×`));
      dots.append(c);
    });
    if (meas.length) {
      const path = svg('polyline', { points: meas.map(([p, v]) => `${x(p).toFixed(1)},${y(v).toFixed(1)}`).join(' '), fill: 'none', stroke: STYLE.measured.color, 'stroke-width': 1.5 });
      path.dataset.series = 'measured';
      series.append(path);
      for (const mm of measured) {
        const v = speedupView ? mm.speedup : mm.makespan;
        const r = svg('rect', { x: x(mm.workers) - 4, y: y(v) - 4, width: 8, height: 8, fill: STYLE.measured.color, stroke: '#fff', 'stroke-width': 1 });
        r.dataset.series = 'measured';
        r.append(svg('title', {}, `${plural(mm.workers, 'worker')}: measured ${ms(mm.makespan)}, ${ratio(mm.speedup)}×`));
        dots.append(r);
      }
    }
    chart.replaceChildren(title, desc, grid, axes, series, dots);
    chart.dataset.view = view;
    drawLegend(speedupView);
    drawTable();
  }

  function summaryOf(speedupView) {
    const s = data.series, n = s.workers.length;
    const head = speedupView
      ? `Simulated speedup from ${ratio(s.simulated[0])}× on 1 worker to ${ratio(s.simulated[n - 1])}× on ${n}; the work/span law allows at most ${ratio(s.law[n - 1])}× on ${n}.`
      : `Simulated makespan from ${ms(s.makespans[0])} on 1 worker to ${ms(s.makespans[n - 1])} on ${n}; no schedule can beat ${ms(s.lower[n - 1])} on ${n}.`;
    const meas = measured.length ? ` Measured: ${measured.map((m) => `${ratio(m.speedup)}× on ${m.workers}`).join(', ')}.` : '';
    return `${head} ${reading.textContent}${meas}`;
  }

  function drawLegend(speedupView) {
    const items = speedupView
      ? [['simulated', `simulated (${data.policy ?? 'declared policy'})`], ['law', 'work/span law: min(p, T₁/T∞)'], ['brent', 'greedy guarantee: T₁ / ((T₁−T∞)/p + T∞)']]
      : [['simulated', `simulated makespan (${data.policy ?? 'declared policy'})`], ['law', 'lower bound: max(T∞, T₁/p)'], ['brent', 'greedy guarantee: (T₁−T∞)/p + T∞']];
    if (measured.length) items.push(['measured', `measured (${measured[0].mode} mode)`]);
    legend.replaceChildren(...items.map(([name, label]) => {
      const sw = svg('svg', { width: 26, height: 10, 'aria-hidden': 'true', class: 'legend-line' });
      sw.append(svg('line', { x1: 1, x2: 25, y1: 5, y2: 5, stroke: STYLE[name].color, 'stroke-width': 2.25, 'stroke-dasharray': STYLE[name].dash }));
      if (name === 'measured') sw.append(svg('rect', { x: 9, y: 1, width: 8, height: 8, fill: STYLE.measured.color }));
      if (name === 'simulated') sw.append(svg('circle', { cx: 13, cy: 5, r: 3, fill: STYLE.simulated.color }));
      const li = el('li', {}, sw, label);
      li.dataset.series = name;
      return li;
    }));
  }

  function drawTable() {
    const s = data.series;
    const head = el('tr', {}, ...['workers', 'simulated', 'speedup', 'law', 'guarantee', 'measured'].map((h) => el('th', { scope: 'col', textContent: h })));
    const rows = s.workers.map((p, i) => {
      const mm = measured.find((x) => x.workers === p);
      return el('tr', {}, el('th', { scope: 'row', textContent: String(p) }),
        ...[ms(s.makespans[i]), `${ratio(s.simulated[i])}×`, `${ratio(s.law[i])}×`, `${ratio(s.brent[i])}×`, mm ? `${ratio(mm.speedup)}× (${ms(mm.makespan)})` : '—'].map((t) => el('td', { textContent: t })));
    });
    table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
  }

  updateButtons();
  return {
    refresh, measure, cancel,
    /** The makespan Measure measured on one worker for `text` with the panel's policy and
     *  seed in `mode`, or undefined: the honest reference for a run's speedup
     *  (`one_worker_ms`, see results.js). */
    oneWorkerMs(text, mode) {
      const { policy, seed } = getSettings();
      if (measuredKey !== JSON.stringify([text, policy ?? '', seed ?? ''])) return undefined;
      return measured.find((m) => m.workers === 1 && m.mode === mode)?.makespan;
    },
    /** A normal run is going (true) or over (false): measuring waits for it. */
    setRunBusy(busy) { runBusy = busy; updateButtons(); },
    /** The plotted numbers: `{ view, work, span, policy, seed, workers, makespans, simulated,
     *  law, brent, lower, guarantee, measured, reading, measuring }`, or null before data. */
    viewModel() {
      if (!data) return null;
      return { view, work: data.work, span: data.span, policy: data.policy, seed: data.seed, ...data.series, measured: measured.map((m) => ({ ...m })), reading: reading.textContent, measuring: Boolean(controller) };
    },
  };
}
