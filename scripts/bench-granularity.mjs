// The granularity sweep, as one bench section: the same 400 ms of work split into 10 …
// 100,000 independent tasks, run on every core in threads and workers mode and natively,
// each without and with batching (`batch B`, B members of about 2 ms of work in all per
// dispatch, so a dispatch costs what one 2 ms task does). Speedup = 400 ms / the run's
// makespan (what the results panel shows), and in the page also 400 ms / the wall time
// of the whole call (parse, run, result to the page). Batching should recover what tiny tasks lose to per-task overhead.
// `node scripts/bench-granularity.mjs` runs this section alone (needs both wasm builds, the
// bundle and `cargo build --release --bin fanout` current); `npm run bench` runs it with the
// others.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { output } from './lib/run.mjs';
import { ROOT } from './setup.mjs';

export const TOTAL_MS = 400;
/** Work carried by one batched dispatch, µs. */
export const BATCH_WORK_US = 2000;
const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `n` independent tasks `t0 … t<n-1>` of `each` (one family, so `batch` groups them). */
export const grainText = (n, each, batch = 1) =>
  Array.from({ length: n }, (_, i) => `t${i} : cpu ${each}${batch > 1 ? ` batch ${batch}` : ''}`).join('\n');

async function wall(page, text, opts) {
  return page.evaluate(async ([t, o]) => {
    const t0 = performance.now();
    const r = await window.fanout.run(t, o);
    return { wall: performance.now() - t0, makespan: r.makespan_ms, batches: r.batches?.length ?? 0 };
  }, [text, opts]);
}

function nativeWall(text, workers) {
  const dir = mkdtempSync(join(tmpdir(), 'fanout-grain-'));
  const file = join(dir, 'g.dag');
  writeFileSync(file, text);
  const t0 = performance.now();
  const json = output(join(ROOT, 'target', 'release', 'fanout'), ['run', file, '--workers', String(workers), '--json'], { maxBuffer: 1 << 28 });
  if (!json) throw new Error('the native run failed');
  return JSON.parse(json).makespan_ms ?? performance.now() - t0;
}

/** Runs the sweep on `cores` workers in `page`; prints one table with `table`. Returns the rows. */
export async function benchGranularity(page, { cores, table, reps = 1 }) {
  const rows = [];
  for (const n of [10, 100, 1_000, 10_000, 100_000]) {
    const eachUs = (TOTAL_MS * 1000) / n;
    const b = Math.max(1, Math.round(BATCH_WORK_US / eachUs));
    const plain = grainText(n, `${eachUs}us`);
    const batched = grainText(n, `${eachUs}us`, b);
    const row = [n.toLocaleString('en'), `${fmt(eachUs, 0)} µs`, b > 1 ? String(b) : '—'];
    for (const mode of ['threads', 'workers']) {
      for (const text of [plain, batched]) {
        await wall(page, grainText(50, '0ms'), { workers: cores, mode }); // warm the pool
        const w = [];
        const m = [];
        for (let k = 0; k < reps; k++) {
          const r = await wall(page, text, { workers: cores, mode });
          w.push(r.wall);
          m.push(r.makespan);
        }
        // The run's own speedup (its makespan: what the results panel shows), then the
        // call's (parse, run, the result crossing to the page: what a caller waits for).
        row.push(b > 1 || text === plain ? `${fmt(TOTAL_MS / median(m), 2)} (${fmt(TOTAL_MS / median(w), 2)})` : '(same)');
      }
    }
    for (const text of [plain, batched]) {
      const w = [];
      for (let k = 0; k < reps; k++) w.push(nativeWall(text, cores));
      row.push(b > 1 || text === plain ? fmt(TOTAL_MS / median(w), 2) : '(same)');
    }
    rows.push(row);
  }
  table(`Granularity: speedup over the ${TOTAL_MS} ms of work on ${cores} workers, without and with \`batch B\` (B tasks ≈ ${BATCH_WORK_US / 1000} ms per dispatch; < 1: parallel no longer pays; page: makespan (call to result); native: makespan)`,
    ['tasks', 'each', 'B', 'threads', 'threads batched', 'workers', 'workers batched', 'native', 'native batched'], rows);
  return rows;
}

// Run alone: serve www/, open it in Chromium, print this section.
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { launchChromium } = await import('./lib/browser.mjs');
  const { startServer } = await import('./serve.mjs');
  const server = await startServer({ port: 0, isolation: true });
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => window.fanout !== undefined);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const table = (title, header, rows) => {
      console.log(`\n### ${title}\n`);
      console.log(`| ${header.join(' | ')} |`);
      console.log(`| ${header.map(() => '---').join(' | ')} |`);
      for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    };
    await benchGranularity(page, { cores, table, reps: Number(process.env.BENCH_REPS ?? 3) });
  } finally {
    await browser.close();
    await server.close();
  }
}
