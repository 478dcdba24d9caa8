// Linked selection: one selected task id shared by the editor, the DAG view and the timeline.
// Guarantees: `set(id, source)` notifies every subscriber once per change (same id → nothing),
// passing the source so a view need not echo its own selection back.

export function createSelection() {
  let current = null;
  const subscribers = [];
  return {
    get: () => current,
    set(id, source) {
      const next = id ?? null;
      if (next === current) return;
      current = next;
      for (const fn of subscribers) fn(current, source);
    },
    subscribe(fn) { subscribers.push(fn); },
  };
}
