// Helpers for the UI tests: driving the playground's CodeMirror editor (#graph) like a person
// would (focus it, select everything, type the new text) and reading its text back; waiting
// for the page; and the usual set-up of a describe block.
import { before } from 'node:test';
import { usePage } from './harness.mjs';

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

/** `usePage` (harness.mjs), with the page's views mounted and its graph drawn before the
 *  first test. */
export function usePlayground(onPage, { isolation = true } = {}) {
  let page = null;
  const set = usePage((p) => { page = p; }, { isolation });
  before(() => waitReady(page).then(() => onPage(page)));
  return set;
}
