// Fair comparisons of runs in one page, shared by `npm run bench` and the e2e tests: the
// playground's Run button against `window.fanout.run` of the same text, alternating, and the
// first run after a page load against the third. Each measurement starts from a quiet page
// (the views drawn, the results shown, the core engine idle), so one run's after-work is
// never timed inside the next run.
import { readFileSync } from 'node:fs';

/** `/proc/loadavg`'s 1-minute figure (NaN where there is none): printed with each figure,
 *  since this machine is shared. */
export function loadAverage() {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}

/** The middle value (the upper one of an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Waits until the page is quiet: no run going, the results panel settled, and two idle
 *  periods of the main thread in a row (what a run left behind has been drawn). */
export async function settle(page) {
  await page.waitForFunction(() => !document.getElementById('run').disabled && document.getElementById('outcome').dataset.state !== 'pending');
  await page.evaluate(() => new Promise((resolve) => {
    const idle = (n) => requestIdleCallback(() => (n ? idle(n - 1) : resolve()), { timeout: 1000 });
    setTimeout(() => idle(1), 150);
  }));
}

/** Presses Run and resolves to the run's RunResult summary once the page has shown it.
 *  The wait is a MutationObserver on the button, not polling: the wait costs the page nothing. */
export function uiRun(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const button = document.getElementById('run');
    const before = window.fanout.lastResult;
    const t0 = performance.now();
    const observer = new MutationObserver(() => {
      if (button.disabled) return;
      observer.disconnect();
      const r = window.fanout.lastResult;
      if (r === before) reject(new Error(`the run showed no result: ${document.getElementById('run-status').textContent}`));
      else resolve({ makespan: r.makespan_ms, wall: performance.now() - t0, mode: r.mode, cpuShare: r.cpu_share ?? null, startup: r.startup_ms ?? null });
    });
    observer.observe(button, { attributes: true, attributeFilter: ['disabled'] });
    button.click();
  }));
}

/** Runs the editor's text through `window.fanout.run` with the Run panel's worker count. */
export function apiRun(page) {
  return page.evaluate(async () => {
    const text = window.fanoutUI.editor.text();
    const workers = Number(document.getElementById('workers').value);
    const t0 = performance.now();
    const r = await window.fanout.run(text, { workers });
    return { makespan: r.makespan_ms, wall: performance.now() - t0, mode: r.mode, cpuShare: r.cpu_share ?? null, startup: r.startup_ms ?? null };
  });
}

/** `rounds` UI runs and `rounds` API runs of the editor's graph, alternating in mirrored
 *  pairs (UI API, API UI, UI API, …) so that a load that rises or falls during the
 *  measurement favours neither, each from a quiet page. Resolves to `{ ui: [...], api: [...],
 *  ratio, load }` where `ratio` is the UI's median makespan over the API's. */
export async function uiAgainstApi(page, rounds = 3) {
  const ui = [], api = [];
  const load = [loadAverage()];
  for (let i = 0; i < rounds; i++) {
    for (const which of i % 2 ? ['api', 'ui'] : ['ui', 'api']) {
      await settle(page);
      if (which === 'ui') ui.push(await uiRun(page));
      else api.push(await apiRun(page));
    }
  }
  load.push(loadAverage());
  const ratio = median(ui.map((r) => r.makespan)) / median(api.map((r) => r.makespan));
  return { ui, api, ratio, load };
}

/** On a freshly loaded page, as a new reader would: waits for the playground to be ready,
 *  then makes three API runs of its default graph, one straight after the other. Resolves to
 *  `{ runs, ratio }`, `ratio` = first makespan / third. */
export async function firstAgainstThird(page) {
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await apiRun(page));
  return { runs, ratio: runs[0].makespan / runs[2].makespan, load: loadAverage() };
}

/** `firstAgainstThird` on `pages` freshly loaded pages (`newPage()` resolves to one at the
 *  playground, `close(page)` ends it), one after the other. Resolves to `{ fresh: [...],
 *  ratio, engine }`: `ratio` is the median of the pages' first-over-third makespans;
 *  `engine` the median of the same ratios with the time the workers did not get taken out
 *  (each makespan × its run's `cpu_share`): what is left is the engine's own difference
 *  between its first and third run, not the machine's. */
export async function firstAgainstThirdOverPages(newPage, close, pages = 3) {
  const fresh = [];
  for (let i = 0; i < pages; i++) {
    const page = await newPage();
    try {
      fresh.push(await firstAgainstThird(page));
    } finally {
      await close(page);
    }
  }
  const got = (r) => r.cpuShare?.share ?? 1;
  const engine = median(fresh.map((f) => (f.runs[0].makespan * got(f.runs[0])) / (f.runs[2].makespan * got(f.runs[2]))));
  return { fresh, ratio: median(fresh.map((f) => f.ratio)), engine };
}
