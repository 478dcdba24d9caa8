// What runs beside the FIRST run after a page load, by Chromium's own tracing: on a fresh
// page, traces three `window.fanout.run` calls of the default graph from before the first
// (which starts the engine) to after the third, and prints for the first run's clock and the
// third's, side by side: per browser thread its CPU time (top-level tasks' thread time,
// clipped to the run), and the V8 compile and GC work (wasm tier-up, lazy compiles, GC)
// found in each window. On a 2-core machine any of it takes time from the task workers.
//   node scripts/trace-first-run.mjs              (isolated page: threads mode)
//   ISOLATION=0 node scripts/trace-first-run.mjs  (ordinary page: workers mode)
//   PAGES=3 TRACE_OUT=dir node scripts/trace-first-run.mjs   more pages; keep each trace
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './lib/browser.mjs';
import { apiRun, loadAverage } from './lib/fair-runs.mjs';
import { startServer } from './serve.mjs';

const PAGES = Number(process.env.PAGES ?? 1);
const OUT = process.env.TRACE_OUT;
const CATEGORIES = ['toplevel', 'devtools.timeline', 'blink.user_timing', 'v8', 'v8.wasm', 'v8.gc',
  'disabled-by-default-v8.compile', 'disabled-by-default-v8.gc', 'disabled-by-default-v8.wasm.detailed', 'disabled-by-default-v8.wasm.turbofan', 'disabled-by-default-v8.turbofan', 'disabled-by-default-v8.wasm', '__metadata'];

/** Per run window (the i-th `fanout-run-start` … `fanout-run-end` pair), per thread CPU ms
 *  of top-level tasks, and per event name the CPU ms of V8 compile/GC/wasm events. */
export function windows(trace) {
  const events = trace.traceEvents ?? trace;
  const names = new Map(), processes = new Map();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
    if (e.ph === 'M' && e.name === 'process_name') processes.set(e.pid, e.args.name);
  }
  const marks = (n) => events.filter((e) => e.name === n && (e.cat ?? '').includes('user_timing')).map((e) => e.ts).sort((a, b) => a - b);
  const starts = marks('fanout-run-start'), ends = marks('fanout-run-end');
  const thread = (e) => `${processes.get(e.pid) ?? e.pid}/${(names.get(`${e.pid}:${e.tid}`) ?? 'unnamed').replace(/\d+$/, '#')}`;
  return starts.map((from, i) => {
    const to = ends[i];
    const busy = new Map(), v8 = new Map();
    for (const e of events) {
      if (e.ph !== 'X') continue;
      const a = Math.max(e.ts, from), b = Math.min(e.ts + (e.dur ?? 0), to);
      if (b <= a) continue;
      const cpu = ((e.tdur ?? e.dur ?? 0) * ((b - a) / Math.max(e.dur ?? 0, 1))) / 1000;
      const cats = (e.cat ?? '').split(',');
      if (cats.includes('toplevel')) busy.set(thread(e), (busy.get(thread(e)) ?? 0) + cpu);
      if (cats.some((c) => /v8\.(wasm|gc|compile)|^v8$/.test(c)) && /wasm|GC|Compil|Tier|Marking|Scaveng|Sweep/i.test(e.name)) {
        const key = `${e.name} @ ${thread(e)}`;
        const row = v8.get(key) ?? { ms: 0, n: 0 };
        row.ms += cpu;
        row.n++;
        v8.set(key, row);
      }
    }
    return { window: (to - from) / 1000, busy, v8 };
  });
}

const table = (label, list, w) => {
  console.log(`  ${label}`);
  const keys = [...new Set(list.flatMap((m) => [...m.keys()]))];
  const val = (m, k) => { const v = m.get(k); return typeof v === 'number' ? v : v?.ms ?? 0; };
  keys.sort((a, b) => val(list[0], b) - val(list[0], a));
  for (const k of keys.slice(0, w)) console.log(`    ${k.slice(0, 70).padEnd(70)} ${list.map((m) => val(m, k).toFixed(1).padStart(8)).join('')}`);
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startServer({ port: 0, isolation: process.env.ISOLATION !== '0' });
  const browser = await launchChromium();
  try {
    for (let p = 0; p < PAGES; p++) {
      const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      const page = await context.newPage();
      await page.goto(server.url);
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
      await browser.startTracing(page, { categories: CATEGORIES });
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await apiRun(page));
      const buf = await browser.stopTracing();
      if (OUT) {
        mkdirSync(OUT, { recursive: true });
        writeFileSync(join(OUT, `first-run-${p}.json`), buf);
      }
      const w = windows(JSON.parse(buf.toString('utf8')));
      console.log(`\npage ${p + 1} (load ${loadAverage()}, ${runs[0].mode}): makespans ${runs.map((r) => r.makespan.toFixed(0)).join(', ')} ms; startup ${runs.map((r) => (r.startup ?? 0).toFixed(0)).join(', ')} ms; workers got ${runs.map((r) => (r.cpuShare ? `${(r.cpuShare.share * 100).toFixed(0)}%` : '–')).join(', ')}; first/third ${(runs[0].makespan / runs[2].makespan).toFixed(3)}`);
      console.log(`  columns: run 1, run 2, run 3 (CPU ms inside each run's clock; windows ${w.map((x) => x.window.toFixed(0)).join(', ')} ms)`);
      table('threads (top-level tasks)', w.map((x) => x.busy), 12);
      table('V8 compile / GC / wasm events', w.map((x) => x.v8), 20);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
