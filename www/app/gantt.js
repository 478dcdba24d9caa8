// Draws a RunResult as a Gantt chart: one lane per worker, one bar per task from its
// measured start to its measured end, and a time axis with round-number ticks.
const SVG = 'http://www.w3.org/2000/svg';

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Round tick spacing (1, 2 or 5 × 10^k ms) giving about `target` ticks over `span` ms. */
export function tickStep(span, target = 8) {
  const raw = Math.max(span, 1e-3) / target;
  const pow = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw);
}

/** Formats ms for an axis: µs below 1 ms, s from 1 s up. */
export function formatMs(ms) {
  if (ms === 0) return '0';
  if (ms < 1) return `${+(ms * 1000).toFixed(1)} µs`;
  if (ms < 1000) return `${+ms.toFixed(1)} ms`;
  return `${+(ms / 1000).toFixed(2)} s`;
}

/** Replaces the content of `container` with the chart of `result`. */
export function drawGantt(container, result) {
  const lanes = Math.max(result.workers, 1);
  const laneH = 30, top = 8, left = 64, right = 16, axisH = 34;
  const width = Math.max(container.clientWidth || 600, 320);
  const plotW = width - left - right;
  const span = Math.max(result.makespan_ms, 1e-3);
  const x = (ms) => left + (ms / span) * plotW;
  const height = top + lanes * laneH + axisH;
  const svg = el('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Timeline of ${result.tasks.length} tasks on ${lanes} workers, ${formatMs(result.makespan_ms)} in all` });

  for (let w = 0; w < lanes; w++) {
    const y = top + w * laneH;
    svg.append(el('rect', { class: 'lane', x: left, y, width: plotW, height: laneH - 4, 'data-worker': w }));
    svg.append(el('text', { class: 'lane-label', x: left - 8, y: y + laneH / 2 + 2, 'text-anchor': 'end' }, `worker ${w}`));
  }
  const step = tickStep(span);
  const axisY = top + lanes * laneH;
  for (let t = 0; t <= span + step * 1e-9; t += step) {
    const g = el('g', { class: 'tick' });
    g.append(el('line', { x1: x(t), x2: x(t), y1: top, y2: axisY + 4 }));
    g.append(el('text', { x: x(t), y: axisY + 16, 'text-anchor': 'middle' }, formatMs(t)));
    svg.append(g);
  }
  svg.append(el('text', { class: 'axis-title', x: left + plotW, y: axisY + 30, 'text-anchor': 'end' }, 'time since the run started'));

  const bars = el('g', { class: 'bars' });
  for (const t of result.tasks) {
    const y = top + t.worker * laneH;
    const w = Math.max(x(t.end_ms) - x(t.start_ms), 1);
    const bar = el('rect', { class: 'bar', x: x(t.start_ms), y: y + 2, width: w, height: laneH - 8, rx: 3,
      'data-task': t.id, 'data-worker': t.worker });
    bar.append(el('title', {}, `${t.id} on worker ${t.worker}: ${formatMs(t.start_ms)} → ${formatMs(t.end_ms)} (${formatMs(t.end_ms - t.start_ms)})`));
    bars.append(bar);
    if (w > t.id.length * 7 + 6) {
      bars.append(el('text', { class: 'bar-label', x: x(t.start_ms) + 4, y: y + laneH / 2 + 1 }, t.id));
    }
  }
  svg.append(bars);
  container.replaceChildren(svg);
}
