// Nested groups (`group NAME workers N { … }`) for real: the groups starter in threads,
// workers and async mode agrees with its simulation attempt for attempt (the same worker for
// every attempt, the same start order) and never has more than 2 of research's tasks running
// at once on the measured clock; the page draws each group as a box that folds into one node,
// and a bracket per group on the timeline.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, usePage } from './harness.mjs';
import { setGraph, usePlayground } from './ui-helpers.mjs';
import { GROUPS_STARTER } from '../../www/app/scenarios.js';

const placement = (r) => r.tasks.map((t) => [t.id, t.attempts.map((a) => a.worker)]);
const starts = (r) => new Map(r.tasks.map((t) => [t.id, t.attempts[0]?.start_ms]));

/** Pairs of tasks that start in another order in `real` than in `sim`, among those whose
 *  simulated starts differ (attempts decided at one instant start in any order). */
function startsOutOfOrder(sim, real) {
  const s = starts(sim), r = starts(real), bad = [];
  for (const [x, sx] of s) for (const [y, sy] of s) if (sx < sy && !(r.get(x) < r.get(y))) bad.push(`${x} before ${y}`);
  return bad;
}
const RESEARCH = ['a1', 'a2', 'a3', 'a4', 'b'];

/** The most attempts of `ids` running at once in `r`, by a sweep over measured times (an end
 *  at t before a start at t). */
function peak(r, ids) {
  const ev = [];
  for (const t of r.tasks) {
    if (!ids.includes(t.id)) continue;
    for (const a of t.attempts) ev.push([a.start_ms, 1], [a.end_ms, -1]);
  }
  ev.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  let cur = 0, most = 0;
  for (const [, d] of ev) { cur += d; most = Math.max(most, cur); }
  return most;
}

for (const [mode, isolation] of [['threads', true], ['workers', false], ['async', false]]) {
  describe(`groups in ${mode} mode`, () => {
    let page;
    usePage((p) => { page = p; }, { isolation });

    test('a real run agrees with its simulation attempt for attempt, and the cap holds', async (t) => {
      // io tasks: an io attempt holds its worker for its wall-clock length whatever else the
      // machine runs, where three cpu burns on a shared 2-core machine stretch unevenly and
      // could end in another order than simulated (the cpu run below checks the cap alone).
      // async mode has one slot per task (7), so its simulation is the one on 7 workers; the
      // others run on the graph's 4 workers (a run's default is the machine's cores).
      const text = GROUPS_STARTER.replaceAll(': cpu', ': io');
      const workers = mode === 'async' ? 7 : 4;
      const sim = await page.evaluate(([x, w]) => window.fanout.simulate(x, { workers: w }), [text, workers]);
      assert.deepEqual(placement(sim), [['a1', [1]], ['a2', [2]], ['a3', [1]], ['a4', [2]], ['b', [1]], ['solo', [0]], ['report', [0]]]);
      assert.equal(peak(sim, RESEARCH), 2);
      const real = await page.evaluate(([x, m]) => window.fanout.run(x, { mode: m, workers: 4 }), [text, mode]);
      assert.equal(real.mode, mode);
      assert.deepEqual(placement(real), placement(sim), 'every attempt on the simulated worker');
      assert.deepEqual(startsOutOfOrder(sim, real), [], 'attempts start in the simulated order');
      assert.ok(real.tasks.every((x) => x.status === 'ok'));
      // The cap on the measured clock: never 3 of research's tasks at once.
      assert.equal(peak(real, RESEARCH), 2, 'at most 2 of research running at once');
      // The run reports its groups: the tree, the cap, the scheduler's peak, the span.
      const [research, inner] = real.groups;
      assert.deepEqual([research.name, research.parent, research.workers, research.peak], ['research', null, 2, 2]);
      assert.deepEqual([inner.name, inner.parent, inner.workers, inner.tasks], ['inner', 'research', null, ['b']]);
      const byId = new Map(real.tasks.map((x) => [x.id, x]));
      assert.equal(research.start_ms, Math.min(...RESEARCH.map((id) => byId.get(id).start_ms)));
      assert.equal(research.end_ms, Math.max(...RESEARCH.map((id) => byId.get(id).end_ms)));
      // report waited for the group's sinks (a2, a3, a4, b) and solo.
      assert.ok(byId.get('report').start_ms >= byId.get('b').end_ms - 0.01);
      t.diagnostic(`${mode}: makespan ${real.makespan_ms.toFixed(1)} ms (simulated ${sim.makespan_ms}); b started at ${byId.get('b').start_ms.toFixed(1)} ms (simulated 160)`);
    });

    if (mode !== 'async') {
      test('with cpu work, however the machine stretches it, the cap holds on the measured clock', async () => {
        const real = await page.evaluate(([x, m]) => window.fanout.run(x, { mode: m, workers: 4 }), [GROUPS_STARTER, mode]);
        assert.ok(real.tasks.every((x) => x.status === 'ok'));
        assert.equal(peak(real, RESEARCH), 2);
        assert.equal(real.groups[0].peak, 2);
        // Worker 3 is never needed: the cap keeps research to two, solo takes the third.
        assert.ok(real.tasks.every((x) => x.worker !== 3), JSON.stringify(placement(real)));
      });
    }
  });
}

describe('groups in the page', () => {
  let page;
  usePlayground((p) => { page = p; });

  test('the starter is in the menu; boxes fold into one node; the timeline brackets each group', async () => {
    const options = await page.$$eval('#scenario option', (os) => os.map((o) => [o.value, o.textContent]));
    assert.ok(options.some(([v, label]) => v === 'groups' && /Nested groups/.test(label)), JSON.stringify(options));
    await page.selectOption('#scenario', 'groups');
    await page.click('#load-scenario');
    await page.fill('#workers', '4');
    await page.waitForFunction(() => document.querySelector('#dag').dataset.taskGroups === '2');
    let vm = await page.evaluate(() => window.fanoutUI.dag.viewModel());
    const research = vm.taskGroups.find((g) => g.name === 'research');
    const inner = vm.taskGroups.find((g) => g.name === 'inner');
    assert.deepEqual([research.workers, research.collapsed, research.members.sort()], [2, false, ['a1', 'a2', 'a3', 'a4', 'b']]);
    assert.equal(inner.parent, 'research');
    // Each box holds its members' nodes and the nested box lies inside its parent's.
    const inside = (b, o) => b.x >= o.x - 0.5 && b.y >= o.y - 0.5 && b.x + b.width <= o.x + o.width + 0.5 && b.y + b.height <= o.y + o.height + 0.5;
    assert.ok(inside(inner.box, research.box), JSON.stringify([inner.box, research.box]));
    const boxOf = async (id) => page.$eval(`#dag g.node[data-task="${id}"]`, (g) => {
      const m = g.getAttribute('transform').match(/translate\(([-\d.]+),([-\d.]+)\)/);
      const r = g.querySelector('rect');
      return { x: Number(m[1]), y: Number(m[2]), width: Number(r.getAttribute('width')), height: Number(r.getAttribute('height')) };
    });
    for (const id of ['a1', 'a4', 'b']) assert.ok(inside(await boxOf(id), research.box), id);
    assert.ok(!inside(await boxOf('solo'), research.box), 'solo is outside');
    const label = await page.$eval('#dag g.task-group[data-task-group="research"] .task-group-header', (h) => h.textContent);
    assert.match(label, /research · workers 2/);
    // Simulate: the timeline draws a bracket per group over its members' span.
    const before = await page.evaluate(() => Number(document.querySelector('#outcome').dataset.count ?? 0));
    await page.click('#simulate');
    await page.waitForFunction((n) => Number(document.querySelector('#outcome').dataset.count ?? 0) > n, before, { timeout: 60_000 });
    const tl = await page.evaluate(() => window.fanoutUI.timeline.viewModel().groupBrackets);
    assert.deepEqual(tl, [{ name: 'research', row: 0, start: 0, end: 220 }, { name: 'inner', row: 1, start: 160, end: 220 }]);
    // The Compare panel's timeline of the same run draws the same brackets.
    const shown = await page.evaluate(() => window.fanoutUI.compare.viewModel().timelines.map((t) => t.groupBrackets));
    assert.ok(shown.some((b) => JSON.stringify(b) === JSON.stringify(tl)), `Compare's brackets: ${JSON.stringify(shown)}`);
    await screenshot(page, 'groups-page');
    // A click on the label folds research into one node standing for its 5 tasks, with the
    // edges to solo's report kept; a click on that node unfolds it.
    await page.click('#dag g.task-group[data-task-group="research"] .task-group-header');
    await page.waitForFunction(() => window.fanoutUI.dag.viewModel().taskGroups.find((g) => g.name === 'research').collapsed);
    vm = await page.evaluate(() => window.fanoutUI.dag.viewModel());
    assert.equal(vm.nodes, 2, 'solo and report are drawn as tasks');
    assert.equal(await page.$$eval('#dag g.task-group-node[data-task-group="research"]', (x) => x.length), 1);
    assert.equal(vm.taskGroups.find((g) => g.name === 'research').state, 'done', 'coloured by its members, all done');
    assert.equal(vm.taskGroups.find((g) => g.name === 'inner').drawn, false, 'inner is inside the folded node');
    const edges = await page.$$eval('#dag path.edge', (ps) => ps.map((p) => `${p.dataset.from}>${p.dataset.to}`).sort());
    assert.deepEqual(edges, ['research>report', 'solo>report']);
    const node = await page.$eval('#dag g.task-group-node', (g) => g.textContent);
    assert.match(node, /research · workers 2 · 5 tasks/);
    await screenshot(page, 'groups-collapsed');
    // Keyboard: Enter on the folded node unfolds it.
    await page.focus('#dag g.task-group-node[data-task-group="research"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !window.fanoutUI.dag.viewModel().taskGroups.find((g) => g.name === 'research').collapsed);
    vm = await page.evaluate(() => window.fanoutUI.dag.viewModel());
    assert.equal(vm.nodes, 7);
    assert.equal(vm.edges, 6, 'a1→b, a2/a3/a4/b→report and solo→report: every dependency');
    assert.deepEqual(page.errors, []);
  });

  test('a group without a closing brace is an error at its brace', async () => {
    await setGraph(page, 'group g workers 2 {\na : cpu 1ms\n');
    await page.waitForFunction(() => document.querySelector('#dag').dataset.stale === 'true');
    const d = await page.evaluate(() => window.fanout.check('group g workers 2 {\na : cpu 1ms\n'));
    assert.equal(d.length, 1);
    assert.deepEqual([d[0].line, d[0].col], [1, 19]);
    assert.match(d[0].message, /group `g` is not closed/);
  });
});
