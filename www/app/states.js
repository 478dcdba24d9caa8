// The task states the views draw, with one colour each, shared by the DAG view, the timeline
// and the legend. Guarantees: every state has a fill, a text colour readable on that fill
// (WCAG AA contrast for normal text) and a human label; unknown statuses map to a state.

export const STATES = Object.freeze({
  waiting:   { fill: '#e4e7ee', text: '#1d1f24', label: 'waiting (dependencies not done)' },
  ready:     { fill: '#b9d2ff', text: '#1d1f24', label: 'ready (waiting for a worker)' },
  blocked:   { fill: '#f3c349', text: '#1d1f24', label: 'blocked (by a limit)' },
  running:   { fill: '#2456c7', text: '#ffffff', label: 'running' },
  done:      { fill: '#1a7f5f', text: '#ffffff', label: 'done' },
  failed:    { fill: '#b3261e', text: '#ffffff', label: 'failed' },
  timeout:   { fill: '#e07b1a', text: '#1d1f24', label: 'timed out' },
  skipped:   { fill: '#9aa0ab', text: '#1d1f24', label: 'skipped' },
  cancelled: { fill: '#6b5fa5', text: '#ffffff', label: 'cancelled' },
  rejected:  { fill: '#7a3e9d', text: '#ffffff', label: 'rejected (breaker open)' },
});

/** The colour of the critical path outline in both views. */
export const CRITICAL = '#d4145a';
/** The colour of the selection outline in both views. */
export const SELECTED = '#111318';

/** The state a finished attempt's `status` shows as. */
export function stateOfStatus(status) {
  if (status === 'ok' || status === 'done') return 'done';
  return status in STATES ? status : 'done';
}

/** Sets the states' colours as CSS custom properties (--state-<name>) on `root`. */
export function installStateColors(root = document.documentElement) {
  for (const [name, s] of Object.entries(STATES)) {
    root.style.setProperty(`--state-${name}`, s.fill);
    root.style.setProperty(`--state-${name}-text`, s.text);
  }
  root.style.setProperty('--critical', CRITICAL);
}

/** A legend: one swatch per state, plus the critical path. */
export function legend() {
  const ul = document.createElement('ul');
  ul.className = 'legend';
  ul.setAttribute('aria-label', 'Legend: task states');
  for (const [name, s] of Object.entries(STATES)) {
    const li = document.createElement('li');
    li.dataset.state = name;
    // Built as nodes, not markup: no view sets innerHTML (tests/e2e/hostile.test.mjs).
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = s.fill;
    li.append(swatch, name);
    li.title = s.label;
    ul.append(li);
  }
  const li = document.createElement('li');
  const swatch = document.createElement('span');
  swatch.className = 'swatch critical';
  li.append(swatch, 'critical path');
  ul.append(li);
  return ul;
}
