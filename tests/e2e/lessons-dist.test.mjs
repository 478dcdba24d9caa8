// The lessons from dist/ (npm run build), served with its _headers (CSP, isolation): every
// lesson opens by link with no CSP violation, a question is checked, and a Run gives the
// claim's verdict. Needs a current dist/ (node scripts/build-site.mjs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchChromium } from '../../scripts/lib/browser.mjs';
import { parseHeadersFile } from '../../scripts/lib/headers.mjs';
import { startServer } from '../../scripts/serve.mjs';

const DIST = new URL('../../dist/', import.meta.url).pathname;

describe('lessons from dist/', () => {
  let server;
  let browser;
  before(async () => {
    server = await startServer({ root: DIST, port: 0, headers: parseHeadersFile(readFileSync(join(DIST, '_headers'), 'utf8')) });
    browser = await launchChromium();
  });
  after(async () => { await browser?.close(); await server?.close(); });

  test('all fourteen open by link, and maestro checks and runs', async () => {
    const page = await (await browser.newContext()).newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    const index = JSON.parse(readFileSync(join(DIST, 'lessons/index.json'), 'utf8'));
    assert.equal(index.length, 14);
    for (const { id, title } of index) {
      await page.goto(`${server.url}?lesson=${id}`);
      await page.waitForSelector('#lesson:not([hidden]) .lesson-question', { timeout: 30_000 });
      assert.equal(await page.textContent('#lesson-title'), title);
    }
    await page.goto(`${server.url}?lesson=maestro`);
    await page.waitForSelector('#lesson:not([hidden]) .lesson-question', { timeout: 30_000 });
    const q = page.locator('[data-question="predict-makespan"]');
    await q.locator('input').fill('11');
    await q.getByRole('button', { name: /^Check/ }).click();
    await page.waitForFunction(() => document.querySelector('[data-question="predict-makespan"] .lesson-feedback').dataset.ok === 'true');
    await page.click('#run');
    await page.waitForFunction(() => document.querySelector('#lesson-verdict')?.dataset.real !== undefined, null, { timeout: 120_000 });
    assert.match(await page.textContent('#lesson-verdict'), /Simulation \(exact\): the claim holds/);
    assert.deepEqual(errors.filter((e) => /Content Security Policy|Refused/.test(e)), []);
  });
});
