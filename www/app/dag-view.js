// The DAG view: the task graph as SVG, laid out left to right by layout.js. Guarantees: one
// `g.node[data-task]` per task with `data-state` and the state's colour (states.js), one
// `path.edge[data-from][data-to]` per dependency; `select(id)` marks one node `.selected`;
// `setCriticalPath(ids)` marks those nodes and the edges between consecutive ids `.critical`
// (the path comes from the core's analysis, never computed here); pan (drag, Shift+arrow keys,
// or arrow keys on the background) and zoom (wheel, pinch, +/− keys and buttons) change only
// the view, never the layout.
// Keyboard: the nodes are one Tab stop (a roving tabindex: the last focused node, else the
// selected one, else the first); on a node, Right goes to a dependent, Left to a dependency
// (the one nearest vertically), Up/Down to the neighbour above/below in the same layer (same
// x); Enter or Space selects it through onSelect, Escape clears the selection (onSelect(null)).
// Each node has an aria-label: "task b, cpu 20 ms, after a", then its state.
import { svgEl as el } from './dom.js';
import { formatMs } from './format.js';
import { layout } from './layout.js';
import { STATES } from './states.js';

export const MAX_DRAWN_TASKS = 5000;

export function createDagView(container, { onSelect = () => {} } = {}) {
  const svg = el('svg', { class: 'dag-svg', tabindex: -1, role: 'group',
    'aria-label': 'Task graph: Tab to a task; arrow keys follow the edges (Right: a dependent, Left: a dependency, Up and Down: the same layer); Enter selects, Escape clears; Shift+arrows pan, + and − zoom, 0 fits' });
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
  let info = new Map();        // id → { kind, duration_us, deps }
  let dependents = new Map();  // id → ids that depend on it
  let focusId = null;          // the node that is the graph's Tab stop

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
    g.setAttribute('aria-label', `${describeTask(id)}, ${state}`);
  }

  function describeTask(id) {
    const t = info.get(id);
    if (!t) return `task ${id}`;
    const deps = t.deps?.length ? `after ${t.deps.join(', ')}` : 'no dependencies';
    return `task ${id}, ${t.kind ?? 'cpu'} ${formatMs((t.duration_us ?? 0) / 1000)}, ${deps}`;
  }

  /** Makes `id` the Tab stop (tabindex 0; every other node -1). */
  function setTabStop(id) {
    if (!nodeEls.has(id)) return;
    nodeEls.get(focusId)?.setAttribute('tabindex', '-1');
    focusId = id;
    nodeEls.get(id).setAttribute('tabindex', '0');
  }

  function focusNode(id) {
    if (!nodeEls.has(id)) return;
    setTabStop(id);
    reveal(id);
    nodeEls.get(id).focus();
  }

  /** The node an arrow key moves to from `id`, by the rules above; null at an edge. */
  function neighbour(id, key) {
    const here = positions?.nodes[id];
    if (!here) return null;
    const pos = (x) => positions.nodes[x];
    let candidates;
    if (key === 'ArrowRight') candidates = dependents.get(id) ?? [];
    else if (key === 'ArrowLeft') candidates = info.get(id)?.deps ?? [];
    else {
      const layer = [...nodeEls.keys()].filter((x) => x !== id && Math.abs(pos(x).x - here.x) < 1);
      const up = key === 'ArrowUp';
      candidates = layer.filter((x) => (up ? pos(x).y < here.y : pos(x).y > here.y));
    }
    let best = null;
    for (const x of candidates) {
      if (!pos(x)) continue;
      if (!best || Math.abs(pos(x).y - here.y) < Math.abs(pos(best).y - here.y)) best = x;
    }
    return best;
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
    for (const [id, g] of nodeEls) {
      g.classList.toggle('selected', id === selected);
      g.setAttribute('aria-pressed', String(id === selected));
    }
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
      g.setAttribute('tabindex', '-1');
      g.setAttribute('role', 'button');
      g.setAttribute('aria-pressed', 'false');
      g.append(el('rect', { width: n.width, height: n.height, rx: 5 }), el('title', {}, id),
        el('rect', { class: 'focus-ring', x: -4, y: -4, width: n.width + 8, height: n.height + 8, rx: 8 }),
        el('text', { x: n.width / 2, y: n.height / 2 + 4, 'text-anchor': 'middle', 'aria-hidden': 'true' }, id));
      nodeEls.set(id, g);
      nodes.push(g);
    }
    const hadFocus = nodesG.contains(document.activeElement);
    edgesG.replaceChildren(...edges);
    nodesG.replaceChildren(...nodes);
    // The Tab stop: the same task if it is still there, else the selected one, else the first
    // in reading order (leftmost layer, topmost).
    const first = [...nodeEls.keys()].sort((p, q) => positions.nodes[p].x - positions.nodes[q].x || positions.nodes[p].y - positions.nodes[q].y)[0];
    const stop = nodeEls.has(focusId) ? focusId : nodeEls.has(selected) ? selected : first;
    focusId = null;
    setTabStop(stop);
    if (hadFocus) nodeEls.get(stop)?.focus({ preventScroll: true });
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
    const node = e.target.closest?.('.node')?.dataset.task;
    if (node && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
      if (e.key.startsWith('Arrow')) {
        e.preventDefault();
        const next = neighbour(node, e.key);
        if (next) focusNode(next);
        return;
      }
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onSelect(node); return; }
      if (e.key === 'Escape') { e.preventDefault(); onSelect(null); return; }
    }
    const step = 40;
    const keys = { ArrowLeft: () => panBy(step, 0), ArrowRight: () => panBy(-step, 0), ArrowUp: () => panBy(0, step),
      ArrowDown: () => panBy(0, -step), '+': () => zoomBy(1.25), '=': () => zoomBy(1.25), '-': () => zoomBy(0.8), '0': fit };
    if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
  });
  // Focus by pointer or by Tab: that node becomes the Tab stop. (On the svg: Chrome makes an
  // SVG element with focus listeners a Tab stop of its own.)
  svg.addEventListener('focusin', (e) => {
    const id = e.target.closest?.('.node')?.dataset.task;
    if (id && id !== focusId) setTabStop(id);
  });
  new ResizeObserver(() => { if (positions && !drag) fit(); }).observe(svg);

  return {
    /** Lays out and draws `graph` ({ tasks }); resolves when drawn (or superseded). */
    async setGraph(graph) {
      const seq = ++graphSeq;
      const tasks = graph?.tasks ?? [];
      container.dataset.tasks = String(tasks.length);
      const nextInfo = new Map(tasks.map((t) => [t.id, t]));
      const nextDependents = new Map();
      for (const t of tasks) for (const d of t.deps ?? []) {
        if (!nextDependents.has(d)) nextDependents.set(d, []);
        nextDependents.get(d).push(t.id);
      }
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
      info = nextInfo;
      dependents = nextDependents;
      container.dataset.layout = p.inWorker ? 'worker' : 'main';
      container.classList.remove('is-empty');
      draw();
      fit();
      container.removeAttribute('aria-busy');
    },
    /** Colours nodes by state: a Map or object id → state name (states.js). */
    setStates(map) {
      states = map instanceof Map ? map : new Map(Object.entries(map));
      // Only nodes whose state changed are touched: a live run repaints what moved.
      for (const [id, g] of nodeEls) if (g.dataset.state !== (states.get(id) ?? 'waiting')) paintNode(id);
    },
    /** Highlights a path of task ids (from fanout.analyze's critical_path). */
    setCriticalPath(ids) {
      critical = [...(ids ?? [])];
      paintCritical();
    },
    select(id) {
      selected = id ?? null;
      paintSelection();
      if (selected) { reveal(selected); if (!nodesG.contains(document.activeElement)) setTabStop(selected); }
    },
    fit, zoomIn: () => zoomBy(1.25), zoomOut: () => zoomBy(0.8),
    /** Focuses a task's node (it becomes the Tab stop). */
    focus: focusNode,
    viewModel: () => ({ nodes: nodeEls.size, edges: edgeEls.length, selected, critical: [...critical], tabStop: focusId,
      view: { ...view }, states: Object.fromEntries(states) }),
  };
}
