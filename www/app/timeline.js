// The timeline: a Gantt chart on a canvas, one lane per worker, one bar per attempt.
// Guarantees:
//  - every attempt given (setResult / addAttempts) is one bar in its worker's lane, coloured by
//    its state (states.js); waiting/blocked segments are thin bars of their own colour;
//  - only what is visible is drawn: per lane, bars are kept sorted by start and the first
//    visible one is found by binary search (start >= view.start - longest bar); bars narrower
//    than a pixel that fall on an already painted pixel are skipped — 100,000 bars stay smooth;
//  - the canvas is sharp on any devicePixelRatio and keeps its height during a run (it is
//    reserved from the worker count);
//  - zoom (wheel, pinch, +/−, buttons), pan (drag, shift+wheel, arrow keys), fit (0 / Home);
//  - hover shows task, attempt, worker, start, end and duration; click selects a task; the
//    selected task's attempts are outlined, with arrows from its dependencies and to its
//    dependents;
//  - the critical-path overlay (`setCriticalPath(ids)`, on unless `showCriticalPath(false)`)
//    outlines the attempts of those tasks and joins each one's last attempt to the next one's
//    first with a connector, in the CRITICAL colour; like the bars, only visible ones are drawn
//    (binary search over the path, which a run keeps in time order) and sub-pixel ones are
//    coalesced;
//  - linking: `onView(view)` reports every view change made by the user (zoom, pan, fit,
//    revealing a selection); `linkView(view)` shows exactly that window without reporting it
//    back, so two timelines can follow each other; `setFitExtent(ms)` makes fit cover at least
//    `ms`, so two runs fit on one scale; `setMarkers` draws labelled vertical lines (makespans);
//  - compact runs (`setCompact(columns)`, the typed arrays of www/client/compact.js, for big
//    graphs): bars are read from the arrays, never made into objects; where a lane's bars
//    are thinner than a pixel they are drawn as density (each pixel column shaded by the
//    share of its time the worker was busy, red where an attempt there failed), and bars a
//    pixel wide or more are drawn as bars, so zooming in shows real bars;
//  - task groups (`setGroups(groups)`, the graph's `group NAME { … }` tree): one bracket per
//    group above the lanes, from its members' first start to their last end (nested groups'
//    members included), labelled with its name and cap; nested groups on the rows below their
//    parent's;
//  - `viewModel()` states what is drawn (lanes, bars, ticks, view, scale, selection, overlay)
//    for tests.
import { formatMs, formatTick, tickStep } from './format.js';
import { CRITICAL, SELECTED, STATES, stateOfStatus } from './states.js';
import { STATUS_NAMES } from '../client/compact.js';

/** The first index in [lo, hi) of sorted `arr` whose value is >= t. */
function lowerBoundArr(arr, lo, hi, t) {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] < t) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** Segment colours: the states' colours, with 'waiting' darkened so a thin bar shows on a lane. */
const SEGMENT = { waiting: '#7d8494', blocked: STATES.blocked.fill };

/** How many shades of density a compact lane uses (see drawCompact). */
const DENSITY_LEVELS = 8;

/** The longest critical path a compact run outlines (see critBars). */
const MAX_COMPACT_PATH = 200;

const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

function lowerBound(bars, t) {
  let lo = 0, hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bars[mid].start < t) lo = mid + 1; else hi = mid;
  }
  return lo;
}

class Lane {
  constructor() { this.bars = []; this.segs = []; this.maxDur = 0; this.maxSeg = 0; this.dirty = false; }
  add(list, item, key) {
    const last = list[list.length - 1];
    if (last && item.start < last.start) this.dirty = true;
    list.push(item);
    const d = item.end - item.start;
    if (key === 'bar') this.maxDur = Math.max(this.maxDur, d); else this.maxSeg = Math.max(this.maxSeg, d);
  }
  sort() {
    if (!this.dirty) return;
    this.bars.sort((a, b) => a.start - b.start);
    this.segs.sort((a, b) => a.start - b.start);
    this.dirty = false;
  }
}

export function createTimeline(container, { onSelect = () => {}, onView = () => {}, name = 'Timeline' } = {}) {
  const canvas = document.createElement('canvas');
  canvas.className = 'timeline-canvas';
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${name}: no run yet. Arrow keys pan, + and − zoom, 0 fits.`);
  const tip = document.createElement('div');
  tip.className = 'timeline-tip';
  tip.hidden = true;
  container.append(canvas, tip);
  const ctx = canvas.getContext('2d');

  let lanes = [new Lane()];
  let byTask = new Map();
  let deps = new Map();
  let dependents = new Map();
  let extent = 0;
  let total = 0;
  let segCount = 0;
  let view = { start: 0, end: 100 };
  let autoFit = true;
  let selected = null;
  let hover = null;
  let frame = 0;
  let stats = { drawn: 0, arrows: 0, ticks: [], drawMs: 0 };
  let size = { w: 0, h: 0, dpr: 1 };
  let reservedLanes = 1;
  let fitExtent = 0;
  let markers = [];
  // Overlays (setOverlays): `{ name, draw(ctx, view), viewModel() }` drawn over the bars,
  // e.g. steal marks (steal-marks.js). `view` gives x of a time and y/height of a lane.
  let overlays = [];
  // Circuit breakers' states (RunResult.breakers): one band per resource above the lanes.
  let bands = [];
  const BAND_H = 11;
  const BAND_FILL = { open: '#b3261e', 'half-open': '#f3c349', closed: '#dfe3ea' };
  // Task groups (setGroups): one bracket row each, at most MAX_BRACKETS rows.
  let taskGroups = [];
  let groupMembers = new Map();
  const BRACKET_H = 14;
  const MAX_BRACKETS = 8;
  const bracketRows = () => Math.min(taskGroups.length, MAX_BRACKETS);
  // A compact run (setCompact): its columns, the lanes' ranges of bars and longest bars.
  let compact = null;
  // The critical-path overlay: path ids, whether it shows, and (built lazily from the bars)
  // one entry per path task that has attempts, in path order.
  const crit = { ids: [], show: true, list: [], dirty: false, drawn: { outlines: 0, connectors: 0, tasks: [] } };

  const geom = () => {
    const left = size.w < 480 ? 50 : 66, right = 10, top = (markers.length ? 18 : 6) + bracketRows() * BRACKET_H + bands.length * BAND_H, axis = 26;
    const n = Math.max(lanes.length, 1);
    const laneH = Math.min(34, Math.max(6, (size.h - top - axis) / n));
    return { left, right, top, axis, laneH, plotW: Math.max(size.w - left - right, 10), n };
  };
  const xOf = (t, g) => g.left + ((t - view.start) / (view.end - view.start)) * g.plotW;
  const tOf = (x, g) => view.start + ((x - g.left) / g.plotW) * (view.end - view.start);

  function resize() {
    const dpr = window.devicePixelRatio || 1;
    const r = canvas.getBoundingClientRect();
    size = { w: Math.max(r.width, 1), h: Math.max(r.height, 1), dpr };
    canvas.width = Math.round(size.w * dpr);
    canvas.height = Math.round(size.h * dpr);
    requestDraw();
  }
  new ResizeObserver(resize).observe(canvas);

  function requestDraw() {
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; draw(); });
  }

  function draw() {
    const t0 = performance.now();
    const g = geom();
    ctx.setTransform(size.dpr, 0, 0, size.dpr, 0, 0);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, size.w, size.h);
    ctx.font = FONT;
    ctx.textBaseline = 'middle';
    const plotBottom = g.top + g.n * g.laneH;

    // Lanes and their labels.
    for (let w = 0; w < g.n; w++) {
      const y = g.top + w * g.laneH;
      ctx.fillStyle = w % 2 ? '#f6f7fa' : '#eef0f5';
      ctx.fillRect(g.left, y, g.plotW, g.laneH);
      if (g.laneH >= 9) {
        ctx.fillStyle = '#4d5361';
        ctx.textAlign = 'right';
        ctx.fillText(size.w < 480 ? `w${w}` : `worker ${w}`, g.left - 6, y + g.laneH / 2);
      }
    }
    drawBands(g);
    drawBrackets(g);
    // Ticks.
    const span = view.end - view.start;
    const step = tickStep(span, Math.max(2, Math.floor(g.plotW / 90)));
    const ticks = [];
    ctx.textAlign = 'center';
    for (let t = Math.ceil(view.start / step) * step; t <= view.end + step * 1e-9; t += step) {
      const x = Math.round(xOf(t, g)) + 0.5;
      ctx.fillStyle = '#d9dce3';
      ctx.fillRect(x - 0.5, g.top, 1, plotBottom - g.top + 4);
      const label = formatTick(t, step);
      ticks.push({ t, label });
      ctx.fillStyle = '#4d5361';
      ctx.fillText(label, x, plotBottom + 13);
    }

    ctx.save();
    ctx.beginPath();
    ctx.rect(g.left, 0, g.plotW, size.h);
    ctx.clip();
    let drawn = 0;
    let density = 0;
    const labels = [];
    if (compact) ({ drawn, density } = drawCompact(g, labels));
    for (let w = 0; w < (compact ? 0 : lanes.length); w++) {
      const lane = lanes[w];
      lane.sort();
      const y = g.top + w * g.laneH;
      const barH = Math.max(3, g.laneH - 8), barY = y + (g.laneH - barH) / 2;
      // Waiting and blocked segments: thin, under the bar's vertical centre.
      const segH = Math.max(2, Math.min(4, barH / 4)), segY = y + g.laneH / 2 - segH / 2;
      for (let i = lowerBound(lane.segs, view.start - lane.maxSeg); i < lane.segs.length; i++) {
        const s = lane.segs[i];
        if (s.start > view.end) break;
        const x0 = xOf(s.start, g), x1 = xOf(s.end, g);
        if (x1 < g.left) continue;
        ctx.fillStyle = SEGMENT[s.kind] ?? STATES[s.kind]?.fill ?? '#999';
        ctx.fillRect(x0, segY, Math.max(x1 - x0, 1), segH);
      }
      let lastPx = -Infinity, fill = '';
      for (let i = lowerBound(lane.bars, view.start - lane.maxDur); i < lane.bars.length; i++) {
        const b = lane.bars[i];
        if (b.start > view.end) break;
        const x0 = xOf(b.start, g), x1 = xOf(b.end, g);
        if (x1 < g.left) continue;
        const wpx = x1 - x0;
        if (wpx < 1 && x0 < lastPx) continue; // that pixel is painted already
        const f = STATES[b.state]?.fill ?? STATES.done.fill;
        if (f !== fill) { ctx.fillStyle = f; fill = f; }
        ctx.fillRect(x0, barY, wpx >= 3 ? wpx - 1 : Math.max(wpx, 1), barH);
        if (b.reason && wpx >= 3) lostMark(b, x0, wpx, barY, barH);
        lastPx = Math.max(lastPx, x0 + Math.max(wpx, 1));
        drawn++;
        if (wpx > 24 && barH >= 10) labels.push([b, x0, wpx, barY + barH / 2]);
      }
    }
    ctx.textAlign = 'left';
    for (const [b, x0, wpx, cy] of labels.slice(0, 2000)) {
      const text = b.reason ? `${b.task} #${b.attempt} ${b.reason}` : b.attempt > 1 ? `${b.task} #${b.attempt}` : b.task;
      if (ctx.measureText(text).width + 8 > wpx) continue;
      ctx.fillStyle = STATES[b.state]?.text ?? '#fff';
      ctx.fillText(text, Math.max(x0, g.left) + 4, cy);
    }
    drawMarkers(g, plotBottom);
    const ov = { x: (t) => xOf(t, g), laneY: (w) => g.top + w * g.laneH, laneH: g.laneH, left: g.left, width: g.plotW, start: view.start, end: view.end };
    for (const o of overlays) { ctx.save(); o.draw(ctx, ov); ctx.restore(); }
    drawCritical(g);
    const arrows = drawSelection(g);
    if (hover) outline(hover, g, '#5b6170', 1.5);
    ctx.restore();
    stats = { drawn, density, arrows, ticks, drawMs: performance.now() - t0 };
  }

  /** The breakers' bands: closed grey, open red, half-open amber, from each change to the
   *  next (the last to the end of the run). */
  function drawBands(g) {
    bands.forEach((band, i) => {
      const y = g.top - (bands.length - i) * BAND_H;
      ctx.fillStyle = '#4d5361';
      ctx.textAlign = 'right';
      ctx.fillText(band.resource, g.left - 6, y + BAND_H / 2);
      const changes = [{ at_ms: 0, state: 'closed' }, ...band.changes];
      changes.forEach((c, k) => {
        const end = k + 1 < changes.length ? changes[k + 1].at_ms : Math.max(extent, view.end);
        const x0 = Math.max(xOf(c.at_ms, g), g.left), x1 = Math.min(xOf(end, g), g.left + g.plotW);
        if (x1 <= x0) return;
        ctx.fillStyle = BAND_FILL[c.state] ?? BAND_FILL.closed;
        ctx.fillRect(x0, y + 1, x1 - x0, BAND_H - 3);
      });
    });
  }

  /** A group's span: its members' first start and last end among the bars (null: none ran). */
  function groupSpan(name) {
    let start = Infinity, end = -Infinity;
    for (const id of groupMembers.get(name) ?? []) {
      for (const b of byTask.get(id) ?? []) { start = Math.min(start, b.start); end = Math.max(end, b.end); }
    }
    return start <= end ? { start, end } : null;
  }

  /** The groups' brackets, parents above their nested groups (the order of the graph). */
  function drawBrackets(g) {
    const rows = bracketRows();
    if (!rows) return;
    const y0 = g.top - bands.length * BAND_H - rows * BRACKET_H;
    ctx.save();
    for (let i = 0; i < rows; i++) {
      const x = taskGroups[i];
      const span = groupSpan(x.name);
      const y = y0 + i * BRACKET_H;
      const label = x.workers ? `${x.name} · workers ${x.workers}` : x.name;
      if (!span) continue;
      const a = xOf(span.start, g), b = xOf(span.end, g);
      const x0 = Math.max(a, g.left), x1 = Math.min(b, g.left + g.plotW);
      if (x1 < x0) continue;
      // A bracket: a line under the label with its ends turned down towards the lanes.
      const ly = y + BRACKET_H - 3;
      ctx.strokeStyle = '#5d6577';
      ctx.lineWidth = 1.2;
      ctx.beginPath();
      if (a >= g.left) { ctx.moveTo(a + 0.5, ly + 3); ctx.lineTo(a + 0.5, ly); } else ctx.moveTo(x0, ly);
      ctx.lineTo(x1 - 0.5, ly);
      if (b <= g.left + g.plotW) ctx.lineTo(b - 0.5, ly + 3);
      ctx.stroke();
      ctx.save();
      ctx.beginPath();
      ctx.rect(x0, y, Math.max(x1 - x0, 0), BRACKET_H);
      ctx.clip();
      ctx.fillStyle = '#2b3140';
      ctx.textAlign = 'left';
      ctx.fillText(label, x0 + 3, y + BRACKET_H / 2 - 1);
      ctx.restore();
    }
    ctx.restore();
  }

  /** A hedge copy that lost (a bar with a `reason`): dashed outline, so it reads as work
   *  thrown away next to the copy that won. */
  function lostMark(b, x0, wpx, y, h) {
    ctx.save();
    ctx.setLineDash([3, 2]);
    ctx.strokeStyle = '#1d1f24';
    ctx.lineWidth = 1;
    ctx.strokeRect(x0 + 0.5, y + 0.5, Math.max(wpx - 2, 1), h - 1);
    ctx.restore();
  }

  /** The bar `k` of the compact run as the object the other drawing code uses. */
  function compactBar(k) {
    const b = compact.c.bars;
    const status = STATUS_NAMES[b.status[k]];
    return { task: compact.c.idTable.idAt(b.task[k]), index: b.task[k], attempt: b.attempt[k], worker: b.worker[k], start: b.start[k], end: b.end[k], status, state: stateOfStatus(status), k };
  }

  /** The bars of task `index` (by bar index), in attempt order. */
  function compactBarsOf(index) {
    // One attempt (nearly every task): its bar is indexed; retried tasks are scanned for.
    if (!compact.c.extraMap().has(index)) return compact.barOf[index] >= 0 ? [compactBar(compact.barOf[index])] : [];
    const t = compact.c.bars.task;
    const out = [];
    for (let k = 0; k < t.length; k++) if (t[k] === index) out.push(compactBar(k));
    return out.sort((a, b) => a.attempt - b.attempt);
  }

  /** Draws the compact run's lanes with level of detail (see the guarantees). Returns how
   *  many bars were drawn as bars and how many pixel columns as density. */
  function drawCompact(g, labels) {
    const { bars, laneEnds } = compact.c;
    const { start, end, status } = bars;
    const pxPerMs = g.plotW / (view.end - view.start);
    const cols = Math.ceil(g.plotW) + 2;
    const busy = new Float32Array(cols);
    const failed = new Uint8Array(cols);
    let drawn = 0, density = 0;
    const okFill = STATES.done.fill;
    const shades = []; // shade key → Path2D of its rects, filled once at the end
    for (let w = 0; w < laneEnds.length; w++) {
      const lo0 = w ? laneEnds[w - 1] : 0, hi = laneEnds[w];
      if (lo0 === hi) continue;
      const y = g.top + w * g.laneH;
      const barH = Math.max(3, g.laneH - 8), barY = y + (g.laneH - barH) / 2;
      busy.fill(0);
      failed.fill(0);
      let any = false;
      let fill = '';
      // Zoomed out past the core's density buckets: shade from them, no bar is read.
      if (1 / pxPerMs >= compact.c.bucketMs) {
        const { density: dens, densityFailed, buckets, bucketMs } = compact.c;
        const base = w * buckets;
        const q0 = Math.max(0, Math.floor(view.start / bucketMs)), q1 = Math.min(buckets - 1, Math.floor(view.end / bucketMs));
        for (let q = q0; q <= q1; q++) {
          const v = dens[base + q];
          if (v <= 0) continue;
          const c = Math.floor((q * bucketMs + bucketMs / 2 - view.start) * pxPerMs);
          if (c < 0 || c >= cols) continue;
          busy[c] += v * pxPerMs;
          if (densityFailed[base + q]) failed[c] = 1;
          any = true;
        }
      }
      for (let k = any || 1 / pxPerMs >= compact.c.bucketMs ? hi : lowerBoundArr(start, lo0, hi, view.start - compact.maxDur[w]); k < hi; k++) {
        const s0 = start[k];
        if (s0 > view.end) break;
        const x0 = g.left + (s0 - view.start) * pxPerMs;
        const x1 = g.left + (end[k] - view.start) * pxPerMs;
        if (x1 < g.left) continue;
        const wpx = x1 - x0;
        if (wpx < 1) {
          // Thinner than a pixel: its share of the pixel column's time.
          const c = Math.max(0, Math.floor(x0 - g.left));
          if (c < cols) { busy[c] += wpx; if (status[k] !== 0) failed[c] = 1; any = true; }
          continue;
        }
        const f = STATES[stateOfStatus(STATUS_NAMES[status[k]])]?.fill ?? okFill;
        if (f !== fill) { ctx.fillStyle = f; fill = f; }
        ctx.fillRect(x0, barY, wpx >= 3 ? wpx - 1 : wpx, barH);
        drawn++;
        if (wpx > 24 && barH >= 10 && labels.length < 2000) labels.push([compactBar(k), x0, wpx, barY + barH / 2]);
      }
      if (!any) continue;
      // Density: alpha = busy share, in DENSITY_LEVELS steps; one rect per run of equally
      // shaded columns, one fill per shade (a uniform lane is one rect).
      for (let c = 0; c < cols;) {
        const v = busy[c];
        if (v <= 0) { c++; continue; }
        const level = Math.max(1, Math.round(Math.min(1, v) * DENSITY_LEVELS));
        const key = failed[c] * (DENSITY_LEVELS + 1) + level;
        let e = c + 1;
        while (e < cols && busy[e] > 0 && failed[e] * (DENSITY_LEVELS + 1) + Math.max(1, Math.round(Math.min(1, busy[e]) * DENSITY_LEVELS)) === key) e++;
        (shades[key] ??= new Path2D()).rect(g.left + c, barY, e - c, barH);
        density += e - c;
        c = e;
      }
      fill = '';
    }
    shades.forEach((path, key) => {
      if (!path) return;
      const isFailed = key > DENSITY_LEVELS;
      const level = isFailed ? key - DENSITY_LEVELS - 1 : key;
      ctx.globalAlpha = 0.25 + (0.75 * level) / DENSITY_LEVELS;
      ctx.fillStyle = isFailed ? STATES.failed.fill : okFill;
      ctx.fill(path);
    });
    ctx.globalAlpha = 1;
    return { drawn, density };
  }

  function barBox(b, g) {
    const y = g.top + b.worker * g.laneH;
    const barH = Math.max(3, g.laneH - 8);
    const x0 = xOf(b.start, g);
    return { x: x0, y: y + (g.laneH - barH) / 2, w: Math.max(xOf(b.end, g) - x0, 2), h: barH };
  }

  function outline(b, g, color, width) {
    const r = barBox(b, g);
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.strokeRect(r.x - width / 2, r.y - width / 2, r.w + width, r.h + width);
  }

  function arrow(from, to, g, dashed) {
    const a = barBox(from, g), b = barBox(to, g);
    const x0 = a.x + a.w, y0 = a.y + a.h / 2, x1 = b.x, y1 = b.y + b.h / 2;
    const dx = Math.max(Math.abs(x1 - x0) / 2, 12);
    ctx.strokeStyle = SELECTED;
    ctx.fillStyle = SELECTED;
    ctx.lineWidth = 1.5;
    ctx.setLineDash(dashed ? [4, 3] : []);
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.bezierCurveTo(x0 + dx, y0, x1 - dx, y1, x1 - 1, y1);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - 7, y1 - 4);
    ctx.lineTo(x1 - 7, y1 + 4);
    ctx.closePath();
    ctx.fill();
  }

  /** Whether another bar of `from`'s lane starts between the end of `from` and the start of `to`. */
  function barsBetween(from, to) {
    if (compact) {
      const { start, end } = compact.c.bars;
      const lo = from.worker ? compact.c.laneEnds[from.worker - 1] : 0, hi = compact.c.laneEnds[from.worker];
      const k = lowerBoundArr(start, lo, hi, from.end);
      return k < hi && k !== to.k && start[k] < to.start && end[k] >= start[k];
    }
    const bars = lanes[from.worker].bars;
    const b = bars[lowerBound(bars, from.end)];
    return Boolean(b && b !== to && b.start < to.start);
  }

  // Critical links go into two paths, `lines` (stroked) and `heads` (filled), drawn once each.
  // Across lanes: a curve from the end of `from` to the start of `to`.
  function crossLink(from, to, g, p) {
    const a = barBox(from, g), b = barBox(to, g);
    const x0 = a.x + a.w, y0 = a.y + a.h / 2, x1 = b.x, y1 = b.y + b.h / 2;
    const dx = Math.max(Math.abs(x1 - x0) / 2, 12);
    p.lines.moveTo(x0, y0);
    p.lines.bezierCurveTo(x0 + dx, y0, x1 - dx, y1, x1 - 1, y1);
    head(p.heads, x1, y1, 1, 0);
  }
  // Across an empty gap of one lane: a straight line at the bars' middle.
  function gapLink(from, to, g, p) {
    const a = barBox(from, g), b = barBox(to, g);
    const x0 = a.x + a.w, x1 = b.x, y = a.y + a.h / 2;
    const withHead = x1 - x0 > 10;
    p.lines.moveTo(x0, y);
    p.lines.lineTo(withHead ? x1 - 5 : x1, y);
    if (withHead) head(p.heads, x1, y, 1, 0);
  }
  // Over other bars of one lane: an arc over the lane's top edge, so it crosses no labels.
  function hop(from, to, g, p) {
    const a = barBox(from, g), b = barBox(to, g);
    const x0 = a.x + a.w, x1 = b.x, y = a.y;
    const lift = Math.min(a.y - 1, 10);
    const k = Math.min((x1 - x0) / 3, 24);
    p.lines.moveTo(x0 - 1, y + 2);
    p.lines.bezierCurveTo(x0 + k, y - lift, x1 - k, y - lift, x1 - 1, y - 1);
    head(p.heads, x1, y + 1, 0.8, 0.6);
  }
  // An arrowhead with its tip at (x, y), pointing along (ux, uy).
  function head(path, x, y, ux, uy) {
    const n = Math.hypot(ux, uy) || 1;
    ux /= n; uy /= n;
    path.moveTo(x, y);
    path.lineTo(x - 7 * ux - 4 * uy, y - 7 * uy + 4 * ux);
    path.lineTo(x - 7 * ux + 4 * uy, y - 7 * uy - 4 * ux);
    path.closePath();
  }

  // Makespan (or other) markers: a vertical line over the lanes, its label above them.
  function drawMarkers(g, plotBottom) {
    ctx.textBaseline = 'middle';
    for (const m of markers) {
      const x = Math.round(xOf(m.t, g)) + 0.5;
      if (x < g.left - 1 || x > g.left + g.plotW + 1) continue;
      ctx.strokeStyle = m.color ?? SELECTED;
      ctx.lineWidth = m.dashed ? 1 : 2;
      ctx.setLineDash(m.dashed ? [4, 3] : []);
      ctx.beginPath();
      ctx.moveTo(x, g.top - 3);
      ctx.lineTo(x, plotBottom);
      ctx.stroke();
      ctx.setLineDash([]);
      if (!m.label) continue;
      const w = ctx.measureText(m.label).width;
      // Right of the line when it fits, else left of it.
      const right = x + 4 + w <= g.left + g.plotW;
      ctx.textAlign = right ? 'left' : 'right';
      ctx.fillStyle = m.color ?? SELECTED;
      ctx.fillText(m.label, right ? x + 4 : x - 4, g.top - 9);
    }
  }

  function critBars() {
    if (!crit.dirty) return crit.list;
    const list = [];
    // A compact run finds a path task's bars by scanning the id bytes: done for paths of up to
    // MAX_COMPACT_PATH tasks (longer ones are not outlined).
    const barsOf = compact ? (id) => {
      if (crit.ids.length > MAX_COMPACT_PATH) return [];
      const i = compact.c.idTable.indexOf(id);
      return i < 0 ? [] : compactBarsOf(i);
    } : (id) => byTask.get(id);
    crit.ids.forEach((id, idx) => {
      const a = barsOf(id);
      if (a?.length) list.push({ id, idx, first: a[0], last: a[a.length - 1], all: a, maxEnd: 0 });
    });
    // Running maximum of the ends: non-decreasing, so the first visible entry is found by
    // binary search even if a (cancelled, synthetic) run broke the path's time order.
    let m = -Infinity;
    for (const c of list) { m = Math.max(m, c.last.end); c.maxEnd = m; }
    crit.list = list;
    crit.dirty = false;
    return list;
  }

  function drawCritical(g) {
    const drawn = { outlines: 0, connectors: 0, tasks: [] };
    crit.drawn = drawn;
    const list = critBars();
    if (!crit.show || !list.length) return;
    let lo = 0, hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].maxEnd < view.start) lo = mid + 1; else hi = mid;
    }
    let lastOutline = -Infinity, lastConnector = -Infinity;
    const outlines = new Path2D();
    const links = { lines: new Path2D(), heads: new Path2D() };
    for (let k = Math.max(lo - 1, 0); k < list.length; k++) {
      const c = list[k];
      if (c.first.start > view.end) break;
      for (const b of c.all) {
        if (b.end < view.start || b.start > view.end) continue;
        const r = barBox(b, g);
        if (r.x + r.w < lastOutline + 1) continue; // that pixel column is outlined already
        outlines.rect(r.x - 1, r.y - 1, r.w + 2, r.h + 2);
        lastOutline = r.x + r.w;
        drawn.outlines++;
        if (drawn.tasks.length < 2000 && drawn.tasks[drawn.tasks.length - 1] !== b.task) drawn.tasks.push(b.task);
      }
      const next = list[k + 1];
      if (!next || next.idx !== c.idx + 1) continue;
      const x0 = xOf(c.last.end, g), x1 = xOf(next.first.start, g);
      if (next.first.worker === c.last.worker && x1 - x0 < 3) continue; // adjacent bars: nothing to join
      if (Math.max(x0, x1) < lastConnector + 1) continue;
      if (next.first.worker !== c.last.worker) crossLink(c.last, next.first, g, links);
      else if (barsBetween(c.last, next.first)) hop(c.last, next.first, g, links);
      else gapLink(c.last, next.first, g, links);
      lastConnector = Math.max(x0, x1);
      drawn.connectors++;
    }
    ctx.strokeStyle = CRITICAL;
    ctx.fillStyle = CRITICAL;
    ctx.lineWidth = 2;
    ctx.stroke(outlines);
    ctx.stroke(links.lines);
    ctx.fill(links.heads);
  }

  function drawSelection(g) {
    if (compact) {
      if (!selected) return 0;
      const i = compact.selectedIndex ?? (compact.selectedIndex = compact.c.idTable.indexOf(selected));
      if (i >= 0) for (const b of (compact.selectedBars ??= compactBarsOf(i))) outline(b, g, SELECTED, 2.5);
      return 0;
    }
    if (!selected || !byTask.has(selected)) return 0;
    const mine = byTask.get(selected);
    let n = 0;
    for (const d of deps.get(selected) ?? []) {
      const theirs = byTask.get(d);
      if (theirs?.length) { arrow(theirs[theirs.length - 1], mine[0], g, false); n++; }
    }
    for (const d of dependents.get(selected) ?? []) {
      const theirs = byTask.get(d);
      if (theirs?.length) { arrow(mine[mine.length - 1], theirs[0], g, true); n++; }
    }
    for (const b of mine) outline(b, g, SELECTED, 2.5);
    return n;
  }

  function hitTest(px, py) {
    const g = geom();
    if (px < g.left || px > g.left + g.plotW) return null;
    const w = Math.floor((py - g.top) / g.laneH);
    if (compact) {
      if (w < 0 || w >= compact.c.laneEnds.length) return null;
      const { start, end } = compact.c.bars;
      const lo = w ? compact.c.laneEnds[w - 1] : 0, hi = compact.c.laneEnds[w];
      const slack = (3 / g.plotW) * (view.end - view.start);
      const t = tOf(px, g);
      let best = -1;
      for (let k = lowerBoundArr(start, lo, hi, t + slack) - 1; k >= lo; k--) {
        if (start[k] < t - compact.maxDur[w] - slack) break;
        if (end[k] + slack >= t) { best = k; if (start[k] <= t && end[k] >= t) break; }
      }
      return best < 0 ? null : compactBar(best);
    }
    const lane = lanes[w];
    if (!lane) return null;
    lane.sort();
    const slack = (3 / g.plotW) * (view.end - view.start);
    const t = tOf(px, g);
    let best = null;
    for (let i = lowerBound(lane.bars, t + slack) - 1; i >= 0; i--) {
      const b = lane.bars[i];
      if (b.start < t - lane.maxDur - slack) break;
      if (b.end + slack >= t) { best = b; if (b.start <= t && b.end >= t) break; }
    }
    return best;
  }

  function showTip(b, px, py) {
    if (!b) { tip.hidden = true; return; }
    tip.hidden = false;
    const strong = document.createElement('strong');
    strong.textContent = b.task;
    tip.replaceChildren(strong, ` · attempt ${b.attempt} · worker ${b.worker} · ${b.status}${b.reason ? ` (${b.reason})` : ''}`, document.createElement('br'),
      `${formatMs(b.start)} → ${formatMs(b.end)} (${formatMs(b.end - b.start)})`);
    const maxX = size.w - tip.offsetWidth - 4;
    tip.style.left = `${Math.max(0, Math.min(px + 12, maxX))}px`;
    tip.style.top = `${py + 14}px`;
  }

  // Zoom and pan.
  function setView(start, end, byUser = true) {
    const span = Math.max(end - start, 1e-4);
    view = { start, end: start + span };
    if (byUser) { autoFit = false; onView({ ...view }); }
    requestDraw();
  }
  function zoomAt(factor, px) {
    const g = geom();
    const t = tOf(px ?? g.left + g.plotW / 2, g);
    setView(t - (t - view.start) / factor, t + (view.end - t) / factor);
  }
  function panPx(dx) {
    const g = geom();
    const dt = (dx / g.plotW) * (view.end - view.start);
    setView(view.start - dt, view.end - dt);
  }
  const fitView = () => ({ start: 0, end: Math.max(extent, fitExtent, 1e-3) * 1.02 });
  /** Shows the whole run (and at least `fitExtent`); `byUser` reports the change to onView. */
  function fit(byUser = false) {
    autoFit = true;
    view = fitView();
    if (byUser) onView({ ...view });
    requestDraw();
  }
  const userFit = () => fit(true);

  const pointers = new Map();
  let drag = null;
  canvas.addEventListener('pointerdown', (e) => {
    pointers.set(e.pointerId, e.clientX);
    canvas.setPointerCapture(e.pointerId);
    drag = { x: e.clientX, y: e.clientY, lastX: e.clientX, moved: false, pinch: pointers.size === 2 ? pinchWidth() : 0 };
  });
  const pinchWidth = () => { const [a, b] = [...pointers.values()]; return Math.abs(a - b) || 1; };
  canvas.addEventListener('pointermove', (e) => {
    const r = canvas.getBoundingClientRect();
    const px = e.clientX - r.left, py = e.clientY - r.top;
    if (drag && pointers.has(e.pointerId)) {
      pointers.set(e.pointerId, e.clientX);
      if (pointers.size === 2) {
        const wNow = pinchWidth();
        if (drag.pinch) zoomAt(wNow / drag.pinch, px);
        drag.pinch = wNow;
        drag.moved = true;
        return;
      }
      if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 4) drag.moved = true;
      if (drag.moved) { panPx(e.clientX - drag.lastX); drag.lastX = e.clientX; tip.hidden = true; return; }
    }
    const b = hitTest(px, py);
    if (b !== hover) { hover = b; requestDraw(); }
    showTip(b, px, py);
  });
  const endPointer = (e) => {
    pointers.delete(e.pointerId);
    if (drag && !drag.moved && e.type === 'pointerup') {
      const r = canvas.getBoundingClientRect();
      const b = hitTest(e.clientX - r.left, e.clientY - r.top);
      if (b) onSelect(b.task);
    }
    if (!pointers.size) drag = null;
  };
  canvas.addEventListener('pointerup', endPointer);
  canvas.addEventListener('pointercancel', endPointer);
  canvas.addEventListener('pointerleave', () => { hover = null; tip.hidden = true; requestDraw(); });
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    const r = canvas.getBoundingClientRect();
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) panPx(-(e.deltaX || e.deltaY));
    else zoomAt(Math.exp(-e.deltaY * (e.ctrlKey ? 0.01 : 0.0015)), e.clientX - r.left);
  }, { passive: false });
  canvas.addEventListener('keydown', (e) => {
    const g = geom();
    const keys = {
      ArrowLeft: () => panPx(g.plotW * 0.1), ArrowRight: () => panPx(-g.plotW * 0.1),
      '+': () => zoomAt(1.25), '=': () => zoomAt(1.25), '-': () => zoomAt(0.8), '0': userFit, Home: userFit,
    };
    if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
  });

  function addOne(b) {
    while (lanes.length <= b.worker) lanes.push(new Lane());
    lanes[b.worker].add(lanes[b.worker].bars, b, 'bar');
    if (!byTask.has(b.task)) byTask.set(b.task, []);
    const list = byTask.get(b.task);
    list.push(b);
    if (list.length > 1 && list[list.length - 2].attempt > b.attempt) list.sort((p, q) => p.attempt - q.attempt);
    extent = Math.max(extent, b.end);
    total++;
  }
  function addSeg(s) {
    while (lanes.length <= s.worker) lanes.push(new Lane());
    lanes[s.worker].add(lanes[s.worker].segs, s, 'seg');
    extent = Math.max(extent, s.end);
    segCount++;
  }
  function workersUsed() {
    if (!compact) return lanes.filter((l) => l.bars.length).length;
    let used = 0;
    for (let w = 0; w < compact.c.laneEnds.length; w++) if (compact.c.laneEnds[w] > (w ? compact.c.laneEnds[w - 1] : 0)) used++;
    return used;
  }
  function describe() {
    container.dataset.bars = String(total);
    container.dataset.lanes = String(lanes.length);
    container.dataset.workersUsed = String(workersUsed());
    canvas.setAttribute('aria-label', total
      ? `${name}: ${total} attempts on ${lanes.length} workers, ${formatMs(extent)} in all. Arrow keys pan, + and − zoom, 0 fits.`
      : `${name}: no run yet. Arrow keys pan, + and − zoom, 0 fits.`);
  }

  const api = {
    canvas,
    /** Empties the chart and shows `workers` empty lanes (reserving their height). */
    clear(workers = reservedLanes) {
      lanes = Array.from({ length: Math.max(workers, 1) }, () => new Lane());
      byTask = new Map();
      compact = null;
      extent = 0; total = 0; segCount = 0; hover = null;
      crit.dirty = true;
      api.reserve(workers);
      fit();
      describe();
    },
    /** Reserves the canvas height for `workers` lanes, so a run does not shift the page. */
    reserve(workers) {
      reservedLanes = Math.max(1, workers | 0);
      const px = Math.round(Math.min(420, Math.max(110, 6 + 28 + reservedLanes * 34)));
      canvas.style.height = `${px}px`;
    },
    /** The circuit breakers' states to draw as bands (RunResult.breakers; [] for none). */
    setBreakers(list) {
      bands = Array.isArray(list) ? list : [];
      requestDraw();
    },
    /** The bands drawn (for tests). */
    breakerBands: () => bands,
    /** The graph's task groups, for the brackets: `[{ name, parent, workers, tasks }]`
     *  (parents first, `tasks` a group's own ids; [] for none). */
    setGroups(list) {
      taskGroups = Array.isArray(list) ? list : [];
      groupMembers = new Map(taskGroups.map((x) => [x.name, [...(x.tasks ?? [])]]));
      const parent = new Map(taskGroups.map((x) => [x.name, x.parent ?? null]));
      for (const x of taskGroups) for (let p = parent.get(x.name); p; p = parent.get(p)) groupMembers.get(p)?.push(...(x.tasks ?? []));
      requestDraw();
    },
    /** Replaces everything with a normalized run (run-model.js normalizeRun). */
    setResult(model) {
      api.clear(model.workers);
      api.addAttempts(model.attempts, model.segments);
      if (model.makespan > extent) { extent = model.makespan; fit(); }
    },
    /** Replaces everything with a compact run: `columns` of www/client/compact.js (bars per
     *  lane sorted by start), `makespan` in ms, `workers` lanes at least. Nothing per task
     *  becomes an object: drawing reads the typed arrays. */
    setCompact(columns, { makespan = 0, workers = 1 } = {}) {
      api.clear(Math.max(workers, columns.laneEnds.length));
      // Longest bar per lane, first bar per task and the density come computed by the core.
      compact = { c: columns, maxDur: columns.laneMaxDur, barOf: columns.barOf };
      total = columns.bars.start.length;
      extent = Math.max(makespan, columns.bucketMs * columns.buckets);
      crit.dirty = true;
      fit();
      describe();
    },
    /** Adds attempts (and waiting/blocked segments) as they arrive, e.g. from a live run. */
    addAttempts(attempts, segments = []) {
      for (const b of attempts) addOne(b);
      for (const s of segments) addSeg(s);
      if (attempts.length) crit.dirty = true;
      if (autoFit) view = fitView();
      describe();
      requestDraw();
    },
    /** Dependencies, for the selected task's arrows: graph tasks [{ id, deps }]. */
    setGraph(tasks) {
      deps = new Map(tasks.map((t) => [t.id, t.deps]));
      dependents = new Map();
      for (const t of tasks) for (const d of t.deps) {
        if (!dependents.has(d)) dependents.set(d, []);
        dependents.get(d).push(t.id);
      }
      requestDraw();
    },
    select(id) {
      selected = id ?? null;
      container.dataset.selected = selected ?? '';
      if (compact) { compact.selectedIndex = undefined; compact.selectedBars = undefined; }
      const mine = selected && (compact ? (compact.selectedBars = (() => { const i = compact.c.idTable.indexOf(selected); compact.selectedIndex = i; return i < 0 ? [] : compactBarsOf(i); })()) : byTask.get(selected));
      if (mine?.length && (mine[0].start > view.end || mine[mine.length - 1].end < view.start)) {
        const span = view.end - view.start;
        setView(mine[0].start - span / 4, mine[0].start + (span * 3) / 4);
      }
      requestDraw();
    },
    /** Fits the whole run (reported to onView, like the 0 key). */
    fit: userFit, zoomIn: () => zoomAt(1.25), zoomOut: () => zoomAt(0.8),
    panBy: (fraction) => panPx(-geom().plotW * fraction),
    setView: (start, end) => setView(start, end),
    /** Shows exactly `{ start, end }` (another timeline's view) without reporting it to onView. */
    linkView(v) {
      view = { start: v.start, end: v.end };
      autoFit = false;
      requestDraw();
    },
    /** Fit covers at least `ms` from then on (0: only the run); refits if the view was fitted. */
    setFitExtent(ms) {
      fitExtent = Math.max(0, Number(ms) || 0);
      if (autoFit) fit();
    },
    /** Vertical lines across the lanes: `[{ t, label?, color?, dashed? }]` (e.g. makespans). */
    setMarkers(list) {
      markers = [...(list ?? [])];
      requestDraw();
    },
    /** Overlays drawn over the bars: `[{ name, draw(ctx, view), viewModel() }]` (see the
     *  `overlays` variable); `viewModel().overlays` lists each one's viewModel by name. */
    setOverlays(list) {
      overlays = [...(list ?? [])];
      requestDraw();
    },
    /** The graph's critical path, first task first (from analyze's critical_path). */
    setCriticalPath(ids) {
      crit.ids = [...(ids ?? [])];
      crit.dirty = true;
      requestDraw();
    },
    /** Shows or hides the critical-path overlay. */
    showCriticalPath(on) {
      crit.show = Boolean(on);
      container.dataset.critical = String(crit.show);
      requestDraw();
    },
    /** Draws now (instead of at the next animation frame); returns the draw time in ms. */
    drawNow() { if (frame) { cancelAnimationFrame(frame); frame = 0; } draw(); return stats.drawMs; },
    /** Where a task's attempt is drawn, in CSS px relative to the canvas (for tests and a11y). */
    locate(id, attempt = 1) {
      const list = compact ? (() => { const i = compact.c.idTable.indexOf(id); return i < 0 ? [] : compactBarsOf(i); })() : byTask.get(id);
      const b = list?.find((x) => x.attempt === attempt);
      if (!b) return null;
      const r = barBox(b, geom());
      return { x: r.x + r.w / 2, y: r.y + r.h / 2, w: r.w, h: r.h };
    },
    /** The attempts drawn for a task, in order. */
    attemptsOf: (id) => (compact ? (() => { const i = compact.c.idTable.indexOf(id); return i < 0 ? [] : compactBarsOf(i); })() : byTask.get(id) ?? []).map(({ task, attempt, worker, start, end, status, state, reason }) => ({ task, attempt, worker, start, end, status, state, ...(reason ? { reason } : {}) })),
    viewModel() {
      return {
        lanes: lanes.length, bars: total, segments: segCount,
        barsByLane: compact ? Array.from(compact.c.laneEnds, (e, w) => e - (w ? compact.c.laneEnds[w - 1] : 0)) : lanes.map((l) => l.bars.length),
        workersUsed: workersUsed(), compact: Boolean(compact), density: stats.density ?? 0,
        extent, fitExtent, view: { ...view }, selected, drawn: stats.drawn, arrows: stats.arrows,
        msPerPx: (view.end - view.start) / geom().plotW, plot: { left: geom().left, width: geom().plotW },
        markers: markers.map((m) => ({ t: m.t, label: m.label ?? '' })),
        groupBrackets: taskGroups.map((x, i) => ({ name: x.name, row: i < MAX_BRACKETS ? i : null, ...(groupSpan(x.name) ?? { start: null, end: null }) })),
        overlays: Object.fromEntries(overlays.map((o) => [o.name, o.viewModel?.() ?? null])),
        critical: (() => {
          const list = critBars();
          let connectors = 0;
          for (let k = 1; k < list.length; k++) if (list[k].idx === list[k - 1].idx + 1) connectors++;
          return { ids: [...crit.ids], shown: crit.show, tasks: list.map((c) => c.id), connectors,
            drawnOutlines: crit.drawn.outlines, drawnConnectors: crit.drawn.connectors, outlinedTasks: [...crit.drawn.tasks] };
        })(),
        ticks: stats.ticks.map((t) => t.label), drawMs: stats.drawMs,
        size: { ...size, cssHeight: canvas.style.height },
      };
    },
  };
  api.clear(1);
  return api;
}
