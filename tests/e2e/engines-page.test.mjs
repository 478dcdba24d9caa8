// Issue 16 in the page: Import trace opens each kind of measured timeline (an exported
// asyncio script's trace, run for real in the project's venv; fanout's own Chrome trace; a Dask
// task stream; Ray's ray.timeline()), draws it, and Compare puts it beside the simulation of the
// editor's graph on one time scale; unmatched events are listed. The Export menu downloads the
// same script `fanout export` writes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ensurePython } from '../../scripts/lib/python.mjs';
import { ARTIFACTS, screenshot } from './harness.mjs';
import { setGraph, usePlayground } from './ui-helpers.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const MR = readFileSync(join(ROOT, 'tests/e2e/data/engines/map-reduce.dag'), 'utf8');
const IDS = ['split', 'map1', 'map2', 'map3', 'map4', 'map5', 'map6', 'merge'];

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: ROOT, maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The asyncio export of map-reduce, run for real on 2 workers: its trace text. */
function asyncioTrace() {
  const dir = join(ARTIFACTS, 'engines');
  mkdirSync(dir, { recursive: true });
  sh('cargo', ['build', '--quiet', '--bin', 'fanout']);
  const script = join(dir, 'page.asyncio.py'), trace = join(dir, 'page.asyncio.trace.json');
  sh(join(ROOT, 'target/debug/fanout'), ['export', join(ROOT, 'tests/e2e/data/engines/map-reduce.dag'), '--to', 'asyncio', '-o', script]);
  sh(ensurePython(), [script, '--workers', '2', '--trace', trace]);
  return trace;
}

const dask = JSON.stringify(IDS.map((key, i) => ({ key, worker: `tcp://127.0.0.1:${4000 + (i % 2)}`,
  startstops: [{ action: 'compute', start: 100 + i * 0.03, stop: 100 + i * 0.03 + 0.025 }] })));
const ray = JSON.stringify([...IDS.map((id, i) => ({ cat: `task::${id}`, name: `task::${id}`, pid: 'Node ID: 1', tid: `worker:${i % 2 ? 'b' : 'a'}`,
  ph: 'X', ts: 1e6 + i * 30_000, dur: 25_000, args: {} })),
{ cat: 'task:submit', name: 'submit_task', pid: 'Node ID: 1', tid: 'driver', ph: 'X', ts: 1e6, dur: 100 }]);

describe('importing measured timelines and exporting scripts in the page', () => {
  let page;
  usePlayground(async (p) => { page = p; await setGraph(page, MR); });

  async function importAndCheck(text, { lanes, unmatched = [] }) {
    const before = await page.evaluate(() => window.fanoutUI.history.list().length);
    const entry = await page.evaluate((t) => window.fanoutUI.engines.importText(t, 'trace.json').then((e) => e && { n: e.n, mode: e.mode, workers: e.workers }), text);
    assert.ok(entry, await page.textContent('#import-status'));
    assert.match(entry.mode, /^imported/);
    assert.equal(entry.workers, lanes);
    const vm = await page.evaluate(() => { const c = window.fanoutUI.compare; c.timelines.a.drawNow?.(); c.timelines.b.drawNow?.(); return c.viewModel(); });
    assert.equal(vm.runs.length, Math.min(10, before + 2));
    const [a, b] = [vm.runs.find((r) => r.n === vm.a), vm.runs.find((r) => r.n === vm.b)];
    assert.equal(a.mode, 'simulated', 'Compare: the simulation above');
    assert.equal(b.n, entry.n, 'Compare: the imported run below');
    assert.ok(vm.timelines[1].bars >= IDS.length - unmatched.length, `drawn bars: ${vm.timelines[1].bars}`);
    assert.equal(vm.timelines[1].lanes, lanes);
    assert.deepEqual(vm.timelines[0].view, vm.timelines[1].view, 'one time scale');
    assert.match(vm.summary, /took/);
    const listed = await page.getAttribute('#import-status', 'data-unmatched');
    assert.deepEqual(listed ? listed.split(',') : [], unmatched);
    return vm;
  }

  test('an exported asyncio script\'s measured trace is imported and compared with the simulation', async () => {
    const file = asyncioTrace();
    // Through the page's own button's file input, as a reader does it.
    const before = await page.evaluate(() => window.fanoutUI.history.list().length);
    await page.setInputFiles('#import-file', file);
    await page.waitForFunction((n) => window.fanoutUI.history.list().length === n + 2, before);
    assert.equal(await page.getAttribute('#import-status', 'data-state'), 'imported');
    assert.match(await page.textContent('#import-status'), /Imported page\.asyncio\.trace\.json: imported asyncio, 8 tasks on 2 lanes/);
    await importAndCheck(readFileSync(file, 'utf8'), { lanes: 2 });
    await screenshot(page, 'engines-import-asyncio');
  });

  test('fanout\'s own Chrome trace round-trips: the same attempts as the simulation', async () => {
    const { own, sim } = await page.evaluate(async (text) => {
      const sim = await window.fanout.simulate(text, { workers: 2 });
      const plain = JSON.parse(JSON.stringify({ ...sim, tasks: sim.tasks }));
      return { own: await window.fanout.chromeTrace(text, plain), sim: plain.tasks.map((t) => [t.id, t.attempts.map((a) => [a.worker, a.start_ms, a.status])]) };
    }, MR);
    await importAndCheck(own, { lanes: 2 });
    const back = await page.evaluate(async ([t, text]) => (await window.fanout.importTrace(t, text)).result.tasks.map((x) => [x.id, x.attempts.map((a) => [a.worker, a.start_ms, a.status])]), [own, MR]);
    assert.deepEqual(back, sim);
  });

  test('a Dask task stream and a Ray timeline are imported; unmatched events are listed', async () => {
    await importAndCheck(dask, { lanes: 2 });
    await importAndCheck(ray, { lanes: 2, unmatched: ['submit_task'] });
    assert.match(await page.textContent('#import-status'), /Unmatched events.*submit_task/);
  });

  test('a broken trace is a clear message, and nothing is added', async () => {
    const before = await page.evaluate(() => window.fanoutUI.history.list().length);
    await page.evaluate(() => window.fanoutUI.engines.importText('{"traceEvents": [', 'bad.json'));
    assert.match(await page.textContent('#import-status'), /Could not import bad\.json: the trace is not JSON/);
    assert.equal(await page.evaluate(() => window.fanoutUI.history.list().length), before);
  });

  test('Export Dask downloads the script fanout export writes', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-dask')]);
    assert.equal(download.suggestedFilename(), 'graph.dask.py');
    const text = readFileSync(await download.path(), 'utf8');
    assert.match(text, /client\.submit\(/);
    assert.match(text, /"id": "merge"/);
  });
});
