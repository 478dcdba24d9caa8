// How long a worker waits between attempts: runs a graph (default 40 × cpu 1ms) 4 times per
// mode on 2 workers in one page and prints, per run, the makespan, each lane's first start,
// the median and largest gap between one attempt's end and the next one's start on the same
// lane, the median attempt duration and the run's cpu_share.
//   node scripts/dispatch-gaps.mjs                 (needs the wasm builds and the bundle current)
//   TEXT="$(cat g.dag)" MODES=threads node scripts/dispatch-gaps.mjs
import { launchChromium } from './lib/browser.mjs';
import { startServer } from './serve.mjs';
const server = await startServer({ port: 0, isolation: true });
const browser = await launchChromium();
const page = await browser.newPage();
await page.goto(server.url);
await page.waitForFunction(() => window.fanout !== undefined);
const text = process.env.TEXT ?? Array.from({ length: 40 }, (_, i) => `t${i} : cpu 1ms`).join('\n');
for (const mode of (process.env.MODES ?? 'threads,workers').split(',')) {
  for (let r = 0; r < 4; r++) {
    const res = await page.evaluate(async ([t, mode]) => {
      const r = await window.fanout.run(t, { workers: 2, mode });
      const lanes = new Map();
      for (const a of r.attempts ?? r.tasks) { const w = a.worker; if (!lanes.has(w)) lanes.set(w, []); lanes.get(w).push(a); }
      const gaps = []; const firsts = [];
      for (const bars of lanes.values()) { bars.sort((x, y) => x.start_ms - y.start_ms); firsts.push(bars[0].start_ms);
        for (let i = 1; i < bars.length; i++) gaps.push(bars[i].start_ms - bars[i - 1].end_ms); }
      gaps.sort((a, b) => a - b);
      const durs = r.tasks.map((x) => x.end_ms - x.start_ms).sort((a, b) => a - b);
      return { mode: r.mode, makespan: r.makespan_ms, firsts, gapMed: gaps[gaps.length >> 1], gapMax: gaps.at(-1), durMed: durs[durs.length >> 1], cpu_share: r.cpu_share };
    }, [text, mode]);
    console.log(JSON.stringify(res));
  }
}
await browser.close(); await server.close();
