// Shared set-up for the end-to-end tests: the project's own static server (with or without
// the cross-origin isolation headers) and Debian's Chromium driven by playwright-core.
import { mkdirSync } from 'node:fs';
import { after, before } from 'node:test';
import { join } from 'node:path';
import { launchChromium } from '../../scripts/lib/browser.mjs';
import { startServer } from '../../scripts/serve.mjs';

export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

/** Starts a server and a browser; returns `{ url, browser, newPage(), close() }`. */
export async function open({ isolation = true } = {}) {
  const server = await startServer({ port: 0, isolation });
  const browser = await launchChromium();
  const pages = [];
  return {
    url: server.url,
    browser,
    /** A fresh page on the playground, with console errors collected in `page.errors`;
     *  `initScript` (a function) runs in the page before its own scripts. */
    async newPage(path = '', { initScript } = {}) {
      const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      if (initScript) await context.addInitScript(initScript);
      const page = await context.newPage();
      page.errors = [];
      page.on('pageerror', (e) => page.errors.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
      await page.goto(server.url + path);
      await page.waitForFunction(() => window.fanout !== undefined);
      pages.push(page);
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Saves a screenshot of `page` under test-artifacts/ for a person to look at. */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** `n` independent CPU tasks of `ms` milliseconds, in the graph language. */
export function independentTasks(n, ms) {
  return Array.from({ length: n }, (_, i) => `t${i + 1} : cpu ${ms}ms`).join('\n');
}

/** Asserts-friendly summary: for each worker lane, its bars sorted by start. */
export function lanes(result) {
  const byWorker = new Map();
  for (const t of result.tasks) {
    if (!byWorker.has(t.worker)) byWorker.set(t.worker, []);
    byWorker.get(t.worker).push(t);
  }
  for (const bars of byWorker.values()) bars.sort((a, b) => a.start_ms - b.start_ms);
  return byWorker;
}

/**
 * Registers the current `describe`'s set-up: a server (cross-origin isolated unless told
 * otherwise), a browser and one page on the playground, open before the first test;
 * `onPage(page)` receives the page. Closes them after the last test. Returns `{ harness }`
 * (see `open`) for tests that need another page.
 */
export function usePage(onPage, { isolation = true } = {}) {
  let harness = null;
  before(async () => {
    harness = await open({ isolation });
    onPage(await harness.newPage());
  });
  after(() => harness?.close());
  return { get harness() { return harness; } };
}
