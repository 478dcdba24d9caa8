// Steal marks on the timeline (`policy work-stealing`): a timeline overlay (timeline.js
// setOverlays) built from a RunResult's `steals`. Guarantees:
//  - one mark per steal: a small arrow-head at the stolen attempt's start in the thief's lane,
//    labelled `⇠w<victim>` when there is room, and a dashed line from the moment the steal was
//    decided to that start (the steal's cost: `steal_cost` in a simulation, measured in a run);
//  - only marks inside the view are drawn; `viewModel()` lists every mark (task, attempt,
//    thief, victim, at, start) and how many the last draw showed, for tests.
import { formatMs } from './format.js';

const COLOR = '#b4490c';

/** The steals of `result` as marks: `[{ task, attempt, worker, victim, at, start }]`, where
 *  `start` is the stolen attempt's (measured) start from the task records. */
export function stealMarksOf(result) {
  const marks = result?.steals?.marks ?? [];
  if (!marks.length) return [];
  const starts = new Map();
  for (const t of result.tasks ?? []) {
    (t.attempts ?? []).forEach((a, i) => starts.set(`${t.id}\u0000${i + 1}`, a.start_ms));
  }
  return marks.map((m) => ({
    task: m.task, attempt: m.attempt, worker: m.worker, victim: m.victim, at: m.at_ms,
    start: starts.get(`${m.task}\u0000${m.attempt}`) ?? m.at_ms + (result.steals.steal_cost_ms ?? 0),
  }));
}

/** A one-line summary of a run's steals, or '' when it has none: "3 steals (0.25 per task),
 *  2 failed steal draws". */
export function stealSummary(result) {
  const s = result?.steals;
  if (!s) return '';
  const n = result.tasks_total ?? result.tasks?.length ?? 0;
  const per = n ? ` (${(s.steals / n).toFixed(2)} per task)` : '';
  const cost = s.steal_cost_ms > 0 ? `, each costing ${formatMs(s.steal_cost_ms)} in a simulation` : '';
  return `${s.steals} steal${s.steals === 1 ? '' : 's'}${per}, ${s.failed_steals} failed steal draw${s.failed_steals === 1 ? '' : 's'}${cost}`;
}

/** The timeline overlay drawing `marks` (from stealMarksOf). */
export function stealOverlay(marks) {
  let shown = 0;
  return {
    name: 'steals',
    draw(ctx, v) {
      shown = 0;
      ctx.strokeStyle = COLOR;
      ctx.fillStyle = COLOR;
      ctx.lineWidth = 1.5;
      ctx.font = '10px system-ui, sans-serif';
      ctx.textBaseline = 'top';
      ctx.textAlign = 'left';
      for (const m of marks) {
        if (m.start < v.start || m.at > v.end) continue;
        const y = v.laneY(m.worker) + 2;
        const x0 = v.x(m.at), x1 = v.x(m.start);
        if (x1 - x0 >= 2) {
          ctx.setLineDash([3, 2]);
          ctx.beginPath();
          ctx.moveTo(x0, y + 3);
          ctx.lineTo(x1, y + 3);
          ctx.stroke();
          ctx.setLineDash([]);
        }
        // A downward triangle at the start: "work arrived here from elsewhere".
        ctx.beginPath();
        ctx.moveTo(x1 - 4, y);
        ctx.lineTo(x1 + 4, y);
        ctx.lineTo(x1, y + 6);
        ctx.closePath();
        ctx.fill();
        if (v.laneH >= 20) ctx.fillText(`\u21e0w${m.victim}`, x1 + 5, y - 1);
        shown++;
      }
    },
    viewModel: () => ({ count: marks.length, shown, marks: marks.map((m) => ({ ...m })) }),
  };
}
