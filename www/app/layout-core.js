// dagre itself: tasks → positions (see layout.js for the contract). Pure; runs on the page or
// in layout-worker.js.
import dagre from '@dagrejs/dagre';

export const NODE_H = 28;

/** Width of a node whose label is `id`: about 7.2 px per character plus padding. */
export function nodeWidth(id) {
  return Math.max(44, Math.min(220, Math.round(id.length * 7.2 + 22)));
}

export function computeLayout(tasks) {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 10, ranksep: 36, edgesep: 6, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const t of tasks) g.setNode(t.id, { width: nodeWidth(t.id), height: NODE_H });
  for (const t of tasks) for (const d of t.deps) if (g.hasNode(d)) g.setEdge(d, t.id);
  dagre.layout(g);
  const nodes = {};
  for (const id of g.nodes()) {
    const n = g.node(id);
    nodes[id] = { x: n.x, y: n.y, width: n.width, height: n.height };
  }
  const edges = g.edges().map((e) => ({ from: e.v, to: e.w, points: g.edge(e).points.map((p) => [p.x, p.y]) }));
  const { width, height } = g.graph();
  return { nodes, edges, width: width ?? 0, height: height ?? 0 };
}
