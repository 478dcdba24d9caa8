// The editor's text, kept in the browser (localStorage) so it survives a reload, a crashed run
// and a crashed engine. Storage can be missing, blocked (a sandboxed or third-party iframe,
// privacy settings) or full: `load` and `save` never throw, and `save` says whether it kept
// the text so the page can tell the reader.

/**
 * A saved text under `key`. `storage()` gives the Storage to use (default localStorage; asked
 * on every call, since merely reading `window.localStorage` throws where storage is blocked).
 * Returns `{ load() -> string | null, save(text) -> boolean }`.
 */
export function createSavedText(key, storage = () => window.localStorage) {
  return {
    /** The saved text, or null when there is none or storage cannot be read. */
    load() {
      try {
        const text = storage()?.getItem(key);
        return typeof text === 'string' ? text : null;
      } catch {
        return null;
      }
    },
    /** Saves `text`; false when storage refused it (blocked, or over its quota). */
    save(text) {
      try {
        const s = storage();
        if (!s) return false;
        s.setItem(key, text);
        return true;
      } catch {
        return false;
      }
    },
  };
}
