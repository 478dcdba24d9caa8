// How long V8 goes on compiling the wasm at its top tier after a page load, and what that
// costs the runs, by Chromium's own tracing: on a fresh page (engine prewarmed, one run), N
// back-to-back `window.fanout.run` calls of one graph, in blocks of B; per block, the median
// and fastest makespan and the CPU ms of `wasm.TopTierCompilation` (TurboFan compiling a
// function whose tiering budget ran out, on a background thread) inside the block's runs.
// On a 2-core machine each such compile takes a core from the run's workers.
//   node scripts/trace-tier-up.mjs                         (workers mode, 200 runs, blocks of 25)
//   MODE=threads N=400 B=50 node scripts/trace-tier-up.mjs   (ISOLATION=1: workers mode on an isolated page)
//   TEXT="$(cat g.dag)" node scripts/trace-tier-up.mjs
import { launchChromium } from './lib/browser.mjs';
import { loadAverage, median } from './lib/fair-runs.mjs';
import { startServer } from './serve.mjs';
import { windows } from './trace-first-run.mjs';

const MODE = process.env.MODE ?? 'workers';
const N = Number(process.env.N ?? 200);
const B = Number(process.env.B ?? 25);
const TEXT = process.env.TEXT ?? 'p[1..8] : primes 0..4M\ntotal : cpu 0ms reduce sum after p[*]';
const CATEGORIES = ['v8.wasm', 'blink.user_timing', '__metadata'];

/** Per block of `b` runs (between the `fanout-run-start` and `fanout-run-end` marks): the
 *  CPU ms of top-tier compiles inside its runs, and how many ran in them (a compile that
 *  spans two runs counts in both), from trace-first-run.mjs's per-run windows. */
export function compilesPerBlock(trace, b) {
  const runs = windows(trace).map(({ v8 }) => {
    let ms = 0;
    let n = 0;
    for (const [key, row] of v8) {
      if (!key.startsWith('wasm.TopTierCompilation @')) continue;
      ms += row.ms;
      n += row.n;
    }
    return { ms, n };
  });
  const blocks = [];
  for (let i = 0; i + b <= runs.length; i += b) {
    const block = runs.slice(i, i + b);
    blocks.push({ ms: block.reduce((a, r) => a + r.ms, 0), n: block.reduce((a, r) => a + r.n, 0) });
  }
  return blocks;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startServer({ port: 0, isolation: process.env.ISOLATION ? process.env.ISOLATION !== '0' : MODE === 'threads' });
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    await page.evaluate(async ([t, mode]) => {
      await window.fanout.prewarm({ workers: 2, mode });
      await window.fanout.run(t, { workers: 2, mode });
    }, [TEXT, MODE]);
    await browser.startTracing(page, { categories: CATEGORIES });
    const makespans = await page.evaluate(async ([t, mode, n]) => {
      const out = [];
      for (let i = 0; i < n; i++) out.push((await window.fanout.run(t, { workers: 2, mode })).makespan_ms);
      return out;
    }, [TEXT, MODE, N]);
    const blocks = compilesPerBlock(JSON.parse((await browser.stopTracing()).toString('utf8')), B);
    const sim = await page.evaluate(([t, mode]) => window.fanout.simulate(t, { workers: 2, mode }), [TEXT, MODE]);
    console.log(`${MODE} mode, 2 workers, load ${loadAverage()}; simulated makespan ${sim.makespan_ms.toFixed(2)} ms`);
    console.log('runs        median ms  fastest ms  top-tier compiles (CPU ms, count)');
    blocks.forEach(({ ms, n }, k) => {
      const xs = makespans.slice(k * B, (k + 1) * B);
      console.log(`${`${k * B + 1}-${(k + 1) * B}`.padEnd(10)} ${median(xs).toFixed(2).padStart(10)} ${Math.min(...xs).toFixed(2).padStart(11)}  ${ms.toFixed(1).padStart(8)}, ${n}`);
    });
  } finally {
    await browser.close();
    await server.close();
  }
}
