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
// Big graphs (`setGroups(info)`, from the core's grouping and layered layout; see
// src/analysis/grouping.rs): one `g.group[data-group]` per group, fan-out families drawn as a
// stacked node labelled with their count (a click, or Enter, expands the family through
// `onExpand`; the same on one of its tasks folds it back), layers of unrelated tasks as one stacked
// node, one `path.edge.group-edge` per group edge; `setGroupStates` colours a group by its
// tasks' states (the worst one, 'done' when all are done).
// Task groups (`group NAME { … }`, `graph.groups`): each drawn as a box
// `g.task-group[data-task-group]` behind its members, labelled with its name and cap; a click
// on the label (or Enter on it) collapses it into one node `g.node.task-group-node` standing
// for all its members (coloured by their worst state; edges to the outside kept), and a click
// on that node expands it again. Collapsing changes the drawing, never the graph.
import { svgEl as el } from './dom.js';
import { formatMs, thousands } from './format.js';
import { layout } from './layout.js';
import { STATES } from './states.js';

export const MAX_DRAWN_TASKS = 5000;
/** The largest family a click expands into one node per task. */
export const MAX_EXPAND = 2000;
/** How much wider a group's box is drawn per level of boxes inside it (px), and its tab. */
export const NEST = 16;
const TAB_H = 15;

export function createDagView(container, { onSelect = () => {}, onExpand = () => {} } = {}) {
  const svg = el('svg', { class: 'dag-svg', tabindex: -1, role: 'group',
    'aria-label': 'Task graph: Tab to a task; arrow keys follow the edges (Right: a dependent, Left: a dependency, Up and Down: the same layer); Enter selects, Escape clears; Shift+arrows pan, + and − zoom, 0 fits' });
  const defs = el('defs');
  // Group edges are drawn thicker for more task edges: their arrowhead keeps one size.
  for (const [id, color, units] of [['dag-arrow', '#7b8294'], ['dag-arrow-critical', 'var(--critical)'], ['dag-arrow-group', '#7b8294', 'userSpaceOnUse']]) {
    const size = units ? 9 : 7;
    const m = el('marker', { id, viewBox: '0 0 8 8', refX: 7, refY: 4, markerWidth: size, markerHeight: size, orient: 'auto-start-reverse', ...(units ? { markerUnits: units } : {}) });
    m.append(el('path', { d: 'M0,0 L8,4 L0,8 z', style: `fill:${color}` }));
    defs.append(m);
  }
  const viewport = el('g', { class: 'viewport' });
  const boxesG = el('g', { class: 'task-groups' });
  const edgesG = el('g', { class: 'edges' });
  const nodesG = el('g', { class: 'nodes' });
  viewport.append(boxesG, edgesG, nodesG);
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

  let groupInfo = null;        // setGroups: the grouped graph drawn, or null
  let groupEls = [];

  let graphNow = null;         // the graph drawn task by task (setGraph)
  let taskGroups = [];         // its groups: [{ name, parent, workers, on_error, tasks }]
  let membersOf = new Map();   // group name → every member's id, nested groups' included
  let collapsed = new Set();   // names of the groups drawn as one node
  let boxEls = new Map();      // group name → its box, or its node when collapsed

  /** Every member of each group (its own tasks and its nested groups'). */
  function groupMembers(groups) {
    const out = new Map(groups.map((x) => [x.name, [...(x.tasks ?? [])]]));
    const parent = new Map(groups.map((x) => [x.name, x.parent ?? null]));
    for (const x of groups) {
      for (let p = parent.get(x.name); p; p = parent.get(p)) out.get(p)?.push(...(x.tasks ?? []));
    }
    return out;
  }

  /** The worst state among a group's members (failures first, then what is still going). */
  const RANK = ['waiting', 'done', 'skipped', 'ready', 'blocked', 'running', 'cancelled', 'rejected', 'timeout', 'failed'];
  function groupState(name) {
    let best = 'waiting', all = true;
    for (const id of membersOf.get(name) ?? []) {
      const st = states.get(id) ?? 'waiting';
      if (st !== 'done') all = false;
      if (RANK.indexOf(st) > RANK.indexOf(best)) best = st;
    }
    return all && (membersOf.get(name) ?? []).length ? 'done' : best;
  }

  function describeGroup(x) {
    const n = membersOf.get(x.name)?.length ?? 0;
    const cap = x.workers ? `, at most ${x.workers} at once` : '';
    return `group ${x.name}: ${n} ${n === 1 ? 'task' : 'tasks'}${cap}`;
  }

  /** Collapses or expands group `name` and draws the graph again. */
  async function toggleTaskGroup(name) {
    if (!membersOf.has(name)) return;
    if (collapsed.has(name)) collapsed.delete(name); else collapsed.add(name);
    await relayout();
  }

  /** A click on a group: expand a family, fold an expanded family's task back. */
  function toggleGroup(g) {
    const gr = groupInfo.groups[g];
    if (!gr) return;
    if (gr.kind === 'family' && gr.count <= MAX_EXPAND) onExpand(gr.family, true);
    else if (gr.kind === 'task' && groupInfo.expanded?.includes(gr.family)) onExpand(gr.family, false);
    else onSelect(gr.label);
  }

  /** The SVG path of a group edge's polyline (src/analysis/group_layout.rs): a curve with
   *  level ends between columns, and straight across each column it skips, at its waypoint
   *  (points 1-2, 3-4, …), where no box is. */
  function edgePath(pts) {
    const f = (v) => v.toFixed(1);
    let d = `M${f(pts[0][0])},${f(pts[0][1])}`;
    for (let k = 1; k < pts.length; k++) {
      const [[x0, y0], [x1, y1]] = [pts[k - 1], pts[k]];
      if (k % 2 === 0) { d += `L${f(x1)},${f(y1)}`; continue; }
      const dx = Math.max((x1 - x0) / 2, 12);
      d += `C${f(x0 + dx)},${f(y0)} ${f(x1 - dx)},${f(y1)} ${f(x1)},${f(y1)}`;
    }
    return d;
  }

  function drawGroups() {
    const { layout: lay, groups, groupEdges } = groupInfo;
    const edges = groupEdges.map((e, i) => {
      const d = edgePath(lay.edges[i]);
      const p = el('path', { class: 'edge group-edge', d, 'data-from': e.from, 'data-to': e.to, 'marker-end': 'url(#dag-arrow-group)' });
      p.style.strokeWidth = String(Math.min(3.5, 1.2 + 0.5 * Math.log10(e.count)));
      p.append(el('title', {}, `${thousands(e.count)} ${e.count === 1 ? 'dependency' : 'dependencies'}`));
      return p;
    });
    groupEls = groups.map((gr, i) => {
      const n = lay.nodes[i];
      const stacked = gr.kind !== 'task';
      const g = el('g', { class: `group node ${gr.kind}`, 'data-group': i, 'data-kind': gr.kind, 'data-count': gr.count,
        transform: `translate(${(n.x - n.width / 2).toFixed(1)},${(n.y - n.height / 2).toFixed(1)})`, role: 'button', tabindex: i ? -1 : 0 });
      const h = stacked ? n.height - 8 : n.height;
      // A stack: two offset cards behind the front one.
      if (stacked) for (const off of [8, 4]) g.append(el('rect', { class: 'stack', x: off, y: off, width: n.width - 8, height: h, rx: 5 }));
      const what = gr.kind === 'family' ? `${thousands(gr.count)} tasks of the fan-out family ${gr.family}${gr.count <= MAX_EXPAND ? '; click to expand' : ''}`
        : gr.kind === 'layer' ? `${thousands(gr.count)} unrelated tasks at ${gr.label}` : `task ${gr.label}`;
      g.setAttribute('aria-label', what);
      g.append(el('rect', { class: 'front', width: stacked ? n.width - 8 : n.width, height: h, rx: 5 }), el('title', {}, what),
        el('text', { x: (stacked ? n.width - 8 : n.width) / 2, y: h / 2 + 4, 'text-anchor': 'middle', 'aria-hidden': 'true' }, n.label));
      return g;
    });
    edgesG.replaceChildren(...edges);
    nodesG.replaceChildren(...groupEls);
    boxesG.replaceChildren();
    boxEls = new Map();
    edgeEls = [];
    nodeEls = new Map();
    paintGroups();
  }

  let groupStates = null;      // per group: a state name
  function paintGroups() {
    groupEls.forEach((g, i) => {
      const state = groupStates?.[i] ?? 'waiting';
      const s = STATES[state] ?? STATES.waiting;
      g.dataset.state = state;
      for (const r of g.querySelectorAll('rect.front, rect.stack')) r.style.fill = s.fill;
      g.querySelector('text').style.fill = s.text;
    });
  }

  const applyView = () => viewport.setAttribute('transform', `translate(${view.x},${view.y}) scale(${view.k})`);

  let svgSize = null; // from the ResizeObserver: reading clientWidth would force a layout
  function fit() {
    if (!positions) return;
    const w = svgSize?.width || svg.clientWidth || 600, h = svgSize?.height || svg.clientHeight || 300;
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
    boxEls = new Map();
    const boxes = [];
    const byName = new Map(taskGroups.map((x) => [x.name, x]));
    // A box is drawn NEST px wider on every side per level of boxes drawn inside it, with its
    // label as a tab on its top edge, so nested boxes and labels never overlap (dagre leaves
    // the room: layout-core.js's margins and spacing).
    const levels = new Map();
    for (let k = taskGroups.length - 1; k >= 0; k--) {
      const x = taskGroups[k];
      const b = positions.groups?.[x.name];
      if (!b || b.collapsed) continue;
      const own = levels.get(x.name) ?? 0;
      if (x.parent) levels.set(x.parent, Math.max(levels.get(x.parent) ?? 0, own + 1));
    }
    // Outer boxes first, so that nested boxes are drawn over them.
    for (const x of taskGroups) {
      const b = positions.groups?.[x.name];
      if (!b) continue;
      const grow = b.collapsed ? 0 : NEST * (levels.get(x.name) ?? 0);
      const bx = b.x - b.width / 2 - grow, by = b.y - b.height / 2 - grow, bw = b.width + 2 * grow, bh = b.height + 2 * grow;
      const at = `translate(${bx.toFixed(1)},${by.toFixed(1)})`;
      const label = x.workers ? `${x.name} · workers ${x.workers}` : x.name;
      if (b.collapsed) {
        const g = el('g', { class: 'node task-group-node', 'data-task-group': x.name, 'data-collapsed': 'true', transform: at,
          role: 'button', tabindex: 0, 'aria-expanded': 'false', 'aria-label': `${describeGroup(x)}; collapsed: press Enter to expand` });
        for (const off of [6, 3]) g.append(el('rect', { class: 'stack', x: off, y: -off, width: bw - 6, height: bh, rx: 5 }));
        g.append(el('rect', { class: 'front', width: bw - 6, height: bh, rx: 5 }), el('title', {}, `${describeGroup(x)} (click to expand)`),
          el('text', { x: (bw - 6) / 2, y: bh / 2 + 4, 'text-anchor': 'middle', 'aria-hidden': 'true' }, `${label} · ${b.count} ${b.count === 1 ? 'task' : 'tasks'}`));
        boxEls.set(x.name, g);
        nodes.push(g);
        continue;
      }
      const g = el('g', { class: 'task-group', 'data-task-group': x.name, 'data-collapsed': 'false', transform: at });
      const header = el('g', { class: 'task-group-header', role: 'button', tabindex: 0, 'aria-expanded': 'true',
        'aria-label': `${describeGroup(x)}; press Enter to collapse it into one node` });
      header.append(el('rect', { class: 'task-group-tab', x: 0, y: -TAB_H, width: Math.min(Math.max(bw, 40), label.length * 6.6 + 24), height: TAB_H + 1, rx: 4 }),
        el('text', { x: 6, y: -4 }, `▾ ${label}`), el('title', {}, `${describeGroup(x)} (click to collapse)`));
      g.append(el('rect', { class: 'task-group-box', width: bw, height: bh, rx: 7 }), header);
      g.dataset.depth = String((() => { let d = 0; for (let p = byName.get(x.name)?.parent; p; p = byName.get(p)?.parent) d++; return d; })());
      g.dataset.box = [bx, by, bw, bh].map((v) => v.toFixed(1)).join(' ');
      boxEls.set(x.name, g);
      boxes.push(g);
    }
    boxesG.replaceChildren(...boxes);
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
    paintGroupNodes();
    paintCritical();
    paintSelection();
  }

  /** Colours each collapsed group's node by its members' worst state. */
  function paintGroupNodes() {
    for (const [name, g] of boxEls) {
      if (g.dataset.collapsed !== 'true') continue;
      const state = groupState(name);
      const s = STATES[state] ?? STATES.waiting;
      g.dataset.state = state;
      for (const r of g.querySelectorAll('rect.front, rect.stack')) r.style.fill = s.fill;
      g.querySelector('text').style.fill = s.text;
    }
  }

  /** The box of group `name` as drawn (its data-box), else dagre's `b`. */
  function drawnBox(name, b) {
    const d = boxEls.get(name)?.dataset.box?.split(' ').map(Number);
    return d ? { x: d[0], y: d[1], width: d[2], height: d[3] } : { x: b.x - b.width / 2, y: b.y - b.height / 2, width: b.width, height: b.height };
  }

  /** Lays out the current graph again (a group was collapsed or expanded). */
  async function relayout() {
    if (!graphNow) return;
    const seq = ++graphSeq;
    container.setAttribute('aria-busy', 'true');
    const p = await layout(graphNow, [...collapsed]);
    if (!p || seq !== graphSeq) return;
    positions = p;
    draw();
    fit();
    container.removeAttribute('aria-busy');
  }

  // Pointer: drag to pan (a short press is a click on a node), two pointers pinch to zoom.
  const pointers = new Map();
  let drag = null;
  svg.addEventListener('pointerdown', (e) => {
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    svg.setPointerCapture(e.pointerId);
    drag = { x: e.clientX, y: e.clientY, moved: false, target: e.target.closest?.('.node')?.dataset.task ?? null,
      group: e.target.closest?.('.group')?.dataset.group ?? null,
      taskGroup: e.target.closest?.('.task-group-header, .task-group-node')?.closest('[data-task-group]')?.dataset.taskGroup ?? null,
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
    if (drag && !drag.moved && e.type === 'pointerup' && drag.group !== null && groupInfo) toggleGroup(Number(drag.group));
    if (drag && !drag.moved && e.type === 'pointerup' && drag.taskGroup !== null) toggleTaskGroup(drag.taskGroup);
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
    const group = e.target.closest?.('.group')?.dataset.group;
    if (group !== undefined && groupInfo && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); toggleGroup(Number(group)); return; }
    const taskGroup = e.target.closest?.('.task-group-header, .task-group-node')?.closest('[data-task-group]')?.dataset.taskGroup;
    if (taskGroup !== undefined && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      toggleTaskGroup(taskGroup).then(() => boxEls.get(taskGroup)?.querySelector('[role="button"]')?.focus?.() ?? boxEls.get(taskGroup)?.focus?.());
      return;
    }
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
  new ResizeObserver(([entry]) => {
    svgSize = { width: entry.contentRect.width, height: entry.contentRect.height };
    if (positions && !drag) fit();
  }).observe(svg);

  return {
    /** Lays out and draws `graph` ({ tasks }); resolves when drawn (or superseded). */
    async setGraph(graph) {
      const seq = ++graphSeq;
      groupInfo = null;
      groupEls = [];
      delete container.dataset.groups;
      const tasks = graph?.tasks ?? [];
      const nextGroups = graph?.groups ?? [];
      const nextMembers = groupMembers(nextGroups);
      // A group collapsed by the reader stays collapsed while it exists.
      const nextCollapsed = new Set([...collapsed].filter((n) => nextMembers.has(n)));
      container.dataset.tasks = String(tasks.length);
      const nextInfo = new Map(tasks.map((t) => [t.id, t]));
      const nextDependents = new Map();
      for (const t of tasks) for (const d of t.deps ?? []) {
        if (!nextDependents.has(d)) nextDependents.set(d, []);
        nextDependents.get(d).push(t.id);
      }
      if (!tasks.length || tasks.length > MAX_DRAWN_TASKS) {
        positions = null;
        graphNow = null;
        edgesG.replaceChildren();
        nodesG.replaceChildren();
        boxesG.replaceChildren();
        boxEls = new Map();
        nodeEls = new Map();
        edgeEls = [];
        empty.textContent = tasks.length ? `${tasks.length} tasks: too many to draw as a graph (the timeline still shows every run).`
          : 'The graph appears here once the text parses.';
        container.classList.add('is-empty');
        return;
      }
      container.setAttribute('aria-busy', 'true');
      const p = await layout(graph, [...nextCollapsed]);
      if (!p || seq !== graphSeq) return;
      positions = p;
      info = nextInfo;
      dependents = nextDependents;
      graphNow = graph;
      taskGroups = nextGroups;
      membersOf = nextMembers;
      collapsed = nextCollapsed;
      container.dataset.taskGroups = String(taskGroups.length);
      container.dataset.layout = p.inWorker ? 'worker' : 'main';
      container.classList.remove('is-empty');
      draw();
      fit();
      container.removeAttribute('aria-busy');
    },
    /** Draws a big graph as its groups: `info` from fanout.groups() (groups, group edges and
     *  the core's layered layout), `expanded` the families shown task by task. */
    setGroups(info, expanded = []) {
      ++graphSeq;
      graphNow = null;
      taskGroups = [];
      container.dataset.tasks = String(info.n);
      groupInfo = { ...info, expanded: [...expanded] };
      groupStates = null;
      positions = { nodes: {}, edges: [], width: info.layout.width, height: info.layout.height };
      info.layout.nodes.forEach((n, i) => { positions.nodes[`#${i}`] = n; });
      container.dataset.layout = 'core';
      container.dataset.groups = String(info.groups.length);
      container.classList.remove('is-empty');
      drawGroups();
      fit();
      container.removeAttribute('aria-busy');
    },
    /** Colours the groups: `states[g]` is a state name per group (see setGroups). */
    setGroupStates(states) {
      groupStates = states;
      if (groupInfo) paintGroups();
    },
    /** Colours nodes by state: a Map or object id → state name (states.js). */
    setStates(map) {
      states = map instanceof Map ? map : new Map(Object.entries(map));
      // Only nodes whose state changed are touched: a live run repaints what moved.
      for (const [id, g] of nodeEls) if (g.dataset.state !== (states.get(id) ?? 'waiting')) paintNode(id);
      paintGroupNodes();
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
    /** Collapses (`true`) or expands group `name`; resolves when drawn again. */
    async setGroupCollapsed(name, on) {
      if (collapsed.has(name) !== Boolean(on)) await toggleTaskGroup(name);
    },
    viewModel: () => ({ mode: groupInfo ? 'groups' : 'tasks', groups: groupInfo ? groupEls.length : 0,
      groupEdges: groupInfo ? groupInfo.groupEdges.length : 0, expanded: groupInfo ? [...groupInfo.expanded] : [],
      groupKinds: groupInfo ? groupInfo.groups.map((g) => g.kind) : [], groupStates: groupStates ? [...groupStates] : [],
      nodes: nodeEls.size, edges: edgeEls.length, selected, critical: [...critical], tabStop: focusId,
      taskGroups: taskGroups.map((x) => {
        const b = positions?.groups?.[x.name];
        return { name: x.name, parent: x.parent ?? null, workers: x.workers ?? null, collapsed: collapsed.has(x.name),
          drawn: Boolean(b), members: [...(membersOf.get(x.name) ?? [])], state: collapsed.has(x.name) ? groupState(x.name) : null,
          box: b ? drawnBox(x.name, b) : null };
      }),
      view: { ...view }, states: Object.fromEntries(states) }),
  };
}
