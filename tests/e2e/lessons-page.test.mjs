// The lesson panel end to end: ?lesson=maestro opens beside the editor, a prediction is
// checked, Run gives the claim's verdict (simulated exactly, measured) with the gap sentence
// and puts the simulated twin beside the run in the Compare view; progress survives a
// reload and resets; a teacher's lesson carried whole by a share link works the same; the
// embed shows a lesson as its `lessons` panel; the print layout keeps the lesson.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mkdirSync } from 'node:fs';
import { ARTIFACTS, screenshot, usePage } from './harness.mjs';
import { decodeShare, encodeShare } from '../../www/shared/share-link.js';

const waitPanel = (page) => page.waitForSelector('#lesson:not([hidden]) .lesson-question', { timeout: 30_000 });

const TEACHER = `---
id: teachers-own
title: A teacher's own lesson
level: beginner
topics: [span]
minutes: 3
---

Two waits of 300 ms side by side, then 100 ms.

\`\`\`fanout
workers 2
a : io 300ms
b : io 300ms
c : io 100ms after a, b
\`\`\`

\`\`\`question
id: guess
kind: numeric
when: predict
unit: ms
ask: On 2 workers, how long (ms)?
answer: makespan(2)
\`\`\`

\`\`\`claim
sim: makespan(2) == span()
real: real(2) < 0.8 * work()
explain: Two workers take {makespan(2)}.
\`\`\`
`;

describe('lesson panel', () => {
  let page;
  const h = usePage((p) => { page = p; });

  test('?lesson=maestro: predict, check, run, verdict, compare', async () => {
    await page.goto(`${h.harness.url}?lesson=maestro`);
    await waitPanel(page);
    assert.equal(await page.textContent('#lesson-title'), 'The maestro: three scripts at once');
    // The editor holds the lesson's graph.
    assert.match(await page.evaluate(() => window.fanoutUI.editor.text()), /final : io 1s after a, b, c/);
    const q = page.locator('[data-question="predict-makespan"]');
    await q.locator('input').fill('13');
    await q.getByRole('button', { name: /^Check/ }).click();
    await page.waitForFunction(() => document.querySelector('[data-question="predict-makespan"] .lesson-feedback').dataset.ok === 'false');
    await q.locator('input').fill('11');
    await q.locator('input').press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-question="predict-makespan"] .lesson-feedback').dataset.ok === 'true');
    assert.match(await page.textContent('.lesson-progress'), /1 of 3 questions/);
    await q.getByRole('button', { name: 'Hint' }).click();
    assert.equal(await q.locator('.lesson-hint').isVisible(), true);
    // A choice question, by keyboard.
    const c = page.locator('[data-question="predict-sum"]');
    await c.locator('input[type=radio]').nth(1).check();
    await c.getByRole('button', { name: /^Check/ }).click();
    await page.waitForFunction(() => document.querySelector('[data-question="predict-sum"] .lesson-feedback').dataset.ok === 'true');
    await screenshot(page, 'lesson-maestro-predicted');
    await page.click('#run');
    await page.waitForFunction(() => document.querySelector('#lesson-verdict')?.dataset.sim !== undefined, null, { timeout: 120_000 });
    const verdict = await page.textContent('#lesson-verdict');
    assert.match(verdict, /Simulation \(exact\): the claim holds/);
    assert.match(verdict, /Real run \(measured\): the claim holds/);
    assert.match(verdict, /The real run took .* the exact simulation's/);
    // The run and its simulated twin side by side in the Compare view.
    const runs = await page.evaluate(() => window.fanoutUI.history.list().map((r) => r.mode));
    assert.deepEqual(runs.slice(-2).map((m) => m === 'simulated'), [false, true]);
    assert.match(await page.textContent('#compare-summary'), /simulated|ms|s/);
    await screenshot(page, 'lesson-maestro-verdict');
    // The panel itself, scrolled to the verdict, as a reader sees it.
    await page.locator('#lesson-verdict').scrollIntoViewIfNeeded();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('#lesson').screenshot({ path: `${ARTIFACTS}lesson-panel-verdict.png` });
  });

  test('progress survives a reload, and Reset clears it', async () => {
    await page.reload();
    await waitPanel(page);
    assert.match(await page.textContent('.lesson-progress'), /2 of 3 questions/);
    assert.equal(await page.inputValue('[data-question="predict-makespan"] input'), '11');
    assert.match(await page.textContent('[data-question="predict-makespan"] .lesson-feedback'), /Answered right before/);
    await page.getByRole('button', { name: "Reset this lesson's progress" }).click();
    assert.match(await page.textContent('.lesson-progress'), /0 of 3 questions/);
    await page.reload();
    await waitPanel(page);
    assert.match(await page.textContent('.lesson-progress'), /0 of 3 questions/);
  });

  test('every lesson of the menu opens by link', async () => {
    const ids = await page.evaluate(() => [...document.querySelectorAll('#lesson-menu option')].map((o) => o.value).filter(Boolean));
    assert.equal(ids.length, 14);
    for (const id of ids) {
      await page.goto(`${h.harness.url}?lesson=${id}`);
      await waitPanel(page);
      assert.equal(await page.locator('.lesson-errors').count(), 0, id);
      if (id === 'race-counter') await screenshot(page, 'lesson-race-counter');
    }
  });

  test("a teacher's lesson from a share link works the same", async () => {
    const link = `${h.harness.url}#${encodeShare({ text: 'a : io 300ms\nb : io 300ms\nc : io 100ms after a, b\n', settings: {}, lesson: TEACHER })}`;
    // A v1 reader that knows no lessons still opens the graph.
    const plain = decodeShare(link.split('#')[1]);
    assert.equal(plain.ok, true);
    assert.equal(plain.lesson, TEACHER);
    await page.goto('about:blank');
    await page.goto(link);
    await waitPanel(page);
    assert.equal(await page.textContent('#lesson-title'), "A teacher's own lesson");
    const q = page.locator('[data-question="guess"]');
    await q.locator('input').fill('400');
    await q.getByRole('button', { name: /^Check/ }).click();
    await page.waitForFunction(() => document.querySelector('[data-question="guess"] .lesson-feedback').dataset.ok === 'true');
    await page.click('#run');
    await page.waitForFunction(() => document.querySelector('#lesson-verdict')?.dataset.real !== undefined, null, { timeout: 60_000 });
    assert.match(await page.textContent('#lesson-verdict'), /Simulation \(exact\): the claim holds.*Real run \(measured\): the claim holds/);
    // The lesson's own Share button makes the same kind of link.
    await page.getByRole('button', { name: 'Share this whole lesson as a link' }).click();
    assert.match(await page.inputValue('#lesson .share-link'), /#v1\//);
  });

  test("a teacher's lesson from a file opens the same", async () => {
    await page.goto(h.harness.url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    await page.setInputFiles('#lesson-file', { name: 'mine.md', mimeType: 'text/markdown', buffer: Buffer.from(TEACHER) });
    await waitPanel(page);
    assert.equal(await page.textContent('#lesson-title'), "A teacher's own lesson");
    assert.match(await page.evaluate(() => window.fanoutUI.editor.text()), /c : io 100ms after a, b/);
  });

  test('the embed shows a lesson as its `lessons` panel', async () => {
    await page.goto(`${h.harness.url}embed.html?panels=lessons,timeline&lesson=waves-vs-eager&workers=2`);
    await page.waitForSelector('.embed-lessons .lesson-question', { timeout: 30_000 });
    assert.match(await page.textContent('.embed-lessons'), /Waves against eager scheduling/);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true' || document.querySelector('#embed')?.dataset.ready === 'true', null, { timeout: 30_000 });
    await screenshot(page, 'lesson-embed');
  });

  test('print keeps the lesson and drops the controls', async () => {
    await page.goto(`${h.harness.url}?lesson=amdahl`);
    await waitPanel(page);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#run').isVisible(), false);
    assert.equal(await page.locator('#lesson').isVisible(), true);
    await screenshot(page, 'lesson-print');
    await page.emulateMedia({ media: 'screen' });
  });
});
