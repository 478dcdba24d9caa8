// Helpers for the UI tests: driving the playground's CodeMirror editor (#graph) like a person
// would (focus it, select everything, type the new text) and reading its text back; waiting
// for the page; and the usual set-up of a describe block.
import { after, before } from 'node:test';
import { open } from './harness.mjs';

/** Replaces the editor's text by typing it (select all, then insert). */
export async function setGraph(page, text) {
  await page.click('#graph .cm-content');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** The editor's current text. */
export function graphText(page) {
  return page.evaluate(() => window.fanoutUI.editor.text());
}

/** Waits until the page has mounted every view and drawn the graph. */
export function waitReady(page) {
  return page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
}

/**
 * Registers the current `describe`'s set-up: a server (cross-origin isolated unless told
 * otherwise), a browser and one playground page, ready before the first test; `onPage(page)`
 * receives the page. Closes them after the last test. Returns `{ harness }` (see harness.mjs)
 * for tests that need another page.
 */
export function usePlayground(onPage, { isolation = true } = {}) {
  let harness = null;
  before(async () => {
    harness = await open({ isolation });
    const page = await harness.newPage();
    await waitReady(page);
    onPage(page);
  });
  after(() => harness?.close());
  return { get harness() { return harness; } };
}
