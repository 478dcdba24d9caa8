// Batch outlines on the timeline (`batch N`): a timeline overlay (timeline.js setOverlays)
// built from a RunResult's `batches`. Guarantees:
//  - one outline per batch: a rectangle around its members' bars in its worker's lane, from
//    the first member's start to the last member's end, labelled `batch of N` above its
//    left edge when there is room; every member keeps its own bar (drawn by the timeline);
//  - only outlines inside the view are drawn; `viewModel()` lists every batch (worker,
//    start, end, members) and how many the last draw showed, for tests.

const COLOR = '#3b3f8f';

/** The batches of `result`: `[{ worker, start, end, members }]`. */
export function batchesOf(result) {
  return (result?.batches ?? []).map((b) => ({ worker: b.worker, start: b.start_ms, end: b.end_ms, members: [...b.members] }));
}

/** A one-line summary of a run's batches, or '': "2 dispatches carried 8 tasks (4.0 per batch)". */
export function batchSummary(result) {
  const b = result?.batches;
  if (!b?.length) return '';
  const members = b.reduce((s, x) => s + x.members.length, 0);
  return `${b.length} dispatch${b.length === 1 ? '' : 'es'} carried ${members} tasks (${(members / b.length).toFixed(1)} per batch)`;
}

/** The timeline overlay drawing `batches` (from batchesOf). */
export function batchOverlay(batches) {
  let shown = 0;
  return {
    name: 'batches',
    draw(ctx, v) {
      shown = 0;
      ctx.strokeStyle = COLOR;
      ctx.fillStyle = COLOR;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([5, 3]);
      ctx.font = '10px system-ui, sans-serif';
      ctx.textBaseline = 'bottom';
      ctx.textAlign = 'left';
      for (const b of batches) {
        if (b.end < v.start || b.start > v.end) continue;
        const x0 = v.x(b.start), x1 = v.x(b.end);
        const y = v.laneY(b.worker) + 1, h = v.laneH - 2;
        ctx.strokeRect(x0 + 0.5, y + 0.5, Math.max(x1 - x0 - 1, 1), h - 1);
        const label = `batch of ${b.members.length}`;
        if (v.laneH >= 20 && x1 - x0 > ctx.measureText(label).width + 8) ctx.fillText(label, x0 + 3, y + 10);
        shown++;
      }
      ctx.setLineDash([]);
    },
    viewModel: () => ({ count: batches.length, shown, batches: batches.map((b) => ({ ...b, members: [...b.members] })) }),
  };
}
