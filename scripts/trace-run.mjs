// Where a run's time goes, by Chromium's own tracing: records a trace of a run of the
// default graph through the Run button and one through `window.fanout.run` in the same page
// (alternating, ROUNDS each), and prints, per thread of the browser, how much CPU time it
// used during the run (its top-level tasks' thread time, clipped to the run). On a 2-core
// machine any busy thread beside the task workers takes time from them.
//   node scripts/trace-run.mjs            (needs the wasm builds and the bundle current)
//   TRACE_OUT=dir node scripts/trace-run.mjs   also writes each trace as JSON (opens in Perfetto)
//   ISOLATION=0 node scripts/trace-run.mjs     the same on a page that is not isolated (workers mode)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './lib/browser.mjs';
import { apiRun, loadAverage, median, settle, uiRun } from './lib/fair-runs.mjs';
import { startServer } from './serve.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const OUT = process.env.TRACE_OUT;
const CATEGORIES = ['toplevel', 'devtools.timeline', 'blink.user_timing', 'v8', 'v8.wasm', 'disabled-by-default-devtools.timeline', '__metadata'];

/** CPU ms per thread between the last marks `${marks}-start` and `${marks}-end`: the sum of
 *  each thread's top-level tasks (RunTask and the like), clipped to that window. The client
 *  marks `fanout-run-*` around the run's clock; this script marks `trace-window-*` around the
 *  whole press of Run, until the page has shown the result. */
export function busyByThread(trace, marks = 'fanout-run') {
  const events = trace.traceEvents ?? trace;
  const names = new Map();
  const processes = new Map();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
    if (e.ph === 'M' && e.name === 'process_name') processes.set(e.pid, e.args.name);
  }
  const mark = (n) => events.findLast((e) => e.name === n && (e.cat ?? '').includes('user_timing'));
  const s = mark(`${marks}-start`), t = mark(`${marks}-end`);
  if (!s || !t) throw new Error('the run marks are not in the trace');
  const [from, to] = [s.ts, t.ts];
  // CPU time (the events' thread time, `tdur`), scaled to the part of each task inside the
  // window: on a loaded machine wall durations mostly measure waiting for a core.
  const busy = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !(e.cat ?? '').split(',').includes('toplevel')) continue;
    const a = Math.max(e.ts, from), b = Math.min(e.ts + (e.dur ?? 0), to);
    if (b <= a) continue;
    const key = `${e.pid}:${e.tid}`;
    const cpu = (e.tdur ?? e.dur ?? 0) * ((b - a) / Math.max(e.dur ?? 0, 1));
    busy.set(key, (busy.get(key) ?? 0) + cpu / 1000);
  }
  const window = (to - from) / 1000;
  // Threads of one name (the task workers, say) are summed, and counted.
  const byName = new Map();
  for (const [key, ms] of busy) {
    const pid = Number(key.split(':')[0]);
    const thread = `${processes.get(pid) ?? pid}/${names.get(key) ?? 'unnamed'}`;
    const row = byName.get(thread) ?? { thread, ms: 0, threads: 0 };
    row.ms += ms;
    row.threads++;
    byName.set(thread, row);
  }
  const rows = [...byName.values()].sort((x, y) => y.ms - x.ms);
  return { window, rows };
}

/** Lines: per thread name, the median over `list` (traced runs) of its busy ms. */
export function summarize(list) {
  const threads = new Map();
  list.forEach((r, i) => {
    for (const row of r.rows) {
      if (!threads.has(row.thread)) threads.set(row.thread, { ms: Array(list.length).fill(0), threads: row.threads });
      threads.get(row.thread).ms[i] = row.ms;
    }
  });
  const windows = median(list.map((r) => r.window));
  return [...threads].map(([thread, t]) => [thread, median(t.ms), t.threads]).sort((a, b) => b[1] - a[1]).slice(0, 8)
    .map(([thread, m, n]) => `  ${`${thread}${n > 1 ? ` ×${n}` : ''}`.padEnd(52)} ${m.toFixed(1).padStart(7)} ms CPU  (${((m / windows) * 100).toFixed(0)}% of a core over the ${windows.toFixed(0)} ms window)`);
}

async function traced(browser, page, label, i, fn) {
  await settle(page);
  await browser.startTracing(page, { categories: CATEGORIES });
  await page.evaluate(() => performance.mark('trace-window-start'));
  const r = await fn(page);
  await page.evaluate(() => performance.mark('trace-window-end'));
  const buf = await browser.stopTracing();
  const trace = JSON.parse(buf.toString('utf8'));
  if (OUT) {
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, `${label}-${i}.json`), buf);
  }
  const inRun = busyByThread(trace);
  return { ...r, ...inRun, whole: busyByThread(trace, 'trace-window') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // ISOLATION=0: an ordinary (not cross-origin isolated) page, which runs in workers mode.
  const server = await startServer({ port: 0, isolation: process.env.ISOLATION !== '0' });
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    await apiRun(page); // the engine started, as after a first run
    const runs = { ui: [], api: [] };
    for (let i = 0; i < ROUNDS; i++) {
      runs.ui.push(await traced(browser, page, 'ui', i, uiRun));
      runs.api.push(await traced(browser, page, 'api', i, apiRun));
    }
    console.log(`load average ${loadAverage()}; ${ROUNDS} traced runs each, alternating`);
    for (const [label, list] of Object.entries(runs)) {
      console.log(`\n${label}: makespans ${list.map((r) => r.makespan.toFixed(0)).join(', ')} ms (median ${median(list.map((r) => r.makespan)).toFixed(0)})`);
      console.log('  during the run (its clock):');
      console.log(summarize(list).join('\n'));
      console.log('  from the call (or the press of Run) until the page has shown the result:');
      console.log(summarize(list.map((r) => r.whole)).join('\n'));
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
