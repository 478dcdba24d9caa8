// Lays out large graphs off the main thread: { id, tasks, groups?, collapsed? } → { id, positions } | { id, error }.
import { computeLayout } from './layout-core.js';
import { accept, layoutRequest } from '../shared/validate.js';

self.onmessage = ({ data }) => {
  if (!accept('the layout worker', data, layoutRequest)) return;
  try {
    self.postMessage({ id: data.id, positions: computeLayout(data.tasks, data.groups ?? [], data.collapsed ?? []) });
  } catch (e) {
    self.postMessage({ id: data.id, error: String(e?.message ?? e) });
  }
};
