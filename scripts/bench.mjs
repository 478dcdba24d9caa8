// `npm run bench`: the executors measured in headless Chromium (and natively), printed as
// tables. Every comparison is a ratio taken in one run, repeated, because this machine is
// shared and noisy: absolute figures move from run to run, ratios much less.
//
//  0. The page: its default graph through the Run button against `window.fanout.run` in the
//     same page (alternating), and the first run after a page load against the third.
//  1. Per-task overhead: 10,000 empty tasks (`cpu 0ms`) on 2 workers, per mode.
//  2. The same 10,000 tasks through the npm package `workerpool`, in the same page.
//  3. Parallel efficiency: 32 independent `cpu 20ms` tasks on 1 worker and on all cores.
//  4. Granularity: the same 400 ms of work split into 10 … 100,000 tasks, per mode, without
//     and with `batch` (scripts/bench-granularity.mjs).
//  4b. Prediction: real makespans against the simulator's, CPU-bound tasks of 10 ms or more.
//  5. The simulator in wasm: 1,000,000 generated tasks on 64 workers (the native figure is
//     `cargo bench --bench simulate`, on the same graph).
//  6. Big graphs in the tab: 100,000 and 1,000,000 tasks simulated and drawn, with the
//     longest main-thread task; the 10,000-task graph view's time to draw (bench-tab.mjs).
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWasm } from './build-wasm.mjs';
import { firstAgainstThirdOverPages, loadAverage, uiAgainstApi } from './lib/fair-runs.mjs';
import { output, run, step } from './lib/run.mjs';
import { devHeaders } from './lib/headers.mjs';
import { startServer } from './serve.mjs';
import { benchKernels } from './bench-kernels.mjs';
import { benchGranularity } from './bench-granularity.mjs';
import { ROOT, ensureBrowser, ensureNodeModules, ensureRust } from './setup.mjs';

const REPS = Number(process.env.BENCH_REPS ?? 3);
/** Real against simulated is a small difference in short runs: more repeats. */
const PRED_REPS = Math.max(REPS, 7);
/** Fresh pages per run mode for the first run against the third (a median of them). */
const FIRST_PAGES = Number(process.env.BENCH_FIRST_PAGES ?? Math.max(REPS, 5));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const tasks = (n, dur) => Array.from({ length: n }, (_, i) => `t${i} : cpu ${dur}`).join('\n');
const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

function table(title, header, rows) {
  console.log(`\n### ${title}\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

/** Times one run in the page; resolves to { wall (call to result, ms), makespan }. */
async function timeRun(page, text, opts) {
  return page.evaluate(async ([t, o]) => {
    const t0 = performance.now();
    const r = await window.fanout.run(t, o);
    return { wall: performance.now() - t0, makespan: r.makespan_ms, mode: r.mode, cpuShare: r.cpu_share ?? null };
  }, [text, opts]);
}

/** Times the native executor (release build): its run wall (makespan), in ms. */
function timeNative(text, workers) {
  const dir = mkdtempSync(join(tmpdir(), 'fanout-bench-'));
  const file = join(dir, 'g.dag');
  writeFileSync(file, text);
  const json = output(join(ROOT, 'target', 'release', 'fanout'), ['run', file, '--workers', String(workers), '--json'], { maxBuffer: 1 << 28 });
  if (!json) throw new Error('the native run failed');
  return JSON.parse(json).makespan_ms;
}

ensureRust();
ensureNodeModules();
ensureBrowser();
// Imported only now: they need npm packages (playwright-core, esbuild) just installed.
const { launchChromium } = await import('./lib/browser.mjs');
const { bundle } = await import('./bundle.mjs');
bundle();
buildWasm('plain');
buildWasm('threads');
step('building the native CLI (release)');
run('cargo', ['build', '--release', '--bin', 'fanout'], { cwd: ROOT });

// No CSP here: the comparison injects workerpool, which evaluates code in blob: workers.
const server = await startServer({ port: 0, headers: devHeaders({ isolation: true, csp: false }) });
const browser = await launchChromium();
const page = await (await browser.newContext()).newPage();
await page.goto(server.url);
await page.waitForFunction(() => window.fanout !== undefined);
const cores = await page.evaluate(() => navigator.hardwareConcurrency);
const warm = async (mode, workers) => timeRun(page, tasks(50, '0ms'), { workers, mode });

const pct = (ratio) => `${ratio >= 1 ? '+' : ''}${fmt((ratio - 1) * 100, 1)}%`;
const share = (r) => (r.cpuShare ? `${Math.round(r.cpuShare.share * 100)}%` : '—');

try {
  // 0. The page, as a reader uses it.
  step('the page: the Run button against window.fanout.run, and the first run after load');
  // First against third on fresh pages, in both run modes: an isolated page runs in threads
  // mode, an ordinary one in workers mode. A median over FIRST_PAGES pages: one page's ratio
  // is mostly this shared machine's noise.
  const plainServer = await startServer({ port: 0, isolation: false });
  const freshPage = (url) => async () => {
    const p = await (await browser.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
    await p.goto(url);
    return p;
  };
  const firsts = {};
  for (const [mode, url] of [['threads', server.url], ['workers', plainServer.url]]) {
    const load = [loadAverage()];
    firsts[mode] = { ...(await firstAgainstThirdOverPages(freshPage(url), (p) => p.context().close(), FIRST_PAGES)), load };
    load.push(loadAverage());
  }
  await plainServer.close();
  const uiPage = await (await browser.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
  await uiPage.goto(server.url);
  await uiPage.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  const ua = await uiAgainstApi(uiPage, Math.max(3, REPS));
  await uiPage.context().close();
  const mid = (xs) => median(xs.map((r) => r.makespan));
  table(`The page's default graph on ${cores} workers (load average ${ua.load.join(' → ')}; goal: within 10%)`,
    ['what', 'makespans (ms)', 'median', 'ratio', 'CPU share (median run)'],
    [['Run button', ua.ui.map((r) => fmt(r.makespan, 0)).join(', '), fmt(mid(ua.ui), 0), pct(ua.ratio) + ' against the API', share(ua.ui.toSorted((a, b) => a.makespan - b.makespan)[Math.floor(ua.ui.length / 2)])],
      ['window.fanout.run', ua.api.map((r) => fmt(r.makespan, 0)).join(', '), fmt(mid(ua.api), 0), '', share(ua.api.toSorted((a, b) => a.makespan - b.makespan)[Math.floor(ua.api.length / 2)])]]);
  for (const [mode, f] of Object.entries(firsts)) {
    table(`The first run after a page load against the third, ${mode} mode, ${f.fresh.length} fresh pages (load average ${f.load.join(' → ')}; goal: within 10%)`,
      ['page', 'makespans of runs 1, 2, 3 (ms)', 'first against third', 'CPU share of runs 1, 2, 3', 'start-up of run 1 (ms)'],
      [...f.fresh.map((x, i) => [`fresh page ${i + 1}`, x.runs.map((r) => fmt(r.makespan, 0)).join(', '), pct(x.ratio), x.runs.map(share).join(', '), fmt(x.runs[0].startup, 0)]),
        ['**median**', '', `**${pct(f.ratio)}**`, `engine's own part (makespan × share): ${pct(f.engine)}`, '']]);
  }

  // 1 + 2. Per-task overhead, and workerpool in the same page.
  step('per-task overhead: 10,000 empty tasks on 2 workers');
  const N = 10_000;
  const empty = tasks(N, '0ms');
  const overhead = { threads: [], workers: [], native: [], workerpool: [] };
  await page.addScriptTag({ content: readFileSync(join(ROOT, 'node_modules/workerpool/dist/workerpool.min.js'), 'utf8') });
  await page.evaluate(async () => {
    window.pool = window.workerpool.pool({ maxWorkers: 2 });
    await Promise.all(Array.from({ length: 200 }, () => window.pool.exec(() => 0, [])));
  });
  for (let rep = 0; rep < REPS; rep++) {
    for (const mode of ['threads', 'workers']) {
      await warm(mode, 2);
      overhead[mode].push(await timeRun(page, empty, { workers: 2, mode }));
    }
    overhead.native.push({ wall: NaN, makespan: timeNative(empty, 2) });
    overhead.workerpool.push(await page.evaluate(async (n) => {
      const t0 = performance.now();
      await Promise.all(Array.from({ length: n }, () => window.pool.exec(() => 0, [])));
      return { wall: performance.now() - t0, makespan: NaN };
    }, N));
  }
  const us = (ms) => (ms * 1000) / N;
  const goals = { threads: '≤ 8', workers: '≤ 20', native: '≤ 2', workerpool: '(reference)' };
  table('Per-task overhead, 10,000 empty tasks on 2 workers (median of ' + REPS + ')',
    ['mode', 'µs/task, call to result', 'µs/task, run start to last end', 'goal µs'],
    Object.entries(overhead).map(([m, xs]) => [m, fmt(us(median(xs.map((x) => x.wall)))), fmt(us(median(xs.map((x) => x.makespan)))), goals[m]]));
  const ratio = median(overhead.workerpool.map((x) => x.wall)) / median(overhead.workers.map((x) => x.wall));
  console.log(`\nworkers mode is ${fmt(ratio, 2)}× faster per task than workerpool in the same page (call to result).`);
  await page.evaluate(() => window.pool.terminate());

  // 3. Parallel efficiency.
  step(`parallel efficiency: 32 x cpu 20ms on 1 worker and on ${cores}`);
  const work = tasks(32, '20ms');
  const rows = [];
  for (const mode of ['threads', 'workers']) {
    const speedups = [];
    for (let rep = 0; rep < REPS; rep++) {
      await warm(mode, 1);
      const one = await timeRun(page, work, { workers: 1, mode });
      await warm(mode, cores);
      const all = await timeRun(page, work, { workers: cores, mode });
      speedups.push(one.makespan / all.makespan);
    }
    const s = median(speedups);
    rows.push([mode, cores, fmt(s, 2), fmt(s / cores, 2), s >= 0.85 * cores ? 'yes' : 'no']);
  }
  table(`Parallel efficiency (median of ${REPS})`, ['mode', 'cores', 'speedup', 'efficiency', '≥ 0.85 × cores'], rows);

  // 4b. Prediction: the simulator against real runs.
  step('prediction: real makespan against the simulator');
  const graphs = {
    'map-reduce (1 + 16 + 1 tasks)': 'split : cpu 10ms\nw[1..16] : cpu 20ms after split\njoin : cpu 10ms after w[*]',
    'uneven fan-out (13 tasks)': 'a : cpu 10ms\nb[1..4] : cpu 40ms after a\nc[1..6] : cpu 15ms after a\nd : cpu 30ms after b[*]\ne : cpu 10ms after c[*], d',
    'chain of 3 diamonds (10 tasks)': 's : cpu 10ms\nl1 : cpu 30ms after s\nr1 : cpu 20ms after s\nm1 : cpu 10ms after l1, r1\nl2 : cpu 20ms after m1\nr2 : cpu 30ms after m1\nm2 : cpu 10ms after l2, r2\nl3 : cpu 25ms after m2\nr3 : cpu 25ms after m2\nm3 : cpu 10ms after l3, r3',
  };
  const pred = [];
  for (const [name, text] of Object.entries(graphs)) {
    const sim = await page.evaluate(([t, w]) => window.fanout.simulate(t, { workers: w }), [text, cores]);
    const row = [name, fmt(sim.makespan_ms, 0)];
    for (const mode of ['threads', 'workers']) {
      await warm(mode, cores);
      const real = [];
      for (let rep = 0; rep < PRED_REPS; rep++) real.push(await timeRun(page, text, { workers: cores, mode }));
      const ratios = real.map((r) => r.makespan / sim.makespan_ms);
      const shares = real.map((r) => r.cpuShare?.share ?? NaN);
      // The engine's own part: each run's makespan with the time its workers did not get
      // taken out (× share), against the simulation. What remains is dispatch and calibration.
      const own = real.map((r) => (r.makespan * (r.cpuShare?.share ?? NaN)) / sim.makespan_ms);
      row.push(`${fmt(median(real.map((r) => r.makespan)), 0)} (${pct(median(ratios))}; got ${fmt(median(shares) * 100, 0)}%; engine ${pct(median(own))})`);
    }
    pred.push(row);
  }
  table(`Prediction: simulated vs real makespan (ms) on ${cores} workers, median of ${PRED_REPS} ratios; "got": the share of the time they asked for the workers got; "engine": real × share against simulated, the engine's own part (load average ${loadAverage()}; goal: within 10%)`,
    ['graph', 'simulated', 'threads (diff)', 'workers (diff)'], pred);

  // 4. Granularity, without and with batching (scripts/bench-granularity.mjs).
  step('granularity: 400 ms of work split into 10 … 100,000 tasks, unbatched and batched');
  await benchGranularity(page, { cores, table, reps: REPS });

  // 5. The simulator in wasm.
  step('simulating 1,000,000 tasks on 64 workers in wasm');
  const sims = [];
  for (let rep = 0; rep < REPS; rep++) sims.push(await page.evaluate(() => window.fanout.benchmarkSimulate(1_000_000, 64)));
  const mps = (ms) => fmt(1_000_000 / ms / 1000, 2);
  table(`Simulator in wasm (Chromium), 1,000,000 tasks on 64 workers, critical-path (median of ${REPS})`,
    ['what', 'ms', 'million tasks/s', 'goal'],
    [['schedule only', fmt(median(sims.map((s) => s.schedule_ms)), 0), mps(median(sims.map((s) => s.schedule_ms))), '≥ 3 (native)'],
      ['with the full RunResult', fmt(median(sims.map((s) => s.full_ms)), 0), mps(median(sims.map((s) => s.full_ms))), '']]);

  // 6. Big graphs in the tab.
  step('big graphs in the tab: 100,000 and 1,000,000 tasks, the 10,000-task graph view');
  const { benchTab, printTab } = await import('./bench-tab.mjs');
  printTab(await benchTab(browser, server.url));
  // 7. The kernels' cost model (issue 17): scripts/bench-kernels.mjs.
  step('kernels: modelled vs measured duration, simulated vs real makespan');
  for (const mode of ['workers', 'threads']) await benchKernels(page, { table, mode, reps: Math.max(REPS, 5) });
} finally {
  await browser.close();
  await server.close();
}
