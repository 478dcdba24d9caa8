// Lays out large graphs off the main thread: { id, tasks } → { id, positions } | { id, error }.
import { computeLayout } from './layout-core.js';

self.onmessage = ({ data }) => {
  try {
    self.postMessage({ id: data.id, positions: computeLayout(data.tasks) });
  } catch (e) {
    self.postMessage({ id: data.id, error: String(e?.message ?? e) });
  }
};
