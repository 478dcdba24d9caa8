// Helpers for driving the playground's CodeMirror editor (#graph) like a person would:
// focus it, select everything, type the new text; and reading its text back.

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
