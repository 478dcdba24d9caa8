// dagre itself: tasks → positions (see layout.js for the contract). Pure; runs on the page or
// in layout-worker.js.
import dagre from '@dagrejs/dagre';

export const NODE_H = 28;

/** Width of a node whose label is `id`: about 7.2 px per character plus padding. */
export function nodeWidth(id) {
  return Math.max(44, Math.min(220, Math.round(id.length * 7.2 + 22)));
}

/** Width of a collapsed group's node: its label is `name · N tasks`. */
export function groupNodeWidth(name, count) {
  return nodeWidth(`${name} · ${count} tasks`) + 8;
}

/**
 * Lays out `tasks` ([{ id, deps }]) with `groups` ([{ name, parent, tasks }], parents first,
 * `tasks` a group's own task ids) as dagre clusters; a group named in `collapsed` is one node
 * (named by the group, which shares the namespace of task ids) standing for all its members,
 * its edges those of its members to the outside (each pair once). Returns `{ nodes, edges,
 * groups, width, height }`: `nodes` the drawn tasks, `groups[name]` the box of a drawn group
 * (`collapsed`: a node's box), edges between drawn nodes or collapsed groups.
 */
export function computeLayout(tasks, groups = [], collapsed = []) {
  const compound = groups.length > 0;
  const g = new dagre.graphlib.Graph({ multigraph: false, compound });
  // With boxes, more room between neighbours (dagre leaves about half of it inside a box,
  // above and below its nodes), and margins for the drawn boxes: the view grows a box by
  // NEST px per level of boxes inside it and puts its label as a tab on its top edge.
  const depth = new Map();
  for (const x of groups) depth.set(x.name, x.parent && depth.has(x.parent) ? depth.get(x.parent) + 1 : 1);
  const deepest = Math.max(0, ...depth.values());
  const grow = deepest ? 8 + 16 * (deepest - 1) : 0;
  g.setGraph({ rankdir: 'LR', nodesep: compound ? 28 : 10, ranksep: compound ? 44 : 36, edgesep: 6,
    marginx: 8 + grow, marginy: 8 + grow + (compound ? 16 : 0) });
  g.setDefaultEdgeLabel(() => ({}));
  const parent = new Map(groups.map((x) => [x.name, x.parent ?? null]));
  const owner = new Map();
  for (const x of groups) for (const t of x.tasks ?? []) owner.set(t, x.name);
  const folded = new Set(collapsed.filter((n) => parent.has(n)));
  // What stands for a task or a group: its outermost collapsed group, else itself.
  const standsFor = (start, isGroup) => {
    let shown = start;
    for (let cur = isGroup ? parent.get(start) : owner.get(start); cur; cur = parent.get(cur)) if (folded.has(cur)) shown = cur;
    return shown;
  };
  const count = new Map();
  for (const t of tasks) {
    const s = standsFor(t.id, false);
    if (s !== t.id) count.set(s, (count.get(s) ?? 0) + 1);
  }
  for (const x of groups) {
    const s = standsFor(x.name, true);
    if (s !== x.name) continue; // inside a collapsed group
    if (folded.has(x.name)) g.setNode(x.name, { width: groupNodeWidth(x.name, count.get(x.name) ?? 0), height: NODE_H, group: true });
    else g.setNode(x.name, { group: true });
    if (x.parent && g.hasNode(x.parent)) g.setParent(x.name, x.parent);
  }
  for (const t of tasks) {
    if (standsFor(t.id, false) !== t.id) continue;
    g.setNode(t.id, { width: nodeWidth(t.id), height: NODE_H });
    const o = owner.get(t.id);
    if (o && g.hasNode(o)) g.setParent(t.id, o);
  }
  // Expanded groups with nothing drawn inside would be empty boxes: dagre cannot place them.
  for (const x of groups) if (!folded.has(x.name) && g.hasNode(x.name) && !(g.children(x.name) ?? []).length) g.removeNode(x.name);
  for (const t of tasks) {
    const to = standsFor(t.id, false);
    for (const d of t.deps) {
      const from = standsFor(d, false);
      if (from !== to && g.hasNode(from) && g.hasNode(to)) g.setEdge(from, to);
    }
  }
  dagre.layout(g);
  const nodes = {};
  const boxes = {};
  for (const id of g.nodes()) {
    const n = g.node(id);
    const box = { x: n.x, y: n.y, width: n.width, height: n.height };
    if (n.group) boxes[id] = { ...box, collapsed: folded.has(id), count: count.get(id) ?? 0 };
    else nodes[id] = box;
  }
  const edges = g.edges().map((e) => ({ from: e.v, to: e.w, points: g.edge(e).points.map((p) => [p.x, p.y]) }));
  const { width, height } = g.graph();
  return { nodes, edges, groups: boxes, width: width ?? 0, height: height ?? 0 };
}
