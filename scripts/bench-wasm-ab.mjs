// Compares the speed of two sets of wasm builds (two www/pkg-like folders, e.g. before and
// after a size lever) in one run: the playground is served twice, once with each, and
// `fanout.benchmarkSimulate(tasks, workers)` (parse, schedule and simulate a generated DAG in
// the core engine) alternates between the two pages, A B A B…, isolated (threaded build) and
// not (plain build). Prints the median time of each and the ratio B/A; the machine may be
// shared, so only the ratio, measured alternately, means anything.
//   node scripts/bench-wasm-ab.mjs PKG_A PKG_B [--reps N] [--tasks N]
import { cpSync, mkdtempSync, rmSync, symlinkSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium } from './lib/browser.mjs';
import { WWW, startServer } from './serve.mjs';

const args = process.argv.slice(2);
const opt = (name, d) => { const i = args.indexOf(name); return i < 0 ? d : Number(args[i + 1]); };
const [pkgA, pkgB] = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (!pkgA || !pkgB) throw new Error('usage: node scripts/bench-wasm-ab.mjs PKG_A PKG_B [--reps N] [--tasks N]');
const reps = opt('--reps', 7);
const tasks = opt('--tasks', 20000);

/** A copy of www/ whose pkg/ is `pkg` (the rest linked, not copied). */
function site(pkg) {
  const dir = mkdtempSync(join(tmpdir(), 'fanout-ab-'));
  for (const f of readdirSync(WWW)) if (f !== 'pkg') symlinkSync(join(WWW, f), join(dir, f));
  cpSync(resolve(pkg), join(dir, 'pkg'), { recursive: true });
  return dir;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dirs = [site(pkgA), site(pkgB)];
const browser = await launchChromium();
try {
  for (const isolation of [true, false]) {
    const servers = await Promise.all(dirs.map((root) => startServer({ root, port: 0, isolation })));
    const pages = [];
    for (const s of servers) {
      const page = await (await browser.newContext()).newPage();
      await page.goto(s.url);
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 120_000 });
      await page.evaluate((n) => window.fanout.benchmarkSimulate(n, 4), tasks); // warm-up
      pages.push(page);
    }
    const times = { simulate: [[], []], parse: [[], []] };
    for (let r = 0; r < reps; r++) {
      for (const i of [0, 1]) {
        const t = await pages[i].evaluate(async (n) => {
          const { full_ms } = await window.fanout.benchmarkSimulate(n, 4);
          const text = Array.from({ length: n }, (_, k) => `t${k} : cpu ${1 + (k % 7)}ms${k ? ` after t${Math.floor(k / 2)}` : ''}`).join('\n');
          const t0 = performance.now();
          await window.fanout.analyze(text, { workers: 4 });
          return { simulate: full_ms, parse: performance.now() - t0 };
        }, tasks);
        times.simulate[i].push(t.simulate);
        times.parse[i].push(t.parse);
      }
    }
    const label = isolation ? 'isolated (threaded build)' : 'not isolated (plain build)';
    for (const [what, [ta, tb]] of Object.entries(times)) {
      const [a, b] = [median(ta), median(tb)];
      const name = what === 'simulate' ? `benchmarkSimulate(${tasks}, 4)` : `analyze(${tasks}-line text)`;
      console.log(`${label}: ${name} median A ${a.toFixed(1)} ms, B ${b.toFixed(1)} ms, B/A ${(b / a).toFixed(3)}  (${reps} alternating reps)`);
    }
    for (const p of pages) await p.context().close();
    await Promise.all(servers.map((s) => s.close()));
  }
} finally {
  await browser.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
