// The DAG view: the task graph as SVG, laid out left to right by layout.js. Guarantees: one
// `g.node[data-task]` per task with `data-state` and the state's colour (states.js), one
// `path.edge[data-from][data-to]` per dependency; `select(id)` marks one node `.selected`;
// `setCriticalPath(ids)` marks those nodes and the edges between consecutive ids `.critical`
// (the path comes from the core's analysis, never computed here); pan (drag, arrow keys) and
// zoom (wheel, pinch, +/− keys and buttons) change only the view, never the layout.
import { layout } from './layout.js';
import { STATES } from './states.js';

const SVG = 'http://www.w3.org/2000/svg';
export const MAX_DRAWN_TASKS = 5000;

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export function createDagView(container, { onSelect = () => {} } = {}) {
  const svg = el('svg', { class: 'dag-svg', tabindex: 0, role: 'group',
    'aria-label': 'Task graph: drag or use the arrow keys to pan, the wheel or + and − to zoom, 0 to fit' });
  const defs = el('defs');
  for (const [id, color] of [['dag-arrow', '#7b8294'], ['dag-arrow-critical', 'var(--critical)']]) {
    const m = el('marker', { id, viewBox: '0 0 8 8', refX: 7, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    m.append(el('path', { d: 'M0,0 L8,4 L0,8 z', style: `fill:${color}` }));
    defs.append(m);
  }
  const viewport = el('g', { class: 'viewport' });
  const edgesG = el('g', { class: 'edges' });
  const nodesG = el('g', { class: 'nodes' });
  viewport.append(edgesG, nodesG);
  svg.append(defs, viewport);
  const empty = document.createElement('p');
  empty.className = 'dag-empty';
  empty.textContent = 'The graph appears here once the text parses.';
  container.append(svg, empty);

  let positions = null;
  let nodeEls = new Map();
  let edgeEls = [];
  let states = new Map();
  let critical = [];
  let selected = null;
  let view = { k: 1, x: 0, y: 0 };
  let graphSeq = 0;

  const applyView = () => viewport.setAttribute('transform', `translate(${view.x},${view.y}) scale(${view.k})`);

  function fit() {
    if (!positions) return;
    const w = svg.clientWidth || 600, h = svg.clientHeight || 300;
    const k = Math.min(w / Math.max(positions.width, 1), h / Math.max(positions.height, 1), 1.4);
    view = { k, x: (w - positions.width * k) / 2, y: (h - positions.height * k) / 2 };
    applyView();
  }

  function zoomAt(factor, cx, cy) {
    const k = Math.min(8, Math.max(0.02, view.k * factor));
    const f = k / view.k;
    view = { k, x: cx - (cx - view.x) * f, y: cy - (cy - view.y) * f };
    applyView();
  }
  const zoomBy = (factor) => zoomAt(factor, (svg.clientWidth || 600) / 2, (svg.clientHeight || 300) / 2);
  const panBy = (dx, dy) => { view.x += dx; view.y += dy; applyView(); };

  function paintNode(id) {
    const g = nodeEls.get(id);
    if (!g) return;
    const state = states.get(id) ?? 'waiting';
    const s = STATES[state] ?? STATES.waiting;
    g.dataset.state = state;
    g.firstChild.style.fill = s.fill;
    g.lastChild.style.fill = s.text;
    g.querySelector('title').textContent = `${id}: ${state}`;
  }

  function paintCritical() {
    const onPath = new Set(critical);
    const pairs = new Set(critical.slice(1).map((id, i) => `${critical[i]}\u0000${id}`));
    for (const [id, g] of nodeEls) g.classList.toggle('critical', onPath.has(id));
    for (const p of edgeEls) {
      const on = pairs.has(`${p.dataset.from}\u0000${p.dataset.to}`);
      p.classList.toggle('critical', on);
      p.setAttribute('marker-end', `url(#${on ? 'dag-arrow-critical' : 'dag-arrow'})`);
    }
  }

  function paintSelection() {
    for (const [id, g] of nodeEls) g.classList.toggle('selected', id === selected);
    for (const p of edgeEls) p.classList.toggle('touching', selected !== null && (p.dataset.from === selected || p.dataset.to === selected));
  }

  function reveal(id) {
    const n = positions?.nodes[id];
    if (!n) return;
    const w = svg.clientWidth || 600, h = svg.clientHeight || 300;
    const sx = n.x * view.k + view.x, sy = n.y * view.k + view.y;
    if (sx < 20 || sx > w - 20 || sy < 10 || sy > h - 10) { view.x += w / 2 - sx; view.y += h / 2 - sy; applyView(); }
  }

  function draw() {
    nodeEls = new Map();
    edgeEls = [];
    const nodes = [], edges = [];
    for (const e of positions.edges) {
      const d = e.points.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join('');
      const p = el('path', { class: 'edge', d, 'data-from': e.from, 'data-to': e.to, 'marker-end': 'url(#dag-arrow)' });
      edgeEls.push(p);
      edges.push(p);
    }
    for (const [id, n] of Object.entries(positions.nodes)) {
      const g = el('g', { class: 'node', 'data-task': id, transform: `translate(${(n.x - n.width / 2).toFixed(1)},${(n.y - n.height / 2).toFixed(1)})` });
      // rect first and text last: paintNode colours firstChild and lastChild.
      g.append(el('rect', { width: n.width, height: n.height, rx: 5 }), el('title', {}, id),
        el('text', { x: n.width / 2, y: n.height / 2 + 4, 'text-anchor': 'middle' }, id));
      nodeEls.set(id, g);
      nodes.push(g);
    }
    edgesG.replaceChildren(...edges);
    nodesG.replaceChildren(...nodes);
    for (const id of nodeEls.keys()) paintNode(id);
    paintCritical();
    paintSelection();
  }

  // Pointer: drag to pan (a short press is a click on a node), two pointers pinch to zoom.
  const pointers = new Map();
  let drag = null;
  svg.addEventListener('pointerdown', (e) => {
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    svg.setPointerCapture(e.pointerId);
    drag = { x: e.clientX, y: e.clientY, moved: false, target: e.target.closest?.('.node')?.dataset.task ?? null,
      pinch: pointers.size === 2 ? pinchDistance() : 0 };
  });
  function pinchDistance() {
    const [a, b] = [...pointers.values()];
    return Math.hypot(a.x - b.x, a.y - b.y);
  }
  svg.addEventListener('pointermove', (e) => {
    if (!pointers.has(e.pointerId) || !drag) return;
    const prev = pointers.get(e.pointerId);
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.size === 2) {
      const d = pinchDistance();
      const r = svg.getBoundingClientRect();
      if (drag.pinch) zoomAt(d / drag.pinch, e.clientX - r.left, e.clientY - r.top);
      drag.pinch = d;
      drag.moved = true;
      return;
    }
    if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 4) drag.moved = true;
    if (drag.moved) panBy(e.clientX - prev.x, e.clientY - prev.y);
  });
  const endPointer = (e) => {
    pointers.delete(e.pointerId);
    if (drag && !drag.moved && e.type === 'pointerup' && drag.target) onSelect(drag.target);
    if (!pointers.size) drag = null;
  };
  svg.addEventListener('pointerup', endPointer);
  svg.addEventListener('pointercancel', endPointer);
  svg.addEventListener('wheel', (e) => {
    e.preventDefault();
    const r = svg.getBoundingClientRect();
    zoomAt(Math.exp(-e.deltaY * (e.ctrlKey ? 0.01 : 0.002)), e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });
  svg.addEventListener('keydown', (e) => {
    const step = 40;
    const keys = { ArrowLeft: () => panBy(step, 0), ArrowRight: () => panBy(-step, 0), ArrowUp: () => panBy(0, step),
      ArrowDown: () => panBy(0, -step), '+': () => zoomBy(1.25), '=': () => zoomBy(1.25), '-': () => zoomBy(0.8), '0': fit };
    if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
  });
  new ResizeObserver(() => { if (positions && !drag) fit(); }).observe(svg);

  return {
    /** Lays out and draws `graph` ({ tasks }); resolves when drawn (or superseded). */
    async setGraph(graph) {
      const seq = ++graphSeq;
      const tasks = graph?.tasks ?? [];
      container.dataset.tasks = String(tasks.length);
      if (!tasks.length || tasks.length > MAX_DRAWN_TASKS) {
        positions = null;
        edgesG.replaceChildren();
        nodesG.replaceChildren();
        nodeEls = new Map();
        edgeEls = [];
        empty.textContent = tasks.length ? `${tasks.length} tasks: too many to draw as a graph (the timeline still shows every run).`
          : 'The graph appears here once the text parses.';
        container.classList.add('is-empty');
        return;
      }
      container.setAttribute('aria-busy', 'true');
      const p = await layout(graph);
      if (!p || seq !== graphSeq) return;
      positions = p;
      container.dataset.layout = p.inWorker ? 'worker' : 'main';
      container.classList.remove('is-empty');
      draw();
      fit();
      container.removeAttribute('aria-busy');
    },
    /** Colours nodes by state: a Map or object id → state name (states.js). */
    setStates(map) {
      states = map instanceof Map ? map : new Map(Object.entries(map));
      for (const id of nodeEls.keys()) paintNode(id);
    },
    /** Highlights a path of task ids (from fanout.analyze's critical_path). */
    setCriticalPath(ids) {
      critical = [...(ids ?? [])];
      paintCritical();
    },
    select(id) {
      selected = id ?? null;
      paintSelection();
      if (selected) reveal(selected);
    },
    fit, zoomIn: () => zoomBy(1.25), zoomOut: () => zoomBy(0.8),
    viewModel: () => ({ nodes: nodeEls.size, edges: edgeEls.length, selected, critical: [...critical],
      view: { ...view }, states: Object.fromEntries(states) }),
  };
}
