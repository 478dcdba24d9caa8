// The Share button and opening share links (format: www/shared/share-link.js, docs/sharing.md).
// Guarantees:
//  - Share puts a link to the editor's text and the run settings in the address bar (the URL
//    fragment, replacing the history entry) and copies it; when the browser refuses the
//    clipboard, the link is shown selected in a text field to copy by hand.
//  - A link is opened once when the page loads (before the editor exists: `opened`) and
//    again when the address's fragment changes to a link. A broken link only gets a message
//    naming the problem (in an aria-live status): the editor and the saved text keep what
//    they had. A good link replaces the editor's text but not the saved text: that changes
//    only when the reader edits, and "Back to my saved graph" brings it back until then.
//  - The fragment is dropped from the address as soon as the editor or the settings no longer
//    match it, so a reload shows what the reader last had, not an old link.
import { decodeShare, encodeShare, isShareFragment } from '../shared/share-link.js';
import { el } from './dom.js';

/** The link in the current address, decoded: `{ ok, text, settings } | { ok: false, … }`,
 *  or null when the fragment is not a share link (none, or an ordinary anchor). */
export function linkInAddress(hash = location.hash) {
  return isShareFragment(hash) ? decodeShare(hash) : null;
}

/**
 * Wires the Share button. `opened` is what `linkInAddress()` gave before the editor was made
 * (its text, if good, is the editor's first text). `getText()`/`setText(text)` read and
 * replace the editor's text; `getSettings()`/`applySettings(settings)` the run panel's;
 * `savedText()` is the text kept in storage (or null).
 * Returns `{ changed(), applying }`: call `changed()` after any edit or settings change; the
 * editor's change handler must not save the text while `applying` is true.
 */
export function createShare({ button, status, field, opened, getText, setText, getSettings, applySettings, savedText }) {
  let applying = false;
  let linkFragment = null; // the fragment in the address, while it matches the page

  const say = (parts, kind = 'info') => {
    status.replaceChildren(...parts.filter(Boolean));
    status.dataset.kind = kind;
    status.classList.toggle('error', kind === 'error');
  };

  function dropFragment() {
    linkFragment = null;
    if (isShareFragment(location.hash)) history.replaceState(history.state, '', location.pathname + location.search);
  }

  function backButton() {
    const saved = savedText();
    if (saved === null || saved === getText()) return null;
    return el('button', {
      type: 'button', className: 'secondary', id: 'share-restore', textContent: 'Back to my saved graph',
      onclick: () => { setText(saved); say(['Your saved graph is back in the editor.']); },
    });
  }

  /** Shows the outcome of opening `link` (a decodeShare result); on success the text and
   *  settings are the page's already (first load) or are put there now (`apply`). */
  function showOpened(link, apply) {
    field.hidden = true;
    if (!link.ok) {
      say([`${link.error} Nothing was loaded: your graph is unchanged.`], 'error');
      status.dataset.problem = link.kind;
      return;
    }
    delete status.dataset.problem;
    if (apply) {
      applying = true;
      try { setText(link.text); } finally { applying = false; }
    }
    const back = backButton();
    const notes = applySettings(link.settings);
    linkFragment = location.hash.slice(1);
    say([`Opened the graph and settings from the link.${notes ? ` ${notes}` : ''}${back ? ' Your saved graph is kept until you edit this one. ' : ''}`, back], 'opened');
  }

  async function share() {
    let fragment;
    try {
      fragment = encodeShare({ text: getText(), settings: getSettings() });
    } catch (e) {
      field.hidden = true;
      say([e.kind === 'not-a-graph' ? `Cannot make a link: ${e.message}.` : e.message], 'error');
      return;
    }
    history.replaceState(history.state, '', `${location.pathname}${location.search}#${fragment}`);
    linkFragment = fragment;
    const url = location.href;
    field.value = url;
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(url);
      field.hidden = true;
      say([`Link copied to the clipboard and shown in the address bar (${url.length.toLocaleString('en-US')} characters).`], 'copied');
    } catch {
      field.hidden = false;
      field.focus();
      field.select();
      say(['The browser did not let the page copy the link: it is in the address bar and selected below; copy it with Ctrl+C (⌘C on a Mac).'], 'manual');
    }
  }

  button.addEventListener('click', share);
  field.addEventListener('focus', () => field.select());
  // A link pasted into the address bar of an open page.
  window.addEventListener('hashchange', () => {
    const link = linkInAddress();
    if (link && location.hash.slice(1) !== linkFragment) showOpened(link, true);
  });
  if (opened) showOpened(opened, false);

  return {
    /** True while a link's text is being put in the editor (that is not the reader's edit:
     *  it is not saved). */
    get applying() { return applying; },
    /** The editor or the settings changed: the link in the address no longer describes them. */
    changed() {
      if (!applying) dropFragment();
    },
  };
}
