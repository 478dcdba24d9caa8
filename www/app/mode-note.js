// The run panel's note on what the worker count means in the chosen mode: in async mode
// (one event loop) it does not bound how many tasks are in flight.

/** The note for `mode`, or '' when the worker count means what it says. */
export function modeNote(mode) {
  if (mode === 'async') return 'async: one event loop runs every ready task at once, so the worker count is not a limit here: io tasks overlap, cpu tasks block the loop and run one at a time (use `limit R N` to bound them).';
  return '';
}

/** Keeps `#mode-note` in step with the `#mode` select. */
export function watchModeNote(doc = document) {
  const select = doc.getElementById('mode');
  const note = doc.getElementById('mode-note');
  if (!select || !note) return;
  const show = () => {
    note.textContent = modeNote(select.value);
    note.hidden = !note.textContent;
  };
  select.addEventListener('change', show);
  show();
}
