// The kernels' cost model against the clock (issue 17), as one bench section:
//  - per kernel: its modelled duration (the calibrated model, as the simulation prices it)
//    against its measured one (the attempt's duration_ms in a real one-worker run);
//    Each kernel is timed alternately with its class's calibration sample: the sample's own
//    error is how far the machine's speed has drifted since the page calibrated (a shared
//    VM's cores speed up and slow down by tens of percent over seconds), and the last column
//    is the model's error net of that drift: the cost model's shape, apart from the machine;
//  - per kernel graph: the simulated makespan against the real one on 2 workers, with the
//    fastest and slowest real run, after GRAPH_WARM_RUNS unseen runs (a page's first runs
//    share the cores with V8's top-tier compiles of the wasm: see docs/performance.md), and
//    the simulation priced with the pool's dispatch cost as its runs, these included,
//    measured it (www/shared/dispatch-gap.js).
// Medians of `reps` in one run (3 × `reps` per graph: a graph's run is a few ms). Goals:
// within 15 % per kernel, 10 % per graph.
// `node scripts/bench-kernels.mjs` runs this section alone (needs both wasm builds and the
// bundle current; BENCH_MODES=threads, BENCH_REPS=9, BENCH_KERNELS='primes 0..100k;hash 100M'
// choose); `npm run bench` runs it with the others.
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const pctDiff = (a, b) => (b > 0 ? `${a >= b ? '+' : ''}${fmt((a / b - 1) * 100, 0)} %` : '—');

export const KERNEL_CASES = [
  'primes 0..4M part 1/8',
  'primes 0..4M part 8/8',
  'primes 0..1M',
  'primes 999000M..999001M',
  'mandelbrot 256 iter 256',
  'mandelbrot 512 iter 256 part 4/8',
  'hash 4M',
  'sort 200k',
  'sort 1M',
  'wordcount',
  'counter 2M plain',
  'counter 1M atomic',
];

/** Each kernel's calibration sample (`calibration_sample` in src/work/kernels/run.rs): timed
 *  beside it, its own error says how far the machine has drifted since the calibration. */
export function calibrationSampleOf(kernel) {
  const name = kernel.split(' ')[0];
  if (name === 'counter') return kernel.includes('atomic') ? 'counter 1M atomic' : 'counter 2M plain';
  return { primes: 'primes 0..4M part 3/8', mandelbrot: 'mandelbrot 256 iter 256 part 3/8', hash: 'hash 2M', sort: 'sort 200k', wordcount: 'wordcount' }[name];
}

/** Unseen runs of each graph before its timed ones. */
export const GRAPH_WARM_RUNS = 30;

export const KERNEL_GRAPHS = {
  'primes 8 × 0..4M': 'p[1..8] : primes 0..4M\ntotal : cpu 0ms reduce sum after p[*]',
  'mandelbrot 8 bands of 512': 'm[1..8] : mandelbrot 512\ninside : cpu 0ms reduce sum after m[*]',
  'mixed: hash, sort, cpu': 'h[1..4] : hash 8M\ns[1..4] : sort 300k\nc : cpu 20ms after h[*], s[*]',
};

async function runIn(page, text, opts) {
  return page.evaluate(async ([t, o]) => {
    const r = await window.fanout.run(t, o);
    return {
      makespan: r.makespan_ms,
      mode: r.mode,
      durations: r.tasks.map((task) => {
        const a = task.attempts?.[task.attempts.length - 1];
        return a ? (a.duration_ms ?? a.end_ms - a.start_ms) : task.end_ms - task.start_ms;
      }),
      calibration: r.kernel_calibration,
    };
  }, [text, opts]);
}

async function simulateIn(page, text, workers, mode, dispatch) {
  return page.evaluate(async ([t, w, m, d]) => {
    const r = await window.fanout.simulate(t, { workers: w, mode: m, ...(d ? { dispatch: d } : {}) });
    return { makespan: r.makespan_ms, durations: r.tasks.map((task) => task.end_ms - task.start_ms), calibration: r.kernel_calibration, dispatch: r.dispatch_ms };
  }, [text, workers, mode, dispatch]);
}

/** Prints the section's two tables with `table(title, header, rows)`; returns the rows. */
export async function benchKernels(page, { table, reps = 5, mode = 'workers', workers = 2, kernels = KERNEL_CASES } = {}) {
  const load = loadavg().map((x) => x.toFixed(1)).join(', ');
  const perKernel = [];
  let calibration;
  for (const k of kernels) {
    const text = `k : ${k}`;
    const sampleText = `k : ${calibrationSampleOf(k)}`;
    // Warm first: the run engine of `mode` measures its build's calibration as it starts,
    // and the simulation of a `mode` run prices kernels with it.
    await runIn(page, text, { workers: 1, mode }); // warm
    const sim = await simulateIn(page, text, 1, mode);
    const simSample = await simulateIn(page, sampleText, 1, mode);
    calibration ??= sim.calibration;
    // The kernel and its calibration sample, alternating: the sample's error is the
    // machine's drift since the calibration (the same code, priced from its own timing).
    const real = [];
    const sample = [];
    for (let i = 0; i < reps; i++) {
      real.push((await runIn(page, text, { workers: 1, mode })).durations[0]);
      sample.push((await runIn(page, sampleText, { workers: 1, mode })).durations[0]);
    }
    const measured = median(real);
    const drift = simSample.durations[0] / median(sample);
    const shape = sim.durations[0] / measured / drift;
    perKernel.push([`\`${k}\``, fmt(sim.durations[0], 2), fmt(measured, 2), pctDiff(sim.durations[0], measured),
      pctDiff(drift, 1), pctDiff(shape, 1)]);
  }
  table(`Kernels: modelled vs measured duration (ms), ${mode} mode, 1 worker, median of ${reps}; load average ${load} (goal: within 15 %)`,
    ['kernel', 'modelled', 'measured', 'model error', 'its calibration sample, timed beside it (the machine\'s drift)', 'model error net of that drift'], perKernel);
  const perGraph = [];
  const graphReps = 3 * reps;
  for (const [name, text] of Object.entries(KERNEL_GRAPHS)) {
    for (let i = 0; i < GRAPH_WARM_RUNS; i++) await runIn(page, text, { workers, mode }); // warm
    const sim = await simulateIn(page, text, workers, mode);
    const real = [];
    for (let i = 0; i < graphReps; i++) real.push((await runIn(page, text, { workers, mode })).makespan);
    // The same simulation charging the pool's dispatch cost, as its runs (these among
    // them) measured it.
    const priced = await simulateIn(page, text, workers, mode, 'measured');
    perGraph.push([name, fmt(sim.makespan, 1), `${fmt(priced.makespan, 1)} (${fmt(priced.dispatch ?? 0, 3)} ms each)`,
      `${fmt(median(real), 1)} (${fmt(Math.min(...real), 1)}–${fmt(Math.max(...real), 1)})`,
      pctDiff(sim.makespan, median(real)), pctDiff(priced.makespan, median(real))]);
  }
  table(`Kernel graphs: simulated vs real makespan (ms) on ${workers} workers, ${mode} mode, median of ${graphReps} after ${GRAPH_WARM_RUNS} unseen; load average ${loadavg().map((x) => x.toFixed(1)).join(', ')} (goal: within 10 %)`,
    ['graph', 'simulated, exact', 'simulated with the dispatch cost the pool measured', 'real (fastest–slowest)', 'exact vs real', 'with dispatch vs real'], perGraph);
  console.log(`\nCalibration used (ns per unit, ${calibration?.source ?? 'none'}, ${calibration?.setting ?? '?'} build): ${JSON.stringify(calibration)}`);
  return { perKernel, perGraph, calibration };
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
    const table = (title, header, rows) => {
      console.log(`\n### ${title}\n`);
      console.log(`| ${header.join(' | ')} |`);
      console.log(`| ${header.map(() => '---').join(' | ')} |`);
      for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    };
    for (const mode of (process.env.BENCH_MODES ?? 'workers,threads').split(',')) {
      // BENCH_KERNELS='primes 0..100k;sort 5M' times other arguments (`;`-separated).
      const kernels = process.env.BENCH_KERNELS ? process.env.BENCH_KERNELS.split(';').map((k) => k.trim()).filter(Boolean) : KERNEL_CASES;
      await benchKernels(page, { table, mode, kernels, reps: Number(process.env.BENCH_REPS ?? 5) });
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
